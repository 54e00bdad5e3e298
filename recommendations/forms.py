from django import forms
from django.conf import settings

from recommendations.inputs import InvalidInput, checked_input
from spark import contract

# The job's tuning options staff may set when they start a build (the rest keep their defaults).
FORM_OPTIONS = ("lsh-bands", "hash-tables", "max-distance")


def _help(name: str) -> str:
    option = contract.OPTION[name]
    blank = "" if option.default is None else f" Blank: {option.default}."
    used_by = ", ".join(option.engines)
    return f"{option.help[:1].upper()}{option.help[1:]}; used by {used_by}.{blank}"


class StartBuildForm(forms.Form):
    """What staff choose when they start a rebuild from the admin. Options left blank, or that
    the chosen engine does not use, are left to the job's defaults."""

    input_path = forms.CharField(
        max_length=1000,
        # The files found are offered as the input's suggestions (admin/.../build/start.html).
        widget=forms.TextInput(attrs={"list": "input-files", "size": 80}),
        help_text=(
            "Playlists CSV: a local file or a Hadoop path (hdfs://, gs://) under an allowed "
            "input directory (SONGREC_INPUT_DIRS)."
        ),
    )
    k = forms.IntegerField(min_value=1, max_value=200, label="Neighbours per song")
    engine = forms.ChoiceField(
        choices=list(contract.ENGINES.items()), initial=contract.OPTION["engine"].default
    )
    lsh_bands = forms.IntegerField(
        min_value=1, max_value=1000, required=False, label="MinHash bands (b)"
    )
    hash_tables = forms.IntegerField(
        min_value=1, max_value=100, required=False, label="MLlib hash tables"
    )
    max_distance = forms.FloatField(
        min_value=0.0, max_value=1.0, required=False, label="MLlib distance threshold"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["k"].initial = settings.SONGREC_NEIGHBOURS_K
        for name in FORM_OPTIONS:
            self.fields[contract.OPTION[name].dest].help_text = _help(name)

    def clean_input_path(self) -> str:
        """The path checked (see `inputs.checked_input`): what the build will read."""
        try:
            return checked_input(self.cleaned_data["input_path"])
        except InvalidInput as error:
            raise forms.ValidationError(str(error)) from None

    def job_arguments(self) -> dict[str, object]:
        """The options for spark/job.py: the engine and those of its options that were set."""
        engine = self.cleaned_data["engine"]
        arguments: dict[str, object] = {"engine": engine}
        for name in FORM_OPTIONS:
            option = contract.OPTION[name]
            if engine in option.engines and self.cleaned_data[option.dest] is not None:
                arguments[name] = self.cleaned_data[option.dest]
        return arguments
