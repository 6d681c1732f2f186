"""Stored cards on public pages. Pages stored before have none: they count as
missing for the sweeper and `render_public_pages`, and until then their cards are
rendered from the database as before."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0023_search_documents"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicpage",
            name="cards",
            field=models.JSONField(default=dict, verbose_name="cards"),
        ),
    ]
