import EthereumKit

// EntityKeyRegistry rows of the §7.4 transition table (keys, and the optional image registry).

extension TransactionApplier {
    /// `key(u, i) = pub_key(u, i)`. A key that is unknown or not 64 bytes is stored as unknown ("no key").
    mutating func updateKey(_ e: KalypsoEvent.UpdateKey) {
        let id = KeyID(owner: e.user, keyIndex: e.keyIndex)
        var stored: [UInt8]?
        switch (e.key.payload, e.key.source) {
        case (let key?, _) where key.count == 64:
            stored = key
        case (let key?, .pinnedCall) where key.isEmpty:
            report(.invalidKey, .info, "pub_key\(id) read as empty at the end of the block: the key was probably removed later in the same block (a RemoveKey follows). Stored as unknown.")
        case (let key?, _):
            report(.invalidKey, .warning, "the key of \(id) has \(key.count) bytes (\(e.key.source)), not 64; stored as unknown (\"no key\"). The contract enforces 64 bytes, so the enrichment read the wrong value.")
        case (nil, _):
            report(.missingEnrichment, .warning, "the key of \(id) is unknown (\(e.key.source)); stored as unknown (\"no key\"). Re-read pub_key pinned to the block hash.")
        }
        journal.touch(.key(id), in: state)
        state.keys[id] = EnclaveKey(owner: e.user, keyIndex: e.keyIndex, publicKey: stored, updatedInBlock: block)
    }

    /// Delete `key(u, i)`; removing a key that does not exist is a no-op (`removeEncryptionKey` has no checks).
    mutating func removeKey(_ e: KalypsoEvent.RemoveKey) {
        let id = KeyID(owner: e.user, keyIndex: e.keyIndex)
        if state.keys[id] != nil { delete(.key(id)) }
    }

    /// Creates the image record if needed and updates it.
    mutating func updateImage(_ imageId: Hash32, _ body: (inout EnclaveImage) -> Void) {
        journal.touch(.enclaveImage(imageId), in: state)
        var image = state.enclaveImages[imageId] ?? EnclaveImage(imageId: imageId)
        body(&image)
        state.enclaveImages[imageId] = image
    }

    mutating func verifyEnclaveKey(_ publicKeyHash: Hash32, _ imageId: Hash32) {
        journal.touch(.verifiedEnclaveKey(publicKeyHash), in: state)
        state.verifiedEnclaveKeys[publicKeyHash] = VerifiedEnclaveKey(publicKeyHash: publicKeyHash, imageId: imageId, verifiedInBlock: block)
    }

    mutating func revokeEnclaveKey(_ publicKeyHash: Hash32) {
        if state.verifiedEnclaveKeys[publicKeyHash] != nil { delete(.verifiedEnclaveKey(publicKeyHash)) }
    }
}
