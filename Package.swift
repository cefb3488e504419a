// swift-tools-version:6.0
// kalypso-mirror: an off-chain companion for the Kalypso proof marketplace.
// No Swift package dependencies: Foundation, XCTest / Swift Testing and Debian C libraries only.
import PackageDescription

let package = Package(
    name: "kalypso-mirror",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kalypso-mirror", targets: ["KalypsoMirrorCLI"]),
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
        // MARK: JSON-RPC client over libcurl: transport, retries, failover, typed eth_ calls, fast JSON scanner.
        .target(name: "JSONRPC", dependencies: ["EthereumKit", "Telemetry", "CCurl"]),
        // MARK: A scriptable HTTP/1.1 server and fault-injecting proxy for tests (not linked into the executable).
        .target(name: "FaultInjection"),

        // MARK: The executable.
        .executableTarget(name: "KalypsoMirrorCLI", dependencies: ["EthereumKit", "Telemetry"]),

        // MARK: Unit tests (no network, no servers).
        .testTarget(name: "EthereumKitTests", dependencies: ["EthereumKit"]),
        // JSONRPCTests also starts in-process HTTP servers (FaultInjection) on 127.0.0.1, port 0.
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC", "FaultInjection", "EthereumKit", "Telemetry"]),
    ]
)
