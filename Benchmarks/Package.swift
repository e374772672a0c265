// swift-tools-version: 6.0
// Benchmarks live in their own package so the product does not depend on what they compare
// against. Run them with scripts/bench-core.sh and scripts/bench-postgres.sh.
import PackageDescription

let package = Package(
    name: "fleettickets-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "fleettickets", path: ".."),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
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
    ]
)
