"""Content-Security-Policy exceptions, for third-party pages that cannot live without them."""

import base64
import hashlib
import re

from django.conf import settings
from django.template.loader import get_template
from django.views.decorators.csp import csp_override


def inline_style_hashes(template_name: str) -> list[str]:
    """CSP sources allowing the fixed <style> elements of a template, by their SHA-256."""
    source = get_template(template_name).template.source
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()}'"
        for style in re.findall(r"<style>(.*?)</style>", source, re.DOTALL)
    ]


def allow_template_styles(view, template_name: str):
    """`view` under the site's policy, plus the fixed <style> elements of its template.

    Allowed by hash (computed from the installed template, so an upgrade keeps it right),
    never by 'unsafe-inline', and on that view only.
    """
    style_src = [*settings.SECURE_CSP["style-src"], *inline_style_hashes(template_name)]
    return csp_override(settings.SECURE_CSP | {"style-src": style_src})(view)
