"""Forms of the messaging pages: compose, report, settings."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from messaging.validators import normalize_message_body


class MessageForm(forms.Form):
    """One message body; the same rules as every other way of sending one."""

    body = forms.CharField(
        label=_("Your message"),
        strip=False,
        required=False,  # normalize_message_body explains an empty message in its own words
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "data-char-limit": settings.MESSAGE_MAX_LENGTH,
                "aria-describedby": "id_body_counter",
            }
        ),
    )

    def clean_body(self) -> str:
        """Trim and check the body as message_send will."""
        return normalize_message_body(self.cleaned_data["body"])


class ReportForm(forms.Form):
    """Why a conversation is reported (optional)."""

    reason = forms.CharField(
        label=_("What is wrong? (optional)"),
        required=False,
        max_length=settings.REPORT_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MessagingSettingsForm(forms.ModelForm):
    """Who may write to the member, and whether unread messages are e-mailed."""

    class Meta:
        model = User
        fields = ["messages_from", "message_emails"]
        widgets = {"messages_from": forms.RadioSelect}
        help_texts = {
            "messages_from": _("Someone you wrote to first may always answer you."),
        }
