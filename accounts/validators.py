"""Rules for usernames, shared by signup (allauth), the profile form, the admin and the API."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

USERNAME_MAX_LENGTH = 30

# Names that would clash with site paths, or that users could mistake for staff.
RESERVED_USERNAMES = frozenset(
    {
        "about", "account", "accounts", "admin", "administrator", "api", "auth", "cable",
        "explore", "help", "home", "login", "logout", "me", "media", "microblog", "moderator",
        "null", "post", "posts", "root", "rosetta", "search", "settings", "signup", "staff",
        "static", "support", "system", "user", "users", "webmaster", "www",
    }
)  # fmt: skip

validate_username_characters = RegexValidator(
    regex=r"^[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*\Z",
    message=_(
        "Use only letters, digits and underscores, optionally separated by single dots or hyphens."
    ),
    code="invalid_username",
)


def validate_username_not_reserved(value: str) -> None:
    """Refuse usernames that the site keeps for itself (any letter case)."""
    if value.lower() in RESERVED_USERNAMES:
        raise ValidationError(
            _("The username “%(username)s” is reserved. Please choose another."),
            code="reserved_username",
            params={"username": value},
        )


USERNAME_VALIDATORS = [validate_username_characters, validate_username_not_reserved]
