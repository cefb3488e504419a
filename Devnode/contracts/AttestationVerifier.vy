#pragma version ~=0.4.3
# Simplified AttestationVerifier (spec §6.4): the EIP-712 `Attestation` signature must come from one fixed
# "attestation signer" key (given at deployment; its private key is in the devnode info JSON), instead of a key
# that was itself verified from an AWS Nitro attestation document.

#@include _limits.vyi

struct Attestation:
    enclavePubKey: Bytes[PUBKEY_MAX]
    PCR0: Bytes[PCR_MAX]
    PCR1: Bytes[PCR_MAX]
    PCR2: Bytes[PCR_MAX]
    timestampInMilliseconds: uint256

DOMAIN_SEPARATOR: constant(bytes32) = 0x0de834feb03c214f785e75b2828ffeceb322312d4487e2fb9640ca5fc32542c7
ATTESTATION_TYPEHASH: constant(bytes32) = 0x6889df476ca38f3f4b417c17eb496682eb401b4f41a2259741a78acc481ea805

ATTESTATION_SIGNER: public(immutable(address))

#@include _common.vyi


@deploy
def __init__(signer: address):
    ATTESTATION_SIGNER = signer


@view
@external
def attestationDigest(attestation: Attestation) -> bytes32:
    return self._digest(attestation)


@pure
@internal
def _digest(attestation: Attestation) -> bytes32:
    hashStruct: bytes32 = keccak256(abi_encode(
        ATTESTATION_TYPEHASH,
        keccak256(attestation.enclavePubKey),
        keccak256(attestation.PCR0),
        keccak256(attestation.PCR1),
        keccak256(attestation.PCR2),
        attestation.timestampInMilliseconds))
    return keccak256(concat(b"\x19\x01", DOMAIN_SEPARATOR, hashStruct))


@view
@external
def verify(signature: Bytes[SIG_MAX], attestation: Attestation):
    signer: address = self._recover(self._digest(attestation), signature)
    if signer != ATTESTATION_SIGNER:
        raw_revert(method_id("AttestationVerifierKeyNotVerified()"))
