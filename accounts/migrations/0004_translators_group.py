"""Create the "Translators" group: its members may edit the catalogues at /rosetta/."""

from django.db import migrations


def create_translators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="Translators")


def delete_translators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Translators").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_language_and_timezone")]

    operations = [migrations.RunPython(create_translators_group, delete_translators_group)]
