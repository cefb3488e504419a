import Testing
import Foundation
@testable import EthereumKit

/// Wycheproof ECDSA secp256k1 + SHA-256 verification vectors. Every case must match `result`
/// (no case is marked "acceptable" in these files, so there is nothing to excuse).
@Suite struct WycheproofTests {
    enum Encoding { case der, p1363 }

    func run(_ file: String, encoding: Encoding, rule: SignatureRule) throws {
        let root = try #require(try Vectors.json(file) as? [String: Any])
        let groups = try #require(root["testGroups"] as? [[String: Any]])
        var passed = 0, total = 0
        for group in groups {
            let keyInfo = try #require(group["publicKey"] as? [String: Any])
            let publicKey = try PublicKey(bytes: try Hex.decode(try #require(keyInfo["uncompressed"] as? String), prefix: .optional))
            #expect(group["sha"] as? String == "SHA-256")
            for test in try #require(group["tests"] as? [[String: Any]]) {
                total += 1
                let id = test["tcId"] as? Int ?? -1
                let digest = SHA256.hash(try Hex.decode(try #require(test["msg"] as? String), prefix: .optional))
                let sig = try Hex.decode(try #require(test["sig"] as? String), prefix: .optional)
                let expected = try #require(test["result"] as? String)
                #expect(expected == "valid" || expected == "invalid", "tcId \(id) has result \(expected)")
                var verified = false
                switch encoding {
                case .der:
                    if let (r, s) = try? DERSignature.parse(sig) {
                        verified = Secp256k1.verify(digest: digest, r: r, s: s, publicKey: publicKey, rule: rule)
                        // Valid DER re-encodes byte for byte (the parser accepts only the canonical form).
                        if verified { #expect(DERSignature.encode(r: r, s: s) == sig, "tcId \(id) re-encoding") }
                    }
                case .p1363:
                    if sig.count == 64 {
                        let (r, s) = sig.withUnsafeBytes { (UInt256(bigEndianWordAt: 0, of: $0), UInt256(bigEndianWordAt: 32, of: $0)) }
                        verified = Secp256k1.verify(digest: digest, r: r, s: s, publicKey: publicKey, rule: rule)
                    }
                }
                let ok = verified == (expected == "valid")
                #expect(ok, "\(file) tcId \(id): \(test["comment"] ?? "") expected \(expected)")
                if ok { passed += 1 }
            }
        }
        #expect(passed == total)
        Vectors.report(file, passed: passed, of: total)
    }

    @Test func derHighSValid() throws {
        try run("wycheproof/testvectors_v1/ecdsa_secp256k1_sha256_test.json", encoding: .der, rule: .anyS)
    }

    @Test func derBitcoinLowSOnly() throws {
        try run("wycheproof/testvectors_v1/ecdsa_secp256k1_sha256_bitcoin_test.json", encoding: .der, rule: .lowS)
    }

    @Test func p1363() throws {
        try run("wycheproof/testvectors_v1/ecdsa_secp256k1_sha256_p1363_test.json", encoding: .p1363, rule: .anyS)
    }
}
