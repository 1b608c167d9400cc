// swift-tools-version:6.0
import PackageDescription

/// Numeric code is compiled with AVX2 and FMA on x86-64 hosts, so that SIMD8<Float> arithmetic
/// becomes 256-bit fused multiply-adds (a plain build emits scalar SSE code, ~100x slower in
/// the GEMM kernel). Other hosts (arm64) use their baseline vector unit, NEON.
#if arch(x86_64)
let vectorISA: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma"])]
/// Only the AVX-512 GEMM micro-kernel, called after a run-time CPU check.
let avx512ISA: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx512f", "-Xcc", "-mavx2", "-Xcc", "-mfma"])]
#else
let vectorISA: [SwiftSetting] = []
let avx512ISA: [SwiftSetting] = []
#endif

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
        .target(name: "DQKernels512", swiftSettings: avx512ISA),
        /// Optimised in debug builds too: the tests train models, and unspecialised generic SIMD
        /// code runs orders of magnitude slower than the release build.
        .target(name: "DQLearning", dependencies: ["DQText", "DQKernels512"],
                swiftSettings: vectorISA + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "DQAnalyses", dependencies: ["DQText", "DQLearning"]),
        /// One function per command's work, with typed parameters and results; the CLI only parses and renders.
        .target(name: "DQRuns", dependencies: ["DQStore", "DQText", "DQAnalyses", "DQReports", "DQLearning"]),
        .executableTarget(
            name: "dq",
            dependencies: [
                "DQRuns", "DQStore", "DQReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "dq-bench", dependencies: ["DQAnalyses", "DQLearning", "DQText"], path: "bench/Sources/dq-bench",
                          swiftSettings: vectorISA),
        /// Paths of fixtures and temporary files, shared by the test targets.
        .target(name: "DQTestSupport", path: "Tests/DQTestSupport"),
        .testTarget(name: "DQTextTests", dependencies: ["DQText", "DQTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "DQStoreTests", dependencies: ["DQStore", "DQText", "DQTestSupport"]),
        .testTarget(name: "DQReportsTests", dependencies: ["DQReports", "DQText"]),
        .testTarget(name: "DQLearningTests", dependencies: ["DQLearning", "DQText", "DQTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "DQAnalysesTests", dependencies: ["DQAnalyses", "DQLearning", "DQText", "DQStore", "DQTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "DQRunsTests", dependencies: ["DQRuns", "DQStore", "DQAnalyses", "DQLearning", "DQReports", "DQText", "DQTestSupport"]),
        /// Reads Package.swift, the sources' import lines and docs/architecture.md: the layer rules.
        .testTarget(name: "ArchitectureTests"),
        .testTarget(name: "DQCommandTests", dependencies: ["dq", "DQRuns", "DQStore", "DQText", "DQTestSupport"]),
    ]
)
