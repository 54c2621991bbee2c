-- Refunds of confirmed payments, and the audit trail of every state change of a payment and its
-- refunds.

CREATE TABLE refunds (
    id                          uuid        PRIMARY KEY,
    payment_id                  uuid        NOT NULL REFERENCES payments (id),
    merchant_id                 uuid        NOT NULL REFERENCES merchants (id),
    -- Same idempotency rules as payments (V1, V2), in a namespace of their own: a merchant's
    -- refund keys never meet its payment keys.
    idempotency_key             text        NULL,
    released_idempotency_key    text        NULL,
    idempotency_key_released_at timestamptz NULL,
    request_hash                bytea       NOT NULL CHECK (octet_length(request_hash) = 32),
    amount_minor                bigint      NOT NULL CHECK (amount_minor > 0),
    currency                    text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- The merchant's free text, passed to the provider; never logged.
    merchant_reason             text        NULL CHECK (char_length(merchant_reason) <= 200),
    status                      text        NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'NEEDS_ATTENTION')),
    reason                      text        NULL,
    reason_code                 text        NULL,
    provider_refund_id          text        NULL,
    response_status             int         NOT NULL,
    response_body               bytea       NOT NULL,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL,
    CONSTRAINT refunds_merchant_idempotency_key UNIQUE (merchant_id, idempotency_key),
    CONSTRAINT refunds_idempotency_key_live_or_released CHECK (
        (idempotency_key IS NULL) = (released_idempotency_key IS NOT NULL)
        AND (released_idempotency_key IS NULL) = (idempotency_key_released_at IS NULL))
);

-- The refundable rest is summed per payment under the payment's row lock.
CREATE INDEX refunds_payment_id ON refunds (payment_id);

CREATE TABLE payment_history (
    id          bigserial   PRIMARY KEY,
    payment_id  uuid        NOT NULL,
    refund_id   uuid        NULL,
    status      text        NOT NULL,
    reason      text        NULL,
    event_id    text        NULL,
    occurred_at timestamptz NOT NULL
);

CREATE INDEX payment_history_payment_id ON payment_history (payment_id, id);

-- Payments from before the trail: their current status is where their story starts.
INSERT INTO payment_history (payment_id, status, reason, occurred_at)
SELECT id, status, reason, updated_at FROM payments ORDER BY created_at, id;

-- The status inbox claims refund status events too; their refund id helps an operator.
ALTER TABLE status_inbox ADD COLUMN refund_id text NULL;
