"""A topic is one record with a name per language (it was one tag per language).

Each tag's name moves to name_ar when it is written in Arabic letters, to name_en
otherwise. Then the pairs the demo newsroom created in both languages are merged:
the English tag keeps its address and takes the Arabic name, the Arabic tag's
claims move to it, and the Arabic tag goes. Only pairs named below are merged,
and only when both exist with the names the demo gave them: which other tags mean
the same thing is an editor's call, made in the admin, not a guess made here.
"""

import re

from django.db import migrations, models

import factcheck.fields

ARABIC_LETTERS = re.compile("[\u0600-\u06ff]")

# (English slug, English name, Arabic slug, Arabic name), as factcheck/demo_data.py
# created them.
DEMO_PAIRS = [
    ("icc", "ICC", "المحكمة-الجنائية-الدولية", "المحكمة الجنائية الدولية"),
    ("turkey", "Turkey", "تركيا", "تركيا"),
    ("russia", "Russia", "روسيا", "روسيا"),
    ("ukraine-war", "Ukraine war", "الحرب-في-أوكرانيا", "الحرب في أوكرانيا"),
]


def split_names(apps, schema_editor):
    Tag = apps.get_model("factcheck", "Tag")
    for tag in Tag.objects.all():
        if ARABIC_LETTERS.search(tag.name):
            tag.name_ar = tag.name
        else:
            tag.name_en = tag.name
        tag.save(update_fields=["name_en", "name_ar"])


def merge_demo_pairs(apps, schema_editor):
    Tag = apps.get_model("factcheck", "Tag")
    Tagged = apps.get_model("factcheck", "Claim").tags.through
    for en_slug, en_name, ar_slug, ar_name in DEMO_PAIRS:
        english = Tag.objects.filter(slug=en_slug, name_en=en_name).first()
        arabic = Tag.objects.filter(slug=ar_slug, name_ar=ar_name, name_en="").first()
        if english is None or arabic is None or english.name_ar:
            continue
        already = Tagged.objects.filter(tag=english).values("claim_id")
        # A claim carrying both keeps one link; the others move over.
        Tagged.objects.filter(tag=arabic).exclude(claim_id__in=already).update(
            tag=english
        )
        Tagged.objects.filter(tag=arabic).delete()
        arabic.delete()
        english.name_ar = ar_name
        english.save(update_fields=["name_ar"])


def join_names(apps, schema_editor):
    """Back to one name per tag (merged topics keep their English name)."""
    Tag = apps.get_model("factcheck", "Tag")
    for tag in Tag.objects.all():
        tag.name = tag.name_en or tag.name_ar
        tag.save(update_fields=["name"])


class Migration(migrations.Migration):
    # The data steps each commit before the table is altered: PostgreSQL refuses
    # to alter a table with deferred foreign-key checks still pending on it.
    atomic = False

    dependencies = [
        ("factcheck", "0017_translations"),
    ]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="name_en",
            field=factcheck.fields.CleanCharField(
                blank=True, max_length=80, verbose_name="name (English)"
            ),
        ),
        migrations.AddField(
            model_name="tag",
            name="name_ar",
            field=factcheck.fields.CleanCharField(
                blank=True, max_length=80, verbose_name="name (Arabic)"
            ),
        ),
        # Not unique while the names move, so that going back can refill it.
        migrations.AlterField(
            model_name="tag",
            name="name",
            field=factcheck.fields.CleanCharField(
                blank=True, max_length=80, verbose_name="name"
            ),
        ),
        migrations.RunPython(split_names, join_names, atomic=True),
        migrations.RunPython(merge_demo_pairs, migrations.RunPython.noop, atomic=True),
        migrations.RemoveConstraint(
            model_name="tag",
            name="tag_name_no_bidi_controls",
        ),
        migrations.RemoveField(
            model_name="tag",
            name="name",
        ),
        migrations.AlterModelOptions(
            name="tag",
            options={
                "ordering": ["name_en", "name_ar"],
                "verbose_name": "topic",
                "verbose_name_plural": "topics",
            },
        ),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("name_en", ""), _negated=True),
                    models.Q(("name_ar", ""), _negated=True),
                    _connector="OR",
                ),
                name="tag_has_a_name",
            ),
        ),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.UniqueConstraint(
                condition=models.Q(("name_en", ""), _negated=True),
                fields=("name_en",),
                name="tag_name_en_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.UniqueConstraint(
                condition=models.Q(("name_ar", ""), _negated=True),
                fields=("name_ar",),
                name="tag_name_ar_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("name_en__regex", "[\u202a-\u202e\u2066-\u2069]"), _negated=True
                ),
                name="tag_name_en_no_bidi_controls",
            ),
        ),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("name_ar__regex", "[\u202a-\u202e\u2066-\u2069]"), _negated=True
                ),
                name="tag_name_ar_no_bidi_controls",
            ),
        ),
    ]
