import EthereumKit
import Foundation

/// `kalypso-mirror keccak`: Keccak-256 of hex bytes, text or a file (streamed).
enum KeccakCommand: CLICommand {
    static let name = "keccak"
    static let summary = "Keccak-256 of hex bytes, UTF-8 text or a file"
    static let help = """
    Usage:
      kalypso-mirror keccak <0xhex>
      kalypso-mirror keccak --text <string>
      kalypso-mirror keccak --file <path>

    Prints the 32-byte Keccak-256 digest (Ethereum's padding, not SHA3-256) as 0x-hex.
    --file reads the file in 1 MiB chunks, so any size works.
    """

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let text = try arguments.option("--text")
        let file = try arguments.option("--file")
        let hex = arguments.positional()
        try arguments.finish()
        switch (hex, text, file) {
        case let (h?, nil, nil):
            do { Console.out(Keccak256.hash(try Hex.decode(h)).description) } catch let e as HexError {
                throw CLIError.usage("keccak: \(e.message) (use --text for a string)")
            }
        case let (nil, t?, nil):
            Console.out(Keccak256.hash(utf8: t).description)
        case let (nil, nil, f?):
            Console.out(try hashFile(f).description)
        default:
            throw CLIError.usage("keccak needs exactly one of <0xhex>, --text or --file; see 'kalypso-mirror keccak --help'")
        }
        return 0
    }

    private static func hashFile(_ path: String) throws -> Hash32 {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CLIError.usage("keccak: cannot open \(path) for reading (check the path and permissions)")
        }
        defer { try? handle.close() }
        var hasher = Keccak256()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw CLIError.failure("keccak: reading \(path) failed: \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        return hasher.finalize()
    }
}
