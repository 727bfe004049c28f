"""Set-up shared by the benchmarks: a throw-away database, seeding, and a timer."""

import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
sys.path.insert(0, str(ROOT))


def add_database_argument(parser) -> None:
    """--postgres: bench on a fresh PostgreSQL database instead of SQLite."""
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="a fresh database on BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1)",
    )


@contextmanager
def bench_environment(*, postgres: bool):
    """Settings for a production-like site on a throw-away database, removed afterwards."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "microblog.settings",
        "DEBUG": "false",
        "SECURE_COOKIES": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The API's rate limits would answer 429 within a second: measure the API instead.
        "API_RATE_TOKEN": "100000000/minute",
        "API_RATE_ANON": "100000000/minute",
    }
    if not postgres:
        with tempfile.TemporaryDirectory(prefix="microblog-bench-") as workdir:
            env["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
            yield env
        return
    import psycopg

    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    name = f"microblog_bench_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{server}/{name}"
    try:
        yield env
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def manage(env: dict, *arguments: str) -> str:
    """Run a management command on the bench database; return its output."""
    return subprocess.run(
        [PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    ).stdout  # fmt: skip


def seed(env: dict, *, users: int, posts: int, follows: int, messages: int = 0) -> None:
    """Migrate and add to the bench database (skewed: a few prolific, popular authors).

    Messages, if any, go mostly to and from the same few members; the first two members
    exchange one in a hundred (see `manage.py seed --help`).
    """
    began = time.perf_counter()
    manage(env, "migrate", "--no-input")
    manage(env, "seed", f"--users={users}", f"--posts={posts}", f"--follows={follows}",
           f"--messages={messages}", "--shape=skewed", f"--seed={posts}")  # fmt: skip
    if env["DATABASE_URL"].startswith("postgres"):
        manage(env, "dbshell", "--", "-c", "VACUUM ANALYZE")  # as autovacuum would, soon
    print(f"seeded {users:,} members, {posts:,} posts, {follows} follows each (skewed)"
          + (f", {messages:,} messages" if messages else "")
          + f" in {time.perf_counter() - began:.0f} s")  # fmt: skip


def median_ms(call, repeat: int) -> float:
    """The median wall time of `call()` in milliseconds, after one warm-up call."""
    call()
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        timings.append(time.perf_counter() - began)
    return statistics.median(timings) * 1000
