"""Values every template needs."""

from django.conf import settings


def site(request):
    """Expose the length limits to templates (the compose counters show them)."""
    return {
        "POST_MAX_LENGTH": settings.POST_MAX_LENGTH,
        "MESSAGE_MAX_LENGTH": settings.MESSAGE_MAX_LENGTH,
    }
