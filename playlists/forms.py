from django import forms

from playlists.models import TITLE_LENGTH


class TitleForm(forms.Form):
    title = forms.CharField(max_length=TITLE_LENGTH, strip=True)

    def first_error(self) -> str:
        """The first problem, for a message."""
        for errors in self.errors.values():
            return f"Title: {errors[0]}"
        return ""
