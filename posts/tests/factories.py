"""Factory for posts."""

import factory

from accounts.tests.factories import UserFactory
from posts.models import Post
from posts.services import post_counts_refresh


class PostFactory(factory.django.DjangoModelFactory):
    """A valid post by a new member."""

    class Meta:
        model = Post
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Post number {n}")

    @factory.post_generation
    def count(post, create, extracted, **kwargs):
        """Keep the author's stored post count, as posts.services does."""
        if create:
            post_counts_refresh(author_ids={post.author_id})
            post.author.refresh_from_db(fields=["post_count"])
