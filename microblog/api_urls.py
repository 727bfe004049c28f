"""The API's URLs: the tutorial's paths exactly (no trailing slash), then the rest."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.api import TokenView, UserDetailView, UserListView
from core.api.errors import api_not_found
from posts.api import (
    ExploreView,
    PostCreateView,
    PostDetailView,
    TimelineView,
    UserPostsView,
)
from social.api import FollowListView, FollowView

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
    path("timeline", TimelineView.as_view(), name="api_timeline"),
    path("explore", ExploreView.as_view(), name="api_explore"),
    path("schema", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    re_path(r"", api_not_found),  # any other path, newlines included
]
