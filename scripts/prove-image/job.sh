# The binary's whole job, run in the image by scripts/prove-image.sh (sourced, not run) once
# the image is built: needs the runner's `image`, `worker_*` functions and SIM_HOST,
# IMAGE_CMD[], IMAGE_HEALTHCHECK[] (podman.sh or rootfs.sh).

step "local PostGIS and S3 servers"
if ! "$REPO/scripts/local-postgis.sh" status >/dev/null 2>&1; then STARTED+=(postgis); fi
pg_url="$("$REPO/scripts/local-postgis.sh" start | tail -n 1)"
if ! "$REPO/scripts/local-s3.sh" status >/dev/null 2>&1; then STARTED+=(s3); fi
S3_URL="$("$REPO/scripts/local-s3.sh" start | tail -n 1)"
admin_url="${pg_url%/*}/postgres"
psql "$admin_url" -Xq -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME" >&2
DB_URL="${pg_url%/*}/$DB_NAME"
python3 "$HERE/s3.py" "$S3_URL" fresh "$BUCKET"
say "database $DB_URL (new), bucket $BUCKET at $S3_URL (emptied)"
pass
sql() { psql "$DB_URL" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
s3_count() { python3 "$HERE/s3.py" "$S3_URL" count "$BUCKET" "$1"; }

# What a deployment passes (docker run -e / --env-file); the local S3 takes any credentials.
DEPLOY_ENV=(DATABASE_URL="$DB_URL" RUSTFS_ENDPOINT="$S3_URL" RUSTFS_ACCESS_KEY=prove-image
            RUSTFS_SECRET_KEY=prove-image TICKETS_BUCKET="$BUCKET" GEOCODER_PROVIDER=gazetteer)

# Runs a command in the image with its output kept in a log, of which the last lines are
# shown; all of it when the command fails.
LOGS="$CACHE/logs"
rm -rf "$LOGS" && mkdir -p "$LOGS"
image_logged() {
    local log
    log="$LOGS/$(printf '%02d' "$(find "$LOGS" -type f | wc -l)")-$(basename "${2:-$1}" | tr -c 'a-z' '-' | cut -c1-24).log"
    say "\$ $*"
    if ! image "$@" >"$log" 2>&1; then
        sed 's/^/    | /' "$log" >&2
        die "'$*' failed in the image (log $log)"
    fi
    tail -n 6 "$log" | sed 's/^/    | /' >&2
    say "(output: $log)"
}

step "in the image: fleettickets simulate (a stream to upload)"
image_logged fleettickets simulate --out /tmp/sim --tickets 300 --days 1
SIM="$SIM_HOST/automations"
inc_files="$(find "$SIM/inc" -type f | wc -l)" crq_files="$(find "$SIM/crq" -type f | wc -l)"
expect_at_least "inc files" "$inc_files" 2
pass "$inc_files inc + $crq_files crq files"

step "in the image: fleettickets migrate"
image_logged fleettickets migrate
expect_equal "migrations recorded" "$(sql 'SELECT count(*) FROM tickets.schema_migrations')" \
    "$(find "$CONTEXT/migrations" -name '*.sql' | wc -l)"
pass

step "in the image: fleettickets ingest inc --from-bucket --apply"
say "uploaded $(python3 "$HERE/s3.py" "$S3_URL" upload "$BUCKET" "$SIM/inc" automations/inc) inc files"
image_logged fleettickets ingest inc --from-bucket --apply
expect_at_least "tickets.inc rows" "$(sql 'SELECT count(*) FROM tickets.inc')" 1
expect_equal "inc files left in changes/" "$(s3_count automations/inc/changes/)" 0
expect_equal "inc files archived in processed/" "$(s3_count automations/inc/processed/)" "$inc_files"
pass

step "the export writes on: the crq stream, and each dataset's newest slot (for the health check)"
say "uploaded $(python3 "$HERE/s3.py" "$S3_URL" upload "$BUCKET" "$SIM/crq" automations/crq) crq files"
# The simulated stream is from June 2026; `status --check` wants the newest scheduled export
# applied, so the last simulated file of each dataset lands again under the current slot's name.
for dataset in inc crq; do
    say "put $(python3 "$HERE/s3.py" "$S3_URL" latest "$BUCKET" "$dataset" "$(find "$SIM/$dataset" -type f | sort | tail -n 1)")"
done
inc_files=$((inc_files + 1)) crq_files=$((crq_files + 1))
pass

if image "${IMAGE_CMD[@]}" --help 2>/dev/null | grep -q -- '--every'; then
    step "in the image: the CMD (${IMAGE_CMD[*]} --every 3s) drains both, then stops on SIGTERM"
    worker_start "${IMAGE_CMD[@]}" --every 3s
    started=$SECONDS
    while (( SECONDS - started < 180 )); do
        [[ "$(s3_count automations/crq/changes/)$(s3_count automations/inc/changes/)" == 00 ]] && break
        worker_alive || { worker_log >&2; die "the worker exited early"; }
        sleep 1
    done
    for dataset in inc crq; do
        expect_equal "$dataset files left in changes/ after $((SECONDS - started)) s" "$(s3_count "automations/$dataset/changes/")" 0
    done
    expect_at_least "clusters the worker placed (gazetteer)" "$(sql 'SELECT count(*) FROM tickets.geo_clusters WHERE geom IS NOT NULL')" 1
    worker_stop
    expect_equal "worker exit status after SIGTERM" "$WORKER_STATUS" 0
    tail -n 6 "$CACHE/worker.log" | sed 's/^/    | /' >&2
    say "(output: $CACHE/worker.log)"
    pass
else
    not_run "the image's CMD (${IMAGE_CMD[*]})" "this binary has no \`run\` command; run_ingest.sh drains instead"
fi

step "in the image: /app/run_ingest.sh (the cron path: both datasets)"
image_logged /app/run_ingest.sh
expect_at_least "tickets.crq rows" "$(sql 'SELECT count(*) FROM tickets.crq')" 1
for dataset in inc crq; do
    expect_equal "$dataset files left in changes/" "$(s3_count "automations/$dataset/changes/")" 0
done
expect_equal "inc files archived in processed/" "$(s3_count automations/inc/processed/)" "$inc_files"
expect_equal "crq files archived in processed/" "$(s3_count automations/crq/processed/)" "$crq_files"
pass

# The worker geocodes too: forget its answers, so that the commands below must do the work.
sql 'TRUNCATE tickets.geo_clusters, tickets.geo_locations' >/dev/null

step "in the image: fleettickets geocode clusters --apply (gazetteer shipped in the image)"
image_logged fleettickets geocode clusters --apply
expect_at_least "clusters with a point" "$(sql 'SELECT count(*) FROM tickets.geo_clusters WHERE geom IS NOT NULL')" 1
pass

step "in the image: fleettickets geocode locations --apply"
image_logged fleettickets geocode locations --apply
expect_at_least "locations found (hit)" "$(sql "SELECT count(*) FROM tickets.geo_locations WHERE status = 'hit'")" 1
pass

step "in the image: fleettickets status"
image_logged fleettickets status
pass

if image fleettickets status --help 2>/dev/null | grep -q -- '--check'; then
    step "in the image: the HEALTHCHECK's command (${IMAGE_HEALTHCHECK[*]})"
    image_logged "${IMAGE_HEALTHCHECK[@]}"
    pass "exit 0: healthy"
else
    not_run "the HEALTHCHECK (${IMAGE_HEALTHCHECK[*]})" \
        "this binary's status has no --check; the Dockerfile names it for a build that has one"
fi
if printf '%s\n' "${DF_STEPS[@]}" | grep -q '^ENV.*SWIFT_BACKTRACE='; then
    step "in the image: a crash prints a symbolicated backtrace (the worker sent SIGSEGV)"
    crash_log="$CACHE/crash.log"
    # A signal sent from outside is not a fault that recurs: after the backtrace the handler
    # returns and the process goes on, so the step ends it once the backtrace is written.
    image /bin/sh -c 'fleettickets run --every 1h 2>/tmp/crash & pid=$!; sleep 3; kill -SEGV $pid
        for i in $(seq 120); do grep -q "^Backtrace took" /tmp/crash && break; sleep 1; done
        kill -KILL $pid; cat /tmp/crash' >"$crash_log" 2>&1 || true
    grep -q 'Program crashed' "$crash_log" || { cat "$crash_log" >&2; die "no backtrace on a crash (log $crash_log)"; }
    # A symbolicated frame: "N [ra] 0x… symbol + offset in fleettickets".
    frame="$(grep -E '^ *[0-9]+ .*0x[0-9a-f]+ [^ ].* \+ [0-9]+ in fleettickets' "$crash_log" | head -n 1)"
    [[ -n "$frame" ]] || { cat "$crash_log" >&2; die "the backtrace names no function of the binary (log $crash_log)"; }
    say "frame: $(sed 's/^ *//' <<<"$frame")"
    pass "$(grep -c ' in fleettickets$' "$crash_log") frames in the binary, named; $(grep '^Backtrace took' "$crash_log")"
else
    not_run "the crash backtrace" "the Dockerfile sets no SWIFT_BACKTRACE"
fi
NOTES+=("runner $RUNNER; the base is Debian $DF_SUITE from debootstrap, not the registry's $DF_BASE_IMAGE, and the binary was built on this host, not in the swift image (docs/operations.md)")
