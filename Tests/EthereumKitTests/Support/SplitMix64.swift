@testable import EthereumKit

/// Edge-weighted 256-bit values for property tests, over EthereumKit's `SplitMix64`.
extension SplitMix64 {
    /// A 256-bit value drawn so that edge cases are common: small numbers, powers of two and their
    /// neighbours, values near the maximum, limbs that are all zero or all one, and uniformly random values.
    mutating func uint256() -> UInt256 {
        func limb(_ g: inout SplitMix64) -> UInt64 {
            switch g.below(4) { case 0: return 0; case 1: return .max; default: return g.next() }
        }
        switch below(10) {
        case 0: return UInt256(next() % 1000)
        case 1: return UInt256.max &- UInt256(next() % 1000)
        case 2:
            let p = UInt256.one << below(256)
            switch below(3) { case 0: return p; case 1: return p &- .one; default: return p &+ .one }
        case 3: return UInt256(l0: limb(&self), l1: limb(&self), l2: limb(&self), l3: limb(&self))
        case 4, 5: return UInt256(l0: next(), l1: next(), l2: next(), l3: next()) >> below(256)
        default: return UInt256(l0: next(), l1: next(), l2: next(), l3: next())
        }
    }

    /// A signed 256-bit value with the same emphasis on edges (including `min`, `max`, −1 and 0).
    mutating func int256() -> Int256 {
        switch below(12) {
        case 0: return [Int256.min, .max, Int256(-1), .zero, Int256(1)][below(5)]
        case 1: return Int256(bitPattern: Int256.min.bitPattern &+ UInt256(next() % 100))
        default: return Int256(bitPattern: uint256())
        }
    }
}
