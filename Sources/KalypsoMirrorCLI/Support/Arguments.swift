/// The remaining command-line words of one command, consumed by name.
///
/// Options are `--name value` or `--name=value`; flags are `--name`. Whatever is left over
/// after a command took what it knows is an error (`finish()`), so a typo never goes unnoticed.
struct Arguments {
    private(set) var words: [String]
    /// The command path so far, for error messages (`kalypso-mirror abi encode`).
    let commandPath: String

    init(_ words: [String], commandPath: String) {
        self.words = words
        self.commandPath = commandPath
    }

    /// Whether `--help` or `-h` was given.
    var wantsHelp: Bool { words.contains("--help") || words.contains("-h") }

    /// Removes and returns `--name`'s value; nil if absent.
    mutating func option(_ name: String) throws -> String? {
        for (i, w) in words.enumerated() {
            if w == name {
                guard i + 1 < words.count else { throw CLIError.usage("\(name) needs a value; see '\(commandPath) --help'") }
                let v = words[i + 1]
                words.removeSubrange(i...(i + 1))
                return v
            }
            if w.hasPrefix(name + "=") {
                words.remove(at: i)
                return String(w.dropFirst(name.count + 1))
            }
        }
        return nil
    }

    /// Removes every occurrence of `--name value` and returns the values in order.
    mutating func options(_ name: String) throws -> [String] {
        var out: [String] = []
        while let v = try option(name) { out.append(v) }
        return out
    }

    /// Removes and returns `--name`'s value, or fails with a usage error naming it.
    mutating func requiredOption(_ name: String, _ what: String) throws -> String {
        guard let v = try option(name) else { throw CLIError.usage("missing \(name) <\(what)>; see '\(commandPath) --help'") }
        return v
    }

    /// Removes `--name` and returns whether it was there.
    mutating func flag(_ name: String) -> Bool {
        guard let i = words.firstIndex(of: name) else { return false }
        words.remove(at: i)
        return true
    }

    /// Removes and returns the next positional word; nil if none.
    /// A word that starts with `--` is not positional (a single `-`-led value such as a negative number is).
    mutating func positional() -> String? {
        guard let i = words.firstIndex(where: { !$0.hasPrefix("--") }) else { return nil }
        return words.remove(at: i)
    }

    /// Removes and returns the next positional word, or fails with a usage error naming it.
    mutating func requiredPositional(_ what: String) throws -> String {
        guard let v = positional() else { throw CLIError.usage("missing <\(what)>; see '\(commandPath) --help'") }
        return v
    }

    /// Removes and returns all remaining positional words.
    mutating func remainingPositionals() -> [String] {
        var out: [String] = []
        while let v = positional() { out.append(v) }
        return out
    }

    /// Fails if anything is left over.
    func finish() throws {
        guard words.isEmpty else {
            throw CLIError.usage("unexpected argument '\(words[0])'; see '\(commandPath) --help'")
        }
    }
}
