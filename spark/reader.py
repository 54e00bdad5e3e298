"""Reading the Spotify Playlists CSV.

The file is read as text and each line checked against the strict shape of a record: four
double-quoted fields, backslash escapes inside them, a comma (and optional spaces) between. This
keeps the many valid lines with escaped quotes (`\\"`) that a naive CSV reader rejects, and rejects
what the real file gets wrong: extra unquoted fields, stray quotes, missing fields.
"""

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

COLUMNS = ("user_id", "artistname", "trackname", "playlistname")

# "unrolled" form of "(?:[^"\\]|\\.)*": one loop per run of plain characters, so Java's regex
# engine neither backtracks nor recurses per character (five times faster on the full file).
_FIELD = r'"([^"\\]*(?:\\.[^"\\]*)*)"'
RECORD_PATTERN = "^" + r"\s*,\s*".join([_FIELD] * len(COLUMNS)) + r"\s*$"
_HEADER_PATTERN = r'^\s*"user_id"\s*,'
# In a well-formed line, a quoted field holding only spaces (what trim leaves empty).
_EMPTY_FIELD_PATTERN = r'(^|,)\s*"(?: |\\ )*"\s*(,|$)'


class TooManyMalformedLines(Exception):
    """More of the input is malformed than the build accepts."""


def read_lines(spark: SparkSession, path: str) -> DataFrame:
    """The input file(s) as one string column `line`, header included."""
    return spark.read.text(path).withColumnRenamed("value", "line")


def _unescape(field: Column) -> Column:
    # Few fields hold a backslash: skip the replacement for the rest.
    return F.when(field.contains("\\"), F.regexp_replace(field, r"\\(.)", "$1")).otherwise(field)


def parse_lines(lines: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Split lines into records and rejects.

    Returns `(records, rejects)`: records have the four string columns of COLUMNS, unescaped and
    trimmed; rejects keep the raw `line` and a `reason`. The header line is dropped from both.
    """
    lines = lines.filter(~F.col("line").rlike(_HEADER_PATTERN))
    # Reasons come from the raw line alone, so the filters below never repeat field extraction.
    parsed = lines.select(
        "line",
        F.when(~F.col("line").rlike(RECORD_PATTERN), F.lit("not four quoted fields"))
        .when(F.col("line").rlike(_EMPTY_FIELD_PATTERN), F.lit("empty field"))
        .alias("reason"),
    )
    # A well-formed line's quoted fields, found in one scan: exactly the four of the record.
    fields = parsed.filter(F.col("reason").isNull()).select(
        F.regexp_extract_all("line", F.lit(_FIELD), 1).alias("fields")
    )
    records = fields.select(
        *[F.trim(_unescape(F.get("fields", i))).alias(name) for i, name in enumerate(COLUMNS)]
    )
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
