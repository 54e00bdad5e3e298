"""On PostgreSQL, make the neighbour table a list-partitioned table with a partition per build."""

from django.db import migrations

PARTITIONED_TABLE = """
CREATE TABLE recommendations_neighbour (
    build_id bigint NOT NULL,
    song_key bigint NOT NULL,
    neighbour_key bigint NOT NULL,
    similarity double precision NOT NULL,
    rank smallint NOT NULL CHECK (rank >= 0),
    PRIMARY KEY (build_id, song_key, rank)
) PARTITION BY LIST (build_id)
"""


def partition(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE recommendations_neighbour")
        schema_editor.execute(PARTITIONED_TABLE)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0001_initial")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop)]
