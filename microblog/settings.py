"""Microblog settings: one module, configured by environment variables (and an optional .env).

Every variable is documented in the README. Defaults suit development: `make run`
works with no configuration at all; production refuses to start without a real secret.
"""

import os
import secrets
from hashlib import blake2b
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.env import StrictEnv
from core.layer_settings import redis_channel_layer
from microblog.mailers import mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

env = StrictEnv()
StrictEnv.read_env(BASE_DIR / ".env")

# The site's data on this machine: the SQLite database, the secret key, the cache, avatars.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)


def secret_key_from_file(path: Path) -> str:
    """The key kept in `path`, made (random, readable by its owner only) on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        # Readable by its owner only from the first byte.
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)  # atomic: when two processes race, one key wins for both
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


# SECRET_KEY from the environment, else the key kept in SECRET_KEY_FILE (var/secret_key by
# default), generated on first run. Several machines must share one: set SECRET_KEY.
SECRET_KEY_FILE = Path(env.str("SECRET_KEY_FILE", default="") or VAR_DIR / "secret_key")
SECRET_KEY = env.str("SECRET_KEY", default="") or secret_key_from_file(SECRET_KEY_FILE)
if len(SECRET_KEY) < 32 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY is too short or a placeholder; set a real one.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # daphne first, for `make dev` (DEBUG): its runserver speaks HTTP and WebSocket (ASGI).
    # Not in production (uvicorn serves), where its Twisted would cost each process 16 MB.
    *(["daphne"] if DEBUG else []),
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "channels",
    "turbo_helper",
    "django_tasks_db",
    "rosetta",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_elasticsearch_dsl",
    # Microblog
    "core",
    "accounts",
    "posts",
    "social",
    "messaging",
]

MIDDLEWARE = [
    # Outermost: every request gets its id and its access line, whoever answers it.
    "core.request_log.RequestLogMiddleware",
    # These three next, so that every response carries the security headers (the 413 too).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Turbo Drive's form submissions: a re-rendered form answers 422, a redirect 303.
    "turbo_helper.middleware.TurboMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.LastSeenMiddleware",
    "accounts.middleware.LocalizationMiddleware",
    "core.middleware.TemporaryErrorsMiddleware",
]

ROOT_URLCONF = "microblog.urls"
WSGI_APPLICATION = "microblog.wsgi.application"
ASGI_APPLICATION = "microblog.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "posts.context_processors.moderation",
                "posts.context_processors.translation",
                "messaging.context_processors.unread_counts",
            ],
        },
    },
]

# Threads per web process that run requests (microblog.asgi): a few, so that one slow query
# does not hold up the other connections the process serves.
WEB_THREADS = env.int("WEB_THREADS", default=4)

# Database: SQLite under var/ unless DATABASE_URL says otherwise (postgres://...).
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if SQLITE:
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at
        # BEGIN, so a transaction never fails half-way with "database is locked"; a writer
        # waits at most `timeout` seconds for another, then the member is told to retry.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=5),
    }
    # Each of the server's threads keeps its connection: opening one (and its PRAGMAs and
    # functions) cost explore a third of its time. HTTP runs in a fixed pool of threads
    # (core.asgi.WSGIBridge), so their number is bounded.
    DATABASES["default"]["CONN_MAX_AGE"] = None
else:
    # psycopg's pool, shared by the server's request threads and the WebSocket consumers'
    # (room for each, so none waits for another's). Budget: web processes x
    # DATABASE_POOL_SIZE + workers < max_connections.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A connection is checked as it leaves the pool (core.db_pool): after PostgreSQL
    # restarts, the pooled connections it cut would otherwise fail requests with a 503.
    # While the database is down a request waits `timeout` for a connection, then gets
    # the 503 page; the pool's own attempts to reconnect back off (1, 2, 4, 8 s...) for
    # `reconnect_timeout` only, after which the next request tries at once: with psycopg's
    # five minutes, the site stayed down for as long as the outage had lasted, or longer.
    from core.db_pool import PoolCheck

    # A server that stops answering (its machine lost, the network cut) fails a connection
    # attempt after 5 s (psycopg waits 130) and a connection after about 10 s without an
    # acknowledgement (the kernel's keepalives and TCP_USER_TIMEOUT), instead of holding a
    # request's thread for as long as TCP keeps trying (about 15 minutes). libpq's
    # parameters; the database URL's own (?connect_timeout=...) come first.
    POSTGRES_TIMEOUTS = {
        "connect_timeout": 5,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 2,
        "tcp_user_timeout": 10_000,
    }
    DATABASES["default"]["OPTIONS"] = {
        **POSTGRES_TIMEOUTS,
        **DATABASES["default"].get("OPTIONS", {}),
    }
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": 1,
        "max_size": env.int("DATABASE_POOL_SIZE", default=WEB_THREADS + 2),
        "timeout": 5,
        "reconnect_timeout": 5,
        "check": PoolCheck("default"),
    }
# A read replica of PostgreSQL (streaming replication), for safe requests' reads
# (core.db_router): same pool treatment, its own pool. A client that wrote reads the
# primary for DATABASE_REPLICA_PIN_SECONDS (keep it above the replica's usual lag).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=5)
if DATABASE_REPLICA_URL:
    if SQLITE:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL.")
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must name a PostgreSQL database.")
    DATABASES["replica"]["CONN_MAX_AGE"] = 0
    DATABASES["replica"]["OPTIONS"] = {
        **POSTGRES_TIMEOUTS,  # not the primary's URL options (target_session_attrs...)
        **DATABASES["replica"].get("OPTIONS", {}),
        # A second's wait for a connection: without one, the request reads the primary.
        "pool": DATABASES["default"]["OPTIONS"]["pool"]
        | {"check": PoolCheck("replica"), "timeout": 1},
    }
    # Tests run against a copy of the primary's test database (Django's test mirror).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
    # Decides which database the request reads, before anything reads.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "core.db_router.ReplicaMiddleware",
    )
# Behind PgBouncer in transaction mode a connection changes hands between transactions: no
# server-side cursors (QuerySet.iterator() outside a transaction) and no prepared statements
# (psycopg prepares a query run five times), which would live on the server's connection.
DATABASE_TRANSACTION_POOLER = env.bool("DATABASE_TRANSACTION_POOLER", default=False)
if DATABASE_TRANSACTION_POOLER and not SQLITE:
    for database in DATABASES.values():
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        database.setdefault("OPTIONS", {})["prepare_threshold"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is optional: shared cache and channel layer when REDIS_URL is set. Without it the
# cache is still shared by every process (rate limits mean what they say): diskcache's
# SQLite files on SQLite (one machine), the database on PostgreSQL (every machine). All
# fail soft.
REDIS_URL = env.str("REDIS_URL", default="")
# The cache and the pushes belong to one database: another database used from this checkout
# (a bench's, a test server's) or another site on the same Redis (a staging site) never
# reads this one's counts and limits, nor hears its pushes.
_site = DATABASES["default"]
SITE_KEY = blake2b(
    f"{_site['ENGINE']} {_site.get('HOST', '')} {_site.get('PORT', '')} {_site['NAME']}".encode(),
    digest_size=4,
).hexdigest()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": SITE_KEY,
            # A dead or unreachable Redis costs a request at most this, not a hang.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL, prefix=f"asgi-{SITE_KEY}")}
else:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftDiskCache",
            "LOCATION": VAR_DIR / "cache",
            "KEY_PREFIX": SITE_KEY,
        }
        if SQLITE
        else {"BACKEND": "core.cache.FailSoftDatabaseCache", "LOCATION": "microblog_cache"}
    }
    # Pushes from any process (the task worker, the other web process) through the
    # database: one row per push, read by each web process every LIVE_POLL_SECONDS.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "core.channel_layers.DatabaseChannelLayer",
            "CONFIG": {"poll_seconds": env.float("LIVE_POLL_SECONDS", default=0.1)},
        }
    }

# Rendered fragments that are the same for every reader (a post's card in a language and
# time zone): kept in each process, since a hit must cost less than rendering (microseconds).
# Their keys hold everything they show, so they are never stale; the oldest are dropped.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": env.int("FRAGMENT_CACHE_ENTRIES", default=5000)},
}

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# How many proxies of ours stand in front of the site (nginx: 1). Rate limits by client
# address read X-Forwarded-For only that deep; with 0 they use the connection's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# django-allauth
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env.choice(
    "ACCOUNT_EMAIL_VERIFICATION", ("none", "optional", "mandatory"), default="optional"
)
ACCOUNT_UNIQUE_EMAIL = True
# A member has one address; a new one replaces it only once confirmed from the link sent
# to it (site and API alike), and the old address is told of the change.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Changing the address or the password asks for the password again (within 5 minutes of
# the last time), so that a borrowed session is not enough to take the account over.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_SESSION_REMEMBER = None  # ask: the login form shows "Remember me"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_USERNAME_MIN_LENGTH = 2
ACCOUNT_USERNAME_VALIDATORS = "accounts.validators.USERNAME_VALIDATORS"
ACCOUNT_LOGOUT_REDIRECT_URL = "explore"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Microblog] "
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"change_password": "accounts.forms.ChangePasswordForm"}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("fr", _("French")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# django-rosetta: translators (the "Translators" group) edit the catalogues in the browser.
ROSETTA_ACCESS_CONTROL_FUNCTION = "accounts.permissions.can_translate"
ROSETTA_MESSAGES_PER_PAGE = 25
ROSETTA_SHOW_AT_ADMIN_PANEL = True
ROSETTA_WSGI_AUTO_RELOAD = False

STATIC_URL = "static/"
# Collected static files belong to the code (the image), not to var/ (the data volume).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at start-up when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Files only their owner may download (members' exports), through a view that checks:
# never under MEDIA_ROOT, which is served to anyone (SERVE_MEDIA, or nginx).
PRIVATE_FILES_ROOT = Path(env.str("PRIVATE_FILES_ROOT", default=str(VAR_DIR / "private")))
# Object storage (S3 or compatible) when S3_BUCKET is set: web processes and workers on
# different machines then share the files, which local disk cannot do. Avatars go under
# media/ (made readable by everyone with a bucket policy or S3_MEDIA_ACL, at
# S3_PUBLIC_URL), exports under private/ or in S3_PRIVATE_BUCKET (never public: their
# owner gets a signed URL valid for a minute, after the site checked who asks).
S3_BUCKET = env.str("S3_BUCKET", default="")
S3_PRIVATE_BUCKET = env.str("S3_PRIVATE_BUCKET", default="") or S3_BUCKET
S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", default="").rstrip("/")
S3_REGION = env.str("S3_REGION", default="us-east-1")
# Where browsers fetch the media bucket's objects (a CDN, or the bucket itself); it is
# also the only other origin of images that the Content-Security-Policy allows.
S3_PUBLIC_URL = (
    env.str("S3_PUBLIC_URL", default="")
    or (f"{S3_ENDPOINT_URL}/{S3_BUCKET}" if S3_ENDPOINT_URL else "")
    or f"https://{S3_BUCKET}.s3.{S3_REGION}.amazonaws.com"
).rstrip("/")
# What the Content-Security-Policy lets pages show images from, besides the site itself.
MEDIA_IMAGE_SOURCES = [f"{S3_PUBLIC_URL}/media/"] if S3_BUCKET else []
# Avatars are small; Django serves them from MEDIA_ROOT unless a front server (nginx)
# does it, or they live in object storage.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=not S3_BUCKET)


def s3_storages(
    *,
    bucket: str,
    private_bucket: str,
    endpoint_url: str,
    region: str,
    public_url: str,
    access_key: str,
    secret_key: str,
    media_acl: str = "",
) -> dict:
    """The "default" (media/, public) and "private" (private/, signed URLs only) storages
    in object storage."""
    from urllib.parse import urlsplit

    from botocore.config import Config

    common = {
        "endpoint_url": endpoint_url or None,
        "region_name": region,
        # Empty: boto3 finds credentials itself (AWS_* variables, an instance role...).
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "file_overwrite": False,  # a name taken gets a suffix: nothing is replaced silently
        # An archive read back (the e-mail's attachment) spills to disk past this.
        "max_memory_size": 2 * 1024 * 1024,
        # Replaces django-storages' own Config, so it names the addressing and signature too.
        # A store that is down fails a request in seconds, not after minutes of retries.
        "client_config": Config(
            s3={"addressing_style": "path" if endpoint_url else "virtual"},
            signature_version="s3v4",
            connect_timeout=3,
            read_timeout=20,
            retries={"mode": "standard", "max_attempts": 2},
        ),
    }
    public = urlsplit(public_url)
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": bucket,
                "location": "media",
                "custom_domain": f"{public.netloc}{public.path}",
                "url_protocol": f"{public.scheme}:",
                "querystring_auth": False,
                "default_acl": media_acl or None,
                # Every avatar gets a fresh name, so a copy may be kept for good.
                "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            },
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": private_bucket,
                "location": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "object_parameters": {"CacheControl": "private, no-store"},
            },
        },
    }


if S3_BUCKET:
    STORAGES = s3_storages(
        bucket=S3_BUCKET,
        private_bucket=S3_PRIVATE_BUCKET,
        endpoint_url=S3_ENDPOINT_URL,
        region=S3_REGION,
        public_url=S3_PUBLIC_URL,
        access_key=env.str("S3_ACCESS_KEY_ID", default=""),
        secret_key=env.str("S3_SECRET_ACCESS_KEY", default=""),
        media_acl=env.str("S3_MEDIA_ACL", default=""),
    )
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # Members' archives: the site's user only, even where its group may read the
            # rest of the data (nginx reads the avatars).
            "OPTIONS": {
                "location": PRIVATE_FILES_ROOT,
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        },
    }
STORAGES |= {
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
# One response in this many closes its connection, so that clients spread over the web
# processes (core.asgi.SpreadConnections).
WEB_CONNECTION_REQUESTS = env.int("WEB_CONNECTION_REQUESTS", default=20)

# Any request body over this is refused (413) before it is read: an avatar and its form fit.
REQUEST_MAX_BYTES = 3 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_TAGS = {40: "danger"}  # Bootstrap names the error alert "danger"

# E-mail: Django 6.1 MAILERS, built from MAILER_URL (console by default).
# Every e-mail is queued for the task worker (core.mail), which sends it through "outgoing".
MAILERS = {
    "default": {"BACKEND": "core.mail.QueuedEmailBackend"},
    "outgoing": mailer_from_url(env.str("MAILER_URL", default="console:")),
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Microblog <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
ADMINS = env.list("ADMINS", default=[])
# Where the site lives, for links in e-mails sent outside a request (the task worker).
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")

# Microblog
POSTS_PER_PAGE = env.int("POSTS_PER_PAGE", default=25)
# Visitors' first page of explore is kept this long in the shared cache (0: never).
EXPLORE_CACHE_SECONDS = env.int("EXPLORE_CACHE_SECONDS", default=5)
# The database constraint on Post.body mirrors this; changing it needs a migration.
POST_MAX_LENGTH = 140
AVATAR_MAX_BYTES = 2 * 1024 * 1024
# Declared width x height an avatar may have: a photo from a 24 MP camera passes, a
# decompression bomb does not.
AVATAR_MAX_PIXELS = 25_000_000
AVATAR_SIZE = 256
LAST_SEEN_INTERVAL_SECONDS = 60
# Writes per member, whatever the entrance (site or API): "N/unit", comma-separated.
POST_RATE = env.str("POST_RATE", default="10/minute,100/hour")
FOLLOW_RATE = env.str("FOLLOW_RATE", default="30/minute,300/hour")
AVATAR_RATE = env.str("AVATAR_RATE", default="5/minute,20/day")
EMAIL_CHANGE_RATE = env.str("EMAIL_CHANGE_RATE", default="3/hour,10/day")
# The same post again within this many seconds is a double click: it makes no second post.
POST_DUPLICATE_WINDOW_SECONDS = 10
# Private messages. The database constraint on Message.body mirrors the length.
MESSAGE_MAX_LENGTH = 140
MESSAGES_PER_PAGE = env.int("MESSAGES_PER_PAGE", default=50)
MESSAGE_RATE = env.str("MESSAGE_RATE", default="10/minute,200/day")
MESSAGE_DUPLICATE_WINDOW_SECONDS = 10
BLOCK_RATE = env.str("BLOCK_RATE", default="20/hour")
REPORT_RATE = env.str("REPORT_RATE", default="5/hour,20/day")
REPORT_REASON_MAX_LENGTH = 500
# A member away this long gets one e-mail about unread messages, at most one per batch.
MESSAGE_EMAIL_AWAY_SECONDS = env.int("MESSAGE_EMAIL_AWAY_SECONDS", default=15 * 60)
MESSAGE_EMAIL_BATCH_SECONDS = env.int("MESSAGE_EMAIL_BATCH_SECONDS", default=15 * 60)
# How often app.js asks for new notifications when no live connection is open.
NOTIFICATIONS_POLL_SECONDS = env.int("NOTIFICATIONS_POLL_SECONDS", default=10)

# Machine translation of posts (core.translators): off unless TRANSLATOR_URL names a
# provider. Translations are kept in the shared cache; members and the site are limited.
TRANSLATOR_URL = env.str("TRANSLATOR_URL", default="")
TRANSLATOR_TIMEOUT_SECONDS = env.float("TRANSLATOR_TIMEOUT_SECONDS", default=5)
TRANSLATION_CACHE_SECONDS = env.int("TRANSLATION_CACHE_SECONDS", default=24 * 3600)
TRANSLATION_DAILY_CHARACTERS = env.int("TRANSLATION_DAILY_CHARACTERS", default=200_000)
# A member's share of it: no handful of accounts can spend the site's budget.
TRANSLATION_MEMBER_DAILY_CHARACTERS = env.int("TRANSLATION_MEMBER_DAILY_CHARACTERS", default=10_000)
# Searches per member (or address, signed out): each one reads an index.
SEARCH_RATE = env.str("SEARCH_RATE", default="30/minute,600/hour")
TRANSLATE_RATE = env.str("TRANSLATE_RATE", default="20/minute,300/day")
# Housekeeping (manage.py housekeeping): how long finished task results and read
# notifications are kept.
TASK_RESULTS_RETENTION_DAYS = env.int("TASK_RESULTS_RETENTION_DAYS", default=14)
# Members' jobs: a running job silent this long lost its worker; exports are kept (and
# downloadable) this many days, and a member may start this many a day.
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=120)
EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)
EXPORTS_PER_DAY = env.int("EXPORTS_PER_DAY", default=1)
IMPORTS_PER_DAY = env.int("IMPORTS_PER_DAY", default=3)
# The archive rides along with the e-mail up to this size (a link always does).
EXPORT_ATTACH_MAX_BYTES = env.int("EXPORT_ATTACH_MAX_BYTES", default=512 * 1024)
NOTIFICATIONS_RETENTION_DAYS = env.int("NOTIFICATIONS_RETENTION_DAYS", default=90)

# Search: the database's full-text search, or Elasticsearch 9 when ELASTICSEARCH_URL is set
# ("https://user:password@host:9200"). Its documents are kept in step by tasks after each
# commit (posts.search.sync); while it is down or slow, searches use the database.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_TIMEOUT_SECONDS = env.float("ELASTICSEARCH_TIMEOUT_SECONDS", default=2)
ELASTICSEARCH_INDEX_PREFIX = env.str("ELASTICSEARCH_INDEX_PREFIX", default="microblog")
ELASTICSEARCH_DSL = {
    "default": {
        # Never contacted while ELASTICSEARCH_URL is empty.
        "hosts": ELASTICSEARCH_URL or "http://127.0.0.1:9200",
        "request_timeout": ELASTICSEARCH_TIMEOUT_SECONDS,
        "max_retries": 0,  # the tasks retry, later; a request never waits for a second try
    }
}
# Our processor enqueues tasks after commit; the library's own would index inside post_save.
ELASTICSEARCH_DSL_SIGNAL_PROCESSOR = "posts.search.sync.TaskSignalProcessor"
ELASTICSEARCH_DSL_AUTOSYNC = False
ELASTICSEARCH_DSL_AUTO_REFRESH = env.bool("ELASTICSEARCH_REFRESH", default=False)

# Live pages (/cable): ActionCable's client reconnects after 6 s without a ping; nginx's
# proxy timeout is 60 s and Heroku's idle limit 55 s.
LIVE_PING_SECONDS = 3
API_TOKEN_LIFETIME_SECONDS = env.int("API_TOKEN_LIFETIME_SECONDS", default=3600)

# REST API (Django REST Framework). No CORS: the site and its API share one origin.
API_MAX_PER_PAGE = 100
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    # Whom to believe about the client's address (X-Forwarded-For): only our own proxies.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonymousThrottle",
        "accounts.throttling.MemberRateThrottle",
        "core.api.throttling.ScopedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_RATE_ANON", default="60/minute"),
        "token": env.str("API_RATE_TOKEN", default="600/minute"),
        "tokens": env.str("API_RATE_TOKENS", default="10/minute"),
        "user_create": env.str("API_RATE_USER_CREATE", default="10/hour"),
    },
    "EXCEPTION_HANDLER": "core.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Microblog API",
    "DESCRIPTION": (
        "The Flask Mega-Tutorial's microblog API, wire-compatible, and more. Get a token "
        "with HTTP Basic at POST /api/tokens, then send `Authorization: Bearer <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "accounts.api.email_only_for_owner",
    ],
}

# Security
# Behind a proxy that terminates HTTPS: trust its X-Forwarded-Proto, and send HSTS.
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
# Sessions are read from the shared cache, written through to the database: a member's
# page saves the session query (the database still holds them if the cache is lost).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_FAILURE_VIEW = "microblog.views.csrf_failure"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if BEHIND_HTTPS_PROXY else 0
)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django.middleware.csp): no inline code, no eval, nothing from
# elsewhere but Gravatar's avatars (and ours in object storage: MEDIA_IMAGE_SOURCES).
# Templates keep scripts in app.js and styles in app.css.
# A third-party page that needs more relaxes it for itself only (core.csp, used by the API
# docs in microblog/api_urls.py).
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # The progress bar of Turbo Drive (static/vendor/turbo) inserts this fixed <style>.
    "style-src": ["'self'", "'sha256-WAyOw4V+FqDc35lQPyRADLBWbuNK8ahvYEaQIYF1+Ps='"],
    "img-src": ["'self'", "data:", "https://www.gravatar.com", *MEDIA_IMAGE_SOURCES],
    # CSP Level 3: 'self' also matches ws:// and wss:// on this host and port (the /cable
    # WebSocket); no scheme-wide ws:/wss: source, which would allow any host.
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Logs go to stdout, as text or one JSON object per line; each record carries the id of the
# request (or task) that wrote it (core.logs). ACCESS_LOG: one line per request
# (core.request_log), the server's own access log being off (scripts/serve).
LOG_FORMAT = env.choice("LOG_FORMAT", ("text", "json"), default="text")
ACCESS_LOG = env.bool("ACCESS_LOG", default=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "context": {"()": "core.logs.ContextFilter"},
        "not_unavailable": {"()": "core.logs.NotUnavailable"},
        "without_traceback": {"()": "core.logs.WithoutTraceback"},
    },
    "formatters": {
        "text": {"()": "core.logs.TextFormatter"},
        "json": {"()": "core.logs.JsonFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        },
        "stdout_one_line": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["context", "without_traceback"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "using": "outgoing",  # straight to the mail server, not through the queue
            "level": "ERROR",
            "filters": ["require_debug_false", "not_unavailable"],
        },
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["stdout", "mail_admins"], "level": "INFO", "propagate": False},
        # Client errors (a 404 per scanner probe) are not the operator's to read; 5xx are.
        "django.request": {
            "handlers": ["stdout", "mail_admins"],
            "level": "ERROR",
            "propagate": False,
        },
        # Suspicious requests (a wrong Host header, too many fields...) are a scanner's,
        # not a bug: log them in a line each, never e-mail them (anyone could fill the
        # admins' inbox).
        "django.security": {
            "handlers": ["stdout_one_line"],
            "level": "WARNING",
            "propagate": False,
        },
        # The Elasticsearch client logs every request at INFO.
        "elastic_transport": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
    },
}
# Passwords inside URL-valued settings (REDIS_URL, CACHES...) never reach an error report.
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.reporting.CredentialsFilter"
