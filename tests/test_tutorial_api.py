"""The Flask Mega-Tutorial's API contract, driven end to end as its clients use it."""

import re
from datetime import datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.tests.factories import PASSWORD, UserFactory
from social.tests.factories import FollowFactory

pytestmark = pytest.mark.django_db


def test_the_tutorials_walkthrough(api_client, get_token):
    anonymous = api_client()
    # Register.
    created = anonymous.call(
        "post",
        "/api/users",
        {"username": "susan", "email": "susan@example.com", "password": PASSWORD},
    )
    assert created.status_code == 201
    susan = created.json()
    assert created["Location"] == f"/api/users/{susan['id']}"
    assert susan["username"] == "susan" and susan["post_count"] == 0
    # A token with HTTP Basic, then Bearer calls.
    token = get_token("susan")
    api = api_client(token)
    me = api.call("get", f"/api/users/{susan['id']}").json()
    assert me["email"] == "susan@example.com"
    assert set(me) == {
        "id", "username", "last_seen", "about_me", "post_count", "follower_count",
        "following_count", "_links", "email",
    }  # fmt: skip
    assert set(me["_links"]) == {"self", "followers", "following", "avatar"}
    assert me["_links"]["self"] == f"/api/users/{susan['id']}"
    # last_seen is ISO 8601 with an offset.
    assert datetime.fromisoformat(me["last_seen"]).utcoffset() == timedelta(0)
    assert me["last_seen"].endswith("+00:00")
    # Others do not see her e-mail.
    john = UserFactory(username="john")
    other = api_client(get_token("john")).call("get", f"/api/users/{susan['id']}").json()
    assert "email" not in other
    # Update yourself; someone else is 403.
    updated = api.call("put", f"/api/users/{susan['id']}", {"about_me": "Hello!"})
    assert updated.status_code == 200 and updated.json()["about_me"] == "Hello!"
    forbidden = api.call("put", f"/api/users/{john.pk}", {"about_me": "hacked"})
    assert forbidden.status_code == 403
    assert forbidden.json() == {
        "error": "Forbidden",
        "message": "You can only change your own account.",
    }
    # Followers and following.
    FollowFactory(follower=john, followed=User.objects.get(pk=susan["id"]))
    followers = api.call("get", f"/api/users/{susan['id']}/followers").json()
    assert [user["username"] for user in followers["items"]] == ["john"]
    following = api.call("get", f"/api/users/{john.pk}/following").json()
    assert [user["username"] for user in following["items"]] == ["susan"]
    # Revoke the token: 401 afterwards.
    assert api.call("delete", "/api/tokens").status_code == 204
    after = api.call("get", f"/api/users/{susan['id']}")
    assert after.status_code == 401
    assert after["WWW-Authenticate"] == 'Bearer realm="api"'
    assert after.json()["error"] == "Unauthorized"


def test_collections_page_like_the_tutorial(api_client, get_token):
    users = UserFactory.create_batch(25)
    api = api_client(get_token(users[0].username))
    first = api.call("get", "/api/users").json()
    assert first["_meta"] == {"page": 1, "per_page": 10, "total_pages": 3, "total_items": 25}
    assert first["_links"] == {
        "self": "/api/users?page=1&per_page=10",
        "next": "/api/users?page=2&per_page=10",
        "prev": None,
    }
    assert [u["id"] for u in first["items"]] == [u.pk for u in users[:10]]
    last = api.call("get", "/api/users?page=3&per_page=10").json()
    assert len(last["items"]) == 5 and last["_links"]["next"] is None
    assert last["_links"]["prev"] == "/api/users?page=2&per_page=10"
    beyond = api.call("get", "/api/users?page=9").json()
    assert beyond["items"] == [] and beyond["_meta"]["page"] == 9
    capped = api.call("get", "/api/users?per_page=1000").json()
    assert capped["_meta"]["per_page"] == 100


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Bearer nonsense"}, {"HTTP_AUTHORIZATION": "Bearer"}],
    ids=["missing", "unknown", "malformed"],
)
def test_bad_tokens_are_401_with_www_authenticate(headers):
    response = Client().get("/api/users", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["error"] == "Unauthorized"


def test_expired_token_is_401(api_client, get_token, user):
    token = get_token(user.username)
    ApiToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert api_client(token).call("get", "/api/users").status_code == 401


def test_tokens_are_stored_hashed_and_all_stay_valid(api_client, get_token, user):
    first, second = get_token(user.username), get_token(user.username)
    assert first != second
    stored = set(ApiToken.objects.values_list("key_hash", flat=True))
    assert first not in stored and second not in stored and len(stored) == 2
    assert api_client(first).call("get", "/api/users").status_code == 200
    assert api_client(second).call("get", "/api/users").status_code == 200


def test_token_by_email_and_wrong_password(basic, user):
    assert Client().post("/api/tokens", **basic(user.email, PASSWORD)).status_code == 200
    wrong = Client().post("/api/tokens", **basic(user.username, "wrong"))
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"].startswith("Basic")
    assert wrong.json()["error"] == "Unauthorized"


class TestErrors:
    @pytest.fixture
    def api(self, api_client, get_token, user):
        return api_client(get_token(user.username))

    def test_400_missing_fields_and_bad_values(self, api_client):
        response = api_client().call("post", "/api/users", {"username": "ann"})
        assert response.status_code == 400
        body = response.json()
        assert body["error"] == "Bad Request"
        assert set(body["fields"]) == {"email", "password"}
        assert "email" in body["message"]

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"username": "TAKEN"}, "username"),
            ({"email": "taken@example.com"}, "email"),
            ({"email": "not-an-email"}, "email"),
            ({"password": "123"}, "password"),
            ({"username": "admin"}, "username"),
        ],
    )
    def test_400_taken_or_invalid(self, api_client, data, field):
        UserFactory(username="taken", email="taken@example.com")
        payload = {"username": "ann", "email": "ann@example.com", "password": PASSWORD} | data
        response = api_client().call("post", "/api/users", payload)
        assert response.status_code == 400
        assert field in response.json()["fields"]

    def test_400_malformed_json(self, api):
        response = api.client.post(
            "/api/posts", "{not json", content_type="application/json", **api.headers()
        )
        assert response.status_code == 400
        assert response.json()["error"] == "Bad Request"

    def test_400_absurdly_nested_json(self, api):
        nested = "[" * 100_000 + "]" * 100_000
        for path in ("/api/users", "/api/posts"):
            response = api.client.post(
                path, nested, content_type="application/json", **api.headers()
            )
            assert response.status_code == 400
            assert response.json()["error"] == "Bad Request"

    def test_404_unknown_id_and_unknown_endpoint(self, api):
        assert api.call("get", "/api/users/999999").json() == {
            "error": "Not Found",
            "message": "No User matches the given query.",
        }
        for path in ["/api/nothing/here", "/api/users/%0A/follow"]:
            unknown = api.call("delete", path)
            assert unknown.status_code == 404 and unknown.json()["error"] == "Not Found"

    def test_405(self, api):
        response = api.call("patch", "/api/tokens")
        assert response.status_code == 405
        assert response.json()["error"] == "Method Not Allowed"

    def test_415(self, api):
        response = api.client.post(
            "/api/posts",
            "body=hi",
            content_type="application/x-www-form-urlencoded",
            **api.headers(),
        )
        assert response.status_code == 415
        assert response.json()["error"] == "Unsupported Media Type"

    def test_429_with_retry_after(self, basic, user, settings):
        settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
            "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
            | {"tokens": "2/minute"}
        }
        codes = [
            Client().post("/api/tokens", **basic(user.username, PASSWORD)).status_code
            for _ in range(3)
        ]
        response = Client().post("/api/tokens", **basic(user.username, PASSWORD))
        assert codes == [200, 200, 429]
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert response.json()["error"] == "Too Many Requests"


def test_error_messages_follow_accept_language(api_client, get_token, user):
    api = api_client(get_token(user.username))
    response = api.call("get", "/api/explore?page=abc", HTTP_ACCEPT_LANGUAGE="es")
    assert response.json()["message"] == "page: Se esperaba un número entero."
    assert response.json()["error"] == "Bad Request"  # the HTTP reason phrase stays as is


def test_put_changes_username_and_asks_to_confirm_a_new_email(api_client, get_token, user):
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    old_email = user.email
    api = api_client(get_token(user.username))
    change = {"username": "renamed", "email": "new@example.com", "password": PASSWORD}
    response = api.call("put", f"/api/users/{user.pk}", change)
    assert response.status_code == 200
    assert (response.json()["username"], response.json()["email"]) == ("renamed", old_email)
    [confirmation] = mail.outbox
    assert confirmation.to == ["new@example.com"]
    addresses = dict(EmailAddress.objects.filter(user=user).values_list("email", "verified"))
    assert addresses == {old_email: True, "new@example.com": False}
    # Following the link makes it the member's only address; the old one is told.
    link = re.search(r"https?://testserver(\S+/confirm-email/\S+)", confirmation.body)[1]
    Client().post(link)
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert [m.to for m in mail.outbox[1:]] == [[old_email]]
    taken = UserFactory(username="taken")
    clash = api.call(
        "put",
        f"/api/users/{user.pk}",
        {"username": "TAKEN", "email": taken.email, "password": PASSWORD},
    )
    assert clash.status_code == 400 and set(clash.json()["fields"]) == {"username", "email"}
