"""Messages and badges seen live on the member's own pages: a message reaches both sides of
an open conversation and the recipient's badges; reading clears them in every tab."""

import re

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.tests.cable import cable_open, in_thread, pushed, session_of, subscribe
from messaging.services.messages import message_send
from messaging.services.notifications import notifications_mark_read
from messaging.tests.factories import send


def badge(html: str, kind: str) -> str | None:
    """The count a pushed badge shows, or None when it is hidden."""
    found = re.search(
        rf'targets="\.unread-badge\[data-unread={kind}\]"><template><span [^>]*data-unread="{kind}"'
        r"( hidden)?>([^<]*)<",
        html,
    )
    assert found, html
    return None if found[1] else found[2]


def member_socket(user):
    """An open socket of `user` on their own stream (its client, to act as them)."""
    client, key = session_of(user)

    async def open_it():
        cable = await cable_open(session_key=key)
        assert await subscribe(cable, "member") == "confirm_subscription"
        return cable

    return client, open_it


@pytest.mark.django_db(transaction=True)
def test_a_message_reaches_both_sides_and_the_recipients_badges():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob", language="es")
    _alice_client, open_alice = member_socket(alice)
    _bob_client, open_bob = member_socket(bob)

    async def run():
        at_alice, at_bob = await open_alice(), await open_bob()
        message = await in_thread(message_send, sender=alice, recipient=bob, body="Hi <Bob>")
        to_bob = [await pushed(at_bob), await pushed(at_bob)]
        badges = next(html for html in to_bob if "unread-badge" in html)
        bubble = next(html for html in to_bob if "message-" in html)
        assert badge(badges, "messages") == "1" and badge(badges, "any") == "1"
        assert badge(badges, "notifications") is None  # a message is not a bell notification
        assert "mensajes sin leer" in badges  # in Bob's language
        assert f'target="messages-with-{alice.pk}"' in bubble
        assert f'id="message-{message.pk}"' in bubble and "message-theirs" in bubble
        assert "Hi &lt;Bob&gt;" in bubble and "csrfmiddlewaretoken" not in bubble
        to_alice = await pushed(at_alice)
        assert f'target="messages-with-{bob.pk}"' in to_alice and "message-mine" in to_alice
        assert await pushed(at_alice, timeout=0.3) is None  # her badges did not change
        for cable in (at_alice, at_bob):
            await cable.disconnect()

    async_to_sync(run)()


@pytest.mark.django_db(transaction=True)
def test_reading_clears_the_badges_in_the_members_other_tabs():
    alice, bob = UserFactory(), UserFactory()
    send(alice, bob)
    bob_client, open_bob = member_socket(bob)

    async def run():
        other_tab = await open_bob()
        url = reverse("conversation", args=[alice.username])
        assert (await in_thread(bob_client.get, url)).status_code == 200
        html = await pushed(other_tab)
        assert badge(html, "messages") is None and badge(html, "any") is None
        await in_thread(notifications_mark_read, user=bob)  # nothing unread: same badges
        await other_tab.disconnect()

    async_to_sync(run)()


@pytest.mark.django_db
class TestConversationNewer:
    """GET /messages/<name>/newer/: what an open conversation missed, read as it is shown."""

    def test_gives_the_messages_after_the_newest_shown_and_reads_them(
        self, member_client, user, other_user, django_assert_num_queries
    ):
        old = send(other_user, user, "Old")
        new = [send(other_user, user, "New"), send(user, other_user, "Mine")]
        url = reverse("conversation_newer", args=[other_user.username])
        response = member_client.get(url, {"after": old.pk})
        assert response["Content-Type"].startswith("text/vnd.turbo-stream.html")
        html = response.content.decode()
        assert f'action="append" target="messages-with-{other_user.pk}"' in html
        shown = [int(pk) for pk in re.findall(r'id="message-(\d+)"', html)]
        assert shown == [message.pk for message in new]  # oldest first, as the page
        new[0].refresh_from_db()
        old.refresh_from_db()
        assert new[0].read is not None and old.read is None  # only what it showed

    def test_a_head_request_reads_nothing(self, member_client, user, other_user):
        unread = send(other_user, user)
        url = reverse("conversation_newer", args=[other_user.username])
        assert member_client.head(url, {"after": 0}).status_code == 200
        unread.refresh_from_db()
        assert unread.read is None

    def test_query_budget(self, member_client, user, other_user, django_assert_num_queries):
        send(other_user, user)
        url = reverse("conversation_newer", args=[other_user.username])
        # The reader, the other member, the messages; marking them read: a savepoint, the
        # messages, their notifications, the release.
        with django_assert_num_queries(7):
            member_client.get(url, {"after": 0})

    @pytest.mark.parametrize("after", ["", "x", "-1", "9" * 40])
    def test_a_bad_question_is_a_400(self, member_client, other_user, after):
        url = reverse("conversation_newer", args=[other_user.username])
        assert member_client.get(url, {"after": after}).status_code == 400

    def test_only_for_members(self, client, other_user):
        url = reverse("conversation_newer", args=[other_user.username])
        assert client.get(url, {"after": 0}).status_code == 302
