"""The postings of the catalogue's words (`SongWord`): on PostgreSQL an index on the words with
every column, which a word-prefix range reads alone (no table pages), and the postings of the
songs already loaded, so searches can rely on them before the next build's load rewrites them.
SQLite gets the empty table."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "catalog_songword_prefix"


def create_index_and_fill(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "INSERT INTO catalog_songword (song_id, word, playlist_count, place) "
        "SELECT song.id, words.word, song.playlist_count, words.place "
        "FROM catalog_song AS song CROSS JOIN LATERAL ("
        "SELECT left(part, 200) AS word, bit_or(place)::smallint AS place FROM ("
        "SELECT part, 0 AS place FROM regexp_split_to_table(song.name_norm, '[^[:alnum:]]+') "
        "AS part UNION ALL SELECT substring(name FROM '^[[:alnum:]]+'), "
        "CASE WHEN name ~ '^[[:alnum:]]+$' THEN 3 ELSE 1 END "
        "FROM (VALUES (song.artist_norm), (song.title_norm)) AS names (name)"
        ") AS parts WHERE part <> '' GROUP BY left(part, 200)) AS words "
        "WHERE song.in_catalogue"
    )
    # varchar_pattern_ops: a range of words by prefix (LIKE 'prefix%') whatever the collation.
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON catalog_songword "
        "(word varchar_pattern_ops, playlist_count DESC, song_id) INCLUDE (place)"
    )
    schema_editor.execute("ANALYZE catalog_songword")


def drop_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_catalog_words")]

    operations = [
        migrations.CreateModel(
            name="SongWord",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "song_id",
                        "word",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("word", models.CharField(max_length=200)),
                ("playlist_count", models.PositiveIntegerField()),
                ("place", models.PositiveSmallIntegerField(default=0)),
                (
                    "song",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalog.song",
                    ),
                ),
            ],
        ),
        migrations.RunPython(create_index_and_fill, drop_index),
    ]
