"""The messaging pages as members use them: inbox, conversation, blocks, reports, settings."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import MessagesFrom
from accounts.tests.factories import UserFactory
from messaging.models import Block, Message, Notification, Report
from messaging.services.blocks import block_create
from messaging.services.notifications import notification_create
from messaging.tests.factories import send
from social.models import Follow
from social.services import follow_create

pytestmark = pytest.mark.django_db


def conversation_url(user) -> str:
    return reverse("conversation", args=[user.username])


def test_pages_need_a_member(client, user):
    for url in (reverse("inbox"), conversation_url(user), reverse("notifications"),
                reverse("messaging_settings")):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_sending_from_the_conversation_page(member_client, user, other_user):
    response = member_client.post(conversation_url(other_user), {"body": "Hi <b>Bob</b>"})
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{conversation_url(other_user)}#message-{message.pk}"
    page = member_client.get(conversation_url(other_user)).content.decode()
    assert "Hi &lt;b&gt;Bob&lt;/b&gt;" in page
    assert "<b>Bob" not in page


def test_a_bad_message_keeps_what_was_typed(member_client, other_user):
    response = member_client.post(conversation_url(other_user), {"body": "x" * 141})
    assert response.status_code == 200
    assert "A message has at most 140 characters" in response.content.decode()
    assert "x" * 141 in response.content.decode()
    response = member_client.post(conversation_url(other_user), {"body": "\u200b "})
    assert "cannot be empty" in response.content.decode()
    assert not Message.objects.exists()


def test_the_conversation_shows_oldest_first_and_marks_read(member_client, user, other_user):
    send(other_user, user, "alpha")
    send(user, other_user, "bravo")
    send(other_user, user, "charlie")
    assert member_client.get(reverse("explore")).context["unread_counts"].messages == 2
    page = member_client.get(conversation_url(other_user)).content.decode()
    assert page.index("alpha") < page.index("bravo") < page.index("charlie")
    assert not Message.objects.filter(recipient=user, read__isnull=True).exists()
    response = member_client.get(reverse("explore"))
    assert response.context["unread_counts"].messages == 0


def test_a_head_request_marks_nothing_read(member_client, user, other_user):
    send(other_user, user, "unread")
    assert member_client.head(conversation_url(other_user)).status_code == 200
    assert Message.objects.get().read is None


def test_long_conversations_are_paged(member_client, settings, user, other_user):
    settings.MESSAGES_PER_PAGE = 3
    for i in range(7):
        send(other_user if i % 2 else user, other_user if i % 2 == 0 else user, f"message {i}")
    page = member_client.get(conversation_url(other_user))
    assert [m.body for m in page.context["items"]] == ["message 4", "message 5", "message 6"]
    older = member_client.get(conversation_url(other_user), {"before": page.context["page"].older})
    assert [m.body for m in older.context["items"]] == ["message 1", "message 2", "message 3"]


def test_unknown_and_deactivated_members_are_404(member_client):
    assert member_client.get("/messages/nobody-here/").status_code == 404
    gone = UserFactory(is_active=False)
    assert member_client.get(conversation_url(gone)).status_code == 404
    assert member_client.post(conversation_url(gone), {"body": "hi"}).status_code == 404


def test_writing_to_oneself_goes_back_to_the_inbox(member_client, user):
    response = member_client.get(conversation_url(user))
    assert response.status_code == 302 and response["Location"] == reverse("inbox")


def test_the_tutorial_address_leads_to_the_conversation(member_client, other_user):
    response = member_client.get(f"/send_message/{other_user.username}")
    assert response["Location"] == conversation_url(other_user)


def test_a_refusal_is_explained_not_a_404(member_client, user, other_user):
    other_user.messages_from = MessagesFrom.NOBODY
    other_user.save()
    page = member_client.get(conversation_url(other_user)).content.decode()
    assert "does not accept private messages" in page
    assert 'name="body"' not in page
    response = member_client.post(conversation_url(other_user), {"body": "let me in"})
    assert response.status_code == 403
    assert "does not accept private messages" in response.content.decode()


def test_the_inbox_lists_conversations_with_unread_counts(member_client, user, other_user):
    send(other_user, user, "one")
    send(other_user, user, "two <script>")
    page = member_client.get(reverse("inbox"))
    (line,) = page.context["page"].items
    assert (line.other, line.unread_count) == (other_user, 2)
    assert "two &lt;script&gt;" in page.content.decode()


def test_an_empty_inbox_says_how_to_start(member_client):
    assert "No messages yet." in member_client.get(reverse("inbox")).content.decode()


def test_block_asks_first_then_blocks(member_client, user, other_user):
    follow_create(follower=other_user, followed=user)
    page = member_client.get(reverse("block", args=[other_user.username]))
    assert "They can no longer send you private messages." in page.content.decode()
    assert not Block.objects.exists()
    response = member_client.post(reverse("block", args=[other_user.username]))
    assert response["Location"] == reverse("messaging_settings")
    assert Block.objects.filter(blocker=user, blocked=other_user).exists()
    assert not Follow.objects.exists()
    settings_page = member_client.get(reverse("messaging_settings")).content.decode()
    assert other_user.username in settings_page
    member_client.post(reverse("unblock", args=[other_user.username]))
    assert not Block.objects.exists()


def test_block_goes_back_only_to_this_site(member_client, other_user):
    url = reverse("block", args=[other_user.username])
    response = member_client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("messaging_settings")
    response = member_client.post(url, {"next": conversation_url(other_user)})
    assert response["Location"] == conversation_url(other_user)


def test_a_blocked_member_cannot_write_or_follow(client, user, other_user):
    block_create(blocker=user, blocked=other_user)
    client.force_login(other_user)
    response = client.post(conversation_url(user), {"body": "hello?"})
    assert response.status_code == 403
    assert "does not accept messages from you" in response.content.decode()
    response = client.post(reverse("follow", args=[user.username]), follow=True)
    assert "You cannot follow" in response.content.decode()
    assert not Follow.objects.exists()


def test_report_a_conversation(member_client, user, other_user):
    send(other_user, user, "buy my stuff")
    url = reverse("report", args=[other_user.username])
    assert "latest 50 messages" in member_client.get(url).content.decode()
    response = member_client.post(url, {"reason": "Spam"})
    assert response["Location"] == conversation_url(other_user)
    report = Report.objects.get()
    assert (report.reporter, report.reported, report.reason) == (user, other_user, "Spam")


def test_report_with_nothing_to_report_is_explained(member_client, other_user):
    response = member_client.post(reverse("report", args=[other_user.username]), {"reason": ""})
    assert response.status_code == 200
    assert "There is nothing to report" in response.content.decode()


def test_message_settings(member_client, user):
    response = member_client.post(
        reverse("messaging_settings"), {"messages_from": "following", "message_emails": ""}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.messages_from, user.message_emails) == ("following", False)
    response = member_client.post(reverse("messaging_settings"), {"messages_from": "aliens"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.messages_from == "following"


def test_notifications_page_and_mark_all_read(member_client, user, other_user):
    follow_create(follower=other_user, followed=user)
    page = member_client.get(reverse("notifications"))
    assert "started following you" in page.content.decode()
    assert page.context["unread_counts"].notifications == 1
    response = member_client.post(reverse("notifications_read"))
    assert response["Location"] == reverse("notifications")
    assert not Notification.objects.filter(read__isnull=True).exists()
    page = member_client.get(reverse("notifications"))
    assert page.context["unread_counts"].notifications == 0


def test_the_polling_answer_is_the_tutorials(member_client, user, other_user):
    before = timezone.now().timestamp() - 1
    send(other_user, user, "hi")
    notification_create(recipient=user, kind="new_follower", key="f:1", actor=other_user,
                        data={"follower": other_user.username})  # fmt: skip
    response = member_client.get(
        reverse("notifications"), {"since": before}, HTTP_ACCEPT="application/json"
    )
    assert response["Content-Type"] == "application/json"
    assert "Accept" in response["Vary"]
    items = json.loads(response.content)
    assert {"name", "data", "timestamp"} == set(items[0])
    by_name = {item["name"]: item["data"] for item in items}
    assert by_name["unread_message_count"] == 1
    assert by_name["unread_notification_count"] == 1
    assert by_name["new_follower"] == {"follower": other_user.username}
    later = max(item["timestamp"] for item in items)
    again = member_client.get(
        reverse("notifications"), {"since": later}, HTTP_ACCEPT="application/json"
    ).json()
    assert [item["name"] for item in again] == ["unread_message_count", "unread_notification_count"]


@pytest.mark.parametrize("since", ["yesterday", "nan", "1e400", "-1e20"])
def test_a_bad_since_is_a_400(member_client, since):
    response = member_client.get(
        reverse("notifications"), {"since": since}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "Bad Request"


def test_polling_needs_a_member(client):
    response = client.get(reverse("notifications"), HTTP_ACCEPT="application/json")
    assert response.status_code == 302


def test_badges_show_99_plus(member_client, user, other_user):
    Message.objects.bulk_create(
        Message(sender=other_user, recipient=user, body=f"m{i}") for i in range(150)
    )
    page = member_client.get(reverse("explore")).content.decode()
    assert 'data-unread="messages">99+' in page


def test_profiles_offer_to_write_but_not_ones_own(member_client, user, other_user):
    own = member_client.get(user.get_absolute_url()).content.decode()
    assert "Send a private message" not in own
    other = member_client.get(other_user.get_absolute_url()).content.decode()
    assert conversation_url(other_user) in other
    assert reverse("block", args=[other_user.username]) in other


def test_spanish(member_client, user, other_user):
    user.language = "es"
    user.save()
    send(other_user, user, "hola")
    page = member_client.get(reverse("inbox")).content.decode()
    assert "Mensajes" in page


def test_a_rate_limited_message_keeps_its_text(member_client, settings, other_user):
    settings.MESSAGE_RATE = "1/minute"
    member_client.post(conversation_url(other_user), {"body": "first"})
    response = member_client.post(conversation_url(other_user), {"body": "second words"})
    assert response.status_code == 429
    assert "You are doing that too often" in response.content.decode()
    assert "second words" in response.content.decode()
    assert Message.objects.count() == 1


def test_a_message_to_a_differently_cased_address_is_sent(member_client, other_user):
    url = reverse("conversation", args=[other_user.username.upper()])
    response = member_client.post(url, {"body": "still sent"})
    assert response.status_code == 302
    assert Message.objects.get().recipient == other_user


def test_report_reasons_are_cleaned(member_client, user, other_user):
    send(other_user, user, "spam")
    url = reverse("report", args=[other_user.username])
    member_client.post(url, {"reason": "  \x1b[2J\x07bad\u202e  "})
    assert Report.objects.get().reason == "[2Jbad\u202e"  # controls go, marks stay


def test_cached_rows_follow_what_they_show(client, user, other_user):
    send(user, other_user, "are you there?")
    client.force_login(other_user)
    row_badge = "badge rounded-pill text-bg-primary"
    assert row_badge in client.get(reverse("inbox")).content.decode()
    client.get(conversation_url(user))  # reads it
    assert row_badge not in client.get(reverse("inbox")).content.decode()
    client.force_login(user)
    page = client.get(conversation_url(other_user)).content.decode()
    assert "· Read" in " ".join(page.split())
    user.language = "es"
    user.save()
    assert "Leído" in client.get(conversation_url(other_user)).content.decode()


def test_polling_refreshes_the_counts_pages_show(member_client, user, other_user):
    send(other_user, user, "hi")
    assert member_client.get(reverse("explore")).context["unread_counts"].messages == 1
    other_user.is_active = False  # no messaging write forgets the cached counts
    other_user.save()
    member_client.get(reverse("notifications"), HTTP_ACCEPT="application/json")
    assert member_client.get(reverse("explore")).context["unread_counts"].messages == 0


@pytest.mark.parametrize(
    "query",
    ["?before=garbage", "?after=99999999999999999999999-1", "?before=1-0", "?after=-5-x"],
)
def test_bad_cursors_show_a_page(member_client, user, other_user, query):
    send(other_user, user, "hello")
    for url in (reverse("inbox"), conversation_url(other_user), reverse("notifications")):
        assert member_client.get(url + query).status_code == 200


def test_unknown_members_are_404_everywhere(member_client):
    for name in ("block", "unblock", "report", "conversation"):
        assert member_client.post(reverse(name, args=["nobody-at-all"])).status_code == 404


def test_a_too_long_report_reason_is_a_form_error(member_client, user, other_user):
    send(other_user, user, "spam")
    response = member_client.post(
        reverse("report", args=[other_user.username]), {"reason": "x" * 501}
    )
    assert response.status_code == 200
    assert "at most 500 characters" in response.content.decode()
    assert not Report.objects.exists()
