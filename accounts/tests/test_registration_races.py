"""Two sign-ups (or changes) racing for one name or address: one wins, the other gets the
same clear error as a later duplicate, never a 500 and never a second account.

Each test lets the competitor win at the worst moment: after the loser's checks passed,
just before its own write (the database's unique constraints have the last word).
"""

import threading

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse

from accounts import services
from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def competitor_wins_before(monkeypatch, owner, name, **competitor):
    """Make `owner.name` create the competitor's account first, then do its own work."""
    original = getattr(owner, name)

    def racing(*args, **kwargs):
        UserFactory(**competitor)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, racing)


def competitor_wins_after_the_check(monkeypatch, **competitor):
    """Let the service's uniqueness check pass, then create the competitor's account."""
    original = services.raise_uniqueness_errors
    calls = []

    def racing(**kwargs):
        original(**kwargs)
        if not calls:
            calls.append(kwargs)
            UserFactory(**competitor)

    monkeypatch.setattr(services, "raise_uniqueness_errors", racing)


@pytest.mark.parametrize(
    ("competitor", "message"),
    [
        ({"username": "TWIN", "email": "first@example.com"}, "username already exists"),
        ({"username": "first", "email": "TWIN@example.com"}, "already registered"),
    ],
)
def test_site_signup_race(client, monkeypatch, competitor, message):
    competitor_wins_before(monkeypatch, DefaultAccountAdapter, "new_user", **competitor)
    data = {
        "username": "twin",
        "email": "twin@example.com",
        "password1": "a long passphrase 42",
        "password2": "a long passphrase 42",
    }
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("competitor", "field"),
    [
        ({"username": "TWIN", "email": "first@example.com"}, "username"),
        ({"username": "first", "email": "Twin@Example.com"}, "email"),
    ],
)
def test_api_registration_race(api_client, monkeypatch, competitor, field):
    competitor_wins_after_the_check(monkeypatch, **competitor)
    payload = {"username": "twin", "email": "twin@example.com", "password": PASSWORD}
    response = api_client().call("post", "/api/users", payload)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert User.objects.count() == 1


def test_api_email_change_race(api, user, monkeypatch):
    """Losing the race leaves a request for the address that can never be confirmed."""
    competitor_wins_after_the_check(monkeypatch, username="other", email="wanted@example.com")
    change = {"email": "WANTED@example.com", "password": PASSWORD}
    response = api.call("put", f"/api/users/{user.pk}", change)
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="wanted@example.com").count() == 1
    user.refresh_from_db()
    assert user.email != "wanted@example.com"


def test_the_database_refuses_a_second_account_with_one_address():
    UserFactory(email="one@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="ONE@example.com")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a database that takes two writers at once (PostgreSQL)",
)
def test_two_real_simultaneous_registrations(api_client, monkeypatch):
    """Two threads, two connections, both past the checks before either writes."""
    both_checked = threading.Barrier(2, timeout=10)
    original = services.raise_uniqueness_errors

    def checked_then_wait(**kwargs):
        original(**kwargs)
        if kwargs.get("exclude_pk") is None and not getattr(local, "waited", False):
            local.waited = True
            both_checked.wait()

    local = threading.local()
    monkeypatch.setattr(services, "raise_uniqueness_errors", checked_then_wait)
    results = []

    def register(username):
        try:
            payload = {
                "username": username,
                "email": f"{username}@example.com",
                "password": PASSWORD,
            }
            results.append(api_client().call("post", "/api/users", payload))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(name,)) for name in ("twin", "TWIN")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(response.status_code for response in results) == [201, 400]
    [loser] = [response for response in results if response.status_code == 400]
    assert loser.json()["fields"]["username"] == ["A user with that username already exists."]
    assert User.objects.count() == 1
