"""Site-wide behaviour: error pages, settings safety, mailers, WebSocket, admin."""

import json
import logging
from ast import literal_eval

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from microblog.mailers import mailer_from_url
from microblog.views import bad_request
from microblog.views import server_error as site_server_error
from posts.tests.factories import PostFactory


@pytest.mark.django_db
class TestErrorPages:
    def test_404_in_the_site_layout(self, client):
        response = client.get("/no/such/page/")
        assert response.status_code == 404
        content = response.content.decode()
        assert "Page not found" in content and 'class="navbar' in content

    def test_403_in_the_site_layout(self, member_client):
        post = PostFactory()
        response = member_client.get(reverse("post_delete", args=[post.pk]))
        assert response.status_code == 403
        assert "You do not have permission to do that." in response.content.decode()

    def test_500_renders_without_a_request_context(self):
        response = server_error(RequestFactory().get("/"))
        assert response.status_code == 500
        assert "Something went wrong" in response.content.decode()

    def test_500_under_api_is_json(self):
        response = site_server_error(RequestFactory().get("/api/users"))
        assert response.status_code == 500
        assert json.loads(response.content)["error"] == "Internal Server Error"
        assert (
            "Something went wrong" in site_server_error(RequestFactory().get("/")).content.decode()
        )

    def test_server_errors_are_emailed_to_admins(self, settings):
        settings.ADMINS = ["ops@example.com"]
        settings.DEBUG = False
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logging.getLogger("django.request").error(
                "Internal Server Error: /", exc_info=True, extra={"status_code": 500}
            )
        [report] = mail.outbox
        assert report.to == ["ops@example.com"]
        assert "Internal Server Error" in report.subject

    def test_400_in_the_site_layout(self):
        response = bad_request(RequestFactory().get("/"), exception=ValueError())
        assert response.status_code == 400
        assert "Bad request" in response.content.decode()


class TestSettings:
    def test_debug_is_off_unless_asked(self, setting_with):
        assert setting_with("DEBUG") == "False"
        assert setting_with("DEBUG", DEBUG="true") == "True"
        assert setting_with("DEBUG", DEBUG="Yes") == "True"
        assert setting_with("DEBUG", DEBUG="") == "False"  # empty: the default

    @pytest.mark.parametrize(
        ("variable", "value", "message"),
        [
            ("DEBUG", "maybe", "DEBUG must be true or false (yes/no, on/off, 1/0), not 'maybe'"),
            ("SECURE_COOKIES", "ture", "SECURE_COOKIES must be true or false"),
            (
                "ACCOUNT_EMAIL_VERIFICATION",
                "sometimes",
                "ACCOUNT_EMAIL_VERIFICATION must be one of none, optional, mandatory, not "
                "'sometimes'",
            ),
        ],
    )
    def test_a_value_it_cannot_read_stops_the_start_saying_so(
        self, run_settings, variable, value, message
    ):
        """Not read as false (a typo in SECURE_COOKIES would send cookies over plain HTTP)."""
        result = run_settings(**{variable: value})
        assert result.returncode != 0
        assert message in result.stderr

    def test_a_secret_key_is_generated_once_and_kept(self, setting_with, tmp_path):
        key_file = tmp_path / "var" / "secret_key"
        first = setting_with("SECRET_KEY", SECRET_KEY_FILE=str(key_file))
        assert setting_with("SECRET_KEY", SECRET_KEY_FILE=str(key_file)) == first
        assert len(first) > 50 and oct(key_file.stat().st_mode)[-3:] == "600"
        assert setting_with("SECRET_KEY", SECRET_KEY="y" * 50) == repr("y" * 50)

    @pytest.mark.parametrize("key", ["short", "django-insecure-" + "x" * 40])
    def test_refuses_weak_or_placeholder_keys(self, run_settings, key):
        result = run_settings(SECRET_KEY=key)
        assert result.returncode != 0
        assert "SECRET_KEY is too short or a placeholder" in result.stderr

    def test_static_files_belong_to_the_code_not_the_data_volume(self):
        assert not settings.STATIC_ROOT.is_relative_to(settings.VAR_DIR)

    def test_postgres_uses_a_pool_not_persistent_connections(self, setting_with):
        database = setting_with(
            "DATABASES['default']",
            DATABASE_URL="postgres://u@127.0.0.1:5432/db",
            DATABASE_POOL_SIZE="6",
        )
        assert "'CONN_MAX_AGE': 0" in database
        assert "'pool': {'min_size': 1, 'max_size': 6" in database

    def test_postgres_gives_up_on_a_server_that_stopped_answering(self, setting_with):
        """A lost machine or a cut network fails a connection in seconds, not minutes."""
        options = "DATABASES['default']['OPTIONS'] | {'pool': None}"
        url = "postgres://u@127.0.0.1:5432/db"
        assert literal_eval(setting_with(options, DATABASE_URL=url)) == {
            "connect_timeout": 5,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 2,
            "tcp_user_timeout": 10_000,
            "pool": None,
        }
        own = literal_eval(setting_with(options, DATABASE_URL=url + "?connect_timeout=20"))
        assert own["connect_timeout"] == 20  # the URL's own come first

    def test_the_cache_is_shared_by_every_process_without_redis(self, setting_with):
        assert "FailSoftDiskCache" in setting_with("CACHES")
        assert "FailSoftDatabaseCache" in setting_with("CACHES", DATABASE_URL="postgres://u@h/db")
        assert "FailSoftRedisCache" in setting_with("CACHES", REDIS_URL="redis://h:6379/0")

    def test_the_cache_and_the_pushes_belong_to_one_database(self, setting_with):
        """A bench's or a test server's database on this checkout, or a staging site on the
        same Redis, never reads this site's counts nor hears its pushes."""
        site = {"DATABASE_URL": "sqlite:////srv/site/db.sqlite3", "REDIS_URL": "redis://h/0"}
        other = site | {"DATABASE_URL": "sqlite:////tmp/bench/db.sqlite3"}
        key = setting_with("SITE_KEY", **site)
        assert setting_with("SITE_KEY", **site) == key  # every process of the site agrees
        assert setting_with("SITE_KEY", **other) != key
        assert f"'KEY_PREFIX': {key}" in setting_with("CACHES", **site)
        assert f"'prefix': 'asgi-{key[1:-1]}'" in setting_with("CHANNEL_LAYERS", **site)
        on_disk = setting_with("CACHES", DATABASE_URL=site["DATABASE_URL"])
        assert f"'KEY_PREFIX': {key}" in on_disk

    def test_browsable_api_only_while_debugging(self, run_settings):
        code = (
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])"
        )
        production = run_settings(code, DEBUG="false", SECRET_KEY="x" * 50)
        assert "JSONRenderer" in production.stdout and "Browsable" not in production.stdout
        development = run_settings(code, DEBUG="true", SECRET_KEY="x" * 50)
        assert "BrowsableAPIRenderer" in development.stdout

    def test_daphne_and_twisted_only_for_the_development_server(self, run_settings):
        """uvicorn serves in production: Twisted would cost every process 16 MB for nothing."""
        code = (
            "import sys, django; django.setup(); import microblog.asgi; "
            "print('twisted' in sys.modules)"
        )
        assert run_settings(code, DEBUG="false", SECRET_KEY="x" * 50).stdout.split() == ["False"]
        assert run_settings(code, DEBUG="true", SECRET_KEY="x" * 50).stdout.split() == ["True"]

    def test_starts_with_nothing_configured(self, run_settings):
        assert run_settings().returncode == 0


class TestMailerUrl:
    def test_console_by_default(self):
        assert mailer_from_url("console:") == {
            "BACKEND": "django.core.mail.backends.console.EmailBackend"
        }

    def test_smtp_with_starttls_and_quoted_credentials(self):
        config = mailer_from_url("smtp+tls://me%40example.com:p%40ss@mail.example.com")
        assert config == {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "mail.example.com",
                "port": 587,
                "use_tls": True,
                "use_ssl": False,
                "timeout": 10,
                "username": "me@example.com",
                "password": "p@ss",
            },
        }

    def test_anymail_esp(self):
        assert mailer_from_url("anymail://postmark?server_token=abc") == {
            "BACKEND": "anymail.backends.postmark.EmailBackend",
            "OPTIONS": {"server_token": "abc"},
        }

    def test_unknown_scheme_is_a_clear_error(self):
        with pytest.raises(ImproperlyConfigured, match="MAILER_URL"):
            mailer_from_url("pigeon://coop")


@pytest.mark.django_db(transaction=True)
def test_websocket_cable_endpoint_speaks_actioncable():
    from microblog.asgi import application

    async def connect():
        headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
        communicator = WebsocketCommunicator(application, "/cable", headers=headers)
        connected, _subprotocol = await communicator.connect()
        welcome = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return connected, welcome

    connected, welcome = async_to_sync(connect)()
    assert connected
    assert welcome == {"type": "welcome"}


@pytest.mark.django_db
def test_a_members_error_pages_keep_their_navigation(member_client, user):
    for path in ("/no/such/page/", reverse("post_delete", args=[PostFactory().pk])):
        content = member_client.get(path).content.decode()
        assert user.get_absolute_url() in content  # the navbar still knows who reads


def test_behind_a_transaction_pooler_nothing_lives_on_a_server_connection(run_settings):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "database = settings.DATABASES['default']; "
        "print(database.get('DISABLE_SERVER_SIDE_CURSORS'), "
        "database['OPTIONS'].get('prepare_threshold', 5))"
    )
    url = "postgres://microblog@127.0.0.1:6432/microblog"
    assert run_settings(code, DATABASE_URL=url).stdout.split() == ["None", "5"]
    pooled = run_settings(code, DATABASE_URL=url, DATABASE_TRANSACTION_POOLER="true")
    assert pooled.stdout.split() == ["True", "None"]
