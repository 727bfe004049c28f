from django.urls import path

from messaging import views

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/<username:username>/", views.conversation, name="conversation"),
    path(
        "messages/<username:username>/newer/", views.conversation_newer, name="conversation_newer"
    ),
    path("messages/<username:username>/report/", views.report, name="report"),
    path("send_message/<username:username>", views.send_message, name="send_message"),
    path("user/<username:username>/block/", views.block, name="block"),
    path("user/<username:username>/unblock/", views.unblock, name="unblock"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("settings/messages/", views.messaging_settings, name="messaging_settings"),
]
