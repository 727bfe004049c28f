"""API tokens: issue, authenticate and revoke. The raw token is shown once, never stored."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import activity_is_due
from core.db import bookkeeping_write


def hash_token(raw: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(*, user: User) -> tuple[str, ApiToken]:
    """Create a token for `user` valid for API_TOKEN_LIFETIME_SECONDS; return it and its row."""
    raw = secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(seconds=settings.API_TOKEN_LIFETIME_SECONDS)
    token = ApiToken.objects.create(user=user, key_hash=hash_token(raw), expires=expires)
    return raw, token


def token_authenticate(*, raw: str) -> ApiToken | None:
    """The active token matching `raw` (with its user), or None; notes when it was used."""
    now = timezone.now()
    matches = ApiToken.objects.select_related("user").filter(
        key_hash=hash_token(raw), expires__gt=now, user__is_active=True
    )
    # key_hash is unique: slicing spares first()'s ORDER BY (the API's busiest query).
    token = next(iter(matches[:1]), None)
    if token is not None and activity_is_due(token.last_used, now):
        bookkeeping_write(lambda: ApiToken.objects.filter(pk=token.pk).update(last_used=now))
        token.last_used = now
    return token


def token_revoke(*, token: ApiToken) -> None:
    """Revoke a token at once."""
    token.delete()


def active_tokens(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, expires__gt=timezone.now())
