"""A member's own stream: only their signed-in sockets hear it, and a session that ends
(logging out, a new password, deactivation) takes its sockets with it."""

import pytest
from asgiref.sync import async_to_sync

from accounts.live import member_group, member_push_on_commit
from accounts.services import users_active_set
from accounts.tests.factories import UserFactory
from core import consumers
from core.tests.cable import cable_open, heard, in_thread, pushed, session_of, subscribe

pytestmark = pytest.mark.django_db(transaction=True)

GOODBYE = {"type": "disconnect", "reason": "unauthorized", "reconnect": True}


def push_to(user, html: str) -> None:
    member_push_on_commit(user_id=user.pk, render=lambda member: html)


async def on_member_stream(session_key: str):
    """A socket of that session, listening to its member's stream."""
    cable = await cable_open(session_key=session_key)
    assert await subscribe(cable, "member") == "confirm_subscription"
    return cable


def test_a_signed_in_socket_hears_its_member_and_no_one_else():
    alice, bob = UserFactory(), UserFactory()
    _client, key = session_of(alice)

    async def run():
        cable = await on_member_stream(key)
        # Another member's stream cannot be named, whatever the spelling.
        for stream in (f"member:{bob.pk}", f"member.{bob.pk}", member_group(bob.pk)):
            assert await subscribe(cable, stream) == "reject_subscription"
        await in_thread(push_to, bob, "<p>for bob</p>")
        await in_thread(push_to, alice, "<p>for alice</p>")
        assert await pushed(cable) == "<p>for alice</p>"
        assert await pushed(cable, timeout=0.3) is None
        await cable.disconnect()

    async_to_sync(run)()


def test_anonymous_and_forged_sessions_get_nothing():
    alice = UserFactory()

    async def run():
        for key in (None, "forged-session-key", "x" * 40):
            cable = await cable_open(session_key=key)
            assert await subscribe(cable, "member") == "reject_subscription"
            await in_thread(push_to, alice, "<p>secret</p>")
            assert await pushed(cable, timeout=0.3) is None
            await cable.disconnect()

    async_to_sync(run)()


def test_logging_out_closes_that_sessions_sockets_only():
    alice = UserFactory()
    laptop, laptop_key = session_of(alice)
    _phone, phone_key = session_of(alice)

    async def run():
        on_laptop = await on_member_stream(laptop_key)
        on_phone = await on_member_stream(phone_key)
        await in_thread(laptop.post, "/accounts/logout/")
        assert await heard(on_laptop) == GOODBYE
        assert await heard(on_laptop) == {"type": "closed"}
        await in_thread(push_to, alice, "<p>still here</p>")
        assert await pushed(on_phone) == "<p>still here</p>"
        await on_phone.disconnect()

    async_to_sync(run)()


def test_a_new_password_closes_the_other_sessions_sockets():
    alice = UserFactory()
    _client, key = session_of(alice)

    def change_password():
        alice.set_password("a-brand-new-password-42")
        alice.save()

    async def run():
        cable = await on_member_stream(key)
        await in_thread(change_password)
        assert await heard(cable) == GOODBYE
        await cable.disconnect()

    async_to_sync(run)()


def test_a_deactivated_members_sockets_close():
    alice = UserFactory()
    _client, key = session_of(alice)

    def deactivate():
        users_active_set(users=type(alice).objects.filter(pk=alice.pk), active=False)

    async def run():
        cable = await on_member_stream(key)
        await in_thread(deactivate)
        assert await heard(cable) == GOODBYE
        await cable.disconnect()
        reopened = await cable_open(session_key=key)  # as the page's client reconnects
        assert await subscribe(reopened, "member") == "reject_subscription"
        await reopened.disconnect()

    async_to_sync(run)()


def test_saving_a_profile_leaves_sockets_open():
    alice = UserFactory()
    _client, key = session_of(alice)

    def edit():
        alice.about_me = "Hello"
        alice.save()

    async def run():
        cable = await on_member_stream(key)
        await in_thread(edit)
        assert await heard(cable, timeout=0.5) is None
        await cable.disconnect()

    async_to_sync(run)()


def test_one_visitor_address_opens_a_bounded_number_of_sockets(monkeypatch, settings):
    """Visitors hear explore and profiles live; one address's flood of sockets (each holds
    the process's memory and files) is refused, read behind our proxy as the API reads it."""
    monkeypatch.setattr(consumers, "MAX_CLIENT_SOCKETS", 3)
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": 1}

    def behind_proxy(address: str) -> list[tuple[bytes, bytes]]:
        return [(b"x-forwarded-for", f"203.0.113.250, {address}".encode())]

    async def run():
        open_ones = [await cable_open(headers=behind_proxy("198.51.100.7")) for _ in range(3)]
        with pytest.raises(AssertionError):  # the fourth is refused, whatever it claims first
            await cable_open(headers=behind_proxy("198.51.100.7"))
        other = await cable_open(headers=behind_proxy("198.51.100.8"))  # others still connect
        assert await subscribe(other, "explore") == "confirm_subscription"
        await other.disconnect()
        await open_ones.pop().disconnect()
        open_ones.append(await cable_open(headers=behind_proxy("198.51.100.7")))  # freed
        for cable in open_ones:
            await cable.disconnect()

    async_to_sync(run)()


def test_one_member_opens_a_bounded_number_of_sockets(monkeypatch):
    monkeypatch.setattr(consumers, "MAX_CLIENT_SOCKETS", 3)
    alice = UserFactory()
    _client, key = session_of(alice)

    async def run():
        open_ones = [await cable_open(session_key=key) for _ in range(3)]
        with pytest.raises(AssertionError):  # the fourth tab is refused
            await cable_open(session_key=key)
        anyone = await cable_open()  # others still connect
        assert await subscribe(anyone, "explore") == "confirm_subscription"
        await anyone.disconnect()
        await open_ones.pop().disconnect()
        open_ones.append(await cable_open(session_key=key))  # a closed tab frees its place
        for cable in open_ones:
            await cable.disconnect()

    async_to_sync(run)()
