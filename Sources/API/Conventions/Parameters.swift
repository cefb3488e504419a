import EthereumKit
import HTTPServer
import Kalypso
import Mirror

// Chain types as path and query parameters (retroactive conformances: the server knows nothing about them).

extension Address: HTTPParameterValue {
    /// `0x` and 40 hex digits: all lowercase, all uppercase, or a valid EIP-55 checksum.
    public init?(httpParameter text: String) {
        guard let a = try? Address(text) else { return nil }
        self = a
    }

    public static var httpParameterExpectation: String {
        "an address: 0x and 40 hex digits, all lowercase or EIP-55 checksummed"
    }
}

extension UInt256: HTTPParameterValue {
    /// Decimal digits below 2^256 (no sign, no 0x).
    public init?(httpParameter text: String) {
        guard let v = UInt256(decimal: text) else { return nil }
        self = v
    }

    public static var httpParameterExpectation: String { "a decimal integer from 0 to 2^256 − 1" }
}

extension GeneratorState: HTTPParameterValue {
    public init?(httpParameter text: String) { self.init(apiName: text) }
    public static var httpParameterExpectation: String { "one of " + apiNames.joined(separator: ", ") }
}

extension MarketGeneratorFilter: HTTPParameterValue {
    public init?(httpParameter text: String) { self.init(apiName: text) }
    public static var httpParameterExpectation: String { "one of " + apiNames.joined(separator: ", ") }
}

extension SignatureCheck.Kind: HTTPParameterValue {
    public init?(httpParameter text: String) { self.init(apiName: text) }
    public static var httpParameterExpectation: String { "one of " + apiNames.joined(separator: ", ") }
}

extension Request {
    /// Path parameter `name` as a 32-byte hash; 400 with the parser's own explanation (missing 0x, length, bad hex).
    func hash(_ name: String) throws(HTTPError) -> Hash32 {
        let text = try pathParameter(name)
        do {
            return try Hash32(hex: text)
        } catch let error as HexError {
            throw HTTPError(.invalidParameter, "path parameter `\(name)`: \(JSONWriter.quoted(String(text.prefix(80)))) is not a hash (0x and 64 hex digits): \(error.message)")
        } catch {
            throw HTTPError.invalidParameter(name, text, expected: "0x and 64 hex digits")
        }
    }

    /// Path parameter `name` as an address; 400 with the parser's own explanation (missing 0x, length, bad hex,
    /// bad EIP-55 checksum) when it is not one.
    func address(_ name: String) throws(HTTPError) -> Address {
        let text = try pathParameter(name)
        do {
            return try Address(text)
        } catch let error as AddressError {
            throw HTTPError(.invalidParameter, "path parameter `\(name)`: \(error.message)")
        } catch {
            throw HTTPError.invalidParameter(name, text, expected: Address.httpParameterExpectation)
        }
    }

    /// Path parameter `name` as a uint256 id; 400 saying why when it is not one.
    func id(_ name: String) throws(HTTPError) -> UInt256 {
        let text = try pathParameter(name)
        guard let value = UInt256(httpParameter: text) else {
            let reason = !text.isEmpty && text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
                ? "it is larger than 2^256 − 1"
                : "expected \(UInt256.httpParameterExpectation)"
            throw HTTPError(.invalidParameter, "path parameter `\(name)`: \(JSONWriter.quoted(String(text.prefix(80)))) is not an id; \(reason)")
        }
        return value
    }

    /// Query parameter `limit`: 1…`maximum`, `defaultValue` when absent; 400 with the range otherwise.
    func limit(default defaultValue: Int, maximum: Int) throws(HTTPError) -> Int {
        guard let text = try queryParameter("limit") else { return defaultValue }
        guard let n = Int(httpParameter: text), (1...maximum).contains(n) else {
            throw HTTPError.invalidParameter("limit", text, expected: "an integer from 1 to \(maximum) (items per page; follow nextCursor for more)")
        }
        return n
    }

    /// Query parameter `cursor`: the `nextCursor` of the previous page, nil when absent; 400 when empty.
    func cursor() throws(HTTPError) -> String? {
        guard let text = try queryParameter("cursor") else { return nil }
        guard !text.isEmpty, text.utf8.count <= 200 else {
            throw HTTPError.invalidParameter("cursor", text, expected: "the nextCursor of the previous page, unchanged (omit it for the first page)")
        }
        return text
    }
}
