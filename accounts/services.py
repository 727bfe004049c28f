"""Writes on user accounts: registration, profile and e-mail changes, activity times,
deactivation."""

import logging
from datetime import timedelta
from functools import partial

from allauth.account.models import EmailAddress
from allauth.core import context
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.avatars import avatar_from_upload
from accounts.models import User
from accounts.passwords import current_password_is_right
from accounts.validators import uniqueness_errors, validate_username
from core import live
from core.db import bookkeeping_write, locked
from core.files import STORAGE_FAILURES, file_delete_quietly
from core.ratelimit import rate_limit
from core.text import clean_text
from social.selectors import follow_neighbour_ids
from social.services import follow_counts_refresh

logger = logging.getLogger(__name__)


def _validate_username(username: str) -> None:
    """The username rules, as an error of the "username" field."""
    try:
        validate_username(username)
    except ValidationError as error:
        raise ValidationError({"username": error.error_list}) from None


def raise_uniqueness_errors(*, username=None, email=None, exclude_pk=None) -> None:
    """Raise the "already taken" ValidationError of a username or address, if either is."""
    errors = uniqueness_errors(username=username, email=email, exclude_pk=exclude_pk)
    if errors:
        raise ValidationError(errors)


def user_create(*, username: str, email: str, password: str, about_me: str = "") -> User:
    """Register a member; their e-mail address awaits verification.

    The database has the last word on uniqueness: the loser of two simultaneous sign-ups
    with one name or address gets the same ValidationError as a later duplicate.
    """
    _validate_username(username)
    raise_uniqueness_errors(username=username, email=email)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                email=email,
                password=password,
                about_me=clean_text(about_me),
                last_seen=timezone.now(),
            )
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    except IntegrityError:
        raise_uniqueness_errors(username=username, email=email)
        raise
    return user


def user_update(
    *,
    user: User,
    actor: User,
    username: str | None = None,
    email: str | None = None,
    about_me: str | None = None,
    language: str | None = None,
    timezone_name: str | None = None,
    avatar=None,
    remove_avatar: bool = False,
    current_password: str = "",
) -> User:
    """Change a member's account; arguments left as None keep their value.

    Only the member themself may do it. A new `email` needs their `current_password` and
    waits for confirmation (see `_email_change`). `avatar` is an uploaded image, checked
    and resized here after the member's rate limit (AVATAR_RATE: decoding is costly); the
    file it replaces is deleted once the change is committed.
    """
    if actor.pk != user.pk:
        raise PermissionDenied(_("You can only change your own account."))
    if avatar is not None:
        rate_limit(scope="avatar", key=user.pk, rate=settings.AVATAR_RATE)
        try:
            avatar = avatar_from_upload(avatar)
        except ValidationError as error:
            raise ValidationError({"avatar": error.error_list}) from None
    changes_email = email is not None and email.lower() != user.email.lower()
    if changes_email:
        # A token or a borrowed session alone must not move the account to another address.
        if not current_password_is_right(user, current_password):
            raise ValidationError(
                {"password": _("Give your current password to change your e-mail address.")}
            )
        rate_limit(scope="email_change", key=user.pk, rate=settings.EMAIL_CHANGE_RATE)
    if username is not None and username != user.username:
        _validate_username(username)
    raise_uniqueness_errors(username=username, email=email, exclude_pk=user.pk)
    old_avatar = user.avatar.name or None
    stored = None
    if avatar is not None:  # first, so that a storage that is down changes nothing
        try:
            stored = avatar_store(user=user, avatar=avatar)
        except ValidationError as error:
            raise ValidationError({"avatar": error.error_list}) from None
    if username is not None:
        user.username = username
    if about_me is not None:
        user.about_me = clean_text(about_me)
    if language is not None:
        user.language = language
    if timezone_name is not None:
        user.timezone = timezone_name
    if remove_avatar and stored is None:
        user.avatar = None
    saved = False
    storage = user.avatar.storage
    try:
        with transaction.atomic():
            user.save(update_fields=["username", "about_me", "language", "timezone", "avatar"])
            if changes_email:
                _email_change(user=user, email=email)
        saved = True
    except IntegrityError:
        user.refresh_from_db()  # the caller's object shows the account as it still is
        raise_uniqueness_errors(username=username, email=email, exclude_pk=user.pk)
        raise
    finally:
        if stored and not saved:  # no account points to it
            file_delete_quietly(storage, stored)
    if old_avatar and old_avatar != (user.avatar.name or None):
        # After the commit, and never failing a change that is saved (an orphan is logged).
        transaction.on_commit(partial(file_delete_quietly, storage, old_avatar))
    return user


def avatar_store(*, user: User, avatar) -> str:
    """Put a new avatar in storage (not yet on the account's row); its name, or a
    ValidationError when the storage fails."""
    try:
        user.avatar.save("avatar.webp", avatar, save=False)
    except STORAGE_FAILURES:
        logger.warning("Avatar of %s not stored", user.pk, exc_info=True)
        raise ValidationError(
            _("Your avatar could not be stored just now. Please try again later.")
        ) from None
    return user.avatar.name


def _email_change(*, user: User, email: str) -> None:
    """Ask to confirm `email` as the member's new address: a link is sent to it, and the
    current address stays until it is followed (then the old address is told)."""
    EmailAddress.objects.add_new_email(context.request, user, email)


def activity_is_due(previous, now) -> bool:
    """Whether an activity time last written at `previous` should be written again now."""
    interval = timedelta(seconds=settings.LAST_SEEN_INTERVAL_SECONDS)
    return previous is None or now - previous >= interval


def last_seen_touch(*, user: User) -> None:
    """Record that `user` is active, at most once per LAST_SEEN_INTERVAL_SECONDS.

    Bookkeeping: when the database is busy the write is skipped, never the request.
    """
    now = timezone.now()
    if activity_is_due(user.last_seen, now):
        bookkeeping_write(lambda: User.objects.filter(pk=user.pk).update(last_seen=now))
        user.last_seen = now


def timezone_remember(*, user: User, timezone_name: str) -> None:
    """Save the time zone the browser reported for a member who has none saved."""
    bookkeeping_write(
        lambda: User.objects.filter(pk=user.pk, timezone="").update(timezone=timezone_name)
    )
    user.timezone = timezone_name


def language_save(*, user: User, language: str) -> None:
    """Remember a member's language choice on their account."""
    bookkeeping_write(lambda: User.objects.filter(pk=user.pk).update(language=language))
    user.language = language


@transaction.atomic
def users_active_set(*, users, active: bool) -> int:
    """Deactivate (or reactivate) these members; how many changed.

    A deactivated member disappears with all they did, their follows included: the
    members around them are recounted.
    """
    with transaction.atomic():
        changed = list(users.exclude(is_active=active).values_list("pk", flat=True))
        neighbours = follow_neighbour_ids(user_ids=changed)
        # Everyone involved locked at once, in id order, as every write between two
        # members locks them (messaging.services.messages.pair_lock): no deadlock.
        locked(User.objects.filter(pk__in=set(changed) | neighbours))
        User.objects.filter(pk__in=changed).update(is_active=active)
        follow_counts_refresh(user_ids=neighbours)
    if not active:  # their open pages stop hearing them
        for user_id in changed:
            live.sockets_recheck_on_commit(user_id=user_id)
    return len(changed)
