"""GIN indexes for full-text search on PostgreSQL (nothing on SQLite, where search is a substring scan).

Built from the same SearchVector expressions the search selector uses, so PostgreSQL can use them."""

from django.db import migrations


def _indexes():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return [
        ("post", GinIndex(SearchVector("body", config="simple"), name="forum_post_fts")),
        ("thread", GinIndex(SearchVector("title", config="simple"), name="forum_thread_fts")),
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in _indexes():
        schema_editor.add_index(apps.get_model("forums", model_name), index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in _indexes():
        schema_editor.remove_index(apps.get_model("forums", model_name), index)


class Migration(migrations.Migration):
    dependencies = [("forums", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
