-- The ledger's identity (issue 13): the audit chain's anchor, kept outside the ledger in the
-- keychain, is filed under it, so a copy of this ledger (an older one put back in its place)
-- is checked against the same anchor, and another ledger never is.
INSERT OR IGNORE INTO app_setting (name, value, updated_by, updated_at)
    VALUES ('ledger.id', lower(hex(randomblob(16))), 'cashline', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
