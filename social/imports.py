"""Import a following list: a CSV of account addresses (ours, or Mastodon's
following_accounts.csv) read at once, then followed by the task worker, as a job.

An address names an account here when its domain is this site's or it has none
(accounts.addresses.local_username); the others are reported as not found.
"""

import csv
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.addresses import local_username
from accounts.jobs import job_carry_out, job_progress
from accounts.selectors import visible_users
from core.text import clean_text
from social.models import Follow
from social.services import follow_create

MAX_BYTES = 1024 * 1024
MAX_ACCOUNTS = 5000
MAX_ADDRESS_LENGTH = 320  # an e-mail-like address's longest
# The not-found addresses the result lists (the count is always whole).
MAX_REPORTED = 200
STEP = 50  # addresses between two progress reports


def following_addresses(upload) -> list[str]:
    """The account addresses of an uploaded CSV, in order, without repeats.

    Raises ValidationError for a file that is too big, not text, or holds no address.
    """
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is too big: at most 1 MB."))
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("This is not a CSV file of account addresses.")) from None
    addresses = []
    try:
        for row in csv.reader(io.StringIO(text)):
            address = clean_text(row[0] if row else "").lstrip("@")[:MAX_ADDRESS_LENGTH]
            if address and address.lower() != "account address":  # Mastodon's header
                addresses.append(address)
    except csv.Error:  # a field over csv's limit, a stray NUL...
        raise ValidationError(_("This is not a CSV file of account addresses.")) from None
    addresses = list(dict.fromkeys(addresses))
    if not addresses:
        raise ValidationError(_("The file holds no account address."))
    if len(addresses) > MAX_ACCOUNTS:
        raise ValidationError(
            _("The file holds %(count)d addresses: at most %(max)d at a time.")
            % {"count": len(addresses), "max": MAX_ACCOUNTS}
        )
    return addresses


def following_import_run(*, job_id: int) -> bool:
    """Follow the accounts of job `job_id`'s list (the task worker's side); True if done."""
    failure = gettext_lazy("The import stopped. Please try again.")
    job = job_carry_out(job_id=job_id, work=_import_work, failure=failure)
    return job is not None


def _import_work(job) -> dict:
    addresses = job.data.get("addresses", [])
    result = {"followed": 0, "already": 0, "not_found": 0, "refused": 0, "missing": []}
    for start in range(0, len(addresses), STEP):
        _follow_batch(job.owner, addresses[start : start + STEP], result)
        job_progress(job, done=min(start + STEP, len(addresses)), total=len(addresses))
    return result


def _follow_batch(owner, addresses: list[str], result: dict) -> None:
    usernames = {address: local_username(address) for address in addresses}
    wanted = {name for name in usernames.values() if name}
    people = visible_users().alias(username_lower=Lower("username"))
    found = {user.username.lower(): user for user in people.filter(username_lower__in=wanted)}
    following = Follow.objects.filter(follower=owner, followed__in=found.values())
    already = set(following.values_list("followed_id", flat=True))
    for address, username in usernames.items():
        followed = found.get(username) if username else None
        if followed is None:
            result["not_found"] += 1
            if len(result["missing"]) < MAX_REPORTED:
                result["missing"].append(address)
            continue
        if followed.pk in already:  # before, or earlier in this list (another spelling)
            result["already"] += 1
            continue
        try:
            follow_create(follower=owner, followed=followed, imported=True)
        except (PermissionDenied, ValidationError):  # blocked, or oneself
            result["refused"] += 1
        else:
            result["followed"] += 1
            already.add(followed.pk)
