"""Home timeline vs explore: render both pages on the seed's large data set, print the ratio.

    make bench            (or: .venv/bin/python bench/timeline.py --users 1000 --posts 100000)

Renders each page through Django's test client for a sample of users, first pages and
deep pages alike. Explore is the baseline measured in the same run: the home timeline
should render about as fast.
"""

import argparse

from common import median_ms, seeded_site


def main() -> None:
    """Seed, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--follows", type=int, default=50)
    parser.add_argument("--sample", type=int, default=20, help="users measured")
    parser.add_argument("--repeat", type=int, default=5, help="renders per page and user")
    args = parser.parse_args()
    seeded_site(users=args.users, posts=args.posts, follows=args.follows)

    from django.test import Client

    from accounts.models import User
    from core.pagination import cursor_for
    from posts.selectors import explore_posts
    from social.selectors import home_timeline

    client = Client(HTTP_HOST="localhost")
    timings = {"home": [], "explore": []}
    for user in User.objects.order_by("?")[: args.sample]:
        client.force_login(user)
        deep = {
            "home": list(home_timeline(user=user)[200:201]),
            "explore": list(explore_posts()[200:201]),
        }
        for name, path in (("home", "/"), ("explore", "/explore/")):
            for url in [path] + [f"{path}?before={cursor_for(item)}" for item in deep[name]]:
                timings[name].append(median_ms(lambda url=url: client.get(url), args.repeat))

    home = sum(timings["home"]) / len(timings["home"])
    explore = sum(timings["explore"]) / len(timings["explore"])
    print(f"explore (baseline): {explore:.1f} ms per page")
    print(f"home timeline:      {home:.1f} ms per page")
    print(f"ratio home/explore: {home / explore:.2f}")


if __name__ == "__main__":
    main()
