"""The rules a post's body and language follow, wherever they come from (site, API, seed)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.text import short_text
from posts.languages import POST_LANGUAGES


def normalize_post_body(body: str) -> str:
    """Return the body as stored (cleaned, trimmed, \\n line breaks) or raise ValidationError."""
    return short_text(
        body,
        limit=settings.POST_MAX_LENGTH,
        empty=_("Write something first: a post cannot be empty."),
        too_long=lambda limit, length: (
            ngettext(
                "A post has at most %(limit)d character; this one has %(length)d.",
                "A post has at most %(limit)d characters; this one has %(length)d.",
                limit,
            )
            % {"limit": limit, "length": length}
        ),
    )


def validate_post_language(language: str | None) -> str | None:
    """A language a post may have (posts.languages), None for "not known", or raise."""
    if not language:
        return None
    if language not in POST_LANGUAGES:
        raise ValidationError(
            _("“%(language)s” is not a language posts can have.") % {"language": language[:35]},
            code="language",
        )
    return language
