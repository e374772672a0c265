// swift-tools-version: 6.2
import PackageDescription

// A package of its own, so the SDK's dependency graph stays free of Hummingbird, NIO and
// Prometheus: only services that embed the SDK this way pay for them.
let package = Package(
    name: "dispatch-service",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "fleettickets", path: "../.."),
        // No default traits: the service reads its settings through the SDK, not swift-configuration.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        .target(
            name: "DispatchService",
            dependencies: [
                .product(name: "FleetTicketsCore", package: "fleettickets"),
                .product(name: "FleetTicketsPostgres", package: "fleettickets"),
                .product(name: "FleetTicketsS3", package: "fleettickets"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "dispatch-service", dependencies: ["DispatchService"]),
        .testTarget(
            name: "DispatchServiceTests",
            dependencies: [
                // The live tests start the built binary.
                "DispatchService", "dispatch-service",
                .product(name: "FleetTicketsTesting", package: "fleettickets"),
                .product(name: "FleetTicketsS3", package: "fleettickets"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
