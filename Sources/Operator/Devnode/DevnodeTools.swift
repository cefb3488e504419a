import EthereumKit
import JSONRPC
import Kalypso

/// Development helpers that only make sense on the devnode: funding an operator account from the devnode's admin
/// key (its tokens have an open `mint`), and building an attestation its simplified AttestationVerifier accepts.
public enum DevnodeTools {
    /// Sends `ether` wei from the devnode admin to `recipient` and mints it `stakingTokens` and `paymentTokens`
    /// base units (`ERC20.mint` is open on the devnode). Returns the transaction hashes.
    public static func fund(_ recipient: Address, ether: UInt256, stakingTokens: UInt256, paymentTokens: UInt256, info: DevnodeInfo,
                            session: OperatorSession, options: TransactionOptions = TransactionOptions()) async throws(OperatorError) -> [Hash32] {
        let admin = info.adminKey
        var hashes: [Hash32] = []
        if !ether.isZero {
            hashes.append(try await transfer(ether, to: recipient, from: admin, session: session, options: options))
        }
        let mint = try session.abis.function(session.abis.erc20, "mint")
        for (token, amount) in [(session.deployment.stakingToken, stakingTokens), (session.deployment.paymentToken, paymentTokens)] where !amount.isZero {
            let call = try ContractCall(contract: session.deployment.contractName(at: token) ?? "Token", to: token, function: mint,
                                        arguments: [.address(recipient), .uint(amount)], purpose: "mint")
            let fees = try await FeePolicy.quote(client: session.client, overrides: options.fees)
            let nonce = try await session.sender.pendingNonce(admin.address)
            let prepared = try await session.sender.prepare(call, key: admin, nonce: nonce, fees: fees, options: options)
            hashes.append(try await session.sender.execute(prepared, options: options).prepared.hash)
        }
        return hashes
    }

    /// A plain ether transfer, waited for.
    static func transfer(_ value: UInt256, to recipient: Address, from key: PrivateKey, session: OperatorSession,
                         options: TransactionOptions) async throws(OperatorError) -> Hash32 {
        let fees = try await FeePolicy.quote(client: session.client, overrides: options.fees)
        let nonce = try await session.sender.pendingNonce(key.address)
        let tx = Transaction.dynamicFee(DynamicFeeTransaction(
            chainId: UInt256(session.chainId), nonce: nonce, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
            maxFeePerGas: fees.maxFeePerGas, gasLimit: 21_000, to: recipient, value: value))
        let signed: SignedTransaction
        do { signed = try tx.signed(with: key) } catch { throw OperatorError(.invalidInput, "signing the transfer failed: \(error)") }
        do throws(JSONRPCError) {
            _ = try await session.client.sendRawTransaction(signed.rawBytes)
        } catch {
            throw OperatorError(.rejected, "the devnode refused the ether transfer: \(error)")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: options.timeout)
        while clock.now < deadline {
            let receipt: Receipt?
            do throws(JSONRPCError) { receipt = try await session.client.getTransactionReceipt(signed.hash) } catch {
                throw OperatorError(.rpc, "eth_getTransactionReceipt failed: \(error)")
            }
            if let receipt {
                guard receipt.succeeded else { throw OperatorError(.transactionReverted, "the ether transfer \(signed.hash) failed") }
                return signed.hash
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        throw OperatorError(.timeout, "the ether transfer \(signed.hash) was not mined within \(options.timeout); is the devnode mining (automine)?")
    }

    /// An attestation of market `market`'s prover image (its PCRs read from the EntityKeyRegistry whitelist), for
    /// `enclaveKey`'s public key, timestamped at the latest block, signed by the devnode's attestation signer; and the
    /// enclave's proof of possession for `generator`.
    public static func attestation(market: UInt256, generator: Address, enclaveKey: PrivateKey, info: DevnodeInfo,
                                   reader: KalypsoChainReader) async throws(OperatorError) -> EnclaveKeyProof {
        guard let data = try await reader.market(market) else {
            throw OperatorError(.invalidInput, "market \(market) does not exist")
        }
        guard data.isPrivate else {
            throw OperatorError(.invalidInput, "market \(market) is public (no enclave image); it needs no attestation")
        }
        guard let pcrs = try await reader.whitelistedImage(data.proverImageId) else {
            throw OperatorError(.invalidInput, "the prover image \(data.proverImageId) of market \(market) is not whitelisted in the EntityKeyRegistry")
        }
        let timestamp = try await reader.head().timestamp
        let attestation = try EnclaveAttestation.devnode(signer: info.attestationSignerKey, enclavePublicKey: enclaveKey.publicKey.raw64,
                                                         pcrs: pcrs, timestampMilliseconds: UInt256(timestamp) * UInt256(1000))
        let signature = try attestation.proofOfPossession(enclaveKey: enclaveKey, generator: generator)
        return EnclaveKeyProof(attestation: attestation, signature: signature)
    }
}
