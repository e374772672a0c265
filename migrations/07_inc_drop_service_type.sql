-- 07_inc_drop_service_type.sql
-- service_type is constant per stream ('inc'); it stays in raw.

ALTER TABLE tickets.inc DROP COLUMN service_type;
