-- 16_ticket_version_guard.sql
-- Newer state always wins. Each ticket row remembers the key of the change file that last
-- wrote it (change_key); the ingest never lets a row from an older file replace it, however
-- the older file arrives (a late file applied with --include-late, a loose --csv file, a
-- retried file). Rows written before this migration have no key and stay replaceable.
--
-- ADD COLUMN of a nullable column without a default only touches the catalog: no table
-- rewrite, no scan, so it is instant on a populated table (it still takes a brief ACCESS
-- EXCLUSIVE lock, like any ALTER TABLE).

ALTER TABLE tickets.inc ADD COLUMN IF NOT EXISTS change_key text;
ALTER TABLE tickets.crq ADD COLUMN IF NOT EXISTS change_key text;
COMMENT ON COLUMN tickets.inc.change_key IS 'key (or loose file path) of the change file that last wrote raw; NULL = written before the version guard';
COMMENT ON COLUMN tickets.crq.change_key IS 'key (or loose file path) of the change file that last wrote raw; NULL = written before the version guard';

-- The export stamp a change key's name carries ('…/YYYY-MM-DDTHH-MM-SS.csv', EAT), or NULL
-- when the name carries none. Same rule as the ingest's ChangeKey (field ranges included),
-- so the database and the in-memory store order keys alike. Fixed-width stamps order
-- correctly as text. Written to be inlined into the apply's statements (not STRICT, one
-- expression) and cheap per row: a LIKE on the last 23 characters turns away most other
-- names before the regular expression, which only ever sees those 23 characters.
CREATE OR REPLACE FUNCTION tickets.change_key_stamp(p_key text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN right(p_key, 23) COLLATE "C" LIKE '____-__-__T__-__-__.csv'
                 AND (length(p_key) = 23 OR substr(p_key, length(p_key) - 23, 1) = '/')
                 AND right(p_key, 23) ~ '^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3])-[0-5]\d-[0-5]\d\.csv$'
           THEN left(right(p_key, 23), 19) END
$$;
COMMENT ON FUNCTION tickets.change_key_stamp(text) IS 'export stamp (YYYY-MM-DDTHH-MM-SS, EAT) in a change key''s file name, or NULL';

-- Whether a row written by p_stored_key is newer than a file stamped p_stamp, i.e. the
-- file must not replace it. Never NULL. A stored key without a stamp (NULL, or a loose file
-- named without one) is the oldest version; a file without a stamp (p_stamp NULL) is older
-- than any stamped row. Equal stamps are the same export: the file may write.
CREATE OR REPLACE FUNCTION tickets.change_key_is_newer(p_stored_key text, p_stamp text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(tickets.change_key_stamp(p_stored_key) COLLATE "C" > coalesce(p_stamp, '') COLLATE "C", false)
$$;
COMMENT ON FUNCTION tickets.change_key_is_newer(text, text) IS 'true when a ticket written by the first key must not be replaced by a file stamped with the second (per-ticket version guard)';

-- What each file's refused rows were, next to its other counts (a constant default is also
-- catalog-only: no rewrite of the ledger).
ALTER TABLE tickets.ingest_ledger ADD COLUMN IF NOT EXISTS stale integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN tickets.ingest_ledger.stale IS 'rows the version guard refused: a newer file had already written those tickets';
