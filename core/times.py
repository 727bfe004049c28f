"""Times that clients send as seconds since 1970 (the tutorial's `since`)."""

from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _

UNIX_TIME_ERROR = _("Expected a time in seconds since 1970.")


def from_unix_time(value: str) -> datetime:
    """`value`, seconds since 1970 as text, as a UTC time; ValueError if it is not one."""
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (ValueError, OverflowError, OSError):  # not a number, NaN, infinite, out of range
        raise ValueError(value) from None
