"""The search page: /search/?q=, with a tab for posts and one for people."""

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.ratelimit import rate_limit
from core.text import clean_text
from posts.search.selectors import MAX_PAGES, people_search, post_search
from social.selectors import followed_ids_among


def page_number(text: str | None) -> int:
    """The page asked for: 1 unless `text` is a whole number from 1 to MAX_PAGES."""
    # isdigit() alone takes "²" and "①", which int() refuses.
    if text and len(text) <= 3 and text.isascii() and text.isdigit():
        return min(max(int(text), 1), MAX_PAGES)
    return 1


def search_rate_limit(request) -> None:
    """Count a search by this member (or address); raise RateLimited past SEARCH_RATE."""
    key = request.user.pk or get_adapter().get_client_ip(request)
    rate_limit(scope="search", key=key, rate=settings.SEARCH_RATE)


@require_safe
def search(request):
    """Posts (newest or best match first) or people matching `q`, a page at a time."""
    text = clean_text(request.GET.get("q", ""))
    kind = "people" if request.GET.get("type") == "people" else "posts"
    best_match = request.GET.get("order") == "best"
    number = page_number(request.GET.get("page"))
    context = {"q": text, "kind": kind, "best_match": best_match}
    if text:
        search_rate_limit(request)
        per_page = settings.POSTS_PER_PAGE
        if kind == "people":
            results = people_search(
                text=text, searcher=request.user, number=number, per_page=per_page
            )
            context["followed_ids"] = followed_ids_among(follower=request.user, users=results.items)
        else:
            results = post_search(
                text=text, best_match=best_match, number=number, per_page=per_page
            )
            context["highlight"] = tuple(sorted(results.search.words))
        context["results"] = results
    return render(request, "posts/search.html", context)
