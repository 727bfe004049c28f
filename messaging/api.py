"""API: private messages and notifications, through the site's services and selectors."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import UserSummarySerializer
from accounts.selectors import visible_users
from core.api.pagination import collection_schema, paginated_response
from core.api.schema import ERRORS, PAGE_PARAMETERS, iso
from core.times import UNIX_TIME_ERROR, from_unix_time
from messaging.models import Message, Notification
from messaging.selectors import (
    conversation_messages,
    inbox_conversations,
    notifications_for,
    unread_by_sender,
)
from messaging.services.messages import message_send, messages_mark_read
from messaging.services.notifications import notifications_mark_read
from messaging.validators import normalize_message_body

CURSOR_PARAMETER = OpenApiParameter(
    "cursor", str, description="A position from `_links.next_cursor`: pages by cursor."
)


class MessageSerializer(serializers.ModelSerializer):
    """A private message: who wrote it to whom, when, and whether it was read."""

    sender = serializers.IntegerField(source="sender_id", help_text="The sender's user id.")
    recipient = serializers.IntegerField(
        source="recipient_id", help_text="The recipient's user id."
    )
    timestamp = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "sender", "recipient", "body", "timestamp", "read"]

    def get_timestamp(self, message) -> str:
        """When it was sent (ISO 8601, UTC offset)."""
        return iso(message.created)

    def get_read(self, message) -> str | None:
        """When its recipient read it, or null."""
        return iso(message.read)


class ConversationSerializer(serializers.Serializer):
    """One line of the inbox: the other member, the latest message, how many are unread."""

    user = UserSummarySerializer(source="other")
    last_message = MessageSerializer()
    unread_count = serializers.IntegerField()
    _links = serializers.SerializerMethodField()

    def get__links(self, conversation) -> dict[str, str]:
        """The conversation's messages."""
        return {"messages": reverse("api_conversation", args=[conversation.other_id])}


class MessageCreateSerializer(serializers.Serializer):
    """What POST /api/messages/<user id> takes; the body follows the site's rules."""

    body = serializers.CharField(trim_whitespace=False)

    def validate_body(self, value: str) -> str:
        """Trim and check the body as message_send will."""
        return normalize_message_body(value)


class NotificationSerializer(serializers.ModelSerializer):
    """A notification, named as the tutorial's polling endpoint names them."""

    name = serializers.CharField(source="kind", help_text="What happened, e.g. new_follower.")
    timestamp = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "name", "data", "timestamp", "read"]

    def get_timestamp(self, notification) -> float:
        """When it happened, in seconds since 1970 (as the tutorial's)."""
        return notification.created.timestamp()

    def get_read(self, notification) -> str | None:
        """When it was marked read, or null."""
        return iso(notification.read)


def with_unread_counts(user):
    """A page callback that sets each conversation's `unread_count` (one query)."""

    def annotate(conversations) -> None:
        unread = unread_by_sender(user=user, senders=[c.other_id for c in conversations])
        for conversation in conversations:
            conversation.unread_count = unread.get(conversation.other_id, 0)

    return annotate


class ConversationListView(APIView):
    """Your conversations, newest activity first."""

    @extend_schema(
        operation_id="conversations_list",
        parameters=[*PAGE_PARAMETERS, CURSOR_PARAMETER],
        responses={
            200: collection_schema(ConversationSerializer, "ConversationCollection"),
            **ERRORS,
        },
    )
    def get(self, request):
        """One page of your conversations."""
        return paginated_response(
            request,
            inbox_conversations(user=request.user),
            ConversationSerializer,
            cursor=True,
            field="last_activity",
            on_page=with_unread_counts(request.user),
        )


class ConversationView(APIView):
    """GET: your messages with a member (reading marks them read). POST: write to them."""

    @extend_schema(
        operation_id="conversation_retrieve",
        parameters=[*PAGE_PARAMETERS, CURSOR_PARAMETER],
        responses={200: collection_schema(MessageSerializer, "MessageCollection"), **ERRORS},
    )
    def get(self, request, user_id: int):
        """One page of the conversation, newest first; the page's messages to you are read."""
        other = get_object_or_404(visible_users(), pk=user_id)

        def mark_read(items) -> None:
            messages_mark_read(reader=request.user, messages=items)

        return paginated_response(
            request,
            conversation_messages(user=request.user, other=other),
            MessageSerializer,
            cursor=True,
            on_page=mark_read if request.method == "GET" else None,
        )

    @extend_schema(
        operation_id="message_create",
        request=MessageCreateSerializer,
        responses={201: MessageSerializer, **ERRORS},
    )
    def post(self, request, user_id: int):
        """Send a message; 403 with the reason when the member does not take it from you."""
        recipient = get_object_or_404(visible_users(), pk=user_id)
        serializer = MessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = message_send(
            sender=request.user, recipient=recipient, body=serializer.validated_data["body"]
        )
        location = reverse("api_conversation", args=[recipient.pk])
        return Response(
            MessageSerializer(message).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


def since_parameter(request) -> datetime | None:
    """The `since` query parameter (seconds since 1970) as a time, or None."""
    raw = request.query_params.get("since")
    if raw is None or raw == "":
        return None
    try:
        return from_unix_time(raw)
    except ValueError:
        raise ValidationError({"since": [UNIX_TIME_ERROR]}) from None


class NotificationListView(APIView):
    """Your notifications, newest first; `since` keeps those that came after a time."""

    @extend_schema(
        parameters=[
            *PAGE_PARAMETERS,
            CURSOR_PARAMETER,
            OpenApiParameter("since", float, description="Seconds since 1970 (exclusive)."),
        ],
        responses={
            200: collection_schema(NotificationSerializer, "NotificationCollection"),
            **ERRORS,
        },
    )
    def get(self, request):
        """One page of your notifications."""
        notifications = notifications_for(user=request.user)
        since = since_parameter(request)
        if since is not None:
            notifications = notifications.filter(created__gt=since)
        return paginated_response(request, notifications, NotificationSerializer, cursor=True)


class NotificationReadView(APIView):
    """POST: mark all your notifications as read."""

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("NotificationsRead", {"marked": serializers.IntegerField()}),
            **ERRORS,
        },
    )
    def post(self, request):
        """Mark every notification read; answers how many were unread."""
        return Response({"marked": notifications_mark_read(user=request.user)})
