import EthereumKit

/// Turns a decoded revert into a sentence for a generator operator: what the contract said, what it means for
/// the function called, and what to do (§3.6, §5.3, §6, §11.1).
public enum RevertExplainer {
    /// One sentence: `<function> <revert description>: <meaning and fix>`.
    /// `function` is the contract function name (e.g. `joinMarketplace`).
    public static func explain(_ reason: RevertReason, function: String) -> String {
        let hint = self.hint(reason, function: function)
        return "\(function) \(reason)" + (hint.map { ": \($0)" } ?? "")
    }

    /// The meaning and fix for a revert in `function`; nil when there is nothing to add.
    public static func hint(_ reason: RevertReason, function: String) -> String? {
        switch reason {
        case .empty:
            switch function {
            case "joinMarketplace", "leaveMarketplace", "requestForExitMarketplace", "updateEncryptionKey":
                return "the market id most likely does not exist (the registry reads it through marketData, which reverts without data); list the markets with 'generator plan --market <id>'"
            default:
                return "no reason given (out of gas, or a call into a contract that reverted without data)"
            }
        case .panic(let code):
            if code == UInt256(0x11) {
                switch function {
                case "intendToReduceStake": return "the amount is larger than the total stake"
                case "intendToReduceCompute": return "the amount is larger than the declared compute"
                default: return "an amount is larger than what is there"
                }
            }
            if code == UInt256(0x32) { return "an id is out of range (no such market or ask)" }
            return nil
        case .custom(let error, let values):
            return customHint(error.name, values, function: function)
        case .error, .malformed, .unknown:
            return nil
        }
    }

    private static func customHint(_ name: String, _ values: [ABIValue], function: String) -> String? {
        switch name {
        case "CannotBeZero":
            switch function {
            case "register": return "the reward address, the declared compute or the generator data is zero or empty"
            case "changeRewardAddress": return "the new reward address is zero, or this account is not registered (register first)"
            case "stake": return "the amount is zero"
            case "joinMarketplace": return "this account is not registered, or compute per proof or max proof time is zero"
            case "updateEncryptionKey": return "this account is not registered (register first)"
            default: return "this account is not registered (register first), or the amount is zero"
            }
        case "GeneratorAlreadyExists":
            return "this account is already registered; use stake / increase-compute / change-reward-address, or deregister first"
        case "InvalidGenerator":
            return "the generator is not registered; register first (or check --for)"
        case "CannotLeaveWithActiveMarket":
            return "the generator still has markets; leave every market (request-exit, then leave-market) before deregistering"
        case "AlreadyJoinedMarket":
            return "already in this market; to change price, compute or time, leave it (request-exit, leave-market) and join again"
        case "CannotBeMoreThanDeclaredCompute":
            return "the compute allocated to markets would exceed the declared compute; increase-compute first or lower --compute-per-proof"
        case "OnlyValidGeneratorsCanRequestExit":
            return "the generator is not in this market, or already requested to leave it (then run leave-market once its requests are done)"
        case "InvalidGeneratorStatePerMarket":
            return "the generator is not in this market"
        case "CannotLeaveMarketWithActiveRequest":
            return "the generator has unfinished requests in this market; run request-exit so no new ones are assigned, finish them, then leave-market"
        case "UnstakeRequestNotInPlace":
            return "no stake reduction is pending; run intend-reduce-stake first"
        case "ReduceComputeRequestNotInPlace":
            return "no compute reduction is pending; run intend-reduce-compute first"
        case "ReductionRequestNotValid":
            return "the reduction was requested less than one block ago; wait for the next block and try again"
        case "RequestAlreadyInPlace":
            return function == "intendToReduceStake"
                ? "a compute reduction is pending (the contract's stake-intent guard tests the compute utilisation); run decrease-compute first"
                : "a compute reduction is already pending; run decrease-compute first"
        case "ExceedsAcceptableRange":
            return "the declared compute left would not exceed the compute allocated to markets; leave markets or reduce less"
        case "InsufficientGeneratorComputeAvailable":
            return "compute is still in use by tasks or allocated to markets; wait for tasks to finish or leave markets, then retry"
        case "InsufficientStakeToLock":
            return "the stake left would be below the stake locked by running tasks; wait for them to finish or unstake less"
        case "PublicMarketsDontNeedKey":
            return "this market is public; join without --attestation"
        case "IncorrectImageId":
            return "the attestation's enclave image is not one of the market's prover images"
        case "InvalidEnclaveSignature":
            let who = values.first?.addressValue.map { " (it recovers to \($0.checksummed))" } ?? ""
            return "the enclave signature is not the attested key's signature over (attestation, generator)\(who)"
        case "EnclaveKeyNotVerified":
            return "this enclave key was already verified once; a key can be registered only once: generate a fresh enclave key and attestation"
        case "InvalidEnclaveKey", "AttestationAutherPubkeyLengthInvalid":
            return "the attested public key must be 64 bytes (uncompressed, without 0x04)"
        case "AttestationAutherImageNotWhitelisted":
            return "the attestation's image is not whitelisted (or was revoked)"
        case "AttestationAutherAttestationTooOld":
            return "the attestation is too old; take a fresh one"
        case "AttestationVerifierKeyNotVerified", "AttestationVerifierImageNotWhitelisted":
            return "the attestation verifier does not accept the attestation's signature"
        case "BlacklistedImage":
            return "the enclave image is blacklisted"
        case "InvalidMarket":
            return "the market does not exist"
        case "ERC20InsufficientAllowance":
            let have = values.count > 1 ? values[1].description : "?"
            let need = values.count > 2 ? values[2].description : "?"
            return "the registry may take \(have) base units of the staking token but needs \(need); approve first (--approve)"
        case "ERC20InsufficientBalance":
            let have = values.count > 1 ? values[1].description : "?"
            let need = values.count > 2 ? values[2].description : "?"
            return "the account holds \(have) base units of the token but \(need) are needed"
        case "ERC20InvalidReceiver":
            return "tokens cannot be sent to the zero address"
        case "AccessControlUnauthorizedAccount":
            return "this account lacks the role the function needs"
        case "EnforcedPause":
            return "the marketplace is paused"
        default:
            return nil
        }
    }
}
