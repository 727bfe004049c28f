from django.urls import path

from social import views

urlpatterns = [
    path("user/<str:username>/follow/", views.follow, name="follow"),
    path("user/<str:username>/unfollow/", views.unfollow, name="unfollow"),
    path("user/<str:username>/followers/", views.followers, name="followers"),
    path("user/<str:username>/following/", views.following, name="following"),
]
