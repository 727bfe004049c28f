"""The site's URL map."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve

from core import health

handler400 = "microblog.views.bad_request"
handler403 = "microblog.views.permission_denied"
handler404 = "microblog.views.page_not_found"
handler500 = "microblog.views.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),  # first: its sign-up view overrides allauth's
    path("accounts/", include("allauth.urls")),
    path("rosetta/", include("core.rosetta")),  # rosetta.urls, guarded (see core/rosetta.py)
    path("api/", include("microblog.api_urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("", include("posts.urls")),
    path("", include("social.urls")),
    path("", include("messaging.urls")),
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
