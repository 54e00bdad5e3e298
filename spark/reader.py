"""Reading the Spotify Playlists CSV.

The file is read as text and each line checked against the strict shape of a record: four
double-quoted fields, backslash escapes inside them, a comma (and optional spaces) between. This
keeps the many valid lines with escaped quotes (`\\"`) that a naive CSV reader rejects, and rejects
what the real file gets wrong: extra unquoted fields, stray quotes, missing fields.
"""

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

COLUMNS = ("user_id", "artistname", "trackname", "playlistname")

_FIELD = r'"((?:[^"\\]|\\.)*+)"'
RECORD_PATTERN = "^" + r"\s*,\s*".join([_FIELD] * len(COLUMNS)) + r"\s*$"
_HEADER_PATTERN = r'^\s*"user_id"\s*,'


class TooManyMalformedLines(Exception):
    """More of the input is malformed than the build accepts."""


def read_lines(spark: SparkSession, path: str) -> DataFrame:
    """The input file(s) as one string column `line`, header included."""
    return spark.read.text(path).withColumnRenamed("value", "line")


def _unescape(field: Column) -> Column:
    return F.regexp_replace(field, r"\\(.)", "$1")


def parse_lines(lines: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Split lines into records and rejects.

    Returns `(records, rejects)`: records have the four string columns of COLUMNS, unescaped and
    trimmed; rejects keep the raw `line` and a `reason`. The header line is dropped from both.
    """
    lines = lines.filter(~F.col("line").rlike(_HEADER_PATTERN))
    fields = [
        F.trim(_unescape(F.regexp_extract("line", RECORD_PATTERN, i + 1))).alias(name)
        for i, name in enumerate(COLUMNS)
    ]
    parsed = lines.select(
        "line", F.col("line").rlike(RECORD_PATTERN).alias("well_formed"), *fields
    ).withColumn(
        "reason",
        F.when(~F.col("well_formed"), F.lit("not four quoted fields")).when(
            F.greatest(*[F.length(name) == 0 for name in COLUMNS]),
            F.lit("empty field"),
        ),
    )
    records = parsed.filter(F.col("reason").isNull()).select(*COLUMNS)
    rejects = parsed.filter(F.col("reason").isNotNull()).select("line", "reason")
    return records, rejects


def check_malformed_share(*, lines_read: int, rejected: int, max_bad_share: float) -> None:
    """Raise TooManyMalformedLines when the rejected share is above `max_bad_share`."""
    if lines_read and rejected / lines_read > max_bad_share:
        raise TooManyMalformedLines(
            f"{rejected:,} of {lines_read:,} lines ({rejected / lines_read:.1%}) are malformed, "
            f"more than the {max_bad_share:.1%} allowed: is this the Spotify playlists CSV "
            "(four double-quoted fields, backslash escapes)?"
        )
