"""Account addresses as other sites name accounts: username@host, this site's host being
SITE_URL's (Mastodon's following lists use them; our exports write them, imports read them)."""

from urllib.parse import urlsplit

from django.conf import settings


def site_host() -> str:
    """This site's host name, as its accounts' addresses end."""
    return urlsplit(settings.SITE_URL).hostname or ""


def account_address(username: str) -> str:
    """A member's address: username@this site's host."""
    return f"{username}@{site_host()}"


def local_username(address: str) -> str | None:
    """The username (lowercase) an address names here, or None if it names an account
    elsewhere: alice@other.example is someone else than our alice."""
    username, _at, domain = address.partition("@")
    return username.lower() if not domain or domain.lower() == site_host().lower() else None
