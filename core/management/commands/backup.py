"""manage.py backup <folder>: the database, avatars and generated secret key, in one folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup_create


class Command(BaseCommand):
    """Write a dated backup folder of the site, safe to take while the site runs."""

    help = (
        "Back up the site into a new microblog-backup-<UTC time> folder under the given "
        "folder: the database (SQLite's online backup API, or pg_dump --format=custom), "
        "MEDIA_ROOT (avatars) as a tar unless files are in object storage, the generated "
        "secret key file, and a manifest that `manage.py restore` checks. Members' export "
        "archives are left out (temporary)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        """The folder that receives the backup (created if missing)."""
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory, **options):
        """Write the backup and print where it is."""
        try:
            path = backup_create(directory=directory, say=self.stdout.write)
        except BackupError as error:
            raise CommandError(f"Backup failed: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Backup complete: {path}"))
