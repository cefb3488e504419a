#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of object keys, looked up with one hash probe and one byte comparison.
///
/// Typed decoders build one per object type (`static let`) and switch on the returned index.
public struct JSONKeySet: Sendable {
    private let names: [[UInt8]]
    private let table: [Int16]
    private let mask: Int

    /// Creates a set; a key's index is its position in `names`.
    public init(_ names: [String]) {
        self.names = names.map { Array($0.utf8) }
        var size = 64
        while size < names.count * 4 { size *= 2 }
        var table = [Int16](repeating: -1, count: size)
        for (i, n) in self.names.enumerated() {
            var h = Self.hash(n.count, n.first ?? 0, n.last ?? 0, n.isEmpty ? 0 : n[n.count / 2]) & (size - 1)
            while table[h] >= 0 { h = (h + 1) & (size - 1) }
            table[h] = Int16(i)
        }
        self.table = table
        self.mask = size - 1
    }

    @inline(__always)
    private static func hash(_ count: Int, _ first: UInt8, _ last: UInt8, _ middle: UInt8) -> Int {
        count &* 31 &+ Int(first) &* 7 &+ Int(last) &* 3 &+ Int(middle) &* 13
    }

    /// The index of `key` (read by `scanner.readKey()`), or -1 if it is not in the set.
    @inline(__always)
    public func index(of key: JSONKey, in scanner: JSONScanner) -> Int {
        if key.escaped {
            guard let text = try? scanner.text(of: key) else { return -1 }
            return index(ofText: text)
        }
        let n = key.count
        guard n > 0, let base = scanner.buffer.baseAddress else { return -1 }
        let p = base + key.start
        let b = scanner.buffer
        var h = Self.hash(n, b[key.start], b[key.start + n - 1], b[key.start + n / 2]) & mask
        while true {
            let i = Int(table[h])
            if i < 0 { return -1 }
            let name = names[i]
            if name.count == n, name.withUnsafeBytes({ $0.baseAddress.map { memcmp($0, p, n) == 0 } ?? false }) { return i }
            h = (h + 1) & mask
        }
    }

    /// The index of a key given as text, or -1.
    public func index(ofText text: String) -> Int {
        let utf8 = Array(text.utf8)
        return names.firstIndex(of: utf8) ?? -1
    }

    /// The name at `index`, for error messages.
    public func name(_ index: Int) -> String { String(decoding: names[index], as: UTF8.self) }
}
