"""One limiter for every way of presenting a password.

The site's login (allauth), the admin's login, HTTP Basic on the API and the current
password asked when changing it all check the password here, through allauth's adapter:
its `login_failed` rate limit counts failures per client IP and per account (whether the
account was named by username or by e-mail address), and a locked account stays locked
whichever door is tried next, even with the right password.
"""

from allauth.account.adapter import get_adapter
from allauth.core.internal.ratelimit import get_rates
from django.core.exceptions import ValidationError

from accounts.models import User

TOO_MANY_ATTEMPTS = "too_many_login_attempts"


def password_authenticate(request, *, login: str, password: str) -> User | None:
    """The active user whose username or e-mail is `login`, if `password` is theirs.

    Raises ValidationError (code "too_many_login_attempts") while the client IP or the
    account is locked out by repeated failures.
    """
    if "\x00" in login or "\x00" in password:
        return None  # no account has one, and PostgreSQL refuses to look it up
    return get_adapter(request).authenticate(request, username=login, password=password)


def current_password_is_right(user: User, password: str) -> bool:
    """Check a member's current password as a login attempt (counted, and locked out alike).

    Raises ValidationError while the account or the client IP is locked out.
    """
    return bool(password) and get_adapter().reauthenticate(user, password)


def is_lockout(error: ValidationError) -> bool:
    """Whether a ValidationError from `password_authenticate` means "locked out"."""
    return getattr(error, "code", None) == TOO_MANY_ATTEMPTS


def lockout_seconds() -> int:
    """How long a lockout lasts at most (the longest window of the login_failed limits)."""
    rates = get_rates(app="allauth.account", action="login_failed")
    return int(max((rate.duration for rate in rates), default=60))


def account_key(login: str) -> str:
    """The rate-limit key of the account that `login` names (username or e-mail, any case)."""
    login = login.strip().lower()
    user_id = (
        User.objects.filter(username__iexact=login).values_list("pk", flat=True).first()
        or User.objects.filter(email__iexact=login).values_list("pk", flat=True).first()
    )
    return f"user:{user_id}" if user_id else f"login:{login}"
