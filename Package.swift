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
        // For the libFuzzer package in Fuzz/ (FuzzJSONScanner).
        .library(name: "JSONRPC", targets: ["JSONRPC"]),
    ],
    targets: [
        // MARK: C libraries from Debian, one system-library target each (shims in their headers).
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // MARK: scrypt's ROMix core in C, for the keystore parameters OpenSSL's EVP_PBE_scrypt refuses
        // (N ≥ 2^(16r), e.g. the wiki vector N=2^18 r=1). Always -O2: at -O0 a debug-build test of
        // N=2^18 would take seconds.
        .target(name: "CScryptCore", cSettings: [.unsafeFlags(["-O2"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),

        // MARK: Core: bytes, numbers, hashing, RLP, ABI, signatures, transactions, keystore. No I/O.
        .target(name: "EthereumKit", dependencies: ["CSecp256k1", "COpenSSL", "CScryptCore"]),
        // MARK: Logging and metrics that libraries take as parameters.
        .target(name: "Telemetry"),
        // MARK: SQL access layer: bound-parameter queries, SQLite and PostgreSQL connections, migrations.
        .target(name: "Database", dependencies: ["CSQLite", "CPostgres", "COpenSSL", "EthereumKit", "Telemetry"]),
        // MARK: HTTP server over libmicrohttpd: routing, limits, JSON writer, OpenAPI builder, health and metrics.
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD", "Telemetry"]),
        // MARK: A fixed-response server for Benchmarks/http (not part of the user CLI).
        .executableTarget(name: "http-bench-server", dependencies: ["HTTPServer", "Telemetry"], path: "Sources/HTTPBenchServer"),
        // MARK: Kalypso G1: typed events, state model, pure reducer, derived values, eligibility. No I/O.
        .target(name: "Kalypso", dependencies: ["EthereumKit"]),
        // MARK: Matching engine (issue 6): the contract's assignTask rules, deterministic policy, signed batches. No I/O.
        .target(name: "Matching", dependencies: ["Kalypso", "EthereumKit", "Telemetry"]),
        // MARK: JSON-RPC client over libcurl: transport, retries, failover, typed eth_ calls, fast JSON scanner.
        .target(name: "JSONRPC", dependencies: ["EthereumKit", "Telemetry", "CCurl"]),
        // MARK: A scriptable HTTP/1.1 server and fault-injecting proxy for tests (not linked into the executable).
        .target(name: "FaultInjection"),

        // MARK: Mirror: decode → enrich → reduce → store, sync state machines, configuration.
        .target(name: "Mirror", dependencies: ["EthereumKit", "Kalypso", "JSONRPC", "Database", "Telemetry"]),

        // MARK: Generator operator (issue 5): preflight, EIP-1559 transactions, reverts, attestations, amounts, keys.
        .target(name: "Operator", dependencies: ["EthereumKit", "JSONRPC", "Telemetry", "Kalypso", "Mirror"]),

        // MARK: Match runner (issue 6): rounds on mirrored snapshots, re-checks, eth_call simulation, nonce-managed relay.
        .target(name: "MatchRunner", dependencies: ["Matching", "Mirror", "Operator", "Kalypso", "EthereumKit", "JSONRPC", "Telemetry"]),

        // MARK: HTTP API (issue 7): the /v1 query routes over MirrorReader, their OpenAPI schemas, readiness, APIService.
        .target(name: "API", dependencies: ["HTTPServer", "Mirror", "Kalypso", "EthereumKit", "Database", "Telemetry"]),

        // MARK: The executable.
        .executableTarget(name: "KalypsoMirrorCLI", dependencies: ["EthereumKit", "Telemetry", "JSONRPC", "Kalypso", "Operator", "Mirror", "Database",
                                                                  "Matching", "MatchRunner", "API", "HTTPServer"]),

        // MARK: Benchmarks (`make bench`): our code next to a peer in the same run.
        .executableTarget(name: "KalypsoBench", dependencies: ["EthereumKit", "CSecp256k1", "Kalypso", "Matching", "Telemetry", "Mirror", "JSONRPC",
                                                               "Database", "HTTPServer"]),

        // MARK: Test support (test-only libraries, never linked into the executable).
        .target(name: "DatabaseTestSupport", dependencies: ["Database", "EthereumKit", "Telemetry"], path: "Tests/DatabaseTestSupport",
                exclude: ["Fixtures"]),
        // A raw-socket HTTP/1.1 test client shared by HTTPServerTests, APITests and MirrorIntegrationTests.
        .target(name: "HTTPTestSupport", path: "Tests/HTTPTestSupport"),

        // MARK: Unit tests, one per target (no node; in-process servers on 127.0.0.1 port 0 and temp SQLite files only;
        // the store suites also run on PostgreSQL when `make test` provides one).
        .testTarget(name: "EthereumKitTests", dependencies: ["EthereumKit"], exclude: ["Encryption/ecies_peer.py"]),
        .testTarget(name: "DatabaseTests", dependencies: ["Database", "DatabaseTestSupport", "EthereumKit", "Telemetry"]),
        // JSONRPCTests also starts in-process HTTP servers (FaultInjection).
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC", "FaultInjection", "EthereumKit", "Telemetry"]),
        .testTarget(name: "KalypsoTests", dependencies: ["Kalypso", "EthereumKit"]),
        // MirrorTests: decoding, enrichment, store and sync (RPCChainReader tests use an in-process FaultInjection server).
        .testTarget(name: "MirrorTests", dependencies: ["Mirror", "Kalypso", "EthereumKit", "JSONRPC", "FaultInjection", "Database",
                                                        "DatabaseTestSupport", "Telemetry"]),
        .testTarget(name: "MatchingTests", dependencies: ["Matching", "Kalypso", "EthereumKit", "Telemetry"]),
        // MatchRunnerTests: the relayer against a local fake chain (the contract's predicate on a KalypsoState).
        .testTarget(name: "MatchRunnerTests", dependencies: ["MatchRunner", "Matching", "Mirror", "Operator", "Kalypso", "EthereumKit",
                                                             "JSONRPC", "Telemetry"]),
        .testTarget(name: "OperatorTests", dependencies: ["Operator", "EthereumKit", "Kalypso", "JSONRPC", "Mirror"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "HTTPTestSupport", "Telemetry", "EthereumKit"]),
        // APITests: the API over stores built in temp SQLite files (reducer-made ranges); responses validated against
        // /openapi.json by Tests/APITests/validate_openapi.py (openapi-spec-validator + jsonschema, `make api-venv`).
        .testTarget(name: "APITests", dependencies: ["API", "HTTPServer", "HTTPTestSupport", "Mirror", "Kalypso", "EthereumKit",
                                                     "Database", "DatabaseTestSupport", "JSONRPC", "Telemetry"],
                    exclude: ["requirements.txt", "validate_openapi.py"]),
        // CLI tests run the built .build/debug/kalypso-mirror (swift build --build-tests builds it).
        .testTarget(name: "KalypsoMirrorCLITests", dependencies: ["EthereumKit", "FaultInjection"]),
        .testTarget(name: "KalypsoBenchTests", dependencies: ["KalypsoBench", "EthereumKit"]),

        // MARK: Integration tests (a real server or node; each skips with a reason when it is missing).
        // PostgresIntegrationTests: the database layer on the PostgreSQL that `make test` starts (Scripts/pg-test-server).
        .testTarget(name: "PostgresIntegrationTests", dependencies: ["Database", "DatabaseTestSupport", "EthereumKit", "Telemetry"]),
        // OperatorIntegrationTests: a devnode subprocess (port 0) and the CLI binary.
        .testTarget(name: "OperatorIntegrationTests", dependencies: ["Operator", "EthereumKit", "Kalypso", "JSONRPC", "Telemetry"]),
        // MirrorIntegrationTests: the mirror, API and matching engine against devnode subprocesses, on SQLite and PostgreSQL.
        .testTarget(name: "MirrorIntegrationTests", dependencies: ["Mirror", "Kalypso", "EthereumKit", "JSONRPC", "Database",
                                                                   "DatabaseTestSupport", "FaultInjection", "Telemetry", "API", "HTTPTestSupport"],
                    exclude: ["Fixtures"]),
    ]
)
