"""The word table of the catalogue (`CatalogWord`): on PostgreSQL a GIN trigram index on its
words, and the words of the songs already loaded, so searches can rely on it before the next
build's load rewrites it. SQLite gets the empty table."""

from django.db import migrations, models

INDEX = "catalog_word_trgm"


def create_index_and_fill(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON catalog_catalogword USING gin (word gin_trgm_ops)"
    )
    schema_editor.execute(
        "INSERT INTO catalog_catalogword (word, song_count) SELECT word, count(*) "
        "FROM catalog_song CROSS JOIN LATERAL (SELECT DISTINCT left(part, 200) AS word "
        "FROM unnest(string_to_array(name_norm, ' ')) AS part WHERE part <> '') AS words "
        "WHERE in_catalogue GROUP BY word"
    )


def drop_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_name_words_index")]

    operations = [
        migrations.CreateModel(
            name="CatalogWord",
            fields=[
                ("word", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("song_count", models.PositiveIntegerField()),
            ],
        ),
        migrations.RunPython(create_index_and_fill, drop_index),
    ]
