-- no-transaction
-- Bank API connections (issue 11): statements that come from an API page rather than a file,
-- the consent a connection works under, the bank's resource id of each account it reaches,
-- and each run's pages.
--
-- `statement.source_file_id` was NOT NULL, and SQLite cannot relax that in place: the table
-- is rebuilt. Entries, balances and exceptions refer to `statement`, and dropping a table they
-- refer to with foreign keys on would delete-check every row, so this one migration runs
-- outside sqlx's transaction, turns foreign keys off around its own transaction (the pragma
-- is a no-op inside one) and on again; the rows are copied unchanged, so no reference breaks.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

-- A connection removed by its user stays, for the runs and pages that name it, but is no longer
-- synced or listed; its name is freed for a new connection (`connection::remove`).
ALTER TABLE connection ADD COLUMN removed_at TEXT;

-- One run of a connection: now also who asked for it (the schedule or a person, which the
-- bank counts apart) and where it stands while running.
ALTER TABLE sync_run ADD COLUMN trigger TEXT NOT NULL DEFAULT 'scheduled'
    CHECK (trigger IN ('scheduled', 'user'));
ALTER TABLE sync_run ADD COLUMN pages_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_run ADD COLUMN balances_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_run ADD COLUMN retries_count INTEGER NOT NULL DEFAULT 0;
CREATE INDEX sync_run_by_connection ON sync_run (connection_id, started_at);

-- One answer of the bank's API that was written: its request id (the bank's log has the same),
-- what it was, and the digest of its body, so a page replayed is recognised as a file is.
CREATE TABLE sync_page (
    id INTEGER PRIMARY KEY,
    sync_run_id INTEGER NOT NULL REFERENCES sync_run (id),
    connection_id INTEGER NOT NULL REFERENCES connection (id),
    account_id INTEGER NOT NULL REFERENCES account (id),
    resource TEXT NOT NULL CHECK (resource IN ('balances', 'transactions')),
    request_id TEXT NOT NULL,
    page INTEGER NOT NULL CHECK (page >= 1),
    body_sha256 TEXT NOT NULL,
    -- Sent without PSU-IP-Address: counted against the consent's daily budget.
    unattended INTEGER NOT NULL CHECK (unattended IN (0, 1)),
    received_at TEXT NOT NULL
);
CREATE INDEX sync_page_by_account_day ON sync_page (connection_id, account_id, received_at);

-- The consent a connection reads accounts under; the newest row is the one in force.
CREATE TABLE bank_consent (
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connection (id),
    consent_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN (
        'received', 'valid', 'rejected', 'expired', 'revokedByPsu', 'terminatedByTpp',
        'partiallyAuthorised'
    )),
    valid_until TEXT NOT NULL,
    frequency_per_day INTEGER NOT NULL CHECK (frequency_per_day BETWEEN 1 AND 100),
    recurring INTEGER NOT NULL CHECK (recurring IN (0, 1)),
    sca_redirect TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (connection_id, consent_id)
);

-- Which of the ledger's accounts a connection reaches, under which resource id of the bank.
-- Accounts are mapped by IBAN and currency; the resource id is only how to ask for them, and
-- changes when a bank re-issues them on reconnect.
CREATE TABLE connection_account (
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connection (id),
    account_id INTEGER NOT NULL REFERENCES account (id),
    resource_id TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    UNIQUE (connection_id, account_id)
);

CREATE TABLE statement_v9 (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id),
    source_file_id INTEGER REFERENCES source_file (id),
    sync_page_id INTEGER REFERENCES sync_page (id),
    kind TEXT NOT NULL CHECK (kind IN ('end_of_day', 'intraday', 'notification')),
    format TEXT NOT NULL,
    message_id TEXT NOT NULL,
    statement_ref TEXT NOT NULL,
    sequence_number TEXT,
    page_number INTEGER,
    created_at_bank TEXT,
    period_from_at TEXT,
    period_to_at TEXT,
    identity_key TEXT NOT NULL UNIQUE,
    imported_at TEXT NOT NULL,
    -- Every statement came from exactly one place: a file, or a page of a bank's API.
    CHECK ((source_file_id IS NULL) <> (sync_page_id IS NULL))
);
INSERT INTO statement_v9 (id, account_id, source_file_id, sync_page_id, kind, format, message_id,
                          statement_ref, sequence_number, page_number, created_at_bank,
                          period_from_at, period_to_at, identity_key, imported_at)
    SELECT id, account_id, source_file_id, NULL, kind, format, message_id, statement_ref,
           sequence_number, page_number, created_at_bank, period_from_at, period_to_at,
           identity_key, imported_at
      FROM statement;
DROP TABLE statement;
ALTER TABLE statement_v9 RENAME TO statement;
CREATE INDEX statement_by_account ON statement (account_id, period_to_at);
CREATE INDEX statement_by_source_file ON statement (source_file_id);

COMMIT;
PRAGMA foreign_keys = ON;
