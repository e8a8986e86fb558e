"""The "Communications" group: comms staff curate highlights in the admin area.

Permissions are normally created after all migrations ran; they are created
here first so that a fresh database gets the group complete. Reversing removes
the group (its members stay, without it).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Communications"
PERMISSIONS = [
    ("view", "highlight"),
    ("add", "highlight"),
    ("change", "highlight"),
    ("view", "highlightperson"),
    ("view", "consent"),
    ("view", "highlightevent"),
    ("view", "win"),
    ("view", "comment"),
]


def create_group(apps, schema_editor):
    app_config = apps.get_app_config("feed")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    codenames = [f"{action}_{model}" for action, model in PERMISSIONS]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="feed", codename__in=codenames)
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feed", "0005_highlights"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
