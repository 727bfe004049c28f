"""API lists deep into a million posts: page numbers vs cursors, against the first page.

    make bench-api        (or: .venv/bin/python bench/api_deep_pages.py --posts 1000000)

The baseline is GET /api/explore (page 1) measured in the same run. A deep page by number
costs an OFFSET that grows with depth; the same depth by `_links.next_cursor` should cost
about what the first page does.
"""

import argparse
import os

from common import add_database_argument, bench_environment, median_ms, seed


def main() -> None:
    """Seed, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    add_database_argument(parser)
    args = parser.parse_args()
    with bench_environment(postgres=args.postgres) as env:
        seed(env, users=args.users, posts=args.posts, follows=20)
        os.environ.update(env)
        import django

        django.setup()
        measure(args)
        from django.db import connections

        connections.close_all()


def measure(args) -> None:
    """Time page 1, a deep page by number and the same depth by cursor."""
    from django.test import Client

    from accounts.models import User
    from accounts.tokens import token_issue
    from core.pagination import cursor_for
    from posts.selectors import explore_posts

    raw, _token = token_issue(user=User.objects.first())
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {raw}")
    per_page = 10
    deep_page = args.posts // per_page // 2
    deep_item = explore_posts()[deep_page * per_page - 1]

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, response.content
        return response

    first = median_ms(lambda: get("/api/explore"), args.repeat)
    by_number = median_ms(lambda: get(f"/api/explore?page={deep_page}"), args.repeat)
    by_cursor = median_ms(lambda: get(f"/api/explore?cursor={cursor_for(deep_item)}"), args.repeat)
    print(f"{'page 1 (baseline)':<28} {first:7.1f} ms")
    print(f"{f'page {deep_page} by number':<28} {by_number:7.1f} ms  ratio {by_number / first:.2f}")
    print(f"{'same depth by cursor':<28} {by_cursor:7.1f} ms  ratio {by_cursor / first:.2f}")


if __name__ == "__main__":
    main()
