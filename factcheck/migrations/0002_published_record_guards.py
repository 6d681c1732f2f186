"""Database guards behind the two editorial rules a bug could otherwise break.

1. A published fact-check is never deleted, and its publication date never moves.
2. Its headline, verdict, summary and body change only with a public Correction
   written in the same transaction (Correction.created_at defaults to the
   transaction's now(), which is what the trigger looks for).

Corrections themselves are permanent: no update, no delete.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION factcheck_guard_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.published_at IS NOT NULL THEN
            RAISE EXCEPTION 'A published fact-check is never deleted; retract it with a public note.'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.published_at IS NOT NULL THEN
        IF NEW.published_at IS DISTINCT FROM OLD.published_at THEN
            RAISE EXCEPTION 'The first publication date of a fact-check never changes.'
                USING ERRCODE = 'check_violation';
        END IF;
        IF (NEW.headline, NEW.rating_id, NEW.summary, NEW.body)
               IS DISTINCT FROM (OLD.headline, OLD.rating_id, OLD.summary, OLD.body)
           AND NOT EXISTS (
               SELECT 1 FROM factcheck_correction c
               WHERE c.factcheck_id = NEW.id AND c.created_at = now()
           ) THEN
            RAISE EXCEPTION 'A published headline, verdict, summary or body changes only with a public correction.'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER factcheck_guard_published
    BEFORE UPDATE OR DELETE ON factcheck_factcheck
    FOR EACH ROW EXECUTE FUNCTION factcheck_guard_published();

CREATE FUNCTION factcheck_correction_is_permanent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Corrections are public record: they are never edited or deleted.'
        USING ERRCODE = 'check_violation';
END $$;

CREATE TRIGGER factcheck_correction_is_permanent
    BEFORE UPDATE OR DELETE ON factcheck_correction
    FOR EACH ROW EXECUTE FUNCTION factcheck_correction_is_permanent();
"""

BACKWARD = r"""
DROP TRIGGER factcheck_correction_is_permanent ON factcheck_correction;
DROP FUNCTION factcheck_correction_is_permanent();
DROP TRIGGER factcheck_guard_published ON factcheck_factcheck;
DROP FUNCTION factcheck_guard_published();
"""


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
