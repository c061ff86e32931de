from django.db import migrations


def install(apps, schema_editor):
    from portal.privacy.appendonly import install as install_guard

    install_guard(schema_editor.connection)


def remove(apps, schema_editor):
    from portal.privacy.appendonly import remove as remove_guard

    remove_guard(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("audit", "0002_initial"),
    ]

    operations = [migrations.RunPython(install, remove)]
