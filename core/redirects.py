"""Where to send the browser after an action."""

from urllib.parse import urlsplit

from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def _safe(request, target: str) -> str:
    """`target` if it is a path on this site (absolute: "x" would be read relative to the
    page, or as a URL's name), else an empty string."""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and urlsplit(target).path.startswith("/"):  # parsed once already: it parses
        return target
    return ""


def safe_next(request, *, or_referer: bool = False) -> str:
    """The request's `next` address if it stays on this site (else, if asked, the page the
    browser came from, if that is on this site), else an empty string."""
    target = _safe(request, request.POST.get("next") or request.GET.get("next") or "")
    if not target and or_referer:
        target = _safe(request, request.headers.get("referer", ""))
    return target


def redirect_back(request, fallback: str):
    """Redirect to the safe `next` address, else to `fallback` (a URL, or a URL's name).
    `next` is never read as a URL's name (redirect() would: a 500 for one that does not
    exist)."""
    return HttpResponseRedirect(safe_next(request) or resolve_url(fallback))
