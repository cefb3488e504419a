"""Devnode: a local Kalypso G1 chain (py-evm) with a JSON-RPC server, Vyper contracts and a scenario driver."""
