"""Reading the Spotify Playlists CSV.

The file is read as text and each line checked against the strict shape of a record: four
double-quoted fields, backslash escapes inside them, a comma (and optional spaces) between. This
keeps the many valid lines with escaped quotes (`\\"`) that a naive CSV reader rejects, and rejects
what the real file gets wrong: extra unquoted fields, stray quotes, missing fields. Every line the
catalogue could not store is rejected too (`contract.REJECT_REASONS`): bytes that are not UTF-8,
control characters, names longer than its columns.
"""

from functools import reduce

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from matching.names import key_expansions
from spark.contract import HEADER_PATTERN, MAX_NAME_LENGTH

COLUMNS = ("user_id", "artistname", "trackname", "playlistname")

# "unrolled" form of "(?:[^"\\]|\\.)*": one loop per run of plain characters, so Java's regex
# engine neither backtracks nor recurses per character (several times faster on a large file).
_FIELD = r'"([^"\\]*(?:\\.[^"\\]*)*)"'
# (?s): a backslash escapes any character, line separators such as U+2028 and U+0085 included.
RECORD_PATTERN = "(?s)^" + r"\s*,\s*".join([_FIELD] * len(COLUMNS)) + r"\s*$"
# C0 controls but tab, and DEL: PostgreSQL cannot store NUL, and the rest are junk in a name.
_CONTROL = r"[\x00-\x08\x0A-\x1F\x7F]"


class TooManyMalformedLines(Exception):
    """More of the input is malformed than the build accepts."""


class EmptyInput(Exception):
    """The input holds no line but headers."""


def read_lines(spark: SparkSession, path: str) -> DataFrame:
    """The input file(s) as one string column `line`, header included."""
    return spark.read.text(path).withColumnRenamed("value", "line")


def _unescape(field: Column) -> Column:
    # Few fields hold a backslash: skip the replacement for the rest.
    return F.when(field.contains("\\"), F.regexp_replace(field, r"(?s)\\(.)", "$1")).otherwise(
        field
    )


def _key_length_bound(name: Column) -> Column:
    """`matching.names.key_length_bound` of `name`, with Spark built-ins: `translate` deletes
    the characters of each expansion (a hash lookup a character, far cheaper than a regex class
    of them)."""
    extra = [
        (F.length(name) - F.length(F.translate(name, characters, ""))) * (n - 1)
        for n, characters in key_expansions().items()
    ]
    return reduce(Column.__add__, extra, F.length(name))


def _too_long(name: Column) -> Column:
    # Most names are too short for any expansion to reach the limit: the bound's scans are
    # skipped for them.
    could_grow = F.length(name) * max(key_expansions()) > MAX_NAME_LENGTH
    return (F.length(name) > MAX_NAME_LENGTH) | (
        could_grow & (_key_length_bound(name) > MAX_NAME_LENGTH)
    )


def parse(lines: DataFrame) -> DataFrame:
    """Check and split every line in one scan.

    Columns: `reason` (null for a record), `line` (kept for rejects only) and the four string
    columns of COLUMNS, unescaped and trimmed (null for rejects). The header line is dropped.
    """
    lines = lines.filter(~F.col("line").rlike(HEADER_PATTERN))
    # Every quoted field of the line, found in one scan, in their own projection: inlined, the
    # scan would run once per use in every field.
    scanned = lines.select(
        "line", F.regexp_extract_all("line", F.lit("(?s)" + _FIELD), 1).alias("raw")
    )
    raw = [F.get("raw", i) for i in range(len(COLUMNS))]
    # Almost every record is its four fields quoted and joined by bare commas: comparing with
    # that is cheaper than a second regex, which checks only the rest (spaces after a comma).
    rebuilt = F.concat(F.lit('"'), F.concat_ws('","', *raw), F.lit('"'))
    well_formed = F.when(
        (F.size("raw") == len(COLUMNS)) & (F.col("line") == rebuilt), F.lit(True)
    ).otherwise(F.col("line").rlike(RECORD_PATTERN))
    split = scanned.select(
        "line",
        F.is_valid_utf8("line").alias("utf8"),
        well_formed.alias("well_formed"),
        *[F.trim(_unescape(field)).alias(name) for field, name in zip(raw, COLUMNS, strict=True)],
    )
    reason = (
        F.when(~F.col("utf8"), F.lit("invalid UTF-8"))
        .when(F.col("line").rlike(_CONTROL), F.lit("control character"))
        .when(~F.col("well_formed"), F.lit("not four quoted fields"))
        # A field of spaces only (escaped or not) is empty once unescaped and trimmed.
        .when(F.array_contains(F.array(*COLUMNS), ""), F.lit("empty field"))
        .when(
            _too_long(F.col("artistname")) | _too_long(F.col("trackname")), F.lit("name too long")
        )
    )
    return split.withColumn("reason", reason).select(
        "reason",
        F.when(F.col("reason").isNotNull(), F.col("line")).alias("line"),
        *[F.when(F.col("reason").isNull(), F.col(name)).alias(name) for name in COLUMNS],
    )


def records(parsed: DataFrame) -> DataFrame:
    """The well-formed lines of `parse`'s output: its columns but `reason` and `line`."""
    return parsed.filter(F.col("reason").isNull()).drop("reason", "line")


def rejects(parsed: DataFrame) -> DataFrame:
    """The malformed lines of `parse`'s output: `line` and `reason`."""
    return parsed.filter(F.col("reason").isNotNull()).select("line", "reason")


def parse_lines(lines: DataFrame) -> tuple[DataFrame, DataFrame]:
    """`(records, rejects)` of `lines` (see `parse`)."""
    parsed = parse(lines)
    return records(parsed), rejects(parsed)


def reason_counts(parsed: DataFrame) -> dict[str | None, int]:
    """Lines per reason (None: records), in one aggregation."""
    return {row["reason"]: row["count"] for row in parsed.groupBy("reason").count().collect()}


def check_malformed_share(*, lines_read: int, rejected: int, max_bad_share: float) -> None:
    """Raise TooManyMalformedLines when the rejected share is above `max_bad_share`."""
    if lines_read and rejected / lines_read > max_bad_share:
        raise TooManyMalformedLines(
            f"{rejected:,} of {lines_read:,} lines ({rejected / lines_read:.1%}) are malformed, "
            f"more than the {max_bad_share:.1%} allowed: is this the Spotify playlists CSV "
            "(four double-quoted fields, backslash escapes)?"
        )
