#pragma version ~=0.4.3
# Benchmark helper (not part of Kalypso): emits n logs per call.

event Ping:
    index: indexed(uint256)
    sender: indexed(address)
    value: uint256


@external
def emitMany(n: uint256, start: uint256):
    for i: uint256 in range(n, bound=1000):
        log Ping(index=start + i, sender=msg.sender, value=i)
