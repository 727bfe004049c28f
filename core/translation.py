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
MEMBER_BUDGET_USED_UP = _("You have had a lot translated today. Please try again tomorrow.")


@dataclass(frozen=True)
class Translation:
    """A translated text, and by whom."""

    text: str
    provider: str


def text_translate(*, text: str, source: str, target: str, member) -> Translation:
    """`text` in `target`, from the cache or the provider (never asked for `source`).

    Raises TranslationError (not configured, the site's or the member's daily budget used
    up, provider failures) and RateLimited (the member translates too often). Only
    translations that happened count against the budgets.
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
    budgets = _budgets_left(member)
    _budget_check(budgets, len(text))
    translated = provider.translate(text, source=source, target=target)
    for budget_key in budgets:  # only what was translated counts
        cache.add(budget_key, 0, 2 * 24 * 3600)
        cache.incr(budget_key, len(text))
    cache.set(key, translated, settings.TRANSLATION_CACHE_SECONDS)
    return Translation(text=translated, provider=provider.name)


def _budgets_left(member) -> dict[str, tuple[int, str]]:
    """Today's budgets (the site's, the member's): cache key -> (characters, message)."""
    today = date.today().isoformat()
    return {
        f"translation-budget:{today}": (settings.TRANSLATION_DAILY_CHARACTERS, BUDGET_USED_UP),
        f"translation-budget:{today}:{member.pk}": (
            settings.TRANSLATION_MEMBER_DAILY_CHARACTERS,
            MEMBER_BUDGET_USED_UP,
        ),
    }


def _budget_check(budgets: dict[str, tuple[int, str]], characters: int) -> None:
    """Raise if translating `characters` more would go past a budget."""
    spent = cache.get_many(list(budgets))
    for budget_key, (limit, message) in budgets.items():
        if spent.get(budget_key, 0) + characters > limit:
            raise TranslationError(message, status=429)
