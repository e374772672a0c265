// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "fleettickets",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FleetTicketsCore", targets: ["FleetTicketsCore"]),
        .library(name: "FleetTicketsTesting", targets: ["FleetTicketsTesting"]),
        .library(name: "FleetTicketsPostgres", targets: ["FleetTicketsPostgres"]),
        .library(name: "FleetTicketsS3", targets: ["FleetTicketsS3"]),
        .library(name: "FleetTicketsGeocode", targets: ["FleetTicketsGeocode"]),
        .library(name: "FleetTicketsReport", targets: ["FleetTicketsReport"]),
        .executable(name: "fleettickets", targets: ["fleettickets"]),
    ],
    // Exact versions: the manifest alone freezes the graph, so a build needs no Package.resolved
    // (docs/operations.md, "Freezing the dependency graph").
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        // The worker is a `Service` an embedding server adds to its `ServiceGroup` (docs/embedding.md).
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        // The SDK emits through swift-metrics' API only (the pool's gauges, the engine's counters);
        // the backend is the embedder's choice.
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        // `swift package generate-documentation` (scripts/docs.sh); a command plugin, never linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", exact: "1.5.0"),
        // The CLI's backend: the Prometheus registry and its text exposition (`run --metrics-port`).
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        // swift-prometheus's own dependency, pinned here so the manifest alone fixes its version.
        .package(url: "https://github.com/apple/swift-atomics", exact: "1.3.0"),
        // The CLI's small HTTP listener for /metrics and /healthz (docs/decisions.md: why not Hummingbird).
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
    ],
    targets: [
        .target(
            name: "FleetTicketsCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // The one-page HTML report (inline CSS and SVG) rendered from typed values: pure Swift, no I/O.
        .target(
            name: "FleetTicketsReport",
            dependencies: ["FleetTicketsCore"]
        ),
        .target(
            name: "FleetTicketsPostgres",
            dependencies: [
                "FleetTicketsCore", "CLibPQ", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            plugins: ["EmbedMigrations"]
        ),
        .executableTarget(name: "embed-migrations"),
        .executableTarget(name: "open-backlog", dependencies: ["FleetTicketsCore"], path: "Examples/open-backlog"),
        .executableTarget(
            name: "dispatch-nearest", dependencies: ["FleetTicketsCore", "FleetTicketsPostgres"], path: "Examples/dispatch-nearest"
        ),
        .plugin(name: "EmbedMigrations", capability: .buildTool(), dependencies: ["embed-migrations"]),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // The small HTTP layer on libcurl shared by the bucket and the geocoders (package-level API).
        .target(
            name: "FleetTicketsHTTP",
            dependencies: ["CCurl", .product(name: "Logging", package: "swift-log")]
        ),
        // OpenSSL's libcrypto (its digests only): the Content-MD5 of S3 DeleteObjects requests.
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "FleetTicketsS3",
            dependencies: ["FleetTicketsCore", "FleetTicketsHTTP", "CCrypto", .product(name: "Logging", package: "swift-log")]
        ),
        // The keyed HTTP geocoders (LocationIQ, OpenCage, self-hosted Nominatim) on the HTTP layer.
        .target(
            name: "FleetTicketsGeocode",
            dependencies: ["FleetTicketsCore", "FleetTicketsHTTP", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "FleetTicketsTesting",
            dependencies: ["FleetTicketsCore"]
        ),
        .executableTarget(
            name: "fleettickets",
            dependencies: [
                "FleetTicketsCore",
                "FleetTicketsPostgres",
                "FleetTicketsS3",
                "FleetTicketsGeocode",
                "FleetTicketsReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Linked through Prometheus anyway; named so its exact pin is a used dependency.
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "FleetTicketsCoreTests",
            dependencies: [
                "FleetTicketsCore", "FleetTicketsTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "FleetTicketsReportTests",
            dependencies: ["FleetTicketsReport", "FleetTicketsCore", "FleetTicketsTesting"]
        ),
        .testTarget(
            name: "ExampleTests",
            dependencies: ["open-backlog", "dispatch-nearest", "FleetTicketsTesting"]
        ),
        .testTarget(
            name: "FleetTicketsIntegrationTests",
            dependencies: [
                "FleetTicketsCore", "FleetTicketsTesting", "FleetTicketsPostgres", "FleetTicketsReport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "FleetTicketsS3IntegrationTests",
            dependencies: [
                "FleetTicketsS3", "FleetTicketsHTTP", "FleetTicketsCore", "FleetTicketsTesting", "FleetTicketsPostgres",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Runs the built `fleettickets` executable: exit codes, output streams, settings
        // precedence, JSON shapes, and the worker as a process against PostGIS and a local S3.
        .testTarget(
            name: "FleetTicketsCLITests",
            dependencies: [
                "fleettickets", "FleetTicketsCore", "FleetTicketsTesting", "FleetTicketsPostgres", "FleetTicketsS3", "FleetTicketsReport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "FleetTicketsGeocodeTests",
            dependencies: [
                "FleetTicketsGeocode", "FleetTicketsHTTP", "FleetTicketsCore", "FleetTicketsTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
    ]
)
