"""The accounts API beyond the tutorial's contract: the same rules as the site."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["a", "admin", "two  spaces", "x" * 31])
def test_the_api_and_the_site_refuse_the_same_usernames(client, api_client, username):
    payload = {"username": username, "email": "new@example.com", "password": PASSWORD}
    response = api_client().call("post", "/api/users", payload)
    assert response.status_code == 400
    assert "username" in response.json()["fields"]
    site = client.post(
        reverse("account_signup"),
        {"username": username, "email": "new@example.com", "password1": PASSWORD,
         "password2": PASSWORD},
    )  # fmt: skip
    assert site.status_code == 200
    assert not User.objects.exists()


def test_put_cannot_take_a_one_character_username(api, user):
    response = api.call("put", f"/api/users/{user.pk}", {"username": "z"})
    assert response.status_code == 400
    assert "at least 2 characters" in response.json()["fields"]["username"][0]


def test_put_on_someone_else_is_403(api, other_user):
    response = api.call("put", f"/api/users/{other_user.pk}", {"about_me": "hacked"})
    assert response.status_code == 403
    other_user.refresh_from_db()
    assert other_user.about_me == ""


def test_about_me_is_cleaned_like_posts(api, user):
    response = api.call("put", f"/api/users/{user.pk}", {"about_me": " \u200b hi there\x07 \u200b"})
    assert response.status_code == 200
    assert response.json()["about_me"] == "hi there"


def test_forged_forwarded_addresses_buy_no_more_registrations(api_client):
    statuses = []
    for n in range(11):
        payload = {"username": f"bot{n}", "email": f"bot{n}@example.com", "password": PASSWORD}
        response = api_client().call(
            "post", "/api/users", payload, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        )
        statuses.append(response.status_code)
    assert statuses == [201] * 10 + [429]


def test_a_nul_in_basic_credentials_is_401_not_500(basic, client):
    for login, password in (("ali\x00ce", "x"), ("alice", "pass\x00word")):
        response = client.post("/api/tokens", **basic(login, password))
        assert response.status_code == 401
        assert response.json()["error"] == "Unauthorized"


def test_an_overlong_email_is_400_not_500(api_client, api, user):
    email = "b" * 250 + "@example.com"
    payload = {"username": "longmail", "email": email, "password": PASSWORD}
    response = api_client().call("post", "/api/users", payload)
    assert response.status_code == 400 and "email" in response.json()["fields"]
    response = api.call("put", f"/api/users/{user.pk}", {"email": email})
    assert response.status_code == 400 and "email" in response.json()["fields"]


class TestEmailChange:
    def test_needs_the_current_password(self, api, user):
        url = f"/api/users/{user.pk}"
        for extra in ({}, {"password": "not it"}):
            response = api.call("put", url, {"email": "mine@evil.example"} | extra)
            assert response.status_code == 400
            assert "current password" in response.json()["fields"]["password"][0]
        assert mail.outbox == []

    def test_wrong_passwords_count_toward_the_lockout(self, api, user, basic, client):
        for _ in range(5):
            api.call("put", f"/api/users/{user.pk}", {"email": "x@evil.example", "password": "no"})
        assert client.post("/api/tokens", **basic(user.username, PASSWORD)).status_code == 429

    def test_is_rate_limited(self, api, user, settings):
        settings.EMAIL_CHANGE_RATE = "2/hour"
        statuses = [
            api.call(
                "put",
                f"/api/users/{user.pk}",
                {"email": f"new{n}@example.com", "password": PASSWORD},
            ).status_code
            for n in range(3)
        ]
        assert statuses == [200, 200, 429]
        assert len(mail.outbox) == 2

    def test_a_link_for_an_address_taken_since_is_refused_cleanly(self, api, user, client):
        api.call(
            "put", f"/api/users/{user.pk}", {"email": "shared@example.com", "password": PASSWORD}
        )
        link = re.search(r"https?://testserver(\S+/confirm-email/\S+)", mail.outbox[0].body)[1]
        UserFactory(email="SHARED@example.com")  # registered meanwhile, unconfirmed
        response = client.post(link, follow=True)
        assert response.status_code == 200
        assert "already confirmed by a different account" in response.content.decode()
        user.refresh_from_db()
        assert user.email != "shared@example.com"


def test_an_overlong_address_is_a_form_error_on_the_site(client):
    email = "a" * 250 + "@example.com"
    data = {"username": "longmail", "email": email, "password1": PASSWORD, "password2": PASSWORD}
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not User.objects.exists()
