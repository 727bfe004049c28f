"""Factory for follows."""

import factory

from accounts.tests.factories import UserFactory
from social.models import Follow


class FollowFactory(factory.django.DjangoModelFactory):
    """`follower` follows `followed`."""

    class Meta:
        model = Follow

    follower = factory.SubFactory(UserFactory)
    followed = factory.SubFactory(UserFactory)
