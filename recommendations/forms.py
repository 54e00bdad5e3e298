from django import forms
from django.conf import settings


class StartBuildForm(forms.Form):
    """What staff choose when they start a rebuild from the admin."""

    input_path = forms.CharField(
        max_length=1000,
        help_text="Playlists CSV: a local path or any Hadoop path (hdfs://, gs://).",
    )
    k = forms.IntegerField(min_value=1, max_value=200, initial=20, label="Neighbours per song")
    hash_tables = forms.IntegerField(
        min_value=1, max_value=100, initial=10, label="MinHash LSH hash tables"
    )
    max_distance = forms.FloatField(
        min_value=0.0,
        max_value=1.0,
        initial=1.0,
        label="LSH distance threshold",
        help_text="Pairs with Jaccard distance below this are kept (similarity above 1 − this).",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["k"].initial = settings.SONGREC_NEIGHBOURS_K

    def job_arguments(self) -> dict[str, object]:
        return {
            "hash-tables": self.cleaned_data["hash_tables"],
            "max-distance": self.cleaned_data["max_distance"],
        }
