-- Saved CSV mappings: how one bank's CSV export is read. A file is matched to a mapping by
-- its header row; the definition is the JSON of cashline_bankfile::csv_mapping::CsvMapping.
CREATE TABLE csv_mapping (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    header TEXT NOT NULL,
    definition_json TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
