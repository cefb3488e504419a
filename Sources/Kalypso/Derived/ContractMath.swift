import EthereumKit

/// The G1 contracts' constants and their checked integer arithmetic (Solidity ≥ 0.8: an overflow reverts with
/// `Panic(0x11)`, division rounds down).
public enum ContractMath {
    /// `EXPONENT = 10**18`: 100 % for the two utilisation fields.
    public static let exponent = UInt256(1_000_000_000_000_000_000)
    /// `PARALLEL_REQUESTS_UPPER_LIMIT = 100` (checked with a strict `>`, so a 101st concurrent request is accepted).
    public static let parallelRequestsUpperLimit = UInt256(100)
    /// `MARKET_ACTIVATION_DELAY = 100` G1 clock blocks.
    public static let marketActivationDelay = UInt256(100)
    /// `REDUCTION_REQUEST_BLOCK_GAP = 1`: an intent can be executed from the next G1 clock block on.
    public static let reductionRequestBlockGap = UInt256(1)

    /// Solidity's `a * b / 1e18`; nil where `a * b` overflows (the contract reverts with `Panic(0x11)`).
    @inlinable
    public static func scaleByUtilization(_ a: UInt256, _ utilization: UInt256) -> UInt256? {
        guard let product = a.multiplied(by: utilization) else { return nil }
        return product.quotientAndRemainder(dividingBy: exponent.l0).quotient
    }

    /// `⌊a · b / c⌋` computed exactly through the 512-bit product (no intermediate overflow); nil if `c` is zero or
    /// the quotient does not fit 256 bits. Not contract math: for exact fractions off chain.
    public static func mulDivFloor(_ a: UInt256, _ b: UInt256, _ c: UInt256) -> UInt256? {
        guard !c.isZero else { return nil }
        let (high, low) = a.multipliedFullWidth(by: b)
        if high.isZero { return low / c }
        guard high < c else { return nil }
        // Long division of the 512-bit (high, low) by c. The running remainder starts at `high` (< c) and the
        // quotient collects the 256 bits of `low`.
        var remainder = high
        var quotient = UInt256.zero
        for bit in stride(from: 255, through: 0, by: -1) {
            let carry = remainder.l3 >> 63 == 1
            remainder = remainder << 1
            if (low >> bit).l0 & 1 == 1 { remainder = remainder | .one }
            quotient = quotient << 1
            if carry || remainder >= c {
                remainder = remainder &- c
                quotient = quotient | .one
            }
        }
        return quotient
    }
}
