"""Home timeline vs explore: render both pages on the seed's large data set, print the ratio.

    make bench            (or: .venv/bin/python bench/timeline.py --users 1000 --posts 100000)

Seeds a throw-away database (SQLite file in a temporary folder unless DATABASE_URL is
set), then renders each page many times through Django's test client for a sample of
users, first pages and deep pages alike. Explore is the baseline measured in the same run:
the issue asks that the home timeline render about as fast.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    """Seed, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--follows", type=int, default=50)
    parser.add_argument("--sample", type=int, default=20, help="users measured")
    parser.add_argument("--repeat", type=int, default=5, help="renders per page and user")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="microblog-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")
    os.environ["DEBUG"] = "true"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from microblog.pagination import cursor_for
    from posts.selectors import explore_posts
    from social.selectors import home_timeline

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command(
        "seed", users=args.users, posts=args.posts, follows=args.follows, seed=1, verbosity=0
    )
    print(
        f"seeded {args.users} users, {args.posts} posts, {args.follows} follows each "
        f"in {time.perf_counter() - start:.1f}s"
    )

    users = list(User.objects.order_by("?")[: args.sample])
    client = Client(HTTP_HOST="localhost")
    timings = {"home": [], "explore": []}
    for user in users:
        client.force_login(user)
        deep = {
            "home": list(home_timeline(user=user)[200:201]),
            "explore": list(explore_posts()[200:201]),
        }
        for name, path in (("home", "/"), ("explore", "/explore/")):
            urls = [path] + [f"{path}?before={cursor_for(item)}" for item in deep[name]]
            for url in urls:
                client.get(url)  # warm the caches once
                for _ in range(args.repeat):
                    began = time.perf_counter()
                    response = client.get(url)
                    timings[name].append(time.perf_counter() - began)
                    assert response.status_code == 200, (url, response.status_code)

    home = statistics.median(timings["home"]) * 1000
    explore = statistics.median(timings["explore"]) * 1000
    print(f"explore (baseline): median {explore:.1f} ms over {len(timings['explore'])} renders")
    print(f"home timeline:      median {home:.1f} ms over {len(timings['home'])} renders")
    print(f"ratio home/explore: {home / explore:.2f}")


if __name__ == "__main__":
    main()
