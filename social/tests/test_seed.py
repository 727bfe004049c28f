"""manage.py seed: a deterministic demo data set that follows the app's rules."""

import statistics
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F

from accounts.models import User
from messaging.models import Conversation, Message
from posts.models import Post
from social.models import Follow
from social.tests.counts import follow_counts_mismatches

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(User.objects.order_by("pk").values_list("username", flat=True)),
        list(Post.objects.order_by("pk").values_list("author__username", "body")),
        sorted(Follow.objects.values_list("follower__username", "followed__username")),
        [
            (sender, recipient, body, read is None)
            for sender, recipient, body, read in Message.objects.order_by("pk").values_list(
                "sender__username", "recipient__username", "body", "read"
            )
        ],
    )


def inbox_mismatches() -> set[tuple[int, int]]:
    """(owner, other) pairs whose inbox line is missing or not on their latest message."""
    latest = {}
    rows = Message.objects.order_by("created", "pk").values_list("pk", "sender_id", "recipient_id")
    for pk, sender, recipient in rows:
        latest[sender, recipient] = latest[recipient, sender] = pk
    lines = {
        (owner, other): last
        for owner, other, last, activity, created in Conversation.objects.values_list(
            "owner_id", "other_id", "last_message_id", "last_activity", "last_message__created"
        )
        if activity == created
    }
    return {pair for pair in latest.keys() | lines.keys() if latest.get(pair) != lines.get(pair)}


def seed_output(**options) -> str:
    """Run the seed command; what it printed."""
    out = StringIO()
    call_command("seed", stdout=out, **options)
    return out.getvalue()


def test_seed_creates_what_was_asked_within_the_rules():
    call_command("seed", users=20, posts=300, follows=5, seed=7, verbosity=0)
    assert User.objects.count() == 20
    assert Post.objects.count() == 300
    counted = User.objects.annotate(n=Count("posts")).values_list("post_count", "n")
    assert all(stored == actual for stored, actual in counted)
    assert Follow.objects.count() == 20 * 5
    assert follow_counts_mismatches() == []
    assert all(1 <= len(body) <= 140 for body in Post.objects.values_list("body", flat=True))
    assert not Follow.objects.filter(follower=F("followed")).exists()
    assert not Message.objects.exists()  # only when asked for
    # Demo users can log in with the documented password, by username or e-mail.
    user = User.objects.first()
    assert user.check_password("microblog-demo")
    assert user.emailaddress_set.get().verified


def test_same_seed_same_data():
    call_command("seed", users=10, posts=100, follows=3, messages=200, seed=42, verbosity=0)
    first = snapshot()
    User.objects.all().delete()
    call_command("seed", users=10, posts=100, follows=3, messages=200, seed=42, verbosity=0)
    assert snapshot() == first


def test_seed_adds_to_an_existing_site_without_clashes():
    call_command("seed", users=5, posts=10, follows=2, verbosity=0)
    call_command("seed", users=5, posts=10, follows=2, verbosity=0)
    assert User.objects.count() == 10
    assert Post.objects.count() == 20
    assert follow_counts_mismatches() == []


def test_posts_without_users_is_a_clear_error():
    with pytest.raises(CommandError, match="no users"):
        call_command("seed", users=0, posts=10, follows=0, verbosity=0)


def test_messages_without_two_users_is_a_clear_error():
    with pytest.raises(CommandError, match="not two users"):
        call_command("seed", users=1, posts=0, follows=0, messages=5, verbosity=0)
    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("seed", users=5, posts=0, follows=0, messages=-1, verbosity=0)
    assert not User.objects.exists()


def test_seed_creates_messages_within_the_rules():
    output = seed_output(users=30, posts=0, follows=0, messages=600, seed=3)
    assert "Created 30 users, 0 posts, 0 follows and 600 messages." in output
    assert Message.objects.count() == 600
    bodies = Message.objects.values_list("body", flat=True)
    assert all(1 <= len(body) <= 140 and body == body.strip() for body in bodies)
    assert len(set(bodies)) > 300  # varied, as posts are
    assert not Message.objects.filter(sender=F("recipient")).exists()
    # Both members of every pair have an inbox line on the pair's latest message.
    assert Conversation.objects.count() > 60
    assert inbox_mismatches() == set()
    # Some are unread: to each member, only those newer than every read one.
    unread = Message.objects.filter(read__isnull=True)
    assert 0 < unread.count() < 300
    for recipient in User.objects.filter(messages_received__read__isnull=True).distinct():
        received = recipient.messages_received
        newest_read = received.filter(read__isnull=False).order_by("-created").first()
        oldest_unread = received.filter(read__isnull=True).order_by("created").first()
        assert newest_read is None or newest_read.created < oldest_unread.created
    assert not Message.objects.filter(read__lt=F("created")).exists()


def test_the_first_two_members_have_a_long_conversation():
    # One message in a hundred, and at least two pages of them (here: 100 of 600).
    output = seed_output(users=30, posts=0, follows=0, messages=600, seed=3)
    first, second = User.objects.order_by("pk")[:2]
    assert f"Long conversation: {first.username} and {second.username}, 100 messages." in output
    assert Message.objects.between(first, second).count() == 100
    # Written both ways, over the whole period, the older ones read.
    senders = set(Message.objects.between(first, second).values_list("sender", flat=True))
    assert senders == {first.pk, second.pk}
    assert Message.objects.between(first, second).filter(read__isnull=False).exists()


def test_the_long_conversation_is_one_message_in_a_hundred():
    # Past two pages' worth: 1,000 of 100,000 messages is what `make bench` loads.
    output = seed_output(users=50, posts=0, follows=0, messages=15_000)
    first, second = User.objects.order_by("pk")[:2]
    assert Message.objects.between(first, second).count() == 150
    assert f"{first.username} and {second.username}, 150 messages." in output


def test_most_members_have_a_handful_of_correspondents_a_few_many():
    call_command("seed", users=200, posts=0, follows=0, messages=4000, verbosity=0)
    correspondents = sorted(
        User.objects.annotate(n=Count("conversations")).values_list("n", flat=True)
    )
    assert correspondents.count(0) < 10
    assert 2 <= statistics.median(correspondents) <= 8
    assert correspondents[-1] > 50


def test_seeding_messages_again_adds_to_the_inboxes():
    call_command("seed", users=10, posts=0, follows=0, messages=200, verbosity=0)
    call_command("seed", users=10, posts=0, follows=0, messages=200, verbosity=0)
    assert Message.objects.count() == 400
    assert inbox_mismatches() == set()
    # Without --users, among the members already there: the same conversations grow.
    before = Conversation.objects.count()
    output = seed_output(users=0, posts=0, follows=0, messages=300, seed=2)
    assert Message.objects.count() == 700
    assert inbox_mismatches() == set()
    assert Conversation.objects.count() >= before
    first, second = User.objects.order_by("pk")[:2]
    assert f"Long conversation: {first.username} and {second.username}" in output


def test_the_skewed_shape_has_prolific_popular_authors():
    call_command("seed", users=200, posts=4000, follows=10, shape="skewed", verbosity=0)
    assert Follow.objects.count() == 200 * 10
    assert not Follow.objects.filter(follower=F("followed")).exists()
    followers = sorted(
        User.objects.annotate(n=Count("follower_set")).values_list("n", flat=True), reverse=True
    )
    # A few members have most followers: the top one is followed by most members.
    assert followers[0] > 150 > 10 >= followers[len(followers) // 2]
    prolific = User.objects.annotate(n=Count("posts")).order_by("-n").first()
    assert prolific.follower_set.count() > 100


def test_recount_repairs_counts_changed_outside_the_site(capsys):
    call_command("seed", users=10, posts=50, follows=3, verbosity=0)
    User.objects.update(post_count=999, follower_count=7, following_count=0)
    call_command("recount")
    assert "Recounted 10 members." in capsys.readouterr().out
    counted = User.objects.annotate(n=Count("posts")).values_list("post_count", "n")
    assert all(stored == actual for stored, actual in counted)
    assert follow_counts_mismatches() == []
