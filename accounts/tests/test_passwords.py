"""One limiter for every way of presenting a password: site, admin, API, password change."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "not my password"


def site_login(client, login, password):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def admin_login(client, username, password):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}
    )


def api_token(basic, login, password):
    return Client().post("/api/tokens", **basic(login, password))


def lock_out(user, basic):
    """Five failures on the account, through three different doors and spellings."""
    client = Client()
    site_login(client, user.username, WRONG)
    site_login(client, user.email.upper(), WRONG)
    admin_login(client, user.username, WRONG)
    api_token(basic, user.username, WRONG)
    api_token(basic, user.email, WRONG)


def test_a_lockout_holds_at_every_door_even_with_the_right_password(user, basic):
    lock_out(user, basic)
    response = api_token(basic, user.username, PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"] == "Too Many Requests"
    page = site_login(Client(), user.username, PASSWORD).content.decode()
    assert "Too many failed login attempts" in page
    staff = admin_login(Client(), user.username, PASSWORD)
    assert "Too many failed login attempts" in staff.content.decode()


def test_api_guessing_is_limited_before_any_token_is_issued(user, basic):
    statuses = [api_token(basic, user.username, f"guess {n}").status_code for n in range(8)]
    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}


def test_admin_login_is_limited_per_ip(basic):
    victims = UserFactory.create_batch(11, is_staff=True)
    client = Client()
    for victim in victims[:10]:
        admin_login(client, victim.username, WRONG)
    response = admin_login(client, victims[10].username, PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()


def test_the_current_password_on_the_change_form_counts(member_client, user, basic):
    url = reverse("account_change_password")
    data = {"oldpassword": WRONG, "password1": "a new passphrase 42", "password2": "x"}
    for _ in range(5):
        member_client.post(url, data)
    assert api_token(basic, user.username, PASSWORD).status_code == 429


def test_the_admins_own_password_change_counts(client, basic):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    data = {"old_password": WRONG, "new_password1": "x" * 20, "new_password2": "x" * 20}
    for _ in range(5):
        response = client.post(reverse("admin:password_change"), data)
        assert response.status_code == 200
    assert api_token(basic, staff.username, PASSWORD).status_code == 429
    response = client.post(reverse("admin:password_change"), data | {"old_password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()


def test_a_success_does_not_reset_the_count_of_failures(user, basic):
    for _ in range(4):
        api_token(basic, user.username, WRONG)
    assert api_token(basic, user.username, PASSWORD).status_code == 200
    assert api_token(basic, user.username, WRONG).status_code == 401
    assert api_token(basic, user.username, PASSWORD).status_code == 429
