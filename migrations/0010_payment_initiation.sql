-- A payment sent through a bank's API. The row is written before the call, with the request
-- id the bank will know it by, and again after it with the bank's answer. One row per
-- payment, ever, and one request id: a payment whose outcome is unknown (a timeout, a lost
-- answer, a crash) is presented again under the same request id, which a bank's idempotency
-- answers with the payment it already holds; it is never sent as a new one.
CREATE TABLE payment_initiation (
    id INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL UNIQUE REFERENCES payment (id),
    connection_id INTEGER NOT NULL REFERENCES connection (id),
    request_id TEXT NOT NULL UNIQUE,
    -- unknown: asked, no answer yet; answered: the bank holds it as bank_payment_id;
    -- refused: the bank said no before taking it (a 4xx), so it may be presented again.
    outcome TEXT NOT NULL CHECK (outcome IN ('unknown', 'answered', 'refused')),
    bank_payment_id TEXT,
    attempts INTEGER NOT NULL CHECK (attempts >= 1),
    last_error TEXT,
    started_at TEXT NOT NULL,
    answered_at TEXT,
    CHECK ((outcome = 'answered') = (bank_payment_id IS NOT NULL))
);
CREATE INDEX payment_initiation_by_connection ON payment_initiation (connection_id, outcome);
