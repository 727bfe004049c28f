"""API: posts, the home timeline and explore, through the site's services and selectors."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import UserSerializer, UserSummarySerializer
from accounts.selectors import visible_users
from core.api.pagination import (
    collection_schema,
    open_page_response,
    page_parameters,
    paginated_response,
)
from core.api.schema import ERRORS, PAGE_PARAMETERS, iso
from core.errors import error_response
from core.translation import text_translate
from core.translators import TranslationError
from posts.models import Post
from posts.search.selectors import MAX_PAGES, people_search, post_search
from posts.search.views import search_rate_limit
from posts.selectors import explore_posts, user_posts, visible_posts
from posts.services import post_create, post_delete, post_language_set
from posts.validators import normalize_post_body, validate_post_language
from social.selectors import home_timeline

POST_PAGE_PARAMETERS = [
    *PAGE_PARAMETERS,
    OpenApiParameter(
        "cursor",
        str,
        description="A position from `_links.next_cursor`: pages by cursor, fast at any depth.",
    ),
]


class PostSerializer(serializers.ModelSerializer):
    """A post."""

    timestamp = serializers.SerializerMethodField()
    author = UserSummarySerializer(read_only=True)
    _links = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "body", "language", "timestamp", "author", "_links"]

    def get_timestamp(self, post) -> str:
        """When it was posted (ISO 8601, UTC offset)."""
        return iso(post.created)

    def get__links(self, post) -> dict[str, str]:
        """The post's resource and its author's."""
        return {
            "self": reverse("api_post", args=[post.pk]),
            "author": reverse("api_user", args=[post.author_id]),
        }


class PostLanguageSerializer(serializers.Serializer):
    """A post's language: an ISO 639-1 code such as "en"; empty or null for "not known"."""

    language = serializers.CharField(
        allow_blank=True, allow_null=True, max_length=35, trim_whitespace=False
    )

    def validate_language(self, value: str | None) -> str | None:
        """One of the languages posts can have (as the compose box offers)."""
        return validate_post_language(value)


class PostCreateSerializer(PostLanguageSerializer):
    """What POST /api/posts takes; the body follows the site's rules (1-140 characters).
    Without a language, it is detected (and left empty when it cannot be told)."""

    body = serializers.CharField(trim_whitespace=False)
    language = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=35, trim_whitespace=False
    )

    def validate_body(self, value: str) -> str:
        """Trim and check the body as post_create will (and as the compose form does)."""
        return normalize_post_body(value)


post_list_schema = extend_schema(
    parameters=POST_PAGE_PARAMETERS,
    responses={200: collection_schema(PostSerializer, "PostCollection"), **ERRORS},
)


def posts_response(request, queryset) -> Response:
    """A page of posts in the collection envelope, by page number or cursor."""
    return paginated_response(request, queryset, PostSerializer, cursor=True)


class PostCreateView(APIView):
    """POST: publish a post as the token's owner."""

    @extend_schema(request=PostCreateSerializer, responses={201: PostSerializer, **ERRORS})
    def post(self, request):
        """Create a post; 201 with the post and its Location."""
        serializer = PostCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = post_create(
            author=request.user,
            body=serializer.validated_data["body"],
            language=serializer.validated_data.get("language"),
        )
        data = PostSerializer(post, context={"request": request}).data
        location = reverse("api_post", args=[post.pk])
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


class PostDetailView(APIView):
    """GET: one post. PATCH: its author corrects its language. DELETE: its author or a
    moderator deletes it."""

    @extend_schema(responses={200: PostSerializer, **ERRORS})
    def get(self, request, post_id: int):
        """The post with this id."""
        post = get_object_or_404(explore_posts(), pk=post_id)
        return Response(PostSerializer(post, context={"request": request}).data)

    @extend_schema(request=PostLanguageSerializer, responses={200: PostSerializer, **ERRORS})
    def patch(self, request, post_id: int):
        """Set the post's language (its author only; others get 403)."""
        post = get_object_or_404(explore_posts(), pk=post_id)
        serializer = PostLanguageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = post_language_set(
            post=post, actor=request.user, language=serializer.validated_data["language"]
        )
        return Response(PostSerializer(post, context={"request": request}).data)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request, post_id: int):
        """Delete the post (author or moderator); others get 403."""
        post_delete(post=get_object_or_404(visible_posts(), pk=post_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TranslationRequestSerializer(serializers.Serializer):
    """What POST /api/posts/<id>/translation takes: a target language, by default the token
    owner's."""

    language = serializers.CharField(required=False, max_length=35, trim_whitespace=False)

    def validate_language(self, value: str) -> str:
        """One of the languages posts can have."""
        return validate_post_language(value)


class TranslationSerializer(serializers.Serializer):
    """A post's text in another language."""

    text = serializers.CharField()
    source_language = serializers.CharField()
    language = serializers.CharField()
    provider = serializers.CharField()


class PostTranslationView(APIView):
    """POST: the post translated (cached, rate-limited; 404 when translation is off)."""

    @extend_schema(
        request=TranslationRequestSerializer, responses={200: TranslationSerializer, **ERRORS}
    )
    def post(self, request, post_id: int):
        """The post's body in `language` (default: the token owner's language)."""
        post = get_object_or_404(explore_posts(), pk=post_id)
        serializer = TranslationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = serializer.validated_data.get("language") or (
            request.user.language or settings.LANGUAGE_CODE
        )
        if not post.language:
            message = _("The language of this post is not known.")
            raise serializers.ValidationError({"language": [message]})
        try:
            translation = text_translate(
                text=post.body, source=post.language, target=target, member=request.user
            )
        except TranslationError as error:
            return error_response(request, error.status, str(error.message))
        data = {"text": translation.text, "source_language": post.language, "language": target,
                "provider": translation.provider}  # fmt: skip
        return Response(data)


class UserPostsView(APIView):
    """A user's posts, newest first."""

    @post_list_schema
    def get(self, request, user_id: int):
        """One page of the user's posts."""
        user = get_object_or_404(visible_users(), pk=user_id)
        return posts_response(request, user_posts(user=user))


class TimelineView(APIView):
    """The token owner's home timeline: their posts and those of whom they follow."""

    @post_list_schema
    def get(self, request):
        """One page of the home timeline."""
        return posts_response(request, home_timeline(user=request.user))


class ExploreView(APIView):
    """Everyone's posts, newest first."""

    @post_list_schema
    def get(self, request):
        """One page of everyone's posts."""
        return posts_response(request, explore_posts())


class SearchParametersSerializer(serializers.Serializer):
    """What GET /api/search takes besides the page: the query, what to find, the order."""

    q = serializers.CharField(max_length=500, trim_whitespace=True)
    type = serializers.ChoiceField(choices=["posts", "people"], default="posts")
    order = serializers.ChoiceField(choices=["newest", "best"], default="newest")


class SearchView(APIView):
    """Posts or people matching a query, as the search page finds them."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q", str, required=True,
                description='Words (all must match), "a phrase", -word, from:username. '
                "People: the start of a username or of words in their about me.",
            ),
            OpenApiParameter("type", str, enum=["posts", "people"], description="Default posts."),
            OpenApiParameter(
                "order", str, enum=["newest", "best"],
                description="Posts: newest first (default) or best match first.",
            ),
            OpenApiParameter("page", int, description=f"Page number, from 1 to {MAX_PAGES}."),
            PAGE_PARAMETERS[1],
        ],
        responses={
            200: collection_schema(PostSerializer, "PostSearchResults"),
            **ERRORS,
        },
        description="Totals are not counted (`total_items` and `total_pages` are null); "
        "`_links.next` is there while more results follow. With `type=people`, items are "
        "users.",
    )  # fmt: skip
    def get(self, request):
        """One page of search results."""
        parameters = SearchParametersSerializer(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        query = parameters.validated_data
        page, per_page = page_parameters(request, max_page=MAX_PAGES)
        search_rate_limit(request)
        if query["type"] == "people":
            results = people_search(
                text=query["q"], searcher=request.user, number=page, per_page=per_page
            )
            serializer_class = UserSerializer
        else:
            results = post_search(
                text=query["q"], best_match=query["order"] == "best", number=page,
                per_page=per_page,
            )  # fmt: skip
            serializer_class = PostSerializer
        return open_page_response(
            request, results.items, serializer_class, page=results.number, per_page=per_page,
            has_next=results.has_next, params=query,
        )  # fmt: skip
