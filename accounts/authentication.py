"""API authentication: `Authorization: Bearer <token>`, and HTTP Basic to get a token."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import (
    BaseAuthentication,
    BasicAuthentication,
    get_authorization_header,
)
from rest_framework.exceptions import AuthenticationFailed, Throttled

from accounts.passwords import is_lockout, lockout_seconds, password_authenticate
from accounts.services import last_seen_touch
from accounts.tokens import token_authenticate


class PasswordBasicAuthentication(BasicAuthentication):
    """HTTP Basic through the site's password limiter: a locked account or IP gets a 429."""

    def authenticate_credentials(self, userid, password, request=None):
        """(user, None) for good credentials; 401 for bad ones; 429 while locked out."""
        try:
            user = password_authenticate(request._request, login=userid, password=password)
        except ValidationError as error:
            if not is_lockout(error):
                raise
            raise Throttled(wait=lockout_seconds(), detail=" ".join(error.messages)) from None
        # A deactivated member (or one whose account is being deleted) gets no token: it
        # would start working if the account were reactivated.
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("Invalid username/password."))
        return user, None


class BearerTokenAuthentication(BaseAuthentication):
    """Authenticate with a token from POST /api/tokens; request.auth is the ApiToken."""

    keyword = b"bearer"

    def authenticate(self, request):
        """Return (user, token), None without a Bearer header, or fail for a bad token."""
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("The Authorization header must be “Bearer <token>”."))
        token = token_authenticate(raw=parts[1].decode("latin-1"))
        if token is None:
            raise AuthenticationFailed(_("The token is unknown, expired or revoked."))
        last_seen_touch(user=token.user)  # API use is activity too
        return token.user, token

    def authenticate_header(self, request) -> str:
        """The WWW-Authenticate value of a 401 response."""
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Document BearerTokenAuthentication as HTTP bearer authentication."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        """The OpenAPI security scheme."""
        return {"type": "http", "scheme": "bearer"}
