"""The audit trail is append-only at the database level, not only in Python."""

from django.db import migrations

CREATE = """
CREATE FUNCTION caseevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'case events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER caseevent_append_only
    BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION caseevent_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS caseevent_append_only ON cases_caseevent;
DROP FUNCTION IF EXISTS caseevent_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_engine")]

    operations = [migrations.RunSQL(CREATE, DROP)]
