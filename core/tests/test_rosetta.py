"""The translation editor (rosetta, guarded by core.rosetta): who gets in, what gets saved.

Every test edits a copy of the catalogues in a temporary folder, never locale/ itself.
"""

import hashlib
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import Truncator
from rosetta.poutil import find_pos
from rosetta.views import get_app_name

from accounts.permissions import TRANSLATORS_GROUP
from accounts.tests.factories import UserFactory

SOURCE_LOCALE = Path(django_settings.BASE_DIR) / "locale"
SCRIPT = "<img src=x onerror=alert(1)>"


@pytest.fixture
def catalogue(settings, tmp_path):
    """The Spanish django.po in a copy of locale/, the only catalogue folder rosetta sees."""
    originals = {path: path.read_bytes() for path in SOURCE_LOCALE.glob("*/LC_MESSAGES/*.po")}
    locale = tmp_path / "locale"
    shutil.copytree(SOURCE_LOCALE, locale, ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [locale]
    # Rosetta also finds <project>/locale and <app>/../locale on its own: leave that one out.
    settings.ROSETTA_EXCLUDED_PATHS = [str(SOURCE_LOCALE)]
    paths = sorted(find_pos("es"), key=get_app_name)
    assert paths and all(Path(path).is_relative_to(locale) for path in paths), paths
    path = locale / "es" / "LC_MESSAGES" / "django.po"
    yield path, paths.index(str(path))
    assert {path: path.read_bytes() for path in originals} == originals  # locale/ untouched


@pytest.fixture
def form_url(catalogue):
    return reverse(
        "rosetta-form", kwargs={"po_filter": "project", "lang_id": "es", "idx": catalogue[1]}
    )


@pytest.fixture
def translator_client(client, db):
    translator = UserFactory()
    translator.groups.add(Group.objects.get(name=TRANSLATORS_GROUP))
    client.force_login(translator)
    return client


def field(entry, plural_index=None) -> str:
    """The name of the form field rosetta gives to (a plural form of) `entry`."""
    key = entry.msgid + entry.msgstr + (entry.msgctxt or "")
    name = "m_" + hashlib.md5(key.encode()).hexdigest()
    return name if plural_index is None else f"{name}_{plural_index}"


def entries(path: Path) -> dict[tuple[str, str], polib.POEntry]:
    return {(entry.msgctxt or "", entry.msgid): entry for entry in polib.pofile(path)}


def linked_entry(path: Path) -> polib.POEntry:
    return next(e for e in polib.pofile(path) if '<a href="%(url)s">' in e.msgid)


def plain_entry(path: Path) -> polib.POEntry:
    return next(
        e
        for e in polib.pofile(path)
        if e.msgstr and not e.msgid_plural and not {"<", "&", '"'} & set(e.msgid + e.msgstr)
    )


def plural_entry(path: Path) -> polib.POEntry:
    return next(e for e in polib.pofile(path) if e.msgid_plural)


def refused(client, url: str, path: Path, data: dict) -> str:
    """POST `data` to the form, check that it was refused and nothing saved; the page."""
    before = path.read_bytes()
    response = client.post(url, data)
    assert response.status_code == 400
    assert path.read_bytes() == before
    return response.content.decode()


class TestMarkupInTranslations:
    def test_a_translation_that_adds_a_tag_is_refused_and_nothing_is_saved(
        self, translator_client, catalogue, form_url
    ):
        path, _idx = catalogue
        before = path.read_bytes()
        plain, linked = plain_entry(path), linked_entry(path)
        response = translator_client.post(
            form_url,
            {
                field(plain): "Una traducción inocente",  # on the same page: not saved either
                field(linked): linked.msgstr + SCRIPT,
            },
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "Nothing was saved" in page
        assert "the translation adds markup that the original does not have" in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page  # named, and escaped
        assert SCRIPT not in page
        named = escape(f"“{Truncator(linked.msgid).chars(80)}”: the translation adds")
        assert named in page  # which entry was refused, and why
        assert path.read_bytes() == before
        assert not path.with_suffix(".mo").exists()

    def test_the_refused_page_keeps_what_the_translator_typed(
        self, settings, translator_client, catalogue, form_url
    ):
        settings.ROSETTA_MESSAGES_PER_PAGE = 1000  # both entries on the page shown again
        path, _idx = catalogue
        plain, linked = plain_entry(path), linked_entry(path)
        response = translator_client.post(
            form_url, {field(plain): "Una traducción inocente", field(linked): "<b>x</b>"}
        )
        page = response.content.decode()
        assert "Una traducción inocente</textarea>" in page
        assert "&lt;b&gt;x&lt;/b&gt;</textarea>" in page

    def test_a_translation_that_drops_a_tag_is_refused(
        self, translator_client, catalogue, form_url
    ):
        path, _idx = catalogue
        linked = linked_entry(path)
        page = refused(translator_client, form_url, path, {field(linked): "Sin enlace"})
        assert "lacks markup that the original has" in page

    def test_a_quote_that_would_end_an_attribute_is_refused(
        self, translator_client, catalogue, form_url
    ):
        """{% translate %} also fills attributes (the navbar's placeholder="Search")."""
        path, _idx = catalogue
        plain = plain_entry(path)
        injected = plain.msgstr + '" autofocus onfocus="alert(document.domain)" data-x="'
        page = refused(translator_client, form_url, path, {field(plain): injected})
        assert "adds markup that the original does not have" in page

    def test_a_placeholder_the_original_does_not_have_is_refused(
        self, translator_client, catalogue, form_url
    ):
        path, _idx = catalogue
        formatted = next(
            e
            for e in polib.pofile(path)
            if "python-format" in e.flags and "%(username)s" in e.msgid and not e.msgid_plural
        )
        renamed = formatted.msgstr.replace("%(username)s", "%(nombre)s")
        page = refused(translator_client, form_url, path, {field(formatted): renamed})
        assert "uses placeholders that the original does not have" in page

    @pytest.mark.parametrize("broken", ["%(username)", "%(username)s 100%", "%(username)s %é"])
    def test_a_translation_that_does_not_format_is_refused(
        self, translator_client, catalogue, form_url, broken
    ):
        path, _idx = catalogue
        formatted = next(
            e
            for e in polib.pofile(path)
            if "python-format" in e.flags and "%(username)s" in e.msgid and not e.msgid_plural
        )
        page = refused(translator_client, form_url, path, {field(formatted): broken})
        assert "does not format like its original" in page

    def test_plural_forms_for_a_singular_entry_are_refused(
        self, translator_client, catalogue, form_url
    ):
        path, _idx = catalogue
        plain = plain_entry(path)
        data = {field(plain, 0): "uno", field(plain, 1): "varios"}
        page = refused(translator_client, form_url, path, data)
        assert "does not have the forms of its original" in page

    def test_a_plural_form_with_a_tag_of_its_own_is_refused(
        self, translator_client, catalogue, form_url
    ):
        path, _idx = catalogue
        plural = plural_entry(path)
        data = {
            field(plural, 0): plural.msgstr_plural[0],
            field(plural, 1): plural.msgstr_plural[1] + '<a href="javascript:alert(1)">',
        }
        assert "(form 1)" in refused(translator_client, form_url, path, data)

    def test_a_translation_with_the_same_markup_is_saved(
        self, translator_client, catalogue, form_url
    ):
        path, _idx = catalogue
        linked, plural = linked_entry(path), plural_entry(path)
        reordered = 'Lo demás: <a href="%(url)s">la documentación de la API</a>.'
        response = translator_client.post(
            form_url,
            {
                field(linked): reordered,
                field(plural, 0): "uno",
                field(plural, 1): "varios",
            },
        )
        assert response.status_code == 302
        saved = entries(path)
        assert saved[(linked.msgctxt or "", linked.msgid)].msgstr == reordered
        assert saved[(plural.msgctxt or "", plural.msgid)].msgstr_plural == {0: "uno", 1: "varios"}


class TestAccess:
    PAGES = ("/rosetta/", "/rosetta/files/project/")

    def test_a_member_who_does_not_translate_gets_the_403_page(
        self, member_client, catalogue, form_url
    ):
        path, _idx = catalogue
        before = path.read_bytes()
        for url in (*self.PAGES, form_url):
            response = member_client.get(url)
            assert response.status_code == 403, url
            assert "You do not have permission to do that." in response.content.decode()
        entry = plain_entry(path)
        assert member_client.post(form_url, {field(entry): "x"}).status_code == 403
        assert path.read_bytes() == before

    @pytest.mark.parametrize("po_filter", ["django", "third-party", "all"])
    def test_translators_edit_the_projects_catalogues_only(
        self, translator_client, catalogue, po_filter
    ):
        url = reverse("rosetta-file-list", kwargs={"po_filter": po_filter})
        assert translator_client.get(url).status_code == 404
        form = reverse("rosetta-form", kwargs={"po_filter": po_filter, "lang_id": "es", "idx": 0})
        assert translator_client.post(form, {"m_0": "x"}).status_code == 404

    def test_a_visitor_is_sent_to_the_login_page(self, client, catalogue, form_url):
        for url in (*self.PAGES, form_url):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.url == f"{reverse('account_login')}?next={url}"

    def test_translators_and_superusers_get_in(self, translator_client, form_url):
        superuser_client = Client()
        superuser_client.force_login(UserFactory(is_superuser=True, is_staff=True))
        for visitor in (translator_client, superuser_client):
            assert visitor.get("/rosetta/", follow=True).status_code == 200
            assert visitor.get("/rosetta/files/project/").status_code == 200
            assert visitor.get(form_url).status_code == 200
