# fleettickets: a batch worker, no web server. Each dataset's ingest runs as its own scheduled
# task (every 20 minutes, 06:00–20:40 EAT); see docs/operations.md.
#
# Build stage: the Swift toolchain and the -dev packages of the C libraries we link.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev libcurl4-openssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Plugins ./Plugins
COPY migrations ./migrations
COPY data ./data
RUN swift build -c release --product fleettickets --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/fleettickets" /out/fleettickets

# Run stage: only the runtime libraries (libpq, libcurl, CA certificates, tzdata).
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libcurl4 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /app fleettickets
COPY --from=build /out/fleettickets /usr/local/bin/fleettickets
COPY data/gazetteer-kenya.csv /app/gazetteer-kenya.csv
COPY run_ingest.sh /app/run_ingest.sh
USER fleettickets
WORKDIR /app
ENV TZ=Africa/Nairobi
# Kept alive for the scheduler's tasks (e.g. `fleettickets ingest inc --from-bucket --apply`).
CMD ["tail", "-f", "/dev/null"]
