"""The search form's inputs, rendered in Python, are what Django's widget templates render."""

import pytest
from django import forms

from catalog.forms import SongSearchForm

DJANGO_WIDGETS = {"q": forms.SearchInput, "artist": forms.TextInput, "track": forms.TextInput}


@pytest.mark.parametrize(
    "data", [None, {"q": "a \"<b>&' c"}, {"q": "x", "artist": "Simon & Garfunkel"}, {"q": ""}]
)
def test_search_inputs_are_what_djangos_widgets_render(data):
    form = SongSearchForm(data)
    if form.is_bound:
        form.is_valid()  # bound inputs show the values as cleaning left them

    for name, widget in DJANGO_WIDGETS.items():
        field = form[name]
        assert str(field) == field.as_widget(widget=widget(attrs=field.field.widget.attrs))
