"""The database's own search index: created, checked, repaired and rebuilt.

- SQLite: external-content FTS5 tables beside `posts_post` (bodies, Porter stems) and
  `accounts_user` (usernames and about me, for prefixes), kept in step by triggers.
- PostgreSQL: a stored, generated `search_vector` on posts, stemmed by the post's language
  (see `STEMMED_LANGUAGES`), with a GIN index; an expression GIN index on people.

Both index words as `posts.search.query.words_of` splits them: runs of letters and digits,
accents aside. `schema_install` creates it all (migration posts.0002).
"""

from django.db import connection, connections, transaction

from posts.languages import STEMMED_LANGUAGES

# PostgreSQL: one text search configuration per stemmed language, and one without stems.
PG_CONFIGS = [f"microblog_{name}" for name in STEMMED_LANGUAGES.values()] + ["microblog_simple"]
PG_WORDS = "regexp_replace({}, '[^[:alnum:]]+', ' ', 'g')"
PG_POST_VECTOR = "to_tsvector(CASE split_part(language, '-', 1) {} ELSE 'microblog_simple'::regconfig END, {})".format(  # noqa: E501
    " ".join(f"WHEN '{code}' THEN 'microblog_{name}'::regconfig"
             for code, name in STEMMED_LANGUAGES.items()),
    PG_WORDS.format("body"),
)  # fmt: skip
PG_PERSON_VECTOR = "to_tsvector('microblog_simple'::regconfig, {})".format(
    PG_WORDS.format("accounts_user.username || ' ' || accounts_user.about_me")
)
PG_TOKENS = "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, hword_numpart"  # noqa: E501


def _pg_schema() -> list[str]:
    statements = ["CREATE EXTENSION IF NOT EXISTS unaccent"]
    dictionaries = {"microblog_simple": "simple"}
    for name in STEMMED_LANGUAGES.values():
        # Snowball stemmers without their stop words: "the who" is a band, and SQLite's
        # index has no stop words either.
        statements.append(
            f"CREATE TEXT SEARCH DICTIONARY microblog_{name}_stem "
            f"(TEMPLATE = snowball, Language = {name})"
        )
        dictionaries[f"microblog_{name}"] = f"microblog_{name}_stem"
    for config, dictionary in dictionaries.items():
        statements += [
            f"CREATE TEXT SEARCH CONFIGURATION {config} (COPY = simple)",
            f"ALTER TEXT SEARCH CONFIGURATION {config} "
            f"ALTER MAPPING FOR {PG_TOKENS} WITH unaccent, {dictionary}",
        ]
    return [
        *statements,
        f"ALTER TABLE posts_post ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({PG_POST_VECTOR}) STORED",
        "CREATE INDEX posts_post_search_idx ON posts_post USING gin (search_vector)",
        # A finer picture of how common each word is, for the planner's choices.
        "ALTER TABLE posts_post ALTER COLUMN search_vector SET STATISTICS 1000",
        f"CREATE INDEX accounts_user_search_idx ON accounts_user USING gin (({PG_PERSON_VECTOR}))",
    ]


def _pg_unschema() -> list[str]:
    return [
        "DROP INDEX IF EXISTS accounts_user_search_idx",
        "ALTER TABLE posts_post DROP COLUMN IF EXISTS search_vector",
        *(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {config}" for config in PG_CONFIGS),
        *(f"DROP TEXT SEARCH DICTIONARY IF EXISTS microblog_{name}_stem"
          for name in STEMMED_LANGUAGES.values()),
    ]  # fmt: skip


# SQLite: (FTS table, content table, indexed columns, tokenizer options)
SQLITE_TABLES = [
    ("posts_post_fts", "posts_post", ["body"], "tokenize='porter unicode61 remove_diacritics 2'"),
    (
        "accounts_user_fts",
        "accounts_user",
        ["username", "about_me"],
        "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'",
    ),
]


def _sqlite_triggers(fts: str, table: str, columns: list[str]) -> list[str]:
    names = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {names} ON {table} "
        f"BEGIN {delete} {insert} END",
    ]


def _sqlite_unschema() -> list[str]:
    statements = []
    for fts, _table, _columns, _options in SQLITE_TABLES:
        statements += [f"DROP TRIGGER IF EXISTS {fts}_{event}"
                       for event in ("insert", "delete", "update")]  # fmt: skip
        statements.append(f"DROP TABLE IF EXISTS {fts}")
    return statements


def _sqlite_schema() -> list[str]:
    statements = []
    for fts, table, columns, options in SQLITE_TABLES:
        statements += [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(columns)}, "
            f"content='{table}', content_rowid='id', {options})",
            *_sqlite_triggers(fts, table, columns),
        ]
    return statements


def schema_install(schema_editor) -> None:
    """Create the search tables, triggers, columns and indexes of this database."""
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": _sqlite_schema, "postgresql": _pg_schema}[vendor]():
        schema_editor.execute(statement)
    if vendor == "sqlite":  # the rows written before
        for fts, _table, _columns, _options in SQLITE_TABLES:
            schema_editor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def schema_uninstall(schema_editor) -> None:
    """Drop what `schema_install` made."""
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": _sqlite_unschema, "postgresql": _pg_unschema}[vendor]():
        schema_editor.execute(statement)


def schema_repair(using: str = "default") -> bool:
    """Put back SQLite triggers a later migration dropped, and re-index; True if it had to.

    Django's SQLite migrations rebuild a table to alter it, and the triggers go with it.
    """
    target = connections[using]
    if target.vendor != "sqlite":
        return False
    with target.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {name for (name,) in cursor.fetchall()}
        repaired = False
        for fts, table, columns, _options in SQLITE_TABLES:
            triggers = _sqlite_triggers(fts, table, columns)
            names = [statement.split()[2] for statement in triggers]
            if fts not in present or all(name in present for name in names):
                continue
            for name, statement in zip(names, triggers, strict=True):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
            repaired = True
    return repaired


def index_counts() -> dict[str, tuple[int, int]]:
    """{"posts": (indexed, in the database), "people": (...)} for `manage.py search status`."""
    counts = {}
    with connection.cursor() as cursor:
        for kind, (fts, table, _columns, _options) in zip(("posts", "people"), SQLITE_TABLES,
                                                          strict=True):  # fmt: skip
            cursor.execute(f"SELECT count(*) FROM {table}")
            (rows,) = cursor.fetchone()
            if connection.vendor == "sqlite":
                cursor.execute(f"SELECT count(*) FROM {fts}_docsize")
                (indexed,) = cursor.fetchone()
            else:  # generated and indexed by PostgreSQL itself, with every row
                indexed = rows
            counts[kind] = (indexed, rows)
    return counts


def reindex(*, batch_size: int = 10_000, progress=None) -> None:
    """Rebuild the database's search index, `batch_size` rows per transaction (SQLite);
    `progress(kind, done, total)` is told after each batch."""
    if connection.vendor != "sqlite":
        # The vectors are generated columns, always in step: only the indexes are rebuilt.
        with connection.cursor() as cursor:
            for kind, index in (("posts", "posts_post_search_idx"),
                                ("people", "accounts_user_search_idx")):  # fmt: skip
                cursor.execute(f"REINDEX INDEX CONCURRENTLY {index}")
                if progress:
                    progress(kind, 1, 1)
        return
    schema_repair()
    for kind, (fts, table, columns, _options) in zip(("posts", "people"), SQLITE_TABLES,
                                                     strict=True):  # fmt: skip
        names = ", ".join(columns)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")
            (total,) = cursor.fetchone()
            with transaction.atomic():
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('delete-all')")
            done, last = 0, 0
            while True:
                with transaction.atomic():
                    cursor.execute(
                        f"SELECT max(id), count(*) FROM (SELECT id FROM {table} WHERE id > %s "
                        f"ORDER BY id LIMIT %s)",
                        [last, batch_size],
                    )
                    top, count = cursor.fetchone()
                    if not count:
                        break
                    cursor.execute(
                        f"INSERT INTO {fts}(rowid, {names}) SELECT id, {names} FROM {table} "
                        f"WHERE id > %s AND id <= %s",
                        [last, top],
                    )
                done, last = done + count, top
                if progress:
                    progress(kind, done, total)
            with transaction.atomic():
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")
