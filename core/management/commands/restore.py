"""manage.py restore <backup folder>: put a backup's site in place of this one."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, restore_run


class Command(BaseCommand):
    """Restore the database, avatars and secret key of a backup folder."""

    help = (
        "Restore a folder written by `manage.py backup` onto a database of the same engine "
        "(an empty one, or one that holds members with --force), then apply newer "
        "migrations, clear the cache, replace MEDIA_ROOT and the generated secret key "
        "file. Stop the web and worker processes first."
    )
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        """The backup folder, and --force to replace a site that holds members."""
        parser.add_argument("backup", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the database even though it holds members (they are lost)",
        )

    def handle(self, *args, backup, force, **options):
        """Check the backup, restore it and say what was done."""
        try:
            restore_run(backup=backup, force=force, say=self.stdout.write)
        except BackupError as error:
            raise CommandError(f"Restore failed: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Restore complete: the site of {backup}."))
