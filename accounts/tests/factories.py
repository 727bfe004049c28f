"""Factories for users (and, through their apps, posts and follows)."""

import factory
from django.utils import timezone

from accounts.models import User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A member with a known password, seen just now."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    last_seen = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        """Save the hashed password set above."""
        if create:
            self.save(update_fields=["password"])
