"""manage.py housekeeping: prune what the site no longer needs, now."""

from django.core.management.base import BaseCommand

from core.housekeeping import housekeeping_report, housekeeping_run


class Command(BaseCommand):
    """Run every app's pruning and say what each did."""

    help = (
        "Remove expired API tokens, read notifications, finished task results and finished "
        "jobs with their files past their retention (see the README), fail jobs whose worker "
        "stopped, and whatever else the apps register."
    )

    def handle(self, *args, **options):
        """Run the housekeeping, one line per kind."""
        for line in housekeeping_report(housekeeping_run()):
            self.stdout.write(line)
