#pragma version ~=0.4.3
# Kalypso G1 ProofMarketplace (spec §4), non-upgradeable Vyper port.
# Built twice: the default build has the current createAsk (with extraData) and the 5-field AskCreated;
# the LEGACY_ASK build has the pre-2024-12-27 4-argument createAsk and the 4-field AskCreated.

#@include _limits.vyi

CREATE: constant(uint8) = 1
UNASSIGNED: constant(uint8) = 2
ASSIGNED: constant(uint8) = 3
COMPLETE: constant(uint8) = 4
DEADLINE_CROSSED: constant(uint8) = 5

struct Market:
    verifier: address
    proverImageId: bytes32
    slashingPenalty: uint256
    activationBlock: uint256
    ivsImageId: bytes32
    creator: address
    marketmetadata: Bytes[META_MAX]

struct Ask:
    marketId: uint256
    reward: uint256
    expiry: uint256
    timeTakenForProofGeneration: uint256
    deadline: uint256
    refundAddress: address
    proverData: Bytes[PROVER_DATA_MAX]

struct AskWithState:
    ask: Ask
    state: uint8
    requester: address
    generator: address

interface IERC20:
    def transfer(to: address, amount: uint256) -> bool: nonpayable
    def transferFrom(sender: address, to: address, amount: uint256) -> bool: nonpayable

interface IVerifier:
    def checkSampleInputsAndProof() -> bool: view
    def verifyInputs(inputs: Bytes[PROVER_DATA_MAX]) -> bool: view
    def verify(encodedPublicAndPrivateInputs: Bytes[16576]) -> bool: view

interface IGeneratorRegistry:
    def getGeneratorAssignmentDetails(generatorAddress: address, marketId: uint256) -> (uint256, uint256): view
    def getGeneratorRewardDetails(generatorAddress: address, marketId: uint256) -> (address, uint256): view
    def assignGeneratorTask(generatorAddress: address, marketId: uint256, stakeToLock: uint256): nonpayable
    def completeGeneratorTask(generatorAddress: address, marketId: uint256, stakeToRelease: uint256): nonpayable
    def slashGenerator(generatorAddress: address, marketId: uint256, slashingAmount: uint256, rewardAddress: address) -> uint256: nonpayable

interface IEntityKeyRegistry:
    def updatePubkey(keyOwner: address, keyIndex: uint256, pubkey: Bytes[PUBKEY_MAX], attestation_data: Bytes[ATT_MAX]): nonpayable
    def whitelistImageUsingPcrs(family: bytes32, pcrs: Bytes[PCRS_MAX]): nonpayable
    def removeEnclaveImageFromFamily(imageId: bytes32, family: bytes32): nonpayable
    def isImageInFamily(imageId: bytes32, family: bytes32) -> bool: view

#@if LEGACY_ASK
event AskCreated:
    askId: indexed(uint256)
    hasPrivateInputs: indexed(bool)
    secret_data: Bytes[SECRET_MAX]
    acl: Bytes[ACL_MAX]
#@else
event AskCreated:
    askId: indexed(uint256)
    hasPrivateInputs: indexed(bool)
    secret_data: Bytes[SECRET_MAX]
    acl: Bytes[ACL_MAX]
    extraData: Bytes[EXTRA_MAX]
#@endif

event TaskCreated:
    askId: indexed(uint256)
    generator: indexed(address)
    new_acl: Bytes[NEW_ACL_MAX]

event ProofCreated:
    askId: indexed(uint256)
    proof: Bytes[PROOF_MAX]

event ProofNotGenerated:
    askId: indexed(uint256)

event InvalidInputsDetected:
    askId: indexed(uint256)

event MarketplaceCreated:
    marketId: indexed(uint256)

event AskCancelled:
    askId: indexed(uint256)

event UpdateCostPerBytes:
    secretType: indexed(uint8)
    costPerInputBytes: uint256

event UpdateMinProvingTime:
    secretType: indexed(uint8)
    newProvingTime: uint256

event AddExtraProverImage:
    marketId: indexed(uint256)
    imageId: indexed(bytes32)

event AddExtraIVSImage:
    marketId: indexed(uint256)
    imageId: indexed(bytes32)

event RemoveExtraProverImage:
    marketId: indexed(uint256)
    imageId: indexed(bytes32)

event RemoveExtraIVSImage:
    marketId: indexed(uint256)
    imageId: indexed(bytes32)

event Paused:
    account: address

event Unpaused:
    account: address

#@include _access.vyi
#@include _common.vyi

UPDATER_ROLE: public(constant(bytes32)) = keccak256("UPDATER_ROLE")
MATCHING_ENGINE_ROLE: public(constant(bytes32)) = keccak256("MATCHING_ENGINE_ROLE")
MARKET_ACTIVATION_DELAY: public(constant(uint256)) = 100

PAYMENT_TOKEN: public(immutable(address))
MARKET_CREATION_COST: public(immutable(uint256))
TREASURY: immutable(address)
GENERATOR_REGISTRY: public(immutable(address))
ENTITY_KEY_REGISTRY: public(immutable(address))

costPerInputBytes: public(HashMap[uint8, uint256])
minProvingTime: public(HashMap[uint8, uint256])
claimableAmount: public(HashMap[address, uint256])
paused: public(bool)

_markets: HashMap[uint256, Market]
_marketCount: uint256
_asks: HashMap[uint256, AskWithState]
_askCount: uint256


@deploy
def __init__(_paymentToken: address, _marketCreationCost: uint256, _treasury: address, _generatorRegistry: address, _entityRegistry: address):
    PAYMENT_TOKEN = _paymentToken
    MARKET_CREATION_COST = _marketCreationCost
    TREASURY = _treasury
    GENERATOR_REGISTRY = _generatorRegistry
    ENTITY_KEY_REGISTRY = _entityRegistry


@external
def initialize(_admin: address):
    self._initializer()
    self._grantRole(DEFAULT_ADMIN_ROLE, _admin)
    self._setRoleAdmin(UPDATER_ROLE, DEFAULT_ADMIN_ROLE)


# ---- helpers ----------------------------------------------------------------------------------

@internal
def _pullPayment(sender: address, to: address, amount: uint256):
    if not extcall IERC20(PAYMENT_TOKEN).transferFrom(sender, to, amount):
        raw_revert(abi_encode(PAYMENT_TOKEN, method_id=method_id("SafeERC20FailedOperation(address)")))


@view
@internal
def _checkMarketIndex(marketId: uint256):
    if marketId >= self._marketCount:
        self._panic(50)


@view
@internal
def _checkAskIndex(askId: uint256):
    if askId >= self._askCount:
        self._panic(50)


@view
@internal
def _askState(askId: uint256) -> uint8:
    self._checkAskIndex(askId)
    stored: uint8 = self._asks[askId].state
    if stored == CREATE:
        if self._asks[askId].ask.expiry > block.number:
            return CREATE
        return UNASSIGNED
    if stored == ASSIGNED:
        if self._asks[askId].ask.deadline < block.number:
            return DEADLINE_CROSSED
        return ASSIGNED
    return stored


@view
@internal
def _allowOnlyVerifiedFamily(familyId: bytes32, key: address):
    raw_call(ENTITY_KEY_REGISTRY, abi_encode(familyId, key, method_id=method_id("allowOnlyVerifiedFamily(bytes32,address)")), is_static_call=True)


@view
@internal
def _onlyMarketCreator(marketId: uint256):
    self._checkMarketIndex(marketId)
    if len(self._markets[marketId].marketmetadata) == 0:
        raw_revert(method_id("InvalidMarket()"))
    if self._markets[marketId].creator != msg.sender:
        raw_revert(method_id("OnlyMarketCreator()"))


# ---- markets ----------------------------------------------------------------------------------

@external
def createMarketplace(_marketmetadata: Bytes[META_MAX], _verifier: address, _penalty: uint256, _proverPcrs: Bytes[PCRS_MAX], _ivsPcrs: Bytes[PCRS_MAX]):
    if _penalty == 0 or len(_marketmetadata) == 0 or _verifier == empty(address):
        raw_revert(method_id("CannotBeZero()"))
    if not staticcall IVerifier(_verifier).checkSampleInputsAndProof():
        raw_revert(method_id("InvalidInputs()"))
    self._pullPayment(msg.sender, TREASURY, MARKET_CREATION_COST)
    marketId: uint256 = self._marketCount
    proverImageId: bytes32 = self._imageIdFromPcrs(_proverPcrs)
    if self._isEnclave(proverImageId):
        extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).whitelistImageUsingPcrs(self._generatorFamilyId(marketId), _proverPcrs)
    extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).whitelistImageUsingPcrs(self._ivsFamilyId(marketId), _ivsPcrs)
    self._markets[marketId] = Market(
        verifier=_verifier, proverImageId=proverImageId, slashingPenalty=_penalty,
        activationBlock=block.number + MARKET_ACTIVATION_DELAY, ivsImageId=self._imageIdFromPcrs(_ivsPcrs),
        creator=msg.sender, marketmetadata=_marketmetadata)
    self._marketCount = marketId + 1
    log MarketplaceCreated(marketId=marketId)


@external
def addExtraImages(marketId: uint256, _proverPcrs: DynArray[Bytes[PCRS_MAX], IMAGES_MAX], _ivsPcrs: DynArray[Bytes[PCRS_MAX], IMAGES_MAX]):
    self._onlyMarketCreator(marketId)
    if len(_proverPcrs) != 0 and not self._isEnclave(self._markets[marketId].proverImageId):
        raw_revert(method_id("CannotModifyImagesForPublicMarkets()"))
    for pcrs: Bytes[PCRS_MAX] in _proverPcrs:
        imageId: bytes32 = self._imageIdFromPcrs(pcrs)
        family: bytes32 = self._generatorFamilyId(marketId)
        if staticcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).isImageInFamily(imageId, family):
            raw_revert(abi_encode(imageId, family, method_id=method_id("ImageAlreadyInFamily(bytes32,bytes32)")))
        extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).whitelistImageUsingPcrs(family, pcrs)
        log AddExtraProverImage(marketId=marketId, imageId=imageId)
    for pcrs: Bytes[PCRS_MAX] in _ivsPcrs:
        imageId: bytes32 = self._imageIdFromPcrs(pcrs)
        family: bytes32 = self._ivsFamilyId(marketId)
        if staticcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).isImageInFamily(imageId, family):
            raw_revert(abi_encode(imageId, family, method_id=method_id("ImageAlreadyInFamily(bytes32,bytes32)")))
        extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).whitelistImageUsingPcrs(family, pcrs)
        log AddExtraIVSImage(marketId=marketId, imageId=imageId)


@external
def removeExtraImages(marketId: uint256, _proverPcrs: DynArray[Bytes[PCRS_MAX], IMAGES_MAX], _ivsPcrs: DynArray[Bytes[PCRS_MAX], IMAGES_MAX]):
    self._onlyMarketCreator(marketId)
    if len(_proverPcrs) != 0 and not self._isEnclave(self._markets[marketId].proverImageId):
        raw_revert(method_id("CannotModifyImagesForPublicMarkets()"))
    for pcrs: Bytes[PCRS_MAX] in _proverPcrs:
        imageId: bytes32 = self._imageIdFromPcrs(pcrs)
        if imageId == self._markets[marketId].proverImageId:
            raw_revert(abi_encode(marketId, imageId, method_id=method_id("CannotRemoveDefaultImageFromMarket(uint256,bytes32)")))
        extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).removeEnclaveImageFromFamily(imageId, self._generatorFamilyId(marketId))
        log RemoveExtraProverImage(marketId=marketId, imageId=imageId)
    for pcrs: Bytes[PCRS_MAX] in _ivsPcrs:
        imageId: bytes32 = self._imageIdFromPcrs(pcrs)
        if imageId == self._markets[marketId].ivsImageId:
            raw_revert(abi_encode(marketId, imageId, method_id=method_id("CannotRemoveDefaultImageFromMarket(uint256,bytes32)")))
        extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).removeEnclaveImageFromFamily(imageId, self._ivsFamilyId(marketId))
        log RemoveExtraIVSImage(marketId=marketId, imageId=imageId)


@external
def freezeMarket(marketId: uint256):
    self._onlyMarketCreator(marketId)
    self._markets[marketId].creator = empty(address)


# ---- UPDATER_ROLE -----------------------------------------------------------------------------

@external
def setMatchingEngineImage(pcrs: Bytes[PCRS_MAX]):
    self._checkRole(UPDATER_ROLE, msg.sender)
    extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).whitelistImageUsingPcrs(MATCHING_ENGINE_FAMILY_ID, pcrs)


@external
def verifyMatchingEngine(attestationData: Bytes[ATT_MAX], meSignature: Bytes[SIG_MAX]):
    self._checkRole(UPDATER_ROLE, msg.sender)
    if not staticcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).isImageInFamily(self._attestationImageId(attestationData), MATCHING_ENGINE_FAMILY_ID):
        raw_revert(method_id("IncorrectImageId()"))
    self._verifyEnclaveSignature(attestationData, meSignature, self)
    extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).updatePubkey(self, 0, self._attestationPubkey(attestationData), attestationData)


@external
def updateCostPerBytes(secretType: uint8, costPerByte: uint256):
    self._checkRole(UPDATER_ROLE, msg.sender)
    assert secretType <= 2
    self.costPerInputBytes[secretType] = costPerByte
    log UpdateCostPerBytes(secretType=secretType, costPerInputBytes=costPerByte)


@external
def updateMinProvingTime(secretType: uint8, newProvingTime: uint256):
    self._checkRole(UPDATER_ROLE, msg.sender)
    assert secretType <= 2
    self.minProvingTime[secretType] = newProvingTime
    log UpdateMinProvingTime(secretType=secretType, newProvingTime=newProvingTime)


@external
def pause():
    self._checkRole(UPDATER_ROLE, msg.sender)
    if self.paused:
        raw_revert(method_id("EnforcedPause()"))
    self.paused = True
    log Paused(account=msg.sender)


@external
def unpause():
    self._checkRole(UPDATER_ROLE, msg.sender)
    if not self.paused:
        raw_revert(method_id("ExpectedPause()"))
    self.paused = False
    log Unpaused(account=msg.sender)


# ---- asks -------------------------------------------------------------------------------------

@view
@internal
def _platformFee(secretType: uint8, ask: Ask, privateInputs: Bytes[SECRET_MAX], acl: Bytes[ACL_MAX]) -> uint256:
    rate: uint256 = self.costPerInputBytes[secretType]
    if rate == 0:
        return 0
    return (len(ask.proverData) + len(privateInputs) + len(acl)) * rate


@view
@external
def getPlatformFee(secretType: uint8, ask: Ask, privateInputs: Bytes[SECRET_MAX], acl: Bytes[ACL_MAX]) -> uint256:
    assert secretType <= 2
    return self._platformFee(secretType, ask, privateInputs, acl)


@internal
def _createAsk(ask: Ask, secretType: uint8, privateInputs: Bytes[SECRET_MAX], acl: Bytes[ACL_MAX]) -> (uint256, bool):
    if self.paused:
        raw_revert(method_id("EnforcedPause()"))
    assert secretType <= 2
    if ask.reward == 0 or len(ask.proverData) == 0:
        raw_revert(method_id("CannotBeZero()"))
    if ask.expiry <= block.number + self.minProvingTime[secretType]:
        raw_revert(method_id("CannotAssignExpiredTasks()"))
    if len(acl) > 130:
        raw_revert(method_id("InvalidECIESACL()"))
    self._checkMarketIndex(ask.marketId)
    if block.number < self._markets[ask.marketId].activationBlock:
        raw_revert(method_id("InactiveMarket()"))
    platformFee: uint256 = self._platformFee(secretType, ask, privateInputs, acl)
    self._pullPayment(msg.sender, self, ask.reward + platformFee)
    self.claimableAmount[TREASURY] += platformFee
    if len(self._markets[ask.marketId].marketmetadata) == 0:
        raw_revert(method_id("InvalidMarket()"))
    askId: uint256 = self._askCount
    self._asks[askId] = AskWithState(ask=ask, state=CREATE, requester=msg.sender, generator=empty(address))
    self._askCount = askId + 1
    if not staticcall IVerifier(self._markets[ask.marketId].verifier).verifyInputs(ask.proverData):
        raw_revert(method_id("InvalidInputs()"))
    return askId, self._isEnclave(self._markets[ask.marketId].proverImageId)


#@if LEGACY_ASK
@external
def createAsk(ask: Ask, secretType: uint8, privateInputs: Bytes[SECRET_MAX], acl: Bytes[ACL_MAX]):
    askId: uint256 = 0
    private: bool = False
    askId, private = self._createAsk(ask, secretType, privateInputs, acl)
    if private:
        log AskCreated(askId=askId, hasPrivateInputs=True, secret_data=privateInputs, acl=acl)
    else:
        log AskCreated(askId=askId, hasPrivateInputs=False, secret_data=b"", acl=b"")
#@else
@external
def createAsk(ask: Ask, secretType: uint8, privateInputs: Bytes[SECRET_MAX], acl: Bytes[ACL_MAX], extraData: Bytes[EXTRA_MAX]):
    askId: uint256 = 0
    private: bool = False
    askId, private = self._createAsk(ask, secretType, privateInputs, acl)
    if private:
        log AskCreated(askId=askId, hasPrivateInputs=True, secret_data=privateInputs, acl=acl, extraData=extraData)
    else:
        log AskCreated(askId=askId, hasPrivateInputs=False, secret_data=b"", acl=b"", extraData=extraData)
#@endif


# ---- assignment -------------------------------------------------------------------------------

@internal
def _assignTask(askId: uint256, generator: address, new_acl: Bytes[NEW_ACL_MAX]):
    if self._askState(askId) != CREATE:
        raw_revert(method_id("ShouldBeInCreateState()"))
    marketId: uint256 = self._asks[askId].ask.marketId
    cost: uint256 = 0
    time: uint256 = 0
    cost, time = staticcall IGeneratorRegistry(GENERATOR_REGISTRY).getGeneratorAssignmentDetails(generator, marketId)
    if self._asks[askId].ask.reward < cost:
        raw_revert(abi_encode(askId, method_id=method_id("ProofPriceMismatch(uint256)")))
    timeTaken: uint256 = self._asks[askId].ask.timeTakenForProofGeneration
    if timeTaken < time:
        raw_revert(abi_encode(askId, method_id=method_id("ProofTimeMismatch(uint256)")))
    self._asks[askId].state = ASSIGNED
    self._asks[askId].ask.deadline = block.number + timeTaken
    self._asks[askId].generator = generator
    extcall IGeneratorRegistry(GENERATOR_REGISTRY).assignGeneratorTask(generator, marketId, self._markets[marketId].slashingPenalty)
    log TaskCreated(askId=askId, generator=generator, new_acl=new_acl)


@external
def assignTask(askId: uint256, generator: address, new_acl: Bytes[NEW_ACL_MAX]):
    self._allowOnlyVerifiedFamily(MATCHING_ENGINE_FAMILY_ID, msg.sender)
    self._assignTask(askId, generator, new_acl)


@external
def relayBatchAssignTasks(askIds: DynArray[uint256, BATCH_MAX], generators: DynArray[address, BATCH_MAX], newAcls: DynArray[Bytes[NEW_ACL_MAX], BATCH_MAX], signature: Bytes[SIG_MAX]):
    if len(askIds) != len(generators) or len(generators) != len(newAcls):
        raw_revert(method_id("ArityMismatch()"))
    signer: address = self._recover(self._eip191(keccak256(abi_encode(askIds, generators, newAcls))), signature)
    self._allowOnlyVerifiedFamily(MATCHING_ENGINE_FAMILY_ID, signer)
    for i: uint256 in range(len(askIds), bound=BATCH_MAX):
        self._assignTask(askIds[i], generators[i], newAcls[i])


# ---- completion -------------------------------------------------------------------------------

@view
@internal
def _verifyAndGetData(askId: uint256) -> (uint256, address):
    self._checkAskIndex(askId)
    rewardAddress: address = empty(address)
    cost: uint256 = 0
    rewardAddress, cost = staticcall IGeneratorRegistry(GENERATOR_REGISTRY).getGeneratorRewardDetails(self._asks[askId].generator, self._asks[askId].ask.marketId)
    if rewardAddress == empty(address):
        raw_revert(method_id("CannotBeZero()"))
    if self._askState(askId) != ASSIGNED:
        raw_revert(abi_encode(askId, method_id=method_id("OnlyAssignedAsksCanBeProved(uint256)")))
    return cost, rewardAddress


@internal
def _submitProof(askId: uint256, proof: Bytes[PROOF_MAX]):
    cost: uint256 = 0
    rewardAddress: address = empty(address)
    cost, rewardAddress = self._verifyAndGetData(askId)
    marketId: uint256 = self._asks[askId].ask.marketId
    if not staticcall IVerifier(self._markets[marketId].verifier).verify(abi_encode(self._asks[askId].ask.proverData, proof)):
        raw_revert(abi_encode(askId, method_id=method_id("InvalidProof(uint256)")))
    self._asks[askId].state = COMPLETE
    self.claimableAmount[rewardAddress] += cost
    self.claimableAmount[self._asks[askId].ask.refundAddress] += self._sub(self._asks[askId].ask.reward, cost)
    extcall IGeneratorRegistry(GENERATOR_REGISTRY).completeGeneratorTask(self._asks[askId].generator, marketId, self._markets[marketId].slashingPenalty)
    log ProofCreated(askId=askId, proof=proof)


@external
def submitProof(askId: uint256, proof: Bytes[PROOF_MAX]):
    self._submitProof(askId, proof)


@external
def submitProofs(taskIds: DynArray[uint256, PROOFS_MAX], proofs: DynArray[Bytes[PROOF_MAX], PROOFS_MAX]):
    if len(taskIds) != len(proofs):
        raw_revert(method_id("ArityMismatch()"))
    for i: uint256 in range(len(taskIds), bound=PROOFS_MAX):
        self._submitProof(taskIds[i], proofs[i])


@external
def submitProofForInvalidInputs(askId: uint256, invalidProofSignature: Bytes[SIG_MAX]):
    cost: uint256 = 0
    rewardAddress: address = empty(address)
    cost, rewardAddress = self._verifyAndGetData(askId)
    marketId: uint256 = self._asks[askId].ask.marketId
    digest: bytes32 = self._eip191(keccak256(abi_encode(askId, self._asks[askId].ask.proverData)))
    signer: address = self._recoverOrZero(digest, invalidProofSignature)
    if signer == empty(address):
        raw_revert(abi_encode(signer, method_id=method_id("InvalidEnclaveSignature(address)")))
    self._allowOnlyVerifiedFamily(self._ivsFamilyId(marketId), signer)
    self._asks[askId].state = COMPLETE
    self.claimableAmount[rewardAddress] += cost
    self.claimableAmount[TREASURY] += self._sub(self._asks[askId].ask.reward, cost)
    extcall IGeneratorRegistry(GENERATOR_REGISTRY).completeGeneratorTask(self._asks[askId].generator, marketId, self._markets[marketId].slashingPenalty)
    log InvalidInputsDetected(askId=askId)


@external
def cancelAsk(askId: uint256):
    if self._askState(askId) != UNASSIGNED:
        raw_revert(abi_encode(askId, method_id=method_id("OnlyExpiredAsksCanBeCancelled(uint256)")))
    self._asks[askId].state = COMPLETE
    self.claimableAmount[self._asks[askId].ask.refundAddress] += self._asks[askId].ask.reward
    log AskCancelled(askId=askId)


@internal
def _slash(askId: uint256, rewardAddress: address) -> uint256:
    self._asks[askId].state = COMPLETE
    self.claimableAmount[self._asks[askId].ask.refundAddress] += self._asks[askId].ask.reward
    log ProofNotGenerated(askId=askId)
    marketId: uint256 = self._asks[askId].ask.marketId
    return extcall IGeneratorRegistry(GENERATOR_REGISTRY).slashGenerator(self._asks[askId].generator, marketId, self._markets[marketId].slashingPenalty, rewardAddress)


@external
def slashGenerator(askId: uint256, rewardAddress: address) -> uint256:
    if self._askState(askId) != DEADLINE_CROSSED:
        raw_revert(abi_encode(askId, method_id=method_id("ShouldBeInCrossedDeadlineState(uint256)")))
    return self._slash(askId, rewardAddress)


@external
def discardRequest(askId: uint256) -> uint256:
    if self._askState(askId) != ASSIGNED:
        raw_revert(abi_encode(askId, method_id=method_id("ShouldBeInAssignedState(uint256)")))
    if self._asks[askId].generator != msg.sender:
        raw_revert(abi_encode(askId, method_id=method_id("OnlyGeneratorCanDiscardRequest(uint256)")))
    return self._slash(askId, TREASURY)


@external
def flush(_address: address):
    amount: uint256 = self.claimableAmount[_address]
    self.claimableAmount[_address] = 0
    if not extcall IERC20(PAYMENT_TOKEN).transfer(_address, amount):
        raw_revert(abi_encode(PAYMENT_TOKEN, method_id=method_id("SafeERC20FailedOperation(address)")))


# ---- getters ----------------------------------------------------------------------------------

@view
@external
def marketData(marketId: uint256) -> (address, bytes32, uint256, uint256, bytes32, address, Bytes[META_MAX]):
    # Like a Solidity public array getter: an unknown id reverts with empty revert data.
    assert marketId < self._marketCount
    m: Market = self._markets[marketId]
    return m.verifier, m.proverImageId, m.slashingPenalty, m.activationBlock, m.ivsImageId, m.creator, m.marketmetadata


@view
@external
def listOfAsk(askId: uint256) -> (Ask, uint8, address, address):
    assert askId < self._askCount
    a: AskWithState = self._asks[askId]
    return a.ask, a.state, a.requester, a.generator


@view
@external
def getAskState(askId: uint256) -> uint8:
    return self._askState(askId)


@view
@external
def askCounter() -> uint256:
    return self._askCount


@view
@external
def marketCounter() -> uint256:
    return self._marketCount
