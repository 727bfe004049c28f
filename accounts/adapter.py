"""allauth glue: e-mails in the recipient's language, one password limiter, safe sign-ups."""

from contextlib import nullcontext

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.passwords import account_key
from accounts.services import raise_uniqueness_errors
from accounts.timezones import zone_or_none
from accounts.validators import EMAIL_MAX_LENGTH, email_taken


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, adapted to Microblog's accounts."""

    def send_mail(self, template_prefix, email, context):
        """Render and send in the recipient's saved language and zone, else the current ones."""
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        language = (user.language if user else "") or translation.get_language()
        zone = zone_or_none(user.timezone) if user else None
        with translation.override(language), timezone.override(zone) if zone else nullcontext():
            super().send_mail(template_prefix, email, context)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Count failed logins per account, not per spelling of its username or address."""
        # allauth keys the login_failed limit (and clears it on a password reset) with this.
        login = credentials.get("email") or credentials.get("username") or ""
        return account_key(login)

    def clean_email(self, email: str) -> str:
        """Refuse an address longer than the database keeps (on every allauth form)."""
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError(
                _("An e-mail address has at most %(limit)d characters.")
                % {"limit": EMAIL_MAX_LENGTH}
            )
        return super().clean_email(email)

    def confirm_email(self, request, email_address):
        """Confirm an address, unless another account took it since the link was sent."""
        try:
            if not email_taken(email_address.email, exclude_pk=email_address.user_id):
                with transaction.atomic():
                    return super().confirm_email(request, email_address)
        except IntegrityError:  # taken between the check and the write
            pass
        self.add_message(
            request,
            messages.ERROR,
            "account/messages/email_confirmation_failed.txt",
            {"email": email_address.email},
        )
        return False

    def save_user(self, request, user, form, commit=True):
        """Save a new member; losing a race for a name or address is a form error, not a 500."""
        try:
            with transaction.atomic():
                return super().save_user(request, user, form, commit=commit)
        except IntegrityError:
            raise_uniqueness_errors(username=user.username, email=user.email)
            raise
