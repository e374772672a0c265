-- Lever, upper bound: no per-row geometry trigger (geom stays NULL): what the row trigger costs.
DROP TRIGGER inc_resolve_geom ON tickets.inc;
