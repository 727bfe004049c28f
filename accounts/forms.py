"""Forms for editing one's profile."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.avatars import validate_avatar_upload
from accounts.models import User
from accounts.timezones import timezone_choices


class ProfileForm(forms.ModelForm):
    """Username, about me, and an optional new avatar (or its removal)."""

    avatar_upload = forms.FileField(
        label=_("New avatar"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF, up to 2 MB. It is cropped to a square."),
        validators=[validate_avatar_upload],
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove_avatar = forms.BooleanField(
        label=_("Remove my avatar and use my Gravatar"), required=False
    )

    class Meta:
        model = User
        fields = ["username", "about_me", "language", "timezone"]
        widgets = {"about_me": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "language": _("Empty: the language your browser asks for."),
            "timezone": _("Empty: the time zone your browser reports."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("Browser default")),
            *self.fields["language"].choices[1:],
        ]
        self.fields["timezone"] = forms.ChoiceField(
            label=_("Time zone"),
            required=False,
            choices=[("", _("Browser default")), *timezone_choices()],
            help_text=self.Meta.help_texts["timezone"],
        )
        if not self.instance.avatar:
            del self.fields["remove_avatar"]
