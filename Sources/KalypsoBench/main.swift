import Foundation

/// `kalypso-bench`: measures our code next to a peer in the same run and prints the ratios.
/// Prints figures and PASS/MISS against each goal; it never fails on a missed goal (exit 0), only on bad usage (2).
let usage = """
Usage: kalypso-bench [options] [all | <benchmark>…]
       kalypso-bench list

Options:
  --quick            3 short samples per side instead of 5 (a smoke run, noisier)
  --repeats <n>      samples per side (default 5)
  --out <dir>        where make bench put built peers and inputs (default bench-out)
  --python <path>    the Python of the project venv (default .venv/bin/python)
  --instructions     count instructions per operation under callgrind instead of timing (deterministic;
                     for peers that run a fixed count, e.g. the ecrecover C loop: shows what a wrapper adds)
  --no-callgrind     skip the instruction count that timed runs add for such peers

Build with -c release; run from the project root (make bench does both).
"""

func runBench(_ words: [String]) -> Int32 {
    var context = BenchContext()
    var names: [String] = []
    var i = 0
    func value(_ flag: String) -> String? {
        i += 1
        guard i < words.count else { FileHandle.standardError.write(Data("error: \(flag) needs a value\n".utf8)); return nil }
        return words[i]
    }
    while i < words.count {
        switch words[i] {
        case "--help", "-h", "help": print(usage); return 0
        case "--quick": context.repeats = 3; context.sampleSeconds = 0.2; context.peerSeconds = 1
        case "--repeats":
            guard let v = value("--repeats"), let n = Int(v), n > 0 else { return 2 }
            context.repeats = n
        case "--out": guard let v = value("--out") else { return 2 }; context.outputDirectory = v
        case "--python": guard let v = value("--python") else { return 2 }; context.python = v
        case "--instructions": context.countInstructions = true
        case "--no-callgrind": context.callgrindToo = false
        case "--run-ours":
            guard let v = value("--run-ours"), let n = Int(v), n > 0 else { return 2 }
            context.runOursOnly = n
        case "list":
            for b in BenchmarkRegistry.all {
                print("\(b.name.padding(toLength: 16, withPad: " ", startingAt: 0))\(b.summary)\(b.inAll ? "" : " (by name only)")")
            }
            return 0
        case let word where word.hasPrefix("-"):
            FileHandle.standardError.write(Data("error: unknown option \(word); see kalypso-bench --help\n".utf8))
            return 2
        default: names.append(words[i])
        }
        i += 1
    }
    var selected: [Benchmark] = []
    if names.isEmpty || names == ["all"] {
        selected = BenchmarkRegistry.all.filter(\.inAll)
    } else {
        for name in names {
            guard let b = BenchmarkRegistry.all.first(where: { $0.name == name }) else {
                let known = BenchmarkRegistry.all.map(\.name).joined(separator: ", ")
                FileHandle.standardError.write(Data("error: unknown benchmark '\(name)' (known: \(known))\n".utf8))
                return 2
            }
            selected.append(b)
        }
    }
    if context.runOursOnly != nil {
        // Internal mode for callgrind: run our side of one benchmark, print nothing.
        guard selected.count == 1 else { return 2 }
        context.currentBenchmark = selected[0].name
        _ = selected[0].run(context)
        return 0
    }
    Report.printHeader(Machine.current(), instructions: context.countInstructions)
    fflush(nil)
    var results: [BenchResult] = []
    for benchmark in selected {
        context.currentBenchmark = benchmark.name
        let result = benchmark.run(context)
        print(result.line)
        fflush(nil)
        results.append(result)
    }
    Report.printSummary(results)
    return 0
}

exit(runBench(Array(CommandLine.arguments.dropFirst())))
