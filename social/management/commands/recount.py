"""Recount every member's stored post, follower and following counts."""

from django.core.management.base import BaseCommand

from accounts.models import User
from posts.services import post_counts_refresh
from social.services import follow_counts_refresh


class Command(BaseCommand):
    """`manage.py recount`: repair stored counts after changes made outside the site.

    The site keeps them itself; rows written by hand in the database, or a partial restore,
    are what this is for.
    """

    help = "Recount every member's stored post, follower and following counts."

    def handle(self, *args, **options):
        """Recount in batches of a thousand members."""
        ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 1000):
            batch = ids[start : start + 1000]
            post_counts_refresh(author_ids=batch)
            follow_counts_refresh(user_ids=batch)
        self.stdout.write(f"Recounted {len(ids)} members.")
