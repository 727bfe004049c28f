"""Keyset ("cursor") pagination for lists that grow without bound.

Pages are found by the position of an edge item, never by OFFSET or COUNT, so the
thousandth page costs what the first does. Items are ordered newest first by a time field
(`created` unless told otherwise) and their id; cursors are opaque strings in the `before`
and `after` parameters.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import QuerySet

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)
MAX_ID = 2**63 - 1  # the largest id a BIGINT column holds


@dataclass(frozen=True)
class KeysetPage:
    """One page of items, newest first, with the cursors of its neighbours (or None)."""

    items: list
    newer: str | None
    older: str | None

    @property
    def has_other_pages(self) -> bool:
        """Whether there is a page before or after this one."""
        return bool(self.newer or self.older)


def cursor_for(item, field: str = "created") -> str:
    """Encode an item's position as `<microseconds since epoch>-<id>`."""
    return f"{(getattr(item, field) - EPOCH) // ONE_MICROSECOND}-{item.pk}"


def parse_cursor(value: str | None) -> tuple[datetime, int] | None:
    """Decode a cursor; a missing or malformed one means "from the start"."""
    try:
        micros, pk = value.split("-")
        position = EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except (AttributeError, ValueError, OverflowError):
        return None
    return position if 0 < position[1] <= MAX_ID else None


def keyset_page(queryset: QuerySet, *, params, per_page: int, field: str = "created") -> KeysetPage:
    """Return the page of `queryset` (by its time `field`) that `params` point at, in one query."""
    after = parse_cursor(params.get("after"))
    before = parse_cursor(params.get("before")) if after is None else None
    if after is not None:
        created, pk = after
        rows = list(
            queryset.filter(**{f"{field}__gte": created})
            .exclude(**{field: created, "pk__lte": pk})
            .order_by(field, "id")[: per_page + 1]
        )
        has_newer = len(rows) > per_page
        items = rows[:per_page][::-1]
        return KeysetPage(
            items=items,
            newer=cursor_for(items[0], field) if has_newer else None,
            older=cursor_for(items[-1], field) if items else None,
        )
    if before is not None:
        created, pk = before
        # A range on `created` (not an OR) keeps the (created, id) indexes usable.
        queryset = queryset.filter(**{f"{field}__lte": created}).exclude(
            **{field: created, "pk__gte": pk}
        )
    rows = list(queryset.order_by(f"-{field}", "-id")[: per_page + 1])
    items = rows[:per_page]
    return KeysetPage(
        items=items,
        newer=cursor_for(items[0], field) if before is not None and items else None,
        older=cursor_for(items[-1], field) if len(rows) > per_page else None,
    )
