-- `audit verify` looks up, for each payment move, approval and decided match, the record made
-- by the same person at the same moment (issue 13): by time and actor, not by a scan.
CREATE INDEX audit_record_by_time ON audit_record (recorded_at, actor);
