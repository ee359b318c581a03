//! Reading CSV rows by column name, with errors that name the line and the field.

use std::collections::HashMap;

use chrono::NaiveDate;

use cashline_domain::{Currency, Money};

use crate::{ErpError, ERP_FILE_BYTES_MAX};

pub struct Rows {
    columns: HashMap<String, usize>,
    records: Vec<csv::StringRecord>,
}

pub struct Row<'a> {
    pub line: usize,
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl Rows {
    /// Reads every row, checking that the `required` columns are present (others are ignored).
    pub fn read(bytes: &[u8], required: &[&str]) -> Result<Rows, ErpError> {
        if bytes.len() > ERP_FILE_BYTES_MAX {
            return Err(ErpError::Malformed(format!(
                "larger than {ERP_FILE_BYTES_MAX} bytes"
            )));
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let header = reader
            .headers()
            .map_err(|e| ErpError::Malformed(e.to_string()))?
            .clone();
        let columns: HashMap<String, usize> = header
            .iter()
            .enumerate()
            .map(|(i, name)| (name.to_ascii_lowercase(), i))
            .collect();
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !columns.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            return Err(ErpError::MissingColumns(missing.join(", ")));
        }
        let mut records = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| ErpError::Malformed(e.to_string()))?;
            if record.iter().all(|f| f.is_empty()) {
                continue;
            }
            records.push(record);
        }
        if records.is_empty() {
            return Err(ErpError::Empty);
        }
        Ok(Rows { columns, records })
    }

    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        self.records.iter().map(|record| Row {
            line: record.position().map_or(0, |p| p.line() as usize),
            record,
            columns: &self.columns,
        })
    }
}

impl Row<'_> {
    pub fn invalid(&self, field: &str, message: impl Into<String>) -> ErpError {
        ErpError::Invalid {
            line: self.line,
            field: field.to_string(),
            message: message.into(),
        }
    }

    pub fn optional(&self, field: &str) -> Option<String> {
        self.columns
            .get(field)
            .and_then(|i| self.record.get(*i))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    pub fn required(&self, field: &str) -> Result<String, ErpError> {
        self.optional(field)
            .ok_or_else(|| self.invalid(field, "is empty"))
    }

    pub fn currency(&self, field: &str) -> Result<Currency, ErpError> {
        Currency::from_code(&self.required(field)?).map_err(|e| self.invalid(field, e.to_string()))
    }

    pub fn money(&self, field: &str, currency: Currency) -> Result<Money, ErpError> {
        let text = self.required(field)?;
        Money::parse(&text, currency).map_err(|e| self.invalid(field, e.to_string()))
    }

    pub fn date(&self, field: &str) -> Result<NaiveDate, ErpError> {
        let text = self.required(field)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| self.invalid(field, format!("'{text}' is not a date (YYYY-MM-DD)")))
    }
}
