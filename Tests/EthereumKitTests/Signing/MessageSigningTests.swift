import Testing
import Foundation
@testable import EthereumKit

@Suite struct MessageSigningTests {
    static let inline = "eth-account/extracted/eth_account_inline_vectors.json"

    /// Unwraps the extraction's Python encodings: `{"$bytes": "0x…"}`, `{"$bigint": "…"}`,
    /// `{"$call": "keys.PrivateKey", "args": [{"$bytes": …}]}`.
    static func bytes(_ value: Any?) throws -> [UInt8] {
        if let s = value as? String { return try Hex.decode(s) }
        let d = try CryptoJSON.object(value)
        if let b = d["$bytes"] as? String { return try Hex.decode(b) }
        return try bytes((d["args"] as? [Any])?.first)
    }

    static func bigint(_ value: Any?) throws -> UInt256 {
        try CryptoJSON.u256(value, "$bigint")
    }

    static func parametrized(_ name: String) throws -> [[String: Any]] {
        let file = try CryptoJSON.object(try Vectors.json(inline), "tests/core/test_accounts.py")
        let test = try CryptoJSON.object(try CryptoJSON.object(file, "parametrized"), name)
        return try CryptoJSON.objects(test, "cases").map { try CryptoJSON.object($0, "args") }
    }

    /// eth-account `hash_message`: text messages (a hex-looking string is still text) and raw bytes,
    /// then `sign_message` cases: hash, v, r, s and the 65-byte signature; recovery gives the key's address.
    @Test func ethAccountPersonalMessages() throws {
        var passed = 0, total = 0
        for args in try Self.parametrized("test_eth_account_hash_message_text") {
            total += 1
            let text = try #require(args["message"] as? String)
            let ok = PersonalMessage.hash(text: text).bytes == (try Self.bytes(args["expected"]))
            #expect(ok, "text \(text)")
            if ok { passed += 1 }
        }
        for args in try Self.parametrized("test_eth_account_hash_message_hexstr") {
            total += 1
            let message = try Hex.decode(try #require(args["message"] as? String))
            let ok = PersonalMessage.hash(message).bytes == (try Self.bytes(args["expected"]))
            #expect(ok)
            if ok { passed += 1 }
        }
        for args in try Self.parametrized("test_eth_account_sign") {
            total += 1
            let key = try PrivateKey(bytes: try Self.bytes(args["key"]))
            let message = Array(try #require(args["message"] as? String).utf8)
            #expect(message == (try Self.bytes(args["expected_bytes"])))
            let signature = try PersonalMessage.sign(message, with: key)
            var ok = try PersonalMessage.hash(message).bytes == Self.bytes(args["expected_hash"])
            ok = try ok && signature.v == UInt8(CryptoJSON.int(args, "v"))
            ok = try ok && signature.r == Self.bigint(args["r"]) && signature.s == Self.bigint(args["s"])
            ok = try ok && signature.rsv == Self.bytes(args["signature"])
            ok = try ok && PersonalMessage.recoverSigner(message, signature: signature, rule: .lowS) == key.address
            #expect(ok, "sign \(String(decoding: message, as: UTF8.self))")
            if ok { passed += 1 }
        }
        #expect(passed == total && total == 8)
        Vectors.report(Self.inline, passed: passed, of: total, note: "EIP-191 hash_message and sign cases of test_accounts.py")
    }

    /// EIP-712 signing over a finished digest: the EIP's Mail example (key keccak256("cow")).
    @Test func eip712MailSignature() throws {
        let file = "eips/eip712_mail_example.json"
        let root = try #require(try Vectors.json(file) as? [String: Any])
        let expected = try #require(root["expected"] as? [String: Any])
        let key = try PrivateKey(bytes: Keccak256.hash(utf8: "cow").bytes)
        let digest = try Hash32(hex: try #require(expected["digest"] as? String))
        let sig = try TypedDataSignature.sign(digest: digest, with: key)
        let want = try #require(expected["signature"] as? [String: Any])
        #expect(try sig.v == UInt8(CryptoJSON.int(want, "v")))
        #expect(try sig.r == CryptoJSON.u256(want, "r"))
        #expect(try sig.s == CryptoJSON.u256(want, "s"))
        #expect(sig.rsv == (try Hex.decode(try #require(expected["signature_65_bytes_rpc_result"] as? String))))
        let signer = try TypedDataSignature.recoverSigner(digest: digest, signature: sig, rule: .lowS)
        #expect(signer == (try Address(try #require(expected["signer_address"] as? String))))
        Vectors.report(file, passed: 1, of: 1, note: "signature and signer of the digest (digest itself: EIP-712 encoder tests)")
    }

    /// EIP-712 signing over eth-account's digests: every valid message's signature (key keccak256("cow")).
    @Test func eip712EthAccountSignatures() throws {
        let file = "generated/eip712_eth_account_digests.json"
        let root = try #require(try Vectors.json(file) as? [String: Any])
        let key = try PrivateKey(hex: try #require(root["_signing_key"] as? String))
        #expect(key.address == (try Address(try #require(root["_signing_address"] as? String))))
        let cases = try #require(root["valid"] as? [[String: Any]])
        var passed = 0
        for c in cases {
            let digest = try Hash32(hex: try #require(c["digest"] as? String))
            let want = try #require(c["signature"] as? [String: Any])
            let expected = try Signature(r: CryptoJSON.u256(want, "r"), s: CryptoJSON.u256(want, "s"), v: CryptoJSON.u256(want, "v"))
            let ok = try TypedDataSignature.sign(digest: digest, with: key) == expected
                && TypedDataSignature.recoverSigner(digest: digest, signature: expected, rule: .lowS) == key.address
            #expect(ok, "\(c["name"] ?? "?")")
            if ok { passed += 1 }
        }
        #expect(passed == cases.count)
        Vectors.report(file, passed: passed, of: cases.count, note: "signing and recovery over the listed digests")
    }

    /// The Kalypso schemes (spec §11.4): EIP-191 over a 32-byte message hash, and an EIP-712 digest,
    /// signed with the spec's test key.
    @Test func kalypsoSpecSignatures() throws {
        let key = try PrivateKey(bytes: Keccak256.hash(utf8: "kalypso-mirror test key").bytes)
        #expect(key.address == (try Address("0xb8219F73de68a4E03BD56a2976975572898aeCa1")))
        #expect(Hex.encode(key.publicKey.raw64) == "0x036d7519363bd28591f03fe9b15d7192778ee42c1e6d5abcd2a8236ae59590f31a79cd5b9a4161908f004d060c23f6627d341c5e1202c93d728f54efe61a187c")
        let personal: [(message: String, digest: String, signature: String)] = [
            ("0x89c4a56bbaf215e958ea9135e4b6891b1699bb525427d349b937e6b4239a837e", "0x4e64138e5499266a6e34e5f2516a2b6f02ac40615e7f9120338ddad7343a6ab2",
             "0xa3ad7dfa1ecd46d933fbd785eb5209d79bf6dfae6a824b029ab9f648149b52b85ad85b45a6e2b8a1557d16732d3f3f0a45259da8eb8037d178a1b628d9d378a81b"),
            ("0xdace8b32091e002b101144a098be96ee2c0dbd8f8bb586de62beacd61b01142c", "0xa59e4d7b8bee7beed29dfbdfb3b32ccb9cddedd88ca3aebd33003620a2d87a5c",
             "0x4e2bf6b94277ecb15f241ec08da30ea2130258ae598edf8cda3b142fd29007c259de4b76c6a2e20e75940721d415fe9a731d5efa1ab6e8720ef514eec3eb6dbf1c"),
            ("0x1b000ec3048b08e8bb14d33fc4e51165a9511604afa046c1db697c7309e72c25", "0xf5abf7d47e45af7483a1812cd5cb964bed5d4f53875650fe40a342ad07c98802",
             "0x19ee232bb12010e57304d1f4aab69a7ec65e1402f4d50116363a3dd9d80d1aff65a8dfaca6457ce3e0666299ea78d33063ce694944e4dd776d8b90ff62bd2e821b"),
        ]
        for p in personal {
            let messageHash = try Hash32(hex: p.message)
            #expect(PersonalMessage.hash(messageHash: messageHash) == (try Hash32(hex: p.digest)))
            let sig = try PersonalMessage.sign(messageHash.bytes, with: key)
            #expect(sig.description == p.signature)
            #expect(try PersonalMessage.recoverSigner(messageHash.bytes, signature: try Signature(rsv: Hex.decode(p.signature)), rule: .lowS) == key.address)
        }
        let digest = try Hash32(hex: "0x9fa518529d7bcedcbe490b2768405c761f210a7fd166df100d11211b3268a46e")
        #expect(try TypedDataSignature.sign(digest: digest, with: key).description
                == "0xb59f46289268a58814fca5ab0c1b65f553173398374cb5d714e92b56ea236fa7770eb85b0c46d4d875604d3ab3356ac7fe6a65e7d4a03feb210cd4ad178f89731b")
    }
}
