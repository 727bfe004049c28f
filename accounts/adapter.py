"""allauth glue: e-mails go out in the recipient's language and time zone."""

from contextlib import nullcontext

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import timezone, translation

from accounts.models import User
from accounts.timezones import zone_or_none


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, rendering each e-mail as its recipient chose to read the site."""

    def send_mail(self, template_prefix, email, context):
        """Render and send in the recipient's saved language and zone, else the current ones."""
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        language = (user.language if user else "") or translation.get_language()
        zone = zone_or_none(user.timezone) if user else None
        with translation.override(language), timezone.override(zone) if zone else nullcontext():
            super().send_mail(template_prefix, email, context)
