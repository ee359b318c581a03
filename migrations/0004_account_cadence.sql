-- How often each account is expected to report, so positions can say when they are stale.
-- `daily`: an end-of-day statement for each business day, due by `statement_due_time_utc`
-- (HH:MM) of the next business day. `intraday`: a balance at least every `intraday_hours`.
ALTER TABLE account ADD COLUMN cadence TEXT NOT NULL DEFAULT 'daily'
    CHECK (cadence IN ('daily', 'intraday'));
ALTER TABLE account ADD COLUMN statement_due_time_utc TEXT NOT NULL DEFAULT '09:00';
ALTER TABLE account ADD COLUMN intraday_hours INTEGER CHECK (intraday_hours IS NULL OR intraday_hours > 0);

-- The day an exception is about, where it is about one (a statement not received that day).
ALTER TABLE exception_case ADD COLUMN about_date TEXT;
CREATE INDEX exception_by_account_kind ON exception_case (account_id, kind, state);
