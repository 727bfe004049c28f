"""Matched words marked in a post's HTML: <mark> around the words a search found.

A body word is marked when it is one of the searched words, or shares its stem with one
(in the post's language and in English, as the indexes stem), accents and case aside. Only
text between tags is touched, never a tag, an attribute or a character entity.
"""

import re
import unicodedata
from functools import cache

import snowballstemmer
from django.utils.safestring import SafeString, mark_safe

from posts.languages import STEMMED_LANGUAGES

# Tags and character entities pass through untouched; words are runs of letters and digits.
MARKUP = re.compile(r"(<[^>]*>|&#?\w+;)")
WORD = re.compile(r"[^\W_]+")


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(language)


def fold(word: str) -> str:
    """`word` in lowercase without accents ("Café" → "cafe")."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _forms(word: str, stemmers) -> set[str]:
    folded = fold(word)
    return {folded, *(stemmer.stemWord(folded) for stemmer in stemmers)}


def highlight(html: SafeString, words, language: str | None) -> SafeString:
    """`html` with every word matching one of `words` wrapped in <mark>."""
    if not words:
        return html
    names = {"english", STEMMED_LANGUAGES.get((language or "").split("-")[0], "english")}
    stemmers = [_stemmer(name) for name in sorted(names)]
    wanted = set().union(*(_forms(word, stemmers) for word in words))

    def mark(match: re.Match) -> str:
        word = match.group()
        return f"<mark>{word}</mark>" if _forms(word, stemmers) & wanted else word

    parts = MARKUP.split(html)
    # Odd parts are tags and entities; even parts are (escaped) text.
    return mark_safe(
        "".join(part if i % 2 else WORD.sub(mark, part) for i, part in enumerate(parts))
    )
