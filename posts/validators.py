"""The rules a post body follows, wherever it comes from (site, API, seed)."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.text import short_text


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
