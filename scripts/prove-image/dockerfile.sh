# Reads the Dockerfile for scripts/prove-image.sh (sourced, not run): the build stage's
# `swift build` line and the run stage's instructions, so that the proof replays the file as
# committed instead of a copy of it that could drift.
#
# Sets:
#   DF_BUILD_COMMAND   the build stage's `swift build …` command (first one, without `&& …`)
#   DF_RESOLVE_COMMAND the build stage's `swift package resolve …` command before it, if any
#   DF_RESOLVE_FILES   what the build stage copies from the context before that resolve
#   DF_BASE_IMAGE      the run stage's FROM image, e.g. debian:bookworm-slim
#   DF_SUITE           the Debian release it is, e.g. bookworm
#   DF_LAYER_RUNS[]    the run stage's RUN commands before its first COPY (the cached layer)
#   DF_STEPS[]         the rest of the run stage, in order, as "KIND<TAB>ARGUMENTS"
#                      (COPY, RUN, ENV, USER, WORKDIR, HEALTHCHECK, CMD)
#   DF_BINARY_DEST     where the run stage puts the build stage's binary (COPY --from=build)
#   DF_BUILD_COPIES[]  every COPY --from=build of the run stage as "SOURCE<TAB>DEST"
#   DF_PACKAGES        the words after `apt-get install` in the layer (options dropped)

# The Dockerfile as one instruction per line: comments dropped, continuations joined.
df_logical_lines() {
    awk '
        /^[[:space:]]*#/ { next }
        { line = line $0 }
        /\\[[:space:]]*$/ { sub(/\\[[:space:]]*$/, "", line); line = line " "; next }
        { gsub(/[[:space:]]+/, " ", line); sub(/^ /, "", line); sub(/ $/, "", line)
          if (line != "") print line; line = "" }
    ' "$1"
}

# A JSON array of strings (exec form) as one word per line.
df_json_words() {
    python3 -c 'import json, sys; print("\n".join(json.loads(sys.argv[1])))' "$1"
}

df_parse() {
    local file="$1" lines=() line stage=-1 last_from=-1 build_from=-1 i
    mapfile -t lines < <(df_logical_lines "$file")
    for i in "${!lines[@]}"; do
        line="${lines[$i]}"
        if [[ "${line^^}" == FROM\ * ]]; then
            last_from=$i
            [[ "${line,,}" =~ \ as\ build$ ]] && build_from=$i
        fi
    done
    (( last_from >= 0 )) || die "no FROM in $file"
    (( build_from >= 0 )) || die "no build stage (FROM … AS build) in $file"

    DF_BUILD_COMMAND="" DF_RESOLVE_COMMAND="" DF_RESOLVE_FILES=""
    local copied_before=""
    for (( i = build_from + 1; i < last_from; i++ )); do
        line="${lines[$i]}"
        if [[ "${line^^}" == COPY\ * && -z "$DF_RESOLVE_COMMAND" ]]; then
            copied_before+="${copied_before:+ }$(df_copy_sources "${line#* }")"
        fi
        if [[ "${line^^}" == RUN\ * && "$line" == *"swift package resolve"* && -z "$DF_RESOLVE_COMMAND" ]]; then
            DF_RESOLVE_COMMAND="swift package resolve${line#*swift package resolve}"
            DF_RESOLVE_COMMAND="${DF_RESOLVE_COMMAND%%&&*}"
            DF_RESOLVE_COMMAND="${DF_RESOLVE_COMMAND% }"
            DF_RESOLVE_FILES="$copied_before"
        fi
        [[ "${line^^}" == RUN\ * && "$line" == *"swift build"* ]] || continue
        DF_BUILD_COMMAND="swift build${line#*swift build}"
        DF_BUILD_COMMAND="${DF_BUILD_COMMAND%%&&*}"
        DF_BUILD_COMMAND="${DF_BUILD_COMMAND% }"
        break
    done
    [[ -n "$DF_BUILD_COMMAND" ]] || die "the build stage of $file has no RUN swift build line"

    DF_BASE_IMAGE="${lines[$last_from]#* }"
    DF_BASE_IMAGE="${DF_BASE_IMAGE%% *}"
    [[ "$DF_BASE_IMAGE" =~ ^debian:([a-z]+)(-slim)?$ ]] \
        || die "the run stage's base is $DF_BASE_IMAGE; this proof knows only debian:<release>[-slim]"
    DF_SUITE="${BASH_REMATCH[1]}"

    DF_LAYER_RUNS=() DF_STEPS=() DF_BINARY_DEST="" DF_BUILD_COPIES=()
    local copied=0 kind rest
    for (( i = last_from + 1; i < ${#lines[@]}; i++ )); do
        line="${lines[$i]}"
        kind="${line%% *}"; kind="${kind^^}"
        rest="${line#* }"
        case "$kind" in
            RUN)
                if (( copied )); then DF_STEPS+=("RUN"$'\t'"$rest"); else DF_LAYER_RUNS+=("$rest"); fi ;;
            COPY)
                copied=1; DF_STEPS+=("COPY"$'\t'"$rest")
                if [[ "$rest" == --from=* ]]; then
                    local sources; sources="$(df_copy_sources "$rest")"
                    DF_BUILD_COPIES+=("$sources"$'\t'"${rest##* }")
                    [[ "$(basename "$sources")" == fleettickets ]] && DF_BINARY_DEST="${rest##* }"
                fi ;;
            ENV|USER|WORKDIR|HEALTHCHECK|CMD) DF_STEPS+=("$kind"$'\t'"$rest") ;;
            LABEL|EXPOSE|ARG|STOPSIGNAL) ;;
            *) die "the run stage uses $kind, which this proof cannot replay; extend scripts/prove-image/dockerfile.sh" ;;
        esac
    done
    [[ -n "$DF_BINARY_DEST" ]] || die "the run stage does not copy the fleettickets binary from the build stage (COPY --from=build)"
    (( ${#DF_LAYER_RUNS[@]} )) || die "the run stage installs nothing (no RUN before its first COPY)"

    # The packages: the words after `apt-get install` up to the next `&&`, options dropped.
    DF_PACKAGES=""
    local run segment word
    for run in "${DF_LAYER_RUNS[@]}"; do
        [[ "$run" == *"apt-get install"* ]] || continue
        segment="${run#*apt-get install}"
        segment="${segment%%&&*}"
        for word in $segment; do
            [[ "$word" == -* ]] || DF_PACKAGES+="${DF_PACKAGES:+ }$word"
        done
    done
    [[ -n "$DF_PACKAGES" ]] || die "the run stage's RUN has no apt-get install"
}

# A COPY instruction's sources (its last word is the destination; flags dropped).
df_copy_sources() {
    local words=() word
    for word in $1; do [[ "$word" == --* ]] || words+=("$word"); done
    echo "${words[@]:0:${#words[@]}-1}"
}

# The run stage's text as written: from the last FROM line to the end of the file.
df_run_stage_text() {
    awk 'toupper($1) == "FROM" { n = NR } { lines[NR] = $0 } END { for (i = n; i <= NR; i++) print lines[i] }' "$1"
}

# .dockerignore as rsync exclude rules: patterns are relative to the context's root (so
# anchored with /), `**/x` matches at any depth. Exceptions (`!`) are not supported.
df_ignore_as_rsync() {
    local line
    [[ -f "$1" ]] || return 0
    while IFS= read -r line || [[ -n "$line" ]]; do
        line="${line%%#*}"; line="${line//[[:space:]]/}"
        [[ -n "$line" ]] || continue
        [[ "$line" != !* ]] || die ".dockerignore exceptions (!$line) are not supported by this proof"
        if [[ "$line" == '**/'* ]]; then echo "${line#'**/'}"; else echo "/${line#/}"; fi
    done <"$1"
}
