"""eciespy 0.4.7 (the reference ECIES of eciesjs / ecies-rs) as the peer of EthereumKit's ECIES tests.

Reads a JSON array of jobs on stdin, prints a JSON array of results on stdout:
  {"op": "encrypt", "pk": hex, "plain": hex}                               -> {"out": hex}
  {"op": "encrypt", "pk": hex, "plain": hex, "eph": hex, "nonce": hex}     -> {"out": hex}  (fixed ephemeral key + nonce)
  {"op": "decrypt", "sk": hex, "msg": hex}                                 -> {"plain": hex} or {"error": text}
The fixed variant runs eciespy's own `ecies.encrypt` with its ephemeral key constructor and `os.urandom`
patched to return the given values, so the whole reference code path (HKDF input, layout) is exercised.
"""
import json
import sys

import ecies
import ecies.utils.symmetric as symmetric
from ecies.keys import PrivateKey


def encrypt(job):
    pk, plain = bytes.fromhex(job["pk"]), bytes.fromhex(job["plain"])
    if "eph" not in job:
        return {"out": ecies.encrypt(pk, plain).hex()}
    eph, nonce = bytes.fromhex(job["eph"]), bytes.fromhex(job["nonce"])
    real_private_key, real_urandom = ecies.PrivateKey, symmetric.os.urandom
    ecies.PrivateKey = lambda curve: real_private_key(curve, eph)
    symmetric.os.urandom = lambda n: nonce if n == len(nonce) else real_urandom(n)
    try:
        return {"out": ecies.encrypt(pk, plain).hex()}
    finally:
        ecies.PrivateKey, symmetric.os.urandom = real_private_key, real_urandom


def decrypt(job):
    try:
        return {"plain": ecies.decrypt(bytes.fromhex(job["sk"]), bytes.fromhex(job["msg"])).hex()}
    except Exception as error:  # noqa: BLE001 - any failure is reported to the Swift side
        return {"error": f"{type(error).__name__}: {error}"}


def main():
    jobs = json.load(sys.stdin)
    print(json.dumps([encrypt(job) if job["op"] == "encrypt" else decrypt(job) for job in jobs]))


if __name__ == "__main__":
    assert PrivateKey  # eciespy's key type is importable (0.4 API)
    main()
