"""What a person typed in the search box, read the way they meant it.

Several words must all match; "quoted phrases" match as phrases; `-word` and `-"a phrase"`
exclude; `from:username` keeps one author's posts. Whatever was typed, only words (runs of
letters and digits) ever reach a search backend: `C++` is the word "c", `node.js` the
phrase "node js", unbalanced quotes close at the end, and nothing is an operator but these.
"""

import re
import unicodedata
from dataclasses import dataclass

from core.text import clean_text

# Long queries are cut, not refused: a search box gives results or an empty page.
MAX_QUERY_LENGTH = 500
MAX_TERMS = 16
MAX_PHRASE_WORDS = 16

# A term: an optional minus, then a quoted phrase (closed or not) or a bare run of text.
TERM = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')
WORD = re.compile(r"[^\W_]+")
FROM = re.compile(r"from:(\S*)", re.IGNORECASE)


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: phrases (tuples of lowercase words; a word is a phrase of one) that
    must all match, phrases that must not, and the usernames of the authors asked for."""

    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()
    authors: tuple[str, ...] = ()
    excluded_authors: tuple[str, ...] = ()

    @property
    def words(self) -> set[str]:
        """Every word that must match (to highlight them)."""
        return {word for phrase in self.phrases for word in phrase}

    def __bool__(self) -> bool:
        """Whether there is anything to look for (exclusions alone are not)."""
        return bool(self.phrases or self.authors)


def words_of(text: str) -> tuple[str, ...]:
    """The lowercase words of `text`, as every backend splits it."""
    return tuple(WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def search_query_parse(text: str) -> SearchQuery:
    """Read the search box's `text` into a SearchQuery; never fails."""
    phrases, excluded, authors, excluded_authors = [], [], [], []
    for minus, quoted, bare in TERM.findall(clean_text(text[:MAX_QUERY_LENGTH])):
        author = FROM.fullmatch(bare) if bare else None
        if author is not None:
            if author.group(1):
                (excluded_authors if minus else authors).append(author.group(1).lower())
            continue
        words = words_of(quoted or bare)[:MAX_PHRASE_WORDS]
        target = excluded if minus else phrases
        if words and words not in target and len(phrases) + len(excluded) < MAX_TERMS:
            target.append(words)
    return SearchQuery(
        phrases=tuple(phrases),
        excluded=tuple(excluded),
        authors=tuple(dict.fromkeys(authors)),
        excluded_authors=tuple(dict.fromkeys(excluded_authors)),
    )
