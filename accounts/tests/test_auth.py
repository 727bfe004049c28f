"""Sign up, log in, log out, reset and change passwords (allauth, configured for Microblog)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a much better passphrase 42"


def signup(client, **overrides):
    data = {
        "username": "susan",
        "email": "susan@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    } | overrides
    return client.post(reverse("account_signup"), data)


class TestSignup:
    def test_signup_logs_in_and_lands_home(self, client):
        response = signup(client)
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
        user = User.objects.get(username="susan")
        assert user.check_password(NEW_PASSWORD)
        assert client.get(reverse("home")).status_code == 200

    def test_signup_form_is_styled_in_the_site_layout(self, client):
        content = client.get(reverse("account_signup")).content.decode()
        assert 'class="navbar' in content
        assert re.search(r'<input[^>]+name="username"[^>]+form-control', content)
        assert 'name="password2"' in content

    @pytest.mark.parametrize("taken", ["susan", "SUSAN", "Susan"])
    def test_duplicate_username_whatever_the_case(self, client, taken):
        UserFactory(username="susan")
        response = signup(client, username=taken, email="other@example.com")
        assert response.status_code == 200
        assert "already" in response.content.decode()
        assert User.objects.count() == 1

    def test_duplicate_email(self, client):
        UserFactory(email="susan@example.com")
        response = signup(client)
        assert response.status_code == 200
        assert "already registered" in response.content.decode()

    @pytest.mark.parametrize(
        ("username", "message"),
        [("admin", "is reserved"), ("Static", "is reserved"), ("su san", "Use only letters")],
    )
    def test_reserved_and_malformed_usernames(self, client, username, message):
        response = signup(client, username=username)
        assert message in response.content.decode()
        assert not User.objects.exists()

    def test_passwords_must_match(self, client):
        response = signup(client, password2="something else 123")
        assert response.status_code == 200
        assert not User.objects.exists()


class TestLogin:
    @pytest.mark.parametrize("login", ["susan", "SUSAN", "susan@example.com"])
    def test_login_by_username_or_email(self, client, login):
        UserFactory(username="susan", email="susan@example.com")
        response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
        assert response.status_code == 302
        assert client.get(reverse("home")).status_code == 200

    def test_wrong_password(self, client, user):
        response = client.post(
            reverse("account_login"), {"login": user.username, "password": "wrong"}
        )
        assert response.status_code == 200
        assert "not correct" in response.content.decode()
        assert client.get(reverse("home")).status_code == 302

    def test_remember_me_keeps_the_session_after_the_browser_closes(self, client, user):
        data = {"login": user.username, "password": PASSWORD}
        client.post(reverse("account_login"), data)
        assert client.session.get_expire_at_browser_close()
        other = Client()
        other.post(reverse("account_login"), data | {"remember": "on"})
        assert not other.session.get_expire_at_browser_close()

    def test_logout_needs_post(self, member_client):
        page = member_client.get(reverse("account_logout"))
        assert page.status_code == 200  # a confirmation page, still logged in
        assert member_client.get(reverse("home")).status_code == 200
        member_client.post(reverse("account_logout"))
        assert member_client.get(reverse("home")).status_code == 302


class TestPasswords:
    def test_reset_by_emailed_one_time_link(self, client, user, api_client, get_token):
        token = get_token(user.username)
        client.post(reverse("account_reset_password"), {"email": user.email})
        assert len(mail.outbox) == 1
        [link] = re.findall(r"https?://\S+/password/reset/key/\S+", mail.outbox[0].body)
        path = link.split("testserver", 1)[1]
        form = client.get(path, follow=True)
        form_path = form.redirect_chain[-1][0] if form.redirect_chain else path
        data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        assert client.post(form_path, data).status_code == 302
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        # Tokens got with the old password die with it.
        assert api_client(token).call("get", "/api/users").status_code == 401
        # The link works only once.
        assert "token" in client.get(path, follow=True).content.decode().lower()
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)

    def test_reset_for_an_unknown_email_sends_no_reset_link(self, client):
        response = client.post(reverse("account_reset_password"), {"email": "no@example.com"})
        assert response.status_code == 302  # no hint whether the address exists
        assert all("/password/reset/key/" not in m.body for m in mail.outbox)

    def test_change_password(self, member_client, user, api_client, get_token):
        tokens = [get_token(user.username), get_token(user.username)]
        response = member_client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        for token in tokens:
            assert api_client(token).call("get", "/api/users").status_code == 401
        assert get_token(user.username, NEW_PASSWORD)

    def test_any_new_password_revokes_the_api_tokens(self, user, api_client, get_token):
        token = get_token(user.username)
        user.set_password(NEW_PASSWORD)  # manage.py changepassword, the admin, a shell
        user.save()
        assert api_client(token).call("get", "/api/users").status_code == 401

    def test_change_password_with_wrong_old_password(self, member_client, user):
        response = member_client.post(
            reverse("account_change_password"),
            {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 200
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_changing_the_email_waits_for_its_confirmation(self, member_client, user):
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        old_email = user.email
        assert "Change Email" in member_client.get(reverse("account_email")).content.decode()
        change = {"action_add": "", "email": "new@example.com"}
        asked = member_client.post(reverse("account_email"), change)
        assert asked.status_code == 302 and "reauthenticate" in asked["Location"]
        assert mail.outbox == []  # a borrowed session is not enough
        member_client.post(asked["Location"], {"password": PASSWORD})
        member_client.post(reverse("account_email"), change)
        user.refresh_from_db()
        assert user.email == old_email  # until the link sent to the new address is followed
        page = member_client.get(reverse("account_email")).content.decode()
        assert "new@example.com" in page and "pending verification" in page
        assert [message.to for message in mail.outbox] == [["new@example.com"]]
