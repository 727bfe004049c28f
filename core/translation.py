"""Translating a text for a member: through the configured provider (core.translators),
kept in the shared cache for every later reader, limited per member and per day."""

from dataclasses import dataclass
from datetime import date
from hashlib import blake2b

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from core.ratelimit import rate_limit
from core.translators import TranslationError, translator

NOT_CONFIGURED = _("Translation is not available on this site.")
BUDGET_USED_UP = _("Today's translation budget is used up. Please try again tomorrow.")


@dataclass(frozen=True)
class Translation:
    """A translated text, and by whom."""

    text: str
    provider: str


def text_translate(*, text: str, source: str, target: str, member) -> Translation:
    """`text` in `target`, from the cache or the provider (never asked for `source`).

    Raises TranslationError (not configured, budget used up, provider failures) and
    RateLimited (the member translates too often).
    """
    provider = translator()
    if provider is None:
        raise TranslationError(NOT_CONFIGURED, status=404)
    if source == target:
        return Translation(text=text, provider=provider.name)
    identity = repr((provider.name, provider.base, source, target, text)).encode()
    key = "translation:" + blake2b(identity, digest_size=16).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return Translation(text=cached, provider=provider.name)
    rate_limit(scope="translate", key=member.pk, rate=settings.TRANSLATE_RATE)
    _budget_spend(len(text))
    translated = provider.translate(text, source=source, target=target)
    cache.set(key, translated, settings.TRANSLATION_CACHE_SECONDS)
    return Translation(text=translated, provider=provider.name)


def _budget_spend(characters: int) -> None:
    """Count `characters` against today's site-wide budget, or raise when it is spent."""
    key = f"translation-budget:{date.today().isoformat()}"
    cache.add(key, 0, 2 * 24 * 3600)
    spent = cache.incr(key, characters)
    if spent > settings.TRANSLATION_DAILY_CHARACTERS:
        raise TranslationError(BUDGET_USED_UP, status=429)
