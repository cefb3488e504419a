-- Test fixture only: an example of a migration file, not the mirror's schema.
CREATE TABLE example_items (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    amount BLOB NOT NULL -- UInt256 as 32 big-endian bytes
);
