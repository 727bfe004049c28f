from django.urls import path

from social import views

urlpatterns = [
    path("user/<username:username>/follow/", views.follow, name="follow"),
    path("user/<username:username>/unfollow/", views.unfollow, name="unfollow"),
    path(
        "user/<username:username>/followers/",
        views.people,
        {"direction": "followers"},
        name="followers",
    ),
    path(
        "user/<username:username>/following/",
        views.people,
        {"direction": "following"},
        name="following",
    ),
    path("settings/import/", views.following_import_page, name="import"),
]
