"""What each role may see and do with archives, link checks and webhooks."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ARCHIVES = ["view_sourcearchive", "view_archivejob"]
ADDED = {
    "Fact-checkers": ARCHIVES,
    "Editors": [
        *ARCHIVES,
        "view_subscriber",
        "view_delivery",
        "view_deliveryattempt",
    ],
    "Administrators": [
        *ARCHIVES,
        "view_source",
        "view_subscriber",
        "add_subscriber",
        "change_subscriber",
        "delete_subscriber",
        "view_delivery",
        "change_delivery",
        "view_deliveryattempt",
    ],
}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        codename__in=codenames, content_type__app_label="factcheck"
    )
    missing = set(codenames) - set(perms.values_list("codename", flat=True))
    assert not missing, f"unknown permissions: {missing}"
    return perms


def add_permissions(apps, schema_editor):
    # Permissions are normally created after migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codenames in ADDED.items():
        Group.objects.get(name=name).permissions.add(*_permissions(apps, codenames))


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in ADDED.items():
        Group.objects.get(name=name).permissions.remove(*_permissions(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0005_background_jobs")]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
