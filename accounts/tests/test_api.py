"""The accounts API beyond the tutorial's contract: the same rules as the site."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD

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
