"""Backups of the site's data (database, avatars, generated secret key) and their restore.

A backup is one folder, `microblog-backup-<UTC time>`, written under a hidden temporary
name and renamed once complete, so a folder with that name is always whole. It holds:

- `manifest.json`: when, which database engine, the migrations applied, rows per table and
  media files (read in the same snapshot as the dump), each file's size and SHA-256;
- `database.sqlite3` (SQLite's online backup API: one read transaction, consistent while
  the site keeps writing) or `database.pgdump` (`pg_dump --format=custom`);
- `media.tar`: MEDIA_ROOT (avatars), unless the files live in object storage;
- `secret_key`: the key file the site generated, when SECRET_KEY is not set in the
  environment (sessions and password-reset links are signed with it).

Members' export archives (PRIVATE_FILES_ROOT) are left out: they are rebuilt on request and
deleted after EXPORT_KEEP_DAYS anyway.
"""

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from io import StringIO
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media.tar"
SECRET_KEY = "secret_key"
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
LEFT_OUT = (
    "members' export archives (PRIVATE_FILES_ROOT): temporary, deleted after "
    "EXPORT_KEEP_DAYS; members can export again"
)
# The rows a person reads in the summary; every table is counted and checked.
SUMMARY = {"members": "accounts.User", "posts": "posts.Post", "follows": "social.Follow",
           "messages": "messaging.Message"}  # fmt: skip
# libpq reads these from the environment: pg_dump and pg_restore connect as Django does,
# and no secret ever appears on a command line (`ps` shows those to every local user).
LIBPQ_ENVIRONMENT = {
    "HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD",
    "NAME": "PGDATABASE",
}  # fmt: skip
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY", "passfile": "PGPASSFILE", "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT", "options": "PGOPTIONS",
    "application_name": "PGAPPNAME", "target_session_attrs": "PGTARGETSESSIONATTRS",
}  # fmt: skip

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why."""


def _quiet(message: str) -> None:
    pass


# Backup


def backup_create(*, directory: Path, using: str = "default", say: Say = _quiet) -> Path:
    """Write a backup folder of the site under `directory`; its path."""
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    final = _free_name(directory, f"microblog-backup-{stamp}")
    partial = directory / f".{final.name}.partial"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # The backup holds password hashes, private messages and maybe the secret key.
        partial.mkdir(mode=0o700)
    except OSError as error:
        raise BackupError(f"Cannot write a backup in {directory}: {error.strerror}.") from error
    try:
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "engine": vendor,
            "versions": _versions(),
        }
        database = partial / DATABASE_FILES[vendor]
        say(f"Database ({ENGINE_NAMES[vendor]}): copying…")
        if vendor == "sqlite":
            facts = _sqlite_backup(settings_dict=connection.settings_dict, target=database)
        else:
            facts = _pg_backup(using=using, target=database)
        manifest |= facts
        if not facts["migrations"]:
            # Most likely the settings of another database (DATABASE_URL not set here).
            raise BackupError(
                "The database holds no migrated tables of this site: is DATABASE_URL set "
                "as the site's?"
            )
        say(f"  {_size(database)}; {_summary(facts['rows'])}")
        manifest["media_files"] = _media_backup(target=partial / MEDIA, say=say)
        manifest["secret_key"] = _secret_key_backup(target=partial / SECRET_KEY, say=say)
        say(f"Left out: {LEFT_OUT}.")
        manifest["left_out"] = [LEFT_OUT]
        manifest["files"] = {
            path.name: {"bytes": path.stat().st_size, "sha256": _sha256(path)}
            for path in sorted(partial.iterdir())
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        partial.rename(final)
    except (OSError, DatabaseError) as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(f"Backup stopped, nothing kept: {_plainly(error)}") from error
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def _free_name(directory: Path, name: str) -> Path:
    candidate, number = directory / name, 1
    while candidate.exists() or (directory / f".{candidate.name}.partial").exists():
        number += 1
        candidate = directory / f"{name}-{number}"
    return candidate


def _versions() -> dict[str, str]:
    project = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())["project"]
    return {"microblog": project["version"], "django": django.get_version(),
            "python": platform.python_version()}  # fmt: skip


def _model_tables() -> dict[str, str]:
    """{table: model label} of every table the models own."""
    return {
        model._meta.db_table: model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _facts(cursor, tables: set[str]) -> dict:
    """Rows per model table and migrations applied, read through `cursor` (a snapshot)."""
    rows = {}
    for table in sorted(tables & set(_model_tables())):
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        (rows[table],) = cursor.fetchone()
    migrations = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return {"rows": rows, "migrations": migrations}


def _summary(rows: dict[str, int]) -> str:
    tables = {label: table for table, label in _model_tables().items()}
    return ", ".join(f"{rows.get(tables.get(label), 0):,} {name}"
                     for name, label in SUMMARY.items())  # fmt: skip


def _sqlite_backup(*, settings_dict: dict, target: Path) -> dict:
    name = Path(settings_dict["NAME"])
    if not name.is_file():
        raise BackupError(f"There is no SQLite database at {name}.")
    try:
        with closing(sqlite3.connect(name, timeout=30)) as source, \
             closing(sqlite3.connect(target)) as copy:  # fmt: skip
            # All pages in one step, one read transaction: a consistent snapshot, while
            # the site's writers carry on (WAL). A copy of the file could be torn.
            source.backup(copy, pages=-1)
        with closing(sqlite3.connect(target)) as copy:
            # One self-contained file (no -wal beside it), readable from read-only media.
            copy.execute("PRAGMA journal_mode=DELETE")
            (check,) = copy.execute("PRAGMA integrity_check").fetchone()
            if check != "ok":
                raise BackupError(f"The copy of the database failed its integrity check: {check}")
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
            return _facts(copy.cursor(), tables)
    except sqlite3.Error as error:
        raise BackupError(f"Could not copy the database {name} to {target}: {error}.") from error


def _pg_backup(*, using: str, target: Path) -> dict:
    connection = connections[using]
    pg_dump = _pg_binary("pg_dump")
    # pg_dump reads the snapshot this transaction exports: the rows counted here are the
    # rows dumped, whatever the site writes meanwhile.
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        facts = _facts(cursor, set(connection.introspection.table_names(cursor)))
        _pg_run(
            [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}",
             f"--file={target}"],
            settings_dict=connection.settings_dict,
        )  # fmt: skip
    return facts


def _media_storage() -> FileSystemStorage | None:
    storage = storages["default"]
    return storage if isinstance(storage, FileSystemStorage) else None


def _media_backup(*, target: Path, say: Say) -> int | None:
    """Tar MEDIA_ROOT into `target`; how many files, None when media is not on this disk."""
    storage = _media_storage()
    if storage is None:
        say(
            f"Media: SKIPPED. The files are in object storage "
            f"({type(storages['default']).__name__}), not on this machine: back them up "
            f"with the provider's tools (bucket versioning, replication)."
        )
        return None
    root = Path(storage.location)
    count = 0
    with tarfile.open(target, "w") as tar:
        for path in _media_files(root):
            try:
                tar.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)
            except FileNotFoundError:
                continue  # replaced (a new avatar) while the backup ran
            count += 1
    say(f"Media: {_files(count)} from {root} ({_size(target)}).")
    return count


def _media_files(root: Path) -> Iterator[Path]:
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                yield path


def _secret_key_backup(*, target: Path, say: Say) -> bool:
    if not _uses_key_file():
        say(
            "Secret key: not included (SECRET_KEY is set in the environment: keep it with "
            "your other secrets)."
        )
        return False
    _write_private(target, Path(settings.SECRET_KEY_FILE).read_text())
    say("Secret key: included (the generated key file; mode 600).")
    return True


# Restore


def backup_read(*, backup: Path) -> dict:
    """The manifest of the backup folder `backup`, once every file in it is checked."""
    manifest_path = backup / MANIFEST
    if not backup.is_dir():
        raise BackupError(f"{backup} is not a folder: give the path of a backup folder.")
    try:
        manifest = json.loads(manifest_path.read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{backup} is not a Microblog backup (no {MANIFEST}); give the path of a "
            f"microblog-backup-... folder."
        ) from None
    except (OSError, ValueError) as error:
        raise BackupError(f"{manifest_path} cannot be read: {error}.") from error
    shape = {"created": str, "versions": dict, "rows": dict, "migrations": dict, "files": dict}
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not all(isinstance(manifest.get(key), kind) for key, kind in shape.items())
        or not all(isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
                   for entry in manifest["files"].values())
    ):  # fmt: skip
        raise BackupError(f"{manifest_path} is not a manifest this version understands.")
    engine = manifest.get("engine")
    if engine not in DATABASE_FILES:
        raise BackupError(f"{manifest_path} names an unknown database engine: {engine!r}.")
    files = manifest["files"]
    for name in {DATABASE_FILES[engine], *files}:
        if name not in files or "/" in name or name.startswith("."):
            raise BackupError(f"The manifest does not account for {name}: an incomplete backup.")
        path = backup / name
        if not path.is_file():
            raise BackupError(f"{path} is missing: the backup is incomplete.")
        if _sha256(path) != files[name]["sha256"]:
            raise BackupError(
                f"{path} does not match its checksum: the backup is damaged (or was edited)."
            )
    if MEDIA in files:
        _media_check(backup / MEDIA)
    return manifest


def restore_run(*, backup: Path, force: bool = False, using: str = "default",
                say: Say = _quiet) -> None:  # fmt: skip
    """Put the site of the backup folder `backup` in place of this one."""
    manifest = backup_read(backup=backup)
    engine = manifest["engine"]
    say(
        f"Backup of {manifest['created']} ({ENGINE_NAMES[engine]}, Microblog "
        f"{manifest['versions'].get('microblog', '?')}): {_summary(manifest['rows'])}."
    )
    step = "checking the target database"
    try:
        _restore_check(manifest, force=force, using=using)
        step = "restoring the database"
        _database_restore(backup / DATABASE_FILES[engine], manifest, using=using, say=say)
        step = "restoring the media and the secret key (the database is restored)"
        _caches_clear(say=say)
        _media_restore(source=backup / MEDIA if MEDIA in manifest["files"] else None,
                       expected=manifest.get("media_files"), say=say)  # fmt: skip
        _secret_key_restore(source=backup / SECRET_KEY if manifest.get("secret_key") else None,
                            say=say)  # fmt: skip
    except (OSError, DatabaseError) as error:
        raise BackupError(f"Restore stopped while {step}: {_plainly(error)}") from error
    say(f"Not in the backup: {LEFT_OUT}.")
    # The search index comes with the database (SQLite's FTS tables, PostgreSQL's vectors),
    # never Elasticsearch's: its status says whether a `search reindex` is due.
    status = StringIO()
    try:
        call_command("search", "status", stdout=status)
    except CommandError as error:
        say(f"Search: {error} Run `manage.py search status`, then `search reindex` if due.")
    for line in status.getvalue().splitlines():
        say(line)


def _restore_check(manifest: dict, *, force: bool, using: str) -> None:
    vendor, engine = connections[using].vendor, manifest["engine"]
    if vendor != engine:
        raise BackupError(
            f"This backup holds a {ENGINE_NAMES[engine]} database and this site uses "
            f"{ENGINE_NAMES.get(vendor, vendor)}: restore it onto {ENGINE_NAMES[engine]} "
            f"(set DATABASE_URL accordingly). Backups are not converted between engines."
        )
    _migrations_check(manifest, using=using)
    members = _members(using=using)
    if members and not force:
        raise BackupError(
            f"The database already holds {members:,} members: restoring would replace "
            f"them. Run again with --force to replace this site with the backup."
        )


def _database_restore(source: Path, manifest: dict, *, using: str, say: Say) -> None:
    engine, target = manifest["engine"], connections[using].settings_dict["NAME"]
    say(f"Database ({ENGINE_NAMES[engine]}): restoring into {target}…")
    connections.close_all()
    if engine == "sqlite":
        _sqlite_restore(source=source, target=Path(target))
    else:
        _pg_restore(source=source, using=using)
    restored = _facts_now(using=using)["rows"]
    differences = {table: (rows, restored.get(table)) for table, rows in manifest["rows"].items()
                   if restored.get(table) != rows}  # fmt: skip
    if differences:
        raise BackupError(f"The restored database differs from the backup: {differences}.")
    say(f"  {_summary(restored)}: as in the backup.")
    pending = _pending_migrations(using=using)
    if pending:
        say(f"Database: applying {pending} migrations newer than the backup…")
    call_command("migrate", database=using, interactive=False, verbosity=0)
    if engine == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute("ANALYZE")  # pg_restore leaves the planner without statistics


def _plainly(error: Exception) -> str:
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    return str(error).strip()


def _migrations_check(manifest: dict, *, using: str) -> None:
    known = set(MigrationLoader(connections[using], load=True).disk_migrations)
    applied = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(applied - known)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"The backup was made by a newer Microblog (migrations this code lacks: {names}). "
            f"Deploy that version (or newer) first, then restore."
        )


def _pending_migrations(*, using: str) -> int:
    executor = MigrationExecutor(connections[using])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _members(*, using: str) -> int:
    table = get_user_model()._meta.db_table
    connection = connections[using]
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return 0
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        (members,) = cursor.fetchone()
    return members


def _facts_now(*, using: str) -> dict:
    connection = connections[using]
    with connection.cursor() as cursor:
        return _facts(cursor, set(connection.introspection.table_names(cursor)))


def _sqlite_restore(*, source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as copy, \
             closing(sqlite3.connect(target, timeout=30)) as database:  # fmt: skip
            # Page by page through SQLite, in one transaction: never a half-written file,
            # and a -wal left beside the old file cannot be replayed onto the new one (as
            # it could after a rename).
            copy.backup(database, pages=-1)
            database.execute("PRAGMA journal_mode=WAL")
            (check,) = database.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.Error as error:
        raise BackupError(f"Could not restore the database into {target}: {error}.") from error
    if check != "ok":
        raise BackupError(f"The restored database failed its integrity check: {check}")


def _pg_restore(*, source: Path, using: str) -> None:
    connection = connections[using]
    pg_restore = _pg_binary("pg_restore")
    with connection.cursor() as cursor:
        occupied = bool(connection.introspection.table_names(cursor))
    connections.close_all()
    listing = _pg_run([pg_restore, "--list", str(source)], settings_dict=connection.settings_dict)
    with tempfile.NamedTemporaryFile("w", suffix=".list") as entries:
        # An extension's comment belongs to its owner (often not us on a managed database):
        # in one transaction, failing on it would undo the whole restore.
        entries.write("".join(line + "\n" for line in listing.splitlines()
                              if " COMMENT - EXTENSION " not in line))  # fmt: skip
        entries.flush()
        _pg_run(
            [pg_restore, "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error",
             "--no-password", f"--use-list={entries.name}",
             *(["--clean", "--if-exists"] if occupied else []),
             f"--dbname={_conninfo('dbname', connection.settings_dict['NAME'])}", str(source)],
            settings_dict=connection.settings_dict,
        )  # fmt: skip


def _conninfo(key: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"{key}='{escaped}'"


def _pg_binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH: install PostgreSQL's client programs "
            f"(Debian/Ubuntu: apt install postgresql-client), of the server's version or newer."
        )
    return path


def pg_environment(*, settings_dict: dict) -> dict[str, str]:
    """The environment that connects libpq's programs to the database of `settings_dict`."""
    environment = dict(os.environ)
    for key, variable in LIBPQ_ENVIRONMENT.items():
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    for key, variable in LIBPQ_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(key):
            environment[variable] = str(settings_dict["OPTIONS"][key])
    return environment


def _pg_run(command: list[str], *, settings_dict: dict) -> str:
    name = Path(command[0]).name
    result = subprocess.run(command, env=pg_environment(settings_dict=settings_dict),
                            capture_output=True, text=True, check=False)  # fmt: skip
    if result.returncode != 0:
        detail = result.stderr.strip() or f"exit status {result.returncode}"
        password = settings_dict.get("PASSWORD")
        if password:
            detail = detail.replace(str(password), "********")
        raise BackupError(f"{name} failed: {detail}")
    return result.stdout


def _caches_clear(*, say: Say) -> None:
    # A cache filled by the replaced site would serve its sessions and pages.
    for alias in settings.CACHES:
        caches[alias].clear()
    say("Cache: cleared.")


def _media_check(source: Path) -> None:
    """Refuse a media archive with an entry that would land outside MEDIA_ROOT."""
    try:
        with tarfile.open(source) as tar:
            for member in tar.getmembers():
                tarfile.data_filter(member, "/nonexistent/media")
    except tarfile.FilterError as error:
        raise BackupError(f"{source} holds an unsafe entry, refused: {error}.") from error
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{source} is not a readable tar archive: {error}.") from error


def _media_restore(*, source: Path | None, expected: int | None, say: Say) -> None:
    if source is None:
        say("Media: not in the backup (object storage: restore it with the provider's tools).")
        return
    storage = _media_storage()
    if storage is None:
        say(
            "Media: NOT restored. This site keeps its files in object storage: upload the "
            f"contents of {source} to the bucket with the provider's tools."
        )
        return
    root = Path(storage.location)
    root.mkdir(parents=True, exist_ok=True)
    # Unpacked inside MEDIA_ROOT (the same file system, even when it is a mount point),
    # then moved over what was there: a failed extraction leaves the old files in place.
    with _scratch(root, "restoring") as incoming, _scratch(root, "replaced") as replaced:
        with tarfile.open(source) as tar:
            tar.extractall(incoming, filter="data")
        for path in root.iterdir():
            if path not in (incoming, replaced):
                path.rename(replaced / path.name)
        for path in incoming.iterdir():
            path.rename(root / path.name)
    count = sum(1 for _ in _media_files(root))
    if expected is not None and count != expected:
        raise BackupError(f"Media: {count:,} files restored, the backup lists {expected:,}.")
    say(f"Media: {_files(count)} restored into {root}.")


@contextmanager
def _scratch(root: Path, purpose: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=f".{purpose}-", dir=root))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _secret_key_restore(*, source: Path | None, say: Say) -> None:
    if source is None:
        say("Secret key: not in the backup; the site keeps its own (SECRET_KEY or its key file).")
        return
    key = source.read_text().strip()
    if len(key) < 32:
        raise BackupError(f"The backup's secret key ({source}) is not a key.")
    key_file = Path(settings.SECRET_KEY_FILE)
    if not _uses_key_file():
        say(
            "Secret key: NOT restored, SECRET_KEY is set in the environment and wins. "
            f"Sessions and password-reset links need the backup's key: set SECRET_KEY to the "
            f"contents of {source}, or unset it."
        )
        return
    _write_private(key_file, key)
    say(f"Secret key: restored into {key_file} (mode 600).")


def _uses_key_file() -> bool:
    """Whether the site's key is its generated key file's (not SECRET_KEY from the
    environment, and not another user's file this process cannot read)."""
    key_file = Path(settings.SECRET_KEY_FILE)
    try:
        return key_file.read_text().strip() == settings.SECRET_KEY
    except OSError:
        return False


def _write_private(path: Path, text: str) -> None:
    """Write `path` readable by its owner only from the first byte, replacing it at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(text)
    draft.replace(path)


def _files(count: int) -> str:
    return f"{count:,} file" if count == 1 else f"{count:,} files"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _size(path: Path) -> str:
    return filesizeformat(path.stat().st_size).replace("\xa0", " ")
