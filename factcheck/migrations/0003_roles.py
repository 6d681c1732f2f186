"""The newsroom's roles as groups with exact permissions. Never edited by hand."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FACT_CHECKER = [
    "view_outlet",
    "add_outlet",
    "change_outlet",
    "view_article",
    "add_article",
    "change_article",
    "view_claimant",
    "add_claimant",
    "change_claimant",
    "view_tag",
    "add_tag",
    "view_claim",
    "add_claim",
    "change_claim",
    "research_claim",
    "view_appearance",
    "add_appearance",
    "change_appearance",
    "delete_appearance",
    "view_source",
    "add_source",
    "change_source",
    "delete_source",
    "view_factcheck",
    "change_factcheck",
    "view_rating",
    "view_correction",
    "view_event",
]
EDITOR = [
    *FACT_CHECKER,
    "change_tag",
    "triage_claim",
    "approve_factcheck",
    "publish_factcheck",
    "correct_factcheck",
    "retract_factcheck",
    "add_correction",
]
ADMINISTRATOR = [
    "view_user",
    "add_user",
    "change_user",
    "view_group",
    "view_rating",
    "add_rating",
    "change_rating",
    "view_outlet",
    "add_outlet",
    "change_outlet",
    "delete_outlet",
    "view_tag",
    "add_tag",
    "change_tag",
    "delete_tag",
    "view_claimant",
    "change_claimant",
    "view_event",
    "view_apitoken",
    "add_apitoken",
    "change_apitoken",
]
ROLES = {
    "Fact-checkers": FACT_CHECKER,
    "Editors": EDITOR,
    "Administrators": ADMINISTRATOR,
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    assign_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def assign_roles(Group, Permission):
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(
            codename__in=codenames, content_type__app_label__in=["factcheck", "auth"]
        )
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        assert not missing, f"unknown permissions for {name}: {missing}"
        group.permissions.set(perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0002_published_record_guards"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
