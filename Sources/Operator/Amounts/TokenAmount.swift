import EthereumKit

/// Token amounts as operators type them, and back.
///
/// Syntax (one rule, no guessing):
/// - `1.5`, `100`, `0.000001`, `1_000`: **whole tokens**, scaled by the token's `decimals()`. More fractional digits
///   than the token has is an error, never a silent rounding.
/// - `1500000000000000000wei`: **base units** (the integer the contract sees), for any token, whatever its decimals.
///
/// Underscores may group digits. Signs, exponents, spaces and empty parts (`1.`, `.5`) are errors.
public enum TokenAmount {
    /// Parses `text` for a token with `decimals` decimals; `what` names the option in errors (e.g. `--amount`).
    public static func parse(_ text: String, decimals: Int, what: String = "amount") throws(OperatorError) -> UInt256 {
        let raw = text.hasSuffix("wei")
        let body = raw ? String(text.dropLast(3)) : text
        let digitsOnly = body.filter { $0 != "_" }
        func bad(_ why: String) -> OperatorError {
            OperatorError(.invalidInput, "\(what) '\(text)': \(why); write whole tokens such as 1.5 or base units such as 1500000000000000000wei")
        }
        guard !digitsOnly.isEmpty, !body.hasPrefix("_"), !body.hasSuffix("_"), !body.contains("__") else { throw bad("not a number") }
        let parts = digitsOnly.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= "0" && $0 <= "9" } }) else {
            throw bad("only digits, one decimal point and _ separators are allowed")
        }
        if raw {
            guard parts.count == 1 else { throw bad("base units (wei) are whole numbers") }
            guard let v = UInt256(decimal: parts[0]) else { throw bad("larger than 2^256 - 1") }
            return v
        }
        guard (0...77).contains(decimals) else { throw bad("the token has \(decimals) decimals, which 256 bits cannot scale") }
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= decimals else {
            throw bad("\(fraction.count) digits after the point, but the token has \(decimals) decimals")
        }
        let scaled = whole + fraction + String(repeating: "0", count: decimals - fraction.count)
        guard let v = UInt256(decimal: scaled) else { throw bad("larger than 2^256 - 1 base units") }
        return v
    }

    /// `amount` base units as whole tokens: `1500000000000000000` with 18 decimals is `1.5`; no trailing zeros.
    public static func format(_ amount: UInt256, decimals: Int) -> String {
        let digits = amount.description
        guard decimals > 0 else { return digits }
        let padded = digits.count <= decimals ? String(repeating: "0", count: decimals - digits.count + 1) + digits : digits
        let split = padded.index(padded.endIndex, offsetBy: -decimals)
        let whole = padded[..<split]
        var fraction = padded[split...]
        while fraction.last == "0" { fraction.removeLast() }
        return fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
    }

    /// Parses a gas price in gwei (`1.5` = 1.5 gwei) or wei (`1500000000wei`).
    public static func parseGwei(_ text: String, what: String) throws(OperatorError) -> UInt256 {
        try parse(text, decimals: 9, what: what)
    }

    /// A wei amount as gwei text (`1.5 gwei`).
    public static func formatGwei(_ wei: UInt256) -> String { format(wei, decimals: 9) + " gwei" }

    /// A wei amount as ether text (`0.0021 ETH`).
    public static func formatEther(_ wei: UInt256) -> String { format(wei, decimals: 18) + " ETH" }
}

/// Plain non-negative integers (compute units, blocks, market ids) with `_` separators, decimal or `0x` hex.
public enum PlainInteger {
    /// Parses `text`; `what` names the option in errors.
    public static func parse(_ text: String, what: String) throws(OperatorError) -> UInt256 {
        let body = text.filter { $0 != "_" }
        if let v = UInt256(body), !body.isEmpty, !text.hasPrefix("_"), !text.hasSuffix("_"), !body.hasPrefix("-"), !body.hasPrefix("+") {
            return v
        }
        throw OperatorError(.invalidInput, "\(what) '\(text)' is not a non-negative integer (decimal, or 0x hex)")
    }
}
