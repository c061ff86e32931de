"""History actions up to 32 characters: `consent_withdrawn` (issue 19.2) has 17; PostgreSQL refused it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0002_anonymisedcase'),
    ]

    operations = [
        migrations.AlterField(
            model_name='referralevent',
            name='action',
            field=models.CharField(max_length=32),
        ),
    ]
