// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Rumbo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rumbo", targets: ["rumbo"]),
        .library(name: "RumboCore", targets: ["RumboCore"]),
        .library(name: "RumboStore", targets: ["RumboStore"]),
        .library(name: "RumboServer", targets: ["RumboServer"]),
        .library(name: "RumboAnalytics", targets: ["RumboAnalytics"]),
        .library(name: "RumboIngest", targets: ["RumboIngest"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
    ],
    targets: [
        // Pure OKR domain: types, progress, grading, status. Foundation only.
        .target(name: "RumboCore"),
        // Customer-base models (BG/NBD, Pareto/NBD, Gamma-Gamma): pure numerics over the core's calendar.
        .target(name: "RumboAnalytics", dependencies: ["RumboCore"]),
        // Streaming CSV / JSON Lines readers -> validated typed rows. Foundation only.
        .target(name: "RumboIngest", dependencies: ["RumboCore"]),
        // One store API over SQLite and PostgreSQL.
        .target(
            name: "RumboStore",
            dependencies: [
                "RumboCore",
                "RumboAnalytics",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Thin HTTP layer: JSON API, HTML pages, SVG charts.
        .target(
            name: "RumboServer",
            dependencies: [
                "RumboCore",
                "RumboStore",
                "RumboAnalytics",
                "RumboIngest",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            resources: [.copy("Resources")]
        ),
        // Thin CLI over the libraries.
        .executableTarget(
            name: "rumbo",
            dependencies: [
                "RumboCore",
                "RumboStore",
                "RumboServer",
                "RumboAnalytics",
                "RumboIngest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test-only helpers shared by the store and server tests: a database per test on each engine.
        .target(
            name: "RumboTestSupport",
            dependencies: ["RumboCore", "RumboAnalytics", "RumboStore", .product(name: "PostgresKit", package: "postgres-kit")]
        ),
        .testTarget(name: "RumboCoreTests", dependencies: ["RumboCore"]),
        .testTarget(name: "RumboIngestTests", dependencies: ["RumboCore", "RumboIngest"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RumboAnalyticsTests", dependencies: ["RumboAnalytics"], resources: [.copy("Resources")]),
        .testTarget(name: "RumboStoreTests", dependencies: ["RumboCore", "RumboStore", "RumboTestSupport"]),
        .testTarget(
            name: "RumboServerTests",
            dependencies: [
                "RumboCore", "RumboStore", "RumboServer", "RumboTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
