"""Search of posts and people: the database's full-text search, or Elasticsearch."""
