"""Messages, blocks, notifications and reports through their services."""

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import MessagesFrom
from accounts.tests.factories import UserFactory
from core.ratelimit import RateLimited
from messaging.models import Block, Conversation, Message, Notification, Report
from messaging.selectors import (
    cached_unread_counts,
    conversation_messages,
    inbox_conversations,
    notifications_for,
    unread_by_sender,
    unread_counts,
    unread_counts_keys,
)
from messaging.services.blocks import block_create, block_delete
from messaging.services.messages import (
    MessageRefused,
    message_send,
    messages_bulk_create,
    messages_mark_read,
)
from messaging.services.notifications import notification_create, notifications_mark_read
from messaging.services.reports import report_create
from messaging.tests.factories import send
from social.models import Follow
from social.services import follow_create

pytestmark = pytest.mark.django_db


def test_a_message_reaches_both_inboxes_and_the_recipients_badge(user, other_user):
    message = message_send(sender=user, recipient=other_user, body="  Hi Bob  \r\n")
    assert message.body == "Hi Bob"
    for owner, other in ((user, other_user), (other_user, user)):
        (line,) = inbox_conversations(user=owner)
        assert (line.other, line.last_message) == (other, message)
    assert unread_counts(user=other_user).messages == 1
    assert unread_counts(user=user).messages == 0
    (notification,) = notifications_for(user=other_user)
    assert notification.kind == Notification.Kind.MESSAGE
    assert notification.actor == user


@pytest.mark.parametrize("body", ["", "   ", "\u200b\u3164", "x" * 141])
def test_bad_bodies_are_refused_and_nothing_is_saved(user, other_user, body):
    with pytest.raises(ValidationError):
        message_send(sender=user, recipient=other_user, body=body)
    assert not Message.objects.exists()
    assert not Conversation.objects.exists()


def test_nobody_writes_to_themself(user):
    with pytest.raises(ValidationError):
        message_send(sender=user, recipient=user, body="me")


def test_a_double_click_sends_one_message(user, other_user):
    first = message_send(sender=user, recipient=other_user, body="Once")
    second = message_send(sender=user, recipient=other_user, body="Once")
    assert first == second
    assert Message.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sends_of_one_body_make_one_message(user, other_user):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time: nothing to race")
    results, barrier = [], threading.Barrier(2)

    def send_once():
        barrier.wait()
        try:
            results.append(message_send(sender=user, recipient=other_user, body="Race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results[0].pk == results[1].pk
    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 2


def test_sending_is_rate_limited(settings, user, other_user):
    settings.MESSAGE_RATE = "2/minute"
    message_send(sender=user, recipient=other_user, body="one")
    message_send(sender=user, recipient=other_user, body="two")
    with pytest.raises(RateLimited):
        message_send(sender=user, recipient=other_user, body="three")


def test_the_inbox_puts_the_latest_activity_first(user):
    first, second = UserFactory(), UserFactory()
    message_send(sender=user, recipient=first, body="to first")
    message_send(sender=second, recipient=user, body="from second")
    message_send(sender=first, recipient=user, body="first answers")
    assert [c.other for c in inbox_conversations(user=user)] == [first, second]
    assert unread_by_sender(user=user, senders=[first.pk, second.pk]) == {first.pk: 1, second.pk: 1}


def test_a_conversation_holds_both_directions_only(user, other_user):
    third = UserFactory()
    mine = send(user, other_user, "mine")
    theirs = send(other_user, user, "theirs")
    send(user, third, "elsewhere")
    assert list(conversation_messages(user=user, other=other_user)) == [theirs, mine]
    assert list(conversation_messages(user=other_user, other=user)) == [theirs, mine]


def test_reading_marks_only_messages_to_the_reader_once(user, other_user):
    mine = send(user, other_user, "mine")
    theirs = send(other_user, user, "theirs")
    notification_create(
        recipient=user, kind="new_message", key=f"message:{theirs.pk}", actor=other_user
    )
    page = list(conversation_messages(user=user, other=other_user))
    assert messages_mark_read(reader=user, messages=page) == 1
    assert messages_mark_read(reader=user, messages=page) == 0  # a second tab
    mine.refresh_from_db()
    assert mine.read is None  # only its recipient reads it
    assert unread_counts(user=user).notifications == 0


def test_who_may_write_nobody_and_the_answer_exception(user, other_user):
    other_user.messages_from = MessagesFrom.NOBODY
    other_user.save()
    with pytest.raises(MessageRefused, match="does not accept private messages"):
        message_send(sender=user, recipient=other_user, body="hello?")
    # Someone they wrote to first may answer.
    message_send(sender=other_user, recipient=user, body="I write first")
    message_send(sender=user, recipient=other_user, body="I answer")


def test_who_may_write_people_they_follow(user, other_user):
    other_user.messages_from = MessagesFrom.FOLLOWING
    other_user.save()
    with pytest.raises(MessageRefused, match="only accepts messages from people they follow"):
        message_send(sender=user, recipient=other_user, body="hello?")
    follow_create(follower=other_user, followed=user)
    message_send(sender=user, recipient=other_user, body="hello!")


def test_a_block_stops_messages_both_ways_and_follows(user, other_user):
    follow_create(follower=user, followed=other_user)
    follow_create(follower=other_user, followed=user)
    send(other_user, user, "hi")
    block_create(blocker=user, blocked=other_user)
    assert not Follow.objects.exists()
    user.refresh_from_db()
    assert (user.follower_count, user.following_count) == (0, 0)
    with pytest.raises(MessageRefused, match="does not accept messages from you"):
        message_send(sender=other_user, recipient=user, body="let me in")
    with pytest.raises(MessageRefused, match="Unblock them"):
        message_send(sender=user, recipient=other_user, body="wait")
    with pytest.raises(Exception, match="cannot follow"):
        follow_create(follower=other_user, followed=user)
    # They disappear from the blocker's inbox, badge and notifications.
    assert not inbox_conversations(user=user).exists()
    assert unread_counts(user=user).messages == 0
    assert block_create(blocker=user, blocked=other_user) == Block.objects.get()  # idempotent
    block_delete(blocker=user, blocked=other_user)
    assert [c.other for c in inbox_conversations(user=user)] == [other_user]
    message_send(sender=other_user, recipient=user, body="friends again")


def test_nobody_blocks_themself(user):
    with pytest.raises(ValidationError):
        block_create(blocker=user, blocked=user)


def test_deactivated_members_disappear_from_inboxes_and_counts(user, other_user):
    send(other_user, user, "hi")
    other_user.is_active = False
    other_user.save()
    assert not inbox_conversations(user=user).exists()
    assert unread_counts(user=user).messages == 0


def test_notifications_are_idempotent_per_event(user, other_user):
    first = notification_create(
        recipient=user, kind="new_follower", key="follow:1", actor=other_user
    )
    again = notification_create(
        recipient=user, kind="new_follower", key="follow:1", actor=other_user
    )
    assert first == again
    assert Notification.objects.count() == 1


def test_a_new_follower_is_notified_once(user, other_user):
    follow_create(follower=other_user, followed=user)
    follow_create(follower=other_user, followed=user)
    (notification,) = notifications_for(user=user)
    assert (notification.kind, notification.actor) == ("new_follower", other_user)


def test_mark_all_notifications_read(user, other_user):
    follow_create(follower=other_user, followed=user)
    send(other_user, user)
    notification_create(recipient=user, kind="job_finished", key="job:1")
    assert unread_counts(user=user).notifications == 2
    assert notifications_mark_read(user=user) == 2
    assert unread_counts(user=user).notifications == 0


def test_counts_are_capped(user, other_user):
    Message.objects.bulk_create(
        Message(sender=other_user, recipient=user, body=f"m{i}") for i in range(120)
    )
    assert unread_counts(user=user).messages == 100


def test_cached_counts_are_forgotten_when_they_change(
    user, other_user, django_capture_on_commit_callbacks
):
    assert cached_unread_counts(user=user).messages == 0
    with CaptureQueriesContext(connection) as queries:
        cached_unread_counts(user=user)
    assert len(queries) == 0
    with django_capture_on_commit_callbacks(execute=True):
        message_send(sender=other_user, recipient=user, body="new")
    assert cached_unread_counts(user=user).messages == 1
    with django_capture_on_commit_callbacks(execute=True):
        messages_mark_read(reader=user, messages=Message.objects.all())
    assert cached_unread_counts(user=user).messages == 0


def test_a_report_keeps_the_latest_messages_of_the_conversation(user, other_user):
    for i in range(3):
        send(other_user, user, f"spam {i}")
    send(user, UserFactory(), "not part of it")
    report = report_create(reporter=user, reported=other_user, reason="Spam")
    assert [m["body"] for m in report.evidence] == ["spam 0", "spam 1", "spam 2"]  # oldest first
    assert {m["sender"] for m in report.evidence} == {other_user.username}
    assert (report.reporter_name, report.reported_name) == (user.username, other_user.username)


def test_a_report_outlives_the_accounts_it_names(user, other_user, admin_client):
    send(other_user, user, "evidence <b>kept</b>")
    report = report_create(reporter=user, reported=other_user, reason="Abuse")
    other_user.delete()
    report.refresh_from_db()
    assert report.reported is None and report.reported_name == other_user.username
    assert report.evidence[0]["body"] == "evidence <b>kept</b>"
    page = admin_client.get(f"/admin/messaging/report/{report.pk}/change/").content.decode()
    assert "evidence &lt;b&gt;kept&lt;/b&gt;" in page and other_user.username in page


def test_reports_need_a_conversation_and_a_short_reason(user, other_user, settings):
    with pytest.raises(ValidationError, match="nothing to report"):
        report_create(reporter=user, reported=other_user)
    send(other_user, user)
    with pytest.raises(ValidationError):
        report_create(reporter=user, reported=other_user, reason="x" * 501)
    settings.REPORT_RATE = "1/hour"
    report_create(reporter=user, reported=other_user)
    with pytest.raises(RateLimited):
        report_create(reporter=user, reported=other_user)
    assert Report.objects.count() == 1


def test_bulk_messages_leave_each_inbox_on_its_latest(user, other_user):
    send(user, other_user, "now")
    soon, yesterday = timezone.now() + timedelta(minutes=1), timezone.now() - timedelta(days=1)
    new = Message(sender=other_user, recipient=user, body="new", created=soon)
    old = Message(sender=user, recipient=other_user, body="old", created=yesterday)
    messages_bulk_create(messages=[new, old])
    for owner in (user, other_user):
        assert inbox_conversations(user=owner).get().last_message == new


def test_counts_read_before_a_write_and_stored_after_it_are_not_used(user, other_user):
    send(other_user, user, "unread")
    stale = unread_counts(user=user)  # a poll counts...
    messages_mark_read(reader=user, messages=Message.objects.all())  # ...another tab reads...
    _version_key, counts_key = unread_counts_keys(user.pk)
    cache.set(counts_key, (0, stale.messages, stale.notifications))  # ...the poll stores
    assert cached_unread_counts(user=user).messages == 0
