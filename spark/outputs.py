"""What the driver writes itself: one-file Parquet tables and the summary, through pyarrow, to a
local path or any URI pyarrow opens (file:, gs:, s3:), like the Spark outputs beside them."""

import os
from urllib.parse import urlparse

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from spark import contract


def output_path(directory: str) -> tuple[pafs.FileSystem, str]:
    """The filesystem of `directory` and its path there (a relative local path made absolute)."""
    if not urlparse(directory).scheme:
        directory = os.path.abspath(directory)
    return pafs.FileSystem.from_uri(directory)


def write_summary(output: str, summary: contract.Summary) -> None:
    """Write `<output>/summary.json`."""
    filesystem, path = output_path(output)
    with filesystem.open_output_stream(f"{path}/summary.json") as stream:
        stream.write((summary.to_json(indent=2) + "\n").encode("utf-8"))


def empty_directory(directory: str) -> tuple[pafs.FileSystem, str]:
    """Make `directory` an empty directory, whatever it held; its `output_path`."""
    filesystem, path = output_path(directory)
    filesystem.delete_dir_contents(path, missing_dir_ok=True)
    filesystem.create_dir(path)
    return filesystem, path


def write_parquet(table: pa.Table, directory: str) -> None:
    """Replace `directory` with one Parquet file of `table`."""
    filesystem, path = empty_directory(directory)
    pq.write_table(table, f"{path}/part-00000.parquet", filesystem=filesystem)
