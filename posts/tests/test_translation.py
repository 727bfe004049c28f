"""Translating a post: the site's button (a Turbo Stream), the tutorial's POST /translate and
the API, against stand-ins for the paid services (core/tests/translator_standins.py)."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from core.tests.translator_standins import translated
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

STREAM = "text/vnd.turbo-stream.html"


@pytest.fixture
def spanish_post(other_user):
    return PostFactory(author=other_user, body="Hola <b>amigos</b>", language="es")


class TestPostTranslation:
    def url(self, post):
        return reverse("post_translate", args=[post.pk])

    def test_the_translation_comes_under_the_post(
        self, member_client, spanish_post, translator_service
    ):
        response = member_client.post(self.url(spanish_post), HTTP_ACCEPT=STREAM)
        assert response.status_code == 200 and response["Content-Type"].startswith(STREAM)
        html = response.content.decode()
        assert f'action="replace" target="translation-{spanish_post.pk}"' in html
        assert escape(translated("Hola <b>amigos</b>", "en")) in html  # plain text, escaped
        provider = {"microsoft": "Microsoft Translator", "deepl": "DeepL",
                    "libretranslate": "LibreTranslate"}[translator_service.provider]  # fmt: skip
        assert f"Translated from Spanish by {provider}" in html
        assert "Show original" in html

    def test_in_the_readers_language(self, member_client, user, spanish_post, translator_service):
        user.language = "de"
        user.save()
        html = member_client.post(self.url(spanish_post)).content.decode()
        assert (
            translated("Hola <b>amigos</b>", "de").replace("<", "&lt;").replace(">", "&gt;") in html
        )
        assert "Übersetzt" in html or "aus dem Spanischen" in html or "Spanisch" in html

    def test_failures_are_said_in_place(self, member_client, spanish_post, translator_service):
        translator_service.fail_with = 503
        response = member_client.post(self.url(spanish_post))
        assert response.status_code == 503
        html = response.content.decode()
        assert 'role="alert"' in html and "not answering" in html and "Try again" in html

    def test_a_post_of_unknown_language_is_not_translated(
        self, member_client, other_user, translator_service
    ):
        post = PostFactory(author=other_user, language=None)
        response = member_client.post(self.url(post))
        assert response.status_code == 400 and "not known" in response.content.decode()
        assert translator_service.requests == []

    def test_members_only_with_csrf_and_post(self, client, user, spanish_post, translator_service):
        assert client.post(self.url(spanish_post)).status_code == 302  # to the login page
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(user)
        assert strict.post(self.url(spanish_post)).status_code == 403
        client.force_login(user)
        assert client.get(self.url(spanish_post)).status_code == 405
        assert translator_service.requests == []

    def test_too_often_is_a_429(self, member_client, spanish_post, translator_service, settings):
        settings.TRANSLATE_RATE = "1/minute"
        member_client.post(self.url(spanish_post))
        other = PostFactory(author=spanish_post.author, body="Buenos días", language="es")
        response = member_client.post(self.url(other))
        assert response.status_code == 429 and "too often" in response.content.decode()
        assert int(response["Retry-After"]) > 0
        assert response["Content-Type"] == "text/vnd.turbo-stream.html; charset=utf-8"


class TestPages:
    def test_members_get_the_translate_url_when_a_provider_is_set(
        self, member_client, client, settings, db
    ):
        assert "data-translate-url" not in member_client.get("/explore/").content.decode()
        settings.TRANSLATOR_URL = "libretranslate+http://127.0.0.1:5000"
        assert (
            'data-translate-url="/post/0/translation/"'
            in member_client.get("/explore/").content.decode()
        )
        assert "data-translate-url" not in Client().get("/explore/").content.decode()


class TestTutorialEndpoint:
    url = "/translate"

    def call(self, client, payload):
        body = payload if isinstance(payload, str) else json.dumps(payload)
        return client.post(self.url, body, content_type="application/json")

    def test_text_in_text_out(self, member_client, translator_service):
        payload = {"text": "Hallo Welt", "source_language": "de", "dest_language": "en"}
        response = self.call(member_client, payload)
        assert response.status_code == 200
        assert response.json() == {"text": translated("Hallo Welt", "en")}

    @pytest.mark.parametrize(
        "payload",
        ["not json", [], {"text": "Hallo"}, {"text": "x" * 141, "source_language": "de",
         "dest_language": "en"}, {"text": "Hallo", "source_language": "zz",
         "dest_language": "en"}, {"text": "", "source_language": "de", "dest_language": "en"}],
    )  # fmt: skip
    def test_bad_requests_are_400(self, member_client, translator_service, payload):
        response = self.call(member_client, payload)
        assert response.status_code == 400 and response.json()["error"]
        assert translator_service.requests == []

    def test_members_only(self, client, translator_service):
        payload = {"text": "Hallo", "source_language": "de", "dest_language": "en"}
        assert self.call(client, payload).status_code == 302


class TestApi:
    def test_translation_in_the_token_owners_language(self, api, user, spanish_post,
                                                       translator_service):  # fmt: skip
        user.language = "fr"
        user.save()
        response = api.call("post", f"/api/posts/{spanish_post.pk}/translation", {})
        assert response.status_code == 200
        assert response.json()["language"] == "fr" and response.json()["source_language"] == "es"
        chosen = api.call("post", f"/api/posts/{spanish_post.pk}/translation", {"language": "de"})
        assert chosen.json()["text"] == translated("Hola <b>amigos</b>", "de")

    def test_errors(self, api, spanish_post, settings, translator_service):
        url = f"/api/posts/{spanish_post.pk}/translation"
        assert api.call("post", url, {"language": "zz"}).status_code == 400
        assert api.call("post", url, {"language": "en\n"}).status_code == 400
        translator_service.fail_with = 456 if translator_service.provider == "deepl" else 429
        failed = api.call("post", url, {"language": "en"})
        assert failed.status_code == 503 and "error" in failed.json()
        settings.TRANSLATOR_URL = ""
        assert api.call("post", url, {"language": "en"}).status_code == 404
