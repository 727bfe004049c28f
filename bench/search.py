"""Search at 1,000,000 posts, as ratios of the explore page measured in the same run.

    make bench            (runs this after bench/timeline.py; or: .venv/bin/python bench/search.py)

Seeds 1,000 members and 1,000,000 posts (the seed command's plausible sentences, so "coffee"
is in about one post in ten) plus 20 posts with a rare word, then renders page 1 of explore
and of the search page through Django's test client: a rare word, a common word, a two-word
phrase (posts, newest first, the default), and people by the start of a name. Goals: each
post search within 3x explore, people within 2x. Then rebuilds the database's search index
(`manage.py search reindex`) and prints its time and peak memory.
"""

import argparse
import os
import subprocess
import time

from common import PYTHON, ROOT, add_database_argument, bench_environment, median_ms, seed

SEARCHES = [
    # (label, query string, goal as a multiple of explore)
    ("rare word", "q=zeppelin", 3),
    ("common word", "q=coffee", 3),
    ("two-word phrase", "q=%22my+coffee%22", 3),
    ("people by prefix", "q=ma&type=people", 2),
]


def main() -> None:
    """Seed, measure, reindex, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15, help="renders per page")
    add_database_argument(parser)
    args = parser.parse_args()
    with bench_environment(postgres=args.postgres) as env:
        env["SEARCH_RATE"] = "100000000/minute"
        seed(env, users=args.users, posts=args.posts, follows=10)
        os.environ.update(env)
        import django

        django.setup()
        add_rare_posts()
        timings = measure(args.repeat)
        from django.db import connections

        connections.close_all()
        seconds, peak_mb = reindex(env)
    database = "PostgreSQL" if args.postgres else "SQLite"
    print()
    print(f"| page 1, {args.posts:,} posts, {database} | time | ÷ explore | goal |")
    print("|---|---|---|---|")
    print(f"| explore | {timings['explore']:.1f} ms | 1.00 | |")
    for label, query, goal in SEARCHES:
        ratio = timings[query] / timings["explore"]
        mark = "✓" if ratio <= goal else "✗"
        print(f"| search: {label} | {timings[query]:.1f} ms | {ratio:.2f} | ≤ {goal} {mark} |")
    print()
    print(f"manage.py search reindex of {args.posts:,} posts: {seconds:.0f} s, "
          f"peak memory {peak_mb:.0f} MB")  # fmt: skip


# Run in a process of its own, which reports its own peak memory (ru_maxrss, in KB).
REINDEX = """
import resource, django
django.setup()
from django.core.management import call_command
call_command("search", "reindex", stdout=open("/dev/null", "w"))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def reindex(env: dict) -> tuple[float, float]:
    """Seconds and peak megabytes of `manage.py search reindex`."""
    began = time.perf_counter()
    output = subprocess.run([PYTHON, "-c", REINDEX], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    return time.perf_counter() - began, int(output.split()[-1]) / 1024


def add_rare_posts() -> None:
    """20 posts with a word no other post has, spread over the seeded authors."""
    from accounts.models import User
    from posts.models import Post
    from posts.services import posts_bulk_create

    authors = list(User.objects.order_by("?")[:20])
    posts_bulk_create(posts=[Post(author=author, body=f"A zeppelin flew over, number {i}.")
                             for i, author in enumerate(authors)])  # fmt: skip


def measure(repeat: int) -> dict[str, float]:
    """Median milliseconds to render page 1 of explore and of each search, as a member."""
    from django.test import Client

    from accounts.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.order_by("pk").first())
    timings = {"explore": median_ms(lambda: client.get("/explore/"), repeat)}
    for _label, query, _goal in SEARCHES:
        response = client.get(f"/search/?{query}")
        assert response.status_code == 200 and b"empty-state" not in response.content, query
        timings[query] = median_ms(lambda query=query: client.get(f"/search/?{query}"), repeat)
    return timings


if __name__ == "__main__":
    main()
