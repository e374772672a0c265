-- Synthetic ticket history for scripts/bench-read-side.sh, generated in the database.
-- psql variables: inc (INC tickets), crq (CRQ tickets), inc_open, crq_open (open tickets).
-- Tickets arrive at a fixed rate (about a million INC in three years), so a bigger table is a
-- longer history: the newest inc_open / crq_open tickets are open, every older one is closed
-- 1–96 hours after it opened. A window of days therefore holds the same work at every size.
-- The typed columns are written directly (as the ingest does), so the row triggers skip.
SET client_min_messages = warning;
SET fleettickets.typed_columns = 'written';

INSERT INTO tickets.geo_clusters (cluster, geom, latitude, longitude, provider, verified)
SELECT 'C' || c, tickets.make_point(-1.5 + (c % 10) * 0.1, 36.5 + (c / 10) * 0.1),
       -1.5 + (c % 10) * 0.1, 36.5 + (c / 10) * 0.1, 'bench', true
  FROM generate_series(0, 59) c
ON CONFLICT DO NOTHING;

CREATE TEMP TABLE gen_spec (dataset text, n bigint, open_n bigint, per_day numeric);
INSERT INTO gen_spec VALUES ('inc', :inc, :inc_open, 913), ('crq', :crq, :crq_open, 91.3);

CREATE TEMP TABLE gen AS
SELECT s.dataset,
       upper(s.dataset) || lpad(g::text, 8, '0') AS ticket_id,
       g,
       g > s.n - s.open_n AS open,
       date_trunc('second', now() - ((s.n - g) * (86400 / s.per_day)) * interval '1 second') AS created,
       (g * 7919 % 96) + 1 AS hours_to_close,
       'C' || (g % 60) AS cluster
  FROM gen_spec s, generate_series(1, s.n) g;

CREATE TEMP TABLE gen_rows AS
SELECT x.*,
       CASE WHEN x.open THEN NULL
            ELSE least(x.created + x.hours_to_close * interval '1 hour', date_trunc('second', now()) - interval '1 minute') END AS closed,
       c.geom
  FROM gen x JOIN tickets.geo_clusters c ON c.cluster = x.cluster;

-- One statement per table (the table name cannot be a parameter).
INSERT INTO tickets.inc (ticket_id, raw, geom, geo_source, ingested_at, normalized_status, raw_status, bucket,
       is_actionable, cluster, region, location_name, assigned_team, owner, sla_status, created_at_service,
       closed_at, first_seen_at, last_seen_at, latitude, longitude, geog, mttr, change_key)
SELECT r.ticket_id,
       jsonb_build_object('ticket_id', r.ticket_id, 'normalized_status', CASE WHEN r.open THEN 'open' ELSE 'closed' END,
                          'raw_status', CASE WHEN r.open THEN 'Assigned' ELSE 'Resolved' END,
                          'is_actionable', CASE WHEN r.open THEN 'true' ELSE 'false' END,
                          'cluster', r.cluster, 'region', 'R' || (r.g % 7), 'location_name', 'L' || (r.g % 900),
                          'assigned_team', 'team' || (r.g % 25), 'owner', 'o' || (r.g % 200),
                          'sla_status', CASE WHEN r.open THEN '' WHEN r.hours_to_close <= 48 THEN 'Compliant' ELSE 'Breached' END,
                          'created_at_service', to_char(r.created AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD HH24:MI:SS'),
                          'closed_at', coalesce(to_char(r.closed AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD HH24:MI:SS'), ''),
                          'mttr', CASE WHEN r.open THEN '' ELSE r.hours_to_close::text END),
       r.geom, 'cluster', r.created,
       CASE WHEN r.open THEN 'open' ELSE 'closed' END, CASE WHEN r.open THEN 'Assigned' ELSE 'Resolved' END, NULL,
       r.open, r.cluster, 'R' || (r.g % 7), 'L' || (r.g % 900), 'team' || (r.g % 25), 'o' || (r.g % 200),
       CASE WHEN r.open THEN NULL WHEN r.hours_to_close <= 48 THEN 'Compliant' ELSE 'Breached' END,
       r.created, r.closed, r.created, coalesce(r.closed, r.created),
       ST_Y(r.geom), ST_X(r.geom), r.geom::geography,
       CASE WHEN r.open THEN NULL ELSE r.hours_to_close * 60 END, NULL
  FROM gen_rows r WHERE r.dataset = 'inc';

INSERT INTO tickets.crq (ticket_id, raw, geom, geo_source, ingested_at, normalized_status, raw_status, bucket,
       is_actionable, cluster, region, location_name, assigned_team, owner, sla_status, created_at_service,
       closed_at, first_seen_at, last_seen_at, latitude, longitude, geog, mttr, change_key)
SELECT r.ticket_id,
       jsonb_build_object('ticket_id', r.ticket_id, 'is_actionable', CASE WHEN r.open THEN 'true' ELSE 'false' END,
                          'cluster', r.cluster, 'assigned_team', 'team' || (r.g % 25),
                          'created_at_service', to_char(r.created AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD HH24:MI:SS'),
                          'closed_at', coalesce(to_char(r.closed AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD HH24:MI:SS'), '')),
       r.geom, 'cluster', r.created,
       CASE WHEN r.open THEN 'open' ELSE 'closed' END, NULL, NULL,
       r.open, r.cluster, 'R' || (r.g % 7), NULL, 'team' || (r.g % 25), NULL, NULL,
       r.created, r.closed, r.created, coalesce(r.closed, r.created),
       ST_Y(r.geom), ST_X(r.geom), r.geom::geography, NULL, NULL
  FROM gen_rows r WHERE r.dataset = 'crq';

