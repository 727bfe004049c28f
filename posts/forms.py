"""The compose form."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from posts.languages import language_choices
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

    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Names in the reader's language, read when the form is made.
        self.fields["language"].choices = [("", _("Detect automatically")), *language_choices()]

    def clean_body(self) -> str:
        """Trim and check the body as post_create will."""
        return normalize_post_body(self.cleaned_data["body"])


class PostLanguageForm(forms.Form):
    """The language of a post, as its author corrects it."""

    language = forms.ChoiceField(label=_("Language of this post"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Not known")), *language_choices()]
