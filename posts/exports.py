"""Export your data: a zip archive of everything a member wrote and who they follow,
built by the task worker in batches (memory stays flat whatever the number of posts).

posts.json and posts.csv (id, created in UTC, language, body; in the CSV a body that a
spreadsheet would run as a formula starts with a quote), profile.json,
following.csv in Mastodon's following_accounts.csv layout (it imports there, and here),
followers.csv, messages.json (sent and received) and the avatar file.
"""

import csv
import io
import itertools
import json
import logging
import tempfile
import zipfile
from datetime import UTC
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.addresses import account_address
from accounts.jobs import job_carry_out, job_language, job_progress
from accounts.models import Job
from accounts.selectors import address_confirmed
from accounts.timezones import zone_or_none
from core.mail import MAIL_FAILURES, OUTGOING, email_compose
from messaging.models import Message
from posts.models import Post
from social.models import Follow

logger = logging.getLogger(__name__)

BATCH = 2000
FORMULA_STARTS = frozenset("=+-@\t\r")
# Mastodon's following_accounts.csv header (the columns after the address are Mastodon's).
FOLLOWING_HEADER = ["Account address", "Show boosts", "Notify on new posts", "Languages"]


def _batches(queryset, fields, order=("pk",)):
    """Rows of `queryset` (dictionaries of `fields`) in `order`, in lists of BATCH, read
    through one cursor a chunk at a time (a server-side cursor on PostgreSQL)."""
    batch = []
    for row in queryset.order_by(*order).values(*fields).iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def spreadsheet_safe(text: str) -> str:
    """`text` for a CSV cell that a spreadsheet shows as text, never runs as a formula
    (OWASP's advice: a leading quote before = + - @ tab or return). posts.json keeps the
    exact text."""
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


def _iso(value) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


class _Progress:
    """Counts the steps of an export and tells the job."""

    def __init__(self, job: Job, total: int):
        self.job, self.total, self.done = job, total, 0

    def advance(self, steps: int) -> None:
        self.done += steps
        job_progress(self.job, done=min(self.done, self.total), total=self.total)


def export_write(job: Job) -> None:
    """Build the archive of `job.owner` into `job.file` (not saved: job_done saves it)."""
    owner = job.owner
    posts = Post.objects.filter(author=owner)
    following = Follow.objects.filter(follower=owner)
    followers = Follow.objects.filter(followed=owner)
    sent = Message.objects.filter(sender=owner)
    received = Message.objects.filter(recipient=owner).exclude(sender=owner)
    counts = [posts.count() * 2, following.count(), followers.count(), sent.count(),
              received.count()]  # fmt: skip
    total = sum(counts) + 1
    progress = _Progress(job, total)
    with tempfile.TemporaryFile() as archive_file:
        with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
            _profile(archive, owner)
            progress.advance(1)
            _posts_json(archive, posts, progress)
            _posts_csv(archive, posts, progress)
            _accounts_csv(archive, "following.csv", following, "followed", progress)
            _accounts_csv(archive, "followers.csv", followers, "follower", progress)
            _messages_json(archive, sent, received, progress)
            if owner.avatar:
                _avatar(archive, owner)
        archive_file.seek(0)
        stamp = timezone.now().strftime("%Y-%m-%d")
        job.file.save(f"microblog-{owner.username}-{stamp}.zip", File(archive_file), save=False)


def _profile(archive, owner) -> None:
    profile = {
        "username": owner.username, "email": owner.email, "about_me": owner.about_me,
        "language": owner.language, "timezone": owner.timezone,
        "date_joined": _iso(owner.date_joined), "last_seen": _iso(owner.last_seen),
        "address": account_address(owner.username),
    }  # fmt: skip
    archive.writestr("profile.json", json.dumps(profile, ensure_ascii=False, indent=2))


def _avatar(archive, owner) -> None:
    """The avatar file, read from wherever the site keeps it. One missing from the storage
    (lost, or deleted meanwhile) is left out rather than failing every export; a storage
    that is down fails this one."""
    try:
        with owner.avatar.open("rb") as avatar:
            data = avatar.read()
    except FileNotFoundError:
        logger.warning("Export of %s: avatar %s missing, left out", owner.pk, owner.avatar.name)
        return
    archive.writestr(f"avatar{PurePosixPath(owner.avatar.name).suffix}", data)


def _json_array(archive, name: str, batches, item, progress) -> None:
    """Write a JSON array to `name`, one item per line, batch after batch."""
    with archive.open(name, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
        out.write("[")
        first = True
        for rows in batches:
            for row in rows:
                out.write(("\n" if first else ",\n") + json.dumps(item(row), ensure_ascii=False))
                first = False
            progress.advance(len(rows))
        out.write("\n]\n")


def _post(row) -> dict:
    return {"id": row["pk"], "created": _iso(row["created"]), "language": row["language"],
            "body": row["body"]}  # fmt: skip


POST_FIELDS = ["pk", "created", "language", "body"]
POST_ORDER = ("created", "pk")  # the author's index, oldest first


def _posts_json(archive, posts, progress) -> None:
    batches = _batches(posts, POST_FIELDS, POST_ORDER)
    _json_array(archive, "posts.json", batches, _post, progress)


def _posts_csv(archive, posts, progress) -> None:
    with archive.open("posts.csv", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8",
                                                                  newline="") as out:  # fmt: skip
        writer = csv.writer(out)
        writer.writerow(["id", "created", "language", "body"])
        for rows in _batches(posts, POST_FIELDS, POST_ORDER):
            writer.writerows([row["pk"], _iso(row["created"]), row["language"] or "",
                              spreadsheet_safe(row["body"])] for row in rows)  # fmt: skip
            progress.advance(len(rows))


def _accounts_csv(archive, name: str, follows, other: str, progress) -> None:
    """A Mastodon-style list of accounts: the other member of each follow."""
    with archive.open(name, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8",
                                                          newline="") as out:  # fmt: skip
        writer = csv.writer(out)
        writer.writerow(FOLLOWING_HEADER)
        for rows in _batches(follows, ["pk", f"{other}__username"]):
            writer.writerows([account_address(row[f"{other}__username"]), "true", "false", ""]
                             for row in rows)  # fmt: skip
            progress.advance(len(rows))


def _messages_json(archive, sent, received, progress) -> None:
    fields = ["pk", "sender__username", "recipient__username", "body", "created", "read"]

    def message(row) -> dict:
        return {"id": row["pk"], "from": row["sender__username"],
                "to": row["recipient__username"], "body": row["body"],
                "created": _iso(row["created"]), "read": _iso(row["read"])}  # fmt: skip

    batches = itertools.chain(_batches(sent, fields), _batches(received, fields))
    _json_array(archive, "messages.json", batches, message, progress)


def export_run(*, job_id: int) -> bool:
    """Build the export of job `job_id` (the task worker's side); when it is ready, e-mail
    the member (a confirmed address only). True if built."""
    failure = _("Your archive could not be built. Please try again.")
    job = job_carry_out(job_id=job_id, work=_export_work, failure=failure)
    if job is not None and address_confirmed(job.owner):
        export_email_send(job)
    return job is not None


def export_email_send(job: Job) -> None:
    """E-mail the member that the archive is ready. Sent from the worker itself, with the
    archive attached when small: a copy of their messages never waits in the task queue.
    If the mail server fails, the e-mail without the archive is queued (and retried)."""
    try:
        export_email_compose(job, attach=True).send(using=OUTGOING)
    except MAIL_FAILURES:
        logger.warning("Export %s: e-mail not sent; queued without the archive", job.pk)
        export_email_compose(job, attach=False).send()


def _export_work(job: Job) -> dict:
    export_write(job)
    return {}


def export_email_compose(job: Job, *, attach: bool) -> EmailMessage:
    """The e-mail saying the archive is ready, in the member's language and time zone, with
    the archive attached when `attach` and it is small."""
    owner = job.owner
    attached = attach and job.file.size <= settings.EXPORT_ATTACH_MAX_BYTES
    context = {"user": owner, "job": job, "url": settings.SITE_URL + reverse("export"),
               "attached": attached}  # fmt: skip
    zone = zone_or_none(owner.timezone)
    email = email_compose("posts/email/export", context, to=owner.email,
                          language=job_language(job), zone=zone)  # fmt: skip
    if attached:
        with job.file.open("rb") as archive:
            email.attach(PurePosixPath(job.file.name).name, archive.read(), "application/zip")
    return email
