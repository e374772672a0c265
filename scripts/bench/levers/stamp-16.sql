-- Lever: tickets.change_key_stamp as migration 16 wrote it (no month-length check): what 31's check costs.
CREATE OR REPLACE FUNCTION tickets.change_key_stamp(p_key text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN right(p_key, 23) COLLATE "C" LIKE '____-__-__T__-__-__.csv'
                 AND (length(p_key) = 23 OR substr(p_key, length(p_key) - 23, 1) = '/')
                 AND right(p_key, 23) ~ '^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3])-[0-5]\d-[0-5]\d\.csv$'
           THEN left(right(p_key, 23), 19) END
$$;
