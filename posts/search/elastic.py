"""Search in Elasticsearch (when ELASTICSEARCH_URL is set): the queries, the documents'
upkeep and the rebuild behind an alias.

Every call goes through `call`: a failure or a timeout raises ElasticUnavailable (callers
fall back to the database, or retry later) and counts towards a circuit breaker, which
keeps a failing cluster from being asked again for COOLDOWN_SECONDS, in every process.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models.functions import Lower
from elastic_transport import TransportError
from elasticsearch import ApiError
from elasticsearch.helpers import BulkIndexError

from accounts.selectors import visible_users
from core.breaker import CircuitBreaker
from posts.documents import POST_TEXT_FIELDS, PersonDocument, PostDocument
from posts.search.query import SearchQuery
from social.models import Follow

logger = logging.getLogger(__name__)
breaker = CircuitBreaker("elasticsearch", failures=3, cooldown_seconds=30)
# Whom a person search puts first among those one follows: the first this many.
MAX_FOLLOWED = 10_000


class ElasticUnavailable(Exception):
    """Elasticsearch failed, timed out, or is left alone for a while (the breaker)."""


def enabled() -> bool:
    """Whether search uses Elasticsearch (ELASTICSEARCH_URL is set)."""
    return bool(settings.ELASTICSEARCH_URL)


def client():
    """The Elasticsearch client (django-elasticsearch-dsl's connection)."""
    return PostDocument._get_connection()


def call(function, *args, **kwargs):
    """function(*args, **kwargs), or ElasticUnavailable (a missing index included: until
    `manage.py search reindex` has made it, the database answers)."""
    if breaker.is_open:
        raise ElasticUnavailable("the circuit breaker is open")
    try:
        result = function(*args, **kwargs)
    except (ApiError, TransportError, BulkIndexError) as error:
        logger.warning("Elasticsearch failed (the database answers meanwhile): %s", error)
        breaker.failed()
        raise ElasticUnavailable(str(error)) from error
    breaker.succeeded()
    return result


def _phrase(words: tuple[str, ...], fields: list[str]) -> dict:
    """These words in this order, in any of `fields`."""
    text = " ".join(words)
    return {"bool": {"should": [{"match_phrase": {field: text}} for field in fields],
                     "minimum_should_match": 1}}  # fmt: skip


def post_query(search: SearchQuery, *, author_ids, excluded_author_ids, best_match: bool):
    """The search body for posts matching `search` (by the authors with these ids, if not
    None, and not those excluded), newest (or best) first."""
    phrases = [_phrase(phrase, POST_TEXT_FIELDS) for phrase in search.phrases]
    query = {
        "must" if best_match else "filter": phrases,
        "must_not": [_phrase(phrase, POST_TEXT_FIELDS) for phrase in search.excluded],
    }
    filters = [{"term": {"author_active": True}}]
    if author_ids is not None:
        filters.append({"terms": {"author_id": author_ids}})
    if excluded_author_ids:
        query["must_not"].append({"terms": {"author_id": excluded_author_ids}})
    query.setdefault("filter", []).extend(filters)
    sort = [{"_score": "desc"}, {"id": "desc"}] if best_match else [{"id": "desc"}]
    return {"query": {"bool": query}, "sort": sort, "_source": False}


def people_query(search: SearchQuery, *, exact: str, followed_ids) -> dict:
    """The search body for people whose words start as `search`'s do: the username
    `exact` first, then people with these ids, then the most followed."""
    return {
        "query": {"bool": {
            "filter": [_phrase(phrase, ["words"]) for phrase in search.phrases],
            "must_not": [_phrase(phrase, ["words"]) for phrase in search.excluded],
            "should": [
                {"constant_score": {"filter": {"term": {"username": exact}}, "boost": 2}},
                {"constant_score": {"filter": {"ids": {"values": [str(pk) for pk in
                                                                  followed_ids]}},
                                    "boost": 1}},
            ],
        }},
        "sort": [{"_score": "desc"}, {"follower_count": "desc"}, {"id": "asc"}],
        "_source": False,
    }  # fmt: skip


def _ids(document, body: dict, offset: int, limit: int) -> list[int]:
    search = document.search().update_from_dict(body).extra(from_=offset, size=limit)
    response = call(search.execute)
    return [int(hit.meta.id) for hit in response]


def _author_ids(usernames) -> list[int]:
    users = visible_users().alias(username_lower=Lower("username"))
    return list(users.filter(username_lower__in=usernames).values_list("pk", flat=True))


def post_ids(search: SearchQuery, *, best_match: bool, offset: int, limit: int) -> list[int]:
    """The ids of posts matching `search`, newest (or best) first, from `offset` on."""
    author_ids = _author_ids(search.authors) if search.authors else None
    if author_ids == []:
        return []
    excluded = _author_ids(search.excluded_authors) if search.excluded_authors else []
    body = post_query(search, author_ids=author_ids, excluded_author_ids=excluded,
                      best_match=best_match)  # fmt: skip
    return _ids(PostDocument, body, offset, limit)


def people_ids(search: SearchQuery, *, exact: str, searcher, offset: int, limit: int):
    """The ids of people matching `search`, as database.people_ids orders them."""
    followed = []
    if searcher.is_authenticated:
        follows = Follow.objects.filter(follower=searcher).values_list("followed_id", flat=True)
        followed = list(follows[:MAX_FOLLOWED])
    body = people_query(search, exact=exact, followed_ids=followed)
    return _ids(PersonDocument, body, offset, limit)


def client_address() -> str:
    """Where Elasticsearch is, without the credentials of ELASTICSEARCH_URL."""
    parts = urlsplit(settings.ELASTICSEARCH_URL)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
