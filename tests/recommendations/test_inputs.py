"""Which inputs a build may read: each refusal with its own message."""

import os
from pathlib import Path

import pytest

from recommendations import inputs
from recommendations.inputs import InvalidInput, checked_input
from spark import contract
from tests.playlists_csv import FIRST, write_playlists_csv


@pytest.fixture
def allowed(settings, tmp_path) -> Path:
    """The one allowed input directory, with a valid playlists file in it."""
    directory = tmp_path / "inputs"
    directory.mkdir()
    settings.SONGREC_INPUT_DIRS = [str(directory), "gs://bucket/playlists/"]
    write_playlists_csv(directory / "playlists.csv", FIRST)
    return directory


def refusal(path: object) -> str:
    with pytest.raises(InvalidInput) as refused:
        checked_input(str(path))
    return str(refused.value)


def test_a_playlists_file_under_an_allowed_directory_is_read_by_its_resolved_path(
    allowed: Path, monkeypatch
) -> None:
    (allowed / "latest.csv").symlink_to(allowed / "playlists.csv")
    monkeypatch.chdir(allowed)

    assert checked_input("latest.csv") == str((allowed / "playlists.csv").resolve())


def test_a_header_after_a_byte_order_mark_is_a_header(allowed: Path) -> None:
    source = allowed / "bom.csv"
    source.write_bytes(b"\xef\xbb\xbf" + (allowed / "playlists.csv").read_bytes())

    assert checked_input(str(source)) == str(source.resolve())


@pytest.mark.parametrize("outside", ["/etc/passwd", "{allowed}/../secret.csv", "{allowed}-x/a.csv"])
def test_a_path_outside_the_allowed_directories_is_refused(allowed: Path, outside: str) -> None:
    path = outside.format(allowed=allowed)

    message = refusal(path)

    assert message.startswith(path)
    assert message.endswith(
        f" is not under an allowed input directory ({allowed}, gs://bucket/playlists/)."
    )


def test_a_symlink_out_of_an_allowed_directory_is_refused(allowed: Path) -> None:
    (allowed / "link.csv").symlink_to("/etc/passwd")

    assert refusal(allowed / "link.csv").startswith(
        f"{allowed / 'link.csv'} (→ /etc/passwd) is not under an allowed input directory"
    )


def test_a_missing_file_is_refused(allowed: Path) -> None:
    assert refusal(allowed / "nowhere.csv") == f"{allowed / 'nowhere.csv'} does not exist."


def test_a_directory_is_refused(allowed: Path) -> None:
    (allowed / "parts").mkdir()

    assert refusal(allowed / "parts").startswith(f"{allowed / 'parts'} is a directory")


def test_a_fifo_is_refused(allowed: Path) -> None:
    os.mkfifo(allowed / "pipe")

    assert refusal(allowed / "pipe") == f"{allowed / 'pipe'} is not a regular file."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty."),
        (contract.HEADER.encode() + b"\n", "has no lines after the header."),
        (contract.HEADER.encode() + b"\n\n  \n", "has no lines after the header."),
        (
            b"root:x:0:0:root:/root:/bin/bash\n",
            f"does not start with the playlists header ({contract.HEADER}).",
        ),
        (b'"u","a","t","p"\n', "does not start with the playlists header"),
    ],
)
def test_a_file_that_is_not_a_playlists_file_is_refused(
    allowed: Path, content: bytes, message: str
) -> None:
    source = allowed / "odd.csv"
    source.write_bytes(content)

    assert refusal(source).startswith(f"{source} {message}")


def test_a_url_under_an_allowed_url_prefix_is_taken_unchecked(allowed: Path) -> None:
    assert checked_input("gs://bucket/playlists/2026.csv") == "gs://bucket/playlists/2026.csv"


@pytest.mark.parametrize(
    "url",
    [
        "gs://bucket/playlists-old/2026.csv",
        "gs://bucket/playlists/../private/2026.csv",
        "gs://other/playlists/2026.csv",
        "s3a://bucket/playlists/2026.csv",
        "hdfs:///data/playlists.csv",
        "file:///etc/passwd",
    ],
)
def test_a_url_elsewhere_is_refused(allowed: Path, url: str) -> None:
    assert refusal(url).startswith(f"{url} is not under an allowed input directory")


def test_the_files_offered_are_the_playlists_csvs_in_and_just_below_the_allowed_directories(
    allowed: Path,
) -> None:
    (allowed / "2026").mkdir()
    write_playlists_csv(allowed / "2026" / "december.csv", FIRST)
    (allowed / "2026" / "deeper").mkdir()
    write_playlists_csv(allowed / "2026" / "deeper" / "too-deep.csv", FIRST)
    (allowed / "notes.csv").write_text("not,a,playlists,file\n1,2,3,4\n")
    write_playlists_csv(allowed / "playlists.txt", FIRST)

    assert inputs.input_files() == [
        str((allowed / "2026" / "december.csv").resolve()),
        str((allowed / "playlists.csv").resolve()),
    ]
