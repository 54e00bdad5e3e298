"""Bulk writes of Arrow record batches into a table.

PostgreSQL gets COPY (streamed record batch by record batch, never row-by-row inserts); other
databases (SQLite in the quick start) get batched inserts. In the lowest layer, so that every
app above it (and the catalogue's own song upsert) can load in bulk.
"""

import io
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.csv
from django.db import connection


def _copy(cursor, table: str, columns: tuple[str, ...], batch: pa.RecordBatch) -> None:
    buffer = io.BytesIO()
    pyarrow.csv.write_csv(
        batch, buffer, pyarrow.csv.WriteOptions(include_header=False, quoting_style="needed")
    )
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer)


def _insert(cursor, table: str, columns: tuple[str, ...], batch: pa.RecordBatch) -> None:
    placeholders = ", ".join(["%s"] * len(columns))
    rows = zip(*(batch.column(name).to_pylist() for name in columns), strict=True)
    cursor.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", list(rows)
    )


def bulk_load(table: str, columns: tuple[str, ...], batches: Iterable[pa.RecordBatch]) -> int:
    """Write every batch's `columns` into `table`; returns the number of rows written."""
    write = _copy if connection.vendor == "postgresql" else _insert
    loaded = 0
    with connection.cursor() as cursor:
        for batch in batches:
            write(cursor, table, columns, batch)
            loaded += batch.num_rows
    return loaded
