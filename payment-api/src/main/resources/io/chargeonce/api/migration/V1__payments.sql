-- payment-api's own tables. The outbox table comes from outbox-writer's migration, which keeps
-- its own history table.

CREATE TABLE merchants (
    id             uuid        PRIMARY KEY,
    name           text        NOT NULL UNIQUE CHECK (name <> ''),
    -- SHA-256 of the API key: keys are long random secrets, so a plain digest is enough to make
    -- a leaked table useless for authenticating, and it can still be looked up by equality.
    api_key_sha256 bytea       NOT NULL UNIQUE CHECK (octet_length(api_key_sha256) = 32),
    created_at     timestamptz NOT NULL
);

CREATE TABLE payments (
    id                 uuid        PRIMARY KEY,
    merchant_id        uuid        NOT NULL REFERENCES merchants (id),
    idempotency_key    text        NOT NULL,
    -- SHA-256 of the normalised request: a retry with the same key must carry the same request.
    request_hash       bytea       NOT NULL CHECK (octet_length(request_hash) = 32),
    order_id           text        NOT NULL,
    customer_id        text        NOT NULL,
    amount_minor       bigint      NOT NULL CHECK (amount_minor > 0),
    currency           text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status             text        NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'FAILED', 'NEEDS_ATTENTION')),
    reason             text        NULL,
    provider_charge_id text        NULL,
    -- The response the first request got, frozen so every replay is byte-for-byte the same.
    response_status    int         NOT NULL,
    response_body      bytea       NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    -- The idempotency guarantee: one payment per merchant and key, enforced by the index that
    -- concurrent duplicates wait on.
    CONSTRAINT payments_merchant_idempotency_key UNIQUE (merchant_id, idempotency_key)
);

-- Status events already applied, by event id: a redelivered event is claimed once only.
CREATE TABLE status_inbox (
    event_id    text        PRIMARY KEY,
    payment_id  text        NOT NULL,
    status      text        NOT NULL,
    received_at timestamptz NOT NULL
);

CREATE INDEX status_inbox_received_at ON status_inbox (received_at);
