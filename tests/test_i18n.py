"""Speaking the reader's language and time: catalogues, switcher, e-mails, zones, numbers."""

import html
import re
from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from posts.tests.factories import PostFactory
from social.models import Follow
from social.services import follow_counts_refresh

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"


def visible_text(response) -> str:
    """What a reader sees or hears: text, and alt/title/aria-label/placeholder attributes."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    attributes = re.findall(r'(?:alt|title|aria-label|placeholder)="([^"]*)"', page)
    # Option lists of languages and time zones name places, not UI text.
    page = re.sub(r"<select\b.*?</select>", " ", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *attributes]))


def english_leftovers(text: str) -> list[str]:
    """English UI strings of our catalogue, or common English words, found in `text`."""
    catalogue = polib.pofile(LOCALE / "es" / "LC_MESSAGES" / "django.po")
    found = [
        entry.msgid
        for entry in catalogue
        if not entry.msgid_plural
        and len(entry.msgid) > 3
        and entry.msgid != entry.msgstr
        and re.search(rf"(?<![\w%]){re.escape(entry.msgid)}(?!\w)", text)
    ]
    words = r"\b(the|your|you|and|with|sign|log|password|email|follow|followers|home|save)\b"
    return found + re.findall(words, text, flags=re.I)


@pytest.fixture
def spanish_member(db):
    """A member with Spanish content, so that any English on the page is UI text."""
    member = UserFactory(username="lucia", about_me="Me gusta el café.")
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    PostFactory(author=member, body="¡Hola, mundo!")
    other = UserFactory(username="pablo")
    PostFactory(author=other, body="Buenos días a todos.")
    Follow.objects.create(follower=other, followed=member)
    return member


SPANISH_PAGES = [
    ("home", lambda m: reverse("home"), True),
    ("explore", lambda m: reverse("explore"), False),
    ("profile", lambda m: reverse("profile", args=[m.username]), False),
    ("followers", lambda m: reverse("followers", args=[m.username]), True),
    ("edit profile", lambda m: reverse("profile_edit"), True),
    ("delete", lambda m: reverse("post_delete", args=[m.posts.get().pk]), True),
    ("e-mail addresses", lambda m: reverse("account_email"), True),
    ("api tokens", lambda m: reverse("token_list"), True),
    ("login", lambda m: reverse("account_login"), False),
    ("signup", lambda m: reverse("account_signup"), False),
    ("password reset", lambda m: reverse("account_reset_password"), False),
    ("404", lambda m: "/no/such/page/", False),
]


@pytest.mark.parametrize(
    ("name", "url", "logged_in"), SPANISH_PAGES, ids=[p[0] for p in SPANISH_PAGES]
)
def test_spanish_pages_have_no_english(spanish_member, name, url, logged_in):
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    if logged_in:
        client.force_login(spanish_member)
    response = client.get(url(spanish_member))
    assert response.status_code in {200, 404}
    assert '<html lang="es">' in response.content.decode()
    text = visible_text(response)
    assert english_leftovers(text) == [], text


def test_error_pages_in_spanish(member_client):
    with translation.override("es"):
        content = server_error(RequestFactory().get("/")).content.decode()
    assert "Algo ha fallado" in content
    post = PostFactory()
    forbidden = Client(HTTP_ACCEPT_LANGUAGE="es")
    forbidden.force_login(UserFactory())
    response = forbidden.get(reverse("post_delete", args=[post.pk]))
    assert "No tienes permiso para hacer eso." in response.content.decode()


class TestLanguageChoice:
    def test_first_visit_follows_accept_language(self, client):
        assert (
            "Explorar"
            in Client(HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").get("/explore/").content.decode()
        )
        assert "Explore" in Client(HTTP_ACCEPT_LANGUAGE="en-GB").get("/explore/").content.decode()

    def test_switcher_persists_for_visitors(self):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        response = client.post(reverse("set_language"), {"language": "es", "next": "/explore/"})
        assert response.status_code == 302 and response["Location"] == "/explore/"
        assert '<html lang="es">' in client.get("/explore/").content.decode()

    def test_switcher_needs_post(self, client):
        assert client.get(reverse("set_language")).status_code == 405

    def test_members_choice_follows_them_to_any_device(self, user):
        laptop = Client(HTTP_ACCEPT_LANGUAGE="en")
        laptop.force_login(user)
        laptop.post(reverse("set_language"), {"language": "es"})
        user.refresh_from_db()
        assert user.language == "es"
        phone = Client(HTTP_ACCEPT_LANGUAGE="en")
        phone.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
        assert '<html lang="es">' in phone.get(reverse("home")).content.decode()

    def test_unknown_language_is_ignored(self, member_client, user):
        member_client.post(reverse("set_language"), {"language": "xx"})
        user.refresh_from_db()
        assert user.language == ""

    def test_profile_settings_change_language_and_time_zone(self, member_client, user):
        data = {"username": user.username, "language": "es", "timezone": "Europe/Madrid"}
        assert member_client.post(reverse("profile_edit"), data).status_code == 302
        user.refresh_from_db()
        assert (user.language, user.timezone) == ("es", "Europe/Madrid")
        bad = member_client.post(reverse("profile_edit"), data | {"timezone": "Mars/Olympus"})
        assert bad.status_code == 200
        assert "Mars/Olympus" in bad.content.decode()  # the choice error names the value


def test_emails_use_the_recipients_language(client):
    UserFactory(username="lucia", email="lucia@example.com", language="es")
    UserFactory(username="john", email="john@example.com", language="en")
    english_client = Client(HTTP_ACCEPT_LANGUAGE="en")
    english_client.post(reverse("account_reset_password"), {"email": "lucia@example.com"})
    spanish_client = Client(HTTP_ACCEPT_LANGUAGE="es")
    spanish_client.post(reverse("account_reset_password"), {"email": "john@example.com"})
    to_lucia, to_john = mail.outbox
    assert "restablecer contraseña" in to_lucia.subject
    assert "Password Reset" in to_john.subject


class TestTimeZones:
    def test_server_dates_follow_the_browser_zone_cookie(self, client):
        member = UserFactory(last_seen=datetime(2026, 1, 15, 23, 30, tzinfo=UTC))
        client.cookies["tz"] = "Asia/Tokyo"
        content = client.get(reverse("profile", args=[member.username])).content.decode()
        assert "Jan. 16, 2026, 8:30 a.m." in content  # UTC+9

    def test_unknown_zone_cookie_is_ignored(self, client):
        member = UserFactory(last_seen=datetime(2026, 1, 15, 23, 30, tzinfo=UTC))
        client.cookies["tz"] = "../../etc/passwd"
        content = client.get(reverse("profile", args=[member.username])).content.decode()
        assert "Jan. 15, 2026, 11:30 p.m." in content

    def test_a_members_zone_is_remembered_and_wins(self, member_client, user):
        member_client.cookies["tz"] = "America/New_York"
        member_client.get(reverse("explore"))
        user.refresh_from_db()
        assert user.timezone == "America/New_York"
        user.timezone = "Asia/Tokyo"
        user.date_joined = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)
        user.save()
        content = member_client.get(reverse("profile", args=[user.username])).content.decode()
        assert "Member since" in content and "Jan. 16, 2026" in content

    def test_times_are_marked_up_for_the_browser(self, client, user):
        PostFactory(author=user, created=datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
        content = client.get(reverse("explore")).content.decode()
        assert '<time datetime="2026-03-01T12:00:00+00:00" data-relative' in content


def test_numbers_follow_the_locale(user):
    fans = User.objects.bulk_create(
        User(username=f"fan{i}", email=f"fan{i}@example.com") for i in range(1234)
    )
    Follow.objects.bulk_create(Follow(follower=fan, followed=user) for fan in fans)
    follow_counts_refresh(user_ids=[user.pk])
    url = reverse("profile", args=[user.username])
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    spanish = html.unescape(Client(HTTP_ACCEPT_LANGUAGE="es").get(url).content.decode())
    assert "1,234 followers" in english
    assert "1\xa0234 seguidores" in spanish  # Spanish groups digits with a no-break space


def test_javascript_catalogue_loads_in_spanish():
    response = Client(HTTP_ACCEPT_LANGUAGE="es").get(reverse("javascript_catalog"))
    assert response.status_code == 200
    assert "Quedan %(count)s caracteres" in response.content.decode()


class TestRosetta:
    def test_visitors_and_members_are_kept_out(self, client, member_client):
        assert Client().get("/rosetta/").status_code == 302
        assert member_client.get("/rosetta/").status_code in {302, 403}

    def test_translators_and_superusers_get_in(self, client):
        translator = UserFactory()
        translator.groups.add(Group.objects.get(name="Translators"))
        client.force_login(translator)
        assert client.get("/rosetta/", follow=True).status_code == 200
        superuser = UserFactory(is_superuser=True, is_staff=True)
        other = Client()
        other.force_login(superuser)
        assert other.get("/rosetta/", follow=True).status_code == 200


def test_an_unknown_saved_zone_costs_no_write_per_request(member_client, user):
    User.objects.filter(pk=user.pk).update(timezone="Mars/Olympus")
    member_client.cookies["tz"] = "Europe/Madrid"
    with CaptureQueriesContext(connection) as queries:
        member_client.get(reverse("explore"))
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    user.refresh_from_db()
    assert user.timezone == "Mars/Olympus"  # the member's own choice is not overwritten
