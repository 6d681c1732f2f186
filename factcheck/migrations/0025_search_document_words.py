import django.contrib.postgres.indexes
from django.db import migrations

import factcheck.models.factchecks

# The function SearchDocument's GIN indexes are built over (see DocumentWords):
# the vector itself, declared as costly as reading it out of line, so that the
# planner tests a row's vectors only where the index has not already answered.
# PL/pgSQL, because PostgreSQL inlines a one-line SQL function, and its cost with
# it.
WORDS = """
CREATE FUNCTION factcheck_searchdocument_words(vector tsvector) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 100 AS $$
BEGIN
    RETURN vector;
END $$;
"""

UNDO_WORDS = "DROP FUNCTION factcheck_searchdocument_words(tsvector);"

# The planner's statistics of the new expressions, so that it knows a common word
# from a rare one on the first search after the upgrade rather than after the
# next autovacuum.
ANALYZE = "ANALYZE factcheck_searchdocument;"


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0024_public_page_cards"),
    ]

    operations = [
        migrations.RunSQL(WORDS, UNDO_WORDS),
        migrations.RemoveIndex(
            model_name="searchdocument",
            name="searchdoc_claim_gin",
        ),
        migrations.RemoveIndex(
            model_name="searchdocument",
            name="searchdoc_factcheck_gin",
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                factcheck.models.factchecks.DocumentWords("claim_search"),
                name="searchdoc_claim_words_gin",
            ),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                factcheck.models.factchecks.DocumentWords("factcheck_search"),
                name="searchdoc_factcheck_words_gin",
            ),
        ),
        migrations.RunSQL(ANALYZE, migrations.RunSQL.noop),
    ]
