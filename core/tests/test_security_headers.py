"""Security headers: a strict Content-Security-Policy every page lives with, and HSTS."""

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from accounts.tests.factories import UserFactory
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

CSP_HEADER = "Content-Security-Policy"


def policy(response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy, directive -> sources."""
    directives = (part.split() for part in response.headers[CSP_HEADER].split(";"))
    return {words[0]: words[1:] for words in directives if words}


class InlineCodeFinder(HTMLParser):
    """Collects what a strict policy blocks: inline scripts, event handler attributes,
    javascript: URLs, style attributes and <style> elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.styles: list[str] = []  # the text of each <style> element
        self.script_sources: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("src"):
                self.script_sources.append(attributes["src"])
            # A JSON data block (json_script) is data, never run: the policy allows it.
            elif not (attributes.get("type") or "").strip().lower().endswith("json"):
                self.found.append(f"inline <script> {attrs}")
        if tag == "style":
            self.found.append("<style> element")
            self._in_style = True
            self.styles.append("")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles[-1] += data


def parse(html: str) -> InlineCodeFinder:
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder


def assert_strict(directives):
    values = [source for sources in directives.values() for source in sources]
    assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values
    assert directives["script-src"] == ["'self'"]


def turbo_progress_bar_source() -> str:
    """The CSP source of the <style> the vendored Turbo inserts, computed from turbo.js as
    the browser builds it (its unindent of a template literal)."""
    source = (settings.BASE_DIR / "static/vendor/turbo/turbo.js").read_text()
    duration = int(re.search(r"static animationDuration=(\d+);", source)[1])
    literal = re.search(r"static get defaultCSS\(\) \{\s*return unindent`(.*?)`;", source, re.S)[1]
    css = literal.replace("${ProgressBar.animationDuration / 2}", str(duration // 2))
    css = css.replace("${ProgressBar.animationDuration}", str(duration))
    lines = css.removeprefix("\n").split("\n")
    indent = len(lines[0]) - len(lines[0].lstrip())
    css = "\n".join(line[indent:] for line in lines)
    return f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"


def test_an_ordinary_page_has_the_strict_policy(client):
    PostFactory()
    response = client.get("/explore/")
    assert response.status_code == 200
    header = response.headers[CSP_HEADER]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    directives = policy(response)
    assert_strict(directives)
    assert directives["default-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'", turbo_progress_bar_source()]
    assert directives["img-src"] == ["'self'", "data:", "https://www.gravatar.com"]
    assert directives["connect-src"] == ["'self'"]  # 'self' covers the /cable WebSocket
    assert directives["font-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_the_inline_code_finder_finds_inline_code():
    html = (
        '<script>alert(1)</script><script src="/a.js"></script>'
        '<script type="application/json">{"a": 1}</script>'
        "<p style='color: red' onclick=\"go()\"><a href=' javascript:go()'>x</a></p>"
        "<style>p {}</style>"
    )
    assert len(parse(html).found) == 5


@pytest.mark.parametrize(
    "path",
    ["/explore/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/nope/"],
)
def test_site_pages_hold_no_inline_code(client, path):
    PostFactory.create_batch(3)
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert_strict(policy(response))
    page = parse(response.content.decode())
    assert page.found == []
    assert page.script_sources  # its scripts come as files


@pytest.mark.parametrize(
    "path",
    ["/", "/explore/", "/settings/profile/", "/settings/tokens/", "/accounts/email/"],
)
def test_member_pages_hold_no_inline_code(member_client, user, path):
    PostFactory(author=user)
    response = member_client.get(path)
    assert response.status_code == 200
    assert_strict(policy(response))
    assert parse(response.content.decode()).found == []


def test_member_profile_holds_no_inline_code(member_client, user):
    PostFactory(author=user)
    response = member_client.get(user.get_absolute_url())
    assert response.status_code == 200
    assert parse(response.content.decode()).found == []


def test_api_docs_load_their_script_as_a_file(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    directives = policy(response)
    assert_strict(directives)
    page = parse(response.content.decode())
    assert not [found for found in page.found if found != "<style> element"]
    # Swagger UI comes from drf-spectacular-sidecar, not a CDN: the docs work offline.
    assert page.script_sources and all(src.startswith("/") for src in page.script_sources)
    start_up = next(src for src in page.script_sources if "script=" in src)
    script = client.get(start_up)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    # The template's one <style> element is allowed by its hash, on this page only.
    for style in page.styles:
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in directives["style-src"]


def test_the_admin_and_rosetta_live_with_the_strict_policy(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert policy(response) == policy(client.get("/explore/"))
    assert parse(response.content.decode()).found == []
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for path in ("/admin/", "/admin/accounts/user/", "/rosetta/files/project/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict(policy(response))
        assert policy(response)["style-src"] == policy(client.get("/explore/"))["style-src"], path


def test_a_csrf_failure_is_the_sites_403_page_under_the_strict_policy():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "x"})
    assert response.status_code == 403
    assert_strict(policy(response))
    content = response.content.decode()
    assert "This form has expired" in content and 'class="navbar' in content
    assert parse(content).found == []


def test_hsts_is_sent_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/explore/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_defaults_to_a_year_behind_an_https_proxy(setting_with):
    assert setting_with("SECURE_HSTS_SECONDS", BEHIND_HTTPS_PROXY="true") == "31536000"
    assert setting_with("SECURE_HSTS_SECONDS") == "0"
    assert setting_with("SECURE_HSTS_SECONDS", BEHIND_HTTPS_PROXY="false") == "0"
    proxied = {"BEHIND_HTTPS_PROXY": "true", "SECURE_HSTS_SECONDS": "60"}
    assert setting_with("SECURE_HSTS_SECONDS", **proxied) == "60"
