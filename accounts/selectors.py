"""Reads about users. Every read of people starts from `visible_users`."""

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from accounts.models import User


def visible_users() -> QuerySet[User]:
    """The members the site shows: deactivated accounts disappear with all they did."""
    return User.objects.filter(is_active=True)


def active_users() -> QuerySet[User]:
    """Every visible user, oldest account first."""
    return visible_users().order_by("pk")


def user_get(*, username: str) -> User:
    """The visible user with this username (any letter case), or 404."""
    # Usernames are ASCII (accounts.validators): Python's lower() is the database's, and
    # the lookup uses the index of the case-insensitive unique constraint.
    users = visible_users().alias(username_lower=Lower("username"))
    return get_object_or_404(users, username_lower=username.lower())


def address_confirmed(user) -> bool:
    """Whether the member's address is one they confirmed (mail goes nowhere else)."""
    return (
        bool(user.email)
        and EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )
