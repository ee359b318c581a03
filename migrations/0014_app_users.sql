-- Users and roles (issue 13): who may do what in this ledger. The first person to open a
-- ledger becomes its admin (see `user::bootstrap`); an admin adds the others. A user is
-- disabled, never deleted, so the audit log's names keep meaning someone.
CREATE TABLE app_user (
    name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
    role TEXT NOT NULL CHECK (role IN ('viewer', 'preparer', 'approver', 'controller', 'admin')),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    disabled_at TEXT
);
