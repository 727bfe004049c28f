"""The API's URLs: the tutorial's paths exactly (no trailing slash), then the rest."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import TokenView, UserDetailView, UserListView
from core.api.errors import api_not_found
from core.csp import allow_template_styles
from messaging.api import (
    ConversationListView,
    ConversationView,
    NotificationListView,
    NotificationReadView,
)
from posts.api import (
    ExploreView,
    PostCreateView,
    PostDetailView,
    PostTranslationView,
    SearchView,
    TimelineView,
    UserPostsView,
)
from social.api import FollowListView, FollowView

# Swagger UI. The split view serves its start-up script as a file (/api/docs?script=), so
# script-src stays 'self'; its page still holds one small <style> element, without a nonce.
api_docs = allow_template_styles(
    SpectacularSwaggerSplitView.as_view(url_name="api_schema", http_method_names=["get", "head"]),
    SpectacularSwaggerSplitView.template_name,
)

urlpatterns = [
    path("tokens", TokenView.as_view(), name="api_tokens"),
    path("users", UserListView.as_view(), name="api_users"),
    path("users/<int:user_id>", UserDetailView.as_view(), name="api_user"),
    path(
        "users/<int:user_id>/followers",
        FollowListView.as_view(direction="followers"),
        name="api_followers",
    ),
    path(
        "users/<int:user_id>/following",
        FollowListView.as_view(direction="following"),
        name="api_following",
    ),
    path("users/<int:user_id>/follow", FollowView.as_view(), name="api_follow"),
    path("users/<int:user_id>/posts", UserPostsView.as_view(), name="api_user_posts"),
    path("posts", PostCreateView.as_view(), name="api_posts"),
    path("posts/<int:post_id>", PostDetailView.as_view(), name="api_post"),
    path(
        "posts/<int:post_id>/translation",
        PostTranslationView.as_view(),
        name="api_post_translation",
    ),
    path("search", SearchView.as_view(), name="api_search"),
    path("timeline", TimelineView.as_view(), name="api_timeline"),
    path("explore", ExploreView.as_view(), name="api_explore"),
    path("messages", ConversationListView.as_view(), name="api_conversations"),
    path("messages/<int:user_id>", ConversationView.as_view(), name="api_conversation"),
    path("notifications", NotificationListView.as_view(), name="api_notifications"),
    path("notifications/read", NotificationReadView.as_view(), name="api_notifications_read"),
    path("schema", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs", api_docs, name="api_docs"),
    re_path(r"", api_not_found),  # any other path, newlines included
]
