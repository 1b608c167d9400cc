// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "dq",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dq", targets: ["dq"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .target(name: "DQText"),
        .target(name: "DQStore", dependencies: ["CSQLite", "DQText"]),
        .target(name: "DQReports", dependencies: ["DQText"]),
        .target(name: "DQAnalyses", dependencies: ["DQStore", "DQText"]),
        .executableTarget(
            name: "dq",
            dependencies: [
                "DQStore", "DQText", "DQAnalyses", "DQReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "DQTextTests", dependencies: ["DQText"], exclude: ["Golden"]),
        .testTarget(name: "DQStoreTests", dependencies: ["DQStore"]),
        .testTarget(name: "DQReportsTests", dependencies: ["DQReports"]),
        .testTarget(name: "DQAnalysesTests", dependencies: ["DQAnalyses"]),
        .testTarget(name: "DQCommandTests", dependencies: ["dq"]),
    ]
)
