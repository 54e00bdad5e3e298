"""A full-text GIN index on the words of `name_norm` (PostgreSQL): searches that match word
starts ('simon':* & 'garf':*) read a few short posting lists instead of the trigram index's
long ones. SQLite gets nothing."""

from django.db import migrations

INDEX = "song_name_words"


def create_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON catalog_song USING gin (to_tsvector('simple', name_norm))"
        )


def drop_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_name")]

    operations = [migrations.RunPython(create_index, drop_index)]
