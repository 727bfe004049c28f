"""A translation may not carry markup, or placeholders, that its original does not have.

`{% blocktranslate %}` (and `format_html()` on a translated format string) put the
translation into the page unescaped, so a translator who could add `<img src=x onerror=...>`
to a msgstr could run script on every page in that language. The rule: the markup of a
msgstr (and of each msgstr_plural form) is the markup of its msgid, exactly. Markup means

* every tag, with its attributes as written (`<a href="%(url)s">`, `</a>`, `<strong>`);
  a `<` that opens a tag which never closes counts with the rest of the text up to the
  next `<`, and a lone `<` before a space or a digit counts as itself;
* every entity and character reference (`&amp;`, `&#39;`, `&#x27;`);
* every `javascript:` or `vbscript:` URL scheme, even one spread out with blanks;
* every `"` and `>` outside a tag: `{% translate %}` puts a translation into attributes too
  (`placeholder="{% translate 'Search' %}"`), where a `"` would end the value and let the
  translator write attributes of their own (`autofocus onfocus=...`, `hidden`). Typographic
  quotes (“ ” « » „) are text, and a translation may use them for the original's `"`.

Both sides are compared as multisets: a translation may reorder the original's tags (word
order differs between languages), but may neither add nor drop any. An empty msgstr is an
untranslated entry (gettext shows the msgid), so it has no problem here.

Placeholders are checked too. In a python-format entry (`%(username)s`, `%d`) a name the
original does not have, or a "%" that does not format, raises when the page is rendered: a
500 on every page that shows the string. In any entry a str.format() field (`{name}`, as
`format_html()` reads them) of the translator's own could read attributes of the values
and, from there, the settings. A translation may leave a placeholder out (a language may
not need it).

The messages are in English on purpose: translators work from the English msgids, and the
checker must not add strings of its own to the catalogues it checks.
"""

import re
from collections import Counter

# Browsers ignore tabs and line breaks inside a URL's scheme, so look for them in between.
_BLANKS = r"[\t\n\r ]*"
_SCRIPT_SCHEMES = "|".join(
    _BLANKS.join(re.escape(letter) for letter in scheme) + _BLANKS + ":"
    for scheme in ("javascript", "vbscript")
)

MARKUP = re.compile(
    rf"""
      <[^<>"']*(?:(?:"[^"]*"|'[^']*')[^<>"']*)*>   # a whole tag: a quoted ">" does not end it
    | <[A-Za-z/!?][^<]*                           # a tag that never closes
    | <                                           # a lone "<"
    | &(?:\#[0-9]+|\#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);  # an entity or character reference
    | {_SCRIPT_SCHEMES}                           # a script URL
    | [">]                                        # outside a tag: ends an attribute, a tag
    """,
    re.VERBOSE | re.IGNORECASE,
)


# Markup only where it is added: a translation may write the original's '"' as « » or „ “.
TEXT = {'"', ">"}

# A printf-style conversion as Python's % operator reads it; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?(?P<type>[a-zA-Z%])"
)
# A str.format() field ("{name}", "{0}", "{name.attribute}"), as format_html() reads them.
BRACE_FIELD = re.compile(r"\{[^{}]*\}")


def placeholders(text: str) -> Counter[str]:
    """The multiset of python-format placeholders in `text` ("%(name)s", "%d"; not "%%")."""
    return Counter(
        match.group() for match in PLACEHOLDER.finditer(text) if match.group("type") != "%"
    )


def placeholder_problem(msgid: str, msgstr: str) -> str | None:
    """Why `msgstr` may not format like `msgid` (a placeholder of its own), or None.

    >>> placeholder_problem("You follow %(username)s.", "Sigues a %(nombre)s.")
    'uses placeholders that the original does not have: %(nombre)s'
    """
    if added := placeholders(msgstr) - placeholders(msgid):
        return f"uses placeholders that the original does not have: {_listed(added)}"
    names = {m.group("name") for m in PLACEHOLDER.finditer(msgid) if m.group("name") is not None}
    values = dict.fromkeys(names, 1) if names else (1,) * sum(placeholders(msgid).values())
    try:
        msgstr % (values or {})  # as blocktranslate formats: a dict, even an empty one
    except (ValueError, TypeError, KeyError) as error:
        return f"does not format like its original: {error}"
    return None


def brace_field_problem(msgid: str, msgstr: str) -> str | None:
    """Why `msgstr` may not format like `msgid` with str.format() (a field of its own).

    A "{name.attr[key]}" field of a translator's could read any attribute of the values
    formatted in, and from there the settings: only the original's fields are allowed.
    """
    if added := Counter(BRACE_FIELD.findall(msgstr)) - Counter(BRACE_FIELD.findall(msgid)):
        return f"uses placeholders that the original does not have: {_listed(added)}"
    return None


def markup(text: str) -> Counter[str]:
    """The multiset of markup pieces (tags, references, script URLs) in `text`."""
    return Counter(match.group() for match in MARKUP.finditer(text))


def _listed(pieces: Counter[str]) -> str:
    return ", ".join(sorted(pieces.elements()))


def markup_problem(msgid: str, msgstr: str) -> str | None:
    """Why `msgstr` may not translate `msgid`, or None if its markup is the msgid's.

    >>> markup_problem('Read <a href="%(url)s">the docs</a>.', 'Lee <a href="%(url)s">la doc</a>.')
    >>> markup_problem("Hello", "Hola <img src=x onerror=alert(1)>")
    'adds markup that the original does not have: <img src=x onerror=alert(1)>'
    """
    if not msgstr:
        return None
    original, translation = markup(msgid), markup(msgstr)
    if original == translation:
        return None
    problems = []
    if added := translation - original:
        problems.append(f"adds markup that the original does not have: {_listed(added)}")
    if dropped := Counter(
        {piece: count for piece, count in (original - translation).items() if piece not in TEXT}
    ):
        problems.append(f"lacks markup that the original has: {_listed(dropped)}")
    return "; ".join(problems) or None


def translation_problem(entry, msgstr: str, plural_index: int | None = None) -> str | None:
    """Why `msgstr` may not be the translation of the polib `entry`, or None.

    `plural_index` names the msgstr_plural form of a plural entry (None for a singular
    entry). A form may have to stand for the singular as well as the plural (a language
    with one form uses msgstr[0] for every count), so a form may carry the markup of either
    the msgid or the msgid_plural: both were written by the developers.
    """
    if plural_index is None or not entry.msgid_plural:
        originals = [entry.msgid]
    else:
        originals = [entry.msgid, entry.msgid_plural]
        if int(plural_index) > 0:
            originals.reverse()  # report the difference from the original the form stands for
    checks = [markup_problem, brace_field_problem]
    if "python-format" in entry.flags:
        checks.append(placeholder_problem)
    for check in checks:
        problems = [check(original, msgstr) for original in originals]
        if None not in problems:
            return problems[0]
    return None


def entry_problems(entry) -> list[str]:
    """What is wrong with the translation(s) of the polib `entry`: one line per bad form."""
    if not entry.msgid_plural:
        problem = translation_problem(entry, entry.msgstr)
        return [problem] if problem else []
    problems = []
    for index, msgstr in sorted(entry.msgstr_plural.items(), key=lambda item: int(item[0])):
        if problem := translation_problem(entry, msgstr, int(index)):
            problems.append(f"msgstr[{index}] {problem}")
    return problems
