"""Turn the MAILER_URL environment variable into a Django 6.1 MAILERS entry.

console:                                  print e-mails (development default)
smtp://user:pass@host:25                  plain SMTP
smtp+tls://user:pass@host:587             SMTP with STARTTLS
smtp+ssl://user:pass@host:465             SMTP over TLS
anymail://postmark?server_token=...       any django-anymail ESP; query = its OPTIONS
"""

from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SIMPLE_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def mailer_from_url(url: str) -> dict:
    """Return the MAILERS configuration that MAILER_URL describes."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme in SIMPLE_BACKENDS:
        return {"BACKEND": SIMPLE_BACKENDS[scheme]}
    if scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        options = {
            "host": parts.hostname or "localhost",
            "port": parts.port or {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[scheme],
            "use_tls": scheme == "smtp+tls",
            "use_ssl": scheme == "smtp+ssl",
            # A mail server that stops answering fails the send instead of hanging it.
            "timeout": 10,
        }
        if parts.username:
            options["username"] = unquote(parts.username)
            options["password"] = unquote(parts.password or "")
        return {"BACKEND": SMTP_BACKEND, "OPTIONS": options}
    if scheme == "anymail" and parts.netloc:
        return {
            "BACKEND": f"anymail.backends.{parts.netloc}.EmailBackend",
            "OPTIONS": dict(parse_qsl(parts.query)),
        }
    raise ImproperlyConfigured(f"MAILER_URL {url!r}: unknown scheme (see the README).")
