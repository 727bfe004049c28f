"""Time zone names: which ones exist, and which one a request should use."""

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

TIMEZONE_COOKIE = "tz"


@cache
def timezone_names() -> frozenset[str]:
    """Every IANA time zone name this system knows."""
    return frozenset(available_timezones())


def timezone_choices() -> list[tuple[str, str]]:
    """(name, label) pairs for a select box, sorted by name."""
    return [(name, name.replace("_", " ")) for name in sorted(timezone_names())]


def zone_or_none(name: str | None) -> ZoneInfo | None:
    """The zone called `name`, or None when the name is empty or unknown."""
    return ZoneInfo(name) if name in timezone_names() else None
