"""`Authorization: Bearer <token>` for the API, described in the OpenAPI schema too."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from accounts.services import last_seen_touch
from accounts.tokens import token_authenticate


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
