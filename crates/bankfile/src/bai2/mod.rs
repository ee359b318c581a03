//! BAI2 cash management balance reports: file (01/99), groups (02/98), accounts (03/49),
//! transaction details (16) and continuations (88), with every control total checked.
//!
//! One canonical statement is made per account record (03): its status type codes become
//! balances, its 16 records entries signed by their type code. Amounts are integers of the
//! currency's minor units. Trailers are checked as the specification defines them (the
//! algebraic sum of every amount, the number of records) so that a truncated or damaged file is
//! refused rather than half-imported.
//!
//! The file streams record by record: each account's statement is handed over as it is read
//! (its header at the 03, its entries in batches, its end once the 49 is checked), and only
//! running totals are kept for the group (98) and file (99) trailers. A trailer that does not
//! check still fails the parse, so the importer, which commits only a file read without error,
//! rolls the whole file back.

use std::io::BufRead;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use cashline_domain::{AccountKey, Currency, EntryStatus, Iban, Money, StatementKind};

use crate::stream::{Collect, StatementEvent, StatementSink, ENTRY_BATCH_ROWS};
use crate::{
    FileFormat, ParseError, ParsedAccount, ParsedBalance, ParsedEntry, ParsedFile, ParsedStatement,
};

mod record;
pub mod type_code;
pub mod write;

use record::{Field, Fields, Lines, NextLine, Record, Splitter};
use type_code::{TypeClass, TypeCode};

/// How far into a file detection looks for the file header.
const DETECT_BYTES_MAX: usize = 4096;
/// Digits in one amount field: 18 keep every amount inside an `i64` of minor units.
const AMOUNT_DIGITS_MAX: usize = 18;
/// Most availability distributions one `D` funds type may list; the specification's example
/// uses three, and a distribution per day of a month is the most that makes sense.
const DISTRIBUTIONS_MAX: usize = 31;
/// The currency of a group that names none, as the specification defines it.
const CURRENCY_DEFAULT: &str = "USD";

/// Says whether the bytes are a BAI2 file: a file header record (`01,`) of eight or nine
/// fields whose creation date is six digits and creation time a time, so that a CSV export
/// whose first column happens to hold `01` is not taken for one.
pub fn detect(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(DETECT_BYTES_MAX)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if !text.starts_with("01,") {
        return false;
    }
    let first = text.split(['/', '\n']).next().unwrap_or_default();
    let fields: Vec<&str> = first.trim_end().split(',').collect();
    let date = fields.get(3).map_or("", |f| f.trim());
    let time = fields.get(4).map_or("", |f| f.trim());
    (9..=10).contains(&fields.len())
        && date.len() == 6
        && date.bytes().all(|b| b.is_ascii_digit())
        && parse_time(time).is_some()
}

/// Parses a whole BAI2 file into one statement per account record.
pub fn parse(bytes: &[u8]) -> Result<ParsedFile, ParseError> {
    let mut collect = Collect::default();
    // Collected whole, an account's entries go over in one batch rather than being copied
    // batch by batch into the statement.
    let warnings = stream(Lines::new(bytes), &mut collect, usize::MAX)?;
    Ok(ParsedFile {
        format: FileFormat::Bai2,
        statements: collect.statements,
        warnings,
    })
}

/// Streams a BAI2 file into `sink`, one statement per account record, reading it line by line
/// (a file without line breaks in pieces cut where a record ends), so memory stays bounded
/// whatever the file's size. Returns the warnings.
///
/// BAI2 is ASCII; a line that is not UTF-8 is read as Latin-1 (and every line after it) so that
/// a stray accented letter in a text field does not refuse the file.
pub fn parse_stream<R: BufRead>(
    reader: R,
    sink: &mut dyn StatementSink,
) -> Result<Vec<String>, ParseError> {
    stream(Lines::new(reader), sink, ENTRY_BATCH_ROWS)
}

/// Reads the records of `lines` into `sink`, handing over entries `batch_rows` at a time.
fn stream<R: BufRead>(
    lines: Lines<R>,
    sink: &mut dyn StatementSink,
    batch_rows: usize,
) -> Result<Vec<String>, ParseError> {
    Reader {
        records: Records {
            lines,
            splitter: Splitter::default(),
            ended: false,
        },
        sink,
        batch_rows,
        statements: 0,
        last_details: 0,
        warnings: Vec::new(),
    }
    .file()
}

/// The logical records of a stream, read as they are needed.
struct Records<R> {
    lines: Lines<R>,
    splitter: Splitter,
    ended: bool,
}

impl<R: BufRead> Records<R> {
    fn next(&mut self) -> Result<Option<Record>, ParseError> {
        loop {
            if let Some(record) = self.splitter.next_complete(self.ended) {
                return Ok(Some(record));
            }
            if self.ended {
                return Ok(None);
            }
            match self.lines.next_line()? {
                NextLine::Line(number, text) => self.splitter.line(number, text)?,
                NextLine::End => {
                    self.splitter.finish()?;
                    self.ended = true;
                }
            }
        }
    }

    /// Takes back a record that has been read, so that a later one reuses its buffers.
    fn recycle(&mut self, record: Record) {
        self.splitter.recycle(record);
    }

    /// The file's last line, once its end has been read.
    fn last_line(&self) -> usize {
        self.lines.lines_seen().max(1)
    }
}

/// Sums kept while reading an envelope (account, group, file), to check against its trailer.
#[derive(Default, Clone, Copy)]
struct Tally {
    /// The algebraic sum of the amounts (or of the inner trailers' totals).
    amount_sum: i128,
    /// Records counted as the specification says: continuations (88) included.
    records: u64,
    /// Records counted without continuations, as some banks do.
    records_logical: u64,
}

impl Tally {
    fn add_record(&mut self, record: &Record) {
        self.records += record.physical_count();
        self.records_logical += 1;
    }

    fn add(&mut self, inner: &Tally) {
        self.records += inner.records;
        self.records_logical += inner.records_logical;
    }
}

/// The time of a report or file: a clock time, or the end of the day (2400 or 9999).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReportTime {
    At(NaiveTime),
    EndOfDay,
    Unstated,
}

struct FileHeader {
    file_id: String,
    created_at: Option<DateTime<Utc>>,
}

struct GroupHeader {
    ordinal: usize,
    line: usize,
    as_of_date: NaiveDate,
    as_of_time: ReportTime,
    currency: Option<Currency>,
    kind: StatementKind,
    entry_status: EntryStatus,
}

/// One amount of an account record (03): a balance or an activity summary.
struct Summary {
    code: TypeCode,
    amount: Option<i64>,
}

struct Reader<'s, R> {
    records: Records<R>,
    sink: &'s mut dyn StatementSink,
    /// Entries handed over at once ([`ENTRY_BATCH_ROWS`] when streaming).
    batch_rows: usize,
    /// Statements (accounts) handed over so far.
    statements: usize,
    /// Transaction details of the last account read.
    last_details: usize,
    warnings: Vec<String>,
}

fn invalid(line: usize, code: &str, message: impl Into<String>) -> ParseError {
    ParseError::Invalid {
        line,
        element: format!("record {code}"),
        message: message.into(),
    }
}

impl<R: BufRead> Reader<'_, R> {
    fn next_record(&mut self, inside: &Record) -> Result<Record, ParseError> {
        self.records.next()?.ok_or_else(|| ParseError::Truncated {
            line: self.records.last_line(),
            element: format!("record {} of line {}", inside.code, inside.line),
        })
    }

    fn file(mut self) -> Result<Vec<String>, ParseError> {
        let header = self.records.next()?.ok_or_else(|| ParseError::Truncated {
            line: self.records.last_line(),
            element: "record 01".into(),
        })?;
        if header.code != "01" {
            return Err(invalid(
                header.line,
                header.code,
                "a BAI2 file starts with the file header record (01)",
            ));
        }
        let file = file_header(&header)?;
        let mut tally = Tally::default();
        tally.add_record(&header);
        let mut groups = 0usize;
        loop {
            let record = self.next_record(&header)?;
            match record.code {
                "02" => {
                    groups += 1;
                    let group = self.group(record, groups, &file)?;
                    tally.amount_sum += group.amount_sum;
                    tally.add(&group);
                }
                "99" => {
                    tally.add_record(&record);
                    file_trailer(&record, &tally, groups)?;
                    if let Some(extra) = self.records.next()? {
                        return Err(invalid(
                            extra.line,
                            extra.code,
                            "records follow the file trailer (99)",
                        ));
                    }
                    break;
                }
                other => {
                    return Err(invalid(
                        record.line,
                        other,
                        "expected a group header (02) or the file trailer (99)",
                    ))
                }
            }
        }
        if self.statements == 0 {
            return Err(invalid(
                header.line,
                "01",
                "the file reports no account (no 03 record)",
            ));
        }
        Ok(self.warnings)
    }

    fn group(
        &mut self,
        header_record: Record,
        ordinal: usize,
        file: &FileHeader,
    ) -> Result<Tally, ParseError> {
        let header = group_header(&header_record, ordinal)?;
        let mut defaulted = false;
        let mut tally = Tally::default();
        tally.add_record(&header_record);
        let mut accounts = 0usize;
        loop {
            let record = self.next_record(&header_record)?;
            match record.code {
                "03" => {
                    accounts += 1;
                    let (account, currency_defaulted) =
                        self.account(record, accounts, &header, file)?;
                    if currency_defaulted && !defaulted {
                        defaulted = true;
                        self.warnings.push(format!(
                            "group {ordinal} (line {}) names no currency; accounts without one are read in {CURRENCY_DEFAULT}, the BAI2 default",
                            header.line
                        ));
                    }
                    tally.amount_sum += account.amount_sum;
                    tally.add(&account);
                }
                "98" => {
                    tally.add_record(&record);
                    group_trailer(&record, &tally, accounts)?;
                    return Ok(tally);
                }
                other => {
                    return Err(invalid(
                        record.line,
                        other,
                        "expected an account identifier (03) or the group trailer (98)",
                    ))
                }
            }
        }
    }

    /// Reads an account (03 to 49) and hands it over as a statement: its header at once, its
    /// entries in batches, its end once the trailer is checked. Returns the account's tally and
    /// whether its currency was the BAI2 default.
    fn account(
        &mut self,
        identifier: Record,
        ordinal: usize,
        group: &GroupHeader,
        file: &FileHeader,
    ) -> Result<(Tally, bool), ParseError> {
        let line = identifier.line;
        let mut fields = identifier.fields();
        let account_text = text_field(&mut fields);
        let key = AccountKey::parse(account_text)
            .map_err(|e| invalid(line, "03", format!("the account number: {e}")))?;
        let currency_text = text_field(&mut fields);
        let currency_defaulted = currency_text.is_empty() && group.currency.is_none();
        let currency = if currency_text.is_empty() {
            match group.currency {
                Some(currency) => currency,
                None => Currency::from_code(CURRENCY_DEFAULT).expect("USD is in the ISO table"),
            }
        } else {
            Currency::from_code(currency_text).map_err(|e| invalid(line, "03", e.to_string()))?
        };
        let summaries = summaries(&mut fields)?;

        let mut tally = Tally::default();
        tally.add_record(&identifier);
        tally.amount_sum += summaries
            .iter()
            .map(|s| i128::from(s.amount.unwrap_or(0)))
            .sum::<i128>();

        let as_of = match group.as_of_time {
            ReportTime::At(time) => Some(group.as_of_date.and_time(time).and_utc()),
            ReportTime::EndOfDay | ReportTime::Unstated => None,
        };
        let mut balances: Vec<ParsedBalance> = Vec::new();
        for summary in &summaries {
            let (Some(balance_type), Some(amount)) = (summary.code.balance_type(), summary.amount)
            else {
                continue;
            };
            // A balance type reported twice (059 and 060 both mean current available) keeps
            // the first.
            if balances.iter().any(|b| b.balance_type == balance_type) {
                continue;
            }
            balances.push(ParsedBalance {
                balance_type,
                amount: Money::from_minor(amount, currency),
                date: group.as_of_date,
                as_of,
            });
        }
        let iban = Iban::parse(account_text).ok();
        let statement = ParsedStatement {
            kind: group.kind,
            message_id: file.file_id.clone(),
            // Not the account number: statement references appear in logs and exception
            // subjects, where account numbers are masked.
            statement_ref: format!(
                "{}/{}/{}/{ordinal}",
                file.file_id, group.as_of_date, group.ordinal
            ),
            sequence_number: None,
            page_number: None,
            created_at: file.created_at,
            period_from: None,
            period_to: None,
            account: ParsedAccount {
                key,
                iban,
                currency,
                bic: None,
                bank_name: None,
                owner_name: None,
            },
            balances,
            entries: Vec::new(),
            line,
        };
        self.statements += 1;
        self.sink
            .event(StatementEvent::Begin(Box::new(statement)))?;

        let here = format!("02[{}]/03[{ordinal}]", group.ordinal);
        // Collected whole, an account's entries are likely as many as the last account's.
        let batch_capacity = self.batch_rows.min(ENTRY_BATCH_ROWS.max(self.last_details));
        let mut batch = Vec::with_capacity(batch_capacity);
        let mut details = 0usize;
        let trailer = loop {
            let record = self.next_record(&identifier)?;
            match record.code {
                "16" => {
                    tally.add_record(&record);
                    details += 1;
                    let amount = detail(&record, group, currency, &here, details, &mut batch)?;
                    self.records.recycle(record);
                    tally.amount_sum += i128::from(amount);
                    if batch.len() >= self.batch_rows {
                        let full =
                            std::mem::replace(&mut batch, Vec::with_capacity(batch_capacity));
                        self.sink.event(StatementEvent::Entries(full))?;
                    }
                }
                "49" => {
                    tally.add_record(&record);
                    break record;
                }
                other => {
                    return Err(invalid(
                        record.line,
                        other,
                        "expected a transaction detail (16) or the account trailer (49)",
                    ))
                }
            }
        };
        self.last_details = details;
        let declared = account_trailer(&trailer, &tally)?;
        // The group's total adds up the accounts' trailers, as the specification defines it.
        tally.amount_sum = declared;
        if !batch.is_empty() {
            self.sink.event(StatementEvent::Entries(batch))?;
        }
        self.sink.event(StatementEvent::End {
            balances: Vec::new(),
        })?;
        Ok((tally, currency_defaulted))
    }
}

fn text_field<'a>(fields: &mut Fields<'a>) -> &'a str {
    fields.next_field().map_or("", |f| f.trimmed())
}

fn file_header(record: &Record) -> Result<FileHeader, ParseError> {
    let line = record.line;
    let mut fields = record.fields();
    let _sender = text_field(&mut fields);
    let _receiver = text_field(&mut fields);
    let date = text_field(&mut fields);
    let time = text_field(&mut fields);
    let file_id = text_field(&mut fields);
    let _physical_record_length = text_field(&mut fields);
    let _block_size = text_field(&mut fields);
    let version = text_field(&mut fields);
    if version != "2" {
        return Err(ParseError::Unsupported {
            format: "bai2".into(),
            message: format!(
                "the file header (line {line}) says BAI version '{version}'; Cashline reads version 2"
            ),
        });
    }
    let created_date = parse_date(date).ok_or_else(|| {
        invalid(
            line,
            "01",
            format!("the creation date '{date}' is not a YYMMDD date"),
        )
    })?;
    let created_time = parse_time(time).ok_or_else(|| {
        invalid(
            line,
            "01",
            format!("the creation time '{time}' is not an HHMM time"),
        )
    })?;
    let created_at = match created_time {
        ReportTime::At(time) => Some(created_date.and_time(time).and_utc()),
        ReportTime::EndOfDay => created_date.and_hms_opt(23, 59, 59).map(|at| at.and_utc()),
        ReportTime::Unstated => None,
    };
    Ok(FileHeader {
        file_id: file_id.to_string(),
        created_at,
    })
}

fn group_header(record: &Record, ordinal: usize) -> Result<GroupHeader, ParseError> {
    let line = record.line;
    let mut fields = record.fields();
    let _receiver = text_field(&mut fields);
    let _originator = text_field(&mut fields);
    let status = text_field(&mut fields);
    let date = text_field(&mut fields);
    let time = text_field(&mut fields);
    let currency = text_field(&mut fields);
    let modifier = text_field(&mut fields);
    match status {
        // Update (the default) and correction carry data to import.
        "" | "1" | "3" => {}
        "2" => {
            return Err(invalid(
                line,
                "02",
                "group status 2 (deletion) withdraws data sent before; Cashline does not delete imported statements",
            ))
        }
        "4" => {
            return Err(invalid(
                line,
                "02",
                "group status 4 marks test data, which does not belong in a ledger",
            ))
        }
        other => {
            return Err(invalid(
                line,
                "02",
                format!("'{other}' is not a group status (1 update, 2 deletion, 3 correction, 4 test)"),
            ))
        }
    }
    let as_of_date = parse_date(date).ok_or_else(|| {
        invalid(
            line,
            "02",
            format!("the as-of date '{date}' is not a YYMMDD date"),
        )
    })?;
    let as_of_time = parse_time(time).ok_or_else(|| {
        invalid(
            line,
            "02",
            format!("the as-of time '{time}' is not an HHMM time"),
        )
    })?;
    let currency = if currency.is_empty() {
        None
    } else {
        Some(Currency::from_code(currency).map_err(|e| invalid(line, "02", e.to_string()))?)
    };
    // The as-of-date modifier says whether the report is final; without one, a report as of
    // the end of the day (or of no stated time) is taken as final.
    let (kind, entry_status) = match modifier {
        "1" => (StatementKind::Intraday, EntryStatus::Booked),
        "2" | "4" => (StatementKind::EndOfDay, EntryStatus::Booked),
        "3" => (StatementKind::Intraday, EntryStatus::Pending),
        "" => match as_of_time {
            ReportTime::At(_) => (StatementKind::Intraday, EntryStatus::Pending),
            ReportTime::EndOfDay | ReportTime::Unstated => {
                (StatementKind::EndOfDay, EntryStatus::Booked)
            }
        },
        other => {
            return Err(invalid(
                line,
                "02",
                format!("'{other}' is not an as-of-date modifier (1 to 4)"),
            ))
        }
    };
    Ok(GroupHeader {
        ordinal,
        line,
        as_of_date,
        as_of_time,
        currency,
        kind,
        entry_status,
    })
}

/// Reads the type code / amount / item count / funds type groups of an account record.
fn summaries(fields: &mut Fields<'_>) -> Result<Vec<Summary>, ParseError> {
    let mut summaries = Vec::new();
    while !fields.is_done() {
        let Some(code_field) = fields.next_field() else {
            break;
        };
        if code_field.trimmed().is_empty() {
            // Padding: banks write empty groups (`USD,,,,/`) and trailing commas. The rest of
            // an empty group, up to its end or the end of the physical record, must be empty.
            for _ in 0..3 {
                if fields.at_segment_end() {
                    break;
                }
                let Some(field) = fields.next_field() else {
                    break;
                };
                if !field.trimmed().is_empty() {
                    return Err(invalid(
                        field.line,
                        "03",
                        format!("the amount '{}' has no type code", field.trimmed()),
                    ));
                }
            }
            continue;
        }
        let code = TypeCode::parse(code_field.text).ok_or_else(|| {
            invalid(
                code_field.line,
                "03",
                format!("'{}' is not a three-digit type code", code_field.trimmed()),
            )
        })?;
        let amount_field = fields.next_field();
        let amount = match amount_field {
            Some(field) => amount_of(field, "03", true)?,
            None => None,
        };
        let count = fields.next_field();
        if let Some(count) = count {
            let text = count.trimmed();
            if !text.is_empty() && !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(
                    count.line,
                    "03",
                    format!("the item count '{text}' of type code {code} is not a number"),
                ));
            }
        }
        let funds = fields.next_field();
        funds_type(fields, funds, "03")?;
        summaries.push(Summary { code, amount });
    }
    Ok(summaries)
}

/// Reads a funds type and the fields it brings; returns the value date of `V`.
fn funds_type(
    fields: &mut Fields<'_>,
    funds: Option<Field<'_>>,
    record_code: &str,
) -> Result<Option<NaiveDate>, ParseError> {
    let Some(funds) = funds else {
        return Ok(None);
    };
    let line = funds.line;
    match funds.trimmed().as_bytes() {
        b"" | b"0" | b"1" | b"2" | b"Z" | b"z" => Ok(None),
        // Distributed availability, simple: immediate, one-day and two-or-more-day amounts.
        b"S" | b"s" => {
            for _ in 0..3 {
                if let Some(field) = fields.next_field() {
                    amount_of(field, record_code, true)?;
                }
            }
            Ok(None)
        }
        // Value dated: a date and an optional time.
        b"V" | b"v" => {
            let date = text_field(fields);
            let time = text_field(fields);
            if parse_time(time).is_none() {
                return Err(invalid(
                    line,
                    record_code,
                    format!("the value time '{time}' is not an HHMM time"),
                ));
            }
            if date.is_empty() {
                return Ok(None);
            }
            parse_date(date).map(Some).ok_or_else(|| {
                invalid(
                    line,
                    record_code,
                    format!("the value date '{date}' is not a YYMMDD date"),
                )
            })
        }
        // Distributed availability: a count, then that many (days, amount) pairs.
        b"D" | b"d" => {
            let count_text = text_field(fields);
            let count: usize = count_text
                .parse()
                .ok()
                .filter(|n| *n <= DISTRIBUTIONS_MAX)
                .ok_or_else(|| {
                    invalid(
                        line,
                        record_code,
                        format!("'{count_text}' is not a number of availability distributions (at most {DISTRIBUTIONS_MAX})"),
                    )
                })?;
            for _ in 0..count {
                let days = fields.next_field();
                let amount = fields.next_field();
                let (Some(days), Some(amount)) = (days, amount) else {
                    return Err(invalid(
                        line,
                        record_code,
                        format!("the record ends before its {count} availability distributions do"),
                    ));
                };
                if !days.trimmed().bytes().all(|b| b.is_ascii_digit()) || days.trimmed().is_empty()
                {
                    return Err(invalid(
                        days.line,
                        record_code,
                        format!("'{}' is not a number of days", days.trimmed()),
                    ));
                }
                amount_of(amount, record_code, true)?;
            }
            Ok(None)
        }
        _ => Err(invalid(
            line,
            record_code,
            format!(
                "'{}' is not a funds type (0, 1, 2, S, V, D or Z)",
                funds.trimmed().to_ascii_uppercase()
            ),
        )),
    }
}

/// An amount field: an integer of minor units, signed only where `signed` allows.
fn amount_of(field: Field<'_>, record_code: &str, signed: bool) -> Result<Option<i64>, ParseError> {
    let text = field.trimmed();
    if text.is_empty() {
        return Ok(None);
    }
    let (negative, digits) = match text.as_bytes()[0] {
        b'+' => (false, &text[1..]),
        b'-' if signed => (true, &text[1..]),
        b'-' => {
            return Err(invalid(
                field.line,
                record_code,
                format!("the amount '{text}' has a sign; a transaction's type code says whether it is a credit or a debit"),
            ))
        }
        _ => (false, text),
    };
    if digits.is_empty()
        || digits.len() > AMOUNT_DIGITS_MAX
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(invalid(
            field.line,
            record_code,
            format!("the amount '{text}' is not a whole number of minor units (no decimal point, at most {AMOUNT_DIGITS_MAX} digits)"),
        ));
    }
    // At most 18 digits: the value fits an i64.
    let value = digits
        .bytes()
        .fold(0i64, |value, digit| value * 10 + i64::from(digit - b'0'));
    Ok(Some(if negative { -value } else { value }))
}

/// A transaction detail (16) as an entry; returns the amount as written, for the account's
/// control total. `here` is the account's element (`02[1]/03[2]`), `ordinal` the detail's within it. The
/// entry goes into `entries` (built there rather than moved through a `Result`).
fn detail(
    record: &Record,
    group: &GroupHeader,
    currency: Currency,
    here: &str,
    ordinal: usize,
    entries: &mut Vec<ParsedEntry>,
) -> Result<i64, ParseError> {
    let line = record.line;
    let mut fields = record.fields();
    let code_text = text_field(&mut fields);
    let code = TypeCode::parse(code_text).ok_or_else(|| {
        invalid(
            line,
            "16",
            format!("'{code_text}' is not a three-digit type code"),
        )
    })?;
    let class = code.class().ok_or_else(|| {
        invalid(
            line,
            "16",
            format!("type code {code} is not assigned, so its direction is unknown"),
        )
    })?;
    let amount_field = fields.next_field();
    let written = match amount_field {
        Some(field) => amount_of(field, "16", false)?,
        None => None,
    }
    .ok_or_else(|| invalid(line, "16", "the transaction has no amount"))?;
    let funds = fields.next_field();
    let value_date = funds_type(&mut fields, funds, "16")?;
    let bank_ref = non_empty(text_field(&mut fields));
    let customer_ref = non_empty(text_field(&mut fields));
    let text = Some(fields.rest_as_text()).filter(|text| !text.is_empty());
    let (signed, status) = match class {
        TypeClass::Credit => (written, group.entry_status),
        TypeClass::Debit => (-written, group.entry_status),
        // Loan detail and non-monetary records describe; they move no money on the account.
        TypeClass::Loan | TypeClass::NonMonetary => (written, EntryStatus::Information),
        TypeClass::Status => {
            return Err(invalid(
                line,
                "16",
                format!(
                "type code {code} is an account status, which a transaction detail cannot carry"
            ),
            ))
        }
    };
    entries.push(ParsedEntry {
        amount: Money::from_minor(signed, currency),
        status,
        reversal: false,
        booking_date: Some(group.as_of_date),
        value_date,
        bank_ref,
        entry_ref: customer_ref,
        end_to_end_id: None,
        counterparty_name: None,
        counterparty_iban: None,
        remittance: text,
        creditor_reference: None,
        // The three digits as written: what `TypeCode`'s `Display` would write.
        bank_transaction_code: Some(code_text.to_string()),
        source_element: source_element(here, ordinal, line),
        details: Vec::new(),
    });
    Ok(written)
}

/// `02[1]/03[2]/16[3] (line 12)`, written in one go.
fn source_element(here: &str, ordinal: usize, line: usize) -> String {
    use crate::scan::decimal_len;
    let length = here.len() + "/16[] (line )".len() + decimal_len(ordinal) + decimal_len(line);
    let mut out = String::with_capacity(length);
    out.push_str(here);
    out.push_str("/16[");
    crate::scan::push_decimal(&mut out, ordinal);
    out.push_str("] (line ");
    crate::scan::push_decimal(&mut out, line);
    out.push(')');
    out
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// A trailer's control total: blank counts as zero, as the files that leave it blank mean.
fn control_total(field: Option<Field<'_>>, record: &Record) -> Result<i128, ParseError> {
    match field {
        Some(field) => Ok(i128::from(
            amount_of(field, record.code, true)?.unwrap_or(0),
        )),
        None => Ok(0),
    }
}

fn count_field(field: Option<Field<'_>>, record: &Record, what: &str) -> Result<u64, ParseError> {
    let text = field.map(|f| f.trimmed().to_string()).unwrap_or_default();
    text.parse::<u64>().map_err(|_| {
        if text.is_empty() {
            invalid(record.line, record.code, format!("the {what} is missing"))
        } else {
            invalid(
                record.line,
                record.code,
                format!("the {what} '{text}' is not a number"),
            )
        }
    })
}

fn check_total(
    record: &Record,
    declared: i128,
    computed: i128,
    of_what: &str,
) -> Result<(), ParseError> {
    if declared != computed {
        return Err(invalid(
            record.line,
            record.code,
            format!("control total {declared} does not equal the sum {computed} of {of_what}"),
        ));
    }
    Ok(())
}

/// Record counts as the specification defines them include continuation records; some banks
/// leave those out. Either reading is accepted, nothing else.
fn check_records(
    record: &Record,
    declared: u64,
    tally: &Tally,
    of_what: &str,
) -> Result<(), ParseError> {
    if declared != tally.records && declared != tally.records_logical {
        let counted = if tally.records == tally.records_logical {
            format!("{}", tally.records)
        } else {
            format!(
                "{} ({} without continuations)",
                tally.records, tally.records_logical
            )
        };
        return Err(invalid(
            record.line,
            record.code,
            format!(
                "the record count {declared} does not equal the {counted} records of {of_what}"
            ),
        ));
    }
    Ok(())
}

/// Checks an account trailer (49); returns its control total.
fn account_trailer(record: &Record, tally: &Tally) -> Result<i128, ParseError> {
    let mut fields = record.fields();
    let declared = control_total(fields.next_field(), record)?;
    check_total(record, declared, tally.amount_sum, "the account's amounts")?;
    let records = count_field(fields.next_field(), record, "record count")?;
    check_records(record, records, tally, "the account")?;
    Ok(declared)
}

fn group_trailer(record: &Record, tally: &Tally, accounts: usize) -> Result<(), ParseError> {
    let mut fields = record.fields();
    let declared = control_total(fields.next_field(), record)?;
    check_total(
        record,
        declared,
        tally.amount_sum,
        "the group's account control totals",
    )?;
    let accounts_declared = count_field(fields.next_field(), record, "number of accounts")?;
    if accounts_declared != accounts as u64 {
        return Err(invalid(
            record.line,
            record.code,
            format!("the group declares {accounts_declared} accounts but holds {accounts}"),
        ));
    }
    let records = count_field(fields.next_field(), record, "record count")?;
    check_records(record, records, tally, "the group")
}

fn file_trailer(record: &Record, tally: &Tally, groups: usize) -> Result<(), ParseError> {
    let mut fields = record.fields();
    let declared = control_total(fields.next_field(), record)?;
    check_total(
        record,
        declared,
        tally.amount_sum,
        "the file's group control totals",
    )?;
    let groups_declared = count_field(fields.next_field(), record, "number of groups")?;
    if groups_declared != groups as u64 {
        return Err(invalid(
            record.line,
            record.code,
            format!("the file declares {groups_declared} groups but holds {groups}"),
        ));
    }
    let records = count_field(fields.next_field(), record, "record count")?;
    check_records(record, records, tally, "the file")
}

/// `YYMMDD`; a year from 70 on is 19YY, an earlier one 20YY (as chrono's `%y` reads it).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let [y1, y2, m1, m2, d1, d2] = *text.as_bytes() else {
        return None;
    };
    let yy = two_digits(y1, y2)?;
    let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
    NaiveDate::from_ymd_opt(year as i32, two_digits(m1, m2)?, two_digits(d1, d2)?)
}

fn two_digits(tens: u8, ones: u8) -> Option<u32> {
    (tens.is_ascii_digit() && ones.is_ascii_digit())
        .then(|| u32::from(tens - b'0') * 10 + u32::from(ones - b'0'))
}

/// Military time (`0000` to `2400`, `9999` for end of day), as most banks write it, or
/// `HH:MM:SS`, as some write it in the file header.
fn parse_time(text: &str) -> Option<ReportTime> {
    match text {
        "" => Some(ReportTime::Unstated),
        "2400" | "9999" => Some(ReportTime::EndOfDay),
        _ if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) => {
            let bytes = text.as_bytes();
            let hours = two_digits(bytes[0], bytes[1])?;
            let minutes = two_digits(bytes[2], bytes[3])?;
            NaiveTime::from_hms_opt(hours, minutes, 0).map(ReportTime::At)
        }
        _ => NaiveTime::parse_from_str(text, "%H:%M:%S")
            .ok()
            .map(ReportTime::At),
    }
}

#[cfg(test)]
mod tests;
