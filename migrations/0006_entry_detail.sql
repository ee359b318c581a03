-- The transactions a bank reports inside one entry (camt `NtryDtls/TxDtls`): one for a single
-- transfer, several for a batch booked as one total (a supplier or salary run, collected
-- direct debits), so that each transaction's end-to-end id, reference, amount and counterparty
-- survive the import. `position` counts from 1 in file order.
--
-- Written with the entries, in the same transaction, only for entries new to the ledger. The
-- unique key is also the index every read goes through (details of a set of entries); no
-- index is added to `entry`, whose inserts the import spends its time on.
--
-- `amount_minor` and `currency` are null together when the bank states no amount for the
-- transaction; the currency is the transaction's own (banks state it in the account's).
CREATE TABLE entry_detail (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entry (id),
    position INTEGER NOT NULL CHECK (position >= 1),
    amount_minor INTEGER,
    currency TEXT CHECK (currency IS NULL OR length(currency) = 3),
    end_to_end_id TEXT,
    instruction_id TEXT,
    bank_ref TEXT,
    mandate_id TEXT,
    counterparty_name TEXT,
    counterparty_iban TEXT,
    remittance TEXT,
    creditor_reference TEXT,
    return_reason TEXT,
    CHECK ((amount_minor IS NULL) = (currency IS NULL)),
    UNIQUE (entry_id, position)
);
