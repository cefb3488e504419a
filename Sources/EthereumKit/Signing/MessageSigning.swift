/// EIP-191 version 0x45 ("personal_sign" / `eth_sign`): `keccak256("\x19Ethereum Signed Message:\n" ‖ len ‖ message)`,
/// where `len` is the message length in decimal ASCII.
public enum PersonalMessage {
    /// The prefixed hash of `message`.
    public static func hash(_ message: some Collection<UInt8>) -> Hash32 {
        var hasher = Keccak256()
        hasher.update(Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8))
        hasher.update(message)
        return hasher.finalize()
    }

    /// The prefixed hash of a UTF-8 text message.
    public static func hash(text: String) -> Hash32 { hash(Array(text.utf8)) }

    /// The prefixed hash of a 32-byte hash used as the message (the Kalypso schemes: the message is
    /// `keccak256(abi.encode(…))` and the signed digest is this, with length 32).
    public static func hash(messageHash: Hash32) -> Hash32 { hash(messageHash.bytes) }

    /// Signs `message` the way `personal_sign` does (RFC 6979, low s, v = 27/28 in `rsv`).
    public static func sign(_ message: some Collection<UInt8>, with key: PrivateKey) throws -> Signature {
        try key.sign(digest: hash(message))
    }

    /// The address that signed `message`. `rule` says which s range counts: `.lowS` for
    /// OpenZeppelin `ECDSA.recover` (the Kalypso contracts), `.anyS` for a raw `ecrecover`.
    public static func recoverSigner(_ message: some Collection<UInt8>, signature: Signature, rule: SignatureRule) throws -> Address {
        try Secp256k1.recoverAddress(digest: hash(message), signature: signature, rule: rule)
    }
}

/// EIP-712 signing and recovery over a finished 32-byte digest
/// (`keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct)`, built by the typed-data encoder).
public enum TypedDataSignature {
    /// Signs an EIP-712 digest (RFC 6979, low s).
    public static func sign(digest: Hash32, with key: PrivateKey) throws -> Signature {
        try key.sign(digest: digest)
    }

    /// The address that signed an EIP-712 digest, under `rule` (`.lowS` for OpenZeppelin's `ECDSA`).
    public static func recoverSigner(digest: Hash32, signature: Signature, rule: SignatureRule) throws -> Address {
        try Secp256k1.recoverAddress(digest: digest, signature: signature, rule: rule)
    }
}
