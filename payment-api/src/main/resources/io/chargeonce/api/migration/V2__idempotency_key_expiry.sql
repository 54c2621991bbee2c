-- Idempotency keys expire (ApiConfig.idempotencyKeyTtl, default 24 h). An expired key is moved
-- aside into released_idempotency_key by the request that reuses it, in that request's own
-- transaction: the old payment keeps existing and stays readable by id, and the key is free for a
-- new payment. Postgres treats NULLs as distinct, so the unique constraint
-- payments_merchant_idempotency_key now binds live keys only, and ON CONFLICT still uses it.
ALTER TABLE payments ALTER COLUMN idempotency_key DROP NOT NULL;
ALTER TABLE payments ADD COLUMN released_idempotency_key text NULL;
ALTER TABLE payments ADD COLUMN idempotency_key_released_at timestamptz NULL;
-- A payment holds its key either live or released, never both and never neither.
ALTER TABLE payments ADD CONSTRAINT payments_idempotency_key_live_or_released CHECK (
    (idempotency_key IS NULL) = (released_idempotency_key IS NOT NULL)
    AND (released_idempotency_key IS NULL) = (idempotency_key_released_at IS NULL));
