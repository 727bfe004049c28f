"""Post languages: detected when the text tells it for sure, chosen or corrected by the
author on the site and through the API, shown on the post."""

import pytest
from django.conf.locale import LANG_INFO
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from posts import languages
from posts.languages import language_choices, language_detect
from posts.models import Post
from posts.services import post_create, post_language_set, posts_bulk_create
from posts.tests.factories import PostFactory
from posts.tests.language_samples import SAMPLES, TOO_SHORT


def test_detection_is_right_at_least_nine_times_in_ten():
    results = [(language, language_detect(text)) for language, texts in SAMPLES.items()
               for text in texts]  # fmt: skip
    assert len(results) >= 60 and len(SAMPLES) >= 6
    right = sum(1 for expected, found in results if found == expected)
    wrong = [(expected, found) for expected, found in results if found not in (expected, None)]
    assert right / len(results) >= 0.9
    assert wrong == []  # unsure texts get no language, never a wrong one


@pytest.mark.parametrize("text", TOO_SHORT)
def test_no_language_for_texts_too_short_to_tell(text):
    assert language_detect(text) is None


def test_links_names_and_tags_do_not_make_a_language():
    assert language_detect("@alexandria #photography https://example.com/gallery") is None
    assert language_detect("Heute ist herrliches Wetter https://example.com/x @bob") == "de"


@pytest.mark.django_db
class TestService:
    def test_a_new_post_gets_the_detected_language(self, user):
        post = post_create(author=user, body="Il fait un temps magnifique aujourd'hui !")
        assert Post.objects.get(pk=post.pk).language == "fr"
        assert post_create(author=user, body="ok").language is None

    def test_the_authors_choice_beats_detection(self, user):
        post = post_create(author=user, body="Ciao a tutti, che bella giornata!", language="es")
        assert post.language == "es"

    def test_an_unknown_language_is_refused(self, user):
        with pytest.raises(ValidationError):
            post_create(author=user, body="Hello there, everyone!", language="klingon")
        assert not Post.objects.exists()

    def test_bulk_creation_detects_too(self, user):
        posts_bulk_create(posts=[Post(author=user, body="Guten Morgen, wie geht es dir heute?")])
        assert Post.objects.get().language == "de"

    def test_only_the_author_corrects_the_language(self, user, other_user):
        post = PostFactory(author=user, body="Bonjour", language=None)
        with pytest.raises(PermissionDenied):
            post_language_set(post=post, actor=other_user, language="fr")
        post_language_set(post=post, actor=user, language="fr")
        assert Post.objects.get(pk=post.pk).language == "fr"
        post_language_set(post=post, actor=user, language="")
        assert Post.objects.get(pk=post.pk).language is None


def test_choices_start_with_the_sites_languages():
    codes = [code for code, _name in language_choices()]
    assert codes[:2] == ["en", "es"] and len(codes) == len(set(codes)) > 50


def test_choices_are_named_in_the_readers_language():
    with translation.override("es"):
        assert language_choices()[0] == ("en", "Inglés")
    with translation.override("de"):
        assert language_choices()[0] == ("en", "Englisch")
    assert language_choices()[0] == ("en", "English")


@pytest.mark.django_db
class TestPages:
    def test_the_compose_box_offers_a_language(self, member_client, user):
        page = member_client.get(reverse("home")).content.decode()
        assert '<option value="" selected>Detect automatically</option>' in page
        member_client.post(
            reverse("home"), {"body": "Hello from the other side!", "language": "pt"}
        )
        assert Post.objects.get().language == "pt"

    def test_the_post_shows_its_language(self, client, user):
        PostFactory(author=user, body="Bonjour à tous", language="fr")
        page = client.get(reverse("explore")).content.decode()
        assert 'data-language="fr"' in page and ">French</span>" in page

    def test_the_author_corrects_the_language(self, member_client, user, other_user):
        post = PostFactory(author=user, body="Bom dia", language="es")
        url = reverse("post_language", args=[post.pk])
        assert member_client.get(url).status_code == 200
        response = member_client.post(url, {"language": "pt", "next": "/explore/"})
        assert response.status_code == 302 and response["Location"] == "/explore/"
        post.refresh_from_db()
        assert post.language == "pt"
        assert member_client.post(url, {"language": "xx"}).status_code == 200  # form error
        theirs = PostFactory(author=other_user)
        assert member_client.get(reverse("post_language", args=[theirs.pk])).status_code == 404


@pytest.mark.django_db
class TestApi:
    def test_create_with_or_without_a_language(self, api):
        detected = api.call("post", "/api/posts", {"body": "Hoy hace un tiempo precioso, ¿verdad?"})
        assert detected.status_code == 201 and detected.json()["language"] == "es"
        chosen = api.call("post", "/api/posts", {"body": "Hello world, again", "language": "en"})
        assert chosen.json()["language"] == "en"
        bad = api.call("post", "/api/posts", {"body": "Hello world!!", "language": "zz"})
        assert bad.status_code == 400 and "language" in bad.json()["fields"]

    def test_the_author_patches_the_language(self, api, user, other_user):
        post = PostFactory(author=user, language=None)
        response = api.call("patch", f"/api/posts/{post.pk}", {"language": "nl"})
        assert response.status_code == 200 and response.json()["language"] == "nl"
        cleared = api.call("patch", f"/api/posts/{post.pk}", {"language": None})
        assert cleared.json()["language"] is None
        theirs = PostFactory(author=other_user)
        assert api.call("patch", f"/api/posts/{theirs.pk}", {"language": "nl"}).status_code == 403
        assert api.call("patch", f"/api/posts/{post.pk}", {}).status_code == 400


def test_the_written_out_languages_are_those_the_model_tells_and_django_names():
    known = set(LANG_INFO) | set(languages.NAMED_AS)
    told = {code for code in languages._identifier().nb_classes if code in known}
    assert told == languages.POST_LANGUAGES


def test_offering_the_choice_of_languages_does_not_load_the_model():
    """The compose box on every home page; the model costs 76 MB and 0.6 s."""
    languages._identifier.cache_clear()
    languages._choices_in.cache_clear()
    with translation.override("de"):
        assert ("fr", "Französisch") in language_choices()
    assert languages._identifier.cache_info().currsize == 0
