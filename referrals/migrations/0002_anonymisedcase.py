"""AnonymisedCase moves here from the platform's privacy app: the model is taken into this app's state on the
table privacy 0001 created, then the table is renamed to this app's name."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("privacy", "0003_anonymisedcase_moves_to_referrals"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AnonymisedCase",
                    fields=[
                        (
                            "case",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="anonymisation",
                                serialize=False,
                                to="referrals.childcase",
                            ),
                        ),
                        ("anonymised_at", models.DateTimeField(auto_now_add=True, verbose_name="anonymised at")),
                        ("retention_days", models.PositiveIntegerField(verbose_name="retention period (days)")),
                    ],
                    options={
                        "verbose_name": "anonymised case",
                        "verbose_name_plural": "anonymised cases",
                        "db_table": "privacy_anonymisedcase",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="anonymisedcase", table=None),
    ]
