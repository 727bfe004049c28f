"""Export of a member's data at 10,000 and 100,000 posts: time and peak memory of the
worker's process (goal: memory flat in the number of posts, the job well under a minute).

    make bench            (runs this last; or: .venv/bin/python bench/export.py)

Each export runs in a fresh process (as a worker would run it), which reports its own
peak memory (ru_maxrss) beside that of a process that only started Django.
"""

import argparse
import subprocess
import time

from common import PYTHON, ROOT, add_database_argument, bench_environment, manage

SETUP = """
import sys, django
django.setup()
from datetime import timedelta
from django.utils import timezone
from accounts.models import User
from posts.models import Post
from posts.services import posts_bulk_create
count = int(sys.argv[1])  # more posts for the exporter
author = User.objects.filter(username="exporter").first() or User.objects.create_user(
    "exporter", "exporter@example.com", "x" * 20
)
now = timezone.now()
for start in range(0, count, 5000):
    posts_bulk_create(posts=[
        Post(author=author, body=f"Post number {i}: my coffee made my morning.", language="en",
             created=now - timedelta(seconds=count - i))
        for i in range(start, min(count, start + 5000))
    ])
"""
EXPORT = """
import resource, sys, django
django.setup()
from accounts.models import Job, User
from posts.exports import export_run
if sys.argv[1] == "baseline":
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    raise SystemExit
owner = User.objects.get(username="exporter")
job = Job.objects.create(owner=owner, kind="export")
assert export_run(job_id=job.pk)
job.refresh_from_db()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, job.file.size)
"""


def run(env: dict, code: str, *args: str) -> str:
    """Run `code` in a fresh Python process on the bench database; its output."""
    return subprocess.run([PYTHON, "-c", code, *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout  # fmt: skip


def main() -> None:
    """Seed a member, export, grow, export, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[10_000, 100_000])
    add_database_argument(parser)
    args = parser.parse_args()
    rows = []
    with bench_environment(postgres=args.postgres) as env:
        env["TASKS_BACKEND"] = "django.tasks.backends.immediate.ImmediateBackend"
        manage(env, "migrate", "--no-input")
        baseline = int(run(env, EXPORT, "baseline")) / 1024
        seeded = 0
        for count in args.posts:
            run(env, SETUP, str(count - seeded))
            seeded = count
            began = time.perf_counter()
            peak, size = run(env, EXPORT, "export").split()
            rows.append((count, time.perf_counter() - began, int(peak) / 1024, int(size)))
    print()
    print(f"| posts | time | peak memory | (Django alone: {baseline:.0f} MB) | archive |")
    print("|---|---|---|---|---|")
    for count, seconds, peak, size in rows:
        print(f"| {count:,} | {seconds:.1f} s | {peak:.0f} MB | +{peak - baseline:.0f} MB "
              f"| {size / 1e6:.1f} MB |")  # fmt: skip
    growth = rows[-1][2] - rows[0][2]
    print(f"\npeak memory at {rows[-1][0]:,} posts - at {rows[0][0]:,}: {growth:+.0f} MB "
          f"(goal: flat) {'✓' if growth < 20 else '✗'}")  # fmt: skip


if __name__ == "__main__":
    main()
