"""API: follow and unfollow (idempotent), and the lists of followers and followed accounts."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import UserSerializer
from accounts.selectors import visible_users
from core.api.pagination import collection_schema, paginated_response
from core.api.schema import ERRORS, PAGE_PARAMETERS
from social.selectors import followed_users, follower_users
from social.services import follow_create, follow_delete


class FollowView(APIView):
    """POST: follow the user. DELETE: stop following. Both are idempotent (204)."""

    @extend_schema(request=None, responses={204: None, **ERRORS})
    def post(self, request, user_id: int):
        """Follow; following yourself is 400."""
        followed = get_object_or_404(visible_users(), pk=user_id)
        follow_create(follower=request.user, followed=followed)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None, **ERRORS})
    def delete(self, request, user_id: int):
        """Unfollow (harmless when not following)."""
        followed = get_object_or_404(visible_users(), pk=user_id)
        follow_delete(follower=request.user, followed=followed)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FollowListView(APIView):
    """A user's followers or followed accounts (the `direction` of the URL)."""

    direction = "followers"

    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: collection_schema(UserSerializer, "UserCollection"), **ERRORS},
    )
    def get(self, request, user_id: int):
        """One page of users, most recent follow first."""
        user = get_object_or_404(visible_users(), pk=user_id)
        selector = follower_users if self.direction == "followers" else followed_users
        return paginated_response(request, selector(user=user), UserSerializer)
