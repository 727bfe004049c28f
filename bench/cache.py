"""Visitors' explore page with and without the page cache, in the same run.

    make bench            (runs this after bench/export.py; or: .venv/bin/python bench/cache.py)

Seeds 1,000 members and 100,000 posts, then alternates rounds of the production server
(`scripts/serve`, two processes) with EXPLORE_CACHE_SECONDS at 5 (the default) and at 0,
loading a visitor's /explore/ with wrk (4 keep-alive connections). Prints the medians in
requests per second and their ratio.
"""

import argparse
import statistics
import sys

from common import ROOT, add_database_argument, bench_environment, seed
from load import Server, require_wrk, wrk

from deploy.stack import free_port


def main() -> None:
    """Seed, alternate, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4)
    add_database_argument(parser)
    args = parser.parse_args()
    require_wrk()
    rates = {"kept": [], "not kept": []}
    with bench_environment(postgres=args.postgres) as env:
        seed(env, users=1000, posts=args.posts, follows=10)
        for number in range(1, args.rounds + 1):
            for label, seconds in (("kept", "5"), ("not kept", "0")):
                port = free_port()
                server_env = {**env, "HOST": "127.0.0.1", "PORT": str(port),
                              "WEB_CONCURRENCY": "2", "EXPLORE_CACHE_SECONDS": seconds}  # fmt: skip
                with Server([str(ROOT / "scripts" / "serve")], env=server_env, port=port):
                    url = f"http://127.0.0.1:{port}/explore/"
                    wrk(url, seconds=1, connections=4, headers={})
                    result = wrk(url, seconds=args.seconds, connections=4, headers={})
                    if result.errors:
                        sys.exit(f"{result.errors} failed requests: see var/bench-server.log")
                    rates[label].append(result.requests_per_second)
            print(f"round {number}/{args.rounds}: kept {rates['kept'][-1]:,.0f}/s, "
                  f"not kept {rates['not kept'][-1]:,.0f}/s")  # fmt: skip
    kept, not_kept = (statistics.median(rates[label]) for label in ("kept", "not kept"))
    print()
    print("| visitors' /explore/ | requests/s |")
    print("|---|---|")
    print(f"| kept 5 s (the default) | {kept:,.0f} |")
    print(f"| not kept (EXPLORE_CACHE_SECONDS=0) | {not_kept:,.0f} |")
    print(f"\nthe page cache serves {kept / not_kept:.1f}x the visitors")


if __name__ == "__main__":
    main()
