"""The clock's record (PeriodicJob), and who may look at it: editors and
administrators, like the deliveries."""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

VIEWERS = ["Editors", "Administrators"]


def _view_permission(apps):
    # Permissions are normally created after migrations; the groups need this now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(
        codename="view_periodicjob", content_type__app_label="factcheck"
    )


def add_permission(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permission = _view_permission(apps)
    for name in VIEWERS:
        Group.objects.get(name=name).permissions.add(permission)


def remove_permission(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permission = _view_permission(apps)
    for name in VIEWERS:
        Group.objects.get(name=name).permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0009_subscriber_address_rule")]

    operations = [
        migrations.CreateModel(
            name="PeriodicJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "name",
                    models.CharField(max_length=100, unique=True, verbose_name="job"),
                ),
                ("task", models.CharField(max_length=200, verbose_name="task")),
                (
                    "since",
                    models.DateTimeField(verbose_name="in beat's schedule since"),
                ),
                (
                    "last_sent_at",
                    models.DateTimeField(null=True, verbose_name="last sent by beat"),
                ),
                (
                    "last_run_at",
                    models.DateTimeField(
                        null=True, verbose_name="last run by a worker"
                    ),
                ),
            ],
            options={
                "verbose_name": "periodic job",
                "verbose_name_plural": "periodic jobs (the clock)",
                "ordering": ["name"],
            },
        ),
        migrations.RunPython(add_permission, remove_permission),
    ]
