#!/usr/bin/env bash
# Drains both datasets once, for a plain host with cron (or a scheduled task in the image,
# where it is /app/run_ingest.sh). Every 20 minutes, 06:00-20:40 EAT; Debian's cron uses the
# host's time zone (it has no CRON_TZ), so on a host whose clock is UTC:
#
#   */20 3-17 * * *  /opt/fleettickets/run_ingest.sh >> /var/log/fleettickets/ingest.log 2>&1
#
# (on a host set to Africa/Nairobi, or with cronie's CRON_TZ=Africa/Nairobi: */20 6-20 * * *).
# docs/operations.md, "Deployment: cron on a plain host", has the alert line to go with it.
#
# Reads .env beside this script (DATABASE_URL, RUSTFS_*, TICKETS_BUCKET, GEOCODER_*). Each
# dataset runs even if the other fails; the exit status is the worst of the two (0 when both
# succeeded or had nothing to do, 1 dependency, 2 configuration, 3 data).
set -uo pipefail
cd "$(dirname "$0")"
bin="${FLEETTICKETS_BIN:-fleettickets}"
worst=0
for dataset in inc crq; do
    "$bin" ingest "$dataset" --from-bucket --apply --env-file .env
    status=$?
    if [ "$status" -gt "$worst" ]; then worst=$status; fi
done
exit "$worst"
