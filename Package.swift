// swift-tools-version:6.0
// kalypso-mirror: an off-chain companion for the Kalypso proof marketplace.
// No Swift package dependencies: Foundation, XCTest / Swift Testing and Debian C libraries only.
import PackageDescription

let package = Package(
    name: "kalypso-mirror",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kalypso-mirror", targets: ["KalypsoMirrorCLI"]),
        .executable(name: "kalypso-bench", targets: ["KalypsoBench"]),
        .library(name: "EthereumKit", targets: ["EthereumKit"]),
    ],
    targets: [
        // MARK: C libraries from Debian, one system-library target each (shims in their headers).
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // MARK: Core: bytes, numbers, hashing, RLP, ABI, signatures, transactions, keystore. No I/O.
        .target(name: "EthereumKit", dependencies: ["CSecp256k1", "COpenSSL"]),
        // MARK: Logging and metrics that libraries take as parameters.
        .target(name: "Telemetry"),

        // MARK: The executable.
        .executableTarget(name: "KalypsoMirrorCLI", dependencies: ["EthereumKit", "Telemetry"]),

        // MARK: Benchmarks (`make bench`): our code next to a peer in the same run.
        .executableTarget(name: "KalypsoBench", dependencies: ["EthereumKit", "CSecp256k1"]),

        // MARK: Unit tests (no network, no servers).
        .testTarget(name: "EthereumKitTests", dependencies: ["EthereumKit"]),
        .testTarget(name: "KalypsoBenchTests", dependencies: ["KalypsoBench", "EthereumKit"]),
    ]
)
