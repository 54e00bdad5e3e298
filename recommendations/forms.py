from django import forms
from django.conf import settings

ENGINES = [
    ("auto", "Auto: exact while Σ playlist size² is within the exact budget, else MinHash"),
    ("exact", "Exact: every song's exact Jaccard top K"),
    ("minhash", "MinHash LSH: banded, candidates verified exactly"),
    ("mllib", "MLlib MinHashLSH: the original method, for comparison"),
]
# Job options that apply to each engine: form field -> spark/job.py option.
ENGINE_OPTIONS = {
    "auto": {"lsh_bands": "lsh-bands"},
    "exact": {},
    "minhash": {"lsh_bands": "lsh-bands"},
    "mllib": {"hash_tables": "hash-tables", "max_distance": "max-distance"},
}


class StartBuildForm(forms.Form):
    """What staff choose when they start a rebuild from the admin. Options left blank, or that
    the chosen engine does not use, are left to the job's defaults."""

    input_path = forms.CharField(
        max_length=1000,
        help_text="Playlists CSV: a local path or any Hadoop path (hdfs://, gs://).",
    )
    k = forms.IntegerField(min_value=1, max_value=200, initial=20, label="Neighbours per song")
    engine = forms.ChoiceField(choices=ENGINES, initial="auto")
    lsh_bands = forms.IntegerField(
        min_value=1,
        max_value=1000,
        required=False,
        label="MinHash bands (b)",
        help_text="MinHash and auto. Blank: 80 bands of 2 rows (recall@10 about 0.96).",
    )
    hash_tables = forms.IntegerField(
        min_value=1,
        max_value=100,
        required=False,
        label="MLlib hash tables",
        help_text="Blank: 10.",
    )
    max_distance = forms.FloatField(
        min_value=0.0,
        max_value=1.0,
        required=False,
        label="MLlib distance threshold",
        help_text="Pairs with Jaccard distance below this are kept. Blank: 1.0.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["k"].initial = settings.SONGREC_NEIGHBOURS_K

    def job_arguments(self) -> dict[str, object]:
        """The options for spark/job.py: the engine and those of its options that were set."""
        engine = self.cleaned_data["engine"]
        arguments: dict[str, object] = {"engine": engine}
        for field, option in ENGINE_OPTIONS[engine].items():
            if self.cleaned_data[field] is not None:
                arguments[option] = self.cleaned_data[field]
        return arguments
