import EthereumKit
import JSONRPC
import Kalypso

/// Everything the enricher knows about one transaction with Kalypso logs.
struct TransactionContext: Sendable {
    /// The transaction object from the block (full transactions).
    let transaction: RPCTransaction
    /// Its sender as libsecp256k1 recovers it.
    let sender: SenderRecovery
    /// Its Kalypso logs, in log order.
    let logs: [KalypsoLog]
    /// Their indices in the enricher's input.
    let indices: [Int]
    /// The generator the registry acted for, if a generator-self event is in the transaction (`selfActingGenerator`).
    let generator: Address?
    /// The known call the transaction makes directly on a watched contract, decoded.
    let call: DirectCall?
}

/// The outcome of trying the calldata path for one event (§7.3 source A).
enum CalldataOutcome: Sendable {
    /// Filled from calldata, after the cross-check against the event's own fields.
    case enriched(KalypsoEvent)
    /// The calldata path does not apply (no direct call, another function, a pinned-only field); no record needed.
    case notApplicable(String)
    /// The calldata was there but disagreed with the event or did not decode: the pinned call is used and this is
    /// recorded.
    case mismatch(String)
}

/// Source A of §7.3: the transaction's own calldata, when it calls the contract directly with the matching selector.
struct CalldataEnricher: Sendable {
    let deployment: KalypsoDeployment

    func enrich(_ event: KalypsoEvent, in tx: TransactionContext) -> CalldataOutcome {
        guard let call = tx.call else {
            let to = tx.transaction.to.map(\.description) ?? "nothing (a creation)"
            return .notApplicable("the transaction calls \(to) without a known Kalypso selector (a contract wallet, multisig or batcher)")
        }
        let arguments: [ABIValue]
        switch call.arguments {
        case .success(let a): arguments = a
        case .failure(let problem): return .mismatch(problem.description)
        }
        switch event {
        case .registeredGenerator(var e):
            guard call.call == .register, arguments.count == 4, let reward = arguments[0].addressValue, let compute = arguments[1].uintValue,
                  let stake = arguments[2].uintValue, let data = arguments[3].bytesValue else { return wrongCall(call, "register") }
            guard compute == e.initialCompute, stake == e.initialStake else {
                return .mismatch("register(…, declaredCompute \(compute), initialStake \(stake), …) disagrees with RegisteredGenerator(\(e.generator), \(e.initialCompute), \(e.initialStake))")
            }
            if let problem = senderProblem(tx, acting: e.generator) { return .mismatch(problem) }
            e.registration = .calldata(GeneratorRegistration(rewardAddress: reward, generatorData: data))
            return .enriched(.registeredGenerator(e))
        case .joinedMarketplace(var e):
            guard call.call == .joinMarketplace, arguments.count == 7, let market = arguments[0].uintValue, let compute = arguments[1].uintValue,
                  let cost = arguments[2].uintValue, let time = arguments[3].uintValue else { return wrongCall(call, "joinMarketplace") }
            guard market == e.marketId, compute == e.computeAllocation else {
                return .mismatch("joinMarketplace(market \(market), compute \(compute), …) disagrees with JoinedMarketplace(\(e.generator), \(e.marketId), \(e.computeAllocation))")
            }
            if let problem = senderProblem(tx, acting: e.generator) { return .mismatch(problem) }
            e.terms = .calldata(MarketplaceJoinTerms(proofGenerationCost: cost, proposedTime: time))
            return .enriched(.joinedMarketplace(e))
        case .askCreated(var e):
            if let outcome = askFromCalldata(&e, call: call, arguments: arguments, tx: tx) { return outcome }
            return .enriched(.askCreated(e))
        case .updateKey(var e):
            switch keyFromCalldata(e, call: call, arguments: arguments, tx: tx) {
            case .enriched(let key):
                e.key = .calldata(key)
                return .enriched(.updateKey(e))
            case .notApplicable(let reason): return .notApplicable(reason)
            case .mismatch(let reason): return .mismatch(reason)
            }
        case .marketplaceCreated:
            return .notApplicable("MarketplaceCreated: marketData(id) pinned to the block hash is preferred (createMarketplace calldata lacks activationBlock, which needs the EVM clock)")
        case .taskCreated:
            return .notApplicable("TaskCreated: the new deadline is only in listOfAsk(askId) (it needs the EVM clock)")
        default:
            return .notApplicable("the event needs no enrichment")
        }
    }

    /// `createAsk(ask, secretType, privateInputs, acl[, extraData])`: the body, the secret type, and the requester
    /// (the recovered transaction sender; calldata does not name it). Sets `e.details` or returns the outcome.
    private func askFromCalldata(_ e: inout KalypsoEvent.AskCreated, call: DirectCall, arguments: [ABIValue], tx: TransactionContext) -> CalldataOutcome? {
        let expected: KalypsoFunctions.Call = e.variant == .current ? .createAsk : .createAskLegacy
        guard call.call == .createAsk || call.call == .createAskLegacy else { return wrongCall(call, "createAsk") }
        guard call.call == expected else {
            return .mismatch("the \(e.variant) AskCreated comes from \(call.call.rawValue) calldata: the variants must match (4 arguments ↔ 4 event fields)")
        }
        guard let body = Self.askBody(arguments.first), arguments.count >= 4, let typeWord = arguments[1].uintValue,
              let inputs = arguments[2].bytesValue, let acl = arguments[3].bytesValue else { return wrongCall(call, "createAsk") }
        guard let small = typeWord.uint64, small <= 255, let secretType = SecretType(rawValue: UInt8(small)) else {
            return .mismatch("createAsk secretType \(typeWord) is not a SecretType")
        }
        if e.hasPrivateInputs {
            guard inputs == e.secretData, acl == e.acl else {
                return .mismatch("createAsk privateInputs/acl (\(inputs.count)/\(acl.count) bytes) differ from AskCreated secret_data/acl (\(e.secretData.count)/\(e.acl.count) bytes)")
            }
        } else if !e.secretData.isEmpty || !e.acl.isEmpty {
            return .mismatch("AskCreated for a public market carries secret_data or acl; the contract emits them empty")
        }
        if e.variant == .current {
            guard arguments.count == 5, let extra = arguments[4].bytesValue, extra == e.extraData else {
                return .mismatch("createAsk extraData differs from AskCreated extraData")
            }
        }
        guard let requester = tx.sender.address else {
            return .mismatch("createAsk calldata does not name the requester and the transaction sender could not be recovered; listOfAsk(\(e.askId)) names it")
        }
        e.details = .calldata(AskDetails(body: body, requester: requester, secretType: secretType))
        return nil
    }

    private enum KeyOutcome { case enriched([UInt8]), notApplicable(String), mismatch(String) }

    /// The 2nd field of the attestation in `updateEncryptionKey` / `joinMarketplace(…, true, …)` / `verifyMatchingEngine`.
    private func keyFromCalldata(_ e: KalypsoEvent.UpdateKey, call: DirectCall, arguments: [ABIValue], tx: TransactionContext) -> KeyOutcome {
        let attestation: [UInt8]
        switch call.call {
        case .updateEncryptionKey, .joinMarketplace:
            let attestationIndex = call.call == .updateEncryptionKey ? 1 : 5
            guard arguments.count > attestationIndex, let market = arguments[0].uintValue, let data = arguments[attestationIndex].bytesValue else {
                return .mismatch("\(call.call.rawValue) arguments do not have the declared shape")
            }
            if call.call == .joinMarketplace, arguments[4].boolValue != true {
                return .mismatch("UpdateKey in a joinMarketplace transaction with updateMarketDedicatedKey = false")
            }
            guard market == e.keyIndex else {
                return .mismatch("\(call.call.rawValue)(market \(market), …) disagrees with UpdateKey(\(e.user), \(e.keyIndex))")
            }
            if let sender = tx.sender.address, sender != e.user {
                return .mismatch("UpdateKey names \(e.user) but the direct \(call.call.rawValue) was sent by \(sender)")
            }
            attestation = data
        case .verifyMatchingEngine:
            guard arguments.count == 2, let data = arguments[0].bytesValue else { return .mismatch("verifyMatchingEngine arguments do not have the declared shape") }
            guard e.user == deployment.proofMarketplace, e.keyIndex.isZero else {
                return .mismatch("verifyMatchingEngine emits UpdateKey(ProofMarketplace, 0), not UpdateKey(\(e.user), \(e.keyIndex))")
            }
            attestation = data
        default:
            return .notApplicable("UpdateKey in a \(call.call.rawValue) transaction")
        }
        switch AttestationData.publicKey(attestation) {
        case .success(let key):
            guard key.count == 64 else { return .mismatch("the attested key has \(key.count) bytes; updatePubkey requires 64") }
            if let verified = tx.logs.lazy.compactMap({ log -> Hash32? in
                if case .enclaveKeyVerified(let v) = log.event { return v.enclavePubKeyHash }
                return nil
            }).first, verified != Keccak256.hash(key) {
                return .mismatch("EnclaveKeyVerified in the same transaction hashes another key (\(verified))")
            }
            return .enriched(key)
        case .failure(let problem):
            return .mismatch(problem.description)
        }
    }

    /// For a direct registry call, `msg.sender` is the signer: it must be the generator the event names.
    private func senderProblem(_ tx: TransactionContext, acting generator: Address) -> String? {
        guard let sender = tx.sender.address, sender != generator else { return nil }
        return "the event names \(generator) but the direct call was sent by \(sender)"
    }

    private func wrongCall(_ call: DirectCall, _ wanted: String) -> CalldataOutcome {
        .notApplicable("the transaction calls \(call.call.rawValue), not \(wanted)")
    }

    /// The `Ask` tuple `(uint256,uint256,uint256,uint256,uint256,address,bytes)`.
    static func askBody(_ value: ABIValue?) -> AskBody? {
        guard let f = value?.tupleValue, f.count == 7, let market = f[0].uintValue, let reward = f[1].uintValue,
              let expiry = f[2].uintValue, let time = f[3].uintValue, let deadline = f[4].uintValue,
              let refund = f[5].addressValue, let proverData = f[6].bytesValue else { return nil }
        return AskBody(marketId: market, reward: reward, expiry: expiry, timeTakenForProofGeneration: time, deadline: deadline,
                       refundAddress: refund, proverData: proverData)
    }
}
