"""Reads for the search page and API: a page of posts or people matching what was typed.

The backend finds ids; the database gives the posts and people themselves, through the
same selectors as every other page, so whatever the backend holds, only visible posts of
active members are ever shown (a post deleted a moment ago included).
"""

from dataclasses import dataclass

from accounts.selectors import visible_users
from core.text import clean_text
from posts.search import database, elastic
from posts.search.query import SearchQuery, search_query_parse
from posts.selectors import explore_posts

# Deeper pages cost more and serve no one; a search that needs them needs more words.
MAX_PAGES = 50


@dataclass(frozen=True)
class SearchResults:
    """One page of results: the `search` understood, its items and whether more follow."""

    search: SearchQuery
    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        """Whether there is a page before this one."""
        return self.number > 1


def _ids(functions, *args, **kwargs) -> list[int]:
    """Elasticsearch's answer when it is configured and answers, else the database's (whose
    index is always in step)."""
    elastic_function, database_function = functions
    if elastic.enabled():
        try:
            return elastic_function(*args, **kwargs)
        except elastic.ElasticUnavailable:
            pass
    return database_function(*args, **kwargs)


def _page(search, number: int, per_page: int, find, load) -> SearchResults:
    number = min(max(number, 1), MAX_PAGES)
    if not search:
        return SearchResults(search=search, items=[], number=number, has_next=False)
    ids = find(offset=(number - 1) * per_page, limit=per_page + 1)
    found = load(ids[:per_page])
    items = [found[pk] for pk in ids[:per_page] if pk in found]
    has_next = len(ids) > per_page and number < MAX_PAGES
    return SearchResults(search=search, items=items, number=number, has_next=has_next)


def post_search(*, text: str, best_match: bool = False, number: int = 1, per_page: int):
    """Page `number` of the visible posts matching `text`, newest (or best) first."""
    search = search_query_parse(text)

    def find(*, offset, limit):
        return _ids((elastic.post_ids, database.post_ids), search, best_match=best_match,
                    offset=offset, limit=limit)  # fmt: skip

    return _page(search, number, per_page, find, explore_posts().in_bulk)


def people_search(*, text: str, searcher, number: int = 1, per_page: int):
    """Page `number` of the active members whose username or about me has words starting
    as `text`'s do: the exact username first, then people `searcher` follows, then the most
    followed."""
    search = search_query_parse(text)
    search = SearchQuery(phrases=search.phrases, excluded=search.excluded)  # no from: here
    exact = clean_text(text).lstrip("@").lower()

    def find(*, offset, limit):
        return _ids((elastic.people_ids, database.people_ids), search, exact=exact,
                    searcher=searcher, offset=offset, limit=limit)  # fmt: skip

    return _page(search, number, per_page, find, visible_users().in_bulk)
