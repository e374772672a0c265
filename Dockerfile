# fleettickets: a worker, no web server. The default command is the long-running worker
# (`fleettickets run`, docs/contract.md §9); a scheduler can instead run one `ingest` per dataset.
# See docs/operations.md ("Deployment: the image").
#
#   docker build -t fleettickets .
#   docker run --env-file .env fleettickets                 # the worker
#   docker run --env-file .env fleettickets fleettickets migrate
#
# scripts/prove-image.sh proves the run stage below without Docker Hub: it builds it as written
# with podman on a debootstrap Debian base, with the binary built by this file's `swift build`
# line, or replays it with chroot. Keep the run stage to FROM, RUN, COPY, ENV, USER, WORKDIR,
# HEALTHCHECK and CMD, the `swift build` line first in its RUN, the apt-get list in the first RUN.

# Build stage: the Swift toolchain (6.3.1 on Debian 12, the same toolchain and release the
# project is developed and proven on) and the -dev packages of the C libraries we link.
FROM swift:6.3.1-bookworm AS build
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev libcurl4-openssl-dev libssl-dev libxml2-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The dependency graph from the manifest alone, in a layer a source change does not rebuild:
# Package.swift pins every dependency with `exact:`, so no Package.resolved is needed (nor
# copied: .dockerignore drops it). docs/operations.md says how a deployer freezes the graph.
COPY Package.swift ./
RUN swift package resolve
# The whole repository (.dockerignore drops build folders, local state and .git): SwiftPM
# refuses a manifest whose target folders (examples, tests) are missing, even to build one product.
COPY . .
# The commit `fleettickets --version` reports (.dockerignore drops .git, so the builder says it):
#   docker build --build-arg FLEETTICKETS_COMMIT=$(git rev-parse --short=12 HEAD) -t fleettickets .
ARG FLEETTICKETS_COMMIT=unknown
# The Swift runtime and Foundation linked in statically, so the run stage needs no toolchain libraries.
# The toolchain's static backtracer goes along: a statically linked binary cannot find it by
# itself, and without it a crash prints no backtrace (SWIFT_BACKTRACE below points at it).
RUN swift build -c release --product fleettickets --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/fleettickets" /out/fleettickets \
 && install -D "$(dirname "$(readlink -f "$(command -v swift)")")/../libexec/swift/linux/swift-backtrace-static" /out/swift-backtrace-static

# Run stage: Debian 12 slim plus exactly the shared libraries the release binary loads
# (`ldd`: libpq5, libcurl4, libxml2 for FoundationXML's bucket-listing parser; libcrypto, for
# DeleteObjects' Content-MD5, comes with libssl3, which libpq5 and libcurl4 depend on; libc,
# libstdc++, libgcc and zlib are already in the base) and the CA certificates and time zones it reads.
FROM debian:bookworm-slim
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libcurl4 libpq5 libxml2 tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 fleettickets \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin fleettickets
COPY --from=build /out/fleettickets /usr/local/bin/fleettickets
COPY --from=build /out/swift-backtrace-static /usr/local/libexec/swift-backtrace-static
COPY data/gazetteer-kenya.csv /app/gazetteer-kenya.csv
COPY run_ingest.sh /app/run_ingest.sh
# A library the binary needs but the stage lacks fails the build here, not the first run.
RUN fleettickets --help >/dev/null
ENV TZ=Africa/Nairobi
# A crash prints a symbolicated backtrace of the crashing thread to stderr (the container's log),
# without waiting for a debugger (interactive=no) and with user paths sanitized.
ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,interactive=no,swift-backtrace=/usr/local/libexec/swift-backtrace-static
ENV GEOCODER_GAZETTEER=/app/gazetteer-kenya.csv
# By number, so that Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
WORKDIR /app
# Unhealthy when a dataset is behind, stale or stopped on a data error, or the database or
# bucket cannot be read (docs/contract.md §9): an alert on the data, not a sign the process is stuck.
HEALTHCHECK --interval=1m --timeout=30s --start-period=5m --retries=3 CMD ["fleettickets", "status", "--check", "--max-age", "45m"]
CMD ["fleettickets", "run"]
