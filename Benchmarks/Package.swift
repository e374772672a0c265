// swift-tools-version: 6.0
// Benchmarks live in their own package so the product does not depend on what they compare
// against. Run them with scripts/bench-core.sh, scripts/bench-postgres.sh and scripts/bench-s3.sh.
import PackageDescription

let package = Package(
    name: "fleettickets-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "fleettickets", path: ".."),
        .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "core-bench",
            dependencies: [
                .product(name: "FleetTicketsCore", package: "fleettickets"),
                .product(name: "FleetTicketsTesting", package: "fleettickets"),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        .executableTarget(
            name: "pg-bench",
            dependencies: [
                .product(name: "FleetTicketsCore", package: "fleettickets"),
                .product(name: "FleetTicketsPostgres", package: "fleettickets"),
            ]
        ),
        .executableTarget(
            name: "s3-bench",
            dependencies: [
                .product(name: "FleetTicketsCore", package: "fleettickets"),
                .product(name: "FleetTicketsPostgres", package: "fleettickets"),
                .product(name: "FleetTicketsS3", package: "fleettickets"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
