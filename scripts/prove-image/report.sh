# Steps, checks and the final summary of scripts/prove-image.sh (sourced, not run).
#
#   step NAME          starts a step (printed)
#   pass [NOTE]        the current step passed
#   not_run NAME WHY   a step that cannot run with this binary, said plainly in the summary
#   die MESSAGE        the current step failed: the summary follows and the exit status is 1
#   expect_equal NAME VALUE WANTED / expect_at_least NAME VALUE MIN
# The summary is printed on exit, whatever happened; services in STARTED are stopped then.

say() { printf '    %s\n' "$*" >&2; }
die() { printf 'prove-image: error: %s\n' "$*" >&2; exit 1; }

RESULTS=() CURRENT="" STEP_START=$SECONDS STARTED=() NOTES=()
step() { CURRENT="$1"; STEP_START=$SECONDS; printf '\n==> %s\n' "$1" >&2; }
pass() { RESULTS+=("PASS|$((SECONDS - STEP_START))s|$CURRENT|${1:-}"); CURRENT=""; }
not_run() { RESULTS+=("NOT RUN|-|$1|$2"); printf '\n==> %s: NOT RUN: %s\n' "$1" "$2" >&2; }

finish() {
    local rc=$? line status took name note
    trap - EXIT
    [[ $rc -ne 0 && -n "$CURRENT" ]] && RESULTS+=("FAIL|$((SECONDS - STEP_START))s|$CURRENT|see the error above")
    declare -F worker_cleanup >/dev/null && worker_cleanup
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

expect_at_least() {
    [[ "$2" =~ ^[0-9]+$ ]] && (( $2 >= $3 )) || die "$1: expected at least $3, got '$2'"
    say "$1: $2"
}
expect_equal() {
    [[ "$2" == "$3" ]] || die "$1: expected $3, got '$2'"
    say "$1: $2"
}
