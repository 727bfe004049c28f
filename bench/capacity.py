"""Capacity of the production stack under a mixed workload, then twice that for a minute.

    make bench-load        (or: .venv/bin/python bench/capacity.py)

Starts the stack of deploy/ (deploy/stack.py: nginx, the web server's two processes on a
unix socket, two task workers, PostgreSQL, Redis), seeds members and posts, and loads it
through nginx with Locust (bench/locustfile.py: home 30%, explore 20%, profiles 20%, API
reads 25%, posts 3%, follows 2%; each simulated member waits 0.5-1.5 s between requests).
It raises the number of members step by step and keeps the largest at which the 99th
percentile stays under 500 ms: the capacity. Then it runs twice the capacity for a minute
and checks that nothing failed but deliberate 503/429 answers, and that every post the site
accepted is in the database. Locust shares the machine's cores with the site: the numbers
are a floor. Not a test: the numbers depend on the machine.
"""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT  # also puts the checkout on sys.path

from deploy.stack import Stack, missing_programs

P99_GOAL_MS = 500
MEMBERS = """
import json
from django.test import Client
from accounts.models import User
from accounts.tokens import token_issue
members = []
for user in User.objects.order_by("id")[:{count}]:
    client = Client()
    client.force_login(user)
    raw, _ = token_issue(user=user)
    members.append(dict(id=user.id, username=user.username,
                        session=client.cookies["sessionid"].value, token=raw))
print(json.dumps(members))
"""


def locust(stack: Stack, work: Path, *, users: int, seconds: int, label: str) -> dict:
    """Run Locust headless: requests/s, p50/p99 in ms, and failures by reason."""
    prefix = work / label
    env = stack.env | {"MICROBLOG_MEMBERS": str(work / "members.json"),
                       "MICROBLOG_ACCEPTED": str(prefix) + "-accepted.json"}  # fmt: skip
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
         "--headless", "--host", stack.url, "--users", str(users),
         "--spawn-rate", str(max(users // 5, 1)), "--run-time", f"{seconds}s",
         "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
        env=env, check=False, capture_output=True,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv") as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    failures: dict[str, int] = {}
    with open(f"{prefix}_failures.csv") as rows:
        for row in csv.DictReader(rows):
            failures[row["Error"]] = failures.get(row["Error"], 0) + int(row["Occurrences"])
    return {
        "users": users,
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p99": float(total["99%"]),
        "requests": int(total["Request Count"]),
        "failures": failures,
        "accepted": json.loads(Path(str(prefix) + "-accepted.json").read_text()),
    }


def show(result: dict) -> None:
    """One line per run."""
    print(f"{result['users']:>5} members  {result['rps']:7.1f} req/s  p50 {result['p50']:5.0f} ms"
          f"  p99 {result['p99']:6.0f} ms  {result['requests']} requests"
          f"  failures {result['failures'] or 'none'}", flush=True)  # fmt: skip


def main() -> None:
    """Seed, find the capacity, run at twice it, check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="20,40,80,160,320", help="members to try, in order")
    parser.add_argument("--step-seconds", type=int, default=30)
    parser.add_argument("--overload-seconds", type=int, default=60)
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    if missing := missing_programs():
        sys.exit(f"Missing: {', '.join(missing)}")
    work = Path(tempfile.mkdtemp(prefix="microblog-capacity-"))
    # Rates per member and per address are the site's defence, not what is measured here
    # (every simulated member comes from 127.0.0.1).
    rates = {"API_RATE_TOKEN": "100000/minute", "API_RATE_ANON": "100000/minute",
             "FOLLOW_RATE": "100000/minute", "POST_RATE": "100000/minute"}  # fmt: skip
    with Stack(work / "stack", settings=rates) as stack:
        stack.manage("seed", "--users", "1000", "--posts", str(args.posts), "--follows", "50")
        (work / "members.json").write_text(
            stack.manage("shell", "-c", MEMBERS.format(count=1000)).split("\n")[-2]
        )
        print(f"Stack at {stack.url}; {args.posts:,} posts, 1,000 members; p99 goal "
              f"{P99_GOAL_MS} ms", flush=True)  # fmt: skip
        # Warm up (connections, post cards cached by each web process), not counted.
        locust(stack, work, users=10, seconds=15, label="warm-up")
        capacity = None
        for users in (int(step) for step in args.steps.split(",")):
            result = locust(stack, work, users=users, seconds=args.step_seconds,
                            label=f"step-{users}")  # fmt: skip
            show(result)
            if result["p99"] >= P99_GOAL_MS:
                break
            capacity = result
        if capacity is None:
            sys.exit("Even the first step missed the goal: try smaller --steps.")
        print(f"Capacity: {capacity['users']} members, {capacity['rps']:.0f} req/s "
              f"(p99 {capacity['p99']:.0f} ms). Now twice that for "
              f"{args.overload_seconds} s:", flush=True)  # fmt: skip
        overload = locust(stack, work, users=2 * capacity["users"],
                          seconds=args.overload_seconds, label="overload")  # fmt: skip
        show(overload)
        errors = {reason: count for reason, count in overload["failures"].items()
                  if "deliberate" not in reason}  # fmt: skip
        accepted = overload["accepted"]
        stored = set(stack.sql("select body from posts_post where body like 'Load test post %'")
                     .splitlines())  # fmt: skip
        lost = [body for body in accepted if body not in stored]
        print(f"Unexpected failures: {errors or 'none'}; posts accepted {len(accepted)}, "
              f"missing from the database {len(lost)}; logs in {work / 'stack' / 'log'}",
              flush=True)  # fmt: skip
    stack.files_remove()
    if errors or lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
