"""The activity driver (devnode/activity.py): set-up, asks, proofs of assigned tasks, and the loads it reports."""
from devnode.activity import Activity


def test_activity_proves_assigned_tasks_and_reports_loads(fresh, node):
    a = Activity(fresh, node.info, seed=7)
    described = a.setup()
    assert len(described["markets"]) == 4 and described["markets"][-1]["private"]
    assert len(described["generators"]) == 8
    first = a.k.now()
    created = a.create_asks(12, expiry=(600, 900))
    assert len(created) == 12 and a.counts()["byState"] == {"CREATE": 12}

    # Assign one public ask by hand (the ME account's assignTask), trying generators of its market until one is
    # eligible: the failed tries are mined as reverted transactions.
    me = a.k.wallet(a.k.me_key)
    public = {m["id"] for m in a.markets if not m["private"]}
    assigned = None
    tries = 0
    for ask_id in created:
        market = a.k.ask(ask_id)[0][0]
        if market not in public:
            continue
        for g in a.gens:
            if market in a.joined[g.address]:
                tries += 1
                if a.k.assign_direct(me, ask_id, g.address).ok:
                    assigned = (ask_id, g.address)
                    break
        if assigned:
            break
    assert assigned is not None
    loads = {g["address"]: g for g in a.generators()}
    assert loads[assigned[1]]["computeConsumed"] > 0 and loads[assigned[1]]["stakeLocked"] > 0

    assert a.prove_assigned() == [assigned[0]]
    counts = a.counts()
    assert counts["byState"].get("COMPLETE") == 1 and counts["proved"] == 1
    loads = a.generators()
    assert all(g["computeConsumed"] == 0 and g["stakeLocked"] == 0 for g in loads)
    assert next(g for g in loads if g["address"] == assigned[1])["proved"] == 1
    assert {g["capacity"] for g in loads if g["index"] % 3 == 2} == {2}

    txs = a.transactions(me.address, first)
    assert len(txs["transactions"]) == tries and txs["reverted"] == tries - 1


def test_activity_setup_succeeds_for_many_seeds(fresh, node):
    """Every generator's compute allocations fit its declared compute, whatever the seed."""
    for seed in range(1, 7):
        a = Activity(fresh, node.info, seed=100 + seed)
        described = a.setup()
        assert len(described["joined"]) == 8



def test_private_asks_carry_an_ecies_acl_and_new_acls_are_checked(fresh, node):
    """A private ask's ACL is its AES key encrypted (eciespy) to the matching engine's key; a `new_acl` re-encrypted to
    the assigned generator's enclave key is reported as decrypted, one for another key is not."""
    import ecies
    from eth_abi import decode
    from eth_utils import keccak

    from devnode import enclave

    a = Activity(fresh, node.info, seed=5, private_share=1.0)
    a.setup()
    created = a.create_asks(3, expiry=(600, 900))
    assert len(created) == 3 and sorted(a.aes_keys) == created
    assert a.me_public_key.hex() == node.info["matchingEngine"]["publicKey"][2:]
    topic = "0x" + keccak(text="AskCreated(uint256,bool,bytes,bytes,bytes)").hex()
    logs = fresh.call("eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest", "address": a.k.pmp.address, "topics": [topic]})
    acls = {int(log["topics"][1], 16): decode(["bytes", "bytes", "bytes"], bytes.fromhex(log["data"][2:]))[1] for log in logs}
    for ask_id in created:  # the ACL on chain: 129 bytes that decrypt with the matching engine's key to the AES key
        assert len(acls[ask_id]) == 129 and ecies.decrypt(a.k.me_key, acls[ask_id]) == a.aes_keys[ask_id]

    me = a.k.wallet(a.k.me_key)
    first, second = list(a.enclave_keys)
    # Ask 0 to generator 0 with a correct new_acl; ask 1 to generator 1 with one encrypted to generator 0's key.
    right = ecies.encrypt(enclave.public_key64(a.enclave_keys[first]), a.aes_keys[created[0]])
    wrong = ecies.encrypt(enclave.public_key64(a.enclave_keys[first]), a.aes_keys[created[1]])
    assert a.k.assign_direct(me, created[0], first, right).ok
    assert a.k.assign_direct(me, created[1], second, wrong).ok
    report = a.private_acls()
    asks = {e["ask"]: e for e in report["asks"]}
    assert asks[created[0]]["decrypted"] is True and asks[created[0]]["state"] == "ASSIGNED"
    assert asks[created[0]]["generator"].lower() == first.lower()
    assert asks[created[1]]["decrypted"] is False and asks[created[1]]["newAcl"] == "0x" + wrong.hex()
    assert "newAcl" not in asks[created[2]] and asks[created[2]]["state"] == "CREATE"
    assert {e["aesKey"] for e in report["asks"]} == {"0x" + a.aes_keys[x].hex() for x in created}
    assert set(report["enclaveKeys"]) == {first, second}
