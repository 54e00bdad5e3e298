from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat

from catalog.links import artist_url, song_url

WORD_MAX_LENGTH = 200


class Song(models.Model):
    """A song as the batch job keys it: normalised (artist, title).

    Rows are upserted by `key` and never deleted, so primary keys stay stable across rebuilds and
    whatever points at a song (favourites, history) keeps pointing at the same one.
    """

    key = models.BigIntegerField(unique=True, help_text="Hash of the normalised artist and title.")
    artist = models.CharField(max_length=1000)
    title = models.CharField(max_length=1000)
    artist_norm = models.CharField(max_length=1000, db_index=True)
    title_norm = models.CharField(max_length=1000)
    # What search matches: on PostgreSQL a GIN trigram index (migration 0002) serves substring
    # and typo-tolerant matching on it.
    name_norm = models.GeneratedField(
        expression=Concat("artist_norm", Value(" "), "title_norm"),
        output_field=models.CharField(max_length=2001),
        db_persist=True,
    )
    playlist_count = models.PositiveIntegerField(default=0)
    in_catalogue = models.BooleanField(
        default=True, help_text="False once a build no longer contains the song."
    )

    class Meta:
        indexes = [models.Index(fields=["-playlist_count"], name="song_popularity")]

    def __str__(self) -> str:
        return f"{self.artist} – {self.title}"

    def get_absolute_url(self) -> str:
        return song_url(self.pk)

    def get_artist_url(self) -> str:
        return artist_url(self.artist_norm)


class CatalogWord(models.Model):
    """A word of the current catalogue's normalised names (`Song.name_norm` split on spaces), with
    how many songs in the catalogue have it: what tells a search that no song can match before it
    reads any (`catalog.words`).

    PostgreSQL only, rewritten from the songs by each build's load (`catalog.services`); words
    longer than WORD_MAX_LENGTH are kept cut to that length (an index entry has a size limit).
    """

    # Django adds a varchar_pattern_ops index on PostgreSQL, which serves LIKE 'prefix%'; a
    # trigram index (migration 0004) serves LIKE '%part%' and similarity.
    word = models.CharField(max_length=WORD_MAX_LENGTH, primary_key=True)
    song_count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.word


class SongWord(models.Model):
    """A word of a catalogue song's name, with what ranking a search needs: the word → songs
    postings a word-start search reads instead of the songs (`catalog.postings`).

    Words are the runs of letters and digits of `Song.name_norm` ("guns n' roses" has "guns",
    "n" and "roses"), cut to WORD_MAX_LENGTH. `place` says whether the word starts the artist or
    the title (STARTS_NAME) and whether it is the whole artist or title (WHOLE_NAME): what the
    exact and prefix matches of a one-word search are.

    PostgreSQL only, rewritten from the songs by each build's load (`catalog.services`); its
    word index (migration 0005) holds every column, so a search reads index entries only.
    """

    STARTS_NAME = 1
    WHOLE_NAME = 2

    pk = models.CompositePrimaryKey("song_id", "word")
    # No foreign key constraint: songs are never deleted, and the load writes both tables.
    song = models.ForeignKey(
        Song, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    word = models.CharField(max_length=WORD_MAX_LENGTH)
    playlist_count = models.PositiveIntegerField()
    place = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.word} – {self.song_id}"
