"""Pages under the production server, as ratios of a bare Django WSGI floor from the same run.

    make bench                      (SQLite; or: .venv/bin/python bench/pages.py --help)
    make bench BENCH_ARGS=--postgres

Seeds a throw-away database (1,000 members, 100,000 posts, 50 follows each, skewed: a few
prolific and popular authors; 100,000 private messages, 1,000 of them between the first two
members), then alternates rounds: the floor page (an anonymous `/` redirect, no query)
under gunicorn's sync worker, the plainest way to serve Django; then
the floor and every page under `scripts/serve`, the server `make run` starts. wrk loads
each URL with 4 keep-alive connections. Medians of the rounds are compared, as shares of
the bare floor, with the Flask original's figures measured the same way on this machine
class (its floor: 1,911 requests/s). Pages the original lacks, or whose cost grows with one
member's data (the worst member's home, the busiest inbox, the longest conversation), are
compared with explore instead: the same time class is at least half its requests/s.
"""

import argparse
import json
import statistics
import sys
import time

from common import ROOT, add_database_argument, bench_environment, manage, seed
from load import Server, require_wrk, wrk

from deploy.stack import free_port

ORIGINAL_FLOOR = 1911.0
# (label, key of the URL below, the Flask original's requests/s, goal: ours ÷ original)
PAGES = [
    ("home timeline, page 1", "home", 0.40, 100),
    ("home, worst member", "home_worst", None, None),
    ("explore, page 1", "explore", 71.6, 2),
    ("a member's profile", "profile", 78.1, 2),
    ("the most prolific author's profile", "profile_prolific", None, None),
    ("explore, 100 pages deep", "explore_deep", 60.5, 2),
    ("API: one user (a member)", "api_user", 246.5, 2),
    ("API: users, 100 per page", "api_users", 3.99, 10),
    ("inbox, busiest member", "inbox", None, None),
    ("the long conversation (1% of messages)", "conversation", None, None),
]
FLOOR_GOAL = 0.8  # the production server's floor, as a share of the bare floor


def main() -> None:
    """Seed, alternate the servers, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--follows", type=int, default=50)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=4, help="wrk duration per URL")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--soak", type=int, default=0, help="then load for this many seconds")
    add_database_argument(parser)
    args = parser.parse_args()
    require_wrk()
    with bench_environment(postgres=args.postgres) as env:
        seed(env, users=args.users, posts=args.posts, follows=args.follows,
             messages=args.messages)  # fmt: skip
        urls, headers = prepare(env)
        results = measure(env, urls, headers, args)
        report(results, args)
        if args.soak:
            soak(env, urls, headers, args)


PREPARE = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from accounts.models import User
from accounts.tokens import token_issue
from core.pagination import cursor_for
from messaging.models import Message
from posts.selectors import explore_posts
from social.models import Follow

def session_for(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key

posts_of = dict(User.objects.annotate(n=Count("posts")).values_list("pk", "n"))
timeline = {}
for follower, followed in Follow.objects.values_list("follower_id", "followed_id"):
    timeline[follower] = timeline.get(follower, posts_of[follower]) + posts_of[followed]
members = sorted(timeline, key=timeline.get)
typical = User.objects.get(pk=members[len(members) // 2])
worst = User.objects.get(pk=members[-1])
prolific = User.objects.get(pk=max(posts_of, key=posts_of.get))
busiest = User.objects.annotate(n=Count("conversations")).order_by("-n", "pk").first()
# The seed gives the first two members the long conversation.
first, second = User.objects.order_by("pk")[:2]
print(json.dumps({
    "typical": session_for(typical), "worst": session_for(worst),
    "worst_timeline": timeline[worst.pk], "typical_timeline": timeline[typical.pk],
    "token": token_issue(user=typical)[0],
    "member": typical.username, "member_id": typical.pk, "prolific": prolific.username,
    "deep_cursor": cursor_for(explore_posts()[min(100 * 25, explore_posts().count() - 1)]),
    "busiest": session_for(busiest), "busiest_inbox": busiest.conversations.count(),
    "reader": session_for(first), "correspondent": second.username,
    "conversation": Message.objects.between(first, second).count(),
}))
"""


def prepare(env: dict) -> tuple[dict, dict]:
    """The URLs to load, and the headers each needs (a member's session, an API token)."""
    facts = json.loads(manage(env, "shell", "--no-imports", "-c", PREPARE))
    print(f"typical member's timeline: {facts['typical_timeline']:,} posts; "
          f"worst member's: {facts['worst_timeline']:,}; busiest inbox: "
          f"{facts['busiest_inbox']:,} conversations; long conversation: "
          f"{facts['conversation']:,} messages")  # fmt: skip
    # A browser holds the CSRF cookie from its first page on; without it every page would
    # mint a new CSRF secret, which a member's browsing does once.
    csrf = "csrftoken=" + "b" * 32
    member = {"Cookie": f"sessionid={facts['typical']}; {csrf}"}
    api = {"Authorization": f"Bearer {facts['token']}"}
    urls = {
        "floor": ("/", {}),
        "home": ("/", member),
        "home_worst": ("/", {"Cookie": f"sessionid={facts['worst']}; {csrf}"}),
        "explore": ("/explore/", member),
        "profile": (f"/user/{facts['member']}/", member),
        "profile_prolific": (f"/user/{facts['prolific']}/", member),
        "explore_deep": (f"/explore/?before={facts['deep_cursor']}", member),
        "api_user": (f"/api/users/{facts['member_id']}", api),
        "api_users": ("/api/users?per_page=100", api),
        "inbox": ("/messages/", {"Cookie": f"sessionid={facts['busiest']}; {csrf}"}),
        # Its first GET marks the reader's unread messages on the page read: wrk's warm-up
        # does, so the rounds measure a conversation already read, as most visits are.
        "conversation": (
            f"/messages/{facts['correspondent']}/",
            {"Cookie": f"sessionid={facts['reader']}; {csrf}"},
        ),
    }
    return {key: path for key, (path, _h) in urls.items()}, {
        key: headers for key, (_p, headers) in urls.items()
    }


def servers(env: dict, workers: int) -> dict:
    """The bare WSGI baseline and the production server, as commands and environments."""
    port = free_port()
    env = {**env, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
    bare = [str(ROOT / ".venv" / "bin" / "gunicorn"), "microblog.wsgi:application",
            f"--workers={workers}", f"--bind=127.0.0.1:{port}", "--no-control-socket"]  # fmt: skip
    return {
        "bare": Server(bare, env=env, port=port),
        "production": Server([str(ROOT / "scripts" / "serve")], env=env, port=port),
    }


def load(server: Server, path: str, headers: dict, args) -> float:
    """Requests per second for `path`, after a warm-up; stops on any error answer."""
    url = f"http://127.0.0.1:{server.port}{path}"
    wrk(url, seconds=1, connections=args.connections, headers=headers)
    result = wrk(url, seconds=args.seconds, connections=args.connections, headers=headers)
    if result.errors:
        sys.exit(f"{result.errors} failed requests on {path}: see var/bench-server.log")
    return result.requests_per_second


def measure(env: dict, urls: dict, headers: dict, args) -> dict:
    """Alternate the two servers for `args.rounds` rounds; every figure of every round."""
    results = {"bare_floor": [], "cpu_split": [], "rss": []}
    for key in urls:
        results.setdefault(key, [])
    for number in range(1, args.rounds + 1):
        both = servers(env, args.workers)
        with both["bare"] as bare:
            results["bare_floor"].append(load(bare, "/", {}, args))
        with both["production"] as production:
            workers = production.workers()
            before = [Server.cpu_ticks(pid) for pid in workers]
            results["floor"].append(load(production, "/", {}, args))
            spent = [Server.cpu_ticks(pid) - b for pid, b in zip(workers, before, strict=True)]
            results["cpu_split"].append(min(spent) / max(max(spent), 1))
            for key in urls:
                if key != "floor":
                    results[key].append(load(production, urls[key], headers[key], args))
            results["rss"] = [Server.resident_mb(pid) for pid in workers]
        print(f"round {number}/{args.rounds}: bare floor {results['bare_floor'][-1]:,.0f}/s, "
              f"production floor {results['floor'][-1]:,.0f}/s")  # fmt: skip
    return results


def report(results: dict, args) -> None:
    """Print the medians as a Markdown table, with the goals met or missed."""
    median = {key: statistics.median(values) for key, values in results.items() if values}
    bare = median["bare_floor"]
    floor_share = median["floor"] / bare
    print()
    print(f"{args.workers} worker processes, wrk with {args.connections} connections, "
          f"median of {args.rounds} rounds of {args.seconds:g} s")  # fmt: skip
    print()
    print("| page | req/s | share of bare floor | original req/s | ours ÷ original | goal |")
    print("|---|---|---|---|---|---|")
    print(f"| floor, bare WSGI (gunicorn sync) | {bare:,.0f} | 1 | {ORIGINAL_FLOOR:,.0f} | | |")
    print(f"| floor, production server | {median['floor']:,.0f} | {floor_share:.2f} | | | "
          f"share ≥ {FLOOR_GOAL} {verdict(floor_share >= FLOOR_GOAL)} |")  # fmt: skip
    for label, key, original, goal in PAGES:
        ours = median[key] / bare
        if key == "profile_prolific":  # no goal: its post count grows with its posts
            print(f"| {label} | {median[key]:,.1f} | {ours:.3f} | | | |")
            continue
        if original is None:  # pages the original lacks or that grow: against explore
            against = median[key] / median["explore"]
            print(f"| {label} | {median[key]:,.1f} | {ours:.3f} | | {against:.2f} of explore "
                  f"| ≥ 0.5 of explore {verdict(against >= 0.5)} |")  # fmt: skip
            continue
        times = ours / (original / ORIGINAL_FLOOR)
        print(f"| {label} | {median[key]:,.1f} | {ours:.3f} | {original:g} | {times:.1f}x "
              f"| ≥ {goal}x {verdict(times >= goal)} |")  # fmt: skip
    print()
    split = min(results["cpu_split"])
    print(f"CPU split between workers at the floor (least busy ÷ busiest, worst round): "
          f"{split:.2f}")  # fmt: skip
    print(
        "resident memory per worker after the last round: "
        + ", ".join(f"{mb:.0f} MB" for mb in results["rss"])
    )


def verdict(met: bool) -> str:
    """A mark for a goal."""
    return "✓" if met else "✗"


def soak(env: dict, urls: dict, headers: dict, args) -> None:
    """Load the production server for `args.soak` seconds; print each worker's memory."""
    print(f"\nsoak: {args.soak} s of every page in turn, memory per worker (MB):")
    with servers(env, args.workers)["production"] as production:
        workers = production.workers()
        keys = [key for key in urls if key != "floor"]
        began, samples = time.monotonic(), []
        while time.monotonic() - began < args.soak:
            for key in keys:
                url = f"http://127.0.0.1:{production.port}{urls[key]}"
                wrk(url, seconds=5, connections=args.connections, headers=headers[key])
            samples.append([Server.resident_mb(pid) for pid in workers])
            elapsed = time.monotonic() - began
            print(f"  {elapsed:5.0f} s: " + ", ".join(f"{mb:.1f}" for mb in samples[-1]))
        # The first laps fill each process's caches (templates, post cards): judge the rest.
        half = samples[len(samples) // 2]
        growth = [last - first for first, last in zip(half, samples[-1], strict=True)]
        print("growth over the second half: " + ", ".join(f"{mb:+.1f} MB" for mb in growth))


if __name__ == "__main__":
    main()
