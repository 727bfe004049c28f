"""Values every template needs."""

from django.conf import settings


def site(request):
    """Expose the post length limit to templates (the compose counter shows it)."""
    return {"POST_MAX_LENGTH": settings.POST_MAX_LENGTH}
