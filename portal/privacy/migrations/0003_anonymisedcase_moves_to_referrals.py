"""AnonymisedCase belongs to the referrals app (the case privacy operations moved there with it). The table is
kept and handed over: this removes the model from this app's state only; referrals 0002 takes it up."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_audit_append_only"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AnonymisedCase")],
            database_operations=[],
        ),
    ]
