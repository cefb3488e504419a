-- The Kalypso G1 mirror (SQLite). Written by SQLMirrorStore, read by MirrorReader.
--
-- Types: uint256 amounts and ids are 32-byte big-endian BLOBs (byte order = numeric order, so =, <, ORDER BY and
-- MIN/MAX work); addresses are 20-byte BLOBs, hashes 32-byte BLOBs; block numbers INTEGER; booleans INTEGER 0/1;
-- times ISO-8601 TEXT (UTC). PostgreSQL (Migrations/postgres) uses NUMERIC(78,0), BYTEA, BIGINT and BOOLEAN with
-- the same table and column names, so the store's SQL runs on both.
-- A NULL column means "unknown" where the Swift model has an optional (e.g. an event that could not be enriched).

-- ---- Entities: the state after the cursor block -------------------------------------------------------------

CREATE TABLE generators (
    address BLOB NOT NULL PRIMARY KEY,
    reward_address BLOB,
    total_stake BLOB NOT NULL,
    sum_of_compute_allocations BLOB NOT NULL,
    compute_consumed BLOB NOT NULL,
    stake_locked BLOB NOT NULL,
    active_marketplaces BLOB NOT NULL,
    declared_compute BLOB NOT NULL,
    intended_stake_utilization BLOB NOT NULL,
    intended_compute_utilization BLOB NOT NULL,
    generator_data BLOB,
    stake_reduction_block INTEGER,          -- pending stake reduction: the block of RequestStakeDecrease
    stake_reduction_clock BLOB,             -- … and the G1 clock from which it can execute (NULL: unknown)
    compute_reduction_block INTEGER,
    compute_reduction_clock BLOB,
    registered_in_block INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE generator_markets (
    generator BLOB NOT NULL,
    market_id BLOB NOT NULL,
    state INTEGER NOT NULL,                 -- 1 JOINED, 4 REQUESTED_FOR_EXIT
    compute_per_request_required BLOB NOT NULL,
    proof_generation_cost BLOB,
    proposed_time BLOB,
    active_requests BLOB NOT NULL,
    joined_in_block INTEGER NOT NULL,
    PRIMARY KEY (generator, market_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX generator_markets_by_market ON generator_markets (market_id, generator);

CREATE TABLE markets (
    id BLOB NOT NULL PRIMARY KEY,
    verifier BLOB,                          -- the seven MarketData columns are NULL when not enriched
    prover_image_id BLOB,
    slashing_penalty BLOB,
    activation_block BLOB,
    ivs_image_id BLOB,
    creator BLOB,
    metadata BLOB,
    extra_prover_images BLOB NOT NULL,      -- sorted concatenated 32-byte image ids
    extra_ivs_images BLOB NOT NULL,
    frozen INTEGER NOT NULL,
    created_in_block INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE asks (
    id BLOB NOT NULL PRIMARY KEY,
    market_id BLOB,                         -- the seven Ask columns are NULL when AskCreated was not enriched
    reward BLOB,
    expiry BLOB,
    time_taken_for_proof_generation BLOB,
    deadline BLOB,
    refund_address BLOB,
    prover_data BLOB,
    stored_state INTEGER NOT NULL,          -- 1 CREATE, 3 ASSIGNED, 4 COMPLETE
    requester BLOB,
    generator BLOB,
    has_private_inputs INTEGER NOT NULL,
    secret_data BLOB NOT NULL,
    acl BLOB NOT NULL,
    extra_data BLOB NOT NULL,
    new_acl BLOB,
    outcome INTEGER,                        -- 1 PROVED, 2 INVALID_INPUTS, 3 SLASHED, 4 CANCELLED
    proof BLOB,
    secret_type INTEGER,
    created_in_block INTEGER NOT NULL,
    assigned_in_block INTEGER,
    completed_in_block INTEGER
) STRICT, WITHOUT ROWID;
-- One secondary index: every state change of an ask moves its entries, so only what the queries use (market stats).
CREATE INDEX asks_by_market_state ON asks (market_id, stored_state);

CREATE TABLE enclave_keys (
    owner BLOB NOT NULL,
    key_index BLOB NOT NULL,
    public_key BLOB,                        -- 64 bytes; NULL: unknown ("no key")
    updated_in_block INTEGER NOT NULL,
    PRIMARY KEY (owner, key_index)
) STRICT, WITHOUT ROWID;

CREATE TABLE pricing (
    secret_type INTEGER NOT NULL PRIMARY KEY,
    cost_per_input_bytes BLOB NOT NULL,
    min_proving_time BLOB NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE contracts (
    contract TEXT NOT NULL PRIMARY KEY,     -- generatorRegistry, proofMarketplace, entityKeyRegistry
    paused INTEGER NOT NULL,
    implementation BLOB,
    initialized_version BLOB,               -- uint64 (type(uint64).max after _disableInitializers)
    roles BLOB NOT NULL                     -- AccessControl members and admins (EntityCodec)
) STRICT, WITHOUT ROWID;

CREATE TABLE ivs_signers (
    market_id BLOB NOT NULL,
    signer BLOB NOT NULL,
    added_in_block INTEGER NOT NULL,
    PRIMARY KEY (market_id, signer)
) STRICT, WITHOUT ROWID;

CREATE TABLE enclave_images (
    image_id BLOB NOT NULL PRIMARY KEY,
    pcr0 BLOB,                              -- the PCRs are NULL when only a family event named the image
    pcr1 BLOB,
    pcr2 BLOB,
    whitelisted INTEGER NOT NULL,
    blacklisted INTEGER NOT NULL,
    families BLOB NOT NULL                  -- sorted concatenated 32-byte family ids
) STRICT, WITHOUT ROWID;

CREATE TABLE verified_enclave_keys (
    public_key_hash BLOB NOT NULL PRIMARY KEY,
    image_id BLOB NOT NULL,
    verified_in_block INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- ---- History: one row per log; UNIQUE (block_number, log_index) makes a replayed range a no-op ---------------

CREATE TABLE events (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    transaction_index INTEGER NOT NULL,     -- the hashes are in transactions and event_blocks (once, not per log)
    emitter TEXT NOT NULL,                  -- generatorRegistry, proofMarketplace, entityKeyRegistry (the log's address)
    event_name TEXT NOT NULL,
    fields TEXT NOT NULL,                   -- the decoded fields and the enrichment payload, as JSON (inspection only)
    enrichment TEXT,                        -- calldata, eth_call at 0x…, unavailable (…); NULL: the event needs none
    topics BLOB,                            -- the raw log: concatenated 32-byte topics (NULL when the sync did not keep it)
    data BLOB,
    PRIMARY KEY (block_number, log_index)
) STRICT, WITHOUT ROWID;

-- The transactions and blocks of the stored events.
CREATE TABLE transactions (
    block_number INTEGER NOT NULL,
    transaction_index INTEGER NOT NULL,
    transaction_hash BLOB NOT NULL,
    PRIMARY KEY (block_number, transaction_index)
) STRICT, WITHOUT ROWID;
CREATE INDEX transactions_by_hash ON transactions (transaction_hash);

CREATE TABLE event_blocks (
    number INTEGER NOT NULL PRIMARY KEY,
    hash BLOB NOT NULL
) STRICT;

CREATE TABLE unknown_logs (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    block_hash BLOB NOT NULL,
    transaction_index INTEGER NOT NULL,
    transaction_hash BLOB NOT NULL,
    address BLOB NOT NULL,
    topic0 BLOB,                            -- NULL for a log without topics
    topics BLOB NOT NULL,
    data BLOB NOT NULL,
    other_generation TEXT,                  -- e.g. "G1.5 RegisteredGenerator": the mirror may follow the wrong generation
    PRIMARY KEY (block_number, log_index)
) STRICT, WITHOUT ROWID;
CREATE INDEX unknown_logs_by_topic0 ON unknown_logs (topic0);

CREATE TABLE quarantined_logs (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    block_hash BLOB NOT NULL,
    transaction_index INTEGER NOT NULL,
    transaction_hash BLOB NOT NULL,
    address BLOB NOT NULL,
    topic0 BLOB,
    topics BLOB NOT NULL,
    data BLOB NOT NULL,
    event_name TEXT,
    error TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index)
) STRICT, WITHOUT ROWID;

CREATE TABLE signature_checks (
    block_number INTEGER NOT NULL,
    seq INTEGER NOT NULL,                   -- order among the block's checks in its commit
    log_index INTEGER NOT NULL,
    block_hash BLOB NOT NULL,
    transaction_index INTEGER NOT NULL,
    transaction_hash BLOB NOT NULL,
    kind TEXT NOT NULL,                     -- admin, enclave, matchingEngine
    expected BLOB,
    recovered BLOB,
    matches INTEGER NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (block_number, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX signature_checks_by_expected ON signature_checks (expected, kind);
CREATE INDEX signature_checks_by_kind ON signature_checks (kind, matches);
CREATE INDEX signature_checks_by_matches ON signature_checks (matches);

CREATE TABLE inconsistency_issues (
    block_number INTEGER NOT NULL,          -- the log's block, or the range's last block for an issue without a log
    seq INTEGER NOT NULL,
    log_index INTEGER,
    transaction_hash BLOB,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,                 -- info, warning, alert
    message TEXT NOT NULL,
    PRIMARY KEY (block_number, seq)
) STRICT, WITHOUT ROWID;

-- ---- Reorg safety: the last reorg-window blocks and the undo journal of their entity changes -----------------

CREATE TABLE block_window (
    number INTEGER NOT NULL PRIMARY KEY,
    hash BLOB NOT NULL,
    parent_hash BLOB NOT NULL
) STRICT;

CREATE TABLE undo_journal (
    block_number INTEGER NOT NULL,
    seq INTEGER NOT NULL,                   -- the change's position in the block's change set
    block_hash BLOB NOT NULL,
    entity_key BLOB NOT NULL,               -- EntityCodec key
    before_image BLOB,                      -- EntityCodec value before the block; NULL: the entity did not exist
    after_image BLOB,                       -- … after the block; NULL: the block deleted it
    PRIMARY KEY (block_number, seq)
) STRICT, WITHOUT ROWID;

-- ---- Sync state: exactly one row ---------------------------------------------------------------------------

CREATE TABLE sync_state (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    cursor_block INTEGER,                   -- the last fully applied block (NULL before the first commit)
    cursor_hash BLOB,
    cursor_clock BLOB,                      -- the G1 clock at the cursor (NULL: the cursor's block number)
    undo_floor INTEGER,                     -- the lowest block a rewind can return to
    head_block INTEGER,                     -- the node's latest head, as last recorded
    head_recorded_at TEXT,
    reorgs_seen INTEGER NOT NULL,
    last_reorg_from_block INTEGER,          -- the cursor before the last rewind
    last_reorg_to_block INTEGER,            -- the block it rewound to
    last_reorg_reason TEXT,
    last_reorg_at TEXT,
    started_at TEXT                         -- when the current writer opened the store
) STRICT;
INSERT INTO sync_state (id, reorgs_seen) VALUES (1, 0);
