import EthereumKit
import FuzzSupport

// The RLP decoder. `RLP.fuzz` checks that whatever decodes re-encodes to the same bytes; on top of that the
// decoder's verdict is compared with a small independent strict decoder written from the Yellow Paper rules,
// so a decoder that rejects valid input (or accepts non-canonical input) fails too, not only one that traps.

/// The canonical RLP grammar: returns the item at `i` (advancing `i`) or nil if the bytes are not canonical RLP.
/// `level` is the number of enclosing lists; the library accepts lists nested up to `RLP.maxDepth` levels.
func reference(_ b: [UInt8], _ i: inout Int, end: Int, level: Int) -> RLPItem? {
    guard i < end else { return nil }
    let first = b[i]
    i += 1
    if first < 0x80 { return .bytes([first]) }
    let isList = first >= 0xc0
    let base: UInt8 = isList ? 0xc0 : 0x80
    var length = 0
    if first - base < 56 {
        length = Int(first - base)
    } else {
        let ll = Int(first - base - 55)
        guard end - i >= ll, b[i] != 0 else { return nil }
        for _ in 0..<ll {
            guard length <= (Int.max >> 8) else { return nil }   // longer than any input
            length = length << 8 | Int(b[i])
            i += 1
        }
        guard length >= 56 else { return nil }
    }
    guard end - i >= length else { return nil }
    let stop = i + length
    if !isList {
        if length == 1 && b[i] < 0x80 { return nil }
        defer { i = stop }
        return .bytes(Array(b[i..<stop]))
    }
    guard level < RLP.maxDepth else { return nil }
    var items: [RLPItem] = []
    while i < stop {
        guard let item = reference(b, &i, end: stop, level: level + 1) else { return nil }
        items.append(item)
    }
    return .list(items)
}

Fuzz.run { raw in
    Fuzz.require(RLP.fuzz(raw), "RLP: a decoded item does not re-encode to the input bytes")
    let bytes = Array(raw)
    let decoded = try? RLP.decode(raw)
    var i = 0
    var expected = reference(bytes, &i, end: bytes.count, level: 0)
    if i != bytes.count { expected = nil }
    Fuzz.require(decoded == expected, "RLP.decode disagrees with the reference decoder: \(decoded == nil ? "rejected" : "accepted") \(Hex.encode(bytes))")
    // The in-place reader the transaction decoder uses: a top-level list's item count and its items, read one by one.
    if case .list(let items)? = decoded {
        var reader = RLPReader(raw)
        let inner = try? reader.readList()
        Fuzz.require((try? inner?.remainingItemCount()) == items.count, "RLPReader.remainingItemCount disagrees with the decoded list")
        if var inner {
            for item in items { Fuzz.require((try? inner.readItem()) == item, "RLPReader.readItem disagrees with RLP.decode") }
            Fuzz.require(inner.isAtEnd && (try? inner.finish()) != nil, "RLPReader: items left after the decoded list")
        }
    }
}
