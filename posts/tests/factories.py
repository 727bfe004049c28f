"""Factory for posts."""

import factory

from accounts.tests.factories import UserFactory
from posts.models import Post


class PostFactory(factory.django.DjangoModelFactory):
    """A valid post by a new member."""

    class Meta:
        model = Post

    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Post number {n}")
