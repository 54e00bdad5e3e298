"""The driver's own writes: the summary and one-file Parquet tables, to paths and URIs."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from spark import outputs


def test_the_summary_reaches_outputs_given_as_uris(tmp_path, job_summary) -> None:
    """On Dataproc the output is gs://…: the summary goes through pyarrow, as file: does here."""
    outputs.write_summary(tmp_path.as_uri(), job_summary)
    assert json.loads((tmp_path / "summary.json").read_text()) == job_summary.to_dict()


@pytest.mark.parametrize("as_uri", [False, True])
def test_the_catalogue_replaces_what_was_in_its_directory(tmp_path, as_uri: bool) -> None:
    """The driver writes songs/ with pyarrow: to local paths and URIs such as file: or gs:."""
    directory = tmp_path / "songs"
    directory.mkdir()
    (directory / "part-00007.parquet").write_bytes(b"an earlier build")
    target = f"{tmp_path.as_uri()}/songs" if as_uri else str(directory)
    outputs.write_parquet(pa.table({"key": [3, 1], "title": ["b", "a"]}), target)
    assert [path.name for path in directory.iterdir()] == ["part-00000.parquet"]
    assert pq.read_table(directory).to_pydict() == {"key": [3, 1], "title": ["b", "a"]}
