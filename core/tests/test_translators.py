"""Translation providers against stand-ins that speak their real protocols (the stand-ins
replace the paid services: core/tests/translator_standins.py), and the translation service:
cache, budget, limits, failures."""

import threading
import time

import pytest
from django.core.cache import cache

from core.ratelimit import RateLimited
from core.tests.translator_standins import KEY, translated
from core.translation import text_translate
from core.translators import (
    DeepLTranslator,
    LibreTranslateTranslator,
    MicrosoftTranslator,
    TranslationError,
    translator,
    translator_from_url,
)


def test_urls_name_providers_hosts_and_keys():
    microsoft = translator_from_url(
        "microsoft://k%3Ay@api.cognitive.microsofttranslator.com?region=westeurope"
    )
    assert microsoft == MicrosoftTranslator(
        base="https://api.cognitive.microsofttranslator.com", key="k:y", region="westeurope"
    )
    assert translator_from_url("deepl://abc:fx@api-free.deepl.com") == DeepLTranslator(
        base="https://api-free.deepl.com", key="abc:fx"
    )
    local = translator_from_url("libretranslate+http://127.0.0.1:5000")
    assert local == LibreTranslateTranslator(base="http://127.0.0.1:5000")
    assert translator_from_url("") is None
    for wrong in ("google://k@h", "deepl+ftp://k@h", "deepl://k@"):
        with pytest.raises(ValueError):
            translator_from_url(wrong)


def test_each_provider_is_spoken_to_as_documented(translator_service):
    text = "Hola, ¿qué tal?"
    assert translator().translate(text, source="es", target="en") == translated(text, "en")
    (sent,) = translator_service.requests
    if translator_service.provider == "microsoft":
        assert sent["path"] == "/translate"
        assert sent["query"] == {"api-version": ["3.0"], "from": ["es"], "to": ["en"]}
        assert sent["headers"]["Ocp-Apim-Subscription-Key"] == KEY
        assert sent["headers"]["Ocp-Apim-Subscription-Region"] == "westeurope"
        assert sent["json"] == [{"Text": text}]
    elif translator_service.provider == "deepl":
        assert sent["path"] == "/v2/translate"
        assert sent["headers"]["Authorization"] == f"DeepL-Auth-Key {KEY}"
        assert sent["json"] == {"text": [text], "source_lang": "ES", "target_lang": "EN"}
    else:
        assert sent["path"] == "/translate"
        assert sent["json"] == {"q": text, "source": "es", "target": "en", "format": "text",
                                "api_key": KEY}  # fmt: skip


KEY_REFUSED, QUOTA, SLOW_DOWN, DOWN = (
    "refused the site's key",
    "quota",
    "slow down",
    "not answering",
)
FAILURES = {
    "microsoft": {401: KEY_REFUSED, 403: QUOTA, 429: SLOW_DOWN, 500: DOWN},
    "deepl": {403: KEY_REFUSED, 456: QUOTA, 429: SLOW_DOWN, 503: DOWN},
    "libretranslate": {403: KEY_REFUSED, 429: SLOW_DOWN, 500: DOWN},
}


def test_each_failure_says_what_happened(translator_service):
    for status, words in FAILURES[translator_service.provider].items():
        translator_service.fail_with = status
        with pytest.raises(TranslationError) as failed:
            translator().translate("Hallo", source="de", target="en")
        assert words in str(failed.value.message)


def test_a_slow_or_absent_service_is_a_clear_error(translator_service, settings):
    settings.TRANSLATOR_TIMEOUT_SECONDS = 0.2
    translator_service.delay = 1
    with pytest.raises(TranslationError) as slow:
        translator().translate("Hallo", source="de", target="en")
    assert "not answering" in str(slow.value.message)
    settings.TRANSLATOR_URL = "libretranslate+http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(TranslationError):
        translator().translate("Hallo", source="de", target="en")


@pytest.mark.django_db
class TestService:
    def test_a_translation_is_asked_once_then_served_from_the_cache(
        self, translator_service, user, other_user
    ):
        first = text_translate(text="Bonjour", source="fr", target="en", member=user)
        second = text_translate(text="Bonjour", source="fr", target="en", member=other_user)
        assert first == second and first.text == translated("Bonjour", "en")
        assert len(translator_service.requests) == 1

    def test_the_same_language_never_calls_the_provider(self, translator_service, user):
        same = text_translate(text="Hello", source="en", target="en", member=user)
        assert same.text == "Hello" and translator_service.requests == []

    def test_members_are_limited(self, translator_service, user, settings):
        settings.TRANSLATE_RATE = "2/minute"
        for number in range(2):
            text_translate(text=f"Hallo {number}", source="de", target="en", member=user)
        with pytest.raises(RateLimited):
            text_translate(text="Hallo 3", source="de", target="en", member=user)

    def test_the_daily_budget_is_shared_by_everyone(
        self, translator_service, user, other_user, settings
    ):
        settings.TRANSLATION_DAILY_CHARACTERS = 10
        text_translate(text="Hallo Welt", source="de", target="en", member=user)  # 10
        with pytest.raises(TranslationError) as spent:
            text_translate(text="Guten Tag", source="de", target="en", member=other_user)
        assert "budget is used up" in str(spent.value.message) and spent.value.status == 429
        assert len(translator_service.requests) == 1

    def test_only_translations_that_happened_count(self, translator_service, user, settings):
        settings.TRANSLATION_DAILY_CHARACTERS = 10
        translator_service.fail_with = 503
        for _ in range(3):
            with pytest.raises(TranslationError):
                text_translate(text="Hallo Welt", source="de", target="en", member=user)
        translator_service.fail_with = None
        text_translate(text="Hallo Welt", source="de", target="en", member=user)  # 10 of 10

    def test_each_member_has_a_share_of_the_budget(
        self, translator_service, user, other_user, settings
    ):
        settings.TRANSLATION_MEMBER_DAILY_CHARACTERS = 10
        text_translate(text="Hallo Welt", source="de", target="en", member=user)
        with pytest.raises(TranslationError) as spent:
            text_translate(text="Guten Tag", source="de", target="en", member=user)
        assert "a lot translated today" in str(spent.value.message)
        text_translate(text="Guten Tag", source="de", target="en", member=other_user)

    def test_off_without_a_provider(self, settings, user):
        settings.TRANSLATOR_URL = ""
        with pytest.raises(TranslationError) as off:
            text_translate(text="Hallo", source="de", target="en", member=user)
        assert off.value.status == 404
        assert cache.get("translation-budget") is None


def test_a_trickling_answer_meets_the_deadline_in_all(translator_service, settings):
    settings.TRANSLATOR_TIMEOUT_SECONDS = 0.5
    translator_service.trickle = 0.05  # a byte every 50 ms: each read is quick, the whole is not
    began = time.monotonic()
    with pytest.raises(TranslationError):
        translator().translate("Hallo Welt", source="de", target="en")
    assert time.monotonic() - began < 2


@pytest.mark.parametrize(
    "answer", [b"not json", b"null", b'{"translatedText": null}', b'{"translatedText": 5}',
               b'{"translatedText": ""}', b"x" * 100_000],
)  # fmt: skip
def test_a_strange_answer_is_no_translation(translator_service, answer):
    translator_service.raw_answer = answer
    with pytest.raises(TranslationError):
        translator().translate("Hallo", source="de", target="en")


def test_languages_it_cannot_translate_say_so(translator_service):
    translator_service.fail_with = 400
    with pytest.raises(TranslationError) as unsupported:
        translator().translate("Hallo", source="cy", target="en")
    assert "cannot translate between these languages" in str(unsupported.value.message)
    assert unsupported.value.status == 400


def test_norwegian_is_sent_as_the_providers_code(translator_service):
    translator().translate("Hei", source="no", target="en")
    (sent,) = translator_service.requests
    sent_source = sent["query"].get("from", [""])[0] + str(sent["json"]).lower()
    assert "'nb'" in sent_source or sent_source.startswith("nb")


def test_at_most_two_calls_at_once_per_process(translator_service, settings):
    translator_service.delay = 0.5
    results = []

    def call():
        try:
            results.append(translator().translate("Hallo", source="de", target="en"))
        except TranslationError as error:
            results.append(str(error.message))

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    assert sum("under way" in result for result in results) == 1
