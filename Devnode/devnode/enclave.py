"""Off-chain halves of the Kalypso signature schemes (spec §5.4, §6): attestations, proofs of possession,
matching-engine batch signatures and IVS invalid-input signatures. Signatures are 65-byte r‖s‖v, v ∈ {27, 28},
RFC 6979 deterministic and low-s (libsecp256k1 through eth-keys / coincurve)."""
from __future__ import annotations

from eth_abi import encode
from eth_keys import keys
from eth_utils import keccak

DOMAIN_SEPARATOR = bytes.fromhex("0de834feb03c214f785e75b2828ffeceb322312d4487e2fb9640ca5fc32542c7")
ATTESTATION_TYPEHASH = bytes.fromhex("6889df476ca38f3f4b417c17eb496682eb401b4f41a2259741a78acc481ea805")
MATCHING_ENGINE_ROLE = keccak(text="MATCHING_ENGINE_ROLE")
MATCHING_ENGINE_FAMILY_ID = keccak(encode(["bytes32"], [MATCHING_ENGINE_ROLE]))
NO_ENCLAVE_ID = keccak(b"\x00" * 144)


def sign_digest(private_key: bytes, digest: bytes) -> bytes:
    sig = keys.PrivateKey(private_key).sign_msg_hash(digest)
    return sig.r.to_bytes(32, "big") + sig.s.to_bytes(32, "big") + bytes([27 + sig.v])


def eip191(message_hash: bytes) -> bytes:
    return keccak(b"\x19Ethereum Signed Message:\n32" + message_hash)


def public_key64(private_key: bytes) -> bytes:
    return keys.PrivateKey(private_key).public_key.to_bytes()


def address_of(private_key: bytes) -> str:
    return keys.PrivateKey(private_key).public_key.to_checksum_address()


def generator_family_id(market_id: int) -> bytes:
    return keccak(encode(["string", "uint256"], ["gen", market_id]))


def ivs_family_id(market_id: int) -> bytes:
    return keccak(encode(["string", "uint256"], ["ivs", market_id]))


def encode_pcrs(pcrs: tuple[bytes, bytes, bytes]) -> bytes:
    return encode(["bytes", "bytes", "bytes"], list(pcrs))


def image_id(pcrs: tuple[bytes, bytes, bytes]) -> bytes:
    return keccak(b"".join(pcrs))


def make_pcrs(label: str) -> tuple[bytes, bytes, bytes]:
    """Three deterministic 48-byte PCRs for a named test image."""
    return tuple((keccak(text=f"{label}/pcr{i}") + keccak(text=f"{label}/pcr{i}/b"))[:48] for i in range(3))


def attestation_digest(pubkey64: bytes, pcrs, timestamp_ms: int) -> bytes:
    hash_struct = keccak(encode(
        ["bytes32", "bytes32", "bytes32", "bytes32", "bytes32", "uint256"],
        [ATTESTATION_TYPEHASH, keccak(pubkey64), keccak(pcrs[0]), keccak(pcrs[1]), keccak(pcrs[2]), timestamp_ms]))
    return keccak(b"\x19\x01" + DOMAIN_SEPARATOR + hash_struct)


def attestation_data(signer_key: bytes, pubkey64: bytes, pcrs, timestamp_ms: int) -> bytes:
    """abi.encode(attestationSignature, enclavePubKey, PCR0, PCR1, PCR2, timestampInMilliseconds) (spec §6.1),
    signed by the devnode's attestation signer (the simplified AttestationVerifier, §6.4)."""
    sig = sign_digest(signer_key, attestation_digest(pubkey64, pcrs, timestamp_ms))
    return encode(["bytes", "bytes", "bytes", "bytes", "bytes", "uint256"],
                  [sig, pubkey64, pcrs[0], pcrs[1], pcrs[2], timestamp_ms])


def proof_of_possession(enclave_key: bytes, attestation: bytes, address_to_verify: str) -> bytes:
    """Spec §6.2: EIP-191 signature over keccak256(abi.encode(attestationData, addressToVerify))."""
    message = keccak(encode(["bytes", "address"], [attestation, address_to_verify]))
    return sign_digest(enclave_key, eip191(message))


def batch_message_hash(ask_ids: list[int], generators: list[str], acls: list[bytes]) -> bytes:
    return keccak(encode(["uint256[]", "address[]", "bytes[]"], [ask_ids, generators, acls]))


def batch_signature(me_key: bytes, ask_ids: list[int], generators: list[str], acls: list[bytes]) -> bytes:
    """Spec §6.5: the matching engine's EIP-191 signature over a relayBatchAssignTasks batch."""
    return sign_digest(me_key, eip191(batch_message_hash(ask_ids, generators, acls)))


def invalid_inputs_signature(ivs_key: bytes, ask_id: int, prover_data: bytes) -> bytes:
    """Spec §6.6: the IVS enclave's EIP-191 signature over keccak256(abi.encode(askId, proverData))."""
    return sign_digest(ivs_key, eip191(keccak(encode(["uint256", "bytes"], [ask_id, prover_data]))))
