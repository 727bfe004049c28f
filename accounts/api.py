"""API: tokens and users, wire-compatible with the Flask Mega-Tutorial's API."""

from functools import cache

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import PasswordBasicAuthentication
from accounts.models import ABOUT_ME_MAX_LENGTH, User
from accounts.selectors import active_users, visible_users
from accounts.services import user_create, user_update
from accounts.tokens import token_issue, token_revoke
from accounts.validators import EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH
from core.api.pagination import collection_schema, paginated_response
from core.api.schema import ERRORS, PAGE_PARAMETERS, iso


class UserSummarySerializer(serializers.ModelSerializer):
    """A user in brief (the author of a post): who they are and where to find them."""

    # The fields document the schema; to_representation writes the dictionary itself, since
    # building DRF's field objects for each user took most of the time a list of users took.
    # tests/test_tutorial_api.py and the Schemathesis run hold the two together.
    _links = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "_links"]

    def get__links(self, user) -> dict[str, str]:
        """Where to find this user, their lists and their avatar."""
        return user_links(user, self.context["request"])

    def to_representation(self, user) -> dict:
        """The user's id, username and links."""
        return {
            "id": user.pk,
            "username": user.username,
            "_links": user_links(user, self.context["request"]),
        }


def user_links(user, request) -> dict[str, str]:
    """Where to find a user, their lists and their avatar."""
    paths = user_path_templates()
    return {
        "self": paths["self"].format(user.pk),
        "followers": paths["followers"].format(user.pk),
        "following": paths["following"].format(user.pk),
        "avatar": request.build_absolute_uri(user.avatar_url(size=128)),
    }


@cache
def user_path_templates() -> dict[str, str]:
    """The API paths of a user, as templates for their id.

    Reversed once per process: three reverse() calls per user were most of the time a list
    of 100 users took.
    """
    marker = 2**62  # no user has this id; the URL patterns take any int
    return {
        key: reverse(name, args=[marker]).replace(str(marker), "{}")
        for key, name in (
            ("self", "api_user"),
            ("followers", "api_followers"),
            ("following", "api_following"),
        )
    }


class UserSerializer(UserSummarySerializer):
    """A user as the tutorial's API shows one; `email` only to its owner."""

    last_seen = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()

    class Meta(UserSummarySerializer.Meta):
        fields = [
            "id", "username", "last_seen", "about_me", "post_count", "follower_count",
            "following_count", "_links", "email",
        ]  # fmt: skip

    def get_last_seen(self, user) -> str | None:
        """When the user was last active (ISO 8601, UTC offset)."""
        return iso(user.last_seen)

    def get_email(self, user) -> str:
        """The e-mail address; present for its owner only."""
        return user.email

    def to_representation(self, user) -> dict:
        """The user, with `email` for its owner only, as the tutorial does."""
        request = self.context["request"]
        data = {
            "id": user.pk,
            "username": user.username,
            "last_seen": iso(user.last_seen),
            "about_me": user.about_me,
            "post_count": user.post_count,
            "follower_count": user.follower_count,
            "following_count": user.following_count,
            "_links": user_links(user, request),
        }
        if request.user.pk == user.pk:
            data["email"] = user.email
        return data


class UserCreateSerializer(serializers.Serializer):
    """What POST /api/users takes; the account rules are checked by `user_create`."""

    username = serializers.CharField(max_length=USERNAME_MAX_LENGTH)
    email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH)
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    about_me = serializers.CharField(
        max_length=ABOUT_ME_MAX_LENGTH, required=False, allow_blank=True
    )

    def validate(self, attrs):
        """Refuse weak passwords with Django's validators."""
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": error.messages}) from None
        return attrs


class UserUpdateSerializer(serializers.Serializer):
    """What PUT /api/users/<id> takes: any of username, email, about_me.

    A new email also needs the current password, and takes effect once confirmed from the
    link sent to it.
    """

    username = serializers.CharField(max_length=USERNAME_MAX_LENGTH, required=False)
    email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH, required=False)
    password = serializers.CharField(
        write_only=True,
        required=False,
        trim_whitespace=False,
        help_text="The current password: needed to change the email.",
    )
    about_me = serializers.CharField(
        max_length=ABOUT_ME_MAX_LENGTH, required=False, allow_blank=True
    )


def user_response(request, user: User, **kwargs) -> Response:
    """The user, as the API shows one."""
    return Response(UserSerializer(user, context={"request": request}).data, **kwargs)


TOKEN_RESPONSE = inline_serializer("Token", {"token": serializers.CharField()})


class TokenView(APIView):
    """POST: a new token for HTTP Basic credentials. DELETE: revoke the Bearer token."""

    throttle_scope = "tokens"

    def get_authenticators(self):
        """Basic credentials buy a token; the token itself revokes it."""
        # The schema generator asks before there is a request.
        if getattr(self.request, "method", None) == "POST":
            return [PasswordBasicAuthentication()]
        return super().get_authenticators()

    @extend_schema(
        request=None,
        responses={200: TOKEN_RESPONSE, **ERRORS},
        auth=[{"basicAuth": []}],
        summary="Get a token with HTTP Basic (username or e-mail, and password)",
    )
    def post(self, request):
        """Issue a token valid for API_TOKEN_LIFETIME_SECONDS (an hour by default)."""
        raw, _token = token_issue(user=request.user)
        return Response({"token": raw})

    @extend_schema(responses={204: None, **ERRORS}, summary="Revoke the token used")
    def delete(self, request):
        """Revoke the token that authenticated this request."""
        token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserListView(APIView):
    """GET: every user, paginated. POST: create a user (no authentication needed)."""

    def get_permissions(self):
        """Anyone may register; reading needs a token."""
        return [AllowAny()] if self.request.method == "POST" else super().get_permissions()

    def get_throttles(self):
        """Creating users is limited more strictly than reading."""
        if self.request.method == "POST":
            self.throttle_scope = "user_create"
        return super().get_throttles()

    @extend_schema(
        operation_id="users_list",
        parameters=PAGE_PARAMETERS,
        responses={200: collection_schema(UserSerializer, "UserCollection"), **ERRORS},
    )
    def get(self, request):
        """All active users, oldest account first."""
        return paginated_response(request, active_users(), UserSerializer)

    @extend_schema(
        request=UserCreateSerializer,
        responses={201: UserSerializer, **ERRORS},
        auth=[{}],
        summary="Register a new user",
    )
    def post(self, request):
        """Create a user; 201 with the user and its Location."""
        serializer = UserCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_create(**serializer.validated_data)
        location = reverse("api_user", args=[user.pk])
        return user_response(request, user, status=201, headers={"Location": location})


class UserDetailView(APIView):
    """GET: one user. PUT: its owner changes username, e-mail or about me."""

    @extend_schema(responses={200: UserSerializer, **ERRORS})
    def get(self, request, user_id: int):
        """The user with this id."""
        if request.user.pk == user_id:
            return user_response(request, request.user)  # read with the token already
        return user_response(request, get_object_or_404(visible_users(), pk=user_id))

    @extend_schema(request=UserUpdateSerializer, responses={200: UserSerializer, **ERRORS})
    def put(self, request, user_id: int):
        """Update yourself; another user's id is 403."""
        user = get_object_or_404(active_users(), pk=user_id)
        serializer = UserUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        current_password = changes.pop("password", "")
        user_update(user=user, actor=request.user, current_password=current_password, **changes)
        return user_response(request, visible_users().get(pk=user.pk))


def email_only_for_owner(result, generator, request, public):
    """Schema hook: `email` is in a user's JSON only when the token's owner reads themself."""
    user_schema = result.get("components", {}).get("schemas", {}).get("User")
    if user_schema and "email" in user_schema.get("required", []):
        user_schema["required"].remove("email")
        user_schema["properties"]["email"]["description"] = "Shown to the user themself only."
    return result
