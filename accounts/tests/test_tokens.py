"""API tokens: the settings page where members see and revoke them, and when they work."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken, User
from accounts.services import users_active_set
from accounts.tests.factories import PASSWORD
from accounts.tokens import token_issue

pytestmark = pytest.mark.django_db


def test_members_see_their_active_tokens_only(member_client, user, other_user):
    token_issue(user=user)
    token_issue(user=other_user)
    content = member_client.get(reverse("token_list")).content.decode()
    assert content.count(">Revoke<") == 1
    assert "Never" in content  # not used yet


def test_revoke_after_confirmation(api_client, member_client, user):
    raw, token = token_issue(user=user)
    url = reverse("token_revoke", args=[token.pk])
    assert "Revoke this token?" in member_client.get(url).content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()
    response = member_client.post(url, follow=True)
    assert "The token was revoked." in response.content.decode()
    assert api_client(raw).call("get", "/api/users").status_code == 401


def test_nobody_revokes_someone_elses_token(member_client, other_user):
    _raw, token = token_issue(user=other_user)
    assert member_client.post(reverse("token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_empty_state(member_client):
    assert (
        "You have no active API tokens."
        in member_client.get(reverse("token_list")).content.decode()
    )


def test_api_docs_work_offline(client):
    page = client.get("/api/docs").content.decode()
    assert "swagger-ui" in page and "cdn" not in page.lower()
    schema = client.get("/api/schema?format=json").json()
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_a_token_stops_working_with_its_deactivated_owner(api, user):
    assert api.call("get", f"/api/users/{user.pk}").status_code == 200
    users_active_set(users=User.objects.filter(pk=user.pk), active=False)
    assert api.call("get", f"/api/users/{user.pk}").status_code == 401
    users_active_set(users=User.objects.filter(pk=user.pk), active=True)
    assert api.call("get", f"/api/users/{user.pk}").status_code == 200


def test_a_deactivated_member_gets_no_new_token(client, basic, user):
    users_active_set(users=User.objects.filter(pk=user.pk), active=False)
    response = client.post("/api/tokens", **basic(user.username, PASSWORD))
    assert response.status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()
