//! Bank CSV exports, read through a mapping saved once per bank: which column holds the date,
//! the amount, the counterparty, and how that bank writes dates and numbers.
//!
//! CSV has no standard layout, so a file is recognised by its header row: a mapping matches
//! the files whose header (after `skip_rows`) is exactly the one it was made from.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use cashline_domain::{AccountKey, BalanceType, Currency, EntryStatus, Iban, Money, StatementKind};

use crate::{
    FileFormat, ParseError, ParsedAccount, ParsedBalance, ParsedEntry, ParsedFile, ParsedStatement,
};

/// Most columns a mapped CSV row (and so a mapping's header) may have.
pub const COLUMNS_MAX: usize = 512;
/// Longest mapping name, in characters.
pub const MAPPING_NAME_CHARS_MAX: usize = 64;
/// Longest header row, in characters: the widest bank export seen (Adyen's settlement
/// details) has under 500.
pub const HEADER_CHARS_MAX: usize = 16 * 1024;
/// Longest column name a mapping refers to, in characters.
pub const COLUMN_NAME_CHARS_MAX: usize = 256;
/// Most columns joined into the remittance text.
pub const REMITTANCE_COLUMNS_MAX: usize = 32;
/// Most rows before the header, and most footer rows: exports put a title, an account line
/// and an export date above the header, a total or two below the rows.
pub const SKIP_ROWS_MAX: usize = 1_000;
pub const FOOTER_ROWS_MAX: usize = 1_000;
/// Longest date format, in characters (`%Y-%m-%d %H:%M:%S` has 17).
pub const DATE_FORMAT_CHARS_MAX: usize = 64;
/// Longest fixed value a mapping gives (its account, currency or debit marker), in characters:
/// an IBAN has at most 34.
pub const FIXED_VALUE_CHARS_MAX: usize = 64;
/// The decimal separators banks write.
pub const DECIMAL_SEPARATORS: [char; 2] = ['.', ','];
/// The digit-grouping separators banks write: dot, comma, apostrophe (Switzerland), right single
/// quotation mark, space, no-break space and narrow no-break space (France).
pub const THOUSANDS_SEPARATORS: [char; 7] = ['.', ',', '\'', '’', ' ', '\u{a0}', '\u{202f}'];

/// How one bank's CSV export is read. Columns are named by their header text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvMapping {
    pub name: String,
    /// The header row this mapping was made from, fields joined by the delimiter.
    pub header: String,
    #[serde(default = "default_delimiter")]
    pub delimiter: char,
    /// Rows before the header (bank name, export date, …).
    #[serde(default)]
    pub skip_rows: usize,
    /// Rows after the last entry (totals, balances in words), left unread.
    #[serde(default)]
    pub footer_rows: usize,
    /// The account every row belongs to, or the column naming it.
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub account_column: Option<String>,
    /// The currency of every row, or the column naming it (the fixed one then fills rows
    /// where the column is empty).
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub currency_column: Option<String>,
    pub date_column: String,
    /// A chrono format such as `%d.%m.%Y` or `%m/%d/%Y`.
    pub date_format: String,
    #[serde(default)]
    pub value_date_column: Option<String>,
    /// One signed amount column, or separate debit and credit columns.
    #[serde(default)]
    pub amount_column: Option<String>,
    #[serde(default)]
    pub debit_column: Option<String>,
    #[serde(default)]
    pub credit_column: Option<String>,
    /// A column saying debit or credit, for banks that write unsigned amounts.
    #[serde(default)]
    pub debit_credit_column: Option<String>,
    /// The text in `debit_credit_column` that marks a debit (e.g. `D`, `S`, `Debit`).
    #[serde(default)]
    pub debit_marker: Option<String>,
    /// Credit-card exports show spending as positive: flip every sign.
    #[serde(default)]
    pub negate: bool,
    #[serde(default = "default_decimal_separator")]
    pub decimal_separator: char,
    #[serde(default)]
    pub thousands_separator: Option<char>,
    #[serde(default)]
    pub bank_ref_column: Option<String>,
    #[serde(default)]
    pub counterparty_column: Option<String>,
    #[serde(default)]
    pub counterparty_iban_column: Option<String>,
    /// Columns joined (with a space) into the remittance text.
    #[serde(default)]
    pub remittance_columns: Vec<String>,
    /// The running balance after each row, where the bank gives one.
    #[serde(default)]
    pub balance_column: Option<String>,
}

fn default_delimiter() -> char {
    ','
}

fn default_decimal_separator() -> char {
    '.'
}

impl CsvMapping {
    /// Checks that every field is within its bound, that the mapping names real columns of its
    /// header and that it is self-consistent. A mapping is saved once and then read on every
    /// import, so a value no file can satisfy (a billion rows to skip) is refused here, with
    /// the field and its bound named.
    pub fn validate(&self) -> Result<(), String> {
        self.validate_bounds()?;
        let columns = split_header(&self.header, self.delimiter);
        if columns.len() > COLUMNS_MAX {
            return Err(format!(
                "header has {} columns; a mapping reads at most {COLUMNS_MAX}",
                columns.len()
            ));
        }
        let mut named: Vec<(&str, &str)> = vec![("date_column", &self.date_column)];
        let optional = [
            ("account_column", &self.account_column),
            ("currency_column", &self.currency_column),
            ("value_date_column", &self.value_date_column),
            ("amount_column", &self.amount_column),
            ("debit_column", &self.debit_column),
            ("credit_column", &self.credit_column),
            ("debit_credit_column", &self.debit_credit_column),
            ("bank_ref_column", &self.bank_ref_column),
            ("counterparty_column", &self.counterparty_column),
            ("counterparty_iban_column", &self.counterparty_iban_column),
            ("balance_column", &self.balance_column),
        ];
        for (field, value) in optional {
            if let Some(column) = value {
                named.push((field, column));
            }
        }
        for column in &self.remittance_columns {
            named.push(("remittance_columns", column));
        }
        for (field, column) in named {
            if !columns.iter().any(|c| c == column) {
                return Err(format!(
                    "{field} '{column}' is not a column of the header ({})",
                    columns.join(", ")
                ));
            }
        }
        let amount_ways = usize::from(self.amount_column.is_some())
            + usize::from(self.debit_column.is_some() || self.credit_column.is_some());
        if amount_ways != 1 {
            return Err("give either amount_column, or debit_column and credit_column".into());
        }
        if self.debit_credit_column.is_some() != self.debit_marker.is_some() {
            return Err("debit_credit_column and debit_marker go together".into());
        }
        if self.account.is_some() == self.account_column.is_some() {
            return Err("give either a fixed account or an account_column".into());
        }
        if self.currency.is_none() && self.currency_column.is_none() {
            return Err("give a fixed currency, a currency_column, or both".into());
        }
        if let Some(code) = &self.currency {
            Currency::from_code(code).map_err(|e| e.to_string())?;
        }
        if chrono::format::StrftimeItems::new(&self.date_format)
            .any(|item| matches!(item, chrono::format::Item::Error))
        {
            return Err(format!(
                "date_format '{}' is not a valid chrono format",
                self.date_format
            ));
        }
        if self.thousands_separator == Some(self.decimal_separator) {
            return Err("the thousands and decimal separators must differ".into());
        }
        Ok(())
    }

    /// The bounds of each field on its own, before anything reads the header with them.
    fn validate_bounds(&self) -> Result<(), String> {
        let name_chars = self.name.chars().count();
        if self.name.trim().is_empty() || name_chars > MAPPING_NAME_CHARS_MAX {
            return Err(format!(
                "name has {name_chars} characters; a mapping name has 1 to \
                 {MAPPING_NAME_CHARS_MAX}"
            ));
        }
        // The name is shown in lists, logs and the file format (`csv:<name>`): letters, digits,
        // spaces inside, `-`, `_` and `.` only, so it can never carry a control character.
        let name_char_ok = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.');
        if !self.name.chars().all(name_char_ok) || self.name.trim() != self.name {
            return Err(
                "name may hold only letters, digits, '-', '_', '.' and spaces between them".into(),
            );
        }
        at_most_chars("header", &self.header, HEADER_CHARS_MAX)?;
        if self.header.contains(['\n', '\r']) {
            return Err("header is one row: it cannot hold a line break".into());
        }
        // The CSV reader splits on one byte; quotes, line ends, letters and digits cannot be it.
        let delimiter_ok = self.delimiter == '\t'
            || (self.delimiter.is_ascii_punctuation() && self.delimiter != '"');
        if !delimiter_ok {
            return Err(format!(
                "delimiter {:?} is not usable: give a tab or one ASCII punctuation character \
                 other than '\"'",
                self.delimiter
            ));
        }
        if self.skip_rows > SKIP_ROWS_MAX {
            return Err(format!(
                "skip_rows is {}; at most {SKIP_ROWS_MAX} rows can come before the header",
                self.skip_rows
            ));
        }
        if self.footer_rows > FOOTER_ROWS_MAX {
            return Err(format!(
                "footer_rows is {}; at most {FOOTER_ROWS_MAX} rows can follow the entries",
                self.footer_rows
            ));
        }
        let columns = [
            ("date_column", Some(&self.date_column)),
            ("account_column", self.account_column.as_ref()),
            ("currency_column", self.currency_column.as_ref()),
            ("value_date_column", self.value_date_column.as_ref()),
            ("amount_column", self.amount_column.as_ref()),
            ("debit_column", self.debit_column.as_ref()),
            ("credit_column", self.credit_column.as_ref()),
            ("debit_credit_column", self.debit_credit_column.as_ref()),
            ("bank_ref_column", self.bank_ref_column.as_ref()),
            ("counterparty_column", self.counterparty_column.as_ref()),
            (
                "counterparty_iban_column",
                self.counterparty_iban_column.as_ref(),
            ),
            ("balance_column", self.balance_column.as_ref()),
        ];
        for (field, column) in columns {
            if let Some(column) = column {
                at_most_chars(field, column, COLUMN_NAME_CHARS_MAX)?;
            }
        }
        if self.remittance_columns.len() > REMITTANCE_COLUMNS_MAX {
            return Err(format!(
                "remittance_columns names {} columns; at most {REMITTANCE_COLUMNS_MAX} are joined",
                self.remittance_columns.len()
            ));
        }
        for column in &self.remittance_columns {
            at_most_chars("remittance_columns", column, COLUMN_NAME_CHARS_MAX)?;
        }
        let fixed = [
            ("account", &self.account),
            ("currency", &self.currency),
            ("debit_marker", &self.debit_marker),
        ];
        for (field, value) in fixed {
            if let Some(value) = value {
                at_most_chars(field, value, FIXED_VALUE_CHARS_MAX)?;
                if value.chars().any(char::is_control) {
                    return Err(format!("{field} cannot hold a control character"));
                }
            }
        }
        at_most_chars("date_format", &self.date_format, DATE_FORMAT_CHARS_MAX)?;
        if !DECIMAL_SEPARATORS.contains(&self.decimal_separator) {
            return Err(format!(
                "decimal_separator {:?} is not one banks write: give '.' or ','",
                self.decimal_separator
            ));
        }
        if let Some(separator) = self.thousands_separator {
            if !THOUSANDS_SEPARATORS.contains(&separator) {
                return Err(format!(
                    "thousands_separator {separator:?} is not one banks write: give one of {}",
                    THOUSANDS_SEPARATORS
                        .iter()
                        .map(|c| format!("{c:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// Refuses a text field longer than `max` characters, naming the field and the bound.
fn at_most_chars(field: &str, value: &str, max: usize) -> Result<(), String> {
    let chars = value.chars().count();
    if chars > max {
        return Err(format!(
            "{field} has {chars} characters; at most {max} are accepted"
        ));
    }
    Ok(())
}

fn split_header(header: &str, delimiter: char) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter as u8)
        .from_reader(header.as_bytes());
    reader
        .records()
        .next()
        .and_then(Result::ok)
        .map(|record| record.iter().map(|f| f.trim().to_string()).collect())
        .unwrap_or_default()
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Whether a file's header row is the one the mapping was made from.
pub fn matches(bytes: &[u8], mapping: &CsvMapping) -> bool {
    if mapping.delimiter.len_utf8() != 1 {
        return false;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(mapping.delimiter as u8)
        .from_reader(strip_bom(bytes));
    let Some(Ok(header)) = reader.records().nth(mapping.skip_rows) else {
        return false;
    };
    let found: Vec<String> = header.iter().map(|f| f.trim().to_string()).collect();
    let expected = split_header(&mapping.header, mapping.delimiter);
    // Banks add empty trailing columns; those do not make another layout.
    let trimmed = |v: &[String]| -> Vec<String> {
        let mut v = v.to_vec();
        while v.last().is_some_and(|c| c.is_empty()) {
            v.pop();
        }
        v
    };
    !expected.is_empty() && trimmed(&found) == trimmed(&expected)
}

struct Columns {
    index: BTreeMap<String, usize>,
}

impl Columns {
    fn get<'r>(&self, record: &'r csv::StringRecord, name: &str) -> Option<&'r str> {
        self.index
            .get(name)
            .and_then(|i| record.get(*i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
}

struct Row {
    line: usize,
    account: String,
    currency: Currency,
    entry: ParsedEntry,
    balance: Option<Money>,
}

/// Reads a CSV export with its mapping into one statement per account and currency.
pub fn parse(bytes: &[u8], mapping: &CsvMapping) -> Result<ParsedFile, ParseError> {
    let invalid = |line: usize, element: &str, message: String| ParseError::Invalid {
        line,
        element: element.to_string(),
        message,
    };
    // A mapping stored before a bound existed (or built in code) is checked here too, so the
    // reader never runs with one that no file can satisfy.
    mapping.validate().map_err(|message| {
        invalid(
            1,
            "mapping",
            format!("mapping '{}': {message}", mapping.name),
        )
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(mapping.delimiter as u8)
        .from_reader(strip_bom(bytes));
    let mut records = reader.records();
    // Skipping stops at the end of the input: a stored mapping is validated when saved, but
    // the loop must never count past what the file holds.
    for _ in 0..mapping.skip_rows {
        if records.next().is_none() {
            break;
        }
    }
    let header_line = mapping.skip_rows.saturating_add(1);
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => return Err(csv_error(error)),
        None => return Err(invalid(1, "header", "the file has no header row".into())),
    };
    if header.len() > COLUMNS_MAX {
        return Err(invalid(
            header_line,
            "header",
            format!("more than {COLUMNS_MAX} columns"),
        ));
    }
    let columns = Columns {
        index: header
            .iter()
            .enumerate()
            .map(|(i, name)| (name.trim().to_string(), i))
            .collect(),
    };
    let mut kept: Vec<csv::StringRecord> = Vec::new();
    for record in records {
        let record = record.map_err(csv_error)?;
        // Blank separator rows (",,,,") carry nothing.
        if !record.iter().all(|f| f.trim().is_empty()) {
            kept.push(record);
        }
    }
    kept.truncate(kept.len().saturating_sub(mapping.footer_rows));
    if kept.is_empty() {
        return Err(invalid(
            header_line,
            "header",
            "the export has a header but no rows".into(),
        ));
    }
    let mut rows: Vec<Row> = Vec::with_capacity(kept.len());
    for record in &kept {
        let line = record.position().map_or(0, |p| p.line() as usize);
        rows.push(parse_row(record, line, &columns, mapping)?);
    }
    let mut groups: BTreeMap<(String, Currency), Vec<Row>> = BTreeMap::new();
    for row in rows {
        groups
            .entry((row.account.clone(), row.currency))
            .or_default()
            .push(row);
    }
    let mut statements = Vec::with_capacity(groups.len());
    let mut warnings = Vec::new();
    for ((account, currency), mut group) in groups {
        // Many banks export newest first; a statement runs forward in time.
        let first_date = group.first().and_then(|r| r.entry.booking_date);
        let last_date = group.last().and_then(|r| r.entry.booking_date);
        if first_date > last_date {
            group.reverse();
        }
        statements.push(build_statement(
            mapping,
            &account,
            currency,
            group,
            &mut warnings,
        )?);
    }
    Ok(ParsedFile {
        format: FileFormat::Csv(mapping.name.clone()),
        statements,
        warnings,
    })
}

fn csv_error(error: csv::Error) -> ParseError {
    let line = error.position().map_or(0, |p| p.line() as usize);
    ParseError::Invalid {
        line,
        element: "row".into(),
        message: format!("the CSV is malformed: {error}"),
    }
}

fn parse_row(
    record: &csv::StringRecord,
    line: usize,
    columns: &Columns,
    mapping: &CsvMapping,
) -> Result<Row, ParseError> {
    let invalid = |column: &str, message: String| ParseError::Invalid {
        line,
        element: format!("column '{column}'"),
        message,
    };
    let from_column = mapping
        .currency_column
        .as_ref()
        .and_then(|c| columns.get(record, c));
    let currency_text = match (from_column, &mapping.currency) {
        (Some(code), _) => code.to_string(),
        (None, Some(code)) => code.clone(),
        (None, None) => {
            let column = mapping.currency_column.as_deref().unwrap_or("currency");
            return Err(invalid(
                column,
                "the currency is empty and the mapping gives no default".into(),
            ));
        }
    };
    let currency = Currency::from_code(&currency_text).map_err(|e| {
        invalid(
            mapping.currency_column.as_deref().unwrap_or("currency"),
            e.to_string(),
        )
    })?;
    let account = match (&mapping.account, &mapping.account_column) {
        (Some(account), _) => account.clone(),
        (None, Some(column)) => columns
            .get(record, column)
            .ok_or_else(|| invalid(column, "the account is empty".into()))?
            .to_string(),
        (None, None) => {
            return Err(invalid(
                "account",
                "the mapping gives neither an account nor its column".into(),
            ))
        }
    };
    let date_text = columns
        .get(record, &mapping.date_column)
        .ok_or_else(|| invalid(&mapping.date_column, "the date is empty".into()))?;
    let date = parse_date(date_text, &mapping.date_format).ok_or_else(|| {
        invalid(
            &mapping.date_column,
            format!(
                "'{date_text}' does not match the date format {}",
                mapping.date_format
            ),
        )
    })?;
    let value_date = match &mapping.value_date_column {
        Some(column) => match columns.get(record, column) {
            Some(text) => Some(parse_date(text, &mapping.date_format).ok_or_else(|| {
                invalid(
                    column,
                    format!(
                        "'{text}' does not match the date format {}",
                        mapping.date_format
                    ),
                )
            })?),
            None => None,
        },
        None => None,
    };
    let amount_of = |column: &str| -> Result<Option<Money>, ParseError> {
        match columns.get(record, column) {
            None => Ok(None),
            Some(text) => parse_amount(text, mapping, currency)
                .map(Some)
                .map_err(|m| invalid(column, m)),
        }
    };
    let mut amount = match (
        &mapping.amount_column,
        &mapping.debit_column,
        &mapping.credit_column,
    ) {
        (Some(column), _, _) => {
            amount_of(column)?.ok_or_else(|| invalid(column, "the amount is empty".into()))?
        }
        (None, debit, credit) => {
            // Banks write debits with or without a minus sign; the column says what it is.
            let debit = match debit {
                Some(column) => {
                    amount_of(column)?.map(|m| if m.is_negative() { m } else { m.negated() })
                }
                None => None,
            };
            let credit = match credit {
                Some(column) => amount_of(column)?,
                None => None,
            };
            match (debit, credit) {
                (Some(d), Some(c)) if !d.amount().is_zero() && !c.amount().is_zero() => {
                    return Err(invalid(
                        "debit/credit",
                        "both a debit and a credit amount on one row".into(),
                    ))
                }
                (Some(d), Some(c)) => d
                    .checked_add(&c)
                    .map_err(|e| invalid("debit/credit", e.to_string()))?,
                (Some(d), None) => d,
                (None, Some(c)) => c,
                (None, None) => {
                    return Err(invalid("debit/credit", "the row has no amount".into()))
                }
            }
        }
    };
    if let (Some(column), Some(marker)) = (&mapping.debit_credit_column, &mapping.debit_marker) {
        let is_debit = columns
            .get(record, column)
            .is_some_and(|v| v.eq_ignore_ascii_case(marker));
        let magnitude = if amount.is_negative() {
            amount.negated()
        } else {
            amount
        };
        amount = if is_debit {
            magnitude.negated()
        } else {
            magnitude
        };
    }
    if mapping.negate {
        amount = amount.negated();
    }
    let balance = match &mapping.balance_column {
        Some(column) => amount_of(column)?,
        None => None,
    };
    let text = |column: &Option<String>| {
        column
            .as_ref()
            .and_then(|c| columns.get(record, c))
            .map(str::to_string)
    };
    let remittance: Vec<&str> = mapping
        .remittance_columns
        .iter()
        .filter_map(|c| columns.get(record, c))
        .collect();
    Ok(Row {
        line,
        account,
        currency,
        entry: ParsedEntry {
            amount,
            status: EntryStatus::Booked,
            reversal: false,
            booking_date: Some(date),
            value_date: value_date.or(Some(date)),
            bank_ref: text(&mapping.bank_ref_column),
            entry_ref: None,
            end_to_end_id: None,
            counterparty_name: text(&mapping.counterparty_column),
            counterparty_iban: text(&mapping.counterparty_iban_column),
            remittance: (!remittance.is_empty()).then(|| remittance.join(" ")),
            creditor_reference: None,
            bank_transaction_code: None,
            source_element: format!("row at line {line}"),
            details: Vec::new(),
        },
        balance,
    })
}

fn parse_date(text: &str, format: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, format).ok().or_else(|| {
        // Date-time columns ("2022-02-22 00:24:23"): the date part is the business date.
        chrono::NaiveDateTime::parse_from_str(text, format)
            .ok()
            .map(|t| t.date())
    })
}

/// Reads `1.234,56`, `-1,058.09`, `(12.00)`, `12.00-` and `+5` as exact money.
fn parse_amount(text: &str, mapping: &CsvMapping, currency: Currency) -> Result<Money, String> {
    let mut value = text.trim().replace([' ', '\u{a0}'], "");
    let mut negative = false;
    if value.starts_with('(') && value.ends_with(')') {
        negative = true;
        value = value[1..value.len() - 1].to_string();
    }
    if let Some(stripped) = value.strip_suffix('-') {
        negative = !negative;
        value = stripped.to_string();
    }
    if let Some(separator) = mapping.thousands_separator {
        // Grouping must be real grouping: "2.000.50" is a typo, not 200050.
        let integer_part = value.split(mapping.decimal_separator).next().unwrap_or("");
        let groups: Vec<&str> = integer_part.split(separator).collect();
        let grouped_well = groups.len() == 1
            || (!groups[0].trim_start_matches(['-', '+']).is_empty()
                && groups[1..]
                    .iter()
                    .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit())));
        if !grouped_well {
            return Err(format!(
                "'{text}' is not an amount: the digit grouping is wrong"
            ));
        }
        value = value.replace(separator, "");
    }
    if mapping.decimal_separator != '.' {
        if value.contains('.') {
            return Err(format!(
                "'{text}' has a '.' but this bank writes decimals with '{}'",
                mapping.decimal_separator
            ));
        }
        value = value.replace(mapping.decimal_separator, ".");
    }
    let money =
        Money::parse(&value, currency).map_err(|e| format!("'{text}' is not an amount: {e}"))?;
    Ok(if negative { money.negated() } else { money })
}

fn build_statement(
    mapping: &CsvMapping,
    account: &str,
    currency: Currency,
    rows: Vec<Row>,
    warnings: &mut Vec<String>,
) -> Result<ParsedStatement, ParseError> {
    let line = rows.first().map_or(1, |r| r.line);
    let key = AccountKey::parse(account).map_err(|e| ParseError::Invalid {
        line,
        element: "account".into(),
        message: e.to_string(),
    })?;
    let first = rows.first().and_then(|r| r.entry.booking_date);
    let last = rows.last().and_then(|r| r.entry.booking_date);
    let mut balances = Vec::new();
    // The running balance after the last row is the closing balance; the one before the first
    // row, the opening. Rows without a balance give none.
    if let (Some(first_row), Some(last_row)) = (rows.first(), rows.last()) {
        if let (Some(first_balance), Some(closing), Some(first_date), Some(last_date)) =
            (first_row.balance, last_row.balance, first, last)
        {
            let opening = first_balance
                .checked_sub(&first_row.entry.amount)
                .map_err(|e| ParseError::Invalid {
                    line: first_row.line,
                    element: "balance".into(),
                    message: e.to_string(),
                })?;
            // A date read from the file can be chrono's first day, which has no day before.
            let opening_date = first_date.pred_opt().ok_or_else(|| ParseError::Invalid {
                line: first_row.line,
                element: "date".into(),
                message: format!("{first_date} has no day before it for the opening balance"),
            })?;
            balances.push(ParsedBalance {
                balance_type: BalanceType::OpeningBooked,
                amount: opening,
                date: opening_date,
                as_of: None,
            });
            balances.push(ParsedBalance {
                balance_type: BalanceType::ClosingBooked,
                amount: closing,
                date: last_date,
                as_of: None,
            });
        }
    }
    if balances.is_empty() && mapping.balance_column.is_some() {
        warnings.push(format!(
            "account {}: rows without a balance, so no closing balance was read",
            key.masked()
        ));
    }
    let period = match (first, last) {
        (Some(first), Some(last)) => format!("{first}..{last}"),
        _ => "empty".into(),
    };
    Ok(ParsedStatement {
        kind: StatementKind::EndOfDay,
        message_id: format!("csv:{}", mapping.name),
        // An export has no statement id: its mapping, period and size stand in for one.
        statement_ref: format!("csv:{}:{period}:{}", mapping.name, rows.len()),
        sequence_number: None,
        page_number: None,
        created_at: None,
        period_from: None,
        period_to: None,
        account: ParsedAccount {
            iban: Iban::parse(account).ok(),
            key,
            currency,
            bic: None,
            bank_name: None,
            owner_name: None,
        },
        balances,
        entries: rows.into_iter().map(|r| r.entry).collect(),
        line,
    })
}

#[cfg(test)]
mod tests;
