"""The published record's claim, appearances and sources, guarded like its verdict;
and events about more than claims.

1. A published or retracted claim's text, claimant, date and language, and the
   rows of its appearances and sources, change only in a transaction that also
   writes a public Correction of its fact-check (as 0002 does for the verdict:
   Correction.created_at is the transaction's now()). The columns background
   work keeps up to date (a source's link status and archive dates) are not the
   record and are left to it.
2. An Event may be about a thing other than a claim (reference data, API keys,
   deliveries): a nullable claim and a generic subject.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import factcheck.fields

GUARDS = r"""
CREATE FUNCTION factcheck_is_public_record(claim bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM factcheck_claim
        WHERE id = claim AND status IN ('published', 'retracted')
    )
$$;

CREATE FUNCTION factcheck_corrected_now(claim bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM factcheck_correction c
        JOIN factcheck_factcheck f ON f.id = c.factcheck_id
        WHERE f.claim_id = claim AND c.created_at = now()
    )
$$;

CREATE FUNCTION factcheck_guard_published_claim() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.text, NEW.claimant_id, NEW.claimed_on, NEW.language)
           IS DISTINCT FROM (OLD.text, OLD.claimant_id, OLD.claimed_on, OLD.language)
       AND NOT factcheck_corrected_now(OLD.id) THEN
        RAISE EXCEPTION 'The claim of a published fact-check changes only with a public correction.'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER factcheck_guard_published_claim
    BEFORE UPDATE ON factcheck_claim
    FOR EACH ROW WHEN (OLD.status IN ('published', 'retracted'))
    EXECUTE FUNCTION factcheck_guard_published_claim();

-- For appearances and sources. The trigger's arguments name the columns that
-- are not the record (kept up to date by background work).
CREATE FUNCTION factcheck_guard_published_part() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    not_record text[] := COALESCE(TG_ARGV, '{}');
BEGIN
    IF TG_OP = 'UPDATE'
       AND to_jsonb(NEW) - not_record = to_jsonb(OLD) - not_record THEN
        RETURN NEW;
    END IF;
    IF (TG_OP <> 'INSERT' AND factcheck_is_public_record(OLD.claim_id)
            AND NOT factcheck_corrected_now(OLD.claim_id))
       OR (TG_OP <> 'DELETE' AND factcheck_is_public_record(NEW.claim_id)
            AND NOT factcheck_corrected_now(NEW.claim_id)) THEN
        RAISE EXCEPTION 'The appearances and sources of a published fact-check change only with a public correction.'
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER factcheck_guard_published_appearance
    BEFORE INSERT OR UPDATE OR DELETE ON factcheck_appearance
    FOR EACH ROW EXECUTE FUNCTION factcheck_guard_published_part();

CREATE TRIGGER factcheck_guard_published_source
    BEFORE INSERT OR UPDATE OR DELETE ON factcheck_source
    FOR EACH ROW EXECUTE FUNCTION factcheck_guard_published_part(
        'link_status', 'link_status_since', 'archived_at', 'checked_at', 'added_by_id'
    );
"""

DROP_GUARDS = r"""
DROP TRIGGER factcheck_guard_published_source ON factcheck_source;
DROP TRIGGER factcheck_guard_published_appearance ON factcheck_appearance;
DROP FUNCTION factcheck_guard_published_part();
DROP TRIGGER factcheck_guard_published_claim ON factcheck_claim;
DROP FUNCTION factcheck_guard_published_claim();
DROP FUNCTION factcheck_corrected_now(bigint);
DROP FUNCTION factcheck_is_public_record(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("factcheck", "0011_text_max_lengths"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="event",
            name="transition_event_has_statuses",
        ),
        migrations.AddField(
            model_name="event",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="event",
            name="subject_name",
            field=factcheck.fields.CleanCharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="event",
            name="subject_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="claim",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="factcheck.claim",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="kind",
            field=models.CharField(
                choices=[
                    ("create", "Created"),
                    ("transition", "Status change"),
                    ("edit", "Edit"),
                    ("assign", "Assignment"),
                    ("correction", "Correction"),
                    ("delete", "Removed"),
                    ("revoke", "Revoked"),
                    ("rearchive", "Re-archive asked for"),
                    ("redeliver", "Sent again"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("subject_type__isnull", False)),
                fields=["subject_type", "subject_id", "-created_at"],
                name="event_subject_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "transition"), _negated=True),
                    models.Q(
                        models.Q(("from_status", ""), _negated=True),
                        models.Q(("to_status", ""), _negated=True),
                        ("claim__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="transition_event_has_statuses",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("claim__isnull", False),
                    models.Q(
                        ("subject_id__isnull", False), ("subject_type__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="event_is_about_something",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("subject_id__isnull", True), ("subject_type__isnull", True)
                    ),
                    models.Q(
                        ("subject_id__isnull", False), ("subject_type__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="event_subject_complete",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("subject_name__regex", "[\u202a-\u202e\u2066-\u2069]"),
                    _negated=True,
                ),
                name="event_subject_name_no_bidi_controls",
            ),
        ),
        migrations.RunSQL(GUARDS, DROP_GUARDS),
    ]
