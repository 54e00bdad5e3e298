"""The normalise stage: songs keyed by their normalised names, the song × playlist matrix and the
catalogue written to `<output>/songs`."""

import pyarrow as pa
from pyspark.sql import DataFrame

from spark import reader, songs
from spark.matrix import SongMatrix
from spark.outputs import write_parquet
from spark.progress import report


def normalise(parsed: DataFrame, output: str) -> tuple[SongMatrix, pa.Table]:
    """The matrix of the records in `parsed` (see `read_input`) and the keyed spellings it
    comes from (`songs.keyed_spellings`)."""
    catalogue, matrix, keyed = songs.songs_and_matrix(reader.records(parsed))
    report("songs", songs=matrix.n_songs, playlists=matrix.n_playlists)
    write_parquet(catalogue, f"{output}/songs")
    return matrix, keyed
