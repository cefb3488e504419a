import Foundation
import Testing
@testable import EthereumKit

/// Cross-checks `ECIES` against eciespy 0.4.7 (the reference Python implementation, in the project venv from
/// Devnode/requirements.txt via `make venv`) through `ecies_peer.py`, in both directions.
@Suite struct ECIESEciespyTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("ecies_peer.py").path

    /// Runs the peer on `jobs`; returns one result object per job.
    static func peer(_ jobs: [[String: String]]) throws -> [[String: String]] {
        let python = Vectors.projectRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw PeerError(message: "\(python) is missing: run `make venv` (installs eciespy from Devnode/requirements.txt)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: jobs))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let results = try JSONSerialization.jsonObject(with: data) as? [[String: String]], results.count == jobs.count else {
            throw PeerError(message: "ecies_peer.py failed (exit \(process.terminationStatus)); is eciespy installed (`make venv`)? "
                            + String(decoding: stderr, as: UTF8.self))
        }
        return results
    }

    struct PeerError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes, prefix: false) }

    static let lengths = [0, 1, 16, 31, 32, 33, 64, 200]

    /// eciespy encrypts (its own random ephemeral key and nonce) to our keys; we decrypt.
    @Test func weDecryptEciespy() throws {
        var g = SplitMix64(seed: 0xEC1E5)
        var cases: [(PrivateKey, [UInt8])] = []
        for (i, length) in Self.lengths.enumerated() { cases.append((try eciesTestKey(1000 + UInt64(i)), g.bytes(length))) }
        let results = try Self.peer(cases.map { ["op": "encrypt", "pk": Self.hex($0.0.publicKey.uncompressed), "plain": Self.hex($0.1)] })
        var passed = 0
        for ((key, plaintext), result) in zip(cases, results) {
            let message = try Hex.decode(result["out"] ?? "", prefix: .optional)
            #expect(message.count == plaintext.count + ECIES.overhead)
            if try ECIES.decrypt(message, with: key) == plaintext { passed += 1 }
        }
        print("eciespy → ECIES: \(passed)/\(cases.count) messages decrypted")
        #expect(passed == cases.count)
    }

    /// We encrypt (random ephemeral key and nonce) to keys eciespy holds; eciespy decrypts, and rejects our
    /// messages with one byte altered in each region and messages for another key.
    @Test func eciespyDecryptsUs() throws {
        var g = SplitMix64(seed: 0x5EC1E5)
        var jobs: [[String: String]] = [], expected: [String?] = []
        for (i, length) in Self.lengths.enumerated() {
            let key = try eciesTestKey(2000 + UInt64(i)), plaintext = g.bytes(length)
            let message = try ECIES.encrypt(plaintext, to: key.publicKey)
            let secret = key.withUnsafeSecretBytes { Self.hex(Array($0)) }
            jobs.append(["op": "decrypt", "sk": secret, "msg": Self.hex(message)]); expected.append(Self.hex(plaintext))
            for index in [10, 70, 85, message.count - 1] where index < message.count {
                var altered = message
                altered[index] ^= 0x40
                jobs.append(["op": "decrypt", "sk": secret, "msg": Self.hex(altered)]); expected.append(nil)
            }
            let other = try eciesTestKey(3000 + UInt64(i)).withUnsafeSecretBytes { Self.hex(Array($0)) }
            jobs.append(["op": "decrypt", "sk": other, "msg": Self.hex(message)]); expected.append(nil)
        }
        let results = try Self.peer(jobs)
        var agreed = 0
        for (index, (result, want)) in zip(results, expected).enumerated() {
            if let want {
                #expect(result["plain"] == want, "job \(index): \(result)")
                if result["plain"] == want { agreed += 1 }
            } else {
                #expect(result["error"] != nil, "job \(index) should be rejected by eciespy")
                if result["error"] != nil { agreed += 1 }
            }
        }
        print("ECIES → eciespy: \(agreed)/\(jobs.count) decryptions and rejections agree")
        #expect(agreed == jobs.count)
    }

    /// With the same ephemeral key and nonce, eciespy's `ecies.encrypt` and ours give identical bytes.
    @Test func identicalBytesForFixedEphemeralKeyAndNonce() throws {
        var g = SplitMix64(seed: 0xF1CED)
        var cases: [(PublicKey, PrivateKey, [UInt8], [UInt8])] = []
        for (i, length) in Self.lengths.enumerated() {
            cases.append((try eciesTestKey(4000 + UInt64(i)).publicKey, try eciesTestKey(5000 + UInt64(i)), g.bytes(16), g.bytes(length)))
        }
        let results = try Self.peer(cases.map { recipient, ephemeral, nonce, plaintext in
            ["op": "encrypt", "pk": Self.hex(recipient.raw64), "plain": Self.hex(plaintext), "nonce": Self.hex(nonce),
             "eph": ephemeral.withUnsafeSecretBytes { Self.hex(Array($0)) }]
        })
        var identical = 0
        for ((recipient, ephemeral, nonce, plaintext), result) in zip(cases, results) {
            let ours = try ECIES.encrypt(plaintext, to: recipient, ephemeralKey: ephemeral, nonce: nonce)
            #expect(Self.hex(ours) == result["out"])
            if Self.hex(ours) == result["out"] { identical += 1 }
        }
        print("ECIES = eciespy (fixed ephemeral key + nonce): \(identical)/\(cases.count) identical")
        #expect(identical == cases.count)
    }
}
