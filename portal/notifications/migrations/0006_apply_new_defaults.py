"""The new defaults for the people already there (issue 13): the "still unread" reminder on (in working
time: 1 hour, 4 hours, 1 day replace 30 minutes, 1 hour, 4 hours, 1 day; "never" becomes the new default of
4 working hours, as it was the old default rather than a choice), and the account e-mail addresses Pelita
already e-mailed counted as verified (new or changed addresses are verified by a signed link)."""

from django.db import migrations
from django.utils import timezone

REMIND = {0: 240, 30: 60, 60: 60, 240: 240, 1440: 480}


def forwards(apps, schema_editor):
    Settings = apps.get_model("notifications", "NotificationSettings")
    for old, new in REMIND.items():
        if old != new:
            Settings.objects.filter(unread_email_after=old).update(unread_email_after=new)
    User = apps.get_model("people", "User")
    ContactPoint = apps.get_model("notifications", "ContactPoint")
    now = timezone.now()
    have = set(ContactPoint.objects.filter(channel="email").values_list("user_id", flat=True))
    ContactPoint.objects.bulk_create(
        [
            ContactPoint(user_id=pk, channel="email", address=email, verified_at=now)
            for pk, email in User.objects.exclude(email="").values_list("pk", "email")
            if pk not in have
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_channels_deliveries_defaults"), ("people", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
