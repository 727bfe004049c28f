"""Text that people type: one cleaning rule for every field whose content others read.

Control characters are dropped (PostgreSQL refuses NUL; the others only hide text), line
breaks become "\\n", and a text with nothing visible in it (spaces, zero-width characters,
fillers such as U+3164 or U+2800, lone combining marks) counts as empty.
"""

import unicodedata
from collections.abc import Callable

from django.core.exceptions import ValidationError

# Letters and symbols that draw nothing, which Unicode does not class as spaces or formats.
INVISIBLE_GRAPHEMES = frozenset(
    "\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0\U0001d159\U0001d173\U0001d174\U0001d175"
    "\U0001d176\U0001d177\U0001d178\U0001d179\U0001d17a"
)
# Categories that never show anything on their own: controls, formats (zero-width and
# bidi marks), private use, unassigned, separators, and combining marks without a base.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})
KEPT_CONTROLS = frozenset("\n\t")
ZERO_WIDTH = frozenset("\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff")


def clean_text(value: str) -> str:
    """`value` with \\n line breaks, no control characters, trimmed of blank edges."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(
        char for char in value if char in KEPT_CONTROLS or unicodedata.category(char) != "Cc"
    )
    start, end = 0, len(value)
    while start < end and is_blank(value[start]):
        start += 1
    while end > start and is_blank(value[end - 1]):
        end -= 1
    return value[start:end]


def is_blank(char: str) -> bool:
    """Whether a character is space-like: trimmed from the edges of a text."""
    # Marks and tags that end an emoji sequence (U+FE0F, flag tags) are not blank.
    return (
        char.isspace()
        or char in ZERO_WIDTH
        or char in INVISIBLE_GRAPHEMES
        or unicodedata.category(char) in {"Zs", "Zl", "Zp"}
    )


def is_invisible(char: str) -> bool:
    """Whether a single character draws nothing by itself."""
    return char in INVISIBLE_GRAPHEMES or unicodedata.category(char) in INVISIBLE_CATEGORIES


def has_visible_text(value: str) -> bool:
    """Whether `value` shows anything at all to a reader."""
    return not all(is_invisible(char) for char in value)


def short_text(value: str, *, limit: int, empty: str, too_long: Callable[[int, int], str]) -> str:
    """`value` as stored (see clean_text), or ValidationError when it is empty or too long.

    `empty` is the error for a text with nothing visible; `too_long(limit, length)` gives
    the error for one over `limit` characters. Posts and messages follow these rules.
    """
    value = clean_text(value)
    if not has_visible_text(value):
        raise ValidationError(empty, code="empty")
    if len(value) > limit:
        raise ValidationError(too_long(limit, len(value)), code="too_long")
    return value


def id_from_text(text: str) -> int | None:
    """`text` read as a database id (ASCII digits that fit a 64-bit integer), or None."""
    digits = text.isascii() and text.isdigit() and len(text) < 19
    return int(text) if digits else None
