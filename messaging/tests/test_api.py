"""The messaging API: conversations, messages, notifications."""

import pytest

from accounts.models import MessagesFrom
from accounts.tests.factories import UserFactory
from messaging.models import Message, Notification
from messaging.services.blocks import block_create
from messaging.tests.factories import send
from social.services import follow_create

pytestmark = pytest.mark.django_db


def test_send_and_read_a_conversation(api, user, other_user, api_client, get_token):
    response = api.call("post", f"/api/messages/{other_user.pk}", {"body": "  Hi Bob "})
    assert response.status_code == 201
    assert response["Location"] == f"/api/messages/{other_user.pk}"
    body = response.json()
    assert (body["sender"], body["recipient"], body["body"], body["read"]) == (
        user.pk, other_user.pk, "Hi Bob", None
    )  # fmt: skip
    bob = api_client(get_token(other_user.username))
    inbox = bob.call("get", "/api/messages").json()
    (line,) = inbox["items"]
    assert line["user"]["id"] == user.pk
    assert line["unread_count"] == 1
    assert line["last_message"]["body"] == "Hi Bob"
    assert line["_links"]["messages"] == f"/api/messages/{user.pk}"
    page = bob.call("get", f"/api/messages/{user.pk}").json()
    assert [m["body"] for m in page["items"]] == ["Hi Bob"]
    assert bob.call("get", "/api/messages").json()["items"][0]["unread_count"] == 0
    assert api.call("get", f"/api/messages/{other_user.pk}").json()["items"][0]["read"]


def test_conversations_page_by_cursor(api, user):
    others = [UserFactory() for _ in range(3)]
    for other in others:
        send(other, user, f"from {other.username}")
    first = api.call("get", "/api/messages?per_page=2").json()
    assert [c["user"]["id"] for c in first["items"]] == [others[2].pk, others[1].pk]
    second = api.call("get", first["_links"]["next_cursor"]).json()
    assert [c["user"]["id"] for c in second["items"]] == [others[0].pk]


@pytest.mark.parametrize(
    ("payload", "status"),
    [({"body": ""}, 400), ({"body": "x" * 141}, 400), ({}, 400), ({"body": None}, 400),
     ([], 400), ("not an object", 400)],
)  # fmt: skip
def test_bad_messages_are_400(api, other_user, payload, status):
    assert api.call("post", f"/api/messages/{other_user.pk}", payload).status_code == status
    assert not Message.objects.exists()


def test_malformed_json_is_400(api, other_user):
    response = api.client.post(
        f"/api/messages/{other_user.pk}", "{oops", content_type="application/json",
        **api.headers(),
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["error"] == "Bad Request"


def test_self_unknown_and_deactivated_recipients(api, user):
    assert api.call("post", f"/api/messages/{user.pk}", {"body": "me"}).status_code == 400
    assert api.call("post", "/api/messages/999999", {"body": "hi"}).status_code == 404
    gone = UserFactory(is_active=False)
    assert api.call("post", f"/api/messages/{gone.pk}", {"body": "hi"}).status_code == 404
    assert api.call("get", f"/api/messages/{gone.pk}").status_code == 404


def test_refusals_are_403_with_the_reason(api, user, other_user):
    other_user.messages_from = MessagesFrom.FOLLOWING
    other_user.save()
    response = api.call("post", f"/api/messages/{other_user.pk}", {"body": "hi"})
    assert response.status_code == 403
    assert "only accepts messages from people they follow" in response.json()["message"]
    follow_create(follower=other_user, followed=user)
    assert api.call("post", f"/api/messages/{other_user.pk}", {"body": "hi"}).status_code == 201
    block_create(blocker=other_user, blocked=user)
    response = api.call("post", f"/api/messages/{other_user.pk}", {"body": "again"})
    assert response.status_code == 403
    assert "does not accept messages from you" in response.json()["message"]


def test_nobody_reads_someone_elses_conversation(api, user, other_user):
    third = UserFactory()
    send(other_user, third, "private between them")
    page = api.call("get", f"/api/messages/{other_user.pk}").json()
    assert page["items"] == []  # only the caller's own messages with that member
    assert api.call("get", "/api/messages").json()["items"] == []
    assert Message.objects.get().read is None


def test_sending_is_throttled(api, settings, other_user):
    settings.MESSAGE_RATE = "1/minute"
    assert api.call("post", f"/api/messages/{other_user.pk}", {"body": "one"}).status_code == 201
    response = api.call("post", f"/api/messages/{other_user.pk}", {"body": "two"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_notifications_since_and_mark_read(api, user, other_user):
    follow_create(follower=other_user, followed=user)
    send(other_user, user)
    page = api.call("get", "/api/notifications").json()
    assert {n["name"] for n in page["items"]} == {"new_follower"}
    newest = page["items"][0]["timestamp"]
    assert api.call("get", f"/api/notifications?since={newest}").json()["items"] == []
    assert api.call("post", "/api/notifications/read").json() == {"marked": 1}
    assert not Notification.objects.filter(read__isnull=True).exists()


@pytest.mark.parametrize("since", ["soon", "nan", "1e999"])
def test_a_bad_since_is_400(api, since):
    response = api.call("get", f"/api/notifications?since={since}")
    assert response.status_code == 400
    assert "since" in response.json()["fields"]


def test_everything_needs_a_token(client, other_user):
    calls = [
        ("get", "/api/messages"),
        ("get", f"/api/messages/{other_user.pk}"),
        ("post", f"/api/messages/{other_user.pk}"),
        ("get", "/api/notifications"),
        ("post", "/api/notifications/read"),
    ]
    for method, path in calls:
        assert getattr(client, method)(path).status_code == 401


def test_a_head_request_marks_nothing_read(api, user, other_user):
    send(other_user, user, "unread")
    assert api.call("head", f"/api/messages/{other_user.pk}").status_code == 200
    assert Message.objects.get().read is None
