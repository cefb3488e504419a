import EthereumKit
import Kalypso

/// Re-encrypts private asks' ACLs with the matching engine's key (spec §6.5, `new_acl`): a private ask's `acl` is
/// ECIES (eciesjs / ecies-rs default format, `EthereumKit.ECIES`) of the ask's 32-byte AES key to the matching
/// engine's key `pub_key(proofMarketplace, 0)`; this decrypts it and encrypts the same 32 bytes to the chosen
/// generator's key `pub_key(generator, marketId)` (129 bytes, within the contract's 130-byte cap).
///
/// No I/O. The AES key is wiped from memory after use; errors never contain it.
public struct ECIESAclReencryptor: AclReencryptor {
    /// The ProofMarketplace whose `pub_key(proofMarketplace, 0)` must be this key.
    public let proofMarketplace: Address
    private let matchingEngineKey: PrivateKey
    private let matchingEngineKey64: [UInt8]

    /// A re-encryptor holding the matching engine's private key.
    public init(matchingEngineKey: PrivateKey, proofMarketplace: Address) {
        self.matchingEngineKey = matchingEngineKey
        self.matchingEngineKey64 = matchingEngineKey.publicKey.raw64
        self.proofMarketplace = proofMarketplace
    }

    /// The address of the matching-engine key held.
    public var matchingEngineAddress: Address { matchingEngineKey.address }

    /// Unavailable when the mirrored `pub_key(proofMarketplace, 0)` is a different key: every ACL is encrypted to that
    /// key, so none would decrypt. Ready when it is this key, or not mirrored yet (each ACL then tells by decrypting).
    public func unavailability(in state: KalypsoState) -> String? {
        guard let stored = state.matchingEngineKey(proofMarketplace: proofMarketplace)?.publicKey,
              stored != matchingEngineKey64 else { return nil }
        let registered = stored.count == 64 ? ((try? Address(publicKey64: stored))?.checksummed ?? "not a curve point") : "\(stored.count) bytes"
        return "the matching-engine key given (\(matchingEngineKey.address.checksummed)) is not the key registered at "
            + "pub_key(\(proofMarketplace.checksummed), 0) (\(registered)); private asks' ACLs are encrypted to the registered key — "
            + "give that key to re-encrypt them"
    }

    /// Decrypts `ask.acl` with the matching-engine key (it must hold exactly 32 bytes) and encrypts the same bytes to
    /// `0x04 ‖ generatorKey` with a fresh ephemeral key and nonce.
    public func reencrypt(ask: Ask, for generator: Address, generatorKey: [UInt8]) throws -> [UInt8] {
        guard generatorKey.count == 64, let recipient = try? PublicKey(bytes: [0x04] + generatorKey) else {
            throw MatchingError(.invalidGeneratorKey, "the key of \(generator.checksummed) for market \(ask.body.map { "\($0.marketId)" } ?? "?") is not a 64-byte secp256k1 point; it cannot receive ask \(ask.id)'s ACL")
        }
        var secret: [UInt8]
        do { secret = try ECIES.decrypt(ask.acl, with: matchingEngineKey) } catch let error as ECIESError {
            throw MatchingError(.undecryptableAcl, "ask \(ask.id)'s ACL (\(ask.acl.count) bytes) does not decrypt with the matching-engine key \(matchingEngineKey.address.checksummed): \(error.message)")
        }
        defer { SecureRandom.wipe(&secret) }
        guard secret.count == 32 else {
            throw MatchingError(.invalidAclPlaintext, "ask \(ask.id)'s ACL holds \(secret.count) bytes, not the 32-byte AES key a private ask's ACL must hold")
        }
        do { return try ECIES.encrypt(secret, to: recipient) } catch let error as ECIESError {
            throw MatchingError(.encryptionFailed, "the new ACL of ask \(ask.id) for \(generator.checksummed) could not be encrypted: \(error.message)")
        }
    }
}
