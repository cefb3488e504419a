-- Test fixture only: an example of a migration file, not the mirror's schema.
CREATE TABLE example_items (
    id BIGINT PRIMARY KEY,
    label TEXT NOT NULL,
    amount NUMERIC(78, 0) NOT NULL -- UInt256
);
