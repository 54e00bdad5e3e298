"""The batch side of songrec: playlists CSV in, song neighbours out. Imports nothing from Django."""
