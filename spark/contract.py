"""The job's contract with whoever runs it: its engines, options, stages, the lines it prints and
the summary it writes.

Stated once here; the job's command line, `manage.py build_recs`, the admin's build form,
`spark-submit`'s command and the loader all derive from it. Plain Python (no Spark, no Django),
so the site imports it without starting a JVM.
"""

import argparse
import dataclasses
import json
import typing
from dataclasses import dataclass

ENGINES: dict[str, str] = {
    "auto": "Auto: exact while Σ playlist size² is within the exact budget, else MinHash",
    "exact": "Exact: every song's exact Jaccard top K",
    "minhash": "MinHash LSH: banded, candidates verified exactly",
    "mllib": "MLlib MinHashLSH: the original method, for comparison",
}


@dataclass(frozen=True)
class Option:
    """One command-line option of the job (`--name`).

    `tuning` options are the ones a build may set (the admin form, `build_recs`); the others are
    set by whoever runs the job (paths, k, the malformed share, the master). `engines` lists the
    engines that read it; empty means all of them.
    """

    name: str
    type: type
    default: object
    help: str
    tuning: bool = False
    engines: tuple[str, ...] = ()
    choices: tuple[str, ...] | None = None

    @property
    def dest(self) -> str:
        """The option's attribute name: `--lsh-bands` is `lsh_bands`."""
        return self.name.replace("-", "_")


OPTIONS: tuple[Option, ...] = (
    Option("input", str, None, "playlists CSV file or directory (any Hadoop path)"),
    Option("output", str, None, "directory for songs/, neighbours/, rejects/ and summary.json"),
    Option("k", int, 20, "neighbours kept per song"),
    Option("engine", str, "auto", "how neighbours are found", True, choices=tuple(ENGINES)),
    Option(
        "exact-budget",
        float,
        10_000_000_000,
        "largest Σ playlist size² (co-occurring pairs) for which auto picks the exact engine",
        True,
        ("auto",),
    ),
    Option(
        "driver-budget",
        float,
        250_000_000,
        "largest Σ playlist size² computed in the driver process (0: always in Spark tasks)",
        True,
        ("auto", "exact", "minhash"),
    ),
    Option("max-bad-share", float, 0.05, "share of malformed lines above which the job stops"),
    Option("lsh-threshold", float, 0.129, "the S-curve's steep point", True, ("auto", "minhash")),
    Option("lsh-rows", int, 2, "r: MinHash rows per band", True, ("auto", "minhash")),
    Option(
        "lsh-bands", int, None, "b: bands (blank: from the threshold)", True, ("auto", "minhash")
    ),
    Option("lsh-cap", int, 30, "bucket window (songs)", True, ("auto", "minhash")),
    Option("hash-tables", int, 10, "MLlib MinHashLSH hash tables", True, ("mllib",)),
    Option(
        "max-distance",
        float,
        1.0,
        "Jaccard distance below which MLlib's pairs are kept (similarity above 1 − d)",
        True,
        ("mllib",),
    ),
    Option("recall-sample", int, 1000, "songs whose recall is checked against exact top-K"),
    Option("seed", int, 1, "hash functions and the recall sample", True),
    Option("master", str, None, "Spark master; leave unset under spark-submit"),
)
OPTION = {option.name: option for option in OPTIONS}
TUNING = tuple(option for option in OPTIONS if option.tuning)
REQUIRED = ("input", "output")
RECALL_AT = 10

# The job's stages in the order they run, each with the share of a whole build done when it
# starts (the site's load stage takes the rest).
STAGES: dict[str, int] = {
    "read": 5,
    "normalise": 20,
    "estimate": 40,
    "candidates": 45,
    "neighbours": 60,
    "recall": 80,
}

# The longest artist or title the catalogue stores, as given and once normalised
# (catalog.models.Song's CharFields; a test holds the two together). The reader rejects longer.
MAX_NAME_LENGTH = 1000

# The playlists file's first line; a byte-order mark may precede it. The reader drops every line
# like it, and the site refuses a local input that does not start with one.
HEADER = '"user_id", "artistname", "trackname", "playlistname"'
HEADER_PATTERN = r'^\ufeff?\s*"user_id"\s*,'

# Why the reader rejects a line, as `rejects/` and the summary's `rejected_by_reason` say it: every
# line the catalogue could not store is rejected, so one bad line never fails a build's load.
REJECT_REASONS: dict[str, str] = {
    "invalid UTF-8": "bytes that are not UTF-8 (a Latin-1 export, say)",
    "control character": "a control character other than tab (NUL, ESC, DEL …)",
    "not four quoted fields": "extra or missing fields, stray quotes, an unterminated field",
    "empty field": "a field empty or of spaces only",
    "name too long": (
        f"an artist or title over {MAX_NAME_LENGTH:,} characters, "
        "as given or as normalisation may lengthen it"
    ),
}

PROGRESS = "PROGRESS"
SUMMARY = "SUMMARY"


def argument_parser(**kwargs: object) -> argparse.ArgumentParser:
    """The job's command line: every option of OPTIONS with its default."""
    parser = argparse.ArgumentParser(**kwargs)
    for option in OPTIONS:
        parser.add_argument(
            f"--{option.name}",
            type=option.type,
            default=option.default,
            required=option.name in REQUIRED,
            choices=option.choices,
            help=option.help,
        )
    return parser


def command_line(arguments: dict[str, object]) -> list[str]:
    """`--name value` pairs for the job, in OPTIONS order; unknown names are refused."""
    unknown = set(arguments) - set(OPTION)
    if unknown:
        raise ValueError(f"the job takes no option {', '.join(sorted(unknown))}")
    return [
        item
        for option in OPTIONS
        if arguments.get(option.name) is not None
        for item in (f"--{option.name}", str(arguments[option.name]))
    ]


def progress_line(event: str, **fields: object) -> str:
    """A progress event as the job prints it; fields are numbers or short strings."""
    return f"{PROGRESS} {json.dumps({'event': event, **fields})}"


def parse_line(line: str) -> tuple[str, dict] | None:
    """(PROGRESS, event) or (SUMMARY, summary dict) from a line the job printed; None for any
    other line (Spark's own output)."""
    kind, _, payload = line.partition(" ")
    if kind in (PROGRESS, SUMMARY):
        return kind, json.loads(payload)
    return None


class InvalidSummary(ValueError):
    """A summary that lacks a field or has one of the wrong type."""


@dataclass(frozen=True)
class Summary:
    """What one run of the job found and did, written as `<output>/summary.json` and printed as
    the last line (`SUMMARY {json}`)."""

    input: str
    engine: str
    engine_requested: str
    engine_reason: str
    k: int
    parameters: dict[str, object]
    lines_read: int
    rejected: int
    records: int
    rejected_by_reason: dict[str, int]
    songs: int
    playlists: int
    memberships: int
    estimated_pairs: int
    neighbours_in: str
    neighbour_rows: int
    counts: dict[str, int]
    recall: dict[str, float | int]
    recall_at_10: float
    seconds: dict[str, float]

    def to_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def line(self) -> str:
        """The summary as the job's last line of output."""
        return f"{SUMMARY} {self.to_json()}"

    @classmethod
    def from_dict(cls, data: object) -> "Summary":
        """Checks every field's presence and type; raises InvalidSummary saying which is wrong.

        Fields a later job adds are ignored, so an older site loads a newer job's output."""
        if not isinstance(data, dict):
            raise InvalidSummary("is not a JSON object")
        for field, kind in typing.get_type_hints(cls).items():
            if not _is_a(data.get(field), kind):
                raise InvalidSummary(f"has no {_type_name(kind)} {field!r}")
        seconds = data["seconds"].values()
        if not all(isinstance(value, int | float) for value in seconds):
            raise InvalidSummary("has no seconds per stage")
        return cls(**{field.name: data[field.name] for field in dataclasses.fields(cls)})

    @classmethod
    def from_json(cls, text: str) -> "Summary":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidSummary(f"is not valid JSON: {error}") from None
        return cls.from_dict(data)


def _is_a(value: object, kind: object) -> bool:
    origin = typing.get_origin(kind) or kind
    if origin is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if origin is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, origin)


def _type_name(kind: object) -> str:
    return (typing.get_origin(kind) or kind).__name__
