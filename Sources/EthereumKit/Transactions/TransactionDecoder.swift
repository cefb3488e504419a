extension SignedTransaction {
    /// Decodes a serialised transaction (legacy RLP list, or `0x01`/`0x02` ‖ RLP list), strictly:
    /// canonical RLP only, the exact field count for the type, integers without leading zeros and
    /// within their widths (nonce and gas 64-bit, amounts 256-bit), `to` empty or 20 bytes,
    /// access-list entries `[address, [slot…]]`, legacy `v` 27/28 or ≥ 35, typed y-parity 0/1,
    /// 1 ≤ r, s < n and s ≤ n/2 (EIP-2), and no bytes after the transaction.
    ///
    /// Chain-level rules are not applied: any chain id is accepted (the caller compares it with its
    /// chain), as are fee combinations only consensus rejects (gas × price overflowing 256 bits,
    /// a priority fee above the max fee). The sender is recovered separately (`recoverSender()`).
    public init(rawBytes: [UInt8]) throws {
        self = try rawBytes.withUnsafeBytes { try SignedTransaction(raw: $0) }
    }

    /// Decodes a serialised transaction from a raw buffer; see `init(rawBytes:)`.
    public init(raw: UnsafeRawBufferPointer) throws {
        do {
            self = try Self.decode(raw)
        } catch let e as RLPError {
            throw TransactionError(e)
        } catch let e as Secp256k1Error {
            throw TransactionError(e)
        }
    }

    private static func decode(_ raw: UnsafeRawBufferPointer) throws -> SignedTransaction {
        guard let first = raw.first else {
            throw TransactionError(.malformed, "the input is empty", offset: 0)
        }
        switch first {
        case 0xc0...0xff:
            var outer = RLPReader(raw)
            var fields = try outer.readList("transaction")
            try outer.finish("transaction")
            return try decodeLegacy(&fields)
        case 0x01, 0x02:
            var outer = RLPReader(raw, startingAt: 1)
            var fields = try outer.readList("transaction")
            try outer.finish("transaction")
            return try decodeTyped(first, &fields)
        case 0x00...0x7f:
            throw TransactionError(.typeNotSupported, "transaction type 0x\(String(first, radix: 16)) is not supported (only legacy, 0x01 EIP-2930 and 0x02 EIP-1559)", offset: 0)
        default:
            throw TransactionError(.typeNotSupported, "the input is an RLP byte string, not a transaction (a legacy transaction is an RLP list; a typed one starts with its type byte)", offset: 0)
        }
    }

    private static func expectFields(_ fields: RLPReader, _ count: Int, _ what: String) throws {
        let found = try fields.remainingItemCount()
        guard found == count else {
            throw TransactionError(.wrongFieldCount, "\(what) has \(found) fields, expected \(count)", offset: fields.offset)
        }
    }

    private static func decodeLegacy(_ r: inout RLPReader) throws -> SignedTransaction {
        try expectFields(r, 9, "a legacy transaction")
        let nonce = try r.readUInt64("nonce")
        let gasPrice = try r.readUInt256("gasPrice")
        let gasLimit = try r.readUInt64("gasLimit")
        let to = try r.readOptionalAddress("to")
        let value = try r.readUInt256("value")
        let data = try r.readByteArray("data")
        let vOffset = r.offset
        let v = try r.readUInt256("v")
        let sr = try r.readUInt256("r")
        let ss = try r.readUInt256("s")
        let chainId: UInt256?
        let parity: UInt8
        if v == UInt256(27) || v == UInt256(28) {
            chainId = nil
            parity = UInt8(truncatingIfNeeded: v.l0 - 27)
        } else if v >= UInt256(35) {
            let k = v - UInt256(35)
            chainId = k >> 1
            parity = UInt8(truncatingIfNeeded: k.l0 & 1)
        } else {
            throw TransactionError(.invalidV, "legacy v = \(v) is neither 27/28 (pre-EIP-155) nor chainId·2 + 35/36 (EIP-155)", offset: vOffset)
        }
        let tx = LegacyTransaction(nonce: nonce, gasPrice: gasPrice, gasLimit: gasLimit, to: to, value: value, data: data, chainId: chainId)
        return try SignedTransaction(transaction: .legacy(tx), signature: Signature(r: sr, s: ss, yParity: parity))
    }

    private static func decodeTyped(_ type: UInt8, _ r: inout RLPReader) throws -> SignedTransaction {
        try expectFields(r, type == 1 ? 11 : 12, type == 1 ? "an EIP-2930 transaction" : "an EIP-1559 transaction")
        let chainId = try r.readUInt256("chainId")
        let nonce = try r.readUInt64("nonce")
        // EIP-2930 has gasPrice here; EIP-1559 has maxPriorityFeePerGas, maxFeePerGas.
        let fee = try r.readUInt256(type == 1 ? "gasPrice" : "maxPriorityFeePerGas")
        let maxFee = type == 1 ? fee : try r.readUInt256("maxFeePerGas")
        let gasLimit = try r.readUInt64("gasLimit")
        let to = try r.readOptionalAddress("to")
        let value = try r.readUInt256("value")
        let data = try r.readByteArray("data")
        let accessList = try readAccessList(&r)
        let transaction: Transaction = type == 1
            ? .accessList(AccessListTransaction(chainId: chainId, nonce: nonce, gasPrice: fee, gasLimit: gasLimit,
                                                to: to, value: value, data: data, accessList: accessList))
            : .dynamicFee(DynamicFeeTransaction(chainId: chainId, nonce: nonce, maxPriorityFeePerGas: fee, maxFeePerGas: maxFee,
                                                gasLimit: gasLimit, to: to, value: value, data: data, accessList: accessList))
        let parityOffset = r.offset
        let parity = try r.readUInt64("yParity")
        guard parity <= 1 else {
            throw TransactionError(.invalidV, "y-parity must be 0 or 1, got \(parity)", offset: parityOffset)
        }
        let sr = try r.readUInt256("r")
        let ss = try r.readUInt256("s")
        return try SignedTransaction(transaction: transaction, signature: Signature(r: sr, s: ss, yParity: UInt8(parity)))
    }

    private static func readAccessList(_ r: inout RLPReader) throws -> [AccessListEntry] {
        var list = try r.readList("accessList")
        var entries: [AccessListEntry] = []
        while !list.isAtEnd {
            var entry = try list.readList("access list entry")
            try expectFields(entry, 2, "an access list entry")
            let address = try entry.readAddress("access list address")
            var keys = try entry.readList("storage keys")
            var slots: [Hash32] = []
            while !keys.isAtEnd { slots.append(try keys.readHash32("storage key")) }
            entries.append(AccessListEntry(address: address, storageKeys: slots))
        }
        return entries
    }
}

extension Transaction {
    /// Fuzz entry point: decodes `data` as a raw transaction and, if that succeeds, checks that it
    /// re-serialises to the same bytes and that sender recovery returns (a result or an error).
    ///
    /// Never traps on any input. Returns false only if an invariant is broken; a fuzz harness
    /// should abort on false.
    @discardableResult
    public static func fuzz(_ data: UnsafeRawBufferPointer) -> Bool {
        guard let tx = try? SignedTransaction(raw: data) else { return true }
        _ = try? tx.recoverSender()
        return tx.rawBytes.elementsEqual(data)
    }
}
