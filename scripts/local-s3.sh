#!/usr/bin/env bash
# A private S3-compatible server (moto) on loopback, for development and tests.
#
#   scripts/local-s3.sh start   install moto[server] if missing, start it (if not running);
#                               the last stdout line is the endpoint URL
#   scripts/local-s3.sh stop    stop it (by the PID it recorded)
#   scripts/local-s3.sh status  exit 0 and print the URL when running, exit 3 when not
#   scripts/local-s3.sh url     print the endpoint URL only
#   scripts/local-s3.sh auth    turn on signature checking in the running server: creates an
#                               IAM user allowed s3:* and an access key; the last stdout line
#                               is `ACCESS SECRET` (throwaway test credentials)
#
# Environment:
#   FLEETTICKETS_S3_PORT   TCP port on 127.0.0.1 (default 25433)
#   FLEETTICKETS_S3_DIR    state folder: PID file and log (default <repo>/.local/s3)
#   FLEETTICKETS_S3_AUTH   1 = `start` also runs `auth` and prints `ACCESS SECRET` on the
#                          line before the URL (the URL stays the last line)
#
# By default moto accepts any credentials (it does not check signatures). Once `auth` ran,
# it checks them, against the decoded path and query: keys or prefixes that need
# percent-encoding (even `/` in a prefix) then fail, with any client; use a second server
# (another FLEETTICKETS_S3_PORT and FLEETTICKETS_S3_DIR) for signature tests.
# moto keeps everything in memory: a restart empties every bucket.
# Progress goes to stderr; stdout carries the URL (and credentials).
set -euo pipefail

PORT="${FLEETTICKETS_S3_PORT:-25433}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$SCRIPT_DIR")"
STATE_DIR="${FLEETTICKETS_S3_DIR:-$REPO/.local/s3}"
PID_FILE="$STATE_DIR/moto.pid"
LOG="$STATE_DIR/moto.log"
URL="http://127.0.0.1:${PORT}"

say() { printf 'local-s3: %s\n' "$*" >&2; }
die() { printf 'local-s3: error: %s\n' "$*" >&2; exit 1; }

usage() {
    echo "usage: $(basename "$0") start|stop|status|url" >&2
    exit 2
}

[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT > 0 && PORT < 65536 )) || die "FLEETTICKETS_S3_PORT must be a port number, got '$PORT'"

ensure_moto() {
    # waitress serves moto with keep-alive (scripts/moto-server.py); without it moto runs on
    # its own development server, slower per request but the same S3.
    if command -v python3 >/dev/null 2>&1 && python3 -c 'import moto.server' >/dev/null 2>&1 \
        && ! python3 -c 'import waitress' >/dev/null 2>&1; then
        say "installing waitress (pip)"
        python3 -m pip install --quiet waitress >&2 2>/dev/null \
            || python3 -m pip install --quiet --break-system-packages waitress >&2 2>/dev/null \
            || say "could not install waitress; moto runs on its own development server"
    fi
    if command -v moto_server >/dev/null 2>&1; then
        return
    fi
    local python
    python="$(command -v python3 || true)"
    [[ -n "$python" ]] || die "moto_server is missing and there is no python3 to install it with"
    say "installing moto[server] (pip)"
    "$python" -m pip install --quiet 'moto[server]' waitress >&2 || die "pip could not install moto[server]"
    hash -r
    command -v moto_server >/dev/null 2>&1 || die "moto[server] installed, but moto_server is not on PATH ($PATH)"
}

# True when something answers HTTP on the port.
answers() {
    curl --silent --output /dev/null --max-time 2 "$URL/" 2>/dev/null
}

recorded_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    echo "$pid"
}

# True when the recorded process is alive (and not a zombie).
is_running() {
    local pid state
    pid="$(recorded_pid)" || return 1
    state="$(ps -o stat= -p "$pid" 2>/dev/null || true)"
    [[ -n "$state" && "$state" != Z* ]]
}

cmd_start() {
    command -v curl >/dev/null 2>&1 || die "curl (the command) is needed to probe the server"
    if is_running && answers; then
        say "already running on 127.0.0.1:${PORT} (pid $(recorded_pid))"
        if [[ "${FLEETTICKETS_S3_AUTH:-0}" == 1 ]]; then
            cmd_auth
        fi
        echo "$URL"
        return
    fi
    if answers; then
        die "something else already answers on 127.0.0.1:${PORT}; stop it or set FLEETTICKETS_S3_PORT"
    fi
    ensure_moto
    mkdir -p "$STATE_DIR"
    say "starting moto_server on 127.0.0.1:${PORT} (log $LOG)"
    # Through scripts/moto-server.py (moto less a directory scan per request, served with keep-alive
    # by waitress) when the python3 on PATH is the one moto is installed in; moto_server otherwise.
    local launch=(moto_server)
    if python3 -c 'import moto.server' >/dev/null 2>&1; then
        launch=(python3 "$SCRIPT_DIR/moto-server.py")
    fi
    # Started directly (not in a subshell) so that $! is the server's PID.
    nohup "${launch[@]}" -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
    local waited=0
    until answers; do
        if ! is_running; then
            tail -n 20 "$LOG" >&2 || true
            rm -f "$PID_FILE"
            die "moto_server exited (log above); is port ${PORT} taken? set FLEETTICKETS_S3_PORT"
        fi
        if (( waited >= 300 )); then
            die "moto_server did not answer within 30 s (log $LOG)"
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    say "running (pid $(recorded_pid))"
    if [[ "${FLEETTICKETS_S3_AUTH:-0}" == 1 ]]; then
        cmd_auth
    fi
    echo "$URL"
}

# Creates an IAM user with an s3:* policy and an access key, then makes moto check every
# request's signature. moto-api/reset-auth N lets the next N requests through unchecked,
# which also makes this work when checking is already on.
cmd_auth() {
    is_running && answers || die "not running; start it first"
    local python credentials
    python="$(command -v python3 || true)"
    [[ -n "$python" ]] && "$python" -c 'import boto3' 2>/dev/null || die "python3 with boto3 (a dependency of moto) is needed"
    reset_auth 5 >/dev/null
    credentials="$("$python" - "$URL" <<'PY'
import json, sys, uuid
import boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
user = "fleettickets-test-" + uuid.uuid4().hex[:8]
iam.create_user(UserName=user)
iam.put_user_policy(UserName=user, PolicyName="s3-all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
key = iam.create_access_key(UserName=user)["AccessKey"]
print(key["AccessKeyId"], key["SecretAccessKey"])
PY
)" || { reset_auth 0 >/dev/null || true; die "could not create the IAM user and key"; }
    reset_auth 0 >/dev/null || die "could not turn on signature checking"
    say "signature checking is on"
    echo "$credentials"
}

reset_auth() {
    curl --silent --fail --max-time 5 -X POST -H 'Content-Type: text/plain' --data "$1" "$URL/moto-api/reset-auth"
}

cmd_stop() {
    local pid
    if ! pid="$(recorded_pid)" || ! is_running; then
        say "not running"
        rm -f "$PID_FILE"
        return 0
    fi
    say "stopping moto_server (pid $pid)"
    kill "$pid" 2>/dev/null || true
    local waited=0
    while is_running && (( waited < 100 )); do
        sleep 0.1
        waited=$((waited + 1))
    done
    if is_running; then
        say "still running after 10 s; sending KILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PID_FILE"
    say "stopped"
}

cmd_status() {
    if is_running && answers; then
        say "running on 127.0.0.1:${PORT} (pid $(recorded_pid))"
        echo "$URL"
    else
        say "not running"
        exit 3
    fi
}

[[ $# -eq 1 ]] || usage
case "$1" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) echo "$URL" ;;
    auth) cmd_auth ;;
    *) usage ;;
esac
