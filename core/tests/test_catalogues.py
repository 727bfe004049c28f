"""The shipped translation catalogues are complete, compile, and match the code.

CI fails here when a catalogue has untranslated or fuzzy entries, fails to compile, or
when `manage.py translate update` would add strings that nobody has translated yet.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUES = sorted((BASE_DIR / "locale").glob("*/LC_MESSAGES/*.po"))
SHIPPED_LANGUAGES = {code for code, _name in settings.LANGUAGES} - {"en"}


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
    translate(project_copy, "init", "fr")
    for domain in ("django", "djangojs"):
        catalogue = project_copy / "locale" / "fr" / "LC_MESSAGES" / f"{domain}.po"
        assert catalogue.exists()
        assert msgids(catalogue) == msgids(
            BASE_DIR / "locale" / "es" / "LC_MESSAGES" / catalogue.name
        )
    translate(project_copy, "compile")
    assert (project_copy / "locale" / "fr" / "LC_MESSAGES" / "django.mo").exists()
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
