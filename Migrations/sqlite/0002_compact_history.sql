-- Compact history rows (issue 4: commit CPU and bytes written per log). Upgrades a 0001 database keeping its rows.
--
-- events: the emitter, the event name, the raw log's first topic, the kind of enrichment and the shape of the fields
-- JSON repeat across events: they are one row of event_kinds, referenced by id. `topics` keeps the topics after the
-- first; `enrichment` keeps the source's text only when it is neither `calldata` nor `eth_call at <the event's own
-- block hash>`; `field_values` holds the fields' values packed (PackedFields), `fields` the JSON text of the rows
-- written before this migration (their kinds' shape is empty).
-- signature_checks: the block and transaction hashes come from event_blocks and transactions (the rows of the
-- check's event; the store writes them for every check), the note from check_notes (a handful of distinct texts).

CREATE TABLE event_kinds (
    id INTEGER NOT NULL PRIMARY KEY,
    emitter TEXT NOT NULL,                  -- generatorRegistry, proofMarketplace, entityKeyRegistry
    event_name TEXT NOT NULL,
    topic0 BLOB NOT NULL,                   -- the raw log's first topic; empty: no topics, or the raw log was not kept
    enrichment INTEGER NOT NULL,            -- 0 events.enrichment (NULL: none needed), 1 calldata, 2 eth_call at the event's block hash
    fields_shape TEXT NOT NULL,             -- the fields JSON with each string value replaced by ?; empty: events.fields holds the text
    UNIQUE (emitter, event_name, topic0, enrichment, fields_shape)
) STRICT;

CREATE TABLE check_notes (
    id INTEGER NOT NULL PRIMARY KEY,
    note TEXT NOT NULL UNIQUE
) STRICT;

CREATE TEMP VIEW event_parts AS
SELECT e.block_number, e.log_index, e.transaction_index, e.emitter, e.event_name, e.fields, e.enrichment, e.data,
       e.topics IS NULL AS raw_missing,
       CASE WHEN length(e.topics) >= 32 THEN substr(e.topics, 1, 32) ELSE x'' END AS topic0,
       CASE WHEN length(e.topics) >= 32 THEN substr(e.topics, 33) ELSE e.topics END AS rest,
       CASE WHEN e.enrichment = 'calldata' THEN 1
            WHEN b.hash IS NOT NULL AND e.enrichment = 'eth_call at 0x' || lower(hex(b.hash)) THEN 2
            ELSE 0 END AS enrichment_kind
FROM main.events e LEFT JOIN main.event_blocks b ON b.number = e.block_number;

INSERT INTO event_kinds (emitter, event_name, topic0, enrichment, fields_shape)
SELECT DISTINCT emitter, event_name, topic0, enrichment_kind, '' FROM event_parts ORDER BY emitter, event_name, topic0, enrichment_kind;

CREATE TABLE events_compact (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    transaction_index INTEGER NOT NULL,     -- the hashes are in transactions and event_blocks (once, not per log)
    kind_id INTEGER NOT NULL,               -- event_kinds.id: emitter, event name, first topic, enrichment kind
    fields TEXT,                            -- the decoded fields and the enrichment payload as JSON; NULL: packed in field_values
    field_values BLOB,                     -- the fields' values in their kind's fields_shape (PackedFields)
    enrichment TEXT,                        -- the source's text when event_kinds.enrichment is 0 (NULL: none needed)
    topics BLOB,                            -- the raw log's topics after the first (NULL when the sync did not keep it)
    data BLOB,
    PRIMARY KEY (block_number, log_index)
) STRICT, WITHOUT ROWID;

INSERT INTO events_compact (block_number, log_index, transaction_index, kind_id, fields, field_values, enrichment, topics, data)
SELECT p.block_number, p.log_index, p.transaction_index, k.id, p.fields, NULL,
       CASE WHEN p.enrichment_kind = 0 THEN p.enrichment END,
       CASE WHEN p.raw_missing THEN NULL ELSE CAST(p.rest AS BLOB) END, p.data
FROM event_parts p
JOIN event_kinds k ON k.emitter = p.emitter AND k.event_name = p.event_name AND k.topic0 = p.topic0 AND k.enrichment = p.enrichment_kind
    AND k.fields_shape = ''
ORDER BY p.block_number, p.log_index;

DROP VIEW event_parts;
DROP TABLE events;
ALTER TABLE events_compact RENAME TO events;

-- Every check's block and transaction hashes stay: as rows of event_blocks and transactions (present already when
-- the store wrote the check's event).
INSERT INTO event_blocks (number, hash)
SELECT block_number, block_hash FROM signature_checks WHERE true ORDER BY block_number
ON CONFLICT (number) DO NOTHING;
INSERT INTO transactions (block_number, transaction_index, transaction_hash)
SELECT block_number, transaction_index, transaction_hash FROM signature_checks WHERE true ORDER BY block_number, transaction_index
ON CONFLICT (block_number, transaction_index) DO NOTHING;

INSERT INTO check_notes (note) SELECT DISTINCT note FROM signature_checks ORDER BY note;

CREATE TABLE signature_checks_compact (
    block_number INTEGER NOT NULL,
    seq INTEGER NOT NULL,                   -- order among the block's checks in its commit
    log_index INTEGER NOT NULL,
    transaction_index INTEGER NOT NULL,     -- the hashes are in event_blocks and transactions
    kind TEXT NOT NULL,                     -- admin, enclave, matchingEngine
    expected BLOB,
    recovered BLOB,
    matches INTEGER NOT NULL,
    note_id INTEGER NOT NULL,               -- check_notes.id
    PRIMARY KEY (block_number, seq)
) STRICT, WITHOUT ROWID;

INSERT INTO signature_checks_compact (block_number, seq, log_index, transaction_index, kind, expected, recovered, matches, note_id)
SELECT c.block_number, c.seq, c.log_index, c.transaction_index, c.kind, c.expected, c.recovered, c.matches, n.id
FROM signature_checks c JOIN check_notes n ON n.note = c.note ORDER BY c.block_number, c.seq;

DROP TABLE signature_checks;
ALTER TABLE signature_checks_compact RENAME TO signature_checks;
CREATE INDEX signature_checks_by_expected ON signature_checks (expected, kind);
CREATE INDEX signature_checks_by_kind ON signature_checks (kind, matches);
CREATE INDEX signature_checks_by_matches ON signature_checks (matches);
