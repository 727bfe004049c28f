"""Pages of private messages, notifications, blocks, reports and messaging settings."""

import time
from copy import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from turbo_helper import turbo_stream

from accounts.selectors import user_get
from core.api.errors import error_body
from core.forms import FormWrite, form_write
from core.pagination import keyset_page
from core.ratelimit import RateLimited
from core.redirects import redirect_back
from core.streams import turbo_stream_response
from core.text import id_from_text
from core.times import UNIX_TIME_ERROR, from_unix_time
from messaging.forms import MessageForm, MessagingSettingsForm, ReportForm
from messaging.live import conversation_target
from messaging.selectors import (
    block_exists,
    blocks_between,
    blocks_of,
    cached_unread_counts,
    conversation_messages,
    inbox_conversations,
    notifications_for,
    unread_by_sender,
)
from messaging.services.blocks import block_create, block_delete
from messaging.services.messages import (
    message_refusal,
    message_send,
    messages_mark_read,
    messaging_settings_update,
)
from messaging.services.notifications import notifications_mark_read
from messaging.services.reports import REPORTED_MESSAGES, report_create
from messaging.templatetags.message_cards import message_bubble_html

# The polling answer lists at most this many new notifications (the newest).
POLL_MAX_ITEMS = 50


@login_required
@require_safe
def inbox(request):
    """Your conversations, newest activity first, with their unread counts."""
    page = keyset_page(
        inbox_conversations(user=request.user),
        params=request.GET,
        per_page=settings.MESSAGES_PER_PAGE,
        field="last_activity",
    )
    unread = unread_by_sender(user=request.user, senders=[c.other_id for c in page.items])
    for conversation in page.items:
        conversation.unread_count = unread.get(conversation.other_id, 0)
    return render(request, "messaging/inbox.html", {"page": page})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def conversation(request, username: str):
    """Your messages with one member, oldest at the top, and the box to write to them."""
    other = user_get(username=username)
    if other.pk == request.user.pk:
        messages.info(request, _("You cannot send a message to yourself."))
        return redirect("inbox")
    if other.username != username and request.method != "POST":
        return redirect("conversation", username=other.username)  # a POST is not lost
    form = MessageForm(request.POST or None)
    write = FormWrite()
    if form.is_valid():
        write = form_write(
            form,
            "body",
            lambda: message_send(
                sender=request.user, recipient=other, body=form.cleaned_data["body"]
            ),
            busy_message=_("The site is busy and your message was not sent. Please try again."),
        )
        if write.done:
            url = reverse("conversation", kwargs={"username": other.username})
            return redirect(f"{url}#message-{write.result.pk}")
    page = keyset_page(
        conversation_messages(user=request.user, other=other),
        params=request.GET,
        per_page=settings.MESSAGES_PER_PAGE,
    )
    if request.method == "GET":
        messages_mark_read(reader=request.user, messages=page.items)
    blockers = blocks_between(first=request.user, second=other)
    context = {
        "other": other,
        "page": page,
        "items": page.items[::-1],  # oldest at the top
        "form": form,
        "refusal": message_refusal(sender=request.user, recipient=other, blockers=blockers),
        "blocked": request.user.pk in blockers,
    }
    return render(request, "messaging/conversation.html", context, status=write.status)


@login_required
@require_safe
def conversation_newer(request, username: str):
    """The messages after `after` in a conversation open on its latest page, as a Turbo
    Stream, marked read: app.js asks when the page shows one pushed to it, and after its
    connection came back. X-More-Messages says there were more than a page of them."""
    other = user_get(username=username)
    after = id_from_text(request.GET.get("after", ""))
    if after is None:
        return HttpResponseBadRequest(_("Which messages? Give the newest message's id."))
    limit = settings.MESSAGES_PER_PAGE
    thread = conversation_messages(user=request.user, other=other).filter(pk__gt=after)
    newer = list(thread.order_by("created", "pk")[: limit + 1])
    shown = newer[:limit]
    if request.method == "GET":  # as the conversation's page: a HEAD reads nothing
        messages_mark_read(reader=request.user, messages=shown)
    bubbles = format_html_join(
        "",
        "{}",
        ((message_bubble_html(message=m, reader=request.user, other=other),) for m in shown),
    )
    response = turbo_stream_response(turbo_stream.append(conversation_target(other.pk), bubbles))
    if len(newer) > limit:
        response["X-More-Messages"] = "1"
    return response


@require_safe
def send_message(request, username: str):
    """The tutorial's /send_message/<username>: the conversation with that member."""
    return redirect("conversation", username=username)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def block(request, username: str):
    """Ask for confirmation (GET), then block a member (POST)."""
    other = user_get(username=username)
    if request.method == "POST":
        try:
            block_create(blocker=request.user, blocked=other)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        except RateLimited as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("You blocked %(name)s. They can no longer message or follow you.")
                % {"name": other.username},
            )
        return redirect_back(request, reverse("messaging_settings"))
    context = {"other": other, "blocked": block_exists(blocker=request.user, blocked=other)}
    return render(request, "messaging/block_confirm.html", context)


@login_required
@require_POST
def unblock(request, username: str):
    """Lift your block of a member."""
    other = user_get(username=username)
    block_delete(blocker=request.user, blocked=other)
    messages.success(request, _("You unblocked %(name)s.") % {"name": other.username})
    return redirect_back(request, reverse("messaging_settings"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report(request, username: str):
    """Report your conversation with a member to the moderators (with a reason)."""
    other = user_get(username=username)
    form = ReportForm(request.POST or None)
    write = FormWrite()
    if form.is_valid():
        write = form_write(
            form,
            None,
            lambda: report_create(
                reporter=request.user, reported=other, reason=form.cleaned_data["reason"]
            ),
            busy_message=_("The site is busy and your report was not sent. Please try again."),
        )
        if write.done:
            messages.success(
                request, _("Thank you. The moderators will read the conversation you reported.")
            )
            return redirect("conversation", username=other.username)
    context = {"other": other, "form": form, "reported_messages": REPORTED_MESSAGES}
    return render(request, "messaging/report.html", context, status=write.status)


@login_required
@require_safe
def notifications(request):
    """Your notifications, newest first; with Accept: application/json, the polling answer."""
    if request.get_preferred_type(["text/html", "application/json"]) == "application/json":
        response = notifications_poll(request)
    else:
        page = keyset_page(
            notifications_for(user=request.user),
            params=request.GET,
            per_page=settings.POSTS_PER_PAGE,
        )
        has_unread = any(notification.read is None for notification in page.items)
        context = {"page": page, "has_unread": has_unread}
        response = render(request, "messaging/notifications.html", context)
    patch_vary_headers(response, ["Accept"])
    return response


def notifications_poll(request) -> JsonResponse:
    """The tutorial's list of {name, data, timestamp}: badge counts, then what came `since`."""
    try:
        since = from_unix_time(request.GET.get("since") or "0")
    except ValueError:
        return JsonResponse(error_body(400, str(UNIX_TIME_ERROR)), status=400)
    now = time.time()
    counts = cached_unread_counts(user=request.user, fresh=True)
    items = [
        {"name": "unread_message_count", "data": counts.messages, "timestamp": now},
        {"name": "unread_notification_count", "data": counts.notifications, "timestamp": now},
    ]
    new = notifications_for(user=request.user).filter(created__gt=since)[:POLL_MAX_ITEMS]
    items += [
        {"name": n.kind, "data": n.data, "timestamp": n.created.timestamp()} for n in reversed(new)
    ]
    return JsonResponse(items, safe=False)


@login_required
@require_POST
def notifications_read(request):
    """Mark all your notifications as read."""
    notifications_mark_read(user=request.user)
    messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def messaging_settings(request):
    """Who may write to you, e-mails about unread messages, and the members you blocked."""
    # A copy, as on the profile form: the page around it keeps showing the saved values.
    form = MessagingSettingsForm(request.POST or None, instance=copy(request.user))
    if form.is_valid():
        messaging_settings_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your changes have been saved."))
        return redirect("messaging_settings")
    context = {"form": form, "blocks": blocks_of(user=request.user)}
    return render(request, "messaging/settings.html", context)
