"""Writes on user accounts: profile edits, avatars, last-seen times."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.avatars import square_avatar
from accounts.models import User


@transaction.atomic
def profile_update(
    *,
    user: User,
    username: str,
    about_me: str,
    language: str = "",
    timezone_name: str = "",
    avatar=None,
    remove_avatar: bool = False,
) -> User:
    """Save a user's profile; a new avatar replaces the old one, whose file is deleted."""
    old_avatar = user.avatar.name if user.avatar else None
    user.username = username
    user.about_me = about_me.strip()
    user.language = language
    user.timezone = timezone_name
    if avatar is not None:
        user.avatar.save("avatar.webp", square_avatar(avatar), save=False)
    elif remove_avatar:
        user.avatar = None
    user.save(update_fields=["username", "about_me", "language", "timezone", "avatar"])
    if old_avatar and old_avatar != (user.avatar.name or None):
        storage = user.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar))
    return user


def activity_is_due(previous, now) -> bool:
    """Whether an activity time last written at `previous` should be written again now."""
    interval = timedelta(seconds=settings.LAST_SEEN_INTERVAL_SECONDS)
    return previous is None or now - previous >= interval


def last_seen_touch(*, user: User) -> None:
    """Record that `user` is active, writing at most once per LAST_SEEN_INTERVAL_SECONDS."""
    now = timezone.now()
    if activity_is_due(user.last_seen, now):
        User.objects.filter(pk=user.pk).update(last_seen=now)
        user.last_seen = now


def timezone_remember(*, user: User, timezone_name: str) -> None:
    """Save the time zone the browser reported for a member who has none saved."""
    User.objects.filter(pk=user.pk, timezone="").update(timezone=timezone_name)
    user.timezone = timezone_name


def language_save(*, user: User, language: str) -> None:
    """Remember a member's language choice on their account."""
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


@transaction.atomic
def user_create(*, username: str, email: str, password: str, about_me: str = "") -> User:
    """Register a member from validated data; their e-mail address awaits verification."""
    user = User.objects.create_user(
        username=username,
        email=email,
        password=password,
        about_me=about_me.strip(),
        last_seen=timezone.now(),
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user


@transaction.atomic
def email_change(*, user: User, email: str) -> None:
    """Make `email` the member's primary address; their other addresses stay."""
    if user.email.lower() == email.lower():
        return
    EmailAddress.objects.filter(user=user).update(primary=False)
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email__iexact=email, defaults={"email": email}
    )
    address.primary = True
    address.save(update_fields=["primary"])
    user.email = email
    user.save(update_fields=["email"])
