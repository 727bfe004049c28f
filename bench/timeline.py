"""The home timeline at scale: flat from 100,000 to 1,000,000 posts, and the worst member.

    make bench            (runs this after bench/pages.py; or: .venv/bin/python bench/timeline.py)

Seeds the skewed data set (a few prolific, popular authors), renders page 1 of the home
timeline of a typical member and of the worst one (whose followed authors wrote the most),
and explore, through Django's test client; then grows the posts tenfold and renders them
again. Prints the ratios the goals are about: home at 1M ÷ home at 100k (goal ≤ 1.2), the
worst member ÷ explore (goal ≤ 2).
"""

import argparse
import os

from common import add_database_argument, bench_environment, median_ms, seed


def main() -> None:
    """Seed, measure, grow, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--follows", type=int, default=50)
    parser.add_argument("--growth", type=int, default=10, help="times more posts, then")
    parser.add_argument("--repeat", type=int, default=15, help="renders per page")
    add_database_argument(parser)
    args = parser.parse_args()
    with bench_environment(postgres=args.postgres) as env:
        seed(env, users=args.users, posts=args.posts, follows=args.follows)
        os.environ.update(env)
        import django

        django.setup()
        small = measure(args.repeat)
        extra = args.posts * (args.growth - 1)
        seed(env, users=0, posts=extra, follows=0)
        large = measure(args.repeat)
        from django.db import connections

        connections.close_all()
    print()
    print(f"| page 1 | {args.posts:,} posts | {args.posts * args.growth:,} posts | ratio |")
    print("|---|---|---|---|")
    for key, label in (("explore", "explore"), ("typical", "home, typical member"),
                       ("worst", "home, worst member")):  # fmt: skip
        ratio = large[key] / small[key]
        print(f"| {label} | {small[key]:.1f} ms | {large[key]:.1f} ms | {ratio:.2f} |")
    home = large["typical"] / small["typical"]
    worst = large["worst"] / large["explore"]
    print()
    print(f"home at {args.growth}x the posts: {home:.2f}x the time (goal ≤ 1.2) "
          f"{'✓' if home <= 1.2 else '✗'}")  # fmt: skip
    print(f"worst member ÷ explore: {worst:.2f} (goal ≤ 2) {'✓' if worst <= 2 else '✗'}")


def measure(repeat: int) -> dict[str, float]:
    """Median milliseconds to render page 1 of explore and of two members' home timelines."""
    from django.db.models import Count
    from django.test import Client

    from accounts.models import User
    from social.models import Follow

    posts_of = dict(User.objects.annotate(n=Count("posts")).values_list("pk", "n"))
    timeline = {}
    for follower, followed in Follow.objects.values_list("follower_id", "followed_id"):
        timeline[follower] = timeline.get(follower, posts_of[follower]) + posts_of[followed]
    members = sorted(timeline, key=timeline.get)
    timings = {}
    for key, member in (("typical", members[len(members) // 2]), ("worst", members[-1])):
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(pk=member))
        timings[key] = median_ms(lambda client=client: client.get("/"), repeat)
    timings["explore"] = median_ms(lambda: client.get("/explore/"), repeat)
    print(f"  worst member's timeline: {timeline[members[-1]]:,} posts; "
          f"page 1: typical {timings['typical']:.1f} ms, worst {timings['worst']:.1f} ms, "
          f"explore {timings['explore']:.1f} ms")  # fmt: skip
    return timings


if __name__ == "__main__":
    main()
