"""Rules for usernames and e-mail addresses, shared by signup (allauth), the profile form,
the admin, the API and the services that write them."""

from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

USERNAME_MIN_LENGTH = 2
USERNAME_MAX_LENGTH = 30
EMAIL_MAX_LENGTH = 254  # the e-mail column's length (and RFC 5321's path limit)

# Names that would clash with site paths, or that users could mistake for staff.
RESERVED_USERNAMES = frozenset(
    {
        "about", "account", "accounts", "admin", "administrator", "api", "auth", "cable",
        "explore", "help", "home", "login", "logout", "me", "media", "microblog", "moderator",
        "null", "post", "posts", "root", "rosetta", "search", "settings", "signup", "staff",
        "static", "support", "system", "user", "users", "webmaster", "www",
    }
)  # fmt: skip

USERNAME_TAKEN = _("A user with that username already exists.")
EMAIL_TAKEN = _("This e-mail address is already registered.")

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


USERNAME_VALIDATORS = [
    MinLengthValidator(USERNAME_MIN_LENGTH),
    validate_username_characters,
    validate_username_not_reserved,
]


def validate_username(value: str) -> None:
    """Run every username rule but uniqueness (for callers outside a model form)."""
    for validator in USERNAME_VALIDATORS:
        validator(value)


def username_taken(username: str, *, exclude_pk=None) -> bool:
    """Whether another account has this username, whatever the letter case."""
    from accounts.models import User

    return User.objects.filter(username__iexact=username).exclude(pk=exclude_pk).exists()


def email_taken(email: str, *, exclude_pk=None) -> bool:
    """Whether another account uses this address, or has confirmed it.

    An address someone asked for but never confirmed blocks nobody: otherwise anyone could
    reserve other people's addresses.
    """
    from allauth.account.models import EmailAddress

    from accounts.models import User

    confirmed = EmailAddress.objects.filter(email__iexact=email, verified=True)
    return (
        User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists()
        or confirmed.exclude(user_id=exclude_pk).exists()
    )


def uniqueness_errors(*, username=None, email=None, exclude_pk=None) -> dict[str, list]:
    """The "already taken" errors of a username and address, by field (empty when free)."""
    errors = {}
    if username and username_taken(username, exclude_pk=exclude_pk):
        errors["username"] = [ValidationError(USERNAME_TAKEN, code="unique")]
    if email and email_taken(email, exclude_pk=exclude_pk):
        errors["email"] = [ValidationError(EMAIL_TAKEN, code="unique")]
    return errors
