#pragma version ~=0.4.3
# Kalypso G1 EntityKeyRegistry + AttestationAutherUpgradeable (spec §5, §6.3), non-upgradeable Vyper port.

#@include _limits.vyi

struct Attestation:
    enclavePubKey: Bytes[PUBKEY_MAX]
    PCR0: Bytes[PCR_MAX]
    PCR1: Bytes[PCR_MAX]
    PCR2: Bytes[PCR_MAX]
    timestampInMilliseconds: uint256

struct EnclaveImage:
    PCR0: Bytes[PCR_MAX]
    PCR1: Bytes[PCR_MAX]
    PCR2: Bytes[PCR_MAX]

event UpdateKey:
    user: indexed(address)
    keyIndex: indexed(uint256)

event RemoveKey:
    user: indexed(address)
    keyIndex: indexed(uint256)

event ImageBlacklisted:
    imageId: indexed(bytes32)

event EnclaveImageWhitelisted:
    imageId: indexed(bytes32)
    PCR0: Bytes[PCR_MAX]
    PCR1: Bytes[PCR_MAX]
    PCR2: Bytes[PCR_MAX]

event EnclaveImageRevoked:
    imageId: indexed(bytes32)

event EnclaveImageAddedToFamily:
    imageId: indexed(bytes32)
    family: bytes32

event EnclaveImageRemovedFromFamily:
    imageId: indexed(bytes32)
    family: bytes32

event EnclaveKeyWhitelisted:
    enclavePubKey: indexed(Bytes[PUBKEY_MAX])
    imageId: indexed(bytes32)

event EnclaveKeyRevoked:
    enclavePubKey: indexed(Bytes[PUBKEY_MAX])

event EnclaveKeyVerified:
    enclavePubKey: indexed(Bytes[PUBKEY_MAX])
    imageId: indexed(bytes32)

#@include _access.vyi
#@include _common.vyi

KEY_REGISTER_ROLE: public(constant(bytes32)) = keccak256("KEY_REGISTER_ROLE")
MODERATOR_ROLE: public(constant(bytes32)) = keccak256("MODERATOR_ROLE")

ATTESTATION_VERIFIER: public(immutable(address))
ATTESTATION_MAX_AGE: public(immutable(uint256))

pub_key: public(HashMap[address, HashMap[uint256, Bytes[64]]])
blackListedImages: public(HashMap[bytes32, bool])

_whitelistedImages: HashMap[bytes32, EnclaveImage]
_verifiedKeys: HashMap[address, bytes32]
_imageFamilies: HashMap[bytes32, HashMap[bytes32, bool]]


@deploy
def __init__(_av: address):
    ATTESTATION_VERIFIER = _av
    ATTESTATION_MAX_AGE = 60000


@external
def initialize(_admin: address, initWhitelistImages: DynArray[EnclaveImage, IMAGES_MAX]):
    self._initializer()
    self._grantRole(DEFAULT_ADMIN_ROLE, _admin)
    for image: EnclaveImage in initWhitelistImages:
        self._whitelistEnclaveImage(image.PCR0, image.PCR1, image.PCR2)


@external
def addGeneratorRegistry(_generatorRegistry: address):
    self._checkRole(DEFAULT_ADMIN_ROLE, msg.sender)
    self._grantRole(KEY_REGISTER_ROLE, _generatorRegistry)


# ---- keys -------------------------------------------------------------------------------------

@external
def updatePubkey(keyOwner: address, keyIndex: uint256, pubkey: Bytes[PUBKEY_MAX], attestation_data: Bytes[ATT_MAX]):
    self._checkRole(KEY_REGISTER_ROLE, msg.sender)
    if len(pubkey) != 64:
        raw_revert(method_id("InvalidEnclaveKey()"))
    self.pub_key[keyOwner][keyIndex] = slice(pubkey, 0, 64)
    if not self._verifyKeyData(attestation_data):
        raw_revert(method_id("EnclaveKeyNotVerified()"))
    log UpdateKey(user=keyOwner, keyIndex=keyIndex)


@external
def verifyKey(attestation_data: Bytes[ATT_MAX]):
    self._checkRole(KEY_REGISTER_ROLE, msg.sender)
    if not self._verifyKeyData(attestation_data):
        raw_revert(method_id("EnclaveKeyNotVerified()"))


@external
def removePubkey(keyOwner: address, keyIndex: uint256):
    self._checkRole(KEY_REGISTER_ROLE, msg.sender)
    self.pub_key[keyOwner][keyIndex] = b""
    log RemoveKey(user=keyOwner, keyIndex=keyIndex)


@external
def verifyEnclaveKey(signature: Bytes[SIG_MAX], attestation: Attestation) -> bool:
    return self._verifyEnclaveKey(signature, attestation)


# ---- images -----------------------------------------------------------------------------------

@external
def whitelistImageUsingPcrs(family: bytes32, pcrs: Bytes[PCRS_MAX]):
    self._checkRole(KEY_REGISTER_ROLE, msg.sender)
    p0: Bytes[PCR_MAX] = b""
    p1: Bytes[PCR_MAX] = b""
    p2: Bytes[PCR_MAX] = b""
    p0, p1, p2 = abi_decode(pcrs, (Bytes[PCR_MAX], Bytes[PCR_MAX], Bytes[PCR_MAX]))
    imageId: bytes32 = keccak256(concat(p0, p1, p2))
    if not self._isEnclave(imageId):
        raw_revert(abi_encode(imageId, method_id=method_id("MustBeAnEnclave(bytes32)")))
    if self.blackListedImages[imageId]:
        raw_revert(abi_encode(imageId, method_id=method_id("BlacklistedImage(bytes32)")))
    self._whitelistEnclaveImage(p0, p1, p2)
    if not self._imageFamilies[family][imageId]:
        self._imageFamilies[family][imageId] = True
        log EnclaveImageAddedToFamily(imageId=imageId, family=family)


@external
def removeEnclaveImageFromFamily(imageId: bytes32, family: bytes32):
    self._checkRole(KEY_REGISTER_ROLE, msg.sender)
    if self._imageFamilies[family][imageId]:
        self._imageFamilies[family][imageId] = False
        log EnclaveImageRemovedFromFamily(imageId=imageId, family=family)


@external
def blacklistImage(imageId: bytes32):
    self._checkRole(MODERATOR_ROLE, msg.sender)
    if self.blackListedImages[imageId]:
        raw_revert(abi_encode(imageId, method_id=method_id("AlreadyABlacklistedImage(bytes32)")))
    self.blackListedImages[imageId] = True
    log ImageBlacklisted(imageId=imageId)
    if len(self._whitelistedImages[imageId].PCR0) != 0:
        self._whitelistedImages[imageId] = empty(EnclaveImage)
        log EnclaveImageRevoked(imageId=imageId)


# ---- views ------------------------------------------------------------------------------------

@view
@external
def allowOnlyVerifiedFamily(familyId: bytes32, _key: address):
    imageId: bytes32 = self._verifiedKeys[_key]
    if imageId == empty(bytes32):
        raw_revert(method_id("AttestationAutherKeyNotVerified()"))
    if len(self._whitelistedImages[imageId].PCR0) == 0:
        raw_revert(method_id("AttestationAutherImageNotWhitelisted()"))
    if not self._imageFamilies[familyId][imageId]:
        raw_revert(method_id("AttestationAutherImageNotInFamily()"))


@view
@external
def getWhitelistedImage(_imageId: bytes32) -> EnclaveImage:
    return self._whitelistedImages[_imageId]


@view
@external
def getVerifiedKey(_key: address) -> bytes32:
    return self._verifiedKeys[_key]


@view
@external
def isImageInFamily(imageId: bytes32, family: bytes32) -> bool:
    return self._imageFamilies[family][imageId]


# ---- internals --------------------------------------------------------------------------------

@internal
def _whitelistEnclaveImage(p0: Bytes[PCR_MAX], p1: Bytes[PCR_MAX], p2: Bytes[PCR_MAX]) -> bytes32:
    if len(p0) != 48 or len(p1) != 48 or len(p2) != 48:
        raw_revert(method_id("AttestationAutherPCRsInvalid()"))
    imageId: bytes32 = keccak256(concat(p0, p1, p2))
    if len(self._whitelistedImages[imageId].PCR0) == 0:
        self._whitelistedImages[imageId] = EnclaveImage(PCR0=p0, PCR1=p1, PCR2=p2)
        log EnclaveImageWhitelisted(imageId=imageId, PCR0=p0, PCR1=p1, PCR2=p2)
    return imageId


@internal
def _verifyKeyData(attestation_data: Bytes[ATT_MAX]) -> bool:
    sig: Bytes[SIG_MAX] = b""
    pubkey: Bytes[PUBKEY_MAX] = b""
    p0: Bytes[PCR_MAX] = b""
    p1: Bytes[PCR_MAX] = b""
    p2: Bytes[PCR_MAX] = b""
    ts: uint256 = 0
    sig, pubkey, p0, p1, p2, ts = abi_decode(attestation_data, (Bytes[SIG_MAX], Bytes[PUBKEY_MAX], Bytes[PCR_MAX], Bytes[PCR_MAX], Bytes[PCR_MAX], uint256))
    return self._verifyEnclaveKey(sig, Attestation(enclavePubKey=pubkey, PCR0=p0, PCR1=p1, PCR2=p2, timestampInMilliseconds=ts))


@internal
def _verifyEnclaveKey(signature: Bytes[SIG_MAX], attestation: Attestation) -> bool:
    imageId: bytes32 = keccak256(concat(attestation.PCR0, attestation.PCR1, attestation.PCR2))
    if len(self._whitelistedImages[imageId].PCR0) == 0:
        raw_revert(method_id("AttestationAutherImageNotWhitelisted()"))
    if attestation.timestampInMilliseconds // 1000 <= block.timestamp - ATTESTATION_MAX_AGE:
        raw_revert(method_id("AttestationAutherAttestationTooOld()"))
    raw_call(ATTESTATION_VERIFIER, abi_encode(signature, attestation, method_id=method_id("verify(bytes,(bytes,bytes,bytes,bytes,uint256))")), is_static_call=True)
    if len(attestation.enclavePubKey) != 64:
        raw_revert(method_id("AttestationAutherPubkeyLengthInvalid()"))
    keyAddress: address = self._pubKeyToAddress(attestation.enclavePubKey)
    if self._verifiedKeys[keyAddress] != empty(bytes32):
        return False
    self._verifiedKeys[keyAddress] = imageId
    log EnclaveKeyVerified(enclavePubKey=attestation.enclavePubKey, imageId=imageId)
    return True
