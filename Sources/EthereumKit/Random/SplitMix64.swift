/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast, seedable generator.
///
/// The one deterministic generator of the project: retry jitter in tests (JSONRPC), synthetic benchmark states
/// (Matching, KalypsoBench) and every property test use it with fixed seeds, so a run can be reproduced exactly.
/// Not for keys or anything secret: key generation uses the system's random source.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from `seed`; equal seeds give equal sequences.
    public init(seed: UInt64) { state = seed }

    /// The next 64 pseudo-random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` by modulo (the bias is negligible for test and benchmark data). `bound` must be > 0.
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    /// `count` pseudo-random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}
