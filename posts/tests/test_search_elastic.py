"""Elasticsearch's side of search, without a cluster: documents, mappings, the queries we
send, the signal-to-task flow, and an Elasticsearch that refuses connections (posting works,
search falls back to the database, changes wait in retried tasks). The same behaviour
against a real cluster is in test_search_elastic_cluster.py (run when ELASTICSEARCH_URL is
set)."""

import logging

import pytest
from django.core.cache import cache
from django.db import transaction
from django.tasks import default_task_backend
from django.urls import reverse
from django.utils import timezone
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import NotFoundError

from accounts.tests.factories import UserFactory
from deploy.stack import free_port
from posts.documents import PersonDocument, PostDocument
from posts.models import Post
from posts.search import elastic, elastic_index
from posts.search.query import search_query_parse
from posts.search.selectors import post_search
from posts.services import post_create, post_delete
from posts.tasks import search_person_sync, search_post_sync
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusing_elasticsearch(settings):
    """ELASTICSEARCH_URL pointing at a port where nothing listens."""
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{free_port()}"
    from elasticsearch.dsl.connections import connections

    connections.configure(default={"hosts": settings.ELASTICSEARCH_URL, "max_retries": 0,
                                   "request_timeout": 1})  # fmt: skip
    yield settings.ELASTICSEARCH_URL
    connections.configure(**{"default": settings.ELASTICSEARCH_DSL["default"]})


@pytest.fixture
def recorded_tasks(settings):
    """Tasks are recorded, not run (django.tasks' dummy backend, which can defer)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend.results


def enqueued(results) -> list[tuple[str, dict]]:
    """(task name, its keyword arguments) of every task enqueued, in order."""
    return [(result.task.name, result.kwargs) for result in results]


class TestDocuments:
    def test_mappings_split_fold_and_stem_words_as_the_database_does(self):
        mapping = PostDocument._index.to_dict()
        analysis = mapping["settings"]["analysis"]
        assert analysis["tokenizer"]["words"]["pattern"] == r"[^\p{L}\p{N}]+"
        assert analysis["analyzer"]["words"]["filter"] == ["lowercase", "asciifolding"]
        assert analysis["analyzer"]["words_spanish"]["filter"][-1] == "spanish_stem"
        properties = mapping["mappings"]["properties"]
        assert properties["body"]["analyzer"] == "words"
        assert properties["body_es"]["analyzer"] == "words_spanish"
        assert properties["author_active"]["type"] == "boolean"
        people = PersonDocument._index.to_dict()["mappings"]["properties"]
        assert people["words"] == {"type": "text", "analyzer": "prefixes",
                                   "search_analyzer": "words"}  # fmt: skip

    def test_a_post_is_stemmed_in_its_own_language_only(self, user):
        spanish = PostFactory(author=user, body="Las canciones", language="es")
        unknown = PostFactory(author=user, body="?", language=None)
        document = PostDocument().prepare(spanish)
        assert document["body"] == document["body_es"] == "Las canciones"
        assert "body_en" not in document
        assert document["author_id"] == user.pk and document["author_active"] is True
        assert not {"body_en", "body_es", "body_fr", "body_de"} & set(
            PostDocument().prepare(unknown)
        )

    def test_only_active_members_are_people(self, user):
        UserFactory(is_active=False)
        assert list(PersonDocument().get_queryset()) == [user]
        assert PersonDocument().prepare(user)["words"] == f"{user.username} {user.about_me}"


class TestWrites:
    """What the sync tasks send (Elasticsearch's bulk helper stands in for the cluster)."""

    class Sent(list):
        """The actions sent, and the item errors the next answers report."""

        errors: list

    @pytest.fixture
    def sent(self, monkeypatch):
        """The actions sent; the answer's item errors are `sent.errors`."""
        sent = self.Sent()
        sent.errors = []

        def bulk(client, actions, **kwargs):
            sent.extend(actions)
            return len(sent), sent.errors

        monkeypatch.setattr("posts.search.elastic_index.bulk", bulk)
        return sent

    def test_writes_need_the_alias_and_deleting_nothing_is_no_failure(self, sent, user):
        post = PostFactory(author=user, body="Hello")
        elastic_index.post_sync(post_id=post.pk)
        assert sent[0]["_op_type"] == "index" and sent[0]["require_alias"] is True
        assert sent[0]["_index"] == PostDocument._index._name
        assert sent[0]["_source"]["body"] == "Hello"
        sent.errors.append({"delete": {"status": 404, "result": "not_found"}})
        elastic_index.post_sync(post_id=post.pk + 1)  # no such post: its document goes
        assert sent[1] == {"_op_type": "delete", "_index": PostDocument._index._name,
                           "_id": post.pk + 1}  # fmt: skip

    def test_a_missing_index_is_a_failure_to_retry(self, sent, user):
        sent.errors.append({"index": {"status": 404, "error": {"type": "index_not_found"}}})
        with pytest.raises(elastic.ElasticUnavailable, match="index_not_found"):
            elastic_index.post_sync(post_id=PostFactory(author=user).pk)

    def test_during_a_rebuild_changes_go_to_the_new_index_too(self, sent, user):
        alias = PostDocument._index._name
        cache.set(elastic_index.REBUILDING_KEY, {alias: f"{alias}-new"})
        elastic_index.post_sync(post_id=PostFactory(author=user).pk)
        assert [(a["_index"], a["require_alias"]) for a in sent] == [
            (alias, True), (f"{alias}-new", False)
        ]  # fmt: skip


class TestQueries:
    def test_posts_newest_first_every_phrase_in_any_language_field(self):
        body = elastic.post_query(search_query_parse('"my coffee" -tea'), author_ids=None,
                                  excluded_author_ids=[], best_match=False)  # fmt: skip
        query = body["query"]["bool"]
        assert body["sort"] == [{"id": "desc"}]
        assert body["_source"] is False
        [phrase] = [clause for clause in query["filter"] if "bool" in clause]
        assert {"match_phrase": {"body_es": "my coffee"}} in phrase["bool"]["should"]
        assert {"match_phrase": {"body": "my coffee"}} in phrase["bool"]["should"]
        assert query["must_not"][0]["bool"]["should"][0] == {"match_phrase": {"body": "tea"}}
        assert {"term": {"author_active": True}} in query["filter"]

    def test_best_match_scores_and_authors_filter(self):
        body = elastic.post_query(search_query_parse("coffee"), author_ids=[3],
                                  excluded_author_ids=[4], best_match=True)  # fmt: skip
        query = body["query"]["bool"]
        assert body["sort"][0] == {"_score": "desc"}
        assert len(query["must"]) == 1
        assert {"terms": {"author_id": [3]}} in query["filter"]
        assert {"terms": {"author_id": [4]}} in query["must_not"]

    def test_people_exact_username_then_followed_then_most_followed(self):
        body = elastic.people_query(search_query_parse("ana l"), exact="ana l",
                                    followed_ids=[7, 8])  # fmt: skip
        should = body["query"]["bool"]["should"]
        assert should[0]["constant_score"] == {"filter": {"term": {"username": "ana l"}},
                                               "boost": 2}  # fmt: skip
        assert should[1]["constant_score"]["filter"] == {"ids": {"values": ["7", "8"]}}
        assert body["sort"][1:] == [{"follower_count": "desc"}, {"id": "asc"}]

    def test_an_unknown_author_finds_nothing_without_asking(self, settings):
        settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"
        assert elastic.post_ids(search_query_parse("from:nobody x"), best_match=False,
                                offset=0, limit=10) == []  # fmt: skip


class TestSignalsToTasks:
    def test_tasks_are_enqueued_after_commit_only(
        self, settings, recorded_tasks, user, django_capture_on_commit_callbacks
    ):
        settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            post = post_create(author=user, body="Hello there")
            assert recorded_tasks == []  # not before the commit
        assert ("search_post_sync", {"post_id": post.pk}) in enqueued(recorded_tasks)
        assert callbacks

    def test_a_rolled_back_post_enqueues_nothing(
        self, settings, recorded_tasks, user, django_capture_on_commit_callbacks
    ):
        settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            post_create(author=user, body="Never mind")
            raise RuntimeError
        assert recorded_tasks == []
        assert not Post.objects.exists()

    def test_deletes_and_member_changes_but_not_last_seen(
        self, settings, recorded_tasks, user, django_capture_on_commit_callbacks
    ):
        settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"
        post = PostFactory(author=user)
        post_id = post.pk
        with django_capture_on_commit_callbacks(execute=True):
            post_delete(post=post, actor=user)
            user.last_seen = timezone.now()
            user.save(update_fields=["last_seen"])
            user.about_me = "New words"
            user.save(update_fields=["about_me"])
        names = enqueued(recorded_tasks)
        assert ("search_post_sync", {"post_id": post_id}) in names
        assert names.count(("search_person_sync", {"user_id": user.pk})) == 1

    def test_nothing_is_enqueued_without_elasticsearch(
        self, recorded_tasks, user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            post_create(author=user, body="Hello there")
        assert recorded_tasks == []


class TestRefusingElasticsearch:
    def test_posting_works_and_search_falls_back(self, refusing_elasticsearch, member_client,
                                                 user, settings):  # fmt: skip
        response = member_client.post(reverse("home"), {"body": "Zeppelins are back"})
        assert response.status_code == 302
        assert Post.objects.filter(body="Zeppelins are back").exists()
        response = member_client.get(reverse("search"), {"q": "zeppelin"})
        assert response.status_code == 200
        assert "<mark>Zeppelins</mark> are back" in response.content.decode()
        assert member_client.get(reverse("search"), {"q": "ze", "type": "people"}).status_code \
            == 200  # fmt: skip

    def test_the_breaker_stops_asking_after_three_failures(self, refusing_elasticsearch, user):
        PostFactory(author=user, body="coffee time")
        for _ in range(3):
            assert [post.body for post in post_search(text="coffee", per_page=5).items] == [
                "coffee time"
            ]
        assert elastic.breaker.is_open
        with pytest.raises(elastic.ElasticUnavailable, match="breaker"):
            elastic.post_ids(search_query_parse("coffee"), best_match=False, offset=0, limit=1)

    def test_a_cluster_without_our_indexes_is_unavailable_too(self, settings, user,
                                                              monkeypatch):  # fmt: skip
        settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"
        PostFactory(author=user, body="coffee time")
        meta = ApiResponseMeta(status=404, http_version="1.1", headers=HttpHeaders(),
                               duration=0.0, node=NodeConfig("http", "127.0.0.1", 1))  # fmt: skip

        def missing_index(*args, **kwargs):
            raise NotFoundError("index_not_found_exception", meta, {})

        monkeypatch.setattr("elasticsearch.dsl.Search.execute", missing_index)
        assert [post.body for post in post_search(text="coffee", per_page=5).items] == [
            "coffee time"
        ]

    def test_changes_wait_in_retried_tasks(self, refusing_elasticsearch, recorded_tasks, user):
        post = PostFactory(author=user, body="Written during the outage")
        assert search_post_sync.call(post_id=post.pk) is False
        [retry] = recorded_tasks
        assert retry.task.name == "search_post_sync"
        assert retry.kwargs == {"post_id": post.pk, "attempt": 1}
        assert retry.task.run_after > timezone.now()
        assert search_person_sync.call(user_id=user.pk, attempt=29) is False
        assert len(recorded_tasks) == 1  # attempts used up: logged, not retried

    def test_without_a_deferring_backend_the_failure_is_logged(self, refusing_elasticsearch,
                                                               user, caplog):  # fmt: skip
        post = PostFactory(author=user, body="Written during the outage")
        with caplog.at_level(logging.ERROR, logger="core.tasks"):
            assert search_post_sync.call(post_id=post.pk) is False
        assert "will not be retried" in caplog.text
