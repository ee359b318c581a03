-- The position rolled forward from the last close says when its newest entry arrived
-- (MAX(created_at) of the day's booked entries). Without created_at in the covering index
-- that read fetched each entry's row: 8.5 ms of a 12.5 ms positions query at 10 million
-- entries (BENCHMARKS.md). With it the query reads the index alone.
DROP INDEX entry_by_account_date;
CREATE INDEX entry_by_account_date ON entry (account_id, booking_date, status, amount_minor, created_at);
