#pragma version ~=0.4.3
# Mock IVerifier for Kalypso markets. Deterministic:
#   verifyInputs(inputs)  is false iff inputs == b"invalid-inputs"
#   verify(abi.encode(proverData, proof)) is false iff proof == b"invalid-proof" (or proverData is invalid)
#   checkSampleInputsAndProof() returns the `sampleValid` flag (true unless setSampleValid(false))

INVALID_INPUTS: constant(Bytes[14]) = b"invalid-inputs"
INVALID_PROOF: constant(Bytes[13]) = b"invalid-proof"

sampleValid: public(bool)


@deploy
def __init__():
    self.sampleValid = True


@external
def setSampleValid(valid: bool):
    self.sampleValid = valid


@view
@external
def checkSampleInputsAndProof() -> bool:
    return self.sampleValid


@pure
@external
def verifyInputs(inputs: Bytes[16384]) -> bool:
    return inputs != INVALID_INPUTS


@pure
@external
def verify(encodedPublicAndPrivateInputs: Bytes[16576]) -> bool:
    proverData: Bytes[8192] = b""
    proof: Bytes[8192] = b""
    proverData, proof = abi_decode(encodedPublicAndPrivateInputs, (Bytes[8192], Bytes[8192]))
    return proof != INVALID_PROOF and proverData != INVALID_INPUTS
