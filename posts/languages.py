"""The languages of posts: told by py3langid when it is sure, chosen or corrected by authors.

A post's language is an ISO 639 code as py3langid gives it ("en", "pt", "kab") that Django
can name in every interface language (its LANG_INFO), or empty when it is not known.
"""

import re
from functools import cache

from django.conf import settings
from django.utils.translation import get_language, get_language_info
from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Measured on posts/tests/language_samples.py (70 sentences, 7 languages, and 18 short
# texts): from 0.6 on, every sentence is right and no short text gets a language; at 0.7
# two Spanish sentences would be left without one.
MIN_PROBABILITY = 0.6
# Fewer letters than this (links, names and tags aside) cannot tell a language.
MIN_LETTERS = 8
NOT_WORDS = re.compile(r"https?://\S+|www\.\S+|[@#]\w+")
# Codes Django names under another code.
NAMED_AS = {"zh": "zh-hans"}
# Offered first in the compose box, after the site's own languages.
COMMON = ["en", "es", "fr", "de", "it", "pt", "nl", "ca", "pl", "ru", "uk", "tr", "ar", "ja", "zh"]


@cache
def _identifier() -> LanguageIdentifier:
    """py3langid's model with probabilities (loaded once per process)."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


# Every language a post may have: those py3langid tells and Django can name (a test keeps
# the list equal to the model's). Written out, so that pages that only offer the choice (the
# compose box) never load the model: 76 MB and 0.6 s, for processes that detect languages.
POST_LANGUAGES = frozenset(
    "af ar az be bg bn br bs ca cs cy da de el en eo es et eu fa fi fr fy ga gd gl he hi "
    "hr ht hu hy id ig is it ja ka kab kk km kn ko ky lb lt lv mk ml mn mr ms my ne nl "
    "nn no pa pl pt ro ru sk sl sq sr sv sw ta te tg th tk tr tt ug uk ur uz vi zh".split()
)


def language_detect(text: str) -> str | None:
    """The language `text` is written in, or None when that cannot be told for sure."""
    words = NOT_WORDS.sub(" ", text)
    if sum(character.isalpha() for character in words) < MIN_LETTERS:
        return None
    language, probability = _identifier().classify(words)
    if probability < MIN_PROBABILITY or language not in POST_LANGUAGES:
        return None
    return language


def language_name(code: str) -> str:
    """The name of a post language in the reader's language ("French", "francés")."""
    return str(get_language_info(NAMED_AS.get(code, code))["name_translated"])


def language_choices() -> list[tuple[str, str]]:
    """Languages to pick for a post: the site's and common ones first, then the others,
    named in the reader's language (worked out once per interface language and process:
    every home page's compose box asks)."""
    return _choices_in(get_language())


@cache
def _choices_in(interface_language: str) -> list[tuple[str, str]]:
    first = list(dict.fromkeys([code for code, _name in settings.LANGUAGES] + COMMON))
    first = [code for code in first if code in POST_LANGUAGES]
    others = sorted(POST_LANGUAGES - set(first), key=language_name)
    return [(code, language_name(code)) for code in first + others]


# The languages search reduces to their stems ("running" finds "runs"), by the name both
# PostgreSQL's Snowball stemmers and Elasticsearch's language analyzers give them. Posts in
# other languages (or none) are searched word for word, accents aside.
STEMMED_LANGUAGES = {"en": "english", "es": "spanish", "fr": "french", "de": "german"}
