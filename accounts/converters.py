"""`<username:...>` in URLs: only characters a username can have reach the database."""

from django.urls import register_converter


class UsernameConverter:
    """Letters, digits, underscores, dots and hyphens (see accounts.validators)."""

    regex = r"[A-Za-z0-9_.-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UsernameConverter, "username")
