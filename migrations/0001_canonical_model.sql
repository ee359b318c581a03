-- Cashline's canonical model: every table of the design brief, so later features add columns
-- and rows, not walls.
--
-- Conventions (see ARCHITECTURE.md, "Storage"):
-- * Money is an INTEGER count of the currency's minor units (`amount_minor`) beside a
--   three-letter ISO 4217 `currency`. Never REAL.
-- * Rates and probabilities are canonical decimal TEXT (`rate_text`).
-- * Instants are TEXT in RFC 3339 UTC (`…_at`); business dates are TEXT `YYYY-MM-DD` (`…_date`).
-- * Portable SQL: only types and constraints PostgreSQL reads the same way. The one SQLite
--   idiom is `INTEGER PRIMARY KEY` (the rowid alias); the PostgreSQL migrations will spell it
--   `BIGINT GENERATED ALWAYS AS IDENTITY`.

CREATE TABLE entity (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    country TEXT,
    reporting_currency TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE bank (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    bic TEXT UNIQUE,
    country TEXT,
    created_at TEXT NOT NULL
);

-- A channel to a bank or an ERP. Secrets are never stored here: `secret_ref` names an entry in
-- the OS keychain.
CREATE TABLE connection (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('file', 'psd2', 'tryton', 'erp_csv')),
    parameters_json TEXT NOT NULL DEFAULT '{}',
    secret_ref TEXT,
    cadence_minutes INTEGER CHECK (cadence_minutes IS NULL OR cadence_minutes > 0),
    created_at TEXT NOT NULL
);

-- One account per key and currency: a multi-currency account is several rows.
CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    account_key TEXT NOT NULL,
    iban TEXT,
    bic TEXT,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    name TEXT,
    purpose TEXT,
    entity_id INTEGER REFERENCES entity (id),
    bank_id INTEGER REFERENCES bank (id),
    connection_id INTEGER REFERENCES connection (id),
    created_at TEXT NOT NULL,
    UNIQUE (account_key, currency)
);

-- Every file ever imported, by content digest: the first guard of idempotency.
CREATE TABLE source_file (
    id INTEGER PRIMARY KEY,
    digest_sha256 TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
    statements_count INTEGER NOT NULL DEFAULT 0,
    entries_count INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);

CREATE TABLE statement (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id),
    source_file_id INTEGER NOT NULL REFERENCES source_file (id),
    kind TEXT NOT NULL CHECK (kind IN ('end_of_day', 'intraday', 'notification')),
    format TEXT NOT NULL,
    message_id TEXT NOT NULL,
    statement_ref TEXT NOT NULL,
    sequence_number TEXT,
    page_number INTEGER,
    created_at_bank TEXT,
    period_from_at TEXT,
    period_to_at TEXT,
    -- The statement's identity (account, statement id, sequence, page) as one key, so the same
    -- statement re-sent in another message or file is recognised.
    identity_key TEXT NOT NULL UNIQUE,
    imported_at TEXT NOT NULL
);
CREATE INDEX statement_by_account ON statement (account_id, period_to_at);

CREATE TABLE balance (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id),
    statement_id INTEGER REFERENCES statement (id),
    balance_type TEXT NOT NULL CHECK (balance_type IN (
        'opening_booked', 'closing_booked', 'interim_booked', 'interim_available',
        'opening_available', 'closing_available', 'forward_available', 'information'
    )),
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    balance_date TEXT NOT NULL,
    as_of_at TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- Covers "latest balance of a type per account" without touching the table.
CREATE INDEX balance_latest ON balance (
    account_id, balance_type, balance_date, as_of_at, amount_minor, currency
);

CREATE TABLE entry (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id),
    statement_id INTEGER NOT NULL REFERENCES statement (id),
    -- Bank reference where the bank gives one, else a content fingerprint with its occurrence
    -- number, so two genuinely equal entries on one statement are both kept.
    identity_key TEXT NOT NULL,
    booking_date TEXT,
    value_date TEXT,
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    status TEXT NOT NULL CHECK (status IN ('booked', 'pending', 'info')),
    reversal INTEGER NOT NULL DEFAULT 0 CHECK (reversal IN (0, 1)),
    bank_ref TEXT,
    entry_ref TEXT,
    end_to_end_id TEXT,
    counterparty_name TEXT,
    counterparty_iban TEXT,
    remittance TEXT,
    creditor_reference TEXT,
    bank_transaction_code TEXT,
    source_element TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (account_id, identity_key)
);
-- Per-date sums and drill-downs by account read only this index.
CREATE INDEX entry_by_account_date ON entry (account_id, booking_date, status, amount_minor);
CREATE INDEX entry_by_end_to_end ON entry (end_to_end_id);

CREATE TABLE open_item (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL CHECK (source IN ('csv', 'tryton')),
    external_id TEXT NOT NULL,
    document_number TEXT,
    entity_id INTEGER REFERENCES entity (id),
    kind TEXT NOT NULL CHECK (kind IN ('receivable', 'payable')),
    counterparty_name TEXT,
    counterparty_iban TEXT,
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    due_date TEXT,
    reference TEXT,
    collection_probability_text TEXT,
    state TEXT NOT NULL CHECK (state IN ('open', 'partially_matched', 'matched', 'closed')),
    imported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (source, external_id)
);
CREATE INDEX open_item_by_due ON open_item (state, due_date);

CREATE TABLE payment (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    erp_reference TEXT,
    instruction_id TEXT UNIQUE,
    end_to_end_id TEXT NOT NULL,
    debtor_account_id INTEGER REFERENCES account (id),
    debtor_iban TEXT NOT NULL,
    creditor_name TEXT NOT NULL,
    creditor_iban TEXT NOT NULL,
    creditor_bic TEXT,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    requested_date TEXT NOT NULL,
    reference TEXT,
    state TEXT NOT NULL CHECK (state IN (
        'imported', 'validated', 'approved', 'sent', 'acknowledged', 'accepted', 'settled',
        'rejected', 'returned', 'cancelled'
    )),
    prepared_by TEXT NOT NULL,
    approved_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX payment_by_state_date ON payment (state, requested_date);

CREATE TABLE payment_event (
    id INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL REFERENCES payment (id),
    state TEXT NOT NULL,
    reason_code TEXT,
    reason_text TEXT,
    occurred_at TEXT NOT NULL,
    source TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX payment_event_by_payment ON payment_event (payment_id, occurred_at);

-- A reconciliation match links entries to open items and/or payments.
CREATE TABLE recon_match (
    id INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    confidence_text TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('auto', 'suggested', 'confirmed', 'rejected', 'undone')),
    difference_minor INTEGER NOT NULL DEFAULT 0,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    explanation_json TEXT NOT NULL DEFAULT '{}',
    decided_by TEXT,
    created_at TEXT NOT NULL,
    decided_at TEXT
);

CREATE TABLE recon_match_entry (
    match_id INTEGER NOT NULL REFERENCES recon_match (id),
    entry_id INTEGER NOT NULL REFERENCES entry (id),
    PRIMARY KEY (match_id, entry_id)
);

CREATE TABLE recon_match_item (
    match_id INTEGER NOT NULL REFERENCES recon_match (id),
    open_item_id INTEGER REFERENCES open_item (id),
    payment_id INTEGER REFERENCES payment (id),
    CHECK ((open_item_id IS NULL) <> (payment_id IS NULL))
);
CREATE INDEX recon_match_item_by_match ON recon_match_item (match_id);

-- Work for a person: data-quality problems, unmatched lines, rejected payments.
CREATE TABLE exception_case (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN (
        'balance_mismatch', 'duplicate', 'unmatched_entry', 'unmatched_item', 'payment_rejected',
        'payment_duplicate', 'cutoff_missed', 'stale_balance', 'sync_failed', 'sequence_gap', 'missing_days',
        'data_not_received'
    )),
    subject TEXT NOT NULL,
    detail TEXT,
    account_id INTEGER REFERENCES account (id),
    statement_id INTEGER REFERENCES statement (id),
    owner TEXT,
    state TEXT NOT NULL CHECK (state IN ('open', 'in_progress', 'resolved', 'dismissed')),
    opened_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX exception_by_state ON exception_case (state, kind);

CREATE TABLE exception_note (
    id INTEGER PRIMARY KEY,
    exception_id INTEGER NOT NULL REFERENCES exception_case (id),
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    written_at TEXT NOT NULL
);

CREATE TABLE fx_rate (
    id INTEGER PRIMARY KEY,
    base_currency TEXT NOT NULL CHECK (length(base_currency) = 3),
    quote_currency TEXT NOT NULL CHECK (length(quote_currency) = 3),
    rate_date TEXT NOT NULL,
    rate_text TEXT NOT NULL,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (base_currency, quote_currency, rate_date, source)
);

CREATE TABLE sync_run (
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connection (id),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('ok', 'failed')),
    accounts_count INTEGER NOT NULL DEFAULT 0,
    new_entries_count INTEGER NOT NULL DEFAULT 0,
    correlation_id TEXT NOT NULL,
    error TEXT
);

-- Append-only, hash-chained: each record's hash covers the previous record's hash, so any
-- edit or deletion breaks the chain (`cashline audit verify`).
CREATE TABLE audit_record (
    id INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail_json TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    record_hash TEXT NOT NULL UNIQUE
);
