"""A busy SQLite database: reads keep working, writes wait a bounded time, nothing is lost.

Runs in a fresh process on a real database file, with another connection holding the
write lock (as a long write or a second worker would), because the test database is in
memory and has no other writer.
"""

import json
import subprocess
import sys

from django.conf import settings

SCENARIO = r"""
import json, sqlite3, sys
from datetime import timedelta
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
call_command("migrate", verbosity=0)
from accounts.models import User
from accounts.tokens import token_issue
from posts.models import Post

user = User.objects.create_user("busy", "busy@example.com", "a long passphrase 42")
raw_token, _ = token_issue(user=user)
client = Client()
client.force_login(user)
User.objects.filter(pk=user.pk).update(last_seen=timezone.now() - timedelta(hours=1))
api = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"}

blocker = sqlite3.connect(sys.argv[1], isolation_level=None)
blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
results = {
    "page": client.get("/explore/").status_code,
    "api_read": client.get("/api/explore", **api).status_code,
}
post = client.post("/", {"body": "my precious words"})
results["post"] = post.status_code
results["kept"] = "my precious words</textarea>" in post.content.decode()
api_post = client.post(
    "/api/posts", {"body": "from the API"}, content_type="application/json", **api
)
results["api_post"] = [api_post.status_code, api_post.get("Retry-After"), api_post.json()["error"]]
blocker.execute("ROLLBACK")
results["after"] = client.post("/", {"body": "my precious words"}).status_code
results["posts"] = Post.objects.count()
print(json.dumps(results))
"""


def test_a_busy_database_fails_no_read_and_loses_no_post(tmp_path):
    database = tmp_path / "busy.sqlite3"
    environment = {
        "DJANGO_SETTINGS_MODULE": "microblog.settings",
        "SECRET_KEY_FILE": str(tmp_path / "key"),
        "DATABASE_URL": f"sqlite:///{database}",
        "SQLITE_BUSY_TIMEOUT_SECONDS": "1",
        "ALLOWED_HOSTS": "testserver",
        "DEBUG": "true",  # plain static files storage: nothing was collected
    }
    result = subprocess.run(
        [sys.executable, "-c", SCENARIO, str(database)],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads(result.stdout.strip().splitlines()[-1])
    assert results["page"] == 200 and results["api_read"] == 200  # last seen skipped
    assert results["post"] == 503 and results["kept"]
    assert results["api_post"] == [503, "2", "Service Unavailable"]
    assert results["after"] == 302 and results["posts"] == 1
