"""Writing small playlists CSV files for tests."""

from pathlib import Path


def write_playlists_csv(
    path: Path, rows: list[tuple[str, str, str, str]], bad: tuple[str, ...] = ()
) -> Path:
    """A CSV in the dataset's format: the spaced header, quoted fields, backslash escapes."""

    def quoted(field: str) -> str:
        return '"' + field.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ['"user_id", "artistname", "trackname", "playlistname"']
    lines += [",".join(quoted(field) for field in row) for row in rows]
    lines += list(bad)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
