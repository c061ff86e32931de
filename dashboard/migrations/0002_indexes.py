"""Indexes the dashboard needs on the referrals tables (owned by the referrals app, so created here with SQL
that both SQLite and PostgreSQL understand): max(updated_at) answers from the index, so the data version that
keys the dashboard and public caches costs two index lookups instead of two table scans."""

from django.db import migrations

INDEXES = [
    ("dashboard_referral_updated", "referrals_referral", "updated_at"),
    ("dashboard_childcase_updated", "referrals_childcase", "updated_at"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, column in INDEXES
    ]
