#!/usr/bin/env python3
"""ABI-decoding peer for kalypso-bench: Python eth-abi decodes a Kalypso event-log mix.

Input: a file written by kalypso-bench (bench-out/abi/logs.txt), one log per line: the topics then the data,
0x-hex, separated by spaces. Per log: pick the event by topic0, decode each indexed topic with its type and the
data with the event's non-indexed types (eth_abi.decode, strict mode) - what a Python indexer does per log.
Hex decoding of the file happens before timing. Prints "rate: <logs per CPU second>".

Usage: eth_abi_peer.py <logs.txt> [seconds]
"""
import sys
import time

from eth_abi import decode

# topic0 -> (indexed types, data types), from the Kalypso contracts (see /work/shared/spec, event table).
EVENTS = {
    # RegisteredGenerator(address indexed generator, uint256 initialCompute, uint256 initialStake)
    "491b0f461d05b79bfc6904a9ba9df523d766503f11046b2b5e6eddaae3a7231c": (["address"], ["uint256", "uint256"]),
    # JoinedMarketplace(address indexed generator, uint256 indexed marketId, uint256 computeAllocation)
    "0459ab575508b4a5894f7b1387bf362d03213b3bf831da4526218c33e4a906d8": (["address", "uint256"], ["uint256"]),
    # AskCreated(uint256 indexed askId, bool indexed hasPrivateInputs, bytes secret_data, bytes acl, bytes extraData)
    "ca872f71caf10cdbbd1dd22412d01d415ef80130c7e50bdb8cd6951a08336241": (["uint256", "bool"], ["bytes", "bytes", "bytes"]),
    # TaskCreated(uint256 indexed askId, address indexed generator, bytes new_acl)
    "7a7cd41cad5f3cccfdce48df720845b6fe8167853b27ba031d9998e205eb1dd9": (["uint256", "address"], ["bytes"]),
}


def load(path):
    logs = []
    with open(path) as f:
        for line in f:
            fields = [bytes.fromhex(x[2:]) for x in line.split()]
            topics, data = fields[:-1], fields[-1]
            indexed, data_types = EVENTS[topics[0].hex()]
            logs.append((topics[1:], data, indexed, data_types))
    return logs


def decode_all(logs):
    n = 0
    for topics, data, indexed, data_types in logs:
        args = [decode([t], topic)[0] for t, topic in zip(indexed, topics)]
        args.extend(decode(data_types, data))
        n += len(args)
    return n


def main():
    logs = load(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    decode_all(logs)  # warm-up
    done = 0
    start = time.process_time()
    while True:
        decode_all(logs)
        done += len(logs)
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            break
    print(f"rate: {done / elapsed:.1f}")


if __name__ == "__main__":
    main()
