"""Forms of the social app."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from social.imports import following_addresses


class FollowingImportForm(forms.Form):
    """A following list to import: a CSV of account addresses."""

    file = forms.FileField(
        label=_("Following list (CSV)"),
        help_text=_("Exported from here or from Mastodon: one account address per line."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean(self):
        """Read the addresses now: a bad file is refused on the spot, not by the worker."""
        cleaned = super().clean()
        if cleaned.get("file") is not None:
            try:
                cleaned["addresses"] = following_addresses(cleaned["file"])
            except ValidationError as error:
                self.add_error("file", error)
        return cleaned
