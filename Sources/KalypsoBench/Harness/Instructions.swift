import Foundation

/// Instruction counts under `valgrind --tool=callgrind`: deterministic, so they settle questions such as "does the
/// Swift wrapper add anything around the same C library" that CPU-time figures on a loaded machine cannot.
/// They are not a speed measure across different code (OpenSSL's assembly retires more instructions per cycle).
extension BenchContext {
    /// Operations per callgrind run; the per-operation figure is the difference between runs of n and 2n,
    /// so start-up and set-up cancel out.
    static let instructionRunSize = 400

    /// Fills `result` with operations per 10^9 instructions (ours, and the peer if it can run a fixed count).
    func compareInstructions(_ result: inout BenchResult, peer: PeerCommand?, unitsPerOperation: Double) {
        result.basis = .instructions
        let n = Self.instructionRunSize
        switch Self.instructionsPerOperation(n: n, arguments: oursCommand) {
        case .success(let perOperation): result.ours.add(1e9 / perOperation * unitsPerOperation)
        case .failure(let failure): result.skipReason = failure.message; return
        }
        guard let peer, result.skipReason == nil else { return }
        guard let fixed = peer.fixedCount else {
            result.skipReason = "the peer cannot run a fixed number of operations; instruction counts need that"
            return
        }
        switch Self.instructionsPerOperation(n: n, arguments: fixed) {
        case .success(let perOperation):
            result.peer.add(1e9 / perOperation * unitsPerOperation)
            result.pairRatios.add(result.ours.median / result.peer.median)
        case .failure(let failure):
            result.skipReason = failure.message
        }
    }

    /// This binary, running our side of the current benchmark `count` times.
    func oursCommand(_ count: Int) -> [String] {
        [CommandLine.arguments[0], "--out", outputDirectory, "--python", python, "--run-ours", String(count), currentBenchmark]
    }

    /// (Ir(2n) − Ir(n)) / n for the command `arguments(count)`.
    static func instructionsPerOperation(n: Int, arguments: (Int) -> [String]) -> Result<Double, PeerFailure> {
        var counts: [Double] = []
        for count in [n, 2 * n] {
            switch callgrind(arguments(count)) {
            case .success(let ir): counts.append(ir)
            case .failure(let failure): return .failure(failure)
            }
        }
        guard counts[1] > counts[0] else { return .failure(PeerFailure(message: "callgrind counted no work")) }
        return .success((counts[1] - counts[0]) / Double(n))
    }

    /// Runs a command under callgrind and returns the instructions it executed ("Collected : N" on stderr).
    static func callgrind(_ arguments: [String]) -> Result<Double, PeerFailure> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + arguments
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        do { try process.run() } catch {
            return .failure(PeerFailure(message: "cannot start valgrind (apt-get install valgrind): \(error)"))
        }
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = text.split(separator: "\n").first(where: { $0.contains("Collected :") }),
              let count = line.split(separator: ":").last.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) else {
            return .failure(PeerFailure(message: "callgrind of \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus))"))
        }
        return .success(count)
    }
}
