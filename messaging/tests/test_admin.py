"""Moderation: reports with their messages for moderators; nothing more of private messages."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.tests.factories import UserFactory
from messaging.models import Report
from messaging.services import block_create, notification_create, report_create
from messaging.tests.factories import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    return moderator


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def report(user, other_user):
    send(other_user, user, "Buy <script>alert(1)</script> now")
    send(user, other_user, "Stop it")
    return report_create(reporter=user, reported=other_user, reason="Spam <b>bold</b>")


def test_moderators_read_a_report_with_its_messages_escaped(moderator_client, report):
    page = moderator_client.get(reverse("admin:messaging_report_change", args=[report.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Buy &lt;script&gt;alert(1)&lt;/script&gt; now" in html
    assert "Stop it" in html
    assert "<script>alert(1)" not in html
    assert "<b>bold</b>" not in html


def test_moderators_resolve_reports(moderator_client, moderator, report):
    response = moderator_client.post(
        reverse("admin:messaging_report_changelist"),
        {"action": "resolve", "_selected_action": [report.pk]},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolved is not None and report.resolved_by == moderator


def test_moderators_cannot_add_or_delete_reports(moderator_client, report):
    assert moderator_client.get(reverse("admin:messaging_report_add")).status_code == 403
    url = reverse("admin:messaging_report_delete", args=[report.pk])
    assert moderator_client.get(url).status_code == 403
    assert Report.objects.exists()


def test_messages_are_not_browsable_in_the_admin(admin_client, moderator_client, report):
    for client in (admin_client, moderator_client):
        assert client.get("/admin/messaging/message/").status_code == 404
        assert client.get("/admin/messaging/conversation/").status_code == 404
    index = moderator_client.get(reverse("admin:index")).content.decode()
    assert "Reports" in index
    assert "Notifications" not in index and "Blocks" not in index


def test_notifications_and_blocks_are_for_superusers(
    admin_client, moderator_client, user, other_user
):
    notification_create(recipient=user, kind="new_follower", key="f:1", actor=other_user)
    block_create(blocker=user, blocked=other_user)
    for name in ("notification", "block"):
        url = reverse(f"admin:messaging_{name}_changelist")
        assert admin_client.get(url).status_code == 200
        assert moderator_client.get(url).status_code == 403


def test_a_moderator_with_a_granted_permission_still_sees_no_blocks(moderator_client, moderator):
    moderator.user_permissions.add(Permission.objects.get(codename="view_block"))
    assert moderator_client.get(reverse("admin:messaging_block_changelist")).status_code == 403
