"""Which inputs a build may read, checked before it is queued or Spark starts.

A local path must be a readable regular file under one of `SONGREC_INPUT_DIRS` once symlinks are
followed, and look like the playlists file: its header first, then at least one line. A Hadoop
URL (hdfs://, gs://, s3a://) must be under an entry that is itself such a URL; whether it exists
is left to the job, since checking would need Hadoop's file systems in the web process.
"""

import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings

from spark import contract

# A scheme of two letters or more: what Hadoop reads as a URL rather than a local path.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
# As Java reads the reader's pattern: \s is ASCII whitespace only.
_HEADER = re.compile(contract.HEADER_PATTERN, re.ASCII)
# Enough of a file to hold its header, and to find a line after it.
_READ_BYTES = 64 * 1024


class InvalidInput(Exception):
    """A path a build may not, or could not, read."""


def checked_input(path: str) -> str:
    """What a build of `path` reads: the local file's resolved path (absolute, symlinks
    followed, so the runner reads the file that was checked), or the URL as given.

    Raises InvalidInput saying what is wrong.
    """
    allowed = [str(entry) for entry in settings.SONGREC_INPUT_DIRS]
    if _URL.match(path):
        return _checked_url(path, allowed)
    return str(_checked_file(path, allowed))


def _not_allowed(path: str, allowed: list[str]) -> InvalidInput:
    return InvalidInput(
        f"{path} is not under an allowed input directory ({', '.join(allowed) or 'none'})."
    )


def _checked_url(path: str, allowed: list[str]) -> str:
    url = urlsplit(path)
    if ".." not in PurePosixPath(url.path).parts:
        for entry in filter(_URL.match, allowed):
            prefix = urlsplit(entry)
            directory = prefix.path.rstrip("/")
            if (url.scheme.lower(), url.netloc) == (prefix.scheme.lower(), prefix.netloc) and (
                url.path == directory or url.path.startswith(directory + "/")
            ):
                return path
    raise _not_allowed(path, allowed)


def _checked_file(path: str, allowed: list[str]) -> Path:
    resolved = Path(path).resolve()
    directories = [Path(entry).resolve() for entry in allowed if not _URL.match(entry)]
    if not any(resolved.is_relative_to(directory) for directory in directories):
        shown = path if str(resolved) == path else f"{path} (→ {resolved})"
        raise _not_allowed(shown, allowed)
    if not resolved.exists():
        raise InvalidInput(f"{path} does not exist.")
    if resolved.is_dir():
        raise InvalidInput(f"{path} is a directory: give the playlists CSV file itself.")
    if not resolved.is_file():
        raise InvalidInput(f"{path} is not a regular file.")
    try:
        with resolved.open("rb") as handle:
            header = handle.readline(_READ_BYTES)
            rest = handle.read(_READ_BYTES)
    except OSError as error:
        raise InvalidInput(f"{path} is not readable: {error.strerror}.") from None
    if not header:
        raise InvalidInput(f"{path} is empty.")
    if not _HEADER.match(header.decode("utf-8", errors="replace")):
        raise InvalidInput(f"{path} does not start with the playlists header ({contract.HEADER}).")
    if not rest.strip():
        raise InvalidInput(f"{path} has no lines after the header.")
    return resolved


def input_files(limit: int = 100) -> list[str]:
    """The CSV files a build may read, for the start form to offer: those in the local allowed
    directories and their subdirectories, one level down, that pass `checked_input`; at most
    `limit`, by path. Hadoop URLs are not listed (the web process has no Hadoop)."""
    found: set[str] = set()
    for entry in settings.SONGREC_INPUT_DIRS:
        if _URL.match(str(entry)):
            continue
        directory = Path(entry)
        for candidate in [*directory.glob("*.csv"), *directory.glob("*/*.csv")]:
            try:
                found.add(checked_input(str(candidate)))
            except InvalidInput:
                continue
    return sorted(found)[:limit]
