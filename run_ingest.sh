#!/usr/bin/env bash
# Drains both datasets once, for a plain host with cron:
#
#   CRON_TZ=Africa/Nairobi
#   */20 6-20 * * *  /opt/fleettickets/run_ingest.sh >> /var/log/fleettickets.log 2>&1
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
