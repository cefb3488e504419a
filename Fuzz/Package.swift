// swift-tools-version:6.0
// libFuzzer targets for kalypso-mirror (`make fuzz`). A separate package so the main package's
// `swift build` / `swift test` never see fuzzer flags; it depends on the main package by path.
// Build: swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address (see Fuzz/README.md)
import PackageDescription

/// One fuzz target: an executable whose `main.swift` calls `Fuzz.run` (see Fuzz/README.md), linked with the
/// named library products of the main package.
func fuzzTarget(_ name: String, products: [String] = ["EthereumKit"]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: "kalypso-mirror") },
                      path: "Targets/\(name)")
}

let package = Package(
    name: "kalypso-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "kalypso-mirror", path: "..")],
    targets: [
        .target(name: "CLibFuzzer", path: "Targets/CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], path: "Targets/FuzzSupport"),
        // One line per fuzz target (Targets/<Name>/main.swift):
        fuzzTarget("FuzzHexNumbers"),
        fuzzTarget("FuzzABI"),
        fuzzTarget("FuzzRLP"),
        fuzzTarget("FuzzTransaction"),
        fuzzTarget("FuzzJSONScanner", products: ["EthereumKit", "JSONRPC"]),
        fuzzTarget("FuzzABIJSON"),
    ]
)
