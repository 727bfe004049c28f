"""Empty forms laid out once per process: the same page for every reader of a language,
never a stale or foreign one."""

import re

import pytest
from django.core.cache import caches
from django.urls import reverse

pytestmark = pytest.mark.django_db


def compose_box(response) -> str:
    """The home page's compose form, without its CSRF token (masked anew each time)."""
    content = response.content.decode()
    box = content[content.index('<form method="post" action="/"') :].split("</form>")[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", box)


def test_the_empty_compose_box_is_laid_out_once_per_language(member_client):
    caches["fragments"].clear()
    english = compose_box(member_client.get(reverse("home")))
    assert '<option value="fr">French</option>' in english
    kept = [value for value in caches["fragments"]._cache.values() if b"id_language" in value]
    assert len(kept) == 1
    assert compose_box(member_client.get(reverse("home"))) == english
    spanish = compose_box(member_client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es"))
    assert '<option value="fr">Francés</option>' in spanish
    assert compose_box(member_client.get(reverse("home"))) == english


def test_a_compose_box_sent_back_shows_what_was_typed_and_why(member_client):
    member_client.get(reverse("home"))  # the empty box, kept
    response = member_client.post(reverse("home"), {"body": "x" * 5000, "language": "fr"})
    box = compose_box(response)
    assert "x" * 5000 in box and "is-invalid" in box
    assert '<option value="fr" selected>French</option>' in box
    assert "x" * 5000 not in compose_box(member_client.get(reverse("home")))
