"""Set-up shared by the benchmarks: a throw-away seeded site, and a timer."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def seeded_site(*, users: int, posts: int, follows: int) -> None:
    """Configure Django on a fresh database (SQLite unless DATABASE_URL) and seed it."""
    workdir = tempfile.mkdtemp(prefix="microblog-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")
    os.environ["DEBUG"] = "true"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    call_command("seed", users=users, posts=posts, follows=follows, seed=1, verbosity=0)
    print(
        f"seeded {users} users, {posts} posts, {follows} follows each "
        f"in {time.perf_counter() - began:.1f}s"
    )


def median_ms(call, repeat: int) -> float:
    """The median wall time of `call()` in milliseconds, after one warm-up call."""
    call()
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        timings.append(time.perf_counter() - began)
    return statistics.median(timings) * 1000
