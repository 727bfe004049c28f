"""Live pages under load: how fast a post reaches 1,000 open home pages, and what the same
pages would cost if they polled instead.

    make bench-live                  (or: .venv/bin/python bench/live.py --help)

A throw-away SQLite database holds one author and 1,000 members who all follow them, each
with a session. `scripts/serve` runs two web processes; Redis carries the pushes (the
production set-up), then, in a second pass, the database (the embedded default of `make
run`). 1,000 WebSocket clients, one per member, open /cable as Turbo does and listen to
their home and their own stream. Then:

- the author posts through the site, as a browser does (per-author groups, the design the
  site uses: one group message, fanned out by the channel layer): the time from the POST
  until each client has the post's fragment (p50, p99, max), the POST's own time, and how
  many clients never got it;
- the same fragment pushed to each follower's own stream by another process, as a fan-out
  task would (per-reader design): the same times;
- the server's CPU with the 1,000 sockets open and idle (pings), against the same 1,000
  pages polling /notifications/ every 10 s (100 requests/s).

Times are wall-clock on this machine, clients and server sharing its cores.
"""

import argparse
import asyncio
import json
import re
import statistics
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import websockets
from common import PYTHON, ROOT, bench_environment, manage
from load import Server

from deploy.stack import free_port

FOLLOWERS = 1000
ROUNDS = 5
POLL_SECONDS = 10
SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
from social.models import Follow
from social.services import follow_counts_refresh

author = User.objects.create_user("author", "author@example.com", "bench-password-1234")
members = User.objects.bulk_create(
    User(username=f"reader{n}", email=f"reader{n}@example.com", password="!")
    for n in range(FOLLOWERS)
)
Follow.objects.bulk_create(Follow(follower=member, followed=author) for member in members)
follow_counts_refresh(user_ids=[author.pk, *(member.pk for member in members)])
sessions = []
for member in User.objects.filter(pk__in=[m.pk for m in members]):
    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    sessions.append([member.pk, session.session_key])
print(json.dumps(sessions))
"""
PER_READER = """
import sys, time
import django
django.setup()
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from accounts.live import member_group

marker = sys.argv[1]
ids = [int(pk) for pk in sys.argv[2].split(",")]
layer = get_channel_layer()
content = (
    f'<turbo-stream action="prepend" target="incoming-posts"><template>{marker}</template>'
    "</turbo-stream>"
)

async def fan_out():
    for pk in ids:
        group = member_group(pk)
        await layer.group_send(group, {"type": "live.push", "group": group, "content": content})

print(time.time(), flush=True)
async_to_sync(fan_out)()
"""


class Clients:
    """1,000 browsers' /cable sockets, each noting when it first sees a marker."""

    def __init__(self, url: str, sessions: list[tuple[int, str]]):
        self.url, self.sessions = url, sessions
        self.sockets = []
        self.seen: dict[str, list[float]] = {}
        self.tasks = []

    async def open(self) -> None:
        """Connect and subscribe every client, a few at a time (as pages load)."""
        limit = asyncio.Semaphore(50)
        origin = self.url.replace("ws://", "http://").removesuffix("/cable")

        async def one(session_key: str):
            async with limit:
                socket = await websockets.connect(
                    self.url, subprotocols=["actioncable-v1-json"], origin=origin,
                    additional_headers={"Cookie": f"sessionid={session_key}"},
                    max_size=2**20, open_timeout=30, ping_interval=None,
                )  # fmt: skip
                assert json.loads(await socket.recv())["type"] == "welcome"
                for stream in ("home", "member"):
                    identifier = json.dumps(
                        {"channel": "LiveChannel", "signed_stream_name": None, "stream": stream}
                    )
                    await socket.send(
                        json.dumps({"command": "subscribe", "identifier": identifier})
                    )
                confirmed = 0
                while confirmed < 2:
                    frame = json.loads(await socket.recv())
                    if frame.get("type") == "reject_subscription":
                        raise RuntimeError("a subscription was rejected")
                    confirmed += frame.get("type") == "confirm_subscription"
                self.sockets.append(socket)

        await asyncio.gather(*(one(key) for _pk, key in self.sessions))
        self.tasks = [asyncio.create_task(self._listen(socket)) for socket in self.sockets]

    async def _listen(self, socket) -> None:
        seen_here = set()
        async for text in socket:
            if '"message"' not in text:
                continue  # a ping
            now = time.time()
            for marker in re.findall(r"MARK-\d+-\w+", text):
                if marker not in seen_here:
                    seen_here.add(marker)
                    self.seen.setdefault(marker, []).append(now)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(socket.close() for socket in self.sockets))

    async def wait_for(self, marker: str, since: float, timeout: float = 10) -> list[float]:
        """Delays (s) of the clients that saw `marker`, waiting up to `timeout`."""
        deadline = time.monotonic() + timeout
        while len(self.seen.get(marker, [])) < len(self.sockets) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return [at - since for at in self.seen.get(marker, [])]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Stop at the redirect: the POST's own time is what is measured."""

    def redirect_request(self, *args, **kwargs):
        return None


class Author:
    """The author in a browser: signs in, then posts through the compose form."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.posting = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirects()
        )

    def _token(self, path: str) -> str:
        page = self.opener.open(self.base + path).read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def sign_in(self) -> None:
        data = {"login": "author", "password": "bench-password-1234",
                "csrfmiddlewaretoken": self._token("/accounts/login/")}  # fmt: skip
        self.opener.open(self.base + "/accounts/login/", urllib.parse.urlencode(data).encode())

    def post(self, body: str) -> float:
        """Post `body`; the seconds the request took."""
        data = urllib.parse.urlencode({"body": body, "csrfmiddlewaretoken": self._token("/")})
        began = time.time()
        try:
            self.posting.open(urllib.request.Request(
                self.base + "/", data=data.encode(), headers={"X-Turbo-Request-Id": "bench"}
            ))  # fmt: skip
        except urllib.error.HTTPError as answer:
            if answer.code != 303:  # posted: Turbo Drive's redirect
                raise
        return began


def percentiles(delays: list[float]) -> str:
    if not delays:
        return "none arrived"
    ordered = sorted(delays)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"p50 {statistics.median(ordered) * 1000:6.0f} ms  p99 {p99 * 1000:6.0f} ms  "
            f"max {ordered[-1] * 1000:6.0f} ms")  # fmt: skip


def cpu_share(server: Server, seconds: float, during=None) -> float:
    """The web processes' CPU use over `seconds` (1.0 = one core), while `during` runs."""
    ticks = sum(server.cpu_ticks(pid) for pid in server.workers())
    began = time.monotonic()
    if during:
        during(seconds)
    else:
        time.sleep(seconds)
    spent = sum(server.cpu_ticks(pid) for pid in server.workers()) - ticks
    return spent / 100 / (time.monotonic() - began)  # clock ticks are 1/100 s here


def poll_like_pages(base: str, sessions, seconds: float) -> tuple[float, int]:
    """Every session polls /notifications/ once per POLL_SECONDS, spread evenly; returns
    the requests per second achieved and the failures."""
    import http.client

    interval = POLL_SECONDS / len(sessions)
    host, port = base.removeprefix("http://").split(":")
    connections = [http.client.HTTPConnection(host, int(port), timeout=10) for _ in range(8)]
    done = failed = 0
    began = time.monotonic()
    while (elapsed := time.monotonic() - began) < seconds:
        _pk, key = sessions[done % len(sessions)]
        connection = connections[done % len(connections)]
        try:
            connection.request("GET", f"/notifications/?since={time.time() - 10}", headers={
                "Accept": "application/json", "Cookie": f"sessionid={key}",
            })  # fmt: skip
            response = connection.getresponse()
            response.read()
            failed += response.status != 200
        except (OSError, http.client.HTTPException):
            failed += 1
            connection.close()
        done += 1
        pause = began + done * interval - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    return done / elapsed, failed


async def measure(base: str, sessions, server: Server, author: Author, env: dict) -> None:
    clients = Clients(base.replace("http://", "ws://") + "/cable", sessions)
    began = time.monotonic()
    await clients.open()
    print(f"  {len(clients.sockets):,} clients connected and subscribed "
          f"in {time.monotonic() - began:.1f} s")  # fmt: skip

    delays, lost, request_ms = [], 0, []
    for number in range(ROUNDS):
        marker = f"MARK-{number}-author"
        started = await asyncio.to_thread(author.post, f"Bench post {marker}")
        request_ms.append((time.time() - started) * 1000)
        arrived = await clients.wait_for(marker, started)
        delays += arrived
        lost += len(clients.sockets) - len(arrived)
        await asyncio.sleep(1)
    print(f"  per author (the site): {percentiles(delays)}  lost {lost} of "
          f"{ROUNDS * len(clients.sockets):,}; the POST took "
          f"{statistics.median(request_ms):.0f} ms (median)")  # fmt: skip

    delays, lost = [], 0
    ids = ",".join(str(pk) for pk, _key in sessions)
    for number in range(ROUNDS):
        marker = f"MARK-{number}-reader"
        process = await asyncio.create_subprocess_exec(
            PYTHON, "-c", PER_READER, marker, ids, cwd=ROOT, env=env,
            stdout=subprocess.PIPE,
        )  # fmt: skip
        started = float((await process.stdout.readline()).decode())
        await process.wait()
        arrived = await clients.wait_for(marker, started)
        delays += arrived
        lost += len(clients.sockets) - len(arrived)
    print(f"  per reader (a task's loop): {percentiles(delays)}  lost {lost} of "
          f"{ROUNDS * len(clients.sockets):,}")  # fmt: skip

    idle = await asyncio.to_thread(cpu_share, server, 10)
    await clients.close()
    polling_cpu = {}

    def poll(seconds):
        polling_cpu["rate"] = poll_like_pages(base, sessions, seconds)

    polled = await asyncio.to_thread(cpu_share, server, 20, poll)
    rate, failed = polling_cpu["rate"]
    print(f"  server CPU, 1,000 open sockets (pings only): {idle * 100:5.1f}% of a core")
    print(f"  server CPU, 1,000 pages polling every {POLL_SECONDS} s: {polled * 100:5.1f}% of a "
          f"core at {rate:.0f} requests/s ({failed} failed)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", default="redis,database",
                        help="comma-separated: redis (REDIS_URL), database (embedded)")  # fmt: skip
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    for layer in args.layers.split(","):
        with bench_environment(postgres=False) as env:
            env |= {"POST_RATE": "1000/minute", "WEB_CONCURRENCY": "2", "LOG_LEVEL": "WARNING"}
            env.pop("REDIS_URL", None)
            if layer == "redis":
                env["REDIS_URL"] = args.redis_url
                import redis

                redis.Redis.from_url(args.redis_url).flushdb()
            manage(env, "migrate", "--no-input")
            setup = SETUP.replace("FOLLOWERS", str(FOLLOWERS))
            sessions = json.loads(manage(env, "shell", "-c", setup).splitlines()[-1])
            port = free_port()
            env |= {"HOST": "127.0.0.1", "PORT": str(port)}
            base = f"http://127.0.0.1:{port}"
            print(f"{layer}: {FOLLOWERS:,} followers of one author, 2 web processes")
            with Server([str(ROOT / "scripts" / "serve")], env=env, port=port) as server:
                author = Author(base)
                author.sign_in()
                asyncio.run(measure(base, sessions, server, author, env))


if __name__ == "__main__":
    main()
