"""Where to send the browser after an action."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def _safe(request, target: str) -> str:
    """`target` if it stays on this site, else an empty string."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
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
    """Redirect to the safe `next` address, else to `fallback`."""
    return redirect(safe_next(request) or fallback)
