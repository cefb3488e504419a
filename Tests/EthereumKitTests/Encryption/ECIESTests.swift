import Foundation
import Testing
@testable import EthereumKit

/// A deterministic valid private key from a seed.
func eciesTestKey(_ seed: UInt64) throws -> PrivateKey {
    var g = SplitMix64(seed: seed)
    while true { if let key = try? PrivateKey(bytes: g.bytes(32)) { return key } }
}

@Suite struct ECIESTests {
    /// Generated once with eciespy 0.4.7's `ecies.encrypt` (ephemeral key and nonce fixed by patching, see
    /// ecies_peer.py): recipient secret 0x02×32, ephemeral secret 0x11×32, nonce a0…af, plaintext 00…1f.
    /// The live cross-check below re-derives such vectors from eciespy on every run.
    static let knownAnswer = "044f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa385b6b1b8ead809ca67454d9683fcf"
        + "2ba03456d6fe2c4abe2b07f0fbdbb2f1c1a0a1a2a3a4a5a6a7a8a9aaabacadaeaf2fafbb4b75cc5b70b4a48fe65790322328a4"
        + "112c44e99211b1935eba24decb181f462fc8e1c76b1dad070e72ab5c7b3a"

    @Test func knownAnswerVectorFromEciespy() throws {
        let recipient = try PrivateKey(bytes: [UInt8](repeating: 0x02, count: 32))
        let ephemeral = try PrivateKey(bytes: [UInt8](repeating: 0x11, count: 32))
        let nonce = [UInt8](0xA0...0xAF)
        let plaintext = [UInt8](0...31)
        let message = try ECIES.encrypt(plaintext, to: recipient.publicKey, ephemeralKey: ephemeral, nonce: nonce)
        #expect(Hex.encode(message, prefix: false) == Self.knownAnswer)
        #expect(message.count == 129)
        #expect(try ECIES.decrypt(try Hex.decode(Self.knownAnswer, prefix: .optional), with: recipient) == plaintext)
    }

    @Test(arguments: [0, 1, 15, 16, 17, 32, 100, 1000])
    func roundTrip(length: Int) throws {
        var g = SplitMix64(seed: UInt64(length) &+ 7)
        let key = try eciesTestKey(UInt64(length) &+ 100)
        let plaintext = g.bytes(length)
        let message = try ECIES.encrypt(plaintext, to: key.publicKey)
        #expect(message.count == plaintext.count + ECIES.overhead)
        #expect(Array(message.prefix(65)) != key.publicKey.uncompressed)
        #expect(try ECIES.decrypt(message, with: key) == plaintext)
    }

    @Test func freshEphemeralKeyAndNonceEachTime() throws {
        let key = try eciesTestKey(1)
        let a = try ECIES.encrypt([1, 2, 3], to: key.publicKey), b = try ECIES.encrypt([1, 2, 3], to: key.publicKey)
        #expect(Array(a.prefix(65)) != Array(b.prefix(65)))
        #expect(Array(a[65..<81]) != Array(b[65..<81]))
    }

    /// Every single-bit change, in every byte, is rejected with the code of its region.
    @Test func everyTamperedByteIsRejected() throws {
        let key = try eciesTestKey(2)
        let message = try ECIES.encrypt(Array(repeating: 0x5A, count: 32), to: key.publicKey,
                                        ephemeralKey: try eciesTestKey(3), nonce: Array(repeating: 7, count: 16))
        var rejected = 0
        for index in message.indices {
            for bit in [0, 7] {
                var altered = message
                altered[index] ^= UInt8(1 << bit)
                do {
                    _ = try ECIES.decrypt(altered, with: key)
                    Issue.record("byte \(index) bit \(bit) altered and still accepted")
                } catch let error as ECIESError {
                    if index == 0 { #expect(error.code == .invalidEphemeralKey, "byte 0") }
                    if index < 65 {
                        #expect(error.code == .invalidEphemeralKey || error.code == .authenticationFailed, "byte \(index)")
                    } else {
                        #expect(error.code == .authenticationFailed, "byte \(index)")
                    }
                    rejected += 1
                }
            }
        }
        #expect(rejected == message.count * 2)
    }

    @Test func truncatedOrExtendedMessagesAreRejected() throws {
        let key = try eciesTestKey(4)
        let message = try ECIES.encrypt(Array(repeating: 1, count: 32), to: key.publicKey)
        for length in 0..<message.count {
            let expected: ECIESError.Code = length < ECIES.overhead ? .messageTooShort : .authenticationFailed
            #expect(throws: ECIESError.self, "length \(length)") {
                do { _ = try ECIES.decrypt(Array(message.prefix(length)), with: key) } catch let error as ECIESError {
                    #expect(error.code == expected, "length \(length)")
                    throw error
                }
            }
        }
        let error = #expect(throws: ECIESError.self) { try ECIES.decrypt(message + [0], with: key) }
        #expect(error?.code == .authenticationFailed)
    }

    @Test func wrongKeyIsRejected() throws {
        let message = try ECIES.encrypt(Array(repeating: 9, count: 32), to: try eciesTestKey(5).publicKey)
        let error = #expect(throws: ECIESError.self) { try ECIES.decrypt(message, with: try eciesTestKey(6)) }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.message.contains("another key") == true)
    }

    @Test func compressedOrOffCurveEphemeralKeyIsRejected() throws {
        let key = try eciesTestKey(7)
        var message = try ECIES.encrypt([1], to: key.publicKey)
        let compressed = key.publicKey.compressed
        var withCompressedPrefix = message
        withCompressedPrefix.replaceSubrange(0..<33, with: compressed)
        #expect(throws: ECIESError.self) { try ECIES.decrypt(withCompressedPrefix, with: key) }
        message.replaceSubrange(1..<65, with: [UInt8](repeating: 0, count: 64))
        let error = #expect(throws: ECIESError.self) { try ECIES.decrypt(message, with: key) }
        #expect(error?.code == .invalidEphemeralKey)
    }

    @Test func nonceMustHaveSixteenBytes() throws {
        let key = try eciesTestKey(8)
        for count in [0, 12, 15, 17] {
            let error = #expect(throws: ECIESError.self) {
                try ECIES.encrypt([1], to: key.publicKey, ephemeralKey: key, nonce: Array(repeating: 0, count: count))
            }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test func errorsNeverContainKeyMaterial() throws {
        let key = try eciesTestKey(9)
        let message = try ECIES.encrypt(Array(repeating: 0xEE, count: 32), to: key.publicKey)
        var altered = message
        altered[100] ^= 1
        let error = #expect(throws: ECIESError.self) { try ECIES.decrypt(altered, with: key) }
        let text = error?.description ?? ""
        key.withUnsafeSecretBytes { #expect(!text.lowercased().contains(Hex.encode(Array($0), prefix: false))) }
        #expect(!text.contains("eeee"))
    }
}
