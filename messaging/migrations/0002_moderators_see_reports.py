"""Moderators see and resolve reports; messages themselves are not theirs to browse."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORT_PERMISSIONS = ["view_report", "change_report"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("messaging")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="messaging", codename__in=REPORT_PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="messaging", codename__in=REPORT_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_initial"),
        ("accounts", "0002_moderators_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
