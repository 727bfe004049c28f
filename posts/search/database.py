"""Search in the database's own index (see posts.search.schema): SQLite's FTS5 or
PostgreSQL's text search.

Only the words of a SearchQuery reach either, quoted: what a person types never reaches
FTS5's or tsquery's syntax. Results come newest first in the order they were posted (by
id: the index hands them over in that order, so a common word costs what a rare one does),
or best match first.
"""

from django.db import connection
from django.db.models import BooleanField, Case, Exists, F, IntegerField, OuterRef, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from accounts.selectors import visible_users
from posts.search.query import SearchQuery
from posts.search.schema import PG_CONFIGS, PG_PERSON_VECTOR
from posts.selectors import visible_posts
from social.models import Follow


def _fts5_match(phrases, excluded, *, prefix: bool = False) -> str:
    """An FTS5 query: every phrase quoted (words hold no quote), all required, none excluded."""
    star = " *" if prefix else ""
    required = " AND ".join(f'"{" ".join(phrase)}"{star}' for phrase in phrases)
    return "".join([f"({required})", *(f' NOT "{" ".join(phrase)}"' for phrase in excluded)])


def _pg_tsquery(phrases, excluded, *, prefix: bool = False) -> tuple[str, list[str]]:
    """A tsquery expression and its parameters: each phrase in any configuration."""
    if prefix:  # people: the last word of each phrase may be the start of a word
        configs, function = ["microblog_simple"], "to_tsquery"
        texts = [" <-> ".join(f"'{word}'" for word in phrase) + ":*" for phrase in phrases]
    else:  # each phrase quoted: websearch_to_tsquery reads it as a phrase, nothing else
        configs, function = PG_CONFIGS, "websearch_to_tsquery"
        texts = [f'"{" ".join(phrase)}"' for phrase in phrases]
    any_config = "(" + " || ".join(f"{function}('{config}', %s)" for config in configs) + ")"
    excluded_any = "(" + " || ".join(f"websearch_to_tsquery('{c}', %s)" for c in configs) + ")"
    sql = " && ".join([any_config] * len(texts) + [f"!!{excluded_any}"] * len(excluded))
    params = [text for text in texts for _config in configs]
    params += [f'"{" ".join(phrase)}"' for phrase in excluded for _config in configs]
    return f"({sql})", params


def _sqlite_post_ids(search: SearchQuery, *, best_match: bool, offset: int, limit: int):
    # FTS5 leads: it yields matches by rowid, newest first, and the LIMIT stops it early.
    # The joins keep posts of active members only, as posts.selectors.visible_posts does.
    where, params = (
        ["posts_post_fts MATCH %s", "u.is_active"],
        [_fts5_match(search.phrases, search.excluded)],
    )
    for authors, operator in ((search.authors, "IN"), (search.excluded_authors, "NOT IN")):
        if authors:
            where.append(f"lower(u.username) {operator} ({', '.join(['%s'] * len(authors))})")
            params += authors
    order = "posts_post_fts.rank, p.id DESC" if best_match else "posts_post_fts.rowid DESC"
    sql = (
        "SELECT p.id FROM posts_post_fts JOIN posts_post p ON p.id = posts_post_fts.rowid "
        f"JOIN accounts_user u ON u.id = p.author_id WHERE {' AND '.join(where)} "
        f"ORDER BY {order} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return [pk for (pk,) in cursor.fetchall()]


def post_ids(search: SearchQuery, *, best_match: bool, offset: int, limit: int) -> list[int]:
    """The ids of visible posts matching `search`, newest (or best) first, from `offset`."""
    if search.phrases and connection.vendor == "sqlite":
        return _sqlite_post_ids(search, best_match=best_match, offset=offset, limit=limit)
    posts = visible_posts().alias(author_lower=Lower("author__username"))
    if search.authors:
        posts = posts.filter(author_lower__in=search.authors)
    if search.excluded_authors:
        posts = posts.exclude(author_lower__in=search.excluded_authors)
    posts = posts.order_by("-id")
    if search.phrases:
        tsquery, params = _pg_tsquery(search.phrases, search.excluded)
        matches = RawSQL(f"posts_post.search_vector @@ {tsquery}", params,
                         output_field=BooleanField())  # fmt: skip
        posts = posts.filter(matches)
        if best_match:
            tsquery, params = _pg_tsquery(search.phrases, ())
            rank = RawSQL(f"ts_rank(posts_post.search_vector, {tsquery})", params)
            posts = posts.alias(rank=rank).order_by(F("rank").desc(), "-id")
    return list(posts.values_list("pk", flat=True)[offset : offset + limit])


def people_ids(search: SearchQuery, *, exact: str, searcher, offset: int, limit: int):
    """The ids of active members whose username or about me has words starting as the
    phrases of `search` do: username `exact` first, then people `searcher` follows, then
    the most followed."""
    if connection.vendor == "sqlite":
        sql = "accounts_user.id IN (SELECT rowid FROM accounts_user_fts WHERE accounts_user_fts MATCH %s)"  # noqa: E501
        params = [_fts5_match(search.phrases, search.excluded, prefix=True)]
    else:
        tsquery, params = _pg_tsquery(search.phrases, search.excluded, prefix=True)
        sql = f"{PG_PERSON_VECTOR} @@ {tsquery}"
    followed = (
        Exists(Follow.objects.filter(follower=searcher.pk, followed=OuterRef("pk")))
        if searcher.is_authenticated
        else Value(False)
    )
    people = (
        visible_users()
        .filter(RawSQL(sql, params, output_field=BooleanField()))
        .alias(
            exact=Case(When(username__iexact=exact, then=1), default=0,
                       output_field=IntegerField()),
            followed=followed,
        )
        .order_by("-exact", "-followed", "-follower_count", "pk")
    )  # fmt: skip
    return list(people.values_list("pk", flat=True)[offset : offset + limit])
