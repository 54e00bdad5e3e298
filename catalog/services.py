"""Writes to the catalogue: songs as a build's output names them, and the word tables search
reads."""

from collections.abc import Iterable

import pyarrow as pa
from django.db import connection, transaction

from catalog.bulk import bulk_load
from catalog.models import WORD_MAX_LENGTH, CatalogWord, Song, SongWord

# The columns a build's songs arrive with, the key first.
SONG_COLUMNS = ("key", "artist", "title", "artist_norm", "title_norm", "playlist_count")


def songs_upsert(batches: Iterable[pa.RecordBatch]) -> int:
    """Upsert every song of `batches` (SONG_COLUMNS) by key and mark the songs they lack as out
    of catalogue.

    Existing songs keep their primary key. Returns the number of songs in the batches.
    """
    song_table = Song._meta.db_table
    temporary = "incoming_song"
    assignments = ", ".join(f"{name} = excluded.{name}" for name in SONG_COLUMNS[1:])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temporary}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temporary} (key bigint PRIMARY KEY, artist text, "
            "title text, artist_norm text, title_norm text, playlist_count integer)"
        )
    loaded = bulk_load(temporary, SONG_COLUMNS, batches)
    columns = ", ".join(SONG_COLUMNS)
    with connection.cursor() as cursor:
        # "WHERE true" lets SQLite parse ON CONFLICT after INSERT … SELECT.
        cursor.execute(
            f"INSERT INTO {song_table} ({columns}, in_catalogue) "
            f"SELECT {columns}, true FROM {temporary} WHERE true "
            f"ON CONFLICT (key) DO UPDATE SET {assignments}, in_catalogue = true"
        )
        cursor.execute(
            f"UPDATE {song_table} SET in_catalogue = false WHERE in_catalogue "
            f"AND NOT EXISTS (SELECT 1 FROM {temporary} i WHERE i.key = {song_table}.key)"
        )
        cursor.execute(f"DROP TABLE {temporary}")
    catalog_words_refresh()
    song_words_refresh()
    return loaded


def catalog_words_refresh() -> None:
    """Make the word table (`CatalogWord`) hold the words of the songs in the catalogue, each
    with its song count: computed from `Song` in SQL, then only the rows that changed written,
    so that its indexes see little churn from one build to the next and searches meanwhile read
    the previous words. PostgreSQL only (elsewhere the table stays empty and searches do without
    it). Run it inside the transaction that changed the songs."""
    if connection.vendor != "postgresql":
        return
    song_table, word_table = Song._meta.db_table, CatalogWord._meta.db_table
    incoming = "incoming_word"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {incoming}")
        # A word twice in one name counts its song once.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {incoming} AS SELECT word, count(*) AS song_count "
            f"FROM {song_table} CROSS JOIN LATERAL (SELECT DISTINCT left(part, %s) AS word "
            "FROM unnest(string_to_array(name_norm, ' ')) AS part WHERE part <> '') AS words "
            "WHERE in_catalogue GROUP BY word",
            [WORD_MAX_LENGTH],
        )
        cursor.execute(
            f"DELETE FROM {word_table} AS known WHERE NOT EXISTS "
            f"(SELECT 1 FROM {incoming} WHERE {incoming}.word = known.word)"
        )
        cursor.execute(
            f"INSERT INTO {word_table} (word, song_count) SELECT word, song_count FROM {incoming} "
            f"ON CONFLICT (word) DO UPDATE SET song_count = excluded.song_count "
            f"WHERE {word_table}.song_count <> excluded.song_count"
        )
        cursor.execute(f"DROP TABLE {incoming}")
        cursor.execute(f"ANALYZE {word_table}")


# The words of each catalogue song as the postings hold them (`SongWord`): its name's runs of
# letters and digits, each with whether it starts the artist or the title (STARTS_NAME) and
# whether it is the whole of one (WHOLE_NAME).
SONG_WORDS_SQL = (
    "SELECT song.id AS song_id, words.word, song.playlist_count, words.place "
    f"FROM {Song._meta.db_table} AS song CROSS JOIN LATERAL ("
    f"SELECT left(part, {WORD_MAX_LENGTH}) AS word, bit_or(place)::smallint AS place FROM ("
    "SELECT part, 0 AS place FROM regexp_split_to_table(song.name_norm, '[^[:alnum:]]+') AS part "
    "UNION ALL SELECT substring(name FROM '^[[:alnum:]]+'), "
    f"CASE WHEN name ~ '^[[:alnum:]]+$' THEN {SongWord.STARTS_NAME | SongWord.WHOLE_NAME} "
    f"ELSE {SongWord.STARTS_NAME} END "
    "FROM (VALUES (song.artist_norm), (song.title_norm)) AS names (name)"
    f") AS parts WHERE part <> '' GROUP BY left(part, {WORD_MAX_LENGTH})) AS words "
    "WHERE song.in_catalogue"
)
# Memory for the two comparisons of millions of postings: hashed in memory rather than in
# batches on disk.
REFRESH_WORK_MEM = "512MB"


def song_words_refresh() -> None:
    """Make the postings (`SongWord`) hold the words of the songs in the catalogue, each with
    the song's playlist count: computed from `Song` in SQL, then only the rows that changed
    deleted and inserted, so that the word index sees little churn from one build to the next
    and searches meanwhile read the previous rows. PostgreSQL only (elsewhere the table stays
    empty and searches do without it). Run it inside the transaction that changed the songs;
    once that commits, the table is vacuumed, so that searches read its index alone."""
    if connection.vendor != "postgresql":
        return
    table, incoming = SongWord._meta.db_table, "incoming_song_word"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem')")
        (work_mem,) = cursor.fetchone()
        cursor.execute("SELECT set_config('work_mem', %s, true)", [REFRESH_WORK_MEM])
        cursor.execute(f"DROP TABLE IF EXISTS {incoming}")
        cursor.execute(f"CREATE TEMPORARY TABLE {incoming} AS {SONG_WORDS_SQL}")
        cursor.execute(f"ANALYZE {incoming}")
        cursor.execute(
            f"DELETE FROM {table} AS known WHERE NOT EXISTS (SELECT 1 FROM {incoming} AS new "
            "WHERE new.song_id = known.song_id AND new.word = known.word "
            "AND new.playlist_count = known.playlist_count AND new.place = known.place)"
        )
        cursor.execute(
            f"INSERT INTO {table} (song_id, word, playlist_count, place) "
            f"SELECT song_id, word, playlist_count, place FROM {incoming} AS new "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} AS known "
            "WHERE known.song_id = new.song_id AND known.word = new.word)"
        )
        cursor.execute(f"DROP TABLE {incoming}")
        cursor.execute(f"ANALYZE {table}")
        cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
    transaction.on_commit(_song_words_vacuum)


def _song_words_vacuum() -> None:
    # An index-only scan reads the table's pages too until VACUUM marks them all visible.
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {SongWord._meta.db_table}")
