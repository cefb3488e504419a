import EthereumKit

/// An exact non-negative fraction `numerator / denominator` of two `UInt256`s (denominator > 0), compared exactly by
/// cross-multiplication in 512 bits. Used for the seed's AvailableCompute and ComputePerProof, which the contract
/// does not compute.
public struct ComputeFraction: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The numerator.
    public let numerator: UInt256
    /// The denominator, never 0.
    public let denominator: UInt256

    /// Creates `numerator / denominator`; nil if `denominator` is 0.
    public init?(_ numerator: UInt256, over denominator: UInt256) {
        guard !denominator.isZero else { return nil }
        self.numerator = numerator
        self.denominator = denominator
    }

    /// 0/1.
    public static let zero = ComputeFraction(unchecked: .zero, .one)
    /// 1/1.
    public static let one = ComputeFraction(unchecked: .one, .one)

    private init(unchecked numerator: UInt256, _ denominator: UInt256) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The value in 1e18 fixed point, **rounded down** (`⌊numerator · 1e18 / denominator⌋`, computed exactly).
    /// Nil only if the value is ≥ 2^256 / 1e18 (not for fractions ≤ 1).
    public var scaled1e18: UInt256? { ContractMath.mulDivFloor(numerator, ContractMath.exponent, denominator) }

    /// Exact: `a/b < c/d` ⇔ `a·d < c·b`, with 512-bit products.
    public static func < (a: ComputeFraction, b: ComputeFraction) -> Bool {
        let left = a.numerator.multipliedFullWidth(by: b.denominator)
        let right = b.numerator.multipliedFullWidth(by: a.denominator)
        return left.high != right.high ? left.high < right.high : left.low < right.low
    }

    /// Equality of value (2/4 == 1/2), consistent with `<`.
    public static func == (a: ComputeFraction, b: ComputeFraction) -> Bool { !(a < b) && !(b < a) }

    public func hash(into hasher: inout Hasher) {
        // Hash the reduced form so that equal values hash equally.
        let g = Self.gcd(numerator, denominator)
        hasher.combine(numerator / g)
        hasher.combine(denominator / g)
    }

    private static func gcd(_ a: UInt256, _ b: UInt256) -> UInt256 {
        var (x, y) = (a, b)
        while !y.isZero { (x, y) = (y, x % y) }
        return x.isZero ? .one : x
    }

    public var description: String { "\(numerator)/\(denominator)" }
}

/// The seed's AvailableCompute and ComputePerProof (§2), as exact fractions.
public enum AvailableCompute {
    /// The seed's ComputePerProof of a row: `computePerRequestRequired / declaredCompute`; nil if declaredCompute is 0.
    public static func computePerProof(row: GeneratorMarket, generator: Generator) -> ComputeFraction? {
        ComputeFraction(row.computePerRequestRequired, over: generator.declaredCompute)
    }

    /// The seed's AvailableCompute: `1 − Σ ComputePerProof` over the generator's assigned tasks, exactly
    /// `(declaredCompute − Σ activeRequests · computePerRequestRequired) / declaredCompute`, floored at 0 (an
    /// over-committed or overflowing sum reads as 0). Nil if declaredCompute is 0 (impossible for a registered
    /// generator). `rows` are the generator's per-market rows; their tasks are `activeRequests` each (§7.7).
    ///
    /// Unlike the contract's `idleCapacity`, this ignores a pending compute reduction (ICU); use both.
    public static func of(_ generator: Generator, rows: some Sequence<GeneratorMarket>) -> ComputeFraction? {
        var used = UInt256.zero
        for row in rows where row.generator == generator.address {
            guard let tasks = row.activeRequests.multiplied(by: row.computePerRequestRequired),
                  let sum = used.adding(tasks) else { return ComputeFraction(.zero, over: generator.declaredCompute) }
            used = sum
        }
        return ComputeFraction(generator.declaredCompute.saturatingSubtract(used), over: generator.declaredCompute)
    }
}

extension KalypsoState {
    /// The seed's AvailableCompute of a generator (see `AvailableCompute.of`); nil for an unknown generator.
    public func availableCompute(of generator: Address) -> ComputeFraction? {
        guard let g = generators[generator] else { return nil }
        return AvailableCompute.of(g, rows: rows(of: generator))
    }
}
