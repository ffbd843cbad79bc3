"""Give existing databases the shipped `in_index` values.

0003 added `in_index` with default True, so a database migrated before the reference CSV said otherwise keeps the
rating and the composite (the two `in_index=false` rows of benchmarks/reference/benchmarks.csv) in the capability
index until `load_reference` runs without `--only-missing`. This sets them to False where they exist; other rows,
and databases without them, are left alone. Reverse: no-op (True was only the column's default, not a choice).
"""

from django.db import migrations

OUT_OF_INDEX = ("codeforces-elo", "aa-intelligence-index")  # a rating; a composite of other benchmarks


def leave_ratings_and_composites_out(apps, schema_editor):
    Benchmark = apps.get_model("benchmarks", "Benchmark")
    changed = Benchmark.objects.filter(slug__in=OUT_OF_INDEX, in_index=True).update(in_index=False)
    if changed:
        # update() sends no signal: bump the registry's data version as the bulk-writing services do, so no cached
        # index fitted with these benchmarks is served after the migration.
        from models_registry.cache_version import registry_data_changed

        registry_data_changed()


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarks", "0003_benchmark_in_index"),
    ]

    operations = [
        migrations.RunPython(leave_ratings_and_composites_out, migrations.RunPython.noop),
    ]
