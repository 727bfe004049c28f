"""Machine translation providers, chosen by one URL (TRANSLATOR_URL), as MAILER_URL does:

    microsoft://<key>@api.cognitive.microsofttranslator.com?region=<region>
    deepl://<key>@api-free.deepl.com                (or api.deepl.com)
    libretranslate://[<key>@]<host>[:<port>]

The scheme names the provider and the host is the service's, so a regional or self-hosted
service is a setting; "+http" after the name speaks plain HTTP (a local LibreTranslate,
or a stand-in in the tests). Each provider speaks its own documented HTTP protocol, and
every failure becomes a TranslationError carrying what to tell the member.
"""

import json
import threading
import time
from dataclasses import dataclass
from functools import cache
from typing import ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from django.conf import settings
from django.core.checks import Error
from django.utils.translation import gettext_lazy as _


class TranslationError(Exception):
    """A translation that did not happen, with a message for the member."""

    def __init__(self, message, *, status: int = 503):
        super().__init__(message)
        self.message = message
        self.status = status  # the HTTP status the site answers with


UNAVAILABLE = _("The translation service is not answering. Please try again later.")
BUSY = _("Many translations are under way. Please try again in a moment.")
UNSUPPORTED = _("The translation service cannot translate between these languages.")
REFUSED_KEY = _("The translation service refused the site's key. The administrators can fix it.")
QUOTA = _("The translation service's quota is used up for now. Please try again later.")
TOO_FAST = _("The translation service asks to slow down. Please try again in a minute.")


# Whatever the provider does, a translation takes at most TRANSLATOR_TIMEOUT_SECONDS in all
# (a slow trickle included), its answer at most this size, and each server process asks
# at most this many at once: a slow provider never holds all of a process's threads.
MAX_ANSWER_BYTES = 64 * 1024
CONCURRENT_CALLS = 2
_calls = threading.BoundedSemaphore(CONCURRENT_CALLS)


@dataclass(frozen=True)
class Translator:
    """A provider at `base` (scheme and host), with its key and options."""

    name = ""
    # The codes a provider uses where they differ from the posts' (py3langid's).
    codes: ClassVar[dict[str, str]] = {}
    base: str
    key: str = ""
    region: str = ""

    def code(self, language: str) -> str:
        """The provider's code for a post language."""
        return self.codes.get(language, language)

    def translate(self, text: str, *, source: str, target: str) -> str:
        """`text` from `source` into `target` (ISO 639-1 codes)."""
        raise NotImplementedError

    def _post(self, path: str, *, failures: dict[int, str], **kwargs) -> object:
        """POST to the provider; its JSON answer, or a TranslationError."""
        if not _calls.acquire(blocking=False):
            raise TranslationError(BUSY)
        try:
            status, body = _post_within_deadline(self.base + path, **kwargs)
        finally:
            _calls.release()
        if status in failures:
            raise TranslationError(failures[status])
        if status == 400:
            raise TranslationError(UNSUPPORTED, status=400)
        if status != 200:
            raise TranslationError(UNAVAILABLE)
        try:
            return json.loads(body)
        except ValueError as error:
            raise TranslationError(UNAVAILABLE) from error

    @staticmethod
    def _text(text: object) -> str:
        """The translated text, if the answer held one."""
        if not isinstance(text, str) or not text.strip():
            raise TranslationError(UNAVAILABLE)
        return text


def _post_within_deadline(url: str, **kwargs) -> tuple[int, bytes]:
    """The status and body of a POST, read within TRANSLATOR_TIMEOUT_SECONDS in all."""
    timeout = settings.TRANSLATOR_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    try:
        with requests.post(url, timeout=timeout, stream=True, **kwargs) as response:
            body = b""
            # read1: what has arrived, so that a trickle meets the deadline too.
            while chunk := response.raw.read1(4096, decode_content=True):
                body += chunk
                if time.monotonic() > deadline or len(body) > MAX_ANSWER_BYTES:
                    raise TranslationError(UNAVAILABLE)
            return response.status_code, body
    except requests.RequestException as error:
        raise TranslationError(UNAVAILABLE) from error


class MicrosoftTranslator(Translator):
    """Azure AI Translator, v3 (the tutorial's)."""

    name = "Microsoft Translator"
    codes: ClassVar[dict[str, str]] = {"no": "nb", "zh": "zh-Hans"}

    def translate(self, text: str, *, source: str, target: str) -> str:
        """POST /translate?api-version=3.0&from=..&to=.. with [{"Text": ...}]."""
        headers = {"Ocp-Apim-Subscription-Key": self.key}
        if self.region:
            headers["Ocp-Apim-Subscription-Region"] = self.region
        answer = self._post(
            "/translate",
            params={"api-version": "3.0", "from": self.code(source), "to": self.code(target)},
            headers=headers,
            json=[{"Text": text}],
            failures={401: REFUSED_KEY, 403: QUOTA, 429: TOO_FAST},
        )
        try:
            return self._text(answer[0]["translations"][0]["text"])
        except (KeyError, IndexError, TypeError) as error:
            raise TranslationError(UNAVAILABLE) from error


class DeepLTranslator(Translator):
    """DeepL API v2 (api-free.deepl.com for keys ending ":fx", api.deepl.com otherwise)."""

    name = "DeepL"
    codes: ClassVar[dict[str, str]] = {"no": "nb"}

    def translate(self, text: str, *, source: str, target: str) -> str:
        """POST /v2/translate with {"text": [...], "source_lang", "target_lang"}."""
        answer = self._post(
            "/v2/translate",
            headers={"Authorization": f"DeepL-Auth-Key {self.key}"},
            json={
                "text": [text],
                "source_lang": self.code(source).upper(),
                "target_lang": self.code(target).upper(),
            },
            failures={403: REFUSED_KEY, 456: QUOTA, 429: TOO_FAST},
        )
        try:
            return self._text(answer["translations"][0]["text"])
        except (KeyError, IndexError, TypeError) as error:
            raise TranslationError(UNAVAILABLE) from error


class LibreTranslateTranslator(Translator):
    """LibreTranslate (libretranslate.com or one's own)."""

    name = "LibreTranslate"
    codes: ClassVar[dict[str, str]] = {"no": "nb"}

    def translate(self, text: str, *, source: str, target: str) -> str:
        """POST /translate with {"q", "source", "target", "format": "text", "api_key"}."""
        source, target = self.code(source), self.code(target)
        payload = {"q": text, "source": source, "target": target, "format": "text"}
        if self.key:
            payload["api_key"] = self.key
        answer = self._post("/translate", json=payload, failures={403: REFUSED_KEY, 429: TOO_FAST})
        try:
            return self._text(answer["translatedText"])
        except (KeyError, TypeError) as error:
            raise TranslationError(UNAVAILABLE) from error


PROVIDERS = {
    "microsoft": MicrosoftTranslator,
    "deepl": DeepLTranslator,
    "libretranslate": LibreTranslateTranslator,
}


def translator_from_url(url: str) -> Translator | None:
    """The provider a TRANSLATOR_URL names; None when it is empty. Raises ValueError."""
    if not url:
        return None
    parts = urlsplit(url)
    name, _plus, transport = parts.scheme.partition("+")
    if name not in PROVIDERS or transport not in ("", "http"):
        raise ValueError(f"TRANSLATOR_URL: unknown provider {parts.scheme!r}")
    if not parts.hostname:
        raise ValueError("TRANSLATOR_URL: the service's host is missing")
    scheme = "http" if transport else "https"
    port = f":{parts.port}" if parts.port else ""
    region = parse_qs(parts.query).get("region", [""])[0]
    # A DeepL free key ends in ":fx": written as is, it reads as a user and a password.
    key = ":".join(unquote(part) for part in (parts.username, parts.password) if part)
    return PROVIDERS[name](base=f"{scheme}://{parts.hostname}{port}", key=key, region=region)


@cache
def _configured(url: str) -> Translator | None:
    return translator_from_url(url)


def translator() -> Translator | None:
    """The configured provider, or None when translation is off."""
    return _configured(settings.TRANSLATOR_URL)


def translator_settings_check(app_configs, **kwargs) -> list[Error]:
    """TRANSLATOR_URL names a known provider and host (a typo fails at start, not later)."""
    try:
        translator_from_url(settings.TRANSLATOR_URL)
    except ValueError as error:
        return [Error(str(error), id="core.E002")]
    return []
