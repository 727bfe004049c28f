"""The rules a post body follows, wherever it comes from (site, API, seed)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def normalize_post_body(body: str) -> str:
    """Return the body as stored (trimmed, \\n line breaks) or raise ValidationError."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
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
