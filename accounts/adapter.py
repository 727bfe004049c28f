"""allauth glue: e-mails go out in the recipient's language."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, with e-mails rendered in the language their recipient chose."""

    def send_mail(self, template_prefix, email, context):
        """Render and send in the recipient's saved language, else the current one."""
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        language = (user.language if user else "") or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
