"""Factory for follows."""

import factory

from accounts.tests.factories import UserFactory
from social.models import Follow
from social.services import follow_counts_refresh


class FollowFactory(factory.django.DjangoModelFactory):
    """`follower` follows `followed`."""

    class Meta:
        model = Follow

        skip_postgeneration_save = True

    follower = factory.SubFactory(UserFactory)
    followed = factory.SubFactory(UserFactory)

    @factory.post_generation
    def count(follow, create, extracted, **kwargs):
        """Keep both members' stored counts, as social.services does."""
        if create:
            follow_counts_refresh(user_ids={follow.follower_id, follow.followed_id})
            follow.follower.refresh_from_db(fields=["follower_count", "following_count"])
            follow.followed.refresh_from_db(fields=["follower_count", "following_count"])
