"""Races between two members on PostgreSQL (SQLite runs one writer at a time)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from accounts.models import User
from accounts.services import users_active_set
from accounts.tests.factories import UserFactory
from messaging.models import Block, Message
from messaging.services.blocks import block_create
from messaging.services.messages import message_send, messages_mark_read
from social.models import Follow
from social.services import follow_create, follow_delete
from social.tests.counts import follow_counts_mismatches

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: nothing to race")


def at_once(*calls):
    """Run the calls in threads started together; their results (or exceptions), in order."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def slow_down(table: str, event: str, seconds: float):
    """Each `event` (INSERT, DELETE) on `table` waits, as on a loaded server: a window for
    the races below."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE FUNCTION slow_{event}() RETURNS trigger AS $$ BEGIN"
            f" PERFORM pg_sleep({seconds}); RETURN COALESCE(NEW, OLD); END $$ LANGUAGE plpgsql;"
            f"CREATE TRIGGER slow_{event} BEFORE {event} ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION slow_{event}();"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER slow_{event} ON {table}; DROP FUNCTION slow_{event}();")


@pytest.fixture
def slow_inbox_writes():
    """New inbox rows take 50 ms."""
    yield from slow_down("messaging_conversation", "INSERT", 0.05)


@pytest.fixture
def slow_unfollows():
    """Deleting a follow takes 200 ms (the row locked meanwhile)."""
    yield from slow_down("social_follow", "DELETE", 0.2)


def test_first_messages_crossing_both_arrive(slow_inbox_writes):
    alice, bob = UserFactory(), UserFactory()
    clients = []
    for member in (alice, bob):
        client = Client()
        client.force_login(member)
        clients.append(client)
    statuses = at_once(
        lambda: clients[0].post(f"/messages/{bob.username}/", {"body": "hi Bob"}).status_code,
        lambda: clients[1].post(f"/messages/{alice.username}/", {"body": "hi Alice"}).status_code,
    )
    assert statuses == [302, 302]
    assert Message.objects.count() == 2


def test_no_follow_outlives_a_block():
    for _ in range(10):
        alice, bob = UserFactory(), UserFactory()
        at_once(
            lambda: follow_create(follower=alice, followed=bob),  # noqa: B023
            lambda: block_create(blocker=bob, blocked=alice),  # noqa: B023
        )
        assert Block.objects.filter(blocker=bob, blocked=alice).exists()
        assert not Follow.objects.filter(follower=alice, followed=bob).exists()


def test_two_tabs_reading_mark_each_message_once():
    alice, bob = UserFactory(), UserFactory()
    for i in range(20):
        Message.objects.create(sender=bob, recipient=alice, body=f"m{i}")
    messages = list(Message.objects.all())
    marked = at_once(
        lambda: messages_mark_read(reader=alice, messages=messages),
        lambda: messages_mark_read(reader=alice, messages=messages),
    )
    assert sum(marked) == 20
    assert not Message.objects.filter(read__isnull=True).exists()


def test_unfollow_and_block_at_once_end_in_a_block_and_no_follow(slow_unfollows):
    for _ in range(3):
        alice, bob = UserFactory(), UserFactory()
        follow_create(follower=alice, followed=bob)
        results = at_once(
            lambda: follow_delete(follower=alice, followed=bob),  # noqa: B023
            lambda: block_create(blocker=bob, blocked=alice),  # noqa: B023
        )
        assert not any(isinstance(result, Exception) for result in results), results
        assert not Follow.objects.exists()
        assert follow_counts_mismatches() == []


def test_deactivating_a_member_while_their_neighbours_write():
    for _ in range(5):
        member, neighbours = UserFactory(), [UserFactory() for _ in range(3)]
        for neighbour in neighbours:
            follow_create(follower=neighbour, followed=member)
        results = at_once(
            lambda: users_active_set(users=User.objects.filter(pk=member.pk), active=False),  # noqa: B023
            *[
                lambda n=n: follow_delete(follower=n, followed=member)  # noqa: B023
                for n in neighbours
            ],
            lambda: message_send(sender=neighbours[0], recipient=member, body="hi"),  # noqa: B023
        )
        assert not any(isinstance(result, Exception) for result in results), results
        assert follow_counts_mismatches() == []
