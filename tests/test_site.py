"""Site-wide behaviour: error pages, settings safety, mailers, WebSocket, admin."""

import json
import logging
import os
import subprocess
import sys

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import bad_request, server_error

from accounts.tests.factories import UserFactory
from microblog.mailers import mailer_from_url
from microblog.views import server_error as site_server_error
from posts.models import Post
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


def run_settings(code="import django; django.setup(); print('started')", **env):
    """Run `code` in a fresh interpreter whose settings see the given environment."""
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment |= {"DJANGO_SETTINGS_MODULE": "microblog.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


class TestSettings:
    def test_production_refuses_to_start_without_a_secret_key(self):
        result = run_settings(DEBUG="false")
        assert result.returncode != 0
        assert "Set SECRET_KEY" in result.stderr

    def test_production_refuses_the_development_key(self):
        result = run_settings(DEBUG="false", SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY)
        assert result.returncode != 0
        assert "development key" in result.stderr

    def test_production_starts_with_a_real_key(self):
        result = run_settings(DEBUG="false", SECRET_KEY="x" * 50)
        assert result.returncode == 0, result.stderr
        assert "started" in result.stdout

    def test_browsable_api_only_while_debugging(self):
        code = (
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])"
        )
        production = run_settings(code, DEBUG="false", SECRET_KEY="x" * 50)
        assert "JSONRenderer" in production.stdout and "Browsable" not in production.stdout
        development = run_settings(code)
        assert "BrowsableAPIRenderer" in development.stdout

    def test_development_starts_with_nothing_configured(self):
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
class TestAdmin:
    @pytest.fixture
    def moderator_client(self, client):
        moderator = UserFactory(is_staff=True)
        moderator.groups.add(Group.objects.get(name="Moderators"))
        client.force_login(moderator)
        return client

    def test_moderators_group_has_exactly_the_moderation_permissions(self):
        permissions = Group.objects.get(name="Moderators").permissions.values_list(
            "content_type__app_label", "codename"
        )
        assert sorted(permissions) == [
            ("accounts", "change_user"),
            ("accounts", "view_user"),
            ("posts", "delete_post"),
            ("posts", "view_post"),
            ("social", "delete_follow"),
            ("social", "view_follow"),
        ]

    def test_moderators_search_and_delete_posts(self, moderator_client):
        post = PostFactory(body="spam spam spam")
        PostFactory(body="a fine post")
        listing = moderator_client.get(reverse("admin:posts_post_changelist"), {"q": "spam"})
        assert listing.status_code == 200
        assert "spam spam spam" in listing.content.decode()
        assert "a fine post" not in listing.content.decode()
        response = moderator_client.post(
            reverse("admin:posts_post_delete", args=[post.pk]), {"post": "yes"}
        )
        assert response.status_code == 302
        assert not Post.objects.filter(pk=post.pk).exists()

    def test_moderators_deactivate_users_but_cannot_grant_powers(self, moderator_client):
        target = UserFactory()
        response = moderator_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "deactivate", "_selected_action": [target.pk]},
        )
        assert response.status_code == 302
        target.refresh_from_db()
        assert not target.is_active
        form = moderator_client.get(reverse("admin:accounts_user_change", args=[target.pk]))
        assert 'name="is_superuser"' not in form.content.decode()
        assert 'name="is_active"' in form.content.decode()
