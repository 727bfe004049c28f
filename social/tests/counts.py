"""Stored follow counts, checked against the follows themselves."""

from django.db.models import Count, Q

from accounts.models import User


def follow_counts_mismatches() -> list[tuple]:
    """Members whose stored counts differ from a count of their (active) follows."""
    counted = User.objects.annotate(
        followers=Count(
            "follower_set", filter=Q(follower_set__follower__is_active=True), distinct=True
        ),
        following=Count(
            "following_set", filter=Q(following_set__followed__is_active=True), distinct=True
        ),
    ).values_list("username", "follower_count", "followers", "following_count", "following")
    return [row for row in counted if (row[1], row[3]) != (row[2], row[4])]
