"""Where an engine's blocks of songs are computed: in this process or in Spark tasks.

An engine is a per-block compute over ranges of song indices (`map`), optionally followed by a
second compute over candidate rows regrouped by block; the neighbour rows it ends with are
written to `<output>/neighbours` (`write_map`, `write_regroup`), counted, and sampled back for the
recall check.
`InSparkTasks` broadcasts the matrix once and runs every block in a Spark task, which writes its
own rows (one Parquet file a task, through pyarrow, instead of handing them to the JVM's writer);
`InDriver` runs the same blocks in the driver, for catalogues whose whole product is small: there
Python workers and a broadcast would cost more than the work. `choose` picks one from
`--driver-budget`.
"""

import uuid
from collections.abc import Callable, Iterator
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pyspark import Broadcast, StorageLevel, TaskContext
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from spark.matrix import Neighbours, SongMatrix
from spark.outputs import empty_directory, output_path, write_parquet

NEIGHBOUR_SCHEMA = "song_key long, neighbour_key long, similarity double, rank int"
BLOCK_SCHEMA = "start long, end long"
# What a task that writes its neighbour rows returns instead of them.
WRITTEN_SCHEMA = "rows long"

BlockCompute = Callable[[SongMatrix, int, int], Iterator[pd.DataFrame]]
GroupCompute = Callable[[SongMatrix, pd.DataFrame], Iterator[pd.DataFrame]]
Rows = pd.DataFrame | DataFrame

_MATRICES: dict[str, SongMatrix] = {}


def broadcast_matrix(spark: SparkSession, matrix: SongMatrix) -> Broadcast:
    """Ship the matrix's arrays once to every executor."""
    # The token names this matrix in each worker's cache (broadcasts carry no id there).
    token = uuid.uuid4().hex
    return spark.sparkContext.broadcast(
        (token, matrix.keys, matrix.indptr, matrix.indices, matrix.n_playlists)
    )


def worker_matrix(broadcast: Broadcast) -> SongMatrix:
    """The broadcast matrix, built once per Python worker and reused by its later tasks."""
    token, *arrays = broadcast.value
    matrix = _MATRICES.get(token)
    if matrix is None:
        _MATRICES.clear()
        matrix = _MATRICES[token] = SongMatrix(*arrays)
    return matrix


def block_frame(spark: SparkSession, ranges: list[tuple[int, int]]) -> DataFrame:
    """One row (start, end) per block, each in its own partition, so blocks run in parallel."""
    rdd = spark.sparkContext.parallelize(ranges, max(1, len(ranges)))
    return spark.createDataFrame(rdd, BLOCK_SCHEMA)


def neighbour_frame(matrix: SongMatrix, found: Neighbours) -> pd.DataFrame:
    """Neighbour rows (NEIGHBOUR_SCHEMA) with song keys in place of indices."""
    return pd.DataFrame(
        {
            "song_key": matrix.keys[found.song],
            "neighbour_key": matrix.keys[found.neighbour],
            "similarity": found.similarity,
            "rank": found.rank.astype(np.int32),
        }
    )


def map_blocks(
    broadcast: Broadcast, compute: BlockCompute
) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """A mapInPandas function calling `compute(matrix, start, end)` for every block row."""

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        matrix = worker_matrix(broadcast)
        for batch in batches:
            for start, end in zip(batch["start"].tolist(), batch["end"].tolist(), strict=True):
                yield from compute(matrix, start, end)

    return run


def map_groups(
    broadcast: Broadcast, compute: GroupCompute
) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """A mapInPandas function calling `compute(matrix, rows)` on all rows of its partition."""

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        batches = list(batches)
        if batches:
            yield from compute(worker_matrix(broadcast), pd.concat(batches, ignore_index=True))

    return run


def written_by_task(
    run: Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]], directory: str
) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """`run` (a mapInPandas function yielding neighbour rows) writing its rows to one Parquet
    file in `directory` and yielding their count (WRITTEN_SCHEMA). The file is named after the
    task's partition and moved into place once whole, so a retried or speculative attempt
    replaces another's file instead of mixing with it."""

    def write(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        tables = [pa.Table.from_pandas(frame, preserve_index=False) for frame in run(batches)]
        rows = sum(table.num_rows for table in tables)
        if rows:
            filesystem, path = output_path(directory)
            name = f"{path}/part-{TaskContext.get().partitionId():05d}.parquet"
            attempt = f"{path}/.{uuid.uuid4().hex}.parquet"
            pq.write_table(pa.concat_tables(tables), attempt, filesystem=filesystem)
            filesystem.move(attempt, name)
        yield pd.DataFrame({"rows": [rows]})

    return write


class InDriver:
    """Every block computed in this process, rows kept as pandas frames."""

    where = "driver"

    def __init__(self, matrix: SongMatrix) -> None:
        self.matrix = matrix
        self._written: pd.DataFrame | None = None

    def map(self, compute: BlockCompute, ranges: list[tuple[int, int]], schema: str) -> Rows:
        """What `compute(matrix, start, end)` yields over `ranges`, concatenated."""
        frames = [frame for start, end in ranges for frame in compute(self.matrix, start, end)]
        return pd.concat(frames, ignore_index=True)

    def keep(self, rows: Rows) -> tuple[Rows, int]:
        """`rows`, ready to be read more than once, and how many there are."""
        return rows, len(rows)

    def drop(self, rows: Rows) -> None:
        """Forget rows `keep` kept."""

    def write(self, rows: Rows, output: str) -> None:
        """Write the neighbour rows to `<output>/neighbours`."""
        write_parquet(pa.Table.from_pandas(rows), f"{output}/neighbours")
        self._written = rows

    def write_map(self, compute: BlockCompute, ranges: list[tuple[int, int]], output: str) -> None:
        """Write the neighbour rows `compute` yields over `ranges` (see `map`)."""
        self.write(self.map(compute, ranges, NEIGHBOUR_SCHEMA), output)

    def write_regroup(self, rows: Rows, markers: list, compute: GroupCompute, output: str) -> None:
        """Write the neighbour rows `compute(matrix, rows)` yields over `rows` and `markers` (one
        row a block, typed as `rows`)."""
        marker_rows = pd.DataFrame(markers, columns=rows.columns).astype(rows.dtypes.to_dict())
        frame = pd.concat([rows, marker_rows], ignore_index=True)
        self.write(pd.concat(compute(self.matrix, frame), ignore_index=True), output)

    def written_rows(self) -> int:
        return len(self._written)

    def written_sample(self, keys: np.ndarray, at: int) -> pd.DataFrame:
        """The written rows of songs `keys` ranked `at` or better."""
        found = self._written
        return found[found["song_key"].isin(keys) & (found["rank"] <= at)]

    def release(self) -> None:
        """Free what computing the blocks held (nothing here)."""


class InSparkTasks:
    """Every block computed in a Spark task against the broadcast matrix."""

    where = "spark tasks"

    def __init__(self, spark: SparkSession, matrix: SongMatrix) -> None:
        self.spark = spark
        self.matrix = matrix
        self._output: str | None = None
        # Rows the tasks wrote (None: written by Spark's writer, counted from the files).
        self._rows: int | None = None

    @cached_property
    def broadcast(self) -> Broadcast:
        return broadcast_matrix(self.spark, self.matrix)

    def map(self, compute: BlockCompute, ranges: list[tuple[int, int]], schema: str) -> Rows:
        """One task per range, `compute(matrix, start, end)` in each: `schema` rows."""
        return block_frame(self.spark, ranges).mapInPandas(
            map_blocks(self.broadcast, compute), schema
        )

    def write_map(self, compute: BlockCompute, ranges: list[tuple[int, int]], output: str) -> None:
        """One task per range, `compute(matrix, start, end)` in each, which writes the neighbour
        rows it computes to `<output>/neighbours`."""
        run = map_blocks(self.broadcast, compute)
        self._write_in_tasks(block_frame(self.spark, ranges), run, output)

    def write_regroup(self, rows: Rows, markers: list, compute: GroupCompute, output: str) -> None:
        """`rows` and `markers` (one row a block, typed as `rows`) repartitioned by their `block`
        column, one task a block running `compute(matrix, rows)`, which writes the neighbour rows
        it computes to `<output>/neighbours`."""
        marker_rows = self.spark.createDataFrame(markers, rows.schema)
        grouped = rows.unionByName(marker_rows).repartition(len(markers), "block")
        self._write_in_tasks(grouped, map_groups(self.broadcast, compute), output)

    def _write_in_tasks(
        self,
        tasks: DataFrame,
        run: Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]],
        output: str,
    ) -> None:
        directory = f"{output}/neighbours"
        empty_directory(directory)
        written = tasks.mapInPandas(written_by_task(run, directory), WRITTEN_SCHEMA)
        self._rows = int(written.agg(F.sum("rows")).first()[0] or 0)
        if not self._rows:
            # Tasks without rows write no file: the schema still has to be there.
            empty = neighbour_frame(self.matrix, Neighbours.empty())
            write_parquet(pa.Table.from_pandas(empty, preserve_index=False), directory)
        self._output = output

    def keep(self, rows: Rows) -> tuple[Rows, int]:
        """`rows` persisted (memory, else disk) and counted."""
        rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
        return rows, rows.count()

    def drop(self, rows: Rows) -> None:
        rows.unpersist()

    def write(self, rows: Rows, output: str) -> None:
        """Write the neighbour rows to `<output>/neighbours` (Spark's writer: rows computed in
        the JVM, as MLlib's)."""
        rows.write.mode("overwrite").parquet(f"{output}/neighbours")
        self._rows = None
        self._output = output

    def _written(self) -> DataFrame:
        return self.spark.read.parquet(f"{self._output}/neighbours")

    def written_rows(self) -> int:
        return self._written().count() if self._rows is None else self._rows

    def written_sample(self, keys: np.ndarray, at: int) -> pd.DataFrame:
        """The written rows of songs `keys` ranked `at` or better."""
        keys = self.spark.createDataFrame([(int(key),) for key in keys], "song_key long")
        found = self._written().join(F.broadcast(keys), "song_key")
        return found.filter(F.col("rank") <= at).toPandas()

    def release(self) -> None:
        """Unpersist the broadcast matrix, if one was made."""
        if "broadcast" in self.__dict__:
            self.broadcast.unpersist()


BlockRunner = InDriver | InSparkTasks


def choose(spark: SparkSession, matrix: SongMatrix, driver_budget: float) -> BlockRunner:
    """In the driver while the matrix's Σ playlist size² is within `driver_budget`."""
    if matrix.pairs_estimate <= driver_budget:
        return InDriver(matrix)
    return InSparkTasks(spark, matrix)
