"""manage.py search status | reindex: the search index against the database."""

from django.core.management.base import BaseCommand, CommandError

from posts.search import elastic, elastic_index, schema


class Command(BaseCommand):
    """Show how many posts and people the search index holds, or rebuild it."""

    help = (
        "status: documents in the search index (the database's, or Elasticsearch's when "
        "ELASTICSEARCH_URL is set) against rows in the database. reindex: rebuild that index "
        "in batches, backfilling what it misses (on Elasticsearch: new indexes behind the "
        "aliases, swapped at the end)."
    )

    def add_arguments(self, parser):
        """The action, and the batch size of a rebuild."""
        parser.add_argument("action", choices=["status", "reindex"])
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, action, batch_size, **options):
        """Run the action on the configured backend."""
        index, backend = schema, "the database"
        if elastic.enabled():
            index, backend = elastic_index, f"Elasticsearch ({elastic.client_address()})"
        try:
            if action == "reindex":
                self.stdout.write(f"Rebuilding the search index of {backend}…")
                index.reindex(batch_size=batch_size, progress=self.progress)
            counts = index.index_counts()
        except elastic.ElasticUnavailable as error:
            raise CommandError(f"Elasticsearch is unavailable: {error}") from error
        self.stdout.write(f"Search: {backend}")
        for kind, (indexed, rows) in counts.items():
            state = "in step" if indexed == rows else "NOT in step: run `manage.py search reindex`"
            self.stdout.write(f"  {kind}: {indexed:,} indexed, {rows:,} in the database ({state})")

    def progress(self, kind: str, done: int, total: int) -> None:
        """One line per kind, rewritten in place: a bar, a count and a percentage."""
        share = done / total if total else 1
        bar = "#" * int(share * 30)
        self.stdout.write(f"\r  {kind:<7}[{bar:<30}] {done:,}/{total:,} ({share:.0%})", ending="")
        if done >= total:
            self.stdout.write("")
        self.stdout.flush()
