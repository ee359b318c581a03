-- no-transaction
-- ERP connections (issue 12): open items and payments read from an ERP's API, what each
-- is in the ERP, how far each connection has read, and what was written back.
--
-- The exception queue gains `erp_writeback` (a confirmed match or a payment's end that could
-- not be told to the ERP). SQLite cannot change a CHECK in place: `exception_case` is
-- rebuilt as in 0009, outside sqlx's transaction with foreign keys off around its own
-- (its notes and events refer to it by name, and keep doing so after the rename).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

-- The connection an ERP item came through (NULL for CSV), and the ERP's own document number.
ALTER TABLE open_item ADD COLUMN connection_id INTEGER REFERENCES connection (id);
CREATE INDEX open_item_by_connection ON open_item (connection_id, state);

-- What one record of Cashline is in the ERP: the ERP's model and id, the date the ERP last
-- wrote it, and what write-back needs of it (the invoice, party and account it belongs to).
CREATE TABLE erp_record (
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connection (id),
    model TEXT NOT NULL CHECK (model IN ('open_item', 'payment')),
    erp_id INTEGER NOT NULL,
    open_item_id INTEGER REFERENCES open_item (id),
    payment_id INTEGER REFERENCES payment (id),
    written_at_erp TEXT,
    writeback_json TEXT NOT NULL DEFAULT '{}',
    seen_at TEXT NOT NULL,
    UNIQUE (connection_id, model, erp_id),
    CHECK ((open_item_id IS NULL) <> (payment_id IS NULL))
);
CREATE INDEX erp_record_by_item ON erp_record (open_item_id);
CREATE INDEX erp_record_by_payment ON erp_record (payment_id);

-- How far a connection has read, per kind of record: the ERP's own write date of the newest
-- record read, so the next sync asks for what changed since, on the ERP's clock.
CREATE TABLE erp_cursor (
    connection_id INTEGER NOT NULL REFERENCES connection (id),
    model TEXT NOT NULL CHECK (model IN ('open_item', 'payment')),
    written_since TEXT NOT NULL,
    PRIMARY KEY (connection_id, model)
);

-- One thing to tell the ERP, at most once: a payment's end, or a confirmed match. The
-- subject is its identity (`payment:<id>:<state>`, `match:<id>`); retrying a failed one
-- reuses the row, and the ERP's reference of what was written is kept.
CREATE TABLE erp_writeback (
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connection (id),
    subject TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('payment_status', 'match')),
    payment_id INTEGER REFERENCES payment (id),
    match_id INTEGER REFERENCES recon_match (id),
    -- `reverted`: written, then undone in Cashline; the case it opened tells a person to
    -- take it back in the ERP too.
    state TEXT NOT NULL CHECK (state IN ('done', 'failed', 'refused', 'reverted')),
    erp_reference TEXT,
    attempts INTEGER NOT NULL DEFAULT 1 CHECK (attempts >= 1),
    error TEXT,
    first_tried_at TEXT NOT NULL,
    last_tried_at TEXT NOT NULL,
    UNIQUE (connection_id, subject)
);

-- What a run of an ERP connection read and wrote, beside the bank runs' counts.
ALTER TABLE sync_run ADD COLUMN erp_counts_json TEXT;

CREATE TABLE exception_case_v11 (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN (
        'balance_mismatch', 'duplicate', 'unmatched_entry', 'unmatched_item', 'difference',
        'payment_rejected', 'payment_duplicate', 'cutoff_missed', 'stale_balance', 'sync_failed',
        'sequence_gap', 'missing_days', 'data_not_received', 'erp_writeback'
    )),
    subject TEXT NOT NULL,
    detail TEXT,
    account_id INTEGER REFERENCES account (id),
    statement_id INTEGER REFERENCES statement (id),
    owner TEXT,
    state TEXT NOT NULL CHECK (state IN ('open', 'in_progress', 'resolved', 'written_off')),
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    about_date TEXT,
    entry_id INTEGER REFERENCES entry (id),
    open_item_id INTEGER REFERENCES open_item (id),
    match_id INTEGER REFERENCES recon_match (id),
    amount_minor INTEGER,
    currency TEXT CHECK (currency IS NULL OR length(currency) = 3),
    resolution TEXT,
    payment_id INTEGER REFERENCES payment (id)
);
INSERT INTO exception_case_v11 (id, kind, subject, detail, account_id, statement_id, owner,
                                state, opened_at, closed_at, about_date, entry_id, open_item_id,
                                match_id, amount_minor, currency, resolution, payment_id)
    SELECT id, kind, subject, detail, account_id, statement_id, owner, state, opened_at,
           closed_at, about_date, entry_id, open_item_id, match_id, amount_minor, currency,
           resolution, payment_id
      FROM exception_case;
DROP TABLE exception_case;
ALTER TABLE exception_case_v11 RENAME TO exception_case;
CREATE INDEX exception_by_state ON exception_case (state, kind);
CREATE INDEX exception_by_account_kind ON exception_case (account_id, kind, state);
CREATE INDEX exception_by_entry ON exception_case (entry_id);
CREATE INDEX exception_by_item ON exception_case (open_item_id);
CREATE INDEX exception_by_payment ON exception_case (payment_id, kind, state);

COMMIT;
PRAGMA foreign_keys = ON;
