"""The rules a post body follows, wherever it comes from (site, API, seed)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.text import clean_text, has_visible_text


def normalize_post_body(body: str) -> str:
    """Return the body as stored (cleaned, trimmed, \\n line breaks) or raise ValidationError."""
    body = clean_text(body)
    if not has_visible_text(body):
        raise ValidationError(_("Write something first: a post cannot be empty."), code="empty")
    limit = settings.POST_MAX_LENGTH
    if len(body) > limit:
        raise ValidationError(
            ngettext(
                "A post has at most %(limit)d character; this one has %(length)d.",
                "A post has at most %(limit)d characters; this one has %(length)d.",
                limit,
            )
            % {"limit": limit, "length": len(body)},
            code="too_long",
        )
    return body
