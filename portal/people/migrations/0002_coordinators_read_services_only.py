"""The service catalogue is changed by superusers only: coordinators of an existing install lose the add, change
and delete permissions on services they were given (they keep reading it)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Coordinators").first()
    if group is None:
        return
    writes = Permission.objects.filter(
        content_type__app_label="agencies",
        content_type__model="service",
        codename__regex=r"^(add|change|delete)_",
    )
    group.permissions.remove(*writes)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("agencies", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
