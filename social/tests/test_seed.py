"""manage.py seed: a deterministic demo data set that follows the app's rules."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F

from accounts.models import User
from posts.models import Post
from social.models import Follow
from social.tests.counts import follow_counts_mismatches

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(User.objects.order_by("pk").values_list("username", flat=True)),
        list(Post.objects.order_by("pk").values_list("author__username", "body")),
        sorted(Follow.objects.values_list("follower__username", "followed__username")),
    )


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
    # Demo users can log in with the documented password, by username or e-mail.
    user = User.objects.first()
    assert user.check_password("microblog-demo")
    assert user.emailaddress_set.get().verified


def test_same_seed_same_data():
    call_command("seed", users=10, posts=100, follows=3, seed=42, verbosity=0)
    first = snapshot()
    User.objects.all().delete()
    call_command("seed", users=10, posts=100, follows=3, seed=42, verbosity=0)
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
