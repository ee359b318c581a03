-- Settings of this installation (the watched inbox folder, …), as plain text values.
CREATE TABLE app_setting (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
