"""Full-text search in the database (see posts/search/database.py): FTS5 tables and
triggers on SQLite, text search configurations, a stored search vector and GIN indexes on
PostgreSQL. Nothing the models declare, so nothing here for makemigrations to see."""

from django.db import migrations

from posts.search.schema import schema_install, schema_uninstall


def install(apps, schema_editor):
    schema_install(schema_editor)


def uninstall(apps, schema_editor):
    schema_uninstall(schema_editor)


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("posts", "0001_initial"),
        ("accounts", "0010_user_language_french_german"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
