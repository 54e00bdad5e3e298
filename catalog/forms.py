from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.forms.widgets import Input
from django.urls import reverse_lazy
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from matching.names import match_key

MAX_SEARCH_LENGTH = 200
EMPTY_SEARCH_MESSAGE = "Type a song or an artist to search for."
TOO_LONG_MESSAGE = "That search is too long: keep it to %(limit_value)d characters or fewer."


class _PlainInput(Input):
    """An <input> rendered in Python: what Django's input template gives, without the form
    renderer's templates, which cost a search page more than the rest of its form (the form is
    on every search page)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = f'<input type="{escape(widget["type"])}" name="{escape(name)}"'
        if widget["value"] is not None:
            html += f' value="{escape(widget["value"])}"'
        # In the attributes' order, as django/forms/widgets/attrs.html writes them.
        for attribute, setting in widget["attrs"].items():
            if setting is True:
                html += f" {escape(attribute)}"
            elif setting is not False:
                html += f' {escape(attribute)}="{escape(setting)}"'
        return mark_safe(f"{html}>")


class _SearchInput(_PlainInput):
    input_type = "search"


class _TextInput(_PlainInput):
    input_type = "text"


def _search_field(label: str, placeholder: str, widget: type[forms.Widget]) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        error_messages={"max_length": TOO_LONG_MESSAGE},
        widget=widget(attrs={"placeholder": placeholder, "autocomplete": "off"}),
    )


class SongSearchForm(forms.Form):
    """A free-text query and/or the artist and track fields; at least one must say something."""

    q = _search_field("Song or artist", "Search a song or an artist", _SearchInput)
    artist = _search_field("Artist", "e.g. Simon & Garfunkel", _TextInput)
    track = _search_field("Track", "e.g. The Boxer", _TextInput)

    def __init__(self, *arguments: Any, **keywords: Any) -> None:
        super().__init__(*arguments, **keywords)
        # static/js/autocomplete.js offers songs from this URL as the query is typed.
        self.fields["q"].widget.attrs["data-autocomplete"] = reverse_lazy("api:autocomplete")

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        # Judge emptiness the way the search will: a query of only accents or spaces matches all.
        terms = (cleaned_data.get(name, "") for name in ("q", "artist", "track"))
        if not any(match_key(term) for term in terms):
            raise forms.ValidationError(EMPTY_SEARCH_MESSAGE, code="empty")
        return cleaned_data

    def description(self) -> str:
        """The cleaned search in words, e.g. “hello” and artist “Adele”."""
        labels = {"q": "", "artist": "artist ", "track": "track "}
        return " and ".join(
            f"{label}“{self.cleaned_data[name]}”"
            for name, label in labels.items()
            if self.cleaned_data.get(name)
        )

    def first_error(self) -> str:
        """The first validation message, for places that show a single line."""
        for messages in self.errors.values():
            return str(messages[0])
        return ""
