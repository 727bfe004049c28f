"""Search on a real Elasticsearch 9 cluster: the same expectations as the database's
(test_search.CORPUS), documents kept in step, rebuilds behind aliases, and a backlog
caught up after an outage. Runs only when ELASTICSEARCH_URL names a cluster."""

import os
import uuid

import pytest
from django.core.cache import cache
from django.tasks import default_task_backend
from elasticsearch.dsl.connections import connections

from accounts.tests.factories import UserFactory
from deploy.stack import free_port
from posts.documents import PersonDocument, PostDocument
from posts.search import elastic, elastic_index
from posts.search.query import search_query_parse
from posts.search.selectors import people_search, post_search
from posts.services import post_create, post_delete
from posts.tests.test_search import CORPUS, FINDS, corpus, found  # noqa: F401 - fixture

URL = os.environ.get("ELASTICSEARCH_URL", "")
pytestmark = [
    pytest.mark.skipif(
        not URL, reason="needs a real Elasticsearch 9 cluster: set ELASTICSEARCH_URL"
    ),
    pytest.mark.django_db(transaction=True),
]


def use(url: str) -> None:
    connections.configure(default={"hosts": url, "max_retries": 0, "request_timeout": 5})


@pytest.fixture(autouse=True)
def cluster(settings):
    """Fresh indexes of our own on the cluster (under unique aliases), refreshed at once."""
    settings.ELASTICSEARCH_URL = URL
    settings.ELASTICSEARCH_DSL_AUTO_REFRESH = True
    use(URL)
    names = {}
    for document in (PostDocument, PersonDocument):
        names[document] = document._index._name
        document._index._name = f"test-{uuid.uuid4().hex}-{names[document]}"
    elastic_index.reindex()
    yield
    client = elastic.client()
    for document, name in names.items():
        client.indices.delete(index=f"{document._index._name}*", ignore_unavailable=True)
        client.indices.delete_alias(index="*", name=document._index._name, ignore=[404])
        document._index._name = name


@pytest.fixture
def indexed(corpus):  # noqa: F811 - the corpus fixture, indexed
    """The CORPUS, indexed by a rebuild."""
    elastic_index.reindex()
    return corpus


@pytest.mark.parametrize(("text", "expected"), FINDS)
def test_finds_what_the_database_finds(indexed, text, expected, monkeypatch):
    monkeypatch.setattr("posts.search.database.post_ids", fail_if_called)
    assert found(text) == expected


def fail_if_called(*args, **kwargs):
    raise AssertionError("the database was asked instead of Elasticsearch")


def test_people_by_prefix(user, monkeypatch):
    ana = UserFactory(username="ana_lopez", about_me="Barista in Sevilla")
    elastic_index.reindex()
    monkeypatch.setattr("posts.search.database.people_ids", fail_if_called)
    assert people_search(text="ana_l", searcher=user, per_page=5).items == [ana]
    assert people_search(text="sevi", searcher=user, per_page=5).items == [ana]


def test_changes_are_kept_in_step(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=user, body="Zeppelins over the bay")
    assert [p.pk for p in post_search(text="zeppelin", per_page=5).items] == [post.pk]
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(post=post, actor=user)
    assert elastic.post_ids(search_query_parse("zeppelin"), best_match=False,
                            offset=0, limit=5) == []  # fmt: skip


def test_a_rebuild_swaps_the_alias(indexed):
    client = elastic.client()
    alias = PostDocument._index._name
    before = set(client.indices.get_alias(name=alias).body)
    elastic_index.reindex()
    after = set(client.indices.get_alias(name=alias).body)
    assert len(after) == 1 and after != before
    assert elastic_index.index_counts()["posts"] == (len(CORPUS), len(CORPUS))


def test_the_backlog_is_indexed_once_elasticsearch_is_back(
    settings, user, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    use(f"http://127.0.0.1:{free_port()}")  # down
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=user, body="Written while it was down")
    for result in list(default_task_backend.results):  # the sync fails, a retry waits
        result.task.call(**result.kwargs)
    use(URL)  # back
    elastic.breaker.succeeded()
    cache.delete(elastic.breaker.open_key)
    for result in list(default_task_backend.results):
        if result.kwargs.get("attempt"):
            assert result.task.call(**result.kwargs) is True
    assert elastic.post_ids(search_query_parse("written down"), best_match=False,
                            offset=0, limit=5) == [post.pk]  # fmt: skip
