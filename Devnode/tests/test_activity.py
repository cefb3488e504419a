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
