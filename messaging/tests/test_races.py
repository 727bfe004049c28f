"""Races between two members on PostgreSQL (SQLite runs one writer at a time)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from accounts.tests.factories import UserFactory
from messaging.models import Block, Message
from messaging.services.blocks import block_create
from messaging.services.messages import messages_mark_read
from social.models import Follow
from social.services import follow_create

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


@pytest.fixture
def slow_inbox_writes():
    """Each new inbox row takes 50 ms, as on a loaded server: a window for a deadlock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION slow_insert() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(0.05);"
            " RETURN NEW; END $$ LANGUAGE plpgsql;"
            "CREATE TRIGGER slow_insert BEFORE INSERT ON messaging_conversation"
            " FOR EACH ROW EXECUTE FUNCTION slow_insert();"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER slow_insert ON messaging_conversation; DROP FUNCTION slow_insert();"
        )


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
