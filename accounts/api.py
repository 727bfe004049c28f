"""API: tokens and users, wire-compatible with the Flask Mega-Tutorial's API."""

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ABOUT_ME_MAX_LENGTH, User
from accounts.selectors import active_users, users_with_counts
from accounts.services import email_change, profile_update, user_create
from accounts.tokens import token_issue, token_revoke
from accounts.validators import USERNAME_MAX_LENGTH, USERNAME_VALIDATORS
from microblog.api.errors import ErrorSerializer
from microblog.api.pagination import collection_schema, paginated_response
from social.selectors import followed_users, follower_users

PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="Page number, from 1."),
    OpenApiParameter("per_page", int, description="Items per page (default 10, at most 100)."),
]
ERRORS = dict.fromkeys((400, 401, 403, 404, 405, 415, 429), ErrorSerializer)


def iso(value) -> str | None:
    """ISO 8601 with an explicit +00:00 offset, as the tutorial's API writes times."""
    return value.isoformat() if value else None


class UserSerializer(serializers.ModelSerializer):
    """A user as the tutorial's API shows one; `email` only to its owner."""

    last_seen = serializers.SerializerMethodField()
    post_count = serializers.IntegerField(read_only=True)
    follower_count = serializers.IntegerField(read_only=True)
    following_count = serializers.IntegerField(read_only=True)
    _links = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id", "username", "last_seen", "about_me", "post_count", "follower_count",
            "following_count", "_links", "email",
        ]  # fmt: skip

    def get_last_seen(self, user) -> str | None:
        """When the user was last active (ISO 8601, UTC offset)."""
        return iso(user.last_seen)

    def get_email(self, user) -> str | None:
        """The e-mail address, for its owner only."""
        return user.email if self.context["request"].user.pk == user.pk else None

    def get__links(self, user) -> dict[str, str]:
        """Where to find this user, their lists and their avatar."""
        request = self.context["request"]
        return {
            "self": reverse("api_user", args=[user.pk]),
            "followers": reverse("api_followers", args=[user.pk]),
            "following": reverse("api_following", args=[user.pk]),
            "avatar": request.build_absolute_uri(user.avatar_url(size=128)),
        }

    def to_representation(self, user):
        """Leave `email` out entirely for anyone but the owner, as the tutorial does."""
        data = super().to_representation(user)
        if data["email"] is None:
            del data["email"]
        return data


def validate_username_rules(value: str, *, exclude_pk=None) -> str:
    """The site's username rules, uniqueness whatever the letter case included."""
    for validator in USERNAME_VALIDATORS:
        try:
            validator(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
    taken = User.objects.filter(username__iexact=value).exclude(pk=exclude_pk)
    if taken.exists():
        raise serializers.ValidationError(_("A user with that username already exists."))
    return value


def validate_email_free(value: str, *, exclude_pk=None) -> str:
    """Refuse an address that another account uses (any letter case)."""
    used = EmailAddress.objects.filter(email__iexact=value).exclude(user_id=exclude_pk).exists()
    if used or User.objects.filter(email__iexact=value).exclude(pk=exclude_pk).exists():
        raise serializers.ValidationError(_("This e-mail address is already registered."))
    return value


class UserCreateSerializer(serializers.Serializer):
    """What POST /api/users takes."""

    username = serializers.CharField(max_length=USERNAME_MAX_LENGTH)
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    about_me = serializers.CharField(
        max_length=ABOUT_ME_MAX_LENGTH, required=False, allow_blank=True
    )

    def validate_username(self, value):
        """Same rules as signing up on the site."""
        return validate_username_rules(value)

    def validate_email(self, value):
        """One account per address."""
        return validate_email_free(value)

    def validate(self, attrs):
        """Refuse weak passwords with Django's validators."""
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": error.messages}) from None
        return attrs


class UserUpdateSerializer(serializers.Serializer):
    """What PUT /api/users/<id> takes: any of username, email, about_me."""

    username = serializers.CharField(max_length=USERNAME_MAX_LENGTH, required=False)
    email = serializers.EmailField(required=False)
    about_me = serializers.CharField(
        max_length=ABOUT_ME_MAX_LENGTH, required=False, allow_blank=True
    )

    def validate_username(self, value):
        """Same rules as the profile form."""
        return validate_username_rules(value, exclude_pk=self.context["user"].pk)

    def validate_email(self, value):
        """One account per address."""
        return validate_email_free(value, exclude_pk=self.context["user"].pk)


def user_response(request, user_id: int, **kwargs) -> Response:
    """The user with this id, with counts, or a 404."""
    user = get_object_or_404(users_with_counts(), pk=user_id, is_active=True)
    return Response(UserSerializer(user, context={"request": request}).data, **kwargs)


TOKEN_RESPONSE = inline_serializer("Token", {"token": serializers.CharField()})


class TokenView(APIView):
    """POST: a new token for HTTP Basic credentials. DELETE: revoke the Bearer token."""

    throttle_scope = "tokens"

    def get_authenticators(self):
        """Basic credentials buy a token; the token itself revokes it."""
        # The schema generator asks before there is a request.
        if getattr(self.request, "method", None) == "POST":
            return [BasicAuthentication()]
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
        return user_response(request, user.pk, status=201, headers={"Location": location})


class UserDetailView(APIView):
    """GET: one user. PUT: its owner changes username, e-mail or about me."""

    @extend_schema(responses={200: UserSerializer, **ERRORS})
    def get(self, request, user_id: int):
        """The user with this id."""
        return user_response(request, user_id)

    @extend_schema(request=UserUpdateSerializer, responses={200: UserSerializer, **ERRORS})
    def put(self, request, user_id: int):
        """Update yourself; another user's id is 403."""
        user = get_object_or_404(User, pk=user_id, is_active=True)
        if user.pk != request.user.pk:
            raise PermissionDenied(_("You can only change your own account."))
        serializer = UserUpdateSerializer(data=request.data, context={"user": user})
        serializer.is_valid(raise_exception=True)
        changes = serializer.validated_data
        with transaction.atomic():  # all the changes or none
            profile_update(
                user=user,
                username=changes.get("username", user.username),
                about_me=changes.get("about_me", user.about_me),
                language=user.language,
                timezone_name=user.timezone,
            )
            if "email" in changes:
                email_change(user=user, email=changes["email"])
        return user_response(request, user.pk)


class FollowListView(APIView):
    """A user's followers or followed accounts (the `direction` of the URL)."""

    direction = "followers"

    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: collection_schema(UserSerializer, "UserCollection"), **ERRORS},
    )
    def get(self, request, user_id: int):
        """One page of users, most recent follow first."""
        user = get_object_or_404(User, pk=user_id, is_active=True)
        selector = follower_users if self.direction == "followers" else followed_users
        return paginated_response(request, selector(user=user), UserSerializer)


def email_only_for_owner(result, generator, request, public):
    """Schema hook: `email` is in a user's JSON only when the token's owner reads themself."""
    user_schema = result.get("components", {}).get("schemas", {}).get("User")
    if user_schema and "email" in user_schema.get("required", []):
        user_schema["required"].remove("email")
        user_schema["properties"]["email"]["description"] = "Shown to the user themself only."
    return result
