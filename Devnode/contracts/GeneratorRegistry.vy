#pragma version ~=0.4.3
# Kalypso G1 GeneratorRegistry (spec §3), non-upgradeable Vyper port. Quirks of the original are kept on purpose.

#@include _limits.vyi

NULL_STATE: constant(uint8) = 0
JOINED: constant(uint8) = 1
NO_COMPUTE_AVAILABLE: constant(uint8) = 2
WIP: constant(uint8) = 3
REQUESTED_FOR_EXIT: constant(uint8) = 4

struct Generator:
    rewardAddress: address
    totalStake: uint256
    sumOfComputeAllocations: uint256
    computeConsumed: uint256
    stakeLocked: uint256
    activeMarketplaces: uint256
    declaredCompute: uint256
    intendedStakeUtilization: uint256
    intendedComputeUtilization: uint256
    generatorData: Bytes[GEN_DATA_MAX]

struct GeneratorInfoPerMarket:
    state: uint8
    computePerRequestRequired: uint256
    proofGenerationCost: uint256
    proposedTime: uint256
    activeRequests: uint256

interface IERC20:
    def transfer(to: address, amount: uint256) -> bool: nonpayable
    def transferFrom(sender: address, to: address, amount: uint256) -> bool: nonpayable

interface IProofMarketplace:
    def marketData(marketId: uint256) -> (address, bytes32, uint256, uint256, bytes32, address, Bytes[META_MAX]): view

interface IEntityKeyRegistry:
    def updatePubkey(keyOwner: address, keyIndex: uint256, pubkey: Bytes[PUBKEY_MAX], attestation_data: Bytes[ATT_MAX]): nonpayable
    def verifyKey(attestation_data: Bytes[ATT_MAX]): nonpayable
    def removePubkey(keyOwner: address, keyIndex: uint256): nonpayable
    def isImageInFamily(imageId: bytes32, family: bytes32) -> bool: view

event RegisteredGenerator:
    generator: indexed(address)
    initialCompute: uint256
    initialStake: uint256

event DeregisteredGenerator:
    generator: indexed(address)

event ChangedGeneratorRewardAddress:
    generator: indexed(address)
    newRewardAddress: address

event JoinedMarketplace:
    generator: indexed(address)
    marketId: indexed(uint256)
    computeAllocation: uint256

event RequestExitMarketplace:
    generator: indexed(address)
    marketId: indexed(uint256)

event LeftMarketplace:
    generator: indexed(address)
    marketId: indexed(uint256)

event AddIvsKey:
    marketId: indexed(uint256)
    signer: indexed(address)

event AddedStake:
    generator: indexed(address)
    amount: uint256

event RequestStakeDecrease:
    generator: indexed(address)
    intendedUtilization: uint256

event RemovedStake:
    generator: indexed(address)
    amount: uint256

event IncreasedCompute:
    generator: indexed(address)
    compute: uint256

event RequestComputeDecrease:
    generator: indexed(address)
    intendedUtilization: uint256

event DecreaseCompute:
    generator: indexed(address)
    compute: uint256

event StakeLockImposed:
    generator: indexed(address)
    stake: uint256

event ComputeLockImposed:
    generator: indexed(address)
    compute: uint256

event StakeLockReleased:
    generator: indexed(address)
    stake: uint256

event ComputeLockReleased:
    generator: indexed(address)
    compute: uint256

event StakeSlashed:
    generator: indexed(address)
    stake: uint256

#@include _access.vyi
#@include _common.vyi

PROOF_MARKET_PLACE_ROLE: public(constant(bytes32)) = keccak256("PROOF_MARKET_PLACE_ROLE")
PARALLEL_REQUESTS_UPPER_LIMIT: public(constant(uint256)) = 100
UNLOCK_WAIT_BLOCKS: public(constant(uint256)) = 100
REDUCTION_REQUEST_BLOCK_GAP: constant(uint256) = 1

STAKING_TOKEN: public(immutable(address))
ENTITY_KEY_REGISTRY: public(immutable(address))

proofMarketplace: public(address)

_gens: HashMap[address, Generator]
_rows: HashMap[address, HashMap[uint256, GeneratorInfoPerMarket]]
_unstakeRequestBlock: HashMap[address, uint256]
_reduceComputeRequestBlock: HashMap[address, uint256]


@deploy
def __init__(_stakingToken: address, _entityRegistry: address):
    STAKING_TOKEN = _stakingToken
    ENTITY_KEY_REGISTRY = _entityRegistry


@external
def initialize(_admin: address, _proofMarketplace: address):
    self._initializer()
    self._grantRole(DEFAULT_ADMIN_ROLE, _admin)
    self._grantRole(PROOF_MARKET_PLACE_ROLE, _proofMarketplace)
    self.proofMarketplace = _proofMarketplace


# ---- helpers ----------------------------------------------------------------------------------

@view
@internal
def _isRegistered(gen: address) -> bool:
    return self._gens[gen].rewardAddress != empty(address) and len(self._gens[gen].generatorData) != 0


@view
@internal
def _market(marketId: uint256) -> (address, bytes32, bytes32):
    # Through the marketplace's external getter: an unknown id reverts with empty revert data.
    verifier: address = empty(address)
    proverImageId: bytes32 = empty(bytes32)
    penalty: uint256 = 0
    activation: uint256 = 0
    ivsImageId: bytes32 = empty(bytes32)
    creator: address = empty(address)
    metadata: Bytes[META_MAX] = b""
    verifier, proverImageId, penalty, activation, ivsImageId, creator, metadata = staticcall IProofMarketplace(self.proofMarketplace).marketData(marketId)
    return verifier, proverImageId, ivsImageId


@view
@internal
def _idleCapacity(gen: address) -> uint256:
    maxUsable: uint256 = self._gens[gen].declaredCompute * self._gens[gen].intendedComputeUtilization // EXPONENT
    consumed: uint256 = self._gens[gen].computeConsumed
    if maxUsable >= consumed:
        return maxUsable - consumed
    return 0


@view
@internal
def _maxReducibleStake(gen: address) -> uint256:
    maxUsable: uint256 = self._gens[gen].totalStake * self._gens[gen].intendedStakeUtilization // EXPONENT
    locked: uint256 = self._gens[gen].stakeLocked
    if maxUsable >= locked:
        return maxUsable - locked
    return 0


@view
@internal
def _state(gen: address, marketId: uint256) -> (uint8, uint256):
    stored: uint8 = self._rows[gen][marketId].state
    if stored == NULL_STATE:
        return NULL_STATE, 0
    if stored == REQUESTED_FOR_EXIT:
        return REQUESTED_FOR_EXIT, 0
    idle: uint256 = self._idleCapacity(gen)
    if idle == 0:
        return NO_COMPUTE_AVAILABLE, 0
    declared: uint256 = self._gens[gen].declaredCompute
    if idle == declared:
        return JOINED, idle
    if idle < declared:
        return WIP, idle
    return NULL_STATE, 0


@internal
def _pullStake(sender: address, amount: uint256):
    if not extcall IERC20(STAKING_TOKEN).transferFrom(sender, self, amount):
        raw_revert(abi_encode(STAKING_TOKEN, method_id=method_id("SafeERC20FailedOperation(address)")))


@internal
def _pushStake(to: address, amount: uint256):
    if not extcall IERC20(STAKING_TOKEN).transfer(to, amount):
        raw_revert(abi_encode(STAKING_TOKEN, method_id=method_id("SafeERC20FailedOperation(address)")))


# ---- registration -----------------------------------------------------------------------------

@external
def register(rewardAddress: address, declaredCompute: uint256, initialStake: uint256, generatorData: Bytes[GEN_DATA_MAX]):
    gen: address = msg.sender
    if len(generatorData) == 0 or rewardAddress == empty(address) or declaredCompute == 0:
        raw_revert(method_id("CannotBeZero()"))
    if self._gens[gen].rewardAddress != empty(address):
        raw_revert(method_id("GeneratorAlreadyExists()"))
    self._gens[gen] = Generator(
        rewardAddress=rewardAddress, totalStake=initialStake, sumOfComputeAllocations=0, computeConsumed=0,
        stakeLocked=0, activeMarketplaces=0, declaredCompute=declaredCompute, intendedStakeUtilization=EXPONENT,
        intendedComputeUtilization=EXPONENT, generatorData=generatorData)
    if initialStake != 0:
        self._pullStake(gen, initialStake)
    log RegisteredGenerator(generator=gen, initialCompute=declaredCompute, initialStake=initialStake)


@external
def changeRewardAddress(newRewardAddress: address):
    gen: address = msg.sender
    if newRewardAddress == empty(address) or self._gens[gen].rewardAddress == empty(address):
        raw_revert(method_id("CannotBeZero()"))
    self._gens[gen].rewardAddress = newRewardAddress
    log ChangedGeneratorRewardAddress(generator=gen, newRewardAddress=newRewardAddress)


@external
def deregister(refundAddress: address):
    # No "is registered" check (quirk kept): an unknown caller transfers 0 and still emits the event.
    gen: address = msg.sender
    if self._gens[gen].sumOfComputeAllocations != 0:
        raw_revert(method_id("CannotLeaveWithActiveMarket()"))
    self._pushStake(refundAddress, self._gens[gen].totalStake)
    self._gens[gen] = empty(Generator)
    log DeregisteredGenerator(generator=gen)


# ---- compute ----------------------------------------------------------------------------------

@external
def increaseDeclaredCompute(computeToIncrease: uint256):
    gen: address = msg.sender
    if not self._isRegistered(gen):
        raw_revert(method_id("CannotBeZero()"))
    self._gens[gen].declaredCompute += computeToIncrease
    log IncreasedCompute(generator=gen, compute=computeToIncrease)


@external
def intendToReduceCompute(computeToReduce: uint256):
    gen: address = msg.sender
    if not self._isRegistered(gen) or computeToReduce == 0:
        raw_revert(method_id("CannotBeZero()"))
    if self._gens[gen].intendedComputeUtilization != EXPONENT:
        raw_revert(method_id("RequestAlreadyInPlace()"))
    declared: uint256 = self._gens[gen].declaredCompute
    newTotal: uint256 = self._sub(declared, computeToReduce)
    if newTotal <= self._gens[gen].sumOfComputeAllocations:
        raw_revert(method_id("ExceedsAcceptableRange()"))
    newUtilization: uint256 = newTotal * EXPONENT // declared
    if newUtilization >= EXPONENT:
        raw_revert(method_id("ExceedsAcceptableRange()"))
    self._gens[gen].intendedComputeUtilization = newUtilization
    self._reduceComputeRequestBlock[gen] = block.number + REDUCTION_REQUEST_BLOCK_GAP
    log RequestComputeDecrease(generator=gen, intendedUtilization=newUtilization)


@external
def decreaseDeclaredCompute():
    gen: address = msg.sender
    if not self._isRegistered(gen):
        raw_revert(method_id("InvalidGenerator()"))
    icu: uint256 = self._gens[gen].intendedComputeUtilization
    if icu == EXPONENT:
        raw_revert(method_id("ReduceComputeRequestNotInPlace()"))
    declared: uint256 = self._gens[gen].declaredCompute
    newTotal: uint256 = icu * declared // EXPONENT
    if newTotal < self._gens[gen].computeConsumed or newTotal < self._gens[gen].sumOfComputeAllocations:
        raw_revert(method_id("InsufficientGeneratorComputeAvailable()"))
    requestBlock: uint256 = self._reduceComputeRequestBlock[gen]
    if not (block.number >= requestBlock and requestBlock != 0):
        raw_revert(method_id("ReductionRequestNotValid()"))
    released: uint256 = declared - newTotal
    self._gens[gen].declaredCompute = newTotal
    self._gens[gen].intendedComputeUtilization = EXPONENT
    self._reduceComputeRequestBlock[gen] = 0
    log DecreaseCompute(generator=gen, compute=released)


# ---- stake ------------------------------------------------------------------------------------

@external
def stake(generatorAddress: address, amount: uint256) -> uint256:
    if not self._isRegistered(generatorAddress):
        raw_revert(method_id("InvalidGenerator()"))
    if amount == 0:
        raw_revert(method_id("CannotBeZero()"))
    self._pullStake(msg.sender, amount)
    total: uint256 = self._gens[generatorAddress].totalStake + amount
    self._gens[generatorAddress].totalStake = total
    log AddedStake(generator=generatorAddress, amount=amount)
    return total


@external
def intendToReduceStake(stakeToReduce: uint256):
    gen: address = msg.sender
    if not self._isRegistered(gen) or stakeToReduce == 0:
        raw_revert(method_id("CannotBeZero()"))
    # Quirk kept: the guard tests the *compute* utilisation, not the stake utilisation.
    if self._gens[gen].intendedComputeUtilization != EXPONENT:
        raw_revert(method_id("RequestAlreadyInPlace()"))
    total: uint256 = self._gens[gen].totalStake
    newTotal: uint256 = self._sub(total, stakeToReduce)
    newUtilization: uint256 = newTotal * EXPONENT // total
    self._gens[gen].intendedStakeUtilization = newUtilization
    self._unstakeRequestBlock[gen] = block.number + REDUCTION_REQUEST_BLOCK_GAP
    log RequestStakeDecrease(generator=gen, intendedUtilization=newUtilization)


@external
def unstake(to: address):
    gen: address = msg.sender
    if not self._isRegistered(gen):
        raw_revert(method_id("InvalidGenerator()"))
    isu: uint256 = self._gens[gen].intendedStakeUtilization
    if isu == EXPONENT:
        raw_revert(method_id("UnstakeRequestNotInPlace()"))
    total: uint256 = self._gens[gen].totalStake
    newTotal: uint256 = isu * total // EXPONENT
    if newTotal < self._gens[gen].stakeLocked:
        raw_revert(method_id("InsufficientStakeToLock()"))
    requestBlock: uint256 = self._unstakeRequestBlock[gen]
    if not (block.number >= requestBlock and requestBlock != 0):
        raw_revert(method_id("ReductionRequestNotValid()"))
    amount: uint256 = total - newTotal
    self._gens[gen].totalStake = newTotal
    self._gens[gen].intendedStakeUtilization = EXPONENT
    self._unstakeRequestBlock[gen] = 0
    self._pushStake(to, amount)
    log RemovedStake(generator=gen, amount=amount)


# ---- keys -------------------------------------------------------------------------------------

@internal
def _updateEncryptionKey(gen: address, marketId: uint256, attestationData: Bytes[ATT_MAX], enclaveSignature: Bytes[SIG_MAX]):
    if self._gens[gen].rewardAddress == empty(address):
        raw_revert(method_id("CannotBeZero()"))
    verifier: address = empty(address)
    proverImageId: bytes32 = empty(bytes32)
    ivsImageId: bytes32 = empty(bytes32)
    verifier, proverImageId, ivsImageId = self._market(marketId)
    if not self._isEnclave(proverImageId):
        raw_revert(method_id("PublicMarketsDontNeedKey()"))
    if not staticcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).isImageInFamily(self._attestationImageId(attestationData), self._generatorFamilyId(marketId)):
        raw_revert(method_id("IncorrectImageId()"))
    self._verifyEnclaveSignature(attestationData, enclaveSignature, gen)
    extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).updatePubkey(gen, marketId, self._attestationPubkey(attestationData), attestationData)


@external
def updateEncryptionKey(marketId: uint256, attestationData: Bytes[ATT_MAX], enclaveSignature: Bytes[SIG_MAX]):
    self._updateEncryptionKey(msg.sender, marketId, attestationData, enclaveSignature)


@external
def addIvsKey(marketId: uint256, attestationData: Bytes[ATT_MAX], enclaveSignature: Bytes[SIG_MAX]):
    if not staticcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).isImageInFamily(self._attestationImageId(attestationData), self._ivsFamilyId(marketId)):
        raw_revert(method_id("IncorrectImageId()"))
    self._verifyEnclaveSignature(attestationData, enclaveSignature, msg.sender)
    extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).verifyKey(attestationData)
    log AddIvsKey(marketId=marketId, signer=self._pubKeyToAddress(self._attestationPubkey(attestationData)))


@external
def removeEncryptionKey(marketId: uint256):
    extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).removePubkey(msg.sender, marketId)


# ---- markets ----------------------------------------------------------------------------------

@external
def joinMarketplace(marketId: uint256, computePerRequestRequired: uint256, proofGenerationCost: uint256, proposedTime: uint256, updateMarketDedicatedKey: bool, attestationData: Bytes[ATT_MAX], enclaveSignature: Bytes[SIG_MAX]):
    gen: address = msg.sender
    if self._gens[gen].rewardAddress == empty(address) or proposedTime == 0 or computePerRequestRequired == 0:
        raw_revert(method_id("CannotBeZero()"))
    verifier: address = empty(address)
    proverImageId: bytes32 = empty(bytes32)
    ivsImageId: bytes32 = empty(bytes32)
    verifier, proverImageId, ivsImageId = self._market(marketId)
    if verifier == empty(address):
        raw_revert(method_id("InvalidMarket()"))
    if self._rows[gen][marketId].state != NULL_STATE:
        raw_revert(method_id("AlreadyJoinedMarket()"))
    newSum: uint256 = self._gens[gen].sumOfComputeAllocations + computePerRequestRequired
    if newSum > self._gens[gen].declaredCompute:
        raw_revert(method_id("CannotBeMoreThanDeclaredCompute()"))
    self._gens[gen].sumOfComputeAllocations = newSum
    self._gens[gen].activeMarketplaces += 1
    self._rows[gen][marketId] = GeneratorInfoPerMarket(
        state=JOINED, computePerRequestRequired=computePerRequestRequired, proofGenerationCost=proofGenerationCost,
        proposedTime=proposedTime, activeRequests=0)
    if updateMarketDedicatedKey:
        self._updateEncryptionKey(gen, marketId, attestationData, enclaveSignature)
    log JoinedMarketplace(generator=gen, marketId=marketId, computeAllocation=computePerRequestRequired)


@internal
def _requestForExitMarketplace(gen: address, marketId: uint256):
    state: uint8 = NULL_STATE
    idle: uint256 = 0
    state, idle = self._state(gen, marketId)
    if state == NULL_STATE or state == REQUESTED_FOR_EXIT:
        raw_revert(method_id("OnlyValidGeneratorsCanRequestExit()"))
    self._rows[gen][marketId].state = REQUESTED_FOR_EXIT
    log RequestExitMarketplace(generator=gen, marketId=marketId)
    if self._rows[gen][marketId].activeRequests == 0:
        self._leaveMarketplace(gen, marketId)


@external
def requestForExitMarketplace(marketId: uint256):
    self._requestForExitMarketplace(msg.sender, marketId)


@external
def requestForExitMarketplaces(marketIds: DynArray[uint256, MARKETS_MAX]):
    for marketId: uint256 in marketIds:
        self._requestForExitMarketplace(msg.sender, marketId)


@internal
def _leaveMarketplace(gen: address, marketId: uint256):
    verifier: address = empty(address)
    proverImageId: bytes32 = empty(bytes32)
    ivsImageId: bytes32 = empty(bytes32)
    verifier, proverImageId, ivsImageId = self._market(marketId)
    if verifier == empty(address):
        raw_revert(method_id("InvalidMarket()"))
    if self._rows[gen][marketId].state == NULL_STATE:
        raw_revert(method_id("InvalidGeneratorStatePerMarket()"))
    if self._rows[gen][marketId].activeRequests != 0:
        raw_revert(method_id("CannotLeaveMarketWithActiveRequest()"))
    self._gens[gen].sumOfComputeAllocations = self._sub(self._gens[gen].sumOfComputeAllocations, self._rows[gen][marketId].computePerRequestRequired)
    self._gens[gen].activeMarketplaces = self._sub(self._gens[gen].activeMarketplaces, 1)
    self._rows[gen][marketId] = empty(GeneratorInfoPerMarket)
    log LeftMarketplace(generator=gen, marketId=marketId)


@external
def leaveMarketplace(marketId: uint256):
    self._leaveMarketplace(msg.sender, marketId)


@external
def leaveMarketplaces(marketIds: DynArray[uint256, MARKETS_MAX]):
    for marketId: uint256 in marketIds:
        self._leaveMarketplace(msg.sender, marketId)


# ---- marketplace hooks (PROOF_MARKET_PLACE_ROLE) -------------------------------------------------

@external
def assignGeneratorTask(generatorAddress: address, marketId: uint256, stakeToLock: uint256):
    self._checkRole(PROOF_MARKET_PLACE_ROLE, msg.sender)
    state: uint8 = NULL_STATE
    idle: uint256 = 0
    state, idle = self._state(generatorAddress, marketId)
    if not (state == JOINED or state == WIP):
        raw_revert(method_id("AssignOnlyToIdleGenerators()"))
    cpr: uint256 = self._rows[generatorAddress][marketId].computePerRequestRequired
    if cpr > idle:
        raw_revert(method_id("InsufficientGeneratorComputeAvailable()"))
    # Strict comparison kept: a 101st concurrent request is accepted.
    if self._rows[generatorAddress][marketId].activeRequests > PARALLEL_REQUESTS_UPPER_LIMIT:
        raw_revert(method_id("MaxParallelRequestsPerMarketExceeded()"))
    if self._maxReducibleStake(generatorAddress) < stakeToLock:
        raw_revert(method_id("InsufficientStakeToLock()"))
    self._gens[generatorAddress].stakeLocked += stakeToLock
    self._gens[generatorAddress].computeConsumed += cpr
    self._rows[generatorAddress][marketId].activeRequests += 1
    log StakeLockImposed(generator=generatorAddress, stake=stakeToLock)
    log ComputeLockImposed(generator=generatorAddress, compute=cpr)


@external
def completeGeneratorTask(generatorAddress: address, marketId: uint256, stakeToRelease: uint256):
    self._checkRole(PROOF_MARKET_PLACE_ROLE, msg.sender)
    state: uint8 = NULL_STATE
    idle: uint256 = 0
    state, idle = self._state(generatorAddress, marketId)
    if state == NULL_STATE or state == JOINED:
        raw_revert(method_id("OnlyWorkingGenerators()"))
    cpr: uint256 = self._rows[generatorAddress][marketId].computePerRequestRequired
    self._gens[generatorAddress].stakeLocked = self._sub(self._gens[generatorAddress].stakeLocked, stakeToRelease)
    self._gens[generatorAddress].computeConsumed = self._sub(self._gens[generatorAddress].computeConsumed, cpr)
    self._rows[generatorAddress][marketId].activeRequests = self._sub(self._rows[generatorAddress][marketId].activeRequests, 1)
    log StakeLockReleased(generator=generatorAddress, stake=stakeToRelease)
    log ComputeLockReleased(generator=generatorAddress, compute=cpr)


@external
def slashGenerator(generatorAddress: address, marketId: uint256, slashingAmount: uint256, rewardAddress: address) -> uint256:
    self._checkRole(PROOF_MARKET_PLACE_ROLE, msg.sender)
    state: uint8 = NULL_STATE
    idle: uint256 = 0
    state, idle = self._state(generatorAddress, marketId)
    if state == NULL_STATE or state == JOINED:
        raw_revert(method_id("CannotBeSlashed()"))
    cpr: uint256 = self._rows[generatorAddress][marketId].computePerRequestRequired
    self._rows[generatorAddress][marketId].activeRequests = self._sub(self._rows[generatorAddress][marketId].activeRequests, 1)
    total: uint256 = self._sub(self._gens[generatorAddress].totalStake, slashingAmount)
    self._gens[generatorAddress].totalStake = total
    # Quirk kept: stakeLocked goes down without a StakeLockReleased event.
    self._gens[generatorAddress].stakeLocked = self._sub(self._gens[generatorAddress].stakeLocked, slashingAmount)
    self._gens[generatorAddress].computeConsumed = self._sub(self._gens[generatorAddress].computeConsumed, cpr)
    self._pushStake(rewardAddress, slashingAmount)
    log StakeSlashed(generator=generatorAddress, stake=slashingAmount)
    log ComputeLockReleased(generator=generatorAddress, compute=cpr)
    return total


# ---- getters ----------------------------------------------------------------------------------

@view
@external
def generatorRegistry(generator: address) -> (address, uint256, uint256, uint256, uint256, uint256, uint256, uint256, uint256, Bytes[GEN_DATA_MAX]):
    g: Generator = self._gens[generator]
    return g.rewardAddress, g.totalStake, g.sumOfComputeAllocations, g.computeConsumed, g.stakeLocked, g.activeMarketplaces, g.declaredCompute, g.intendedStakeUtilization, g.intendedComputeUtilization, g.generatorData


@view
@external
def generatorInfoPerMarket(generator: address, marketId: uint256) -> (uint8, uint256, uint256, uint256, uint256):
    r: GeneratorInfoPerMarket = self._rows[generator][marketId]
    return r.state, r.computePerRequestRequired, r.proofGenerationCost, r.proposedTime, r.activeRequests


@view
@external
def getGeneratorState(generatorAddress: address, marketId: uint256) -> (uint8, uint256):
    return self._state(generatorAddress, marketId)


@view
@external
def getGeneratorAssignmentDetails(generatorAddress: address, marketId: uint256) -> (uint256, uint256):
    return self._rows[generatorAddress][marketId].proofGenerationCost, self._rows[generatorAddress][marketId].proposedTime


@view
@external
def getGeneratorRewardDetails(generatorAddress: address, marketId: uint256) -> (address, uint256):
    return self._gens[generatorAddress].rewardAddress, self._rows[generatorAddress][marketId].proofGenerationCost
