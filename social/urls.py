from django.urls import path

from social import views

urlpatterns = [
    path("user/<str:username>/follow/", views.follow, name="follow"),
    path("user/<str:username>/unfollow/", views.unfollow, name="unfollow"),
    path(
        "user/<str:username>/followers/",
        views.people,
        {"direction": "followers"},
        name="followers",
    ),
    path(
        "user/<str:username>/following/",
        views.people,
        {"direction": "following"},
        name="following",
    ),
]
