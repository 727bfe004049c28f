"""The compose form."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from posts.validators import normalize_post_body


class PostForm(forms.Form):
    """One post body; the same rules as every other way of posting."""

    body = forms.CharField(
        label=_("Say something"),
        strip=False,
        required=False,  # normalize_post_body explains an empty post in its own words
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "data-char-limit": settings.POST_MAX_LENGTH,
                "aria-describedby": "id_body_counter",
                "autofocus": True,
            }
        ),
    )

    def clean_body(self) -> str:
        """Trim and check the body as post_create will."""
        return normalize_post_body(self.cleaned_data["body"])
