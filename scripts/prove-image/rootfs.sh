# The root filesystem of the run stage for scripts/prove-image.sh (sourced, not run): built
# from Debian's own packages the way the official debian:<release>-slim image is (debootstrap,
# minbase variant, the image's apt sources), then the Dockerfile's run-stage instructions
# replayed on it (see dockerfile.sh).
#
# Cache under $CACHE (the repository's .local/prove-image/, ignored by git):
#   base-<release>/         debootstrap --variant=minbase; reused until deleted
#   layer-<release>-<key>/  base + the run stage's RUN layer; key = hash of its RUN lines, so
#                           editing the package list builds a new one
#   image/                  layer + the COPY/ENV/USER/WORKDIR steps; rebuilt on every run
#
# Needs: root, debootstrap, unshare/chroot (util-linux, coreutils), DF_* from dockerfile.sh.

MIRROR="${PROVE_IMAGE_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${PROVE_IMAGE_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
DOCKER_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Runs a command inside a root filesystem the way a container runtime would with
# `--network=host`: its own mount namespace with /proc, /dev and a read-only /sys (gone when
# the command exits, even on failure), the host's network (127.0.0.1 is the host's loopback),
# the given uid:gid and working folder, and only the given environment.
#   in_root ROOT UID:GID WORKDIR [NAME=VALUE…] -- COMMAND [ARG…]
in_root() {
    local root="$1" ids="$2" workdir="$3" envs=()
    shift 3
    while [[ $# -gt 0 && "$1" != -- ]]; do envs+=("$1"); shift; done
    [[ "${1:-}" == -- ]] || die "in_root: missing -- before the command"
    shift
    unshare --mount --propagation private -- /bin/bash -c '
        set -e
        root=$1 ids=$2 workdir=$3 count=$4; shift 4
        envs=("${@:1:count}"); shift "$count"
        mount -t proc proc "$root/proc"
        mount --bind /dev "$root/dev"
        mount -t sysfs -o ro sysfs "$root/sys" 2>/dev/null || true
        exec chroot --userspec="$ids" --groups="${ids#*:}" "$root" \
            /usr/bin/env -i "${envs[@]}" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$workdir" "$@"
    ' in_root "$root" "$ids" "$workdir" "${#envs[@]}" "${envs[@]}" "$@"
}

# uid:gid and home folder of a user (or uid[:gid]) in a root filesystem's /etc/passwd.
user_ids() {
    local root="$1" user="$2"
    if [[ "$user" =~ ^([0-9]+)(:([0-9]+))?$ ]]; then
        local uid="${BASH_REMATCH[1]}" gid="${BASH_REMATCH[3]:-${BASH_REMATCH[1]}}" home
        home="$(awk -F: -v u="$uid" '$3 == u { print $6; exit }' "$root/etc/passwd")"
        echo "$uid:$gid ${home:-/}"
        return
    fi
    awk -F: -v u="$user" '$1 == u { print $3 ":" $4, $6; found = 1 } END { exit !found }' "$root/etc/passwd" \
        || die "USER $user does not exist in the image"
}

rootfs_base() {
    BASE="$CACHE/base-$DF_SUITE"
    if [[ -f "$BASE/.prove-image-complete" ]]; then
        say "cached: $BASE (delete it to fetch Debian $DF_SUITE again)"
        return
    fi
    rm -rf "$BASE.partial"
    say "debootstrap --variant=minbase $DF_SUITE from $MIRROR (a few minutes, once)"
    debootstrap --variant=minbase "$DF_SUITE" "$BASE.partial" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
        || { tail -n 20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (log $CACHE/debootstrap.log)"; }
    # The apt sources of the official slim image: the release, its updates and its security archive.
    rm -f "$BASE.partial/etc/apt/sources.list"
    cat >"$BASE.partial/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $DF_SUITE $DF_SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $DF_SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    rm -rf "$BASE.partial/var/lib/apt/lists/"* "$BASE.partial/var/cache/apt/archives/"*.deb
    touch "$BASE.partial/.prove-image-complete"
    mv "$BASE.partial" "$BASE"
}

# The base plus the run stage's RUN layer, run as the Dockerfile says (/bin/sh -c, as root).
rootfs_layer() {
    local key
    key="$(printf '%s\n' "$DF_SUITE" "${DF_LAYER_RUNS[@]}" | sha256sum | cut -c1-12)"
    LAYER="$CACHE/layer-$DF_SUITE-$key"
    if [[ -f "$LAYER/.prove-image-complete" ]]; then
        say "cached: $LAYER (the run stage's RUN lines are unchanged)"
        return
    fi
    rm -rf "$LAYER.partial"
    cp -a "$BASE" "$LAYER.partial"
    rm -f "$LAYER.partial/.prove-image-complete"
    # A container runtime provides the resolver configuration; the build needs it for apt.
    cp -L /etc/resolv.conf "$LAYER.partial/etc/resolv.conf"
    local run
    for run in "${DF_LAYER_RUNS[@]}"; do
        say "RUN $run"
        in_root "$LAYER.partial" 0:0 / PATH="$DOCKER_PATH" HOME=/root -- /bin/sh -c "$run" \
            </dev/null >"$CACHE/layer.log" 2>&1 \
            || { tail -n 30 "$CACHE/layer.log" >&2; die "the run stage's RUN failed (log $CACHE/layer.log)"; }
    done
    touch "$LAYER.partial/.prove-image-complete"
    mv "$LAYER.partial" "$LAYER"
}

# A fresh copy of the layer with the remaining run-stage steps applied. Sets IMAGE_ROOT,
# IMAGE_IDS (uid:gid), IMAGE_WORKDIR, IMAGE_ENV[], IMAGE_HEALTHCHECK[], IMAGE_CMD[].
rootfs_image() {
    local binary="$1" step kind args home=/root
    IMAGE_ROOT="$CACHE/image"
    rm -rf "$IMAGE_ROOT"
    # Hard links are a copy that costs nothing, safe while nothing writes into an existing file:
    # COPY installs new files and the commands write only under /tmp. A RUN after COPY could
    # write in place, so then the layer is copied for real.
    if printf '%s\n' "${DF_STEPS[@]}" | grep -q '^RUN'; then cp -a "$LAYER" "$IMAGE_ROOT"
    else cp -al "$LAYER" "$IMAGE_ROOT"; fi
    IMAGE_IDS=0:0 IMAGE_WORKDIR=/ IMAGE_ENV=() IMAGE_HEALTHCHECK=() IMAGE_CMD=()
    for step in "${DF_STEPS[@]}"; do
        kind="${step%%$'\t'*}" args="${step#*$'\t'}"
        case "$kind" in
            COPY) image_copy "$binary" $args ;;
            RUN)
                say "RUN $args"
                in_root "$IMAGE_ROOT" "$IMAGE_IDS" "$IMAGE_WORKDIR" PATH="$DOCKER_PATH" HOME="$home" "${IMAGE_ENV[@]}" \
                    -- /bin/sh -c "$args" </dev/null || die "the run stage's RUN failed: $args" ;;
            ENV)
                if [[ "$args" == *=* ]]; then
                    local pair
                    for pair in $args; do IMAGE_ENV+=("$pair"); done
                else
                    IMAGE_ENV+=("${args%% *}=${args#* }")
                fi ;;
            USER) read -r IMAGE_IDS home < <(user_ids "$IMAGE_ROOT" "$args") ;;
            WORKDIR)
                IMAGE_WORKDIR="$args"
                mkdir -p "$IMAGE_ROOT$IMAGE_WORKDIR" ;;
            HEALTHCHECK) mapfile -t IMAGE_HEALTHCHECK < <(df_json_words "${args#*CMD }") ;;
            CMD) mapfile -t IMAGE_CMD < <(df_json_words "$args") ;;
        esac
    done
    IMAGE_ENV=(PATH="$DOCKER_PATH" HOME="$home" HOSTNAME=prove-image "${IMAGE_ENV[@]}")
}

# COPY [--from=build] SOURCE DEST: a build stage product (build_product) or a context file.
image_copy() {
    local binary="$1" from="" source dest
    shift
    if [[ "$1" == --from=* ]]; then from="${1#--from=}"; shift; fi
    [[ $# -eq 2 && "$1" != -* ]] || die "COPY $*: this proof replays only COPY [--from=build] SOURCE DEST"
    source="$1" dest="$2"
    if [[ -n "$from" ]]; then
        [[ "$from" == build ]] || die "COPY --from=$from $source: this proof knows only the build stage"
        source="$(build_product "$source" "$binary")" || exit 1
    else
        source="$CONTEXT/$source"
        [[ -f "$source" ]] || die "COPY ${source#"$CONTEXT/"}: not in the build context (committed? in .dockerignore?)"
    fi
    [[ "$dest" == */ ]] && dest="$dest$(basename "$source")"
    say "COPY ${source#"$CONTEXT/"} -> $dest"
    install -D -m "$(stat -c %a "$source")" "$source" "$IMAGE_ROOT$dest"
}

# ---- the chroot runner: the interface podman.sh also offers ----------------------------

runner_build() {
    rootfs_layer
    rootfs_image "$1"
    SIM_HOST="$IMAGE_ROOT/tmp/sim"
    IMAGE_DESC="$IMAGE_ROOT, user $IMAGE_IDS, workdir $IMAGE_WORKDIR, env ${IMAGE_ENV[*]}"
}

# Runs a command in the image as its USER, in its WORKDIR, with its ENV and then the
# deployment's settings (as `docker run -e` overrides the image's ENV).
image() { in_root "$IMAGE_ROOT" "$IMAGE_IDS" "$IMAGE_WORKDIR" "${IMAGE_ENV[@]}" "${DEPLOY_ENV[@]}" -- "$@"; }

worker_start() {
    rm -f "$IMAGE_ROOT/tmp/worker.pid"
    image /bin/sh -c 'echo $$ >/tmp/worker.pid; exec "$@"' worker "$@" >"$CACHE/worker.log" 2>&1 &
    WORKER_JOB=$!
}
worker_alive() { kill -0 "$WORKER_JOB" 2>/dev/null; }
worker_log() { cat "$CACHE/worker.log"; }

# What `docker stop` does: SIGTERM, then up to 60 s before SIGKILL. Sets WORKER_STATUS to
# the exit status (not printed: `wait` works only in this shell, not in a $(…) subshell).
worker_stop() {
    local pid waited=0
    pid="$(cat "$IMAGE_ROOT/tmp/worker.pid")"
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null && (( waited < 600 )); do sleep 0.1; waited=$((waited + 1)); done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    WORKER_STATUS=0
    wait "$WORKER_JOB" || WORKER_STATUS=$?
}
worker_cleanup() {
    if [[ -n "${WORKER_JOB:-}" ]] && kill -0 "$WORKER_JOB" 2>/dev/null; then
        kill -KILL "$(cat "$IMAGE_ROOT/tmp/worker.pid" 2>/dev/null)" 2>/dev/null || true
    fi
}
