-- Lever, upper bound: the 18 columns computed from raw alone stop being generated (values
-- kept, no rewrite), so the drain's writes skip their expressions. The drain as it stands
-- does not write them (they stay NULL): this measures what computing them costs the server,
-- not yet what writing them from the client costs.
ALTER TABLE tickets.inc
    ALTER COLUMN normalized_status DROP EXPRESSION, ALTER COLUMN raw_status DROP EXPRESSION,
    ALTER COLUMN bucket DROP EXPRESSION, ALTER COLUMN is_actionable DROP EXPRESSION,
    ALTER COLUMN cluster DROP EXPRESSION, ALTER COLUMN region DROP EXPRESSION,
    ALTER COLUMN location_name DROP EXPRESSION, ALTER COLUMN assigned_team DROP EXPRESSION,
    ALTER COLUMN owner DROP EXPRESSION, ALTER COLUMN sla_status DROP EXPRESSION,
    ALTER COLUMN created_at_service DROP EXPRESSION, ALTER COLUMN scheduled_at DROP EXPRESSION,
    ALTER COLUMN closed_at DROP EXPRESSION, ALTER COLUMN first_seen_at DROP EXPRESSION,
    ALTER COLUMN last_seen_at DROP EXPRESSION, ALTER COLUMN source_created_at DROP EXPRESSION,
    ALTER COLUMN source_updated_at DROP EXPRESSION, ALTER COLUMN mttr DROP EXPRESSION;
