// swift-tools-version:6.0
// libFuzzer targets for kalypso-mirror (`make fuzz`). A separate package so the main package's
// `swift build` / `swift test` never see fuzzer flags; it depends on the main package by path.
// Build: swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address (see Fuzz/README.md)
import PackageDescription

/// One fuzz target: an executable whose sources define `LLVMFuzzerTestOneInput` (see Fuzz/README.md).
func fuzzTarget(_ name: String) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "EthereumKit", package: "kalypso-mirror")],
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
    ]
)
