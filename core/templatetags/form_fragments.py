"""{% form_fields form %}: a form's fields as crispy-forms lays them out, rendered once per
process (core.fragments) while the form is empty. An unbound form without initial values
looks the same to every reader of a language (its CSRF token is outside, in the page), and
laying out a choice of a hundred languages cost the home page a quarter of its time. A
bound form (errors, what was typed) is rendered each time."""

from django import template
from django.template.loader import render_to_string

from core.fragments import cached_render

register = template.Library()


@register.simple_tag
def form_fields(form):
    """The fields of `form`, from the fragments cache when it is empty."""
    if form.is_bound or form.initial:
        return render_to_string("_form_fields.html", {"form": form})
    form_class = type(form)
    shown = (form_class.__module__, form_class.__qualname__, form.prefix)
    return cached_render("_form_fields.html", {"form": form}, shown=shown)
