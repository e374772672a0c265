-- Lever, upper bound: only the primary key (the six btree indexes and the GiST index dropped).
DROP INDEX tickets.inc_normalized_status_idx, tickets.inc_cluster_idx, tickets.inc_is_actionable_idx,
    tickets.inc_closed_at_idx, tickets.inc_created_at_service_idx, tickets.inc_assigned_team_idx, tickets.inc_geog_gist;
