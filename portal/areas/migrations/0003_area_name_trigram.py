"""Area search by name (`icontains`) on PostgreSQL: a trigram GIN index on UPPER(name), the expression Django's
icontains compares, so '%jago%' no longer scans 91,592 rows. Needs the pg_trgm extension: if the database user
may not create it, the index is left out (search still works, only slower). Nothing on SQLite."""

import logging

from django.db import migrations, transaction

logger = logging.getLogger("pelita.migrations")

INDEX = "areas_area_name_upper_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:
        logger.warning("pg_trgm is not available: area name search stays unindexed")
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON areas_area USING gin ((UPPER(name::text)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("areas", "0002_initial")]
    operations = [migrations.RunPython(create, drop)]
