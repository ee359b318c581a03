//! Open items and payment runs exported by any other ERP, in its own layout, read through a
//! mapping saved once per export: which of its columns holds each field of `CLI.md`'s layout,
//! how it writes dates and numbers, what it calls receivables and payables, and the values it
//! leaves out (one currency for the whole file). A file is recognised by its header row, as
//! the statement CSV mappings recognise a bank's export.
//!
//! The file is translated, row by row, into the canonical layout and read by the one parser of
//! that layout (`open_items::parse`, `payments::parse`), so a mapped file is held to the same
//! rules; an error names the file's own line and column.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::open_items::OpenItem;
use crate::payments::PaymentInstruction;
use crate::{ErpError, ERP_FILE_BYTES_MAX};

/// Longest mapping name, in characters.
pub const MAPPING_NAME_CHARS_MAX: usize = 64;
/// Longest header row, in characters.
pub const HEADER_CHARS_MAX: usize = 16 * 1024;
/// Most rows above the header (a title, an export date).
pub const SKIP_ROWS_MAX: usize = 1_000;
/// Longest fixed value or value name, in characters.
pub const VALUE_CHARS_MAX: usize = 256;

/// The open items layout's columns: those every file has, and the optional entity and
/// probability of collection.
const OPEN_ITEM_FIELDS: &[&str] = &[
    "id",
    "kind",
    "counterparty",
    "counterparty_iban",
    "amount",
    "currency",
    "due_date",
    "reference",
    "entity",
    "probability",
];

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Records {
    OpenItems,
    Payments,
}

impl Records {
    pub fn as_str(&self) -> &'static str {
        match self {
            Records::OpenItems => "open_items",
            Records::Payments => "payments",
        }
    }

    /// The fields of `CLI.md`'s layout, as its header names them.
    pub fn fields(&self) -> &'static [&'static str] {
        match self {
            Records::OpenItems => OPEN_ITEM_FIELDS,
            Records::Payments => crate::payments::COLUMNS,
        }
    }

    fn amounts(&self) -> &'static [&'static str] {
        &["amount"]
    }

    fn dates(&self) -> &'static [&'static str] {
        match self {
            Records::OpenItems => &["due_date"],
            Records::Payments => &["requested_date"],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErpCsvMapping {
    pub name: String,
    pub records: Records,
    /// The header row it was made from, fields joined by the delimiter.
    pub header: String,
    #[serde(default = "default_delimiter")]
    pub delimiter: char,
    #[serde(default)]
    pub skip_rows: usize,
    /// Each field of the canonical layout and the column of this export that holds it.
    pub columns: BTreeMap<String, String>,
    /// Fields this export leaves out, with the value every row has (`currency`: `EUR`).
    #[serde(default)]
    pub fixed: BTreeMap<String, String>,
    /// What this export writes in the kind column, and which kind each means
    /// (`{"D": "receivable", "K": "payable"}`). Without it the column holds the kinds.
    #[serde(default)]
    pub kinds: BTreeMap<String, String>,
    /// A chrono format such as `%d.%m.%Y`.
    #[serde(default = "default_date_format")]
    pub date_format: String,
    #[serde(default = "default_decimal_separator")]
    pub decimal_separator: char,
    #[serde(default)]
    pub thousands_separator: Option<char>,
}

fn default_delimiter() -> char {
    ','
}

fn default_date_format() -> String {
    "%Y-%m-%d".into()
}

fn default_decimal_separator() -> char {
    '.'
}

fn header_columns(header: &str, delimiter: char) -> Vec<String> {
    header
        .split(delimiter)
        .map(|c| c.trim().trim_matches('"').trim().to_string())
        .collect()
}

impl ErpCsvMapping {
    /// Checks the mapping against its own header and the canonical layout, naming the field
    /// at fault: a mapping is saved once and read on every import.
    pub fn validate(&self) -> Result<(), String> {
        let name_chars = self.name.chars().count();
        if self.name.trim().is_empty() || name_chars > MAPPING_NAME_CHARS_MAX {
            return Err(format!(
                "name has {name_chars} characters; a mapping name has 1 to {MAPPING_NAME_CHARS_MAX}"
            ));
        }
        if self.name.chars().any(char::is_control) {
            return Err("name has control characters".into());
        }
        if self.header.chars().count() > HEADER_CHARS_MAX {
            return Err(format!(
                "header is longer than {HEADER_CHARS_MAX} characters"
            ));
        }
        if self.skip_rows > SKIP_ROWS_MAX {
            return Err(format!(
                "skip_rows is {}; at most {SKIP_ROWS_MAX}",
                self.skip_rows
            ));
        }
        if self.delimiter == '"' || self.delimiter.is_alphanumeric() {
            return Err(format!(
                "delimiter '{}' cannot separate CSV fields",
                self.delimiter
            ));
        }
        if self.thousands_separator == Some(self.decimal_separator) {
            return Err("the thousands and decimal separators must differ".into());
        }
        if chrono::format::StrftimeItems::new(&self.date_format)
            .any(|item| matches!(item, chrono::format::Item::Error))
        {
            return Err(format!(
                "date_format '{}' is not a valid chrono format",
                self.date_format
            ));
        }
        let header = header_columns(&self.header, self.delimiter);
        let fields = self.records.fields();
        for (field, column) in &self.columns {
            if !fields.contains(&field.as_str()) {
                return Err(format!(
                    "columns: '{field}' is not a field of {} ({})",
                    self.records.as_str(),
                    fields.join(", ")
                ));
            }
            if !header.iter().any(|c| c == column) {
                return Err(format!(
                    "columns: {field} '{column}' is not a column of the header ({})",
                    header.join(", ")
                ));
            }
        }
        for (field, value) in &self.fixed {
            if !fields.contains(&field.as_str()) {
                return Err(format!(
                    "fixed: '{field}' is not a field of {}",
                    self.records.as_str()
                ));
            }
            if self.columns.contains_key(field) {
                return Err(format!("{field} is given both a column and a fixed value"));
            }
            if value.chars().count() > VALUE_CHARS_MAX || value.chars().any(char::is_control) {
                return Err(format!("fixed: the value of {field} is not a plain value"));
            }
        }
        for (written, kind) in &self.kinds {
            if kind != "receivable" && kind != "payable" {
                return Err(format!(
                    "kinds: '{written}' must mean receivable or payable, not '{kind}'"
                ));
            }
            if written.chars().count() > VALUE_CHARS_MAX {
                return Err("kinds: a value is too long".into());
            }
        }
        if !self.kinds.is_empty() && self.records != Records::OpenItems {
            return Err("kinds are for open items".into());
        }
        let required: &[&str] = match self.records {
            Records::OpenItems => &["id", "kind", "amount", "currency"],
            Records::Payments => &[
                "id",
                "end_to_end_id",
                "debtor_iban",
                "creditor_name",
                "creditor_iban",
                "amount",
                "currency",
                "requested_date",
            ],
        };
        for field in required {
            if !self.columns.contains_key(*field) && !self.fixed.contains_key(*field) {
                return Err(format!(
                    "{field} needs a column or a fixed value: every {} row has one",
                    self.records.as_str()
                ));
            }
        }
        Ok(())
    }

    /// Whether a file is this mapping's export: its header row, after `skip_rows`, is the
    /// mapping's.
    pub fn matches(&self, bytes: &[u8]) -> bool {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let head = &bytes[..bytes.len().min(HEADER_CHARS_MAX * 4 + 64 * 1024)];
        let text = String::from_utf8_lossy(head);
        text.lines().nth(self.skip_rows).is_some_and(|line| {
            header_columns(line.trim_end_matches('\r'), self.delimiter)
                == header_columns(&self.header, self.delimiter)
        })
    }

    /// The export in the canonical layout; errors name the export's own line and column.
    fn translate(&self, bytes: &[u8]) -> Result<Vec<u8>, ErpError> {
        if bytes.len() > ERP_FILE_BYTES_MAX {
            return Err(ErpError::Malformed(format!(
                "larger than {ERP_FILE_BYTES_MAX} bytes"
            )));
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let delimiter = u8::try_from(self.delimiter).map_err(|_| {
            ErpError::Malformed(format!(
                "the delimiter '{}' is not one byte",
                self.delimiter
            ))
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let mut records = reader.records();
        for _ in 0..self.skip_rows {
            match records.next() {
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(ErpError::Malformed(e.to_string())),
                None => return Err(ErpError::Empty),
            }
        }
        let header = match records.next() {
            Some(Ok(header)) => header,
            Some(Err(e)) => return Err(ErpError::Malformed(e.to_string())),
            None => return Err(ErpError::Empty),
        };
        let header: Vec<String> = header.iter().map(str::to_string).collect();
        if header != header_columns(&self.header, self.delimiter) {
            return Err(ErpError::Malformed(format!(
                "the header row is not the one mapping '{}' was made from",
                self.name
            )));
        }
        let index = |column: &str| header.iter().position(|c| c == column);
        let fields = self.records.fields();
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut canonical_header: Vec<&str> = fields.to_vec();
        canonical_header.push("source_line");
        out.write_record(&canonical_header)
            .map_err(|e| ErpError::Malformed(e.to_string()))?;
        for record in records {
            let record = record.map_err(|e| ErpError::Malformed(e.to_string()))?;
            if record.iter().all(|f| f.is_empty()) {
                continue;
            }
            let line = record.position().map_or(0, |p| p.line() as usize);
            let mut row: Vec<String> = Vec::with_capacity(fields.len() + 1);
            for field in fields {
                let (value, column) = match (self.columns.get(*field), self.fixed.get(*field)) {
                    (Some(column), _) => {
                        let value = index(column)
                            .and_then(|i| record.get(i))
                            .unwrap_or_default()
                            .to_string();
                        (value, column.as_str())
                    }
                    (None, Some(fixed)) => (fixed.clone(), "fixed"),
                    (None, None) => (String::new(), ""),
                };
                let invalid = |message: String| ErpError::Invalid {
                    line,
                    field: format!("{column} ({field})"),
                    message,
                };
                let value = if value.is_empty() {
                    value
                } else if *field == "kind" && !self.kinds.is_empty() {
                    self.kinds.get(&value).cloned().ok_or_else(|| {
                        invalid(format!(
                            "'{value}' is none of the kinds the mapping knows ({})",
                            self.kinds.keys().cloned().collect::<Vec<_>>().join(", ")
                        ))
                    })?
                } else if self.records.amounts().contains(field) {
                    self.number(&value)
                        .ok_or_else(|| invalid(format!("'{value}' is not an amount")))?
                } else if self.records.dates().contains(field) {
                    NaiveDate::parse_from_str(&value, &self.date_format)
                        .map_err(|_| {
                            invalid(format!("'{value}' is not a date ({})", self.date_format))
                        })?
                        .format("%Y-%m-%d")
                        .to_string()
                } else {
                    value
                };
                row.push(value);
            }
            row.push(line.to_string());
            out.write_record(&row)
                .map_err(|e| ErpError::Malformed(e.to_string()))?;
        }
        out.into_inner()
            .map_err(|e| ErpError::Malformed(e.to_string()))
    }

    /// An amount as this export writes it, in the canonical `1234.56`.
    fn number(&self, text: &str) -> Option<String> {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if Some(c) == self.thousands_separator {
                continue;
            }
            if c == self.decimal_separator {
                out.push('.');
            } else if c.is_ascii_digit() || c == '-' || c == '+' {
                out.push(c);
            } else {
                return None;
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// The canonical layout's error, told in the export's own terms: its line, and its column.
    fn own_terms(&self, error: ErpError, translated: &[u8]) -> ErpError {
        let ErpError::Invalid {
            line,
            field,
            message,
        } = error
        else {
            return error;
        };
        let source_line = csv::Reader::from_reader(translated)
            .records()
            .filter_map(Result::ok)
            .find(|r| r.position().is_some_and(|p| p.line() as usize == line))
            .and_then(|r| r.get(r.len() - 1).and_then(|l| l.parse().ok()))
            .unwrap_or(line);
        let column = self
            .columns
            .get(&field)
            .cloned()
            .unwrap_or_else(|| "fixed".into());
        ErpError::Invalid {
            line: source_line,
            field: format!("{column} ({field})"),
            message,
        }
    }

    pub fn open_items(&self, bytes: &[u8]) -> Result<Vec<OpenItem>, ErpError> {
        if self.records != Records::OpenItems {
            return Err(ErpError::Malformed(format!(
                "mapping '{}' reads payments, not open items",
                self.name
            )));
        }
        let translated = self.translate(bytes)?;
        crate::open_items::parse(&translated).map_err(|e| self.own_terms(e, &translated))
    }

    pub fn payments(&self, bytes: &[u8]) -> Result<Vec<PaymentInstruction>, ErpError> {
        if self.records != Records::Payments {
            return Err(ErpError::Malformed(format!(
                "mapping '{}' reads open items, not payments",
                self.name
            )));
        }
        let translated = self.translate(bytes)?;
        crate::payments::parse(&translated).map_err(|e| self.own_terms(e, &translated))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn datev_like() -> ErpCsvMapping {
        serde_json::from_str(
            r#"{
                "name": "Buchhaltung OP",
                "records": "open_items",
                "header": "Belegnr;Konto;Name;IBAN;Betrag;Faellig;Verwendungszweck",
                "delimiter": ";",
                "skip_rows": 1,
                "columns": {"id": "Belegnr", "kind": "Konto", "counterparty": "Name",
                            "counterparty_iban": "IBAN", "amount": "Betrag",
                            "due_date": "Faellig", "reference": "Verwendungszweck"},
                "fixed": {"currency": "EUR"},
                "kinds": {"D": "receivable", "K": "payable"},
                "date_format": "%d.%m.%Y",
                "decimal_separator": ",",
                "thousands_separator": "."
            }"#,
        )
        .unwrap()
    }

    const EXPORT: &str = "Offene Posten zum 23.11.2026\n\
        Belegnr;Konto;Name;IBAN;Betrag;Faellig;Verwendungszweck\n\
        RE-1001;D;Nordwind Handel GmbH;DE12500105170648489890;12.500,00;13.11.2026;RE-1001\n\
        ER-77;K;Stahlwerk Becker AG;;4.100,00;14.12.2026;SB-2026-1243\n";

    #[test]
    fn an_export_in_its_own_layout_is_read_as_the_canonical_one() {
        let mapping = datev_like();
        mapping.validate().unwrap();
        assert!(mapping.matches(EXPORT.as_bytes()));
        let items = mapping.open_items(EXPORT.as_bytes()).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].external_id, "RE-1001");
        assert_eq!(items[0].amount.amount_text(), "12500.00");
        assert_eq!(items[0].kind, crate::open_items::ItemKind::Receivable);
        assert_eq!(items[1].kind, crate::open_items::ItemKind::Payable);
        assert_eq!(items[1].due_date, NaiveDate::from_ymd_opt(2026, 12, 14));
    }

    #[test]
    fn a_bad_row_names_the_exports_own_line_and_column() {
        let mapping = datev_like();
        let bad = EXPORT.replace("4.100,00", "vierhundert");
        let error = mapping.open_items(bad.as_bytes()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 4, field Betrag (amount): 'vierhundert' is not an amount"
        );
        let bad = EXPORT.replace(";D;", ";X;");
        let error = mapping.open_items(bad.as_bytes()).unwrap_err().to_string();
        assert!(
            error.starts_with("line 3, field Konto (kind): 'X' is none"),
            "{error}"
        );
        // A bad IBAN is found by the canonical parser, and told in the export's terms.
        let bad = EXPORT.replace("DE12500105170648489890", "DE00500105170648489890");
        let error = mapping.open_items(bad.as_bytes()).unwrap_err().to_string();
        assert!(
            error.starts_with("line 3, field IBAN (counterparty_iban)"),
            "{error}"
        );
    }

    #[test]
    fn a_mapping_that_names_no_real_column_or_field_is_refused_by_name() {
        let mut mapping = datev_like();
        mapping.columns.insert("amount".into(), "Summe".into());
        assert!(mapping.validate().unwrap_err().contains("amount 'Summe'"));
        let mut mapping = datev_like();
        mapping.columns.insert("colour".into(), "Name".into());
        assert!(mapping.validate().unwrap_err().contains("'colour'"));
        let mut mapping = datev_like();
        mapping.fixed.clear();
        assert!(mapping
            .validate()
            .unwrap_err()
            .starts_with("currency needs"));
        let mut mapping = datev_like();
        mapping.skip_rows = 1_000_000;
        assert!(mapping.validate().is_err());
    }

    #[test]
    fn the_open_items_fields_are_the_parsers_columns_and_its_optional_two() {
        assert!(OPEN_ITEM_FIELDS.starts_with(crate::open_items::REQUIRED));
        assert_eq!(
            &OPEN_ITEM_FIELDS[crate::open_items::REQUIRED.len()..],
            ["entity", "probability"]
        );
    }

    #[test]
    fn another_header_is_not_this_mappings_file() {
        let mapping = datev_like();
        assert!(!mapping.matches(b"id,kind,counterparty\n"));
        let error = mapping
            .open_items(b"title\nid,kind,amount\n1,D,2\n")
            .unwrap_err();
        assert!(error.to_string().contains("not the one mapping"));
    }
}
