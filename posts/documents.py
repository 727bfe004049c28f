"""Elasticsearch documents of posts and people (django-elasticsearch-dsl finds this module).

Words are split as the database indexes split them (runs of letters and digits, see
posts.search.query.words_of), folded to lowercase without accents. A post's body is also
stemmed in its own language, in a field of that language (`body_en`, `body_es`, ...), as
PostgreSQL stems it with its language's configuration; people's words are indexed with
every prefix, for searches by the start of a name. Used only when ELASTICSEARCH_URL is set.
"""

from django.conf import settings
from django_elasticsearch_dsl import Document, fields
from django_elasticsearch_dsl.registries import registry

from accounts.models import User
from posts.languages import STEMMED_LANGUAGES
from posts.models import Post

FOLD = ["lowercase", "asciifolding"]
ANALYSIS = {
    "tokenizer": {"words": {"type": "pattern", "pattern": r"[^\p{L}\p{N}]+"}},
    "filter": {
        "prefixes": {"type": "edge_ngram", "min_gram": 1, "max_gram": 30},
        **{f"{name}_stem": {"type": "stemmer", "language": name}
           for name in STEMMED_LANGUAGES.values()},
    },
    "analyzer": {
        "words": {"type": "custom", "tokenizer": "words", "filter": FOLD},
        "prefixes": {"type": "custom", "tokenizer": "words", "filter": [*FOLD, "prefixes"]},
        **{f"words_{name}": {"type": "custom", "tokenizer": "words",
                             "filter": [*FOLD, f"{name}_stem"]}
           for name in STEMMED_LANGUAGES.values()},
    },
    "normalizer": {"folded": {"type": "custom", "filter": FOLD}},
}  # fmt: skip
INDEX_SETTINGS = {"number_of_shards": 1, "analysis": ANALYSIS}
# The field holding a post's body stemmed in its language, by language code.
STEMMED_FIELDS = {code: f"body_{code}" for code in STEMMED_LANGUAGES}
POST_TEXT_FIELDS = ["body", *STEMMED_FIELDS.values()]


@registry.register_document
class PostDocument(Document):
    """A post: its words, stemmed in its language, and what results are filtered by."""

    id = fields.LongField()
    body = fields.TextField(analyzer="words")
    body_en = fields.TextField(analyzer="words_english")
    body_es = fields.TextField(analyzer="words_spanish")
    body_fr = fields.TextField(analyzer="words_french")
    body_de = fields.TextField(analyzer="words_german")
    language = fields.KeywordField()
    author_id = fields.LongField()
    author_active = fields.BooleanField()
    created = fields.DateField()

    class Index:
        name = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-posts"
        settings = INDEX_SETTINGS

    class Django:
        model = Post

    def get_queryset(self):
        """Every post with its author (whose being active is part of the document)."""
        return Post.objects.select_related("author").order_by("pk")

    def prepare(self, post):
        """The document of `post`."""
        data = {
            "id": post.pk, "body": post.body, "language": post.language,
            "author_id": post.author_id, "author_active": post.author.is_active,
            "created": post.created,
        }  # fmt: skip
        stemmed = STEMMED_FIELDS.get((post.language or "").split("-")[0])
        if stemmed:
            data[stemmed] = post.body
        return data


@registry.register_document
class PersonDocument(Document):
    """An active member: the words of their username and about me, by prefix."""

    id = fields.LongField()
    username = fields.KeywordField(normalizer="folded")
    words = fields.TextField(analyzer="prefixes", search_analyzer="words")
    follower_count = fields.IntegerField()

    class Index:
        name = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-people"
        settings = INDEX_SETTINGS

    class Django:
        model = User

    def get_queryset(self):
        """Active members only: the others are never found."""
        return User.objects.filter(is_active=True).order_by("pk")

    def prepare(self, user):
        """The document of `user`."""
        return {
            "id": user.pk, "username": user.username,
            "words": f"{user.username} {user.about_me}", "follower_count": user.follower_count,
        }  # fmt: skip
