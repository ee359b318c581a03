-- CSV mappings for what other ERPs export (issue 12): a saved mapping now reads either a
-- bank's statement export, or an ERP's open items or payment run in its own layout
-- (cashline_erp::mapping::ErpCsvMapping). Existing mappings are statement mappings.
ALTER TABLE csv_mapping ADD COLUMN records TEXT NOT NULL DEFAULT 'statements'
    CHECK (records IN ('statements', 'open_items', 'payments'));
