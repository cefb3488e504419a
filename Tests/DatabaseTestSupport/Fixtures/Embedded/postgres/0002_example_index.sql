-- Test fixture only.
CREATE INDEX example_items_by_amount ON example_items (amount);
INSERT INTO example_items (id, label, amount) VALUES (1, 'seeded by "0002"', 1);
