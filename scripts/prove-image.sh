#!/usr/bin/env bash
# Proves, without Docker Hub or a Docker engine, that the Dockerfile's run stage works:
#
#   1. makes the build context docker would get: the files of the current commit
#      (git archive HEAD) less .dockerignore's;
#   2. reads its Dockerfile (prove-image/dockerfile.sh): the build stage's `swift package
#      resolve` and `swift build` lines, the run stage's base, packages and steps; resolves the
#      dependencies from only the files the build stage copies before its resolve (the
#      manifest: no Package.resolved), and builds the release binary in the context with that
#      very `swift build` line;
#   3. makes the base from Debian's packages: debootstrap --variant=minbase of the base
#      image's release, with the slim image's apt sources (prove-image/rootfs.sh);
#   4. builds the image on it: with podman (default when it can run containers here), a real
#      OCI build of the run stage's text as committed, its FROM pointed at that base and a
#      stand-in build stage holding the binary (prove-image/podman.sh); else, replayed with
#      chroot: RUN as root, then COPY, ENV, USER, WORKDIR (rootfs.sh);
#   5. checks that every shared library the binary loads resolves in the image;
#   6. runs the whole job in the image (host network, the image's USER, ENV and WORKDIR plus
#      the deployment's settings) against the local PostGIS and S3 servers: `simulate`,
#      `migrate`, `ingest inc --from-bucket --apply`, the worker (the image's CMD, stopped by
#      SIGTERM) when the binary has `run`, `run_ingest.sh` (the cron path), `geocode clusters`
#      and `locations --apply` with the gazetteer the image ships, `status`, and the
#      HEALTHCHECK's command when the binary has `status --check`.
# Each outcome is checked in the database and the bucket, not only by exit status.
#
#   sudo scripts/prove-image.sh          (root: debootstrap, chroot, podman need it)
#
# The first run takes minutes (debootstrap, a release build, the RUN layer); the base is
# cached under .local/prove-image/ and podman caches the layer, so a rerun costs the
# incremental build and about a minute. Not part of CI. docs/operations.md ("Deployment:
# proving the image") says what this proves and what only a registry-connected build can.
#
# Environment: FLEETTICKETS_PG_PORT, FLEETTICKETS_S3_PORT (the local servers' ports, as for
# scripts/test.sh; servers this script starts are stopped at the end); PROVE_IMAGE_RUNNER
# (auto, podman or chroot); PROVE_IMAGE_REF (the commit to build, default HEAD);
# PROVE_IMAGE_MIRROR, PROVE_IMAGE_SECURITY_MIRROR (Debian mirrors).
# Exit status: 0 when every step that can run passed, 1 when one failed.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$REPO/scripts/prove-image"
CACHE="$REPO/.local/prove-image"
BUCKET=prove-image
DB_NAME=ft_prove_image
source "$HERE/report.sh"
source "$HERE/dockerfile.sh"
source "$HERE/rootfs.sh"

apt_install() {
    local missing=() pkg
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    (( ${#missing[@]} )) || return 0
    say "installing ${missing[*]} (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

step "preflight: root, tools and build libraries"
[[ "$(id -u)" == 0 ]] || die "run as root (debootstrap, chroot and podman need it): sudo $0"
command -v apt-get >/dev/null || die "this proof needs a Debian host (apt-get)"
command -v swift >/dev/null || die "swift is not on PATH; install the toolchain the Dockerfile's build stage uses"
apt_install debootstrap util-linux coreutils binutils rsync git python3 curl libpq-dev libcurl4-openssl-dev libssl-dev libxml2-dev pkg-config
mkdir -p "$CACHE"
pass "$(swift --version 2>/dev/null | head -n 1)"

step "the build context: this commit's files less .dockerignore's, as docker build gets them"
CONTEXT="$CACHE/build-context"
REF="${PROVE_IMAGE_REF:-HEAD}"
commit="$(git -C "$REPO" rev-parse --short "$REF^{commit}")" || die "PROVE_IMAGE_REF=$REF is not a commit"
rm -rf "$CACHE/archive" && mkdir -p "$CACHE/archive" "$CONTEXT"
git -C "$REPO" archive "$commit" | tar -x -C "$CACHE/archive"
# By content, without times: unchanged files keep theirs, so the release build stays incremental.
git -C "$REPO" show "$commit:.dockerignore" >"$CACHE/dockerignore" 2>/dev/null || : >"$CACHE/dockerignore"
rsync -rlp --checksum --delete --exclude-from=<(df_ignore_as_rsync "$CACHE/dockerignore") "$CACHE/archive/" "$CONTEXT/"
[[ "$REF" != HEAD || -z "$(git -C "$REPO" status --porcelain --untracked-files=no)" ]] \
    || NOTES+=("the worktree has uncommitted changes: they are not in the image, built from commit $commit")
say "$CONTEXT: $(find "$CONTEXT" -path "$CONTEXT/.build" -prune -o -type f -print | wc -l) files of commit $commit"
pass "commit $commit"

step "read its Dockerfile"
df_parse "$CONTEXT/Dockerfile"
say "build: $DF_BUILD_COMMAND"
say "run stage: FROM $DF_BASE_IMAGE (Debian $DF_SUITE), packages: $DF_PACKAGES"
pass "FROM $DF_BASE_IMAGE; apt-get install $DF_PACKAGES"

if [[ -n "$DF_RESOLVE_COMMAND" ]]; then
    step "resolve the dependencies from what the build stage copies first ($DF_RESOLVE_FILES), with its command"
    # What docker would send: the commit's files less .dockerignore's (the context folder itself
    # keeps the previous proof's build products, a resolved file among them).
    if [[ -e "$CACHE/archive/Package.resolved" ]] \
        && ! df_ignore_as_rsync "$CACHE/dockerignore" | grep -qx '/\{0,1\}Package.resolved'; then
        die "the build context holds a committed Package.resolved; the image must resolve from the manifest's pins"
    fi
    RESOLVE_DIR="$CACHE/resolve-layer"
    rm -rf "$RESOLVE_DIR" && mkdir -p "$RESOLVE_DIR"
    for source in $DF_RESOLVE_FILES; do cp -R "$CONTEXT/$source" "$RESOLVE_DIR/"; done
    ( cd "$RESOLVE_DIR" && bash -c "$DF_RESOLVE_COMMAND" ) >"$CACHE/resolve.log" 2>&1 \
        || { tail -n 30 "$CACHE/resolve.log" >&2; die "resolving from $DF_RESOLVE_FILES alone failed (log $CACHE/resolve.log)"; }
    say "resolved: $(python3 -c 'import json, sys; print(" ".join(p["identity"] + "@" + p["state"].get("version", "?") for p in json.load(open(sys.argv[1]))["pins"]))' "$RESOLVE_DIR/Package.resolved")"
    pass "$DF_RESOLVE_COMMAND"
fi

step "build the release binary in it with the Dockerfile's command"
( cd "$CONTEXT" && bash -c "$DF_BUILD_COMMAND" ) >"$CACHE/build.log" 2>&1 \
    || { tail -n 30 "$CACHE/build.log" >&2; die "the release build failed (log $CACHE/build.log)"; }
BINARY="$(cd "$CONTEXT" && swift build -c release --show-bin-path)/fleettickets"
# The host file standing for a build stage product (a COPY --from=build source): the release
# binary built just now, or the toolchain file the build stage installs, from the same Swift
# release (the host's toolchain is the one the build stage uses).
build_product() {
    local path
    case "$(basename "$1")" in
        fleettickets) path="$2" ;;
        swift-backtrace-static) path="$(dirname "$(readlink -f "$(command -v swift)")")/../libexec/swift/linux/swift-backtrace-static" ;;
        *) die "COPY --from=build $1: this proof does not know that build product; extend build_product in scripts/prove-image.sh" ;;
    esac
    [[ -f "$path" ]] || die "COPY --from=build $1: no $path on this machine"
    echo "$path"
}
[[ -x "$BINARY" ]] || die "no binary at $BINARY"
say "$BINARY ($(du -h "$BINARY" | cut -f1))"
pass "$(du -h "$BINARY" | cut -f1) binary"

step "Debian $DF_SUITE minbase root filesystem (debootstrap)"
rootfs_base
pass

step "choose how to run the image"
RUNNER="${PROVE_IMAGE_RUNNER:-auto}"
case "$RUNNER" in
    auto|podman)
        apt_install podman runc || say "could not install podman and runc"
        source "$HERE/podman.sh"
        if podman_usable; then
            RUNNER=podman
        elif [[ "$RUNNER" == podman ]]; then
            die "podman cannot run a container here (PROVE_IMAGE_RUNNER=chroot avoids it)"
        else
            NOTES+=("podman could not run a container on this machine; the image ran under chroot instead")
            RUNNER=chroot
            source "$HERE/rootfs.sh"   # its runner functions again, over podman.sh's
        fi ;;
    chroot) ;;
    *) die "PROVE_IMAGE_RUNNER must be auto, podman or chroot, got '$RUNNER'" ;;
esac
pass "$RUNNER"

if [[ "$RUNNER" == podman ]]; then
    step "podman build: the run stage as written, on the Debian base, the binary as its build stage"
else
    step "the run stage replayed on the Debian base (RUN in chroot, then COPY, ENV, USER, WORKDIR)"
fi
DEPLOY_ENV=()
runner_build "$BINARY"
say "image: $IMAGE_DESC"
say "HEALTHCHECK: ${IMAGE_HEALTHCHECK[*]:-(none)}; CMD: ${IMAGE_CMD[*]:-(none)}"
[[ ${#IMAGE_HEALTHCHECK[@]} -gt 0 && ${#IMAGE_CMD[@]} -gt 0 ]] || die "the image has no HEALTHCHECK or no CMD"
in_root "$BASE" 0:0 / PATH="$DOCKER_PATH" -- dpkg-query -W -f '${Package}\n' | sort >"$CACHE/packages-base"
image dpkg-query -W -f '${Package}\n' | sort | comm -13 "$CACHE/packages-base" - >"$CACHE/packages-added"
say "packages the run stage added to minbase: $(tr '\n' ' ' <"$CACHE/packages-added")"
pass "$(wc -l <"$CACHE/packages-added") packages added to minbase"

step "every shared library the binary loads resolves in the image"
# In the image: ldd, then each library's package (Debian 12 merged /usr: dpkg may list a
# library under /lib or under /usr/lib).
image /bin/sh -c 'ldd "$1"; echo ---; ldd "$1" | while read -r lib arrow path rest; do
        [ "$arrow" = "=>" ] && [ "${path#/}" != "$path" ] || continue
        echo "$lib => $(dpkg-query -S "$path" "/usr$path" 2>/dev/null | head -n 1 | cut -d: -f1) ($path)"
    done' ldd "$DF_BINARY_DEST" >"$CACHE/ldd.txt"
sed -n '/^---$/q;p' "$CACHE/ldd.txt" >"$CACHE/ldd-raw.txt"
sed '1,/^---$/d' "$CACHE/ldd.txt" >"$CACHE/libraries.txt"
! grep -q 'not found' "$CACHE/ldd-raw.txt" || { cat "$CACHE/ldd-raw.txt" >&2; die "libraries missing in the image (above)"; }
direct_libs="$(readelf -d "$BINARY" | awk '/NEEDED/ { gsub(/[][]/, "", $NF); print $NF }')"
direct=()
while read -r lib _ pkg _; do
    grep -qx "$lib" <<<"$direct_libs" || continue
    say "$lib (linked by the binary) => $pkg"
    if [[ " $DF_PACKAGES " == *" $pkg "* ]]; then direct+=("$pkg"); fi
done <"$CACHE/libraries.txt"
say "all $(wc -l <"$CACHE/libraries.txt") libraries it loads resolve (library => package: $CACHE/libraries.txt)"
say "the run stage installs ${direct[*]} for the binary's own libraries; the rest of its list is data (CA certificates, time zones)"
pass "$(wc -l <"$CACHE/libraries.txt") libraries, none missing"

source "$HERE/job.sh"
