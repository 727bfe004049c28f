"""The mixed workload of bench/capacity.py, for Locust: members reading their timeline,
explore and profiles on the site and through the API, about 5% posts and follows.

Reads the members' sessions and API tokens from the JSON file in MICROBLOG_MEMBERS, and
writes the bodies of the posts the site accepted to MICROBLOG_ACCEPTED when Locust stops.
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, between, events, task

with open(os.environ["MICROBLOG_MEMBERS"]) as members_file:
    MEMBERS = json.load(members_file)
ACCEPTED: list[str] = []
numbers = itertools.count()
# Statuses the site may answer under overload on purpose: busy (503) and rate limited (429).
DELIBERATE = {429, 503}


class Member(FastHttpUser):
    """A signed-in member with a session cookie and an API token."""

    wait_time = between(0.5, 1.5)

    def on_start(self):
        """Take the next member of the file."""
        member = MEMBERS[next(numbers) % len(MEMBERS)]
        self.api = {"Authorization": f"Bearer {member['token']}"}
        self.cookie = {"Cookie": f"sessionid={member['session']}"}
        self.usernames = [other["username"] for other in MEMBERS]
        self.ids = [other["id"] for other in MEMBERS]

    def check(self, response, *, expect: set[int]) -> None:
        """Count an unexpected status as a failure; deliberate refusals are not errors."""
        if response.status_code in expect:
            response.success()
        elif response.status_code in DELIBERATE:
            response.failure(f"deliberate {response.status_code}")
        else:
            response.failure(f"status {response.status_code}")

    @task(30)
    def home(self):
        """The home timeline page."""
        with self.client.get("/", headers=self.cookie, catch_response=True) as response:
            self.check(response, expect={200})

    @task(20)
    def explore(self):
        """The explore page."""
        with self.client.get("/explore/", headers=self.cookie, catch_response=True) as response:
            self.check(response, expect={200})

    @task(20)
    def profile(self):
        """Someone's profile."""
        path = f"/user/{random.choice(self.usernames)}/"
        with self.client.get(path, headers=self.cookie, name="/user/[username]/",
                             catch_response=True) as response:  # fmt: skip
            self.check(response, expect={200})

    @task(25)
    def api_reads(self):
        """The API's timeline, explore or a member's posts."""
        path, name = random.choice([
            ("/api/timeline", "/api/timeline"), ("/api/explore", "/api/explore"),
            (f"/api/users/{random.choice(self.ids)}/posts", "/api/users/[id]/posts"),
        ])  # fmt: skip
        with self.client.get(path, headers=self.api, name=name, catch_response=True) as response:
            self.check(response, expect={200})

    @task(3)
    def post(self):
        """A new post through the API; remembered when accepted."""
        body = f"Load test post {os.getpid()}-{random.getrandbits(48):x}"
        with self.client.post("/api/posts", json={"body": body}, headers=self.api,
                              catch_response=True) as response:  # fmt: skip
            self.check(response, expect={201})
            if response.status_code == 201:
                ACCEPTED.append(body)

    @task(2)
    def follow(self):
        """Follow or unfollow someone through the API."""
        path = f"/api/users/{random.choice(self.ids)}/follow"
        method = random.choice([self.client.post, self.client.delete])
        with method(path, headers=self.api, name="/api/users/[id]/follow",
                    catch_response=True) as response:  # fmt: skip
            self.check(response, expect={200, 201, 204, 400, 403, 409})


@events.quitting.add_listener
def _write_accepted(environment, **kwargs):
    with open(os.environ["MICROBLOG_ACCEPTED"], "w") as output:
        json.dump(ACCEPTED, output)
