from django.urls import path

from posts import views
from posts.search import views as search_views

urlpatterns = [
    path("", views.home, name="home"),
    path("explore/", views.explore, name="explore"),
    path("posts/newer/", views.newer, name="posts_newer"),
    path("post/<int:post_id>/delete/", views.delete, name="post_delete"),
    path("post/<int:post_id>/language/", views.language_edit, name="post_language"),
    path("post/<int:post_id>/translation/", views.translate, name="post_translate"),
    path("translate", views.translate_text, name="translate"),
    path("search/", search_views.search, name="search"),
    path("settings/export/", views.export, name="export"),
    path("settings/export/start/", views.export_start, name="export_start"),
]
