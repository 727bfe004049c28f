"""Writes on posts. The only way a post comes to exist or goes away."""

from collections import Counter
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.live import push_profile_counts
from core.db import locked
from core.page_cache import visitor_page_forget_on_commit
from core.ratelimit import rate_limit
from posts.languages import language_detect
from posts.live import push_post_created, push_post_deleted
from posts.models import Post
from posts.validators import normalize_post_body, validate_post_language


@transaction.atomic
def post_create(*, author, body: str, language: str | None = None) -> Post:
    """Validate and save a new post by `author`, in `language` if the author chose one,
    else in the language detected (none when it cannot be told for sure).

    Raises ValidationError on a bad body or language and RateLimited when the author posts
    too often, whatever the entrance (site, API). The same body again within
    POST_DUPLICATE_WINDOW_SECONDS (a double click, a retried request) gives back the
    first post instead of a second one.
    """
    body = normalize_post_body(body)
    language = validate_post_language(language) or language_detect(body)
    # Lock the author's row: two simultaneous submissions of one body are serialised, so
    # the second sees the first (SQLite's immediate transactions serialise them anyway).
    get_user_model().objects.select_for_update().filter(pk=author.pk).first()
    since = timezone.now() - timedelta(seconds=settings.POST_DUPLICATE_WINDOW_SECONDS)
    duplicate = Post.objects.filter(author=author, body=body, created__gte=since).first()
    if duplicate is not None:
        return duplicate
    rate_limit(scope="post", key=author.pk, rate=settings.POST_RATE)
    post = Post.objects.create(author=author, body=body, language=language)
    get_user_model().objects.filter(pk=author.pk).update(post_count=F("post_count") + 1)
    push_post_created(post=post)
    push_profile_counts(user_ids=[author.pk])
    visitor_page_forget_on_commit("explore")
    return post


def posts_bulk_create(*, posts: Iterable[Post], batch_size: int = 5000) -> int:
    """Save many prepared posts at once (demo data, imports) under the rules of `post_create`.

    Bodies are normalised and languages detected (unless given) the same way; no rate limit
    applies. Returns how many were saved.
    """
    prepared = []
    for post in posts:
        post.body = normalize_post_body(post.body)
        post.language = validate_post_language(post.language) or language_detect(post.body)
        prepared.append(post)
    added = sorted(Counter(post.author_id for post in prepared).items())
    with transaction.atomic():
        Post.objects.bulk_create(prepared, batch_size=batch_size)
        # One UPDATE per thousand authors, each adding its own number of new posts.
        for start in range(0, len(added), 1000):
            chunk = added[start : start + 1000]
            increments = [When(pk=author_id, then=Value(n)) for author_id, n in chunk]
            get_user_model().objects.filter(pk__in=[author_id for author_id, _n in chunk]).update(
                post_count=F("post_count") + Case(*increments, output_field=IntegerField())
            )
        visitor_page_forget_on_commit("explore")
    return len(prepared)


def post_language_set(*, post: Post, actor, language: str | None) -> Post:
    """Correct the language of `post` (empty: not known); only its author may."""
    if post.author_id != actor.pk:
        raise PermissionDenied(_("Only its author can change the language of this post."))
    post.language = validate_post_language(language)
    Post.objects.filter(pk=post.pk).update(language=post.language)
    return post


def post_counts_refresh(*, author_ids) -> None:
    """Recount the stored post_count of these authors (after writes in bulk or by the admin)."""
    counted = (
        Post.objects.filter(author=OuterRef("pk"))
        .order_by()
        .values("author")
        .annotate(n=Count("pk"))
        .values("n")
    )
    with transaction.atomic():
        locked(get_user_model().objects.filter(pk__in=author_ids)).update(
            post_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
        )


def can_delete_any_post(user) -> bool:
    """Moderators (staff with posts.delete_post) may delete any post."""
    return user.is_authenticated and user.is_staff and user.has_perm("posts.delete_post")


def can_delete_post(*, post: Post, actor) -> bool:
    """Authors may delete their own posts; moderators any post."""
    return actor.is_authenticated and (post.author_id == actor.pk or can_delete_any_post(actor))


@transaction.atomic
def post_delete(*, post: Post, actor) -> None:
    """Delete `post` on behalf of `actor`, or raise PermissionDenied."""
    if not can_delete_post(post=post, actor=actor):
        raise PermissionDenied(_("Only its author or a moderator can delete this post."))
    with transaction.atomic():
        post_id = post.pk  # delete() forgets it
        deleted, _by_model = post.delete()
        if deleted:  # not already deleted by a second click
            author = get_user_model().objects.filter(pk=post.author_id)
            author.update(post_count=F("post_count") - 1)
            push_post_deleted(post_id=post_id, author_id=post.author_id)
            push_profile_counts(user_ids=[post.author_id])
            visitor_page_forget_on_commit("explore")
