"""Solidity-style JSON ABIs of the Kalypso G1 contracts, transcribed from ../shared/spec/kalypso-contracts.md.

The declarations below are written in human-readable form (as in the spec) and turned into the JSON files in
ABI/ at the project root by `python -m devnode.abi_spec` (the files are committed; tests check that they match this
module, the Vyper build and the spec's topic0 / selector values).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from eth_utils import keccak

ABI_DIR = Path(__file__).resolve().parent.parent.parent / "ABI"

ACCESS_CONTROL = [
    "function DEFAULT_ADMIN_ROLE() view returns (bytes32)",
    "function hasRole(bytes32 role, address account) view returns (bool)",
    "function getRoleAdmin(bytes32 role) view returns (bytes32)",
    "function grantRole(bytes32 role, address account)",
    "function revokeRole(bytes32 role, address account)",
    "function renounceRole(bytes32 role, address callerConfirmation)",
    "function supportsInterface(bytes4 interfaceId) view returns (bool)",
    "event Initialized(uint64 version)",
    "event Upgraded(address indexed implementation)",
    "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
    "event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)",
    "event RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole)",
    "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
    "error AccessControlBadConfirmation()",
    "error InvalidInitialization()",
    "error ReentrancyGuardReentrantCall()",
]

ERC20_ERRORS = [
    "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
    "error ERC20InvalidSender(address sender)",
    "error ERC20InvalidReceiver(address receiver)",
    "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
    "error ERC20InvalidApprover(address approver)",
    "error ERC20InvalidSpender(address spender)",
    "error SafeERC20FailedOperation(address token)",
]

ATTESTATION_ERRORS = [
    "error AttestationAutherPubkeyLengthInvalid()",
    "error AttestationAutherPCRsInvalid()",
    "error AttestationAutherImageNotWhitelisted()",
    "error AttestationAutherImageNotInFamily()",
    "error AttestationAutherKeyNotVerified()",
    "error AttestationAutherAttestationTooOld()",
    "error AttestationAutherMismatchedLengths()",
    "error AttestationVerifierKeyNotVerified()",
    "error AttestationVerifierImageNotWhitelisted()",
]

ECDSA_ERRORS = [
    "error ECDSAInvalidSignature()",
    "error ECDSAInvalidSignatureLength(uint256 length)",
    "error ECDSAInvalidSignatureS(bytes32 s)",
]

ER_KEY_ERRORS = [
    "error InvalidEnclaveKey()",
    "error EnclaveKeyNotVerified()",
    "error MustBeAnEnclave(bytes32 imageId)",
    "error BlacklistedImage(bytes32 imageId)",
    "error InferredImageIdIsDifferent()",
]

GR_TASK_ERRORS = [
    "error AssignOnlyToIdleGenerators()",
    "error InsufficientGeneratorComputeAvailable()",
    "error MaxParallelRequestsPerMarketExceeded()",
    "error InsufficientStakeToLock()",
    "error OnlyWorkingGenerators()",
    "error CannotBeSlashed()",
]

GENERATOR_REGISTRY = ACCESS_CONTROL + ERC20_ERRORS + ATTESTATION_ERRORS + ER_KEY_ERRORS + GR_TASK_ERRORS + [
    "function initialize(address _admin, address _proofMarketplace)",
    "function register(address rewardAddress, uint256 declaredCompute, uint256 initialStake, bytes generatorData)",
    "function changeRewardAddress(address newRewardAddress)",
    "function increaseDeclaredCompute(uint256 computeToIncrease)",
    "function intendToReduceCompute(uint256 computeToReduce)",
    "function decreaseDeclaredCompute()",
    "function stake(address generatorAddress, uint256 amount) returns (uint256)",
    "function intendToReduceStake(uint256 stakeToReduce)",
    "function unstake(address to)",
    "function deregister(address refundAddress)",
    "function updateEncryptionKey(uint256 marketId, bytes attestationData, bytes enclaveSignature)",
    "function addIvsKey(uint256 marketId, bytes attestationData, bytes enclaveSignature)",
    "function removeEncryptionKey(uint256 marketId)",
    "function joinMarketplace(uint256 marketId, uint256 computePerRequestRequired, uint256 proofGenerationCost, "
    "uint256 proposedTime, bool updateMarketDedicatedKey, bytes attestationData, bytes enclaveSignature)",
    "function requestForExitMarketplace(uint256 marketId)",
    "function requestForExitMarketplaces(uint256[] marketIds)",
    "function leaveMarketplace(uint256 marketId)",
    "function leaveMarketplaces(uint256[] marketIds)",
    "function assignGeneratorTask(address generatorAddress, uint256 marketId, uint256 stakeToLock)",
    "function completeGeneratorTask(address generatorAddress, uint256 marketId, uint256 stakeToRelease)",
    "function slashGenerator(address generatorAddress, uint256 marketId, uint256 slashingAmount, "
    "address rewardAddress) returns (uint256)",
    "function generatorRegistry(address) view returns (address rewardAddress, uint256 totalStake, "
    "uint256 sumOfComputeAllocations, uint256 computeConsumed, uint256 stakeLocked, uint256 activeMarketplaces, "
    "uint256 declaredCompute, uint256 intendedStakeUtilization, uint256 intendedComputeUtilization, "
    "bytes generatorData)",
    "function generatorInfoPerMarket(address, uint256) view returns (uint8 state, uint256 computePerRequestRequired, "
    "uint256 proofGenerationCost, uint256 proposedTime, uint256 activeRequests)",
    "function getGeneratorState(address generatorAddress, uint256 marketId) view returns (uint8, uint256)",
    "function getGeneratorAssignmentDetails(address generatorAddress, uint256 marketId) view returns (uint256, uint256)",
    "function getGeneratorRewardDetails(address generatorAddress, uint256 marketId) view returns (address, uint256)",
    "function STAKING_TOKEN() view returns (address)",
    "function ENTITY_KEY_REGISTRY() view returns (address)",
    "function proofMarketplace() view returns (address)",
    "function PROOF_MARKET_PLACE_ROLE() view returns (bytes32)",
    "function PARALLEL_REQUESTS_UPPER_LIMIT() view returns (uint256)",
    "function UNLOCK_WAIT_BLOCKS() view returns (uint256)",
    "event RegisteredGenerator(address indexed generator, uint256 initialCompute, uint256 initialStake)",
    "event DeregisteredGenerator(address indexed generator)",
    "event ChangedGeneratorRewardAddress(address indexed generator, address newRewardAddress)",
    "event JoinedMarketplace(address indexed generator, uint256 indexed marketId, uint256 computeAllocation)",
    "event RequestExitMarketplace(address indexed generator, uint256 indexed marketId)",
    "event LeftMarketplace(address indexed generator, uint256 indexed marketId)",
    "event AddIvsKey(uint256 indexed marketId, address indexed signer)",
    "event AddedStake(address indexed generator, uint256 amount)",
    "event RequestStakeDecrease(address indexed generator, uint256 intendedUtilization)",
    "event RemovedStake(address indexed generator, uint256 amount)",
    "event IncreasedCompute(address indexed generator, uint256 compute)",
    "event RequestComputeDecrease(address indexed generator, uint256 intendedUtilization)",
    "event DecreaseCompute(address indexed generator, uint256 compute)",
    "event StakeLockImposed(address indexed generator, uint256 stake)",
    "event ComputeLockImposed(address indexed generator, uint256 compute)",
    "event StakeLockReleased(address indexed generator, uint256 stake)",
    "event ComputeLockReleased(address indexed generator, uint256 compute)",
    "event StakeSlashed(address indexed generator, uint256 stake)",
    "error CannotBeZero()",
    "error GeneratorAlreadyExists()",
    "error InvalidGenerator()",
    "error CannotLeaveWithActiveMarket()",
    "error RequestAlreadyInPlace()",
    "error ExceedsAcceptableRange()",
    "error ReduceComputeRequestNotInPlace()",
    "error ReductionRequestNotValid()",
    "error UnstakeRequestNotInPlace()",
    "error PublicMarketsDontNeedKey()",
    "error IncorrectImageId()",
    "error InvalidEnclaveSignature(address)",
    "error InvalidMarket()",
    "error AlreadyJoinedMarket()",
    "error CannotBeMoreThanDeclaredCompute()",
    "error OnlyValidGeneratorsCanRequestExit()",
    "error InvalidGeneratorStatePerMarket()",
    "error CannotLeaveMarketWithActiveRequest()",
]

ASK_TUPLE = ("(uint256 marketId, uint256 reward, uint256 expiry, uint256 timeTakenForProofGeneration, "
             "uint256 deadline, address refundAddress, bytes proverData)")

PROOF_MARKETPLACE = ACCESS_CONTROL + ERC20_ERRORS + ATTESTATION_ERRORS + ECDSA_ERRORS + ER_KEY_ERRORS + GR_TASK_ERRORS + [
    "function initialize(address _admin)",
    "function createMarketplace(bytes _marketmetadata, address _verifier, uint256 _penalty, bytes _proverPcrs, "
    "bytes _ivsPcrs)",
    "function addExtraImages(uint256 marketId, bytes[] _proverPcrs, bytes[] _ivsPcrs)",
    "function removeExtraImages(uint256 marketId, bytes[] _proverPcrs, bytes[] _ivsPcrs)",
    "function freezeMarket(uint256 marketId)",
    "function setMatchingEngineImage(bytes pcrs)",
    "function verifyMatchingEngine(bytes attestationData, bytes meSignature)",
    "function updateCostPerBytes(uint8 secretType, uint256 costPerInputBytes)",
    "function updateMinProvingTime(uint8 secretType, uint256 newProvingTime)",
    "function pause()",
    "function unpause()",
    "function paused() view returns (bool)",
    f"function createAsk({ASK_TUPLE} ask, uint8 secretType, bytes privateInputs, bytes acl, bytes extraData)",
    f"function getPlatformFee(uint8 secretType, {ASK_TUPLE} ask, bytes privateInputs, bytes acl) view returns (uint256)",
    "function assignTask(uint256 askId, address generator, bytes new_acl)",
    "function relayBatchAssignTasks(uint256[] askIds, address[] generators, bytes[] newAcls, bytes signature)",
    "function cancelAsk(uint256 askId)",
    "function submitProof(uint256 askId, bytes proof)",
    "function submitProofs(uint256[] taskIds, bytes[] proofs)",
    "function submitProofForInvalidInputs(uint256 askId, bytes invalidProofSignature)",
    "function slashGenerator(uint256 askId, address rewardAddress) returns (uint256)",
    "function discardRequest(uint256 askId) returns (uint256)",
    "function flush(address _address)",
    "function marketData(uint256) view returns (address verifier, bytes32 proverImageId, uint256 slashingPenalty, "
    "uint256 activationBlock, bytes32 ivsImageId, address creator, bytes marketmetadata)",
    f"function listOfAsk(uint256) view returns ({ASK_TUPLE} ask, uint8 state, address requester, address generator)",
    "function getAskState(uint256 askId) view returns (uint8)",
    "function askCounter() view returns (uint256)",
    "function marketCounter() view returns (uint256)",
    "function costPerInputBytes(uint8) view returns (uint256)",
    "function minProvingTime(uint8) view returns (uint256)",
    "function claimableAmount(address) view returns (uint256)",
    "function PAYMENT_TOKEN() view returns (address)",
    "function MARKET_CREATION_COST() view returns (uint256)",
    "function GENERATOR_REGISTRY() view returns (address)",
    "function ENTITY_KEY_REGISTRY() view returns (address)",
    "function UPDATER_ROLE() view returns (bytes32)",
    "function MATCHING_ENGINE_ROLE() view returns (bytes32)",
    "function MARKET_ACTIVATION_DELAY() view returns (uint256)",
    "event AskCreated(uint256 indexed askId, bool indexed hasPrivateInputs, bytes secret_data, bytes acl, bytes extraData)",
    "event AskCreated(uint256 indexed askId, bool indexed hasPrivateInputs, bytes secret_data, bytes acl)",
    "event TaskCreated(uint256 indexed askId, address indexed generator, bytes new_acl)",
    "event ProofCreated(uint256 indexed askId, bytes proof)",
    "event ProofNotGenerated(uint256 indexed askId)",
    "event InvalidInputsDetected(uint256 indexed askId)",
    "event MarketplaceCreated(uint256 indexed marketId)",
    "event AskCancelled(uint256 indexed askId)",
    "event UpdateCostPerBytes(uint8 indexed secretType, uint256 costPerInputBytes)",
    "event UpdateMinProvingTime(uint8 indexed secretType, uint256 newProvingTime)",
    "event AddExtraProverImage(uint256 indexed marketId, bytes32 indexed imageId)",
    "event AddExtraIVSImage(uint256 indexed marketId, bytes32 indexed imageId)",
    "event RemoveExtraProverImage(uint256 indexed marketId, bytes32 indexed imageId)",
    "event RemoveExtraIVSImage(uint256 indexed marketId, bytes32 indexed imageId)",
    "event Paused(address account)",
    "event Unpaused(address account)",
    "error CannotBeZero()",
    "error InvalidInputs()",
    "error CannotAssignExpiredTasks()",
    "error InvalidECIESACL()",
    "error InactiveMarket()",
    "error InvalidMarket()",
    "error OnlyMarketCreator()",
    "error CannotModifyImagesForPublicMarkets()",
    "error ImageAlreadyInFamily(bytes32, bytes32)",
    "error CannotRemoveDefaultImageFromMarket(uint256, bytes32)",
    "error IncorrectImageId()",
    "error InvalidEnclaveSignature(address)",
    "error ShouldBeInCreateState()",
    "error ProofPriceMismatch(uint256)",
    "error ProofTimeMismatch(uint256)",
    "error ArityMismatch()",
    "error OnlyAssignedAsksCanBeProved(uint256)",
    "error InvalidProof(uint256)",
    "error CannotSlashUsingValidInputs(uint256)",
    "error OnlyExpiredAsksCanBeCancelled(uint256)",
    "error ShouldBeInCrossedDeadlineState(uint256)",
    "error ShouldBeInAssignedState(uint256)",
    "error OnlyGeneratorCanDiscardRequest(uint256)",
    "error EnforcedPause()",
    "error ExpectedPause()",
]

# The pre-2024-12-27 createAsk (4 arguments). It is a separate entry point of the legacy build; listed in the
# JSON ABI as an overload (legal in Solidity, which the original had across versions).
LEGACY_CREATE_ASK = f"function createAsk({ASK_TUPLE} ask, uint8 secretType, bytes privateInputs, bytes acl)"

ATTESTATION_TUPLE = "(bytes enclavePubKey, bytes PCR0, bytes PCR1, bytes PCR2, uint256 timestampInMilliseconds)"
ENCLAVE_IMAGE_TUPLE = "(bytes PCR0, bytes PCR1, bytes PCR2)"

ENTITY_KEY_REGISTRY = ACCESS_CONTROL + ATTESTATION_ERRORS + ECDSA_ERRORS + ER_KEY_ERRORS + [
    f"function initialize(address _admin, {ENCLAVE_IMAGE_TUPLE}[] initWhitelistImages)",
    "function addGeneratorRegistry(address _generatorRegistry)",
    "function updatePubkey(address keyOwner, uint256 keyIndex, bytes pubkey, bytes attestation_data)",
    "function verifyKey(bytes attestation_data)",
    "function whitelistImageUsingPcrs(bytes32 family, bytes pcrs)",
    "function removePubkey(address keyOwner, uint256 keyIndex)",
    "function removeEnclaveImageFromFamily(bytes32 imageId, bytes32 family)",
    "function blacklistImage(bytes32 imageId)",
    "function allowOnlyVerifiedFamily(bytes32 familyId, address _key) view",
    f"function verifyEnclaveKey(bytes signature, {ATTESTATION_TUPLE} attestation) returns (bool)",
    "function pub_key(address, uint256) view returns (bytes)",
    "function blackListedImages(bytes32) view returns (bool)",
    f"function getWhitelistedImage(bytes32 _imageId) view returns ({ENCLAVE_IMAGE_TUPLE})",
    "function getVerifiedKey(address _key) view returns (bytes32)",
    "function isImageInFamily(bytes32 imageId, bytes32 family) view returns (bool)",
    "function ATTESTATION_VERIFIER() view returns (address)",
    "function ATTESTATION_MAX_AGE() view returns (uint256)",
    "function KEY_REGISTER_ROLE() view returns (bytes32)",
    "function MODERATOR_ROLE() view returns (bytes32)",
    "event UpdateKey(address indexed user, uint256 indexed keyIndex)",
    "event RemoveKey(address indexed user, uint256 indexed keyIndex)",
    "event ImageBlacklisted(bytes32 indexed imageId)",
    "event EnclaveImageWhitelisted(bytes32 indexed imageId, bytes PCR0, bytes PCR1, bytes PCR2)",
    "event EnclaveImageRevoked(bytes32 indexed imageId)",
    "event EnclaveImageAddedToFamily(bytes32 indexed imageId, bytes32 family)",
    "event EnclaveImageRemovedFromFamily(bytes32 indexed imageId, bytes32 family)",
    "event EnclaveKeyWhitelisted(bytes indexed enclavePubKey, bytes32 indexed imageId)",
    "event EnclaveKeyRevoked(bytes indexed enclavePubKey)",
    "event EnclaveKeyVerified(bytes indexed enclavePubKey, bytes32 indexed imageId)",
    "error AlreadyABlacklistedImage(bytes32)",
    "error KeyAlreadyExists(address)",
]

ERC20 = ERC20_ERRORS[:-1] + [
    "function name() view returns (string)",
    "function symbol() view returns (string)",
    "function decimals() view returns (uint8)",
    "function totalSupply() view returns (uint256)",
    "function balanceOf(address account) view returns (uint256)",
    "function allowance(address owner, address spender) view returns (uint256)",
    "function transfer(address to, uint256 value) returns (bool)",
    "function transferFrom(address from, address to, uint256 value) returns (bool)",
    "function approve(address spender, uint256 value) returns (bool)",
    "function mint(address to, uint256 amount)",
    "event Transfer(address indexed from, address indexed to, uint256 value)",
    "event Approval(address indexed owner, address indexed spender, uint256 value)",
]

FILES = {
    "GeneratorRegistry.json": GENERATOR_REGISTRY,
    "ProofMarketplace.json": PROOF_MARKETPLACE + [LEGACY_CREATE_ASK],
    "EntityKeyRegistry.json": ENTITY_KEY_REGISTRY,
    "ERC20.json": ERC20,
}


# ---- a small parser for human-readable declarations -------------------------------------------

def _split_top(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def _param(text: str, allow_indexed: bool) -> dict:
    text = text.strip()
    if text.startswith("("):
        depth = 0
        for i, ch in enumerate(text):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0:
                break
        inner, rest = text[1:i], text[i + 1:]
        suffix = re.match(r"((?:\[\d*\])*)", rest).group(1)
        words = rest[len(suffix):].split()
        out = {"type": "tuple" + suffix, "components": [_param(p, False) for p in _split_top(inner)]}
    else:
        words = text.split()
        out = {"type": words[0]}
        words = words[1:]
    indexed = False
    if words and words[0] == "indexed":
        indexed = True
        words = words[1:]
    out = {"name": words[0] if words else "", **out}
    if allow_indexed:
        out["indexed"] = indexed
    return out


def _params(text: str, allow_indexed: bool = False) -> list[dict]:
    return [_param(p, allow_indexed) for p in _split_top(text)]


def _outer(text: str) -> tuple[str, str]:
    """'(a, (b, c) x) rest' -> ('a, (b, c) x', 'rest')"""
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return text[1:i], text[i + 1:].strip()
    raise ValueError(f"unbalanced parentheses: {text}")


def parse(decl: str) -> dict:
    kind, rest = decl.split(" ", 1)
    name = rest[:rest.index("(")]
    inner, tail = _outer(rest[len(name):])
    if kind == "event":
        return {"type": "event", "name": name, "inputs": _params(inner, True), "anonymous": False}
    if kind == "error":
        return {"type": "error", "name": name, "inputs": _params(inner)}
    mutability = "nonpayable"
    outputs: list[dict] = []
    words = tail
    for m in ("view", "pure", "payable"):
        if words.startswith(m):
            mutability = m
            words = words[len(m):].strip()
    if words.startswith("returns"):
        outputs = _params(_outer(words[len("returns"):].strip())[0])
    return {"type": "function", "name": name, "inputs": _params(inner), "outputs": outputs,
            "stateMutability": mutability}


def canonical_type(p: dict) -> str:
    t = p["type"]
    if t.startswith("tuple"):
        return "(" + ",".join(canonical_type(c) for c in p["components"]) + ")" + t[len("tuple"):]
    return t


def signature(entry: dict) -> str:
    return entry["name"] + "(" + ",".join(canonical_type(p) for p in entry["inputs"]) + ")"


def selector(entry: dict) -> str:
    return "0x" + keccak(text=signature(entry))[:4].hex()


def topic0(entry: dict) -> str:
    return "0x" + keccak(text=signature(entry)).hex()


def build(decls: list[str]) -> list[dict]:
    seen, out = set(), []
    for d in decls:
        entry = parse(d)
        key = (entry["type"], signature(entry))
        if key in seen:
            continue
        seen.add(key)
        out.append(entry)
    order = {"function": 0, "event": 1, "error": 2}
    return sorted(out, key=lambda e: (order[e["type"]], e["name"], signature(e)))


def render() -> dict[str, str]:
    """One ABI item per line: valid JSON, easy to grep and diff, and small enough to embed in the binary."""
    def text(items: list[dict]) -> str:
        return "[\n" + ",\n".join(json.dumps(item, separators=(",", ":")) for item in items) + "\n]\n"
    return {name: text(build(decls)) for name, decls in FILES.items()}


def load_abi(name: str) -> list[dict]:
    return json.loads((ABI_DIR / name).read_text())


if __name__ == "__main__":
    ABI_DIR.mkdir(exist_ok=True)
    for fname, text in render().items():
        (ABI_DIR / fname).write_text(text)
        print("wrote", ABI_DIR / fname)
