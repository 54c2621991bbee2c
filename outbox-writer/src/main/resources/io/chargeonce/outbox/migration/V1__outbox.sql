-- The transactional outbox. Rows are inserted and deleted in the same transaction: the table
-- stays empty and the write-ahead log keeps the insert, which is what the relay reads. Column
-- names are the ones Debezium's outbox EventRouter expects by default.
CREATE TABLE outbox (
    id            uuid        PRIMARY KEY,
    aggregatetype text        NOT NULL CHECK (aggregatetype <> ''),
    aggregateid   text        NOT NULL CHECK (aggregateid <> ''),
    type          text        NOT NULL CHECK (type <> ''),
    payload       bytea       NOT NULL,
    traceparent   text        NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE outbox IS
    'Transactional outbox: rows are deleted in the transaction that inserts them; the relay reads the inserts from the WAL.';
