from django.conf import settings
from django.db import models
from django.utils import timezone

from catalog.models import Song

TITLE_LENGTH = 200


class Playlist(models.Model):
    """A playlist a user saved.

    Its songs are entries pointing at songs by their stable key, as favourites do, so a rebuild
    leaves every playlist on the same songs, in the catalogue or not.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="playlists"
    )
    title = models.CharField(max_length=TITLE_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "-updated_at"], name="playlist_newest")]

    def __str__(self) -> str:
        return self.title


class PlaylistEntry(models.Model):
    """One song of a saved playlist, at `position` (0 first)."""

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="entries")
    # PROTECT: songs are never deleted; deleting one by hand must not empty people's playlists.
    song = models.ForeignKey(
        Song, to_field="key", db_column="song_key", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name_plural = "playlist entries"
        constraints = [
            models.UniqueConstraint(fields=["playlist", "song"], name="one_entry_per_song"),
            models.UniqueConstraint(fields=["playlist", "position"], name="one_entry_per_position"),
        ]

    def __str__(self) -> str:
        return f"{self.playlist_id} #{self.position}: {self.song_id}"
