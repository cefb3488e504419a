import Testing
import Foundation
@testable import EthereumKit

/// `Address`: EIP-55 checksums, parsing rules, and conversions to bytes and words.
@Suite struct AddressTests {
    /// The examples in EIP-55 ("Test Cases"): all caps, all lower and mixed; each is its own checksum.
    static let eip55Examples = [
        "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ]

    @Test(arguments: eip55Examples)
    func eip55Example(_ text: String) throws {
        let address = try Address(text)
        #expect(address.checksummed == text)
        #expect(address.description == text.lowercased())
        #expect(try Address(text.lowercased()) == address)
        #expect(try Address("0x" + text.dropFirst(2).uppercased()) == address)
    }

    @Test func wrongChecksumIsRejected() throws {
        var rejected = 0, total = 0
        for text in Self.eip55Examples {
            let digits = Array(text.utf8)
            // Flip the case of each letter in turn; every single flip of a mixed-case checksum must be caught.
            for i in 2..<digits.count where (digits[i] | 0x20) >= UInt8(ascii: "a") {
                var flipped = digits
                flipped[i] ^= 0x20
                let candidate = String(decoding: flipped, as: UTF8.self)
                let hasLower = flipped[2...].contains { $0 >= UInt8(ascii: "a") }
                let hasUpper = flipped[2...].contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }
                guard hasLower && hasUpper else { continue }   // all-lower and all-upper carry no checksum
                total += 1
                do { _ = try Address(candidate) } catch let e as AddressError where e.code == .badChecksum {
                    #expect(e.message.contains(text), "the message names the correct checksum: \(e.message)")
                    rejected += 1
                }
            }
        }
        #expect(total > 100 && rejected == total, "\(rejected) of \(total) single-letter case flips rejected")
    }

    @Test func allLowerAndAllUpperAreAcceptedForAnyAddress() throws {
        var rng = SplitMix64(seed: 0xADD7)
        for _ in 0..<200 {
            let bytes = rng.bytes(20)
            let lower = Hex.encode(bytes)
            let address = try Address(lower)
            #expect(address.bytes == bytes)
            #expect(try Address("0x" + lower.dropFirst(2).uppercased()) == address)
            #expect(try Address(address.checksummed) == address)
            #expect(address.checksummed.lowercased() == lower)
        }
    }

    @Test func keyAddrTestAddressesChecksum() throws {
        let file = "ethereum-tests/BasicTests/keyaddrtest.json"
        let entries = try #require(try Vectors.json(file) as? [[String: Any]])
        var passed = 0
        for entry in entries {
            let addr = try #require(entry["addr"] as? String)
            let address = try Address("0x" + addr)
            #expect(address.description == "0x" + addr.lowercased())
            #expect(try Address(address.checksummed) == address)
            passed += 1
        }
        Vectors.report(file, passed: passed, of: entries.count, note: "addr parsing and checksum only; key → address is in the secp256k1 tests")
    }

    @Test func malformedTextIsRejectedWithItsReason() {
        let cases: [(String, AddressError.Code)] = [
            ("", .missingPrefix), ("52908400098527886E0F7030069857D2E4169EE7", .missingPrefix),
            ("0x", .wrongLength), ("0x5290840009852788", .wrongLength),
            ("0x52908400098527886E0F7030069857D2E4169EE", .wrongLength),
            ("0x52908400098527886E0F7030069857D2E4169EE700", .wrongLength),
            ("0x52908400098527886E0F7030069857D2E4169EEg", .invalidHex),
            ("0x 2908400098527886E0F7030069857D2E4169EE7", .invalidHex),
            ("0xé" + String(repeating: "0", count: 38), .invalidHex),   // 40 bytes of UTF-8, not 40 hex digits
        ]
        for (text, code) in cases {
            do {
                _ = try Address(text)
                Issue.record("\(text.debugDescription) was accepted")
            } catch let e as AddressError {
                #expect(e.code == code, "\(text.debugDescription): \(e.message)")
            } catch {
                Issue.record("\(text.debugDescription): unexpected \(error)")
            }
        }
        #expect(throws: AddressError.self) { try Address(bytes: [UInt8](repeating: 1, count: 19)) }
        #expect(throws: AddressError.self) { try Address(publicKey64: [UInt8](repeating: 1, count: 65)) }
    }

    @Test func wordConversionRejectsDirtyHighBytes() throws {
        let address = try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        let word = address.word
        #expect(word.bigEndianBytes == [UInt8](repeating: 0, count: 12) + address.bytes)
        #expect(Address(word: word) == address)
        #expect(Address(word: .zero) == .zero)
        // Any non-zero byte among the top 12 makes the word not an address (ABI's strict decoding).
        for byte in 0..<12 {
            for value: UInt8 in [0x01, 0x80, 0xff] {
                var bytes = word.bigEndianBytes
                bytes[byte] = value
                let dirty = try #require(UInt256(bigEndian: bytes))
                #expect(Address(word: dirty) == nil, "byte \(byte) = \(value)")
            }
        }
        #expect(Address(word: .max) == nil)
        #expect(Address(word: (UInt256.one << 160) &- .one)?.bytes == [UInt8](repeating: 0xff, count: 20))
    }

    @Test func bytesRoundTripAndOrder() throws {
        var rng = SplitMix64(seed: 0xA0)
        var previous: (Address, [UInt8])?
        for _ in 0..<300 {
            let bytes = rng.bytes(20)
            let address = try Address(bytes: bytes)
            #expect(address.bytes == bytes)
            #expect(try Address(bytes: bytes[...]) == address)
            let offset = rng.below(7)
            var buffer = rng.bytes(offset + 24)
            buffer.withUnsafeMutableBytes { address.store(into: $0, at: offset) }
            #expect(Array(buffer[offset..<(offset + 20)]) == bytes)
            #expect(buffer.withUnsafeBytes { Address(at: offset, of: $0) } == address)
            if let (other, otherBytes) = previous {
                #expect((address < other) == bytes.lexicographicallyPrecedes(otherBytes))
                #expect((address == other) == (bytes == otherBytes))
            }
            previous = (address, bytes)
        }
        #expect(Address.zero.isZero && Address.zero.description == "0x" + String(repeating: "0", count: 40))
    }
}
