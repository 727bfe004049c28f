"""API: follow and unfollow, idempotent, through the site's services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import ERRORS
from accounts.models import User
from social.services import follow_create, follow_delete


class FollowView(APIView):
    """POST: follow the user. DELETE: stop following. Both are idempotent (204)."""

    @extend_schema(request=None, responses={204: None, **ERRORS})
    def post(self, request, user_id: int):
        """Follow; following yourself is 400."""
        followed = get_object_or_404(User, pk=user_id, is_active=True)
        follow_create(follower=request.user, followed=followed)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None, **ERRORS})
    def delete(self, request, user_id: int):
        """Unfollow (harmless when not following)."""
        followed = get_object_or_404(User, pk=user_id, is_active=True)
        follow_delete(follower=request.user, followed=followed)
        return Response(status=status.HTTP_204_NO_CONTENT)
