"""The API's URLs: the tutorial's paths exactly (no trailing slash), then the rest."""

import base64
import hashlib
import re

from django.conf import settings
from django.template.loader import get_template
from django.urls import path, re_path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

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


def inline_style_hashes(template_name: str) -> list[str]:
    """CSP sources allowing the fixed <style> elements of a template, by their SHA-256."""
    source = get_template(template_name).template.source
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()}'"
        for style in re.findall(r"<style>(.*?)</style>", source, re.DOTALL)
    ]


# Swagger UI. The split view serves its start-up script as a file (/api/docs?script=), so
# script-src stays 'self'. Its page template still holds one small <style> element (a few
# page-wide rules) and offers no nonce: this page alone also allows that element, by its
# hash (worked out from the installed template, so an upgrade keeps it right), rather than
# 'unsafe-inline'.
api_docs = csp_override(
    settings.SECURE_CSP
    | {
        "style-src": [
            *settings.SECURE_CSP["style-src"],
            *inline_style_hashes(SpectacularSwaggerSplitView.template_name),
        ]
    }
)(SpectacularSwaggerSplitView.as_view(url_name="api_schema"))

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
    path("docs", api_docs, name="api_docs"),
    re_path(r"", api_not_found),  # any other path, newlines included
]
