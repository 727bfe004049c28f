"""Elasticsearch's indexes: documents brought in step with the database, rebuilt behind
their aliases without downtime, and counted.

The aliases carry the documents' index names (`<prefix>-posts`, `<prefix>-people`); a
rebuild fills new indexes, then swaps the aliases over in one atomic step and drops the
old indexes. While it runs, changes are written to the new indexes too.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from elasticsearch.helpers import bulk

from accounts.models import User
from posts.documents import PersonDocument, PostDocument
from posts.models import Post
from posts.search.elastic import ElasticUnavailable, call, client

REBUILDING_KEY = "search:rebuilding"  # {alias: the new index being filled}


def _targets(document) -> list[tuple[str, bool]]:
    """(index or alias name, whether it is the alias) of every index a change goes to."""
    alias = document._index._name
    rebuilding = cache.get(REBUILDING_KEY) or {}
    return [(alias, True), *([(rebuilding[alias], False)] if alias in rebuilding else [])]


def _write(document, *, instance=None, delete_id=None) -> None:
    """Index `instance` or delete the document with `delete_id`, in every target index.

    Writes go to the alias only if it exists (`require_alias`): before the first
    `manage.py search reindex`, Elasticsearch would otherwise make an index of its own,
    with mappings guessed from the first document.
    """
    actions = [
        {"_op_type": "index", "_index": index, "_id": instance.pk, "require_alias": is_alias,
         "_source": document().prepare(instance)}
        if instance is not None
        else {"_op_type": "delete", "_index": index, "_id": delete_id}
        for index, is_alias in _targets(document)
    ]  # fmt: skip
    refresh = settings.ELASTICSEARCH_DSL_AUTO_REFRESH
    _done, errors = call(bulk, client(), actions, refresh=refresh, raise_on_error=False)
    # Deleting a document that is not there (never indexed, deleted twice) is no failure.
    failures = [error for error in errors
                if error.get("delete", {}).get("result") != "not_found"]  # fmt: skip
    if failures:
        raise ElasticUnavailable(str(failures[:3]))


def post_sync(*, post_id: int) -> None:
    """Bring the document of post `post_id` in step: indexed as it is now, or deleted."""
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    _write(PostDocument, instance=post, delete_id=post_id)


def person_sync(*, user_id: int) -> None:
    """Bring the document of member `user_id` in step (deleted unless active), and their
    posts' `author_active` when that changed."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    alias = PersonDocument._index._name
    was_active = call(client().exists, index=alias, id=user_id).body
    _write(PersonDocument, instance=user, delete_id=user_id)
    if was_active != (user is not None):
        call(
            client().update_by_query,
            index=",".join(index for index, _is_alias in _targets(PostDocument)),
            query={"term": {"author_id": user_id}},
            script={"source": "ctx._source.author_active = params.active",
                    "params": {"active": user is not None}},
            conflicts="proceed",
            refresh=settings.ELASTICSEARCH_DSL_AUTO_REFRESH,
        )  # fmt: skip


def _swap(alias: str, new_index: str) -> None:
    """Point `alias` at `new_index` and drop what it pointed at, in one step."""
    es = client()
    actions = [{"add": {"index": new_index, "alias": alias}}]
    if call(es.indices.exists_alias, name=alias).body:
        old = call(es.indices.get_alias, name=alias).body
        actions += [{"remove_index": {"index": index}} for index in old]
    elif call(es.indices.exists, index=alias).body:  # made without an alias (search_index)
        actions.append({"remove_index": {"index": alias}})
    call(es.indices.update_aliases, actions=actions)


def reindex(*, batch_size: int = 5000, progress=None) -> None:
    """Rebuild the posts' and people's indexes from the database, `batch_size` documents
    at a time; `progress(kind, done, total)` is told after each batch."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    plans = []
    for kind, document in (("posts", PostDocument), ("people", PersonDocument)):
        alias = document._index._name
        new_index = f"{alias}-{stamp}"
        call(document._index.clone(name=new_index).create)
        plans.append((kind, document, alias, new_index))
    cache.set(REBUILDING_KEY, {alias: new for _k, _d, alias, new in plans}, timeout=None)
    try:
        for kind, document, alias, new_index in plans:
            queryset = document().get_queryset()
            total, done, last = queryset.count(), 0, 0
            while batch := list(queryset.filter(pk__gt=last)[:batch_size]):
                preparer = document()
                actions = [
                    {"_index": new_index, "_id": instance.pk, "_source": preparer.prepare(instance)}
                    for instance in batch
                ]
                call(bulk, client(), actions)
                done, last = done + len(batch), batch[-1].pk
                if progress:
                    progress(kind, done, total)
            call(client().indices.refresh, index=new_index)
            _swap(alias, new_index)
    finally:
        cache.delete(REBUILDING_KEY)


def index_counts() -> dict[str, tuple[int, int]]:
    """{"posts": (documents, rows in the database), "people": (...)}."""
    counts = {}
    for kind, document in (("posts", PostDocument), ("people", PersonDocument)):
        indexed = call(client().count, index=document._index._name).body["count"]
        counts[kind] = (indexed, document().get_queryset().count())
    return counts
