"""django-rosetta's URLs, with two guards of our own (include this instead of rosetta.urls).

* Members who may not translate get the site's 403 page instead of rosetta's redirect to the
  login page, which sends a signed-in member straight back (a redirect loop). Visitors who
  are not signed in still go to the login page.
* The translation form refuses a page of translations when any of them carries markup or
  placeholders that its msgid does not have (see core.catalogues): nothing of that page is
  saved, and the form comes back with the translator's text and one error per refused entry.

Rosetta's `entry_changed` signal is no place for the second guard: it fires per entry while
the catalogue is being changed in memory, with no request to report to, it carries only the
old singular msgstr (a plural form cannot be put back), and the file is saved after it anyway.
"""

import copy
import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import URLPattern
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from rosetta import urls as rosetta_urls
from rosetta import views as rosetta_views
from rosetta.access import can_translate

from core.catalogues import translation_problem

# Rosetta names the form's fields after the md5 of each entry: m_<hash>, m_<hash>_<form>.
SINGULAR_FIELD = re.compile(r"^m_([0-9a-f]+)$")
PLURAL_FIELD = re.compile(r"^m_([0-9a-f]+)_([0-9]+)$")


# Translators edit the project's catalogues only: Django's and other libraries' live in
# the virtualenv, hold strings the admin formats with str.format(), and are not theirs.
PROJECT_FILTER = "project"


def translators_only(view):
    """Let translators (ROSETTA_ACCESS_CONTROL_FUNCTION) through to the project's catalogues;
    403 for other members; 404 for other catalogues."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_translate(request.user):
            raise PermissionDenied
        if kwargs.get("po_filter", PROJECT_FILTER) != PROJECT_FILTER:
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


class TranslationFormView(rosetta_views.TranslationFormView):
    """Rosetta's translation form, refusing translations that carry markup of their own."""

    def submitted_translations(self):
        """(entry, plural form or None, text as rosetta would save it) for each text field
        of the POSTed page whose entry is in the catalogue (rosetta reports the others)."""
        for name, text in self.request.POST.items():
            if match := PLURAL_FIELD.match(name):
                md5hash, plural_index = match.group(1), int(match.group(2))
            elif match := SINGULAR_FIELD.match(name):
                md5hash, plural_index = match.group(1), None
            else:
                continue
            entry = self.po_file.find(md5hash, "md5hash")
            if entry is not None:
                original = entry.msgid if plural_index is None else entry.msgid_plural
                yield entry, plural_index, self.fix_nls(original or entry.msgid, text)

    def post(self, request, *args, **kwargs):
        refused = []
        for entry, plural_index, text in self.submitted_translations():
            if (plural_index is None) != (not entry.msgid_plural):
                # Plural forms for a singular entry (or the reverse) break the catalogue.
                problem = "does not have the forms of its original"
            else:
                problem = translation_problem(entry, text, plural_index)
            if problem:
                form = "" if plural_index is None else f" (form {plural_index})"
                msgid = Truncator(entry.msgid).chars(80)
                refused.append(f"“{msgid}”{form}: the translation {problem}.")
        if not refused:
            return super().post(request, *args, **kwargs)
        messages.error(
            request,
            _(
                "Nothing was saved: a translation must keep the markup and the placeholders "
                "of its original."
            ),
        )
        for line in refused:
            messages.error(request, line)
        return self.show_refused_page(**kwargs)

    def show_refused_page(self, **kwargs):
        """The same page again, showing what the translator typed (in a copy nobody saves)."""
        self.po_file = copy.deepcopy(self.po_file)  # shown with their text, never saved
        context = self.get_context_data(**kwargs)  # the page's entries as they were stored
        for entry, plural_index, text in self.submitted_translations():
            if plural_index is None:
                entry.msgstr = text
            else:
                entry.msgstr_plural[plural_index] = text
            fuzzy = bool(self.request.POST.get(f"f_{entry.md5hash}"))
            if fuzzy and "fuzzy" not in entry.flags:
                entry.flags.append("fuzzy")
            elif not fuzzy and "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        return self.render_to_response(context, status=400)


def _guarded(pattern: URLPattern) -> URLPattern:
    view = pattern.callback
    if pattern.name == "rosetta-form":
        view = TranslationFormView.as_view()
    return URLPattern(pattern.pattern, translators_only(view), pattern.default_args, pattern.name)


urlpatterns = [_guarded(pattern) for pattern in rosetta_urls.urlpatterns]
