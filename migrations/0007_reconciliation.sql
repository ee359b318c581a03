-- Reconciliation: rules a controller can read and reorder, what a run has looked at, what it
-- learnt from confirmations and rejections, and an exception queue a person can work.

-- The rules, in the order they are tried. `kind` is one of the engine's built-in rules or
-- `custom` (criteria in `params_json`); `params_json` holds a rule's settings (windows,
-- tolerances, patterns), read and checked by `engine::recon::rule`.
CREATE TABLE recon_rule (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN (
        'end_to_end_id', 'creditor_reference', 'invoice_number', 'iban_amount_date',
        'amount_tolerance', 'several_items', 'batch', 'custom'
    )),
    position INTEGER NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    params_json TEXT NOT NULL DEFAULT '{}',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

INSERT INTO recon_rule (name, kind, position, params_json, created_by, created_at) VALUES
    ('end_to_end_id', 'end_to_end_id', 1, '{}', 'cashline', '2026-12-03T00:00:00Z'),
    ('creditor_reference', 'creditor_reference', 2, '{}', 'cashline', '2026-12-03T00:00:00Z'),
    ('invoice_number', 'invoice_number', 3, '{}', 'cashline', '2026-12-03T00:00:00Z'),
    ('iban_amount_date', 'iban_amount_date', 4, '{}', 'cashline', '2026-12-03T00:00:00Z'),
    ('amount_tolerance', 'amount_tolerance', 5, '{}', 'cashline', '2026-12-03T00:00:00Z'),
    ('several_items', 'several_items', 6, '{}', 'cashline', '2026-12-03T00:00:00Z'),
    ('batch', 'batch', 7, '{}', 'cashline', '2026-12-03T00:00:00Z');

-- One row per run (dry runs write nothing, so none here). `entry_id_through` is the highest
-- entry id the run looked at: the next run reads entries above it and the open ones below it
-- (`recon_open_entry`), never the whole history.
CREATE TABLE recon_run (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    run_by TEXT NOT NULL,
    entry_id_through INTEGER NOT NULL,
    entries_examined INTEGER NOT NULL,
    auto_count INTEGER NOT NULL,
    suggested_count INTEGER NOT NULL
);

-- Booked or pending entries a run has looked at and that no live match explains yet.
CREATE TABLE recon_open_entry (
    entry_id INTEGER PRIMARY KEY REFERENCES entry (id),
    first_seen_at TEXT NOT NULL
);

-- Learnt from a confirmation: this name or IBAN, as the bank writes it, is this ERP party.
CREATE TABLE recon_alias (
    id INTEGER PRIMARY KEY,
    alias_kind TEXT NOT NULL CHECK (alias_kind IN ('name', 'iban')),
    alias TEXT NOT NULL,
    party TEXT NOT NULL,
    learnt_from_match_id INTEGER REFERENCES recon_match (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (alias_kind, alias, party)
);

-- Learnt from a rejection: this entry is not settled by this item or payment.
CREATE TABLE recon_negative (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entry (id),
    open_item_id INTEGER REFERENCES open_item (id),
    payment_id INTEGER REFERENCES payment (id),
    learnt_from_match_id INTEGER REFERENCES recon_match (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK ((open_item_id IS NULL) <> (payment_id IS NULL))
);
CREATE INDEX recon_negative_by_entry ON recon_negative (entry_id);

-- A match on a pending entry is tentative until the entry books; the difference has a name
-- (`fee`, `short_payment`, `over_payment`, …); `run_id` says which run made an automatic one.
ALTER TABLE recon_match ADD COLUMN tentative INTEGER NOT NULL DEFAULT 0 CHECK (tentative IN (0, 1));
ALTER TABLE recon_match ADD COLUMN difference_kind TEXT;
ALTER TABLE recon_match ADD COLUMN run_id INTEGER REFERENCES recon_run (id);
CREATE INDEX recon_match_by_state ON recon_match (state);
CREATE INDEX recon_match_entry_by_entry ON recon_match_entry (entry_id);
-- The part of an item's amount this match settles (all of it unless an instalment).
ALTER TABLE recon_match_item ADD COLUMN settled_minor INTEGER NOT NULL DEFAULT 0;
CREATE INDEX recon_match_item_by_item ON recon_match_item (open_item_id);
CREATE INDEX recon_match_item_by_payment ON recon_match_item (payment_id);

-- How much of an item live matches settle; the rest is still expected (forecast).
ALTER TABLE open_item ADD COLUMN settled_minor INTEGER NOT NULL DEFAULT 0;
-- The entry that settled a payment, for the payment lifecycle.
ALTER TABLE payment ADD COLUMN settled_by_entry_id INTEGER REFERENCES entry (id);

-- Days an entry may stay unmatched before it is an exception, per account (else the setting).
ALTER TABLE account ADD COLUMN unmatched_grace_days INTEGER
    CHECK (unmatched_grace_days IS NULL OR unmatched_grace_days BETWEEN 0 AND 365);

-- The exception queue: new kinds and the written-off end, a resolution, an amount and the
-- subject's keys. SQLite cannot change a CHECK in place, so both tables are rebuilt (notes
-- first, which refer to the cases) and renamed back; renaming rewrites the references.
CREATE TABLE exception_case_v7 (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN (
        'balance_mismatch', 'duplicate', 'unmatched_entry', 'unmatched_item', 'difference',
        'payment_rejected', 'payment_duplicate', 'cutoff_missed', 'stale_balance', 'sync_failed',
        'sequence_gap', 'missing_days', 'data_not_received'
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
    resolution TEXT
);
INSERT INTO exception_case_v7 (id, kind, subject, detail, account_id, statement_id, owner, state,
                               opened_at, closed_at, about_date)
    SELECT id, kind, subject, detail, account_id, statement_id, owner,
           CASE state WHEN 'dismissed' THEN 'written_off' ELSE state END,
           opened_at, closed_at, about_date
      FROM exception_case;

CREATE TABLE exception_note_v7 (
    id INTEGER PRIMARY KEY,
    exception_id INTEGER NOT NULL REFERENCES exception_case_v7 (id),
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    written_at TEXT NOT NULL
);
INSERT INTO exception_note_v7 (id, exception_id, author, body, written_at)
    SELECT id, exception_id, author, body, written_at FROM exception_note;

DROP TABLE exception_note;
DROP TABLE exception_case;
ALTER TABLE exception_case_v7 RENAME TO exception_case;
ALTER TABLE exception_note_v7 RENAME TO exception_note;
CREATE INDEX exception_by_state ON exception_case (state, kind);
CREATE INDEX exception_by_account_kind ON exception_case (account_id, kind, state);
CREATE INDEX exception_by_entry ON exception_case (entry_id);
CREATE INDEX exception_by_item ON exception_case (open_item_id);
CREATE INDEX exception_note_by_case ON exception_note (exception_id);

-- What happened to a case, in order: opened, assigned, commented, moved, resolved.
CREATE TABLE exception_event (
    id INTEGER PRIMARY KEY,
    exception_id INTEGER NOT NULL REFERENCES exception_case (id),
    action TEXT NOT NULL CHECK (action IN ('opened', 'assigned', 'commented', 'state', 'resolved', 'reopened')),
    detail TEXT,
    actor TEXT NOT NULL,
    occurred_at TEXT NOT NULL
);
CREATE INDEX exception_event_by_case ON exception_event (exception_id, id);
