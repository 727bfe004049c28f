"""Forms for editing one's profile, and the password forms that share the login limiter."""

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.passwords import current_password_is_right, password_authenticate
from accounts.timezones import timezone_choices


class ProfileForm(forms.ModelForm):
    """Username, about me, and an optional new avatar (or its removal)."""

    # Checked and resized by user_update, after the member's avatar rate limit: decoding an
    # image is the costly part.
    avatar = forms.FileField(
        label=_("New avatar"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF, up to 2 MB. It is cropped to a square."),
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


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    """allauth's form, checking the current password through the shared password limiter."""

    def clean_oldpassword(self) -> str:
        """The current password, counted as a login attempt."""
        password = self.cleaned_data.get("oldpassword", "")
        if not current_password_is_right(self.user, password):
            raise get_adapter().validation_error("enter_current_password")
        return password


class AdminPasswordChangeForm(PasswordChangeForm):
    """The admin's "change my password" form, with the same limiter as the site's."""

    required_css_class = "required"

    def clean_old_password(self) -> str:
        """The current password, counted as a login attempt."""
        password = self.cleaned_data["old_password"]
        if not current_password_is_right(self.user, password):
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return password


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, checking the password through the shared password limiter."""

    def clean(self):
        """Authenticate as the site's login does: same limits, same lockouts."""
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            self.user_cache = password_authenticate(self.request, login=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AccountDeleteForm(forms.Form):
    """Delete my account: the password, and a box that says what it means."""

    password = forms.CharField(
        label=_("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )  # fmt: skip
    understood = forms.BooleanField(
        label=_(
            "I understand that my posts, messages, follows and files will be deleted, "
            "and that this cannot be undone."
        )
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        """The current password, counted as a login attempt (the shared limiter)."""
        password = self.cleaned_data.get("password", "")
        if not current_password_is_right(self.user, password):
            raise ValidationError(_("This is not your password."), code="wrong_password")
        return password
