"""Moderation: reports with their messages for moderators; nothing more of private messages."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.tests.factories import UserFactory
from messaging.models import Block, Report
from messaging.services.blocks import block_create
from messaging.services.notifications import notification_create
from messaging.services.reports import report_create, report_resolve
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


def test_moderators_never_see_or_settle_reports_about_themselves_or_superusers(
    moderator_client, moderator, admin_user, user
):
    send(moderator, user, "a moderator's message")
    send(admin_user, user, "a superuser's message")
    about_moderator = report_create(reporter=user, reported=moderator, reason="harassment")
    about_superuser = report_create(reporter=user, reported=admin_user, reason="rude")
    listed = moderator_client.get(reverse("admin:messaging_report_changelist"))
    assert list(listed.context["cl"].result_list) == []
    moderator_client.post(
        reverse("admin:messaging_report_changelist"),
        {"action": "resolve", "_selected_action": [about_moderator.pk, about_superuser.pk]},
    )
    url = reverse("admin:messaging_report_change", args=[about_moderator.pk])
    assert moderator_client.get(url).status_code == 302  # not found for them
    for report in (about_moderator, about_superuser):
        report.refresh_from_db()
        assert report.resolved is None
    with pytest.raises(PermissionDenied):
        report_resolve(report=about_moderator, moderator=moderator)


def test_open_reports_come_first(admin_client, admin_user, user, other_user):
    send(other_user, user, "spam")
    oldest = report_create(reporter=user, reported=other_user)
    for _ in range(2):
        report_resolve(
            report=report_create(reporter=user, reported=other_user), moderator=admin_user
        )
    rows = admin_client.get(reverse("admin:messaging_report_changelist")).context["cl"].result_list
    assert rows[0] == oldest


def test_granted_permissions_do_not_open_superuser_pages(
    moderator_client, moderator, user, other_user
):
    block = block_create(blocker=user, blocked=other_user)
    moderator.user_permissions.add(Permission.objects.get(codename="delete_block"))
    url = reverse("admin:messaging_block_delete", args=[block.pk])
    assert moderator_client.post(url, {"post": "yes"}).status_code == 403
    assert Block.objects.exists()


def test_moderators_never_settle_reports_they_filed(moderator_client, moderator, user):
    send(user, moderator, "hello moderator")
    filed = report_create(reporter=moderator, reported=user, reason="I report this myself")
    listed = moderator_client.get(reverse("admin:messaging_report_changelist"))
    assert list(listed.context["cl"].result_list) == []
    with pytest.raises(PermissionDenied):
        report_resolve(report=filed, moderator=moderator)


def test_a_report_about_a_deleted_account_stays_with_the_moderators(
    moderator_client, moderator, report, other_user, admin_user, user
):
    name = other_user.username
    other_user.delete()
    send(admin_user, user, "a superuser's message")
    about_superuser = report_create(reporter=user, reported=admin_user, reason="rude")
    user.delete()  # the reporter leaves too: the superuser is still theirs to protect
    listed = moderator_client.get(reverse("admin:messaging_report_changelist"))
    assert list(listed.context["cl"].result_list) == [report]
    page = moderator_client.get(reverse("admin:messaging_report_change", args=[report.pk]))
    assert name in page.content.decode() and "Stop it" in page.content.decode()
    moderator_client.post(
        reverse("admin:messaging_report_changelist"),
        {"action": "resolve", "_selected_action": [report.pk, about_superuser.pk]},
    )
    report.refresh_from_db()
    about_superuser.refresh_from_db()
    assert report.resolved_by == moderator and about_superuser.resolved is None
