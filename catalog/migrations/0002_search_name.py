"""Search over 2M songs: the normalised "artist title" as a stored column, and on PostgreSQL a
GIN trigram index on it (pg_trgm), which serves LIKE '%…%' and similarity (typo) matching.

CREATE EXTENSION needs a role allowed to create it (a superuser, or the database owner on
PostgreSQL 13+ since pg_trgm is a trusted extension). SQLite gets the column without the index.
"""

import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

INDEX = "song_name_trgm"


def create_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON catalog_song USING gin (name_norm gin_trgm_ops)"
        )


def drop_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="song",
            name="name_norm",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Concat(
                    "artist_norm", models.Value(" "), "title_norm"
                ),
                output_field=models.CharField(max_length=2001),
            ),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
