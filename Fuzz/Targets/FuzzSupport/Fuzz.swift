import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif

/// Runs a libFuzzer target: `Fuzz.run { bytes in … }` is the whole `main.swift` of a fuzz target.
///
/// The body gets each input as raw bytes. It must not trap on any input, except to report a real bug
/// (a failed round-trip or invariant check: use `Fuzz.require`).
public enum Fuzz {
    nonisolated(unsafe) private static var body: ((UnsafeRawBufferPointer) -> Void)?

    /// Hands control to libFuzzer (which parses `-max_total_time=`, corpus directories, …) and exits with its status.
    public static func run(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
        Fuzz.body = body
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            Fuzz.body?(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
        exit(status)
    }

    /// Traps with `message` when `condition` is false: the fuzzer records the input as a crash.
    @inline(__always)
    public static func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
        if !condition() {
            let line = Array("fuzz invariant failed: \(message())\n".utf8)
            _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }   // unbuffered: abort() flushes nothing
            abort()
        }
    }
}
