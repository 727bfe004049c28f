"""Backups and restores: the same site on an empty machine, on the current database engine."""

import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import threading
from pathlib import Path
from urllib.parse import quote

import environ
import psycopg
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from PIL import Image

from accounts.models import User
from accounts.services import user_create, user_update
from core.backups import backup_create, pg_environment
from messaging.services.messages import message_send
from posts.models import Post
from posts.services import post_create
from social.services import follow_create

pytestmark = pytest.mark.django_db(transaction=True)

POSTGRES = not django_settings.SQLITE
needs_pg_dump = pytest.mark.skipif(
    POSTGRES and not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="PostgreSQL's client programs (pg_dump, pg_restore) are not installed",
)
# Special characters a password in DATABASE_URL may hold (percent-encoded there).
AWKWARD_PASSWORD = "p@ss w:rd/%?#'\"$"
MEMBER_PASSWORD = "Fjord-quartz 9 ünïcode!"
SECRET = "backup-test-secret-" + "k" * 40


@pytest.fixture
def site(settings, tmp_path):
    """A small site: members with passwords, posts (one accented), follows, a private
    message, an avatar, and a generated secret key file."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    key_file = tmp_path / "var" / "secret_key"
    key_file.parent.mkdir()
    key_file.write_text(SECRET)
    settings.SECRET_KEY_FILE = key_file
    settings.SECRET_KEY = SECRET
    ana, bea, cem = (
        user_create(username=name, email=f"{name}@example.com", password=MEMBER_PASSWORD)
        for name in ("ana", "bea", "cem")
    )
    post_create(author=ana, body="Un café crème à Zürich, déjà vu", language="fr")
    post_create(author=bea, body="Plain words for everyone", language="en")
    follow_create(follower=bea, followed=ana)
    follow_create(follower=cem, followed=ana)
    follow_create(follower=ana, followed=bea)
    message_send(sender=bea, recipient=ana, body="Psst: see you at the café?")
    image = io.BytesIO()
    Image.new("RGB", (300, 300), "teal").save(image, "PNG")
    user_update(
        user=ana, actor=ana, avatar=SimpleUploadedFile("me.png", image.getvalue(), "image/png")
    )
    ana.refresh_from_db()
    return {
        "avatar_name": ana.avatar.name,
        "avatar_bytes": ana.avatar.read(),
        "reset_token": default_token_generator.make_token(ana),
    }


def backup_of_this_site(tmp_path) -> Path:
    """Back up the test database through the command; the backup folder."""
    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups with spaces"), stdout=out)
    assert "Backup complete" in out.getvalue()
    (backup,) = (tmp_path / "backups with spaces").iterdir()
    return backup


@pytest.fixture
def empty_machine(tmp_path, collected_static):
    """The environment of a new machine: its own VAR_DIR and an empty database."""
    var = tmp_path / "new machine" / "var"
    hidden = {"SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "REDIS_URL", "MEDIA_ROOT",
              "PRIVATE_FILES_ROOT", "ELASTICSEARCH_URL", "DEBUG"}  # fmt: skip
    environment = {k: v for k, v in os.environ.items() if k not in hidden}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "microblog.settings",
        "VAR_DIR": str(var),
        # Installed as `make static` installs it: pages need the collected files' manifest.
        "STATIC_ROOT": str(collected_static),
    }
    if not POSTGRES:
        environment["DATABASE_URL"] = f"sqlite:///{var / 'db.sqlite3'}"
        yield environment
        return
    db = connection.settings_dict
    name = f"microblog_restore_{secrets.token_hex(4)}"
    admin = psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"],
                            password=db["PASSWORD"] or None, dbname="postgres",
                            autocommit=True)  # fmt: skip
    admin.execute(f"CREATE DATABASE {name}")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    environment["DATABASE_URL"] = (
        f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name}"
    )
    try:
        yield environment
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def manage(environment, *args) -> subprocess.CompletedProcess:
    """Run manage.py on the machine of `environment`."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=environment,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


# What a member and the operator see of the restored site, read in its own process.
SITE_FACTS = """
import json, django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from accounts.models import User
from messaging.models import Message
from posts.models import Post
from posts.search.selectors import post_search

ana = User.objects.get(username="ana")
client = Client()
facts = {
    "logins": {u.username: Client().login(username=u.username, password=%(password)r)
               for u in User.objects.order_by("username")},
    "wrong password logs in": Client().login(username="ana", password="nope"),
    "posts": sorted(Post.objects.values_list("author__username", "body")),
    "follows": {u.username: [u.follower_count, u.following_count]
                for u in User.objects.order_by("username")},
    "messages": list(Message.objects.values_list("sender__username", "recipient__username",
                                                 "body")),
    "avatar": [ana.avatar.name, ana.avatar.read().hex()],
    "search creme": [p.body for p in post_search(text="creme", per_page=10).items],
    "search zurich": [p.body for p in post_search(text="Zurich", per_page=10).items],
    "reset token valid": default_token_generator.check_token(ana, %(token)r),
}
signed_in = client.post("/accounts/login/", {"login": "ana", "password": %(password)r},
                        secure=True)
home = client.get("/", secure=True)
facts["sign-in, then home"] = [signed_in.status_code, home.status_code,
                               home.headers.get("Location"),
                               "Plain words for everyone" in home.content.decode()]
print(json.dumps(facts))
"""


@needs_pg_dump
def test_restore_on_an_empty_machine_gives_the_same_site(site, tmp_path, empty_machine):
    backup = backup_of_this_site(tmp_path)
    assert (backup / "secret_key").stat().st_mode & 0o777 == 0o600
    assert backup.stat().st_mode & 0o777 == 0o700

    restore = manage(empty_machine, "restore", str(backup))

    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "3 members, 2 posts, 3 follows, 1 messages: as in the backup" in restore.stdout
    assert "Media: 1 file restored" in restore.stdout
    assert "posts: 2 indexed, 2 in the database (in step)" in restore.stdout
    assert "export archives" in restore.stdout  # what is left out is said
    key_file = Path(empty_machine["VAR_DIR"]) / "secret_key"
    assert key_file.read_text() == SECRET
    assert key_file.stat().st_mode & 0o777 == 0o600
    script = SITE_FACTS % {"password": MEMBER_PASSWORD, "token": site["reset_token"]}
    read = subprocess.run([sys.executable, "-c", script], env=empty_machine,
                          cwd=django_settings.BASE_DIR, capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert read.returncode == 0, read.stderr
    facts = json.loads(read.stdout.splitlines()[-1])
    assert facts == {
        "logins": {"ana": True, "bea": True, "cem": True},
        "wrong password logs in": False,
        "posts": [["ana", "Un café crème à Zürich, déjà vu"], ["bea", "Plain words for everyone"]],
        "follows": {"ana": [2, 1], "bea": [1, 1], "cem": [0, 1]},
        "messages": [["bea", "ana", "Psst: see you at the café?"]],
        "avatar": [site["avatar_name"], site["avatar_bytes"].hex()],
        "search creme": ["Un café crème à Zürich, déjà vu"],
        "search zurich": ["Un café crème à Zürich, déjà vu"],
        "reset token valid": True,
        "sign-in, then home": [302, 200, None, True],
    }
    # The new machine's site now holds members: a second restore needs --force.
    again = manage(empty_machine, "restore", str(backup))
    assert again.returncode != 0
    assert "already holds 3 members" in again.stderr
    assert "--force" in again.stderr
    assert "Traceback" not in again.stderr


@pytest.mark.skipif(POSTGRES, reason="pg_dump reads one snapshot by design; SQLite's copy is ours")
def test_a_backup_taken_while_the_site_writes_is_consistent(user, tmp_path):
    written, stop = [], threading.Event()

    def write():
        try:
            while not stop.is_set():
                written.append(Post.objects.create(author=user, body=f"n{len(written)}").pk)
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        before = list(written)
        backup = backup_create(directory=tmp_path)
        while len(written) < len(before) + 20:
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()

    with sqlite3.connect(backup / "database.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        in_backup = [pk for (pk,) in copy.execute("SELECT id FROM posts_post ORDER BY id")]
    # Every post committed before the backup began, and then every post up to the backup's
    # point, without a gap; posts written after it are not there.
    assert in_backup[: len(before)] == before
    assert in_backup == written[: len(in_backup)]
    assert len(in_backup) < len(written)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["rows"]["posts_post"] == len(in_backup)


@needs_pg_dump
def test_restore_refuses_a_site_with_members_unless_forced(site, tmp_path, settings):
    backup = backup_of_this_site(tmp_path)
    user_create(username="late", email="late@example.com", password=MEMBER_PASSWORD)
    media = Path(settings.MEDIA_ROOT)
    (media / site["avatar_name"]).write_bytes(b"overwritten")
    (media / "stray.txt").write_text("made after the backup")

    with pytest.raises(CommandError, match=r"already holds 4 members.*--force"):
        call_command("restore", str(backup), stdout=io.StringIO())
    assert User.objects.filter(username="late").exists()

    call_command("restore", str(backup), "--force", stdout=io.StringIO())

    assert sorted(User.objects.values_list("username", flat=True)) == ["ana", "bea", "cem"]
    assert (media / site["avatar_name"]).read_bytes() == site["avatar_bytes"]
    assert not (media / "stray.txt").exists()
    assert sorted(p.name for p in media.iterdir()) == ["avatars"]  # no scratch left behind


def tampered(backup: Path, *, drop=(), engine=None, migration=None, tar_entries=None) -> Path:
    """`backup` with its manifest (and checksums) edited as a foreign tool could."""
    manifest = json.loads((backup / "manifest.json").read_text())
    for name in drop:
        (backup / name).unlink()
    if engine:
        old = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
        new = old[engine]
        (backup / old[manifest["engine"]]).rename(backup / new)
        manifest["files"][new] = manifest["files"].pop(old[manifest["engine"]])
        manifest["engine"] = engine
    if migration:
        manifest["migrations"].setdefault("posts", []).append(migration)
    if tar_entries:
        with tarfile.open(backup / "media.tar", "w") as tar:
            for entry in tar_entries:
                tar.addfile(entry, io.BytesIO(b"x" * entry.size))
        data = (backup / "media.tar").read_bytes()
        manifest["files"]["media.tar"] = {"bytes": len(data),
                                          "sha256": hashlib.sha256(data).hexdigest()}  # fmt: skip
    (backup / "manifest.json").write_text(json.dumps(manifest))
    return backup


def tar_entry(name, *, link=None) -> tarfile.TarInfo:
    """A tar member: a small file, or a symbolic link to `link`."""
    entry = tarfile.TarInfo(name)
    if link:
        entry.type, entry.linkname = tarfile.SYMTYPE, link
    else:
        entry.size = 1
    return entry


def damaged_database(backup: Path) -> Path:
    """`backup` with one byte of its database flipped."""
    (path,) = backup.glob("database.*")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    return backup


def foreign_manifest(backup: Path) -> Path:
    """`backup` whose manifest.json is some other program's."""
    (backup / "manifest.json").write_text(json.dumps({"format": 1, "engine": "sqlite"}))
    return backup


OTHER_ENGINE = "sqlite" if POSTGRES else "postgresql"


@needs_pg_dump
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b.parent, "not a Microblog backup \\(no manifest.json\\)"),
        (lambda b: b / "manifest.json", "is not a folder"),
        (foreign_manifest, "not a manifest this version understands"),
        (damaged_database, "does not match its checksum: the backup is damaged"),
        (lambda b: tampered(b, drop=["media.tar"]), "media.tar is missing"),
        (lambda b: tampered(b, engine=OTHER_ENGINE), "Backups are not converted between engines"),
        (lambda b: tampered(b, migration="9999_future"), "made by a newer Microblog.*9999_future"),
        (lambda b: tampered(b, tar_entries=[tar_entry("avatars/ok.webp"), tar_entry("../../evil")]),
         "unsafe entry"),
        (lambda b: tampered(b, tar_entries=[tar_entry("avatars/passwd", link="/etc/passwd")]),
         "unsafe entry"),
    ],
    ids=["folder without manifest", "a file", "foreign manifest", "damaged database",
         "missing media", "other engine", "newer code", "tar with ../", "tar with a link out"],
)  # fmt: skip
def test_a_foreign_or_damaged_backup_is_refused_before_anything_changes(
    site, tmp_path, settings, damage, message
):
    backup = backup_of_this_site(tmp_path)
    User.objects.filter(username="cem").delete()
    target = damage(backup)

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(target), "--force", stdout=io.StringIO())

    assert sorted(User.objects.values_list("username", flat=True)) == ["ana", "bea"]
    assert not (tmp_path / "evil").exists()
    assert not (Path(settings.MEDIA_ROOT) / "avatars" / "passwd").exists()


def test_a_backup_folder_that_cannot_be_written_fails_clearly(user, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")

    with pytest.raises(CommandError, match=r"Backup failed: Cannot write a backup in .*a file"):
        call_command("backup", str(blocker / "backups"), stdout=io.StringIO())


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_backup_folder_fails_clearly(user, tmp_path):
    folder = tmp_path / "read only"
    folder.mkdir(mode=0o500)

    with pytest.raises(CommandError, match=r"Cannot write a backup in .*Permission denied"):
        call_command("backup", str(folder), stdout=io.StringIO())


@needs_pg_dump
def test_media_in_object_storage_is_left_to_the_provider(user, tmp_path, settings):
    memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    settings.STORAGES = {**settings.STORAGES, "default": memory}
    out = io.StringIO()

    call_command("backup", str(tmp_path), stdout=out)

    assert "Media: SKIPPED" in out.getvalue()
    assert "provider's tools" in out.getvalue()
    (backup,) = tmp_path.glob("microblog-backup-*")
    assert not (backup / "media.tar").exists()


@pytest.mark.skipif(not POSTGRES, reason="pg_dump is PostgreSQL's")
def test_pg_dump_missing_is_said_plainly(user, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    with pytest.raises(CommandError, match="pg_dump was not found on PATH: install"):
        call_command("backup", str(tmp_path / "backups"), stdout=io.StringIO())
    assert list((tmp_path / "backups").iterdir()) == []  # no half-written backup


@pytest.mark.skipif(not POSTGRES, reason="pg_dump is PostgreSQL's")
@needs_pg_dump
def test_the_database_password_goes_through_the_environment_only(user, tmp_path, monkeypatch):
    # A wrapper records what pg_dump is given; trust authentication ignores the password.
    spy = tmp_path / "bin"
    spy.mkdir()
    (spy / "pg_dump").write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{tmp_path}/argv"\n'
        f'printf "%s" "$PGPASSWORD" > "{tmp_path}/password"\n'
        f'exec {shutil.which("pg_dump")} "$@"\n'
    )
    (spy / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", f"{spy}:{os.environ['PATH']}")
    url = f"postgres://postgres:{quote(AWKWARD_PASSWORD, safe='')}@127.0.0.1:5432/x"
    password = environ.Env.db_url_config(url)["PASSWORD"]
    assert password == AWKWARD_PASSWORD
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", password)
    out = io.StringIO()

    call_command("backup", str(tmp_path / "backups"), stdout=out)

    assert (tmp_path / "password").read_text() == AWKWARD_PASSWORD
    assert AWKWARD_PASSWORD not in (tmp_path / "argv").read_text()
    assert "--format=custom" in (tmp_path / "argv").read_text()
    assert AWKWARD_PASSWORD not in out.getvalue()
    assert pg_environment(settings_dict={"PASSWORD": password})["PGPASSWORD"] == password


def test_a_backup_of_a_database_without_the_site_is_refused(empty_machine, tmp_path):
    """A backup run without the site's settings (DATABASE_URL not set: an empty database)
    must fail, not succeed every night with nothing in it."""
    if not POSTGRES:  # as a command run with the default settings leaves one
        database = Path(empty_machine["DATABASE_URL"].removeprefix("sqlite:///"))
        database.parent.mkdir(parents=True)
        sqlite3.connect(database).execute("CREATE TABLE unrelated (id integer)")
    result = manage(empty_machine, "backup", str(tmp_path / "backups"))
    assert result.returncode == 1
    assert "is DATABASE_URL set" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list((tmp_path / "backups").glob("microblog-backup-*"))
