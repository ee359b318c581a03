-- The payment lifecycle: runs a payment came in with, and every event of its life with the
-- bank's own words (ISO status, reason code, the status's time), including the moves the
-- state machine refused, which are recorded but not applied.

-- A payment run as it came in: a CSV from the ERP, a pain.001 the ERP wrote for a bank portal.
CREATE TABLE payment_run (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL CHECK (source IN ('csv', 'pain.001', 'erp')),
    name TEXT NOT NULL,
    -- A pain.001's GrpHdr/MsgId: status reports name it as their original message.
    message_id TEXT,
    source_file_id INTEGER REFERENCES source_file (id),
    correlation_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);

ALTER TABLE payment ADD COLUMN run_id INTEGER REFERENCES payment_run (id);
-- A pain.001's PmtInf/PmtInfId the payment came in with (or was exported under).
ALTER TABLE payment ADD COLUMN payment_info_id TEXT;
-- The bank's time (CreDtTm) of the status the payment holds: an older report does not move
-- it back.
ALTER TABLE payment ADD COLUMN status_at TEXT;
CREATE INDEX payment_by_run ON payment (run_id);
CREATE INDEX payment_by_end_to_end ON payment (end_to_end_id);

-- The runs of the payments imported before runs were kept: one per import.
INSERT INTO payment_run (source, name, correlation_id, created_at, imported_by)
SELECT 'csv', substr(correlation_id, 18), correlation_id, MIN(occurred_at), MIN(recorded_by)
  FROM payment_event WHERE state = 'imported' GROUP BY correlation_id;
UPDATE payment SET run_id = (
    SELECT r.id FROM payment_run r
      JOIN payment_event e ON e.correlation_id = r.correlation_id AND e.state = 'imported'
     WHERE e.payment_id = payment.id
     LIMIT 1
);

-- `payment_event` rebuilt with closed vocabularies (CHECKs cannot be added to a column).
CREATE TABLE payment_event_new (
    id INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL REFERENCES payment (id),
    from_state TEXT CHECK (from_state IS NULL OR from_state IN (
        'imported', 'validated', 'approved', 'sent', 'acknowledged', 'accepted', 'settled',
        'rejected', 'returned', 'cancelled'
    )),
    state TEXT NOT NULL CHECK (state IN (
        'imported', 'validated', 'approved', 'sent', 'acknowledged', 'accepted', 'settled',
        'rejected', 'returned', 'cancelled'
    )),
    -- 0: the move was asked for and refused (by the state machine, or as older than the
    -- status held); `refusal` says why.
    applied INTEGER NOT NULL DEFAULT 1 CHECK (applied IN (0, 1)),
    refusal TEXT,
    iso_status TEXT CHECK (iso_status IS NULL OR iso_status IN (
        'RCVD', 'ACTC', 'ACCP', 'ACFC', 'ACSP', 'ACWC', 'ACWP', 'ACCR', 'ACSC', 'ACCC', 'PDNG',
        'PART', 'PATC', 'PRES', 'BLCK', 'RJCT', 'CANC'
    )),
    reason_code TEXT,
    reason_text TEXT,
    status_at TEXT,
    occurred_at TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN (
        'user', 'csv', 'pain.001', 'export', 'pain.002', 'camt.054', 'statement',
        'reconciliation', 'psd2', 'erp'
    )),
    source_file_id INTEGER REFERENCES source_file (id),
    correlation_id TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    CHECK (applied = 1 OR refusal IS NOT NULL)
);
INSERT INTO payment_event_new (id, payment_id, state, reason_code, reason_text, occurred_at,
                               source, correlation_id, recorded_by)
SELECT id, payment_id, state, reason_code, reason_text, occurred_at,
       CASE source WHEN 'import' THEN 'csv' ELSE source END, correlation_id, recorded_by
  FROM payment_event;
UPDATE payment_event_new SET from_state = (
    SELECT p.state FROM payment_event_new p
     WHERE p.payment_id = payment_event_new.payment_id AND p.id < payment_event_new.id
     ORDER BY p.id DESC LIMIT 1
);
DROP TABLE payment_event;
ALTER TABLE payment_event_new RENAME TO payment_event;
CREATE INDEX payment_event_by_payment ON payment_event (payment_id, id);

-- What validation found wrong with a payment on its way in: it stays `imported`, and cannot
-- be approved, until each is put right (a fixed file, an account Cashline learns of).
CREATE TABLE payment_issue (
    id INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL REFERENCES payment (id),
    field TEXT NOT NULL,
    reason TEXT NOT NULL,
    found_at TEXT NOT NULL
);
CREATE INDEX payment_issue_by_payment ON payment_issue (payment_id);

-- Each approval of a payment: above its currency's limit two different people must approve.
CREATE TABLE payment_approval (
    payment_id INTEGER NOT NULL REFERENCES payment (id),
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    PRIMARY KEY (payment_id, approved_by)
);

-- Per currency, the amount above which a payment needs two approvers (none until set).
CREATE TABLE approval_limit (
    currency TEXT PRIMARY KEY CHECK (length(currency) = 3),
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);

-- The latest time of day (local to the bank, `HH:MM` in `time_zone`) a payment must be
-- approved to be executed on its requested date, per bank (by BIC) and currency.
CREATE TABLE cutoff (
    bank_bic TEXT NOT NULL,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    cutoff_time TEXT NOT NULL CHECK (cutoff_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    time_zone TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL,
    PRIMARY KEY (bank_bic, currency)
);

-- The payment an exception is about (a duplicate, a missed cut-off, a rejection).
ALTER TABLE exception_case ADD COLUMN payment_id INTEGER REFERENCES payment (id);
CREATE INDEX exception_by_payment ON exception_case (payment_id, kind, state);

-- A pain.001 Cashline wrote for the bank. Its exact bytes are kept, so a re-export for a lost
-- upload is byte-identical, and an export interrupted between its commit and its file is
-- finished by the next one rather than made again. `written_at` is set once the file is in
-- place under its final name.
CREATE TABLE payment_export (
    id INTEGER PRIMARY KEY,
    format TEXT NOT NULL CHECK (format IN ('pain.001.001.03', 'pain.001.001.09')),
    message_id TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    document BLOB NOT NULL,
    digest_sha256 TEXT NOT NULL,
    payments INTEGER NOT NULL CHECK (payments > 0),
    control_sum_minor INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    written_at TEXT
);
ALTER TABLE payment ADD COLUMN export_id INTEGER REFERENCES payment_export (id);
CREATE INDEX payment_by_export ON payment (export_id);
