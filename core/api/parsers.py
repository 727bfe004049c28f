"""Request body parsers of the API."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a document nested too deep for Python is a 400, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        """Parse, refusing absurdly deep nesting as malformed input."""
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the document is nested too deeply.")) from None
