#!/usr/bin/env bash
# Builds the DocC documentation of every library module with warnings as errors, so a broken
# ``symbol`` link, an undocumented parameter of a documented function or a catalog naming a
# symbol that no longer exists fails the run. scripts/test.sh calls it on a full run.
#
#   scripts/docs.sh [MODULE…]      (default: every library module)
#
# Archives land in .build/plugins/Swift-DocC/outputs/MODULE.doccarchive; each module's log in
# .build/docs-logs/MODULE.log. Exit status: 0 when every module built clean, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(FleetTicketsCore FleetTicketsPostgres FleetTicketsS3 FleetTicketsGeocode FleetTicketsReport FleetTicketsTesting)
logs=.build/docs-logs
mkdir -p "$logs"
failed=()
for module in "${modules[@]}"; do
    start=$SECONDS
    if swift package generate-documentation --target "$module" --warnings-as-errors >"$logs/$module.log" 2>&1; then
        printf 'docs: %s ok (%ss)\n' "$module" $((SECONDS - start)) >&2
    else
        printf 'docs: %s FAILED (%ss); its diagnostics:\n' "$module" $((SECONDS - start)) >&2
        # DocC's own diagnostics with their source excerpts, not the plugin's wrapper lines.
        grep -v "invocation failed\|NSCocoaErrorDomain" "$logs/$module.log" | sed -n '/^\(error\|warning\):/,/^$/p' >&2 \
            || tail -n 30 "$logs/$module.log" >&2
        failed+=("$module")
    fi
done
[ ${#failed[@]} -eq 0 ] || { printf 'docs: warnings or errors in %s (logs in %s)\n' "${failed[*]}" "$logs" >&2; exit 1; }
