-- The Kalypso G1 mirror (PostgreSQL). Written by SQLMirrorStore, read by MirrorReader.
-- The same tables and columns as Migrations/sqlite/0001_mirror.sql (a test checks it), with PostgreSQL types;
-- `make test-mirror-postgres` runs the store and reader tests on PostgreSQL 15 with it.
--
-- Types: uint256 amounts and ids are NUMERIC(78,0) (bound as numeric text); addresses (20 bytes) and hashes
-- (32 bytes) are BYTEA; block numbers and small enums BIGINT; booleans BOOLEAN; times ISO-8601 TEXT (UTC), as the
-- store binds them.
-- A NULL column means "unknown" where the Swift model has an optional (e.g. an event that could not be enriched).

-- ---- Entities: the state after the cursor block -------------------------------------------------------------

CREATE TABLE generators (
    address BYTEA NOT NULL PRIMARY KEY,
    reward_address BYTEA,
    total_stake NUMERIC(78,0) NOT NULL,
    sum_of_compute_allocations NUMERIC(78,0) NOT NULL,
    compute_consumed NUMERIC(78,0) NOT NULL,
    stake_locked NUMERIC(78,0) NOT NULL,
    active_marketplaces NUMERIC(78,0) NOT NULL,
    declared_compute NUMERIC(78,0) NOT NULL,
    intended_stake_utilization NUMERIC(78,0) NOT NULL,
    intended_compute_utilization NUMERIC(78,0) NOT NULL,
    generator_data BYTEA,
    stake_reduction_block BIGINT,          -- pending stake reduction: the block of RequestStakeDecrease
    stake_reduction_clock NUMERIC(78,0),             -- … and the G1 clock from which it can execute (NULL: unknown)
    compute_reduction_block BIGINT,
    compute_reduction_clock NUMERIC(78,0),
    registered_in_block BIGINT NOT NULL
);

CREATE TABLE generator_markets (
    generator BYTEA NOT NULL,
    market_id NUMERIC(78,0) NOT NULL,
    state BIGINT NOT NULL,                 -- 1 JOINED, 4 REQUESTED_FOR_EXIT
    compute_per_request_required NUMERIC(78,0) NOT NULL,
    proof_generation_cost NUMERIC(78,0),
    proposed_time NUMERIC(78,0),
    active_requests NUMERIC(78,0) NOT NULL,
    joined_in_block BIGINT NOT NULL,
    PRIMARY KEY (generator, market_id)
);
CREATE INDEX generator_markets_by_market ON generator_markets (market_id, generator);

CREATE TABLE markets (
    id NUMERIC(78,0) NOT NULL PRIMARY KEY,
    verifier BYTEA,                          -- the seven MarketData columns are NULL when not enriched
    prover_image_id BYTEA,
    slashing_penalty NUMERIC(78,0),
    activation_block NUMERIC(78,0),
    ivs_image_id BYTEA,
    creator BYTEA,
    metadata BYTEA,
    extra_prover_images BYTEA NOT NULL,      -- sorted concatenated 32-byte image ids
    extra_ivs_images BYTEA NOT NULL,
    frozen BOOLEAN NOT NULL,
    created_in_block BIGINT NOT NULL
);

CREATE TABLE asks (
    id NUMERIC(78,0) NOT NULL PRIMARY KEY,
    market_id NUMERIC(78,0),                         -- the seven Ask columns are NULL when AskCreated was not enriched
    reward NUMERIC(78,0),
    expiry NUMERIC(78,0),
    time_taken_for_proof_generation NUMERIC(78,0),
    deadline NUMERIC(78,0),
    refund_address BYTEA,
    prover_data BYTEA,
    stored_state BIGINT NOT NULL,          -- 1 CREATE, 3 ASSIGNED, 4 COMPLETE
    requester BYTEA,
    generator BYTEA,
    has_private_inputs BOOLEAN NOT NULL,
    secret_data BYTEA NOT NULL,
    acl BYTEA NOT NULL,
    extra_data BYTEA NOT NULL,
    new_acl BYTEA,
    outcome BIGINT,                        -- 1 PROVED, 2 INVALID_INPUTS, 3 SLASHED, 4 CANCELLED
    proof BYTEA,
    secret_type BIGINT,
    created_in_block BIGINT NOT NULL,
    assigned_in_block BIGINT,
    completed_in_block BIGINT
);
-- One secondary index: every state change of an ask moves its entries, so only what the queries use (market stats).
CREATE INDEX asks_by_market_state ON asks (market_id, stored_state);

CREATE TABLE enclave_keys (
    owner BYTEA NOT NULL,
    key_index NUMERIC(78,0) NOT NULL,
    public_key BYTEA,                        -- 64 bytes; NULL: unknown ("no key")
    updated_in_block BIGINT NOT NULL,
    PRIMARY KEY (owner, key_index)
);

CREATE TABLE pricing (
    secret_type BIGINT NOT NULL PRIMARY KEY,
    cost_per_input_bytes NUMERIC(78,0) NOT NULL,
    min_proving_time NUMERIC(78,0) NOT NULL
);

CREATE TABLE contracts (
    contract TEXT NOT NULL PRIMARY KEY,     -- generatorRegistry, proofMarketplace, entityKeyRegistry
    paused BOOLEAN NOT NULL,
    implementation BYTEA,
    initialized_version NUMERIC(78,0),               -- uint64 (type(uint64).max after _disableInitializers)
    roles BYTEA NOT NULL                     -- AccessControl members and admins (EntityCodec)
);

CREATE TABLE ivs_signers (
    market_id NUMERIC(78,0) NOT NULL,
    signer BYTEA NOT NULL,
    added_in_block BIGINT NOT NULL,
    PRIMARY KEY (market_id, signer)
);

CREATE TABLE enclave_images (
    image_id BYTEA NOT NULL PRIMARY KEY,
    pcr0 BYTEA,                              -- the PCRs are NULL when only a family event named the image
    pcr1 BYTEA,
    pcr2 BYTEA,
    whitelisted BOOLEAN NOT NULL,
    blacklisted BOOLEAN NOT NULL,
    families BYTEA NOT NULL                  -- sorted concatenated 32-byte family ids
);

CREATE TABLE verified_enclave_keys (
    public_key_hash BYTEA NOT NULL PRIMARY KEY,
    image_id BYTEA NOT NULL,
    verified_in_block BIGINT NOT NULL
);

-- ---- History: one row per log; UNIQUE (block_number, log_index) makes a replayed range a no-op ---------------

CREATE TABLE events (
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    transaction_index BIGINT NOT NULL,     -- the hashes are in transactions and event_blocks (once, not per log)
    emitter TEXT NOT NULL,                  -- generatorRegistry, proofMarketplace, entityKeyRegistry (the log's address)
    event_name TEXT NOT NULL,
    fields TEXT NOT NULL,                   -- the decoded fields and the enrichment payload, as JSON (inspection only)
    enrichment TEXT,                        -- calldata, eth_call at 0x…, unavailable (…); NULL: the event needs none
    topics BYTEA,                            -- the raw log: concatenated 32-byte topics (NULL when the sync did not keep it)
    data BYTEA,
    PRIMARY KEY (block_number, log_index)
);

-- The transactions and blocks of the stored events.
CREATE TABLE transactions (
    block_number BIGINT NOT NULL,
    transaction_index BIGINT NOT NULL,
    transaction_hash BYTEA NOT NULL,
    PRIMARY KEY (block_number, transaction_index)
);
CREATE INDEX transactions_by_hash ON transactions (transaction_hash);

CREATE TABLE event_blocks (
    number BIGINT NOT NULL PRIMARY KEY,
    hash BYTEA NOT NULL
);

CREATE TABLE unknown_logs (
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    block_hash BYTEA NOT NULL,
    transaction_index BIGINT NOT NULL,
    transaction_hash BYTEA NOT NULL,
    address BYTEA NOT NULL,
    topic0 BYTEA,                            -- NULL for a log without topics
    topics BYTEA NOT NULL,
    data BYTEA NOT NULL,
    other_generation TEXT,                  -- e.g. "G1.5 RegisteredGenerator": the mirror may follow the wrong generation
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX unknown_logs_by_topic0 ON unknown_logs (topic0);

CREATE TABLE quarantined_logs (
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    block_hash BYTEA NOT NULL,
    transaction_index BIGINT NOT NULL,
    transaction_hash BYTEA NOT NULL,
    address BYTEA NOT NULL,
    topic0 BYTEA,
    topics BYTEA NOT NULL,
    data BYTEA NOT NULL,
    event_name TEXT,
    error TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

CREATE TABLE signature_checks (
    block_number BIGINT NOT NULL,
    seq BIGINT NOT NULL,                   -- order among the block's checks in its commit
    log_index BIGINT NOT NULL,
    block_hash BYTEA NOT NULL,
    transaction_index BIGINT NOT NULL,
    transaction_hash BYTEA NOT NULL,
    kind TEXT NOT NULL,                     -- admin, enclave, matchingEngine
    expected BYTEA,
    recovered BYTEA,
    matches BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (block_number, seq)
);
CREATE INDEX signature_checks_by_expected ON signature_checks (expected, kind);
CREATE INDEX signature_checks_by_kind ON signature_checks (kind, matches);
CREATE INDEX signature_checks_by_matches ON signature_checks (matches);

CREATE TABLE inconsistency_issues (
    block_number BIGINT NOT NULL,          -- the log's block, or the range's last block for an issue without a log
    seq BIGINT NOT NULL,
    log_index BIGINT,
    transaction_hash BYTEA,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,                 -- info, warning, alert
    message TEXT NOT NULL,
    PRIMARY KEY (block_number, seq)
);

-- ---- Reorg safety: the last reorg-window blocks and the undo journal of their entity changes -----------------

CREATE TABLE block_window (
    number BIGINT NOT NULL PRIMARY KEY,
    hash BYTEA NOT NULL,
    parent_hash BYTEA NOT NULL
);

CREATE TABLE undo_journal (
    block_number BIGINT NOT NULL,
    seq BIGINT NOT NULL,                   -- the change's position in the block's change set
    block_hash BYTEA NOT NULL,
    entity_key BYTEA NOT NULL,               -- EntityCodec key
    before_image BYTEA,                      -- EntityCodec value before the block; NULL: the entity did not exist
    after_image BYTEA,                       -- … after the block; NULL: the block deleted it
    PRIMARY KEY (block_number, seq)
);

-- ---- Sync state: exactly one row ---------------------------------------------------------------------------

CREATE TABLE sync_state (
    id BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    cursor_block BIGINT,                   -- the last fully applied block (NULL before the first commit)
    cursor_hash BYTEA,
    cursor_clock NUMERIC(78,0),                      -- the G1 clock at the cursor (NULL: the cursor's block number)
    undo_floor BIGINT,                     -- the lowest block a rewind can return to
    head_block BIGINT,                     -- the node's latest head, as last recorded
    head_recorded_at TEXT,
    reorgs_seen BIGINT NOT NULL,
    last_reorg_from_block BIGINT,          -- the cursor before the last rewind
    last_reorg_to_block BIGINT,            -- the block it rewound to
    last_reorg_reason TEXT,
    last_reorg_at TEXT,
    started_at TEXT                         -- when the current writer opened the store
);
INSERT INTO sync_state (id, reorgs_seen) VALUES (1, 0);
