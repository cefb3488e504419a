import Testing

/// Collects failed checks of a property test so that one bug reports one failure (with the first few
/// counterexamples) instead of thousands.
struct Mismatches {
    private(set) var count = 0
    private(set) var examples: [String] = []
    private(set) var checks = 0

    mutating func check(_ ok: Bool, _ what: @autoclosure () -> String) {
        checks += 1
        guard !ok else { return }
        count += 1
        if examples.count < 5 { examples.append(what()) }
    }

    /// Records a test issue if any check failed.
    func expectNone(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(count == 0, "\(name): \(count) of \(checks) checks failed, e.g. \(examples.joined(separator: "; "))",
                sourceLocation: sourceLocation)
    }
}
