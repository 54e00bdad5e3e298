"""Writing small playlists CSV files for tests."""

from pathlib import Path

from spark.contract import HEADER

# Two small editions of a playlists file. Twin A and Twin B always appear together.
FIRST = [
    ("ann", "The Twins", "Twin A", "Starred"),
    ("ann", "The Twins", "Twin B", "Starred"),
    ("ann", "Rock Band", "Anthem", "Starred"),
    ("ben", "The Twins", "Twin A", "Starred"),
    ("ben", "The Twins", "Twin B", "Starred"),
    ("ben", "Rock Band", "Anthem", "Road trip"),
    ("ben", "Rock Band", "Encore", "Road trip"),
    ("ben", "Gone Soon", "Old Hit", "Road trip"),
]
# The same playlists a month later: "Old Hit" has gone, "New Hit" arrived.
SECOND = [row for row in FIRST if row[2] != "Old Hit"] + [
    ("ben", "Fresh Face", "New Hit", "Road trip"),
]


def write_playlists_csv(
    path: Path, rows: list[tuple[str, str, str, str]], bad: tuple[str, ...] = ()
) -> Path:
    """A CSV in the dataset's format: the spaced header, quoted fields, backslash escapes."""

    def quoted(field: str) -> str:
        return '"' + field.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [HEADER]
    lines += [",".join(quoted(field) for field in row) for row in rows]
    lines += list(bad)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# Inputs a build refuses, each made in a test's tmp_path, and what the refusal says.
REFUSED_INPUTS = [
    (lambda tmp_path: Path("/etc/passwd"), "is not under an allowed input directory"),
    (lambda tmp_path: tmp_path / "missing.csv", "does not exist."),
    (lambda tmp_path: tmp_path, "is a directory"),
    (lambda tmp_path: write_playlists_csv(tmp_path / "header.csv", []), "has no lines after"),
]
