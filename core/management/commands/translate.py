"""manage.py translate init <lang> | update | compile — the tutorial's `flask translate`."""

from contextlib import chdir

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Catalogues cover our own code: not the virtualenv, vendored files or build output.
IGNORE_PATTERNS = [".venv/*", ".tools/*", "var/*", "static/vendor/*", "node_modules/*"]
DOMAINS = ["django", "djangojs"]


class Command(BaseCommand):
    """Create, refresh and compile the translation catalogues of both domains."""

    help = "Manage translation catalogues: init <language>, update, compile."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        init = actions.add_parser("init", help="start a catalogue for a new language")
        init.add_argument("language", help="a language code such as fr or pt_BR")
        actions.add_parser("update", help="add new strings to every catalogue, drop stale ones")
        actions.add_parser("compile", help="compile every catalogue to .mo")

    def handle(self, *args, action, **options):
        verbosity = options["verbosity"]
        # makemessages and compilemessages work on the current directory.
        with chdir(settings.BASE_DIR):
            if action == "init":
                self.init(options["language"], verbosity)
            elif action == "update":
                self.extract(verbosity, all=True)
            else:
                call_command(
                    "compilemessages", ignore_patterns=IGNORE_PATTERNS, verbosity=verbosity
                )

    def init(self, language: str, verbosity: int) -> None:
        """Create the catalogues of `language`, refusing one that already exists."""
        catalogue = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
        if catalogue.exists():
            raise CommandError(f"{language} exists already: use `translate update`.")
        self.extract(verbosity, locale=[language])

    def extract(self, verbosity: int, **which) -> None:
        """Run makemessages for both domains."""
        for domain in DOMAINS:
            call_command(
                "makemessages",
                domain=domain,
                ignore_patterns=IGNORE_PATTERNS,
                no_obsolete=True,
                add_location="file",
                verbosity=verbosity,
                **which,
            )
