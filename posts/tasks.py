"""Background tasks of the posts app: thin, they call the search index's upkeep and the
export of a member's data."""

from django.tasks import task

from core.tasks import retry_later
from posts.exports import export_run
from posts.search.elastic import ElasticUnavailable
from posts.search.elastic_index import person_sync, post_sync


def _sync_or_retry(task, sync, *, attempt: int, **ids) -> bool:
    try:
        sync(**ids)
    except ElasticUnavailable:
        return retry_later(task, attempt=attempt, **ids)
    return True


@task
def search_post_sync(*, post_id: int, attempt: int = 0) -> bool:
    """Bring a post's search document in step with the database (retried while
    Elasticsearch is unavailable)."""
    return _sync_or_retry(search_post_sync, post_sync, attempt=attempt, post_id=post_id)


@task
def search_person_sync(*, user_id: int, attempt: int = 0) -> bool:
    """Bring a member's search document (and their posts' visibility) in step (retried
    while Elasticsearch is unavailable)."""
    return _sync_or_retry(search_person_sync, person_sync, attempt=attempt, user_id=user_id)


@task
def export_build(*, job_id: int) -> bool:
    """Build a member's archive (posts.exports)."""
    return export_run(job_id=job_id)
