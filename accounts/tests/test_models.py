"""The user model: passwords, avatars, usernames."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_password_hashing():
    user = UserFactory()
    user.set_password("cat")
    assert user.password != "cat"
    assert not user.check_password("dog")
    assert user.check_password("cat")


def test_gravatar_identicon_of_the_lowercased_email():
    user = UserFactory(email="John@Example.com")
    digest = hashlib.md5(b"john@example.com").hexdigest()
    assert user.avatar_url(size=128) == (
        f"https://www.gravatar.com/avatar/{digest}?d=identicon&s=128"
    )


def test_usernames_are_unique_whatever_their_case():
    UserFactory(username="Susan")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="susan", email="s@example.com")


@pytest.mark.parametrize("username", ["admin", "API", "static", "bad name", "a/b", "ü-ber", "x."])
def test_reserved_and_malformed_usernames_are_invalid(username):
    user = User(username=username, email="x@example.com")
    with pytest.raises(ValidationError) as error:
        user.full_clean(exclude=["password"])
    assert "username" in error.value.message_dict


def test_about_me_is_limited_in_the_database():
    user = UserFactory()
    user.about_me = "x" * 141
    # SQLite has the check constraint; PostgreSQL also has the varchar(140) type.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        user.save()
