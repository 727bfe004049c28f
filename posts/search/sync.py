"""Elasticsearch kept in step with the database: a signal processor of ours.

django-elasticsearch-dsl's RealTimeSignalProcessor indexes inside `post_save`: a post
rolled back would stay indexed, and an Elasticsearch outage would fail the write. This one
enqueues a task once the transaction has committed (posts.tasks); the task reads what the
database holds then, so tasks may run in any order, retry, and still end in step. Writes in
bulk send no signals: `manage.py search reindex` catches up with them.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_elasticsearch_dsl.signals import BaseSignalProcessor

from accounts.models import User
from posts.models import Post
from posts.search.elastic import enabled
from posts.tasks import search_person_sync, search_post_sync

# Saves of a member that change their document, or their posts' visibility.
PERSON_FIELDS = {"username", "about_me", "is_active", "follower_count"}


class TaskSignalProcessor(BaseSignalProcessor):
    """Enqueue search upkeep after commit for every post and member saved or deleted."""

    def setup(self):
        """Listen to posts and members."""
        for model, handler in ((Post, self.post_changed), (User, self.person_changed)):
            post_save.connect(handler, sender=model)
            post_delete.connect(handler, sender=model)

    def teardown(self):
        """Stop listening."""
        for model, handler in ((Post, self.post_changed), (User, self.person_changed)):
            post_save.disconnect(handler, sender=model)
            post_delete.disconnect(handler, sender=model)

    def post_changed(self, sender, instance, **kwargs):
        """A post was saved or deleted: sync its document after commit."""
        if enabled():
            task = partial(search_post_sync.enqueue, post_id=instance.pk)
            transaction.on_commit(task, robust=True)

    def person_changed(self, sender, instance, update_fields=None, **kwargs):
        """A member was saved or deleted: sync their document after commit (not for saves
        of fields that are not in it, such as the time they were last seen)."""
        if enabled() and (update_fields is None or PERSON_FIELDS & set(update_fields)):
            task = partial(search_person_sync.enqueue, user_id=instance.pk)
            transaction.on_commit(task, robust=True)
