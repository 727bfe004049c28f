"""The shipped translation catalogues are complete, compile, and match the code.

CI fails here when a catalogue has untranslated or fuzzy entries, fails to compile, has a
translation whose markup is not its original's (see core.catalogues), or when
`manage.py translate update` would add strings that nobody has translated yet.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from core.catalogues import (
    brace_field_problem,
    entry_problems,
    markup_problem,
    placeholder_problem,
)

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUES = sorted((BASE_DIR / "locale").glob("*/LC_MESSAGES/*.po"))
SHIPPED_LANGUAGES = {code for code, _name in settings.LANGUAGES} - {"en"}
TEMPLATES = sorted(
    path
    for folder in [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    for path in folder.rglob("*.html")
)
# A translation that opens a single-quoted attribute value (translations may hold "'":
# French writes "l'auteur", so the markup guard cannot count it).
SINGLE_QUOTED_TRANSLATION = re.compile(
    r"=\s*'[^'<>]*\{%\s*(?:translate|trans|blocktranslate|blocktrans)\b"
)


def test_every_listed_language_ships_both_catalogues():
    for language in SHIPPED_LANGUAGES:
        for domain in ("django", "djangojs"):
            assert (BASE_DIR / "locale" / language / "LC_MESSAGES" / f"{domain}.po").exists()


@pytest.mark.parametrize("path", CATALOGUES, ids=[str(p.relative_to(BASE_DIR)) for p in CATALOGUES])
def test_catalogue_is_complete(path):
    catalogue = polib.pofile(path)
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert [entry.msgid for entry in catalogue.obsolete_entries()] == []
    assert not catalogue.metadata_is_fuzzy


@pytest.mark.parametrize("path", CATALOGUES, ids=[str(p.relative_to(BASE_DIR)) for p in CATALOGUES])
def test_catalogue_compiles(path):
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def markup_problems(path: Path) -> list[str]:
    """One line per translation in the catalogue at `path` whose markup is not its msgid's."""
    return [
        f"{entry.msgid!r}: {problem}"
        for entry in polib.pofile(path)
        for problem in entry_problems(entry)
    ]


@pytest.mark.parametrize("path", CATALOGUES, ids=[str(p.relative_to(BASE_DIR)) for p in CATALOGUES])
def test_translations_carry_exactly_the_markup_of_their_original(path):
    problems = markup_problems(path)
    assert not problems, "\n".join(problems)


def test_translations_in_attributes_are_in_double_quotes():
    """The markup guard keeps '"' out of translations, not "'": a translation inside a
    single-quoted attribute could end it."""
    assert len(TEMPLATES) > 50
    found = [
        f"{path.relative_to(BASE_DIR)}: {match.group()}"
        for path in TEMPLATES
        for match in SINGLE_QUOTED_TRANSLATION.finditer(path.read_text())
    ]
    assert found == []


def test_the_markup_check_reads_every_entry_and_plural_form(tmp_path):
    catalogue = polib.pofile(BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po")
    singular = next(entry for entry in catalogue if not entry.msgid_plural)
    plural = next(entry for entry in catalogue if entry.msgid_plural)
    singular.msgstr += "<img src=x onerror=alert(1)>"
    plural.msgstr_plural[1] += " &lt;"
    catalogue.save(tmp_path / "django.po")
    assert markup_problems(tmp_path / "django.po") == [
        f"{singular.msgid!r}: adds markup that the original does not have: "
        "<img src=x onerror=alert(1)>",
        f"{plural.msgid!r}: msgstr[1] adds markup that the original does not have: &lt;",
    ]


@pytest.mark.parametrize(
    ("msgid", "msgstr", "problem"),
    [
        ("You follow %(username)s.", "Sigues a %(username)s.", None),
        ("%(count)d follower", "un seguidor", None),  # leaving one out is fine
        ("100%% sure, %(name)s", "%(name)s, seguro al 100%%", None),
        ("You follow %(username)s.", "Sigues a %(nombre)s.", "%(nombre)s"),
        ("Hello", "Hola %s", "%s"),
        ("%(n)d posts", "%(n)d publicaciones, %d", "%d"),
        ("Avatar of %(username)s", "Avatar de %(username)", "incomplete format"),
        ("%(count)d sure", "%(count)d seguro al 100%", "incomplete format"),
    ],
)
def test_a_translation_may_not_bring_placeholders_of_its_own(msgid, msgstr, problem):
    found = placeholder_problem(msgid, msgstr)
    assert (found is None) if problem is None else found.endswith(problem)


@pytest.mark.parametrize(
    ("msgid", "msgstr", "allowed"),
    [
        ("The {name} “{obj}” was changed.", "Se cambió {name} «{obj}».", True),
        ("The {name} was changed.", "Se cambió.", True),
        ("The {name} was changed.", "{name.__class__.__init__.__globals__}", False),
        ("The {name} was changed.", "{name} {0}", False),
        ("Plain text", "Texto {settings}", False),
    ],
)
def test_format_fields_of_a_translators_own_are_refused(msgid, msgstr, allowed):
    assert (brace_field_problem(msgid, msgstr) is None) is allowed


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        ("Hello", ""),  # untranslated: gettext shows the msgid
        ("Hello", "Hola"),
        ('Read <a href="%(url)s">the docs</a>.', 'Lee <a href="%(url)s">la documentación</a>.'),
        (
            "<strong>%(name)s</strong> follows <em>you</em>",
            "<em>Te</em> sigue <strong>%(name)s</strong>",
        ),
        ("Fish &amp; chips", "Pescado &amp; patatas"),
        ("Bearer <token>", "«Bearer <token>»"),
        ("a < b", "a < b"),
        ("Search", "„Suchen“ «chercher» “buscar”"),  # typographic quotes are text
        ('Posts matching "%(query)s"', 'Entradas con "%(query)s"'),
        ('Posts matching "%(query)s"', "Entradas con «%(query)s»"),  # its own quotes
    ],
)
def test_a_translation_may_keep_and_reorder_the_markup_of_its_original(msgid, msgstr):
    assert markup_problem(msgid, msgstr) is None


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        ("Hello", "Hola <img src=x onerror=alert(1)>"),
        ("Hello", "Hola <img src=x onerror=alert(1) "),  # never closed: the page closes it
        ("Hello", "Hola <script>alert(1)</script>"),
        ("Hello", "Hola <!-- -->"),
        ("Hello", "Hola &lt;"),
        ("Hello", "Hola &#60;"),
        ('Read <a href="%(url)s">docs</a>', 'Lee <a href="javascript:alert(1)">docs</a>'),
        ('Read <a href="%(url)s">docs</a>', 'Lee <a href="%(url)s" onclick="alert(1)">docs</a>'),
        ('Read <a href="%(url)s">docs</a>', 'Lee <A HREF="%(url)s">docs</a>'),
        ("<b>Hi</b>", "Hola"),  # dropped tags unbalance the page
        ("<b>Hi</b>", "<b>Hola</b></b>"),
        ("Open %(url)s", "Abre java\tscript:alert(1)"),
        # a ">" inside quotes does not end a tag, so the original's tag cannot be stretched
        ('<a title="a>b">x</a>', '<a title="a>b" onmouseover="alert(1)">x</a>'),
        # {% translate %} inside an attribute: a '"' would end it (placeholder="Buscar" ...)
        ("Search", 'Buscar" autofocus onfocus="alert(document.domain)" data-x="'),
        ("Main", 'Principal" hidden id="x'),
        ("Main", "Principal >"),
    ],
)
def test_a_translation_may_not_bring_markup_of_its_own(msgid, msgstr):
    assert markup_problem(msgid, msgstr)


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory):
    """A copy of the project's sources, to run the translate command on."""
    copy = tmp_path_factory.mktemp("project") / "microblog"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".tools", "var", ".git", "__pycache__", "*.mo", "test-results"
        ),
    )
    return copy


def translate(copy: Path, *arguments: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", "translate", *arguments],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def msgids(path: Path) -> set[tuple[str, str]]:
    return {(entry.msgctxt or "", entry.msgid) for entry in polib.pofile(path)}


def test_update_finds_no_string_missing_from_the_catalogues(project_copy):
    translate(project_copy, "update")
    for path in CATALOGUES:
        updated = project_copy / path.relative_to(BASE_DIR)
        new = msgids(updated) - msgids(path)
        assert not new, f"{path.relative_to(BASE_DIR)} lacks {sorted(new)}: run translate update"


def test_init_then_compile_a_new_language(project_copy):
    translate(project_copy, "init", "it")
    for domain in ("django", "djangojs"):
        catalogue = project_copy / "locale" / "it" / "LC_MESSAGES" / f"{domain}.po"
        assert catalogue.exists()
        assert msgids(catalogue) == msgids(
            BASE_DIR / "locale" / "es" / "LC_MESSAGES" / catalogue.name
        )
    translate(project_copy, "compile")
    assert (project_copy / "locale" / "it" / "LC_MESSAGES" / "django.mo").exists()
    assert (project_copy / "locale" / "es" / "LC_MESSAGES" / "djangojs.mo").exists()


def test_init_refuses_an_existing_language(project_copy):
    result = subprocess.run(
        [sys.executable, "manage.py", "translate", "init", "es"],
        cwd=project_copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "exists already" in result.stderr
