#!/usr/bin/env bash
# Proves, without a Docker engine or a registry, that the Dockerfile's run stage works:
#
#   1. reads the Dockerfile (scripts/prove-image/dockerfile.sh): the build stage's
#      `swift build` line, the run stage's base, packages and steps;
#   2. builds the release binary with that very `swift build` line, in this repository;
#   3. builds the run stage's root filesystem from Debian's packages: debootstrap (minbase) of
#      the base image's release with its apt sources, then the run stage's RUN (exactly its
#      apt-get install list), COPY, ENV, USER and WORKDIR (scripts/prove-image/rootfs.sh);
#   4. checks that every shared library the binary loads resolves inside it;
#   5. inside it (chroot in a private mount namespace, the host's network, as the image's
#      USER with only the image's ENV plus the deployment's settings), against the local
#      PostGIS and S3 servers: `simulate`, `migrate`, `ingest inc --from-bucket --apply`,
#      `run_ingest.sh` (the cron path) or the worker (the image's CMD) when the binary has it,
#      `geocode clusters|locations --apply` with the gazetteer the image ships, `status` and
#      the HEALTHCHECK command (`status --check`) when the binary has it.
# Each outcome is checked in the database and the bucket, not only by exit status.
#
#   sudo scripts/prove-image.sh        (root: debootstrap, chroot and mounts need it)
#
# Slow the first time (debootstrap, a release build: minutes); the Debian root filesystems
# are cached under .local/prove-image/ and reused, so a rerun costs the incremental build and
# about a minute. Not run by CI. docs/operations.md says what this proves and what only a
# registry-connected `docker build` can.
#
# Environment: FLEETTICKETS_PG_PORT, FLEETTICKETS_S3_PORT (the local servers' ports, as for
# scripts/test.sh; servers this script starts are stopped at the end), PROVE_IMAGE_MIRROR,
# PROVE_IMAGE_SECURITY_MIRROR (Debian mirrors, default deb.debian.org).
# Exit status: 0 when every step that can run passed, 1 when one failed.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$REPO/scripts/prove-image"
CACHE="$REPO/.local/prove-image"
BUCKET=prove-image
DB_NAME=ft_prove_image

say() { printf '    %s\n' "$*" >&2; }
die() { printf 'prove-image: error: %s\n' "$*" >&2; exit 1; }

RESULTS=() CURRENT="" STEP_START=$SECONDS STARTED=() NOTES=()
step() { CURRENT="$1"; STEP_START=$SECONDS; printf '\n==> %s\n' "$1" >&2; }
pass() { RESULTS+=("PASS|$((SECONDS - STEP_START))s|$CURRENT|${1:-}"); CURRENT=""; }
not_run() { RESULTS+=("NOT RUN|-|$1|$2"); printf '\n==> %s: NOT RUN: %s\n' "$1" "$2" >&2; }

finish() {
    local rc=$? line
    trap - EXIT
    [[ $rc -ne 0 && -n "$CURRENT" ]] && RESULTS+=("FAIL|$((SECONDS - STEP_START))s|$CURRENT|see the error above")
    for svc in "${STARTED[@]+"${STARTED[@]}"}"; do "$REPO/scripts/local-$svc.sh" stop >/dev/null 2>&1 || true; done
    printf '\n==> summary (%ss)\n' "$SECONDS" >&2
    for line in "${RESULTS[@]+"${RESULTS[@]}"}"; do
        IFS='|' read -r status took name note <<<"$line"
        printf '    %-8s %5s  %s%s\n' "$status" "$took" "$name" "${note:+ — $note}" >&2
    done
    for line in "${NOTES[@]+"${NOTES[@]}"}"; do printf '    note: %s\n' "$line" >&2; done
    if [[ $rc -eq 0 ]]; then echo "prove-image: the run stage works (steps above)" >&2
    else echo "prove-image: FAILED" >&2; fi
    exit "$rc"
}
trap finish EXIT

expect_at_least() { # NAME VALUE MIN
    [[ "$2" =~ ^[0-9]+$ ]] && (( $2 >= $3 )) || die "$1: expected at least $3, got '$2'"
    say "$1: $2"
}
expect_equal() { # NAME VALUE WANTED
    [[ "$2" == "$3" ]] || die "$1: expected $3, got '$2'"
    say "$1: $2"
}

# ---------------------------------------------------------------------------------------
step "preflight: root, tools and build libraries"
[[ "$(id -u)" == 0 ]] || die "run as root (debootstrap, chroot and mount need it): sudo $0"
command -v apt-get >/dev/null || die "this proof needs a Debian host (apt-get)"
command -v swift >/dev/null || die "swift is not on PATH; install the toolchain the Dockerfile's build stage uses"
missing=()
for pkg in debootstrap util-linux coreutils binutils python3 curl libpq-dev libcurl4-openssl-dev libxml2-dev pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
    say "installing ${missing[*]} (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
mkdir -p "$CACHE"
pass "$(swift --version 2>/dev/null | head -n 1)"

step "read the Dockerfile"
source "$HERE/dockerfile.sh"
source "$HERE/rootfs.sh"
df_parse "$REPO/Dockerfile"
say "build: $DF_BUILD_COMMAND"
say "run stage: FROM $DF_BASE_IMAGE (Debian $DF_SUITE), packages: $DF_PACKAGES"
pass "FROM $DF_BASE_IMAGE; apt-get install $DF_PACKAGES"

step "build the release binary with the Dockerfile's command"
( cd "$REPO" && bash -c "$DF_BUILD_COMMAND" ) >"$CACHE/build.log" 2>&1 \
    || { tail -n 30 "$CACHE/build.log" >&2; die "the release build failed (log $CACHE/build.log)"; }
BINARY="$(cd "$REPO" && swift build -c release --show-bin-path)/fleettickets"
[[ -x "$BINARY" ]] || die "no binary at $BINARY"
say "$BINARY ($(du -h "$BINARY" | cut -f1))"
pass "$(du -h "$BINARY" | cut -f1) binary"

step "Debian $DF_SUITE minbase root filesystem (debootstrap)"
rootfs_base
pass

step "the run stage's RUN layer (apt-get install $DF_PACKAGES)"
rootfs_layer
say "packages added to minbase: $(tr '\n' ' ' <"$LAYER/.prove-image-added")"
pass "$(wc -l <"$LAYER/.prove-image-added") packages added"

step "the run stage's remaining steps (COPY, ENV, USER, WORKDIR, HEALTHCHECK, CMD)"
rootfs_image "$BINARY"
say "user $IMAGE_IDS, workdir $IMAGE_WORKDIR, env: ${IMAGE_ENV[*]}"
say "HEALTHCHECK: ${IMAGE_HEALTHCHECK[*]:-(none)}; CMD: ${IMAGE_CMD[*]:-(none)}"
pass

step "every shared library the binary loads resolves in the image"
in_root "$IMAGE_ROOT" 0:0 / PATH="$DOCKER_PATH" -- ldd /usr/local/bin/fleettickets >"$CACHE/ldd.txt"
! grep -q 'not found' "$CACHE/ldd.txt" || { cat "$CACHE/ldd.txt" >&2; die "libraries missing in the image (above)"; }
rm -f "$CACHE/libraries.txt"
direct_libs="$(readelf -d "$BINARY" | awk '/NEEDED/ { gsub(/[][]/, "", $NF); print $NF }')"
needed=()
while read -r lib path; do
    # Debian 12 has a merged /usr: a package may list the file under /lib or /usr/lib.
    pkg="$(in_root "$IMAGE_ROOT" 0:0 / PATH="$DOCKER_PATH" -- dpkg-query -S "$path" "/usr$path" 2>/dev/null \
        | head -n 1 | cut -d: -f1)" || true
    printf '%s => %s (%s)\n' "$lib" "${pkg:-?}" "$path" >>"$CACHE/libraries.txt"
    if grep -qx "$lib" <<<"$direct_libs"; then say "$lib (linked by the binary) => ${pkg:-?}"; fi
    needed+=("${pkg:-?}")
done < <(awk '/=> \// { print $1, $3 }' "$CACHE/ldd.txt")
direct=()
for pkg in $DF_PACKAGES; do
    if printf '%s\n' "${needed[@]}" | grep -qx "$pkg"; then direct+=("$pkg"); fi
done
say "all $(grep -c '=>' "$CACHE/ldd.txt") libraries it loads resolve (library => package: $CACHE/libraries.txt)"
say "the run stage installs ${direct[*]} for the binary's own libraries; the rest of its list is data (CA certificates, time zones)"
pass "$(grep -c '=>' "$CACHE/ldd.txt") libraries, none missing"

# ---------------------------------------------------------------------------------------
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

# What a deployment passes (docker run -e / --env-file); the image's own ENV comes first.
DEPLOY_ENV=(DATABASE_URL="$DB_URL" RUSTFS_ENDPOINT="$S3_URL" RUSTFS_ACCESS_KEY=prove-image
            RUSTFS_SECRET_KEY=prove-image TICKETS_BUCKET="$BUCKET" GEOCODER_PROVIDER=gazetteer)
image() { in_root "$IMAGE_ROOT" "$IMAGE_IDS" "$IMAGE_WORKDIR" "${IMAGE_ENV[@]}" "${DEPLOY_ENV[@]}" -- "$@"; }
# Runs a command in the image with its output (stdout and stderr) kept in a log, of which the
# last lines are shown; all of it when the command fails.
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
SIM="$IMAGE_ROOT/tmp/sim/automations"
inc_files="$(find "$SIM/inc" -type f | wc -l)" crq_files="$(find "$SIM/crq" -type f | wc -l)"
expect_at_least "inc files" "$inc_files" 2
pass "$inc_files inc + $crq_files crq files"

step "in the image: fleettickets migrate"
image_logged fleettickets migrate
expect_equal "migrations recorded" "$(sql 'SELECT count(*) FROM tickets.schema_migrations')" \
    "$(find "$REPO/migrations" -name '*.sql' | wc -l)"
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

if [[ ${#IMAGE_CMD[@]} -gt 0 ]] && image "${IMAGE_CMD[@]}" --help 2>/dev/null | grep -q -- '--every'; then
    step "in the image: the CMD (${IMAGE_CMD[*]} --every 3s) drains crq, then stops on SIGTERM"
    image /bin/sh -c 'echo $$ >/tmp/worker.pid; exec "$@"' worker "${IMAGE_CMD[@]}" --every 3s \
        >"$CACHE/worker.log" 2>&1 &
    worker=$!
    for (( waited = 0; waited < 180; waited++ )); do
        [[ "$(s3_count automations/crq/changes/)$(s3_count automations/inc/changes/)" == 00 ]] && break
        kill -0 "$worker" 2>/dev/null || { cat "$CACHE/worker.log" >&2; die "the worker exited early"; }
        sleep 1
    done
    for dataset in inc crq; do
        expect_equal "$dataset files left in changes/ after ${waited}s" "$(s3_count automations/$dataset/changes/)" 0
    done
    kill -TERM "$(cat "$IMAGE_ROOT/tmp/worker.pid")"
    rc=0; wait "$worker" || rc=$?
    expect_equal "worker exit status after SIGTERM" "$rc" 0
    pass
else
    not_run "the image's CMD (${IMAGE_CMD[*]:-none})" "this binary has no such command yet (fleettickets run: issue 9, worker part)"
fi

step "in the image: /app/run_ingest.sh (the cron path: both datasets)"
image_logged /app/run_ingest.sh
expect_at_least "tickets.crq rows" "$(sql 'SELECT count(*) FROM tickets.crq')" 1
expect_equal "crq files left in changes/" "$(s3_count automations/crq/changes/)" 0
expect_equal "crq files archived in processed/" "$(s3_count automations/crq/processed/)" "$crq_files"
expect_equal "inc files archived in processed/" "$(s3_count automations/inc/processed/)" "$inc_files"
pass

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
    step "in the image: the HEALTHCHECK (${IMAGE_HEALTHCHECK[*]})"
    image_logged "${IMAGE_HEALTHCHECK[@]}"
    pass "exit 0: healthy"
else
    not_run "the HEALTHCHECK (${IMAGE_HEALTHCHECK[*]:-none})" \
        "this binary's status has no --check yet (issue 9, worker part); the Dockerfile names it for when it lands"
fi
NOTES+=("the image here is a debootstrap root filesystem run with chroot, not a registry build; see docs/operations.md")
