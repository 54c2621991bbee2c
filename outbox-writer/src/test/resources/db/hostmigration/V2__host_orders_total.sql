ALTER TABLE orders ADD COLUMN total bigint;
