import Testing
import Foundation
@testable import EthereumKit

@Suite struct Secp256k1Tests {
    static let keyHex = "0x4646464646464646464646464646464646464646464646464646464646464646"

    @Test func contextIsRandomized() {
        #expect(Secp256k1.isContextRandomized)
    }

    @Test func privateKeyIsNeverPrinted() throws {
        let key = try PrivateKey(hex: Self.keyHex)
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, key.debugDescription, "\(key)", String(reflecting: key), dumped] {
            #expect(!text.lowercased().contains("4646464646"), "leaked in \(text)")
            #expect(!text.contains(UInt256(hex: Self.keyHex)!.description), "leaked decimal in \(text)")
        }
        #expect(key.description.contains(key.address.checksummed))
        // Errors about keys do not echo the key either.
        do { _ = try PrivateKey(hex: "0x46464646zz") } catch {
            #expect(!"\(error)".contains("4646"))
        }
    }

    @Test func privateKeyValidation() throws {
        let n = Secp256k1Curve.n
        #expect(throws: Secp256k1Error.self) { try PrivateKey(bytes: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: Secp256k1Error.self) { try PrivateKey(bytes: n.bigEndianBytes) }
        #expect(throws: Secp256k1Error.self) { try PrivateKey(bytes: (n + UInt256(1)).bigEndianBytes) }
        #expect(throws: Secp256k1Error.self) { try PrivateKey(bytes: [UInt8](repeating: 1, count: 31)) }
        let max = try PrivateKey(bytes: (n - UInt256(1)).bigEndianBytes)
        let one = try PrivateKey(bytes: UInt256(1).bigEndianBytes)
        // k = n-1 is -1: the same x as G, the opposite y.
        #expect(max.publicKey.x == one.publicKey.x && max.publicKey.y != one.publicKey.y)
        #expect(one.address == (try Address("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")))
        let a = try PrivateKey.generate(), b = try PrivateKey.generate()
        #expect(a != b && a == a)
        let exported = a.withUnsafeSecretBytes { Array($0) }
        #expect(try PrivateKey(bytes: exported) == a)
    }

    @Test func publicKeyForms() throws {
        let key = try PrivateKey(hex: Self.keyHex)
        let pk = key.publicKey
        #expect(try PublicKey(bytes: pk.compressed) == pk)
        #expect(try PublicKey(bytes: pk.uncompressed) == pk)
        #expect(try PublicKey(bytes: pk.raw64) == pk)
        #expect(try PublicKey(x: pk.x, y: pk.y) == pk)
        #expect(throws: Secp256k1Error.self) { try PublicKey(x: pk.x, y: pk.y + UInt256(1)) }
        var hybrid = pk.uncompressed
        hybrid[0] = 0x06 | UInt8(pk.y.l0 & 1)
        #expect(throws: Secp256k1Error.self) { try PublicKey(bytes: hybrid) }
        #expect(throws: Secp256k1Error.self) { try PublicKey(bytes: [UInt8](repeating: 4, count: 40)) }
        #expect(try Address(publicKey64: pk.raw64) == key.address)
    }

    @Test func signRecoverVerifyAndRules() throws {
        let key = try PrivateKey(hex: Self.keyHex)
        let digest = Keccak256.hash(utf8: "kalypso")
        let sig = try key.sign(digest: digest)
        #expect(sig.isLowS)
        #expect(try key.sign(digest: digest) == sig, "RFC 6979 is deterministic")
        #expect(try Secp256k1.recoverAddress(digest: digest, signature: sig, rule: .lowS) == key.address)
        #expect(Secp256k1.verify(digest: digest, signature: sig, publicKey: key.publicKey, rule: .lowS))
        let other = Keccak256.hash(utf8: "kalypso!")
        #expect(!Secp256k1.verify(digest: other, signature: sig, publicKey: key.publicKey, rule: .lowS))
        #expect(try Secp256k1.recoverAddress(digest: other, signature: sig, rule: .lowS) != key.address)
        let otherKey = try PrivateKey.generate()
        #expect(!Secp256k1.verify(digest: digest, signature: sig, publicKey: otherKey.publicKey, rule: .anyS))

        // The high-s twin: same signer for the precompile, rejected under EIP-2.
        let high = try Signature(r: sig.r, s: Secp256k1Curve.n - sig.s, yParity: sig.yParity ^ 1)
        #expect(!high.isLowS && high.normalized == sig)
        #expect(throws: Secp256k1Error.self) { try Secp256k1.recoverAddress(digest: digest, signature: high, rule: .lowS) }
        #expect(try Secp256k1.recoverAddress(digest: digest, signature: high, rule: .anyS) == key.address)
        #expect(Secp256k1.ecrecover(digest: digest, v: UInt256(UInt64(high.v)), r: high.r, s: high.s) == key.address)
        #expect(Secp256k1.ecrecover(digest: digest, v: UInt256(UInt64(high.v)) + (UInt256(1) << 255), r: high.r, s: high.s) == nil)
        #expect(!Secp256k1.verify(digest: digest, signature: high, publicKey: key.publicKey, rule: .lowS))
        #expect(Secp256k1.verify(digest: digest, signature: high, publicKey: key.publicKey, rule: .anyS))
        // The wrong parity recovers someone else (or nobody).
        let flipped = try Signature(r: sig.r, s: sig.s, yParity: sig.yParity ^ 1)
        #expect((try? Secp256k1.recoverAddress(digest: digest, signature: flipped, rule: .lowS)) != key.address)
    }

    @Test func rsvParsing() throws {
        let key = try PrivateKey(hex: Self.keyHex)
        let sig = try key.sign(digest: Keccak256.hash(utf8: "x"))
        var rsv = sig.rsv
        #expect(try Signature(rsv: rsv) == sig)
        rsv[64] = sig.yParity
        #expect(try Signature(rsv: rsv) == sig)
        for bad: UInt8 in [2, 26, 29, 35, 37, 255] {
            rsv[64] = bad
            #expect(throws: Secp256k1Error.self) { try Signature(rsv: rsv) }
        }
        #expect(throws: Secp256k1Error.self) { try Signature(rsv: sig.compact) }
        #expect(throws: Secp256k1Error.self) { try Signature(r: .zero, s: sig.s, yParity: 0) }
        #expect(throws: Secp256k1Error.self) { try Signature(r: sig.r, s: Secp256k1Curve.n, yParity: 0) }
        #expect(throws: Secp256k1Error.self) { try Signature(r: sig.r, s: sig.s, v: UInt256(1)) }
    }

    @Test func strictDER() throws {
        let r = UInt256(hex: "0x80")!, s = UInt256(hex: "0x7f")!
        let der = DERSignature.encode(r: r, s: s)
        #expect(der == [0x30, 0x07, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x7f])
        #expect(try DERSignature.parse(der) == (r, s))
        let rejects: [[UInt8]] = [
            [0x30, 0x81, 0x07, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x7f],  // long-form length below 128
            [0x30, 0x80, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x7f, 0x00, 0x00],  // indefinite length
            [0x30, 0x08, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x7f, 0x00],  // trailing byte inside
            der + [0x00],  // trailing byte outside
            [0x30, 0x07, 0x02, 0x02, 0x00, 0x10, 0x02, 0x01, 0x7f],  // superfluous leading zero
            [0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x7f],  // negative r
            [0x30, 0x06, 0x02, 0x00, 0x02, 0x02, 0x01, 0x7f],  // empty INTEGER
            [0x30, 0x07, 0x03, 0x02, 0x00, 0x80, 0x02, 0x01, 0x7f],  // wrong tag
            [0x30, 0x26, 0x02, 0x21, 0x01] + [UInt8](repeating: 0, count: 32) + [0x02, 0x01, 0x01],  // 33-byte r
            [],
        ]
        for bytes in rejects {
            #expect(throws: Secp256k1Error.self, "\(Hex.encode(bytes))") { try DERSignature.parse(bytes) }
        }
    }

    /// `BasicTests/keyaddrtest.json`: key = keccak256(seed) and its address. (`sig_of_emptystring`
    /// is undocumented and matches no known digest, per the vectors README, so it is not checked.)
    @Test func keyAddressVectors() throws {
        let file = "ethereum-tests/BasicTests/keyaddrtest.json"
        let cases = try CryptoJSON.objects(try Vectors.json(file))
        var passed = 0
        for c in cases {
            let key = try CryptoJSON.hex(c, "key")
            let ok = try Keccak256.hash(utf8: CryptoJSON.string(c, "seed")).bytes == key
                && PrivateKey(bytes: key).address == Address(bytes: CryptoJSON.hex(c, "addr"))
            #expect(ok)
            if ok { passed += 1 }
        }
        #expect(passed == cases.count)
        Vectors.report(file, passed: passed, of: cases.count, note: "key and address; sig_of_emptystring not used")
    }

    @Test func sha256() {
        #expect(SHA256.hash([UInt8]()).description == "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash(Array("abc".utf8)).description == "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
