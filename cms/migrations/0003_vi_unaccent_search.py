"""The text search configuration the FAQ search uses (`WAGTAILSEARCH_BACKENDS`: SEARCH_CONFIG "vi_unaccent").

It lives in the public schema beside the `unaccent` extension (docs/ARCHITECTURE: no extension
objects inside a province's schema), so this runs once per province but creates it only once.
"simple" with `unaccent` in front: no stemming, which Vietnamese does not have, and "tiêm vắc-xin"
indexed as "tiem", "vac", "xin" (the parser splits a hyphenated word into its parts, which are
mapped too). A server without the extension (the embedded PostgreSQL of development) gets a plain
copy of "simple"; the FAQ pages also index their text without diacritics, so search behaves the same.
"""

from django.db import migrations

CREATE = """
DO $$
BEGIN
    -- Provinces may migrate in parallel (migrate_schemas' parallel executor): one creates, the rest wait.
    PERFORM pg_advisory_xact_lock(hashtext('cms.vi_unaccent'));
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent') THEN
        CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
        WHERE c.cfgname = 'vi_unaccent' AND n.nspname = 'public'
    ) THEN
        CREATE TEXT SEARCH CONFIGURATION public.vi_unaccent (COPY = pg_catalog.simple);
    END IF;
    -- Also on a later run, once the server has the extension; altering a mapping again changes nothing.
    IF EXISTS (
        SELECT 1 FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace
        WHERE d.dictname = 'unaccent' AND n.nspname = 'public'
    ) THEN
        ALTER TEXT SEARCH CONFIGURATION public.vi_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.simple;
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("cms", "0002_faq")]

    # Left in place on the way back: other provinces' indexes still use it.
    operations = [migrations.RunSQL(CREATE, reverse_sql=migrations.RunSQL.noop)]
