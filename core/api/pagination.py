"""The tutorial's collection envelope: {"items", "_meta", "_links"}, by page or by cursor.

Page numbers (`?page=&per_page=`) answer with totals, as the tutorial does. Lists of posts
also take `?cursor=` (from `_links.next_cursor`): a keyset position whose cost does not
grow with depth, for clients that walk far into a million posts.
"""

from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.pagination import cursor_for, keyset_page, parse_cursor


def _positive_int(request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [_("Expected a whole number.")]}) from None
    if value < 1:
        raise ValidationError({name: [_("Expected a number of 1 or more.")]})
    return min(value, maximum) if maximum else value


def _link(request, **params) -> str:
    return f"{request.path}?{urlencode(params)}"


def page_parameters(request, *, max_page: int | None = None) -> tuple[int, int]:
    """The `page` (from 1, at most `max_page`) and `per_page` (default 10) asked for."""
    return (
        _positive_int(request, "page", 1, max_page),
        _positive_int(request, "per_page", 10, settings.API_MAX_PER_PAGE),
    )


def open_page_response(request, items, serializer_class, *, page: int, per_page: int,
                       has_next: bool, params: dict) -> Response:  # fmt: skip
    """A page whose total is not counted (search results) in the envelope: totals are
    null, `next` is there while more follow; links keep `params`."""
    links = {
        "self": _link(request, **params, page=page, per_page=per_page),
        "next": _link(request, **params, page=page + 1, per_page=per_page) if has_next else None,
        "prev": _link(request, **params, page=page - 1, per_page=per_page) if page > 1 else None,
    }
    return Response(
        {
            "items": serializer_class(items, many=True, context={"request": request}).data,
            "_meta": {"page": page, "per_page": per_page, "total_pages": None,
                      "total_items": None},
            "_links": links,
        }
    )  # fmt: skip


def paginated_response(
    request,
    queryset,
    serializer_class,
    *,
    cursor: bool = False,
    field: str = "created",
    on_page: Callable[[list], object] | None = None,
) -> Response:
    """One page of `queryset` (ordered), serialized, in the envelope; 3 queries at most.

    With `cursor`, `?cursor=` pages by the time `field` and id, newest first. `on_page` is
    called with the page's items before they are serialized.
    """
    per_page = _positive_int(request, "per_page", 10, settings.API_MAX_PER_PAGE)
    context = {"request": request}
    if cursor and "cursor" in request.query_params:
        position = request.query_params["cursor"]
        if parse_cursor(position) is None:
            raise ValidationError({"cursor": [_("This cursor is not valid.")]})
        page = keyset_page(queryset, params={"before": position}, per_page=per_page, field=field)
        if on_page is not None:
            on_page(page.items)
        older = _link(request, cursor=page.older, per_page=per_page) if page.older else None
        return Response(
            {
                "items": serializer_class(page.items, many=True, context=context).data,
                "_meta": {"page": None, "per_page": per_page, "total_pages": None,
                          "total_items": None},
                "_links": {
                    "self": _link(request, cursor=position, per_page=per_page),
                    "next": older,
                    "prev": None,
                    "next_cursor": older,
                },
            }
        )  # fmt: skip
    page = _positive_int(request, "page", 1)
    total_items = queryset.count()
    total_pages = max(1, -(-total_items // per_page))
    # Past the end is an empty page; never send the database an OFFSET it cannot hold.
    items = list(queryset[(page - 1) * per_page : page * per_page]) if page <= total_pages else []
    if on_page is not None:
        on_page(items)
    links = {
        "self": _link(request, page=page, per_page=per_page),
        "next": _link(request, page=page + 1, per_page=per_page) if page < total_pages else None,
        "prev": _link(request, page=page - 1, per_page=per_page) if page > 1 else None,
    }
    if cursor:
        links["next_cursor"] = (
            _link(request, cursor=cursor_for(items[-1], field), per_page=per_page)
            if items and page < total_pages
            else None
        )
    return Response(
        {
            "items": serializer_class(items, many=True, context=context).data,
            "_meta": {
                "page": page,
                "per_page": per_page,
                "total_pages": total_pages,
                "total_items": total_items,
            },
            "_links": links,
        }
    )


class PageMetaSerializer(serializers.Serializer):
    """`_meta` of a collection: page numbers and totals (null when paging by cursor)."""

    page = serializers.IntegerField(allow_null=True)
    per_page = serializers.IntegerField()
    total_pages = serializers.IntegerField(allow_null=True)
    total_items = serializers.IntegerField(allow_null=True)


# `self` cannot be a class attribute, hence an inline serializer (DRF copies it per use).
PAGE_LINKS = inline_serializer(
    name="PageLinks",
    fields={
        "self": serializers.CharField(),
        "next": serializers.CharField(allow_null=True),
        "prev": serializers.CharField(allow_null=True),
        "next_cursor": serializers.CharField(allow_null=True, required=False),
    },
)


@cache
def collection_schema(item_serializer, name: str):
    """The OpenAPI description of a collection envelope holding `item_serializer` items."""
    return inline_serializer(
        name=name,
        fields={
            "items": item_serializer(many=True),
            "_meta": PageMetaSerializer(),
            "_links": PAGE_LINKS,
        },
    )
