"""The read stage: the input's lines checked and split, rejects written, records cached."""

from dataclasses import dataclass

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession

from spark import reader, songs
from spark.progress import report


@dataclass(frozen=True)
class ReadLines:
    """The parsed lines (cached: records and rejects with their reason) and their counts."""

    parsed: DataFrame
    rejected_by_reason: dict[str, int]
    records: int
    rejected: int

    @property
    def lines(self) -> int:
        return self.records + self.rejected


def read_input(spark: SparkSession, source: str, output: str, max_bad_share: float) -> ReadLines:
    """Parse `source`, writing its malformed lines to `<output>/rejects`; raises
    `reader.TooManyMalformedLines` above `max_bad_share`, `reader.EmptyInput` when it holds no
    line but headers."""
    # One scan of the input: checked, split and cached lines; records and rejects both come
    # from the cache.
    parsed = songs.hash_playlists(reader.parse(reader.read_lines(spark, source)))
    parsed = parsed.persist(StorageLevel.MEMORY_AND_DISK)
    by_reason = reader.reason_counts(parsed)
    records = by_reason.pop(None, 0)
    rejected = sum(by_reason.values())
    report("read", lines=records + rejected, rejected=rejected)
    if not records + rejected:
        raise reader.EmptyInput(f"{source} has no lines after the header")
    reader.check_malformed_share(
        lines_read=records + rejected, rejected=rejected, max_bad_share=max_bad_share
    )
    if rejected:
        reader.rejects(parsed).coalesce(1).write.mode("overwrite").json(f"{output}/rejects")
    return ReadLines(parsed, by_reason, records, rejected)
