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


def _pg_people_tsquery(phrases, excluded) -> tuple[str, list[str]]:
    """A tsquery expression and its parameters: the last word of each phrase may be the
    start of a word (people are indexed without stems, in one configuration)."""
    prefixes = [" <-> ".join(f"'{word}'" for word in phrase) + ":*" for phrase in phrases]
    required = ["to_tsquery('microblog_simple', %s)"] * len(prefixes)
    unwanted = ["!!websearch_to_tsquery('microblog_simple', %s)"] * len(excluded)
    params = prefixes + [f'"{" ".join(phrase)}"' for phrase in excluded]
    return "(" + " && ".join(required + unwanted) + ")", params


def _pg_posts_tsquery(phrases, excluded) -> str | None:
    """The tsquery (as text) of posts matching `search`: each phrase in the configuration of
    any language, read by websearch_to_tsquery (quoted, it is a phrase and nothing else).
    Worked out by a query of its own, duplicates dropped, so that the planner sees plain
    words and can tell how common they are. None when a phrase has no word PostgreSQL
    indexes (nothing can match it)."""
    texts = [f'"{" ".join(phrase)}"' for phrase in (*phrases, *excluded)]
    columns = ", ".join(f"websearch_to_tsquery('{config}', %s)::text"
                        for _text in texts for config in PG_CONFIGS)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}", [text for text in texts for _config in PG_CONFIGS])
        row = cursor.fetchone()
    n = len(PG_CONFIGS)
    variants = [
        [v for v in dict.fromkeys(row[i * n : (i + 1) * n]) if v] for i in range(len(texts))
    ]
    parts = []
    for i, found in enumerate(variants):
        if not found:
            if i < len(phrases):
                return None
            continue
        either = "(" + " | ".join(f"({variant})" for variant in found) + ")"
        parts.append(either if i < len(phrases) else f"!{either}")
    return " & ".join(parts)


def _sqlite_post_ids(search: SearchQuery, *, best_match: bool, offset: int, limit: int):
    # The joins keep posts of active members only, as posts.selectors.visible_posts does.
    where, params = ["u.is_active"], []
    if search.phrases:
        # FTS5 leads: it yields matches by rowid, newest first, and the LIMIT stops it early.
        source = "posts_post_fts JOIN posts_post p ON p.id = posts_post_fts.rowid"
        where.append("posts_post_fts MATCH %s")
        params.append(_fts5_match(search.phrases, search.excluded))
        order = "posts_post_fts.rank, p.id DESC" if best_match else "posts_post_fts.rowid DESC"
    else:  # an author's posts, maybe without some words
        source, order = "posts_post p", "p.id DESC"
        if search.excluded:
            where.append(
                "p.id NOT IN (SELECT rowid FROM posts_post_fts WHERE posts_post_fts MATCH %s)"
            )
            params.append(" OR ".join(f'"{" ".join(phrase)}"' for phrase in search.excluded))
    for authors, operator in ((search.authors, "IN"), (search.excluded_authors, "NOT IN")):
        if authors:
            where.append(f"lower(u.username) {operator} ({', '.join(['%s'] * len(authors))})")
            params += authors
    sql = (
        f"SELECT p.id FROM {source} JOIN accounts_user u ON u.id = p.author_id "
        f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return [pk for (pk,) in cursor.fetchall()]


# PostgreSQL's planner cannot tell a rare word from a common one well enough to choose
# between walking the posts newest first (fast for a common word, a read of every post for
# a rare one) and the GIN index (fast for a rare word, a read of every match of a common
# one). So the newest RECENT_POSTS are looked through first, which holds any page of a
# common word; only when the page is not filled there (a rare word) does the index list
# every match: PostgreSQL skips the second half of the UNION when its condition is false.
RECENT_POSTS = 5_000
PG_NEWEST = """
WITH recent AS MATERIALIZED (
    SELECT m.id FROM (
        SELECT id, author_id, search_vector FROM posts_post ORDER BY id DESC LIMIT %(window)s
    ) m JOIN accounts_user u ON u.id = m.author_id
    WHERE u.is_active AND m.search_vector @@ %(tsquery)s::tsquery
    ORDER BY m.id DESC LIMIT %(wanted)s
), every AS MATERIALIZED (
    SELECT id, author_id FROM posts_post WHERE search_vector @@ %(tsquery)s::tsquery
)
(SELECT id FROM recent WHERE (SELECT count(*) FROM recent) = %(wanted)s
 ORDER BY id DESC OFFSET %(offset)s)
UNION ALL
(SELECT e.id FROM every e JOIN accounts_user u ON u.id = e.author_id
 WHERE u.is_active AND (SELECT count(*) FROM recent) < %(wanted)s
 ORDER BY e.id DESC LIMIT %(limit)s OFFSET %(offset)s)
"""  # posts of active members only, as posts.selectors.visible_posts keeps


def _pg_newest_post_ids(tsquery: str, *, offset: int, limit: int) -> list[int]:
    params = {"window": RECENT_POSTS, "tsquery": tsquery, "wanted": offset + limit,
              "offset": offset, "limit": limit}  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(PG_NEWEST, params)
        return [pk for (pk,) in cursor.fetchall()]


def post_ids(search: SearchQuery, *, best_match: bool, offset: int, limit: int) -> list[int]:
    """The ids of visible posts matching `search`, newest (or best) first, from `offset`."""
    if connection.vendor == "sqlite":
        return _sqlite_post_ids(search, best_match=best_match, offset=offset, limit=limit)
    tsquery = None
    if search.phrases or search.excluded:
        tsquery = _pg_posts_tsquery(search.phrases, search.excluded)
        if tsquery is None:
            return []
    if search.phrases and not (best_match or search.authors or search.excluded_authors):
        return _pg_newest_post_ids(tsquery, offset=offset, limit=limit)
    posts = visible_posts().alias(author_lower=Lower("author__username"))
    if search.authors:
        posts = posts.filter(author_lower__in=search.authors)
    if search.excluded_authors:
        posts = posts.exclude(author_lower__in=search.excluded_authors)
    posts = posts.order_by("-id")
    if tsquery:
        matches = RawSQL("posts_post.search_vector @@ %s::tsquery", [tsquery],
                         output_field=BooleanField())  # fmt: skip
        posts = posts.filter(matches)
        if best_match and search.phrases:
            rank = RawSQL("ts_rank(posts_post.search_vector, %s::tsquery)", [tsquery])
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
        tsquery, params = _pg_people_tsquery(search.phrases, search.excluded)
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
