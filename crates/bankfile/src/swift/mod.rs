//! SWIFT MT940 (customer statement) and MT942 (interim transaction report), with or without
//! the FIN header blocks, in the dialects of the banks that send them.
//!
//! Each message (one page of a statement) becomes one [`ParsedStatement`]: its `:60F:`/`:60M:`
//! and `:62F:`/`:62M:` are the opening and closing booked balances of that page, so the
//! engine's balance check holds page by page.
//!
//! A file streams message by message ([`parse_stream`]): it is read line by line, cut into
//! messages where a header `{1:`, a terminator `-}` or a second `:20:` says, and each message's
//! statement is handed over before much more is read, so memory is bounded by the largest
//! message ([`MESSAGE_BYTES_MAX`]) whatever the file's size.

use std::io::BufRead;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;

use cashline_domain::{
    AccountKey, BalanceType, Bic, Currency, EntryStatus, Iban, Money, StatementKind,
};

use crate::stream::{Collect, StatementEvent, StatementSink, ENTRY_BATCH_ROWS};
use crate::{
    FileFormat, ParseError, ParsedAccount, ParsedBalance, ParsedEntry, ParsedFile, ParsedStatement,
};

mod details;
mod tag;
pub mod write;

use tag::{Field, Message, NextLine};

/// How far into a file detection looks for the tags that make it an MT940 or MT942; banks put
/// at most a short file header before the first message.
const DETECT_BYTES_MAX: usize = 64 * 1024;
/// Most significant digits accepted in an amount: SWIFT allows 15 characters, and 18 digits
/// still fit minor units in an `i64`.
const AMOUNT_DIGITS_MAX: usize = 18;
/// Largest message accepted, in bytes of memory (its text and the bookkeeping of its fields
/// and lines). A message is held whole while it is read, so this bounds the memory a file of
/// any size needs; real messages take kilobytes, a month of a busy account a few megabytes.
pub const MESSAGE_BYTES_MAX: usize = 64 * 1024 * 1024;
/// Two-digit years from this one on are read as 19YY, earlier ones as 20YY.
const YEAR_PIVOT: u32 = 80;

/// Which of the two messages a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Mt940,
    Mt942,
}

impl Kind {
    fn format(self) -> FileFormat {
        match self {
            Kind::Mt940 => FileFormat::Mt940,
            Kind::Mt942 => FileFormat::Mt942,
        }
    }
}

/// Recognises an MT940 by its `:20:`, `:25:` and opening balance (`:60F:`/`:60M:`) tags, an
/// MT942 by `:34F:` or `:13D:` without an opening balance; an application header
/// (`{2:I940…}`) settles it where there is one.
pub fn detect(bytes: &[u8]) -> Option<FileFormat> {
    let head = &bytes[..bytes.len().min(DETECT_BYTES_MAX)];
    let (tags, types) = tag::tags_in(&tag::decode(head));
    classify(&tags, types.first().map(String::as_str)).map(Kind::format)
}

fn classify(tags: &[String], message_type: Option<&str>) -> Option<Kind> {
    let has = |wanted: &[&str]| tags.iter().any(|t| wanted.contains(&t.as_str()));
    let opening = has(&["60F", "60M", "60"]);
    let account = has(&["25", "25P"]);
    // Without `:25:` an opening balance still says MT940, so that parsing can name what is
    // missing rather than call the file unknown.
    if !has(&["20"]) || !(account || opening) {
        return None;
    }
    match message_type {
        // MT950 is the bank-to-bank twin of MT940, with the same fields.
        Some("940") | Some("950") => return Some(Kind::Mt940),
        Some("942") => return Some(Kind::Mt942),
        // Another FIN message (MT900, MT103, …) that happens to have these tags.
        Some(_) => return None,
        None => {}
    }
    if opening {
        Some(Kind::Mt940)
    } else if has(&["34F", "13D", "13"]) {
        Some(Kind::Mt942)
    } else if has(&["28C", "28", "61", "62F", "62M"]) {
        // A statement without an opening balance: parsing says what is missing.
        Some(Kind::Mt940)
    } else {
        None
    }
}

/// Parses every message of an MT940 or MT942 file.
pub fn parse(bytes: &[u8]) -> Result<ParsedFile, ParseError> {
    let format = detect(bytes).ok_or(ParseError::UnknownFormat)?;
    let mut collect = Collect::default();
    // Collected whole, a message's entries go over in one batch rather than being copied
    // batch by batch into the statement.
    let warnings = stream_batched(bytes, &format, MESSAGE_BYTES_MAX, usize::MAX, &mut collect)?;
    Ok(ParsedFile {
        format,
        statements: collect.statements,
        warnings,
    })
}

/// Streams an MT940 or MT942 file (`format` as detected from its start) into `sink`, message by
/// message: the file is read line by line, and each message's statement is handed over before
/// the message after the next one is read, so memory is bounded by the largest message (see
/// [`MESSAGE_BYTES_MAX`]) whatever the file's size. Returns the warnings.
pub fn parse_stream<R: BufRead>(
    reader: R,
    format: &FileFormat,
    sink: &mut dyn StatementSink,
) -> Result<Vec<String>, ParseError> {
    stream(reader, format, MESSAGE_BYTES_MAX, sink)
}

/// [`parse_stream`] with the largest message as a parameter (tests use a small one).
fn stream<R: BufRead>(
    reader: R,
    format: &FileFormat,
    message_bytes_max: usize,
    sink: &mut dyn StatementSink,
) -> Result<Vec<String>, ParseError> {
    stream_batched(reader, format, message_bytes_max, ENTRY_BATCH_ROWS, sink)
}

/// [`stream`] handing over entries `batch_rows` at a time.
fn stream_batched<R: BufRead>(
    reader: R,
    format: &FileFormat,
    message_bytes_max: usize,
    batch_rows: usize,
    sink: &mut dyn StatementSink,
) -> Result<Vec<String>, ParseError> {
    let file_kind = match format {
        FileFormat::Mt940 => Kind::Mt940,
        FileFormat::Mt942 => Kind::Mt942,
        _ => return Err(ParseError::UnknownFormat),
    };
    Streamer {
        lines: tag::LineReader::new(reader, message_bytes_max),
        message_bytes_max,
        batch_rows,
        splitter: tag::Splitter::default(),
        file_kind,
        sink,
        waiting: None,
        built: 0,
        warnings: Vec::new(),
    }
    .run()
}

struct Streamer<'s, R> {
    lines: tag::LineReader<R>,
    /// Largest message accepted, in bytes ([`MESSAGE_BYTES_MAX`]).
    message_bytes_max: usize,
    /// Entries handed over at once ([`ENTRY_BATCH_ROWS`] when streaming).
    batch_rows: usize,
    splitter: tag::Splitter,
    file_kind: Kind,
    sink: &'s mut dyn StatementSink,
    /// A complete message not built yet: whether it is the file's last (which decides between
    /// a truncated file and a malformed message) is known only once a later message has a
    /// field, or the file ends.
    waiting: Option<Message>,
    /// Messages built so far.
    built: usize,
    warnings: Vec<String>,
}

impl<R: BufRead> Streamer<'_, R> {
    fn run(mut self) -> Result<Vec<String>, ParseError> {
        loop {
            match self.lines.next_line()? {
                NextLine::Line(number, text) => {
                    self.splitter.line(number, text)?;
                    self.take_complete()?;
                    if let Some(current) = self.splitter.current() {
                        if current.bytes > self.message_bytes_max {
                            return Err(self.too_large(current.line));
                        }
                        if current.has_fields() {
                            if let Some(message) = self.waiting.take() {
                                self.build(message, false)?;
                            }
                        }
                    }
                }
                NextLine::TooLong(number) => {
                    let start = self.splitter.current().map_or(number, |m| m.line);
                    return Err(self.too_large(start));
                }
                NextLine::End => break,
            }
        }
        if let Some(line) = self.splitter.finish() {
            let ordinal = self.built + usize::from(self.waiting.is_some()) + 1;
            return Err(ParseError::Invalid {
                line,
                element: format!("Msg[{ordinal}]"),
                message: "the file ends inside a message: its block has begun but holds no \
                          complete field"
                    .into(),
            });
        }
        self.take_complete()?;
        if let Some(message) = self.waiting.take() {
            self.build(message, true)?;
        }
        if self.built == 0 {
            return Err(ParseError::Invalid {
                line: 1,
                element: "Msg[1]".into(),
                message: "the file holds no message".into(),
            });
        }
        Ok(self.warnings)
    }

    fn take_complete(&mut self) -> Result<(), ParseError> {
        let complete = self.splitter.take_complete();
        if complete.is_empty() {
            return Ok(());
        }
        for message in complete {
            if let Some(before) = self.waiting.replace(message) {
                self.build(before, false)?;
            }
        }
        Ok(())
    }

    fn build(&mut self, message: Message, last: bool) -> Result<(), ParseError> {
        self.built += 1;
        let mut statement = build_statement(
            &message,
            self.built,
            self.file_kind,
            last,
            &mut self.warnings,
        )?;
        drop(message);
        let entries = std::mem::take(&mut statement.entries);
        self.sink
            .event(StatementEvent::Begin(Box::new(statement)))?;
        if entries.len() <= self.batch_rows {
            if !entries.is_empty() {
                self.sink.event(StatementEvent::Entries(entries))?;
            }
        } else {
            let mut entries = entries.into_iter().peekable();
            while entries.peek().is_some() {
                let batch: Vec<ParsedEntry> = entries.by_ref().take(self.batch_rows).collect();
                self.sink.event(StatementEvent::Entries(batch))?;
            }
        }
        self.sink.event(StatementEvent::End {
            balances: Vec::new(),
        })
    }

    fn too_large(&self, line: usize) -> ParseError {
        let ordinal = self.built + usize::from(self.waiting.is_some()) + 1;
        invalid(
            line,
            &format!("Msg[{ordinal}]"),
            format!(
                "the message starting on line {line} is larger than {}, the most one message may take; it is refused rather than held in memory",
                size_text(self.message_bytes_max)
            ),
        )
    }
}

/// `64 MiB`, or a number of bytes where that is not whole.
fn size_text(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

fn invalid(line: usize, element: &str, message: impl Into<String>) -> ParseError {
    ParseError::Invalid {
        line,
        element: element.to_string(),
        message: message.into(),
    }
}

/// A balance field as written: `C261120EUR3345,67`.
struct RawBalance<'a> {
    tag: &'a str,
    line: usize,
    credit: bool,
    date: NaiveDate,
    /// The date as written did not exist (30 February) and was moved to the month's end.
    date_moved: bool,
    currency: String,
    amount: Decimal,
}

struct EntryDraft<'a> {
    field: Field<'a>,
    /// The text of each `:86:` that follows the entry's `:61:`: usually one, which needs no
    /// Vec of its own.
    details: Option<&'a str>,
    more_details: Vec<&'a str>,
}

/// `:90D:`/`:90C:`: how many debits or credits the report holds and their sum.
struct Sum<'a> {
    field: Field<'a>,
    count: u64,
    currency: String,
    amount: Decimal,
}

#[derive(Default)]
struct Draft<'a> {
    reference: Option<Field<'a>>,
    account: Option<Field<'a>>,
    number: Option<Field<'a>>,
    opening: Option<RawBalance<'a>>,
    closing: Option<RawBalance<'a>>,
    available: Option<RawBalance<'a>>,
    forward: Vec<RawBalance<'a>>,
    floor_currency: Option<String>,
    created_at: Option<DateTime<Utc>>,
    sums: Vec<Sum<'a>>,
    entries: Vec<EntryDraft<'a>>,
}

fn build_statement(
    message: &Message,
    ordinal: usize,
    file_kind: Kind,
    last: bool,
    warnings: &mut Vec<String>,
) -> Result<ParsedStatement, ParseError> {
    let here = format!("Msg[{ordinal}]");
    if message.in_block && !message.closed {
        return Err(if last {
            ParseError::Truncated {
                line: message.line_end,
                element: here,
            }
        } else {
            invalid(
                message.line_end,
                &here,
                "the message is not closed with -} before the next one begins; it looks cut short",
            )
        });
    }
    let kind = message_kind(message, file_kind);

    let fields = message.fields();
    let mut draft = Draft::default();
    let mut after_entry = false;
    for &field in &fields {
        let tag = field.tag;
        match tag {
            "61" => {
                draft.entries.push(EntryDraft {
                    field,
                    details: None,
                    more_details: Vec::new(),
                });
                after_entry = true;
                continue;
            }
            // Several `:86:` after one `:61:` continue each other (Danske Bank, old Rabobank).
            "86" if after_entry => {
                if let Some(entry) = draft.entries.last_mut() {
                    match entry.details {
                        None => entry.details = Some(field.text()),
                        Some(_) => entry.more_details.push(field.text()),
                    }
                }
                continue;
            }
            // Non-SWIFT supplements (`:NS:`) sit between an entry and its details.
            "NS" => continue,
            _ => {}
        }
        let element = format!("{here}/:{tag}:");
        match tag {
            // Information for the whole statement, not for one entry.
            "86" => {}
            "20" => draft.reference = Some(field),
            "21" => {}
            "25" | "25P" => once(&mut draft.account, field, &element)?,
            "28C" | "28" => once(&mut draft.number, field, &element)?,
            "60F" | "60M" | "60" => {
                let balance = raw_balance(field, &element)?;
                if draft.opening.replace(balance).is_some() {
                    return Err(invalid(field.line, &element, "a second opening balance"));
                }
            }
            "62F" | "62M" | "62" => {
                let balance = raw_balance(field, &element)?;
                if draft.closing.replace(balance).is_some() {
                    return Err(invalid(field.line, &element, "a second closing balance"));
                }
            }
            "64" => draft.available = Some(raw_balance(field, &element)?),
            "65" => draft.forward.push(raw_balance(field, &element)?),
            "34F" => {
                let currency: String = field.first().chars().take(3).collect();
                if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
                    return Err(invalid(
                        field.line,
                        &element,
                        format!("'{}' does not start with a currency code", field.first()),
                    ));
                }
                draft.floor_currency.get_or_insert(currency);
            }
            "13D" | "13" => {
                let at = date_time(field.first()).ok_or_else(|| {
                    invalid(
                        field.line,
                        &element,
                        format!(
                            "'{}' is not a date and time (YYMMDDhhmm, then ±hhmm)",
                            field.first()
                        ),
                    )
                })?;
                draft.created_at = Some(at);
            }
            "90D" | "90C" => draft.sums.push(sum(field, &element)?),
            other => warnings.push(format!(
                "line {}: {here}: field :{other}: is not part of an MT940 or MT942 and was ignored",
                field.line
            )),
        }
        after_entry = false;
    }
    finish(message, &here, kind, last, draft, warnings)
}

/// A message's own kind: its header's, else its tags', else the file's.
fn message_kind(message: &Message, file_kind: Kind) -> Kind {
    let has = |wanted: &[&str]| message.tags().any(|tag| wanted.contains(&tag));
    match message.message_type.as_deref() {
        Some("940") | Some("950") => Kind::Mt940,
        Some("942") => Kind::Mt942,
        _ if has(&["60F", "60M", "60"]) => Kind::Mt940,
        _ if has(&["34F", "13D", "13"]) => Kind::Mt942,
        _ => file_kind,
    }
}

fn once<'a>(
    slot: &mut Option<Field<'a>>,
    field: Field<'a>,
    element: &str,
) -> Result<(), ParseError> {
    if slot.replace(field).is_some() {
        return Err(invalid(
            field.line,
            element,
            "the field appears twice in one message",
        ));
    }
    Ok(())
}

fn finish(
    message: &Message,
    here: &str,
    kind: Kind,
    last: bool,
    draft: Draft<'_>,
    warnings: &mut Vec<String>,
) -> Result<ParsedStatement, ParseError> {
    // A last message that stops before its closing balance is a cut-off file, whatever else
    // it lacks.
    if kind == Kind::Mt940 && draft.closing.is_none() && last && !message.closed {
        return Err(ParseError::Truncated {
            line: message.line_end,
            element: format!("{here}/:62F:"),
        });
    }
    let reference = draft.reference.ok_or_else(|| {
        invalid(
            message.line,
            &format!("{here}/:20:"),
            "the message has no transaction reference (:20:)",
        )
    })?;
    let account_field = draft.account.ok_or_else(|| {
        invalid(
            message.line,
            &format!("{here}/:25:"),
            "the message names no account (:25:)",
        )
    })?;
    if kind == Kind::Mt940 {
        if draft.opening.is_none() {
            return Err(invalid(
                message.line,
                &format!("{here}/:60F:"),
                "the statement has no opening balance (:60F: or :60M:)",
            ));
        }
        if draft.closing.is_none() {
            return Err(invalid(
                message.line_end,
                &format!("{here}/:62F:"),
                "the statement ends without a closing balance (:62F: or :62M:)",
            ));
        }
    }
    let account = account(&account_field, &format!("{here}/:25:"))?;

    // The statement's currency: the balances', else the floor limit's or the sums' (MT942), else
    // the one some banks add to the account.
    let currency_text = draft
        .opening
        .as_ref()
        .or(draft.closing.as_ref())
        .or(draft.available.as_ref())
        .or(draft.forward.first())
        .map(|b| b.currency.clone())
        .or(draft.floor_currency.clone())
        .or(draft.sums.first().map(|s| s.currency.clone()))
        .or(account.currency.clone())
        .ok_or_else(|| {
            invalid(
                account_field.line,
                &format!("{here}/:25:"),
                "the statement's currency is given nowhere (no balance, :34F: or :90D:)",
            )
        })?;
    let currency_field = draft
        .opening
        .as_ref()
        .map_or(account_field.line, |b| b.line);
    let currency = Currency::from_code(&currency_text)
        .map_err(|e| invalid(currency_field, &format!("{here}/:60F:"), e.to_string()))?;

    let (closing_type, available_type) = match kind {
        Kind::Mt940 => (BalanceType::ClosingBooked, BalanceType::ClosingAvailable),
        // An interim report's balances are true for a moment of the day, not at its close.
        Kind::Mt942 => (BalanceType::InterimBooked, BalanceType::InterimAvailable),
    };
    let typed = [
        (draft.opening.as_ref(), BalanceType::OpeningBooked),
        (draft.closing.as_ref(), closing_type),
        (draft.available.as_ref(), available_type),
    ];
    let mut balances = Vec::new();
    for (raw, balance_type) in typed
        .into_iter()
        .filter_map(|(raw, balance_type)| raw.map(|raw| (raw, balance_type)))
        .chain(
            draft
                .forward
                .iter()
                .map(|raw| (raw, BalanceType::ForwardAvailable)),
        )
    {
        let element = format!("{here}/:{}:", raw.tag);
        if !raw.currency.eq_ignore_ascii_case(currency.code()) {
            return Err(invalid(
                raw.line,
                &element,
                format!(
                    "the balance is in {} but the statement is in {currency}",
                    raw.currency
                ),
            ));
        }
        let amount = Money::new(raw.amount, currency)
            .map_err(|e| invalid(raw.line, &element, e.to_string()))?;
        if raw.date_moved {
            warnings.push(moved_date(raw.line, &element, raw.date));
        }
        balances.push(ParsedBalance {
            balance_type,
            amount: if raw.credit { amount } else { amount.negated() },
            date: raw.date,
            as_of: if kind == Kind::Mt942 {
                draft.created_at
            } else {
                None
            },
        });
    }

    let status = match kind {
        Kind::Mt940 => EntryStatus::Booked,
        // Provisional until the end-of-day statement books them.
        Kind::Mt942 => EntryStatus::Pending,
    };
    let mut entries = Vec::with_capacity(draft.entries.len());
    let mut scratch = details::Scratch::default();
    for (index, entry) in draft.entries.iter().enumerate() {
        build_entry(
            entry,
            here,
            index + 1,
            currency,
            status,
            &mut scratch,
            warnings,
            &mut entries,
        )?;
    }
    for sum in &draft.sums {
        check_sum(sum, &entries, currency, here, warnings)?;
    }

    // Some banks wrap even this short field (`:28C:0000`, then `0`).
    let number_text = draft.number.map(|f| f.concat()).unwrap_or_default();
    let number_text = number_text.trim();
    let (number, page) = match number_text.split_once('/') {
        Some((number, page)) => (number.trim(), Some(page.trim())),
        None => (number_text.trim(), None),
    };
    let message_id = reference.first().to_string();
    // The statement number counts statements per account, which is what the engine's gap check
    // needs from a sequence number.
    let sequence_number = (!number.is_empty()).then(|| number.to_string());
    let number = sequence_number
        .clone()
        .unwrap_or_else(|| message_id.clone());
    // Banks reuse statement numbers (`00000` every day, or 1 again each year), so the
    // statement's date belongs to its reference: without it two days would be one statement.
    let dated = match kind {
        Kind::Mt940 => draft.closing.as_ref().map(|b| b.date.to_string()),
        Kind::Mt942 => draft
            .created_at
            .map(|at| at.format("%Y-%m-%dT%H:%MZ").to_string())
            .or_else(|| {
                entries
                    .iter()
                    .filter_map(|e| e.value_date)
                    .max()
                    .map(|d| d.to_string())
            }),
    };
    let statement_ref = match dated {
        Some(date) => format!("{number} ({date})"),
        None => number.clone(),
    };
    Ok(ParsedStatement {
        kind: match kind {
            Kind::Mt940 => StatementKind::EndOfDay,
            Kind::Mt942 => StatementKind::Intraday,
        },
        message_id,
        statement_ref,
        sequence_number,
        page_number: page.and_then(|p| p.parse().ok()),
        created_at: draft.created_at,
        period_from: None,
        period_to: None,
        account: ParsedAccount {
            key: account.key,
            iban: account.iban,
            currency,
            bic: account.bic,
            bank_name: None,
            owner_name: None,
        },
        balances,
        entries,
        line: message.line,
    })
}

fn raw_balance<'a>(field: Field<'a>, element: &str) -> Result<RawBalance<'a>, ParseError> {
    let text = field.first();
    let fail = |message: String| invalid(field.line, element, message);
    let credit = match text.chars().next() {
        Some('C') => true,
        Some('D') => false,
        _ => {
            return Err(fail(format!(
                "'{text}' does not start with C (credit) or D (debit)"
            )))
        }
    };
    let (date, date_moved) = text
        .get(1..7)
        .and_then(date_yymmdd)
        .ok_or_else(|| fail(format!("'{text}' has no date (YYMMDD) after its C/D mark")))?;
    let currency = text
        .get(7..10)
        .filter(|c| c.chars().all(|c| c.is_ascii_alphabetic()))
        .ok_or_else(|| fail(format!("'{text}' has no currency code after its date")))?;
    let amount_text = &text[10..];
    let amount = decimal(amount_text).ok_or_else(|| {
        fail(format!(
            "'{}' is not an amount (digits with a decimal comma)",
            amount_text.trim()
        ))
    })?;
    Ok(RawBalance {
        tag: field.tag,
        line: field.line,
        credit,
        date,
        date_moved,
        currency: currency.to_ascii_uppercase(),
        amount,
    })
}

fn sum<'a>(field: Field<'a>, element: &str) -> Result<Sum<'a>, ParseError> {
    let text = field.first();
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let currency = text.get(digits..digits + 3).unwrap_or_default();
    let amount = text.get(digits + 3..).and_then(decimal);
    match (
        currency.chars().all(|c| c.is_ascii_alphabetic()) && currency.len() == 3,
        amount,
    ) {
        (true, Some(amount)) => Ok(Sum {
            field,
            count: text[..digits].parse().unwrap_or(0),
            currency: currency.to_ascii_uppercase(),
            amount,
        }),
        _ => Err(invalid(
            field.line,
            element,
            format!("'{text}' is not a number of entries, a currency and an amount"),
        )),
    }
}

/// `:90D:`/`:90C:` must agree with the entries; a disagreement is worth a warning, not a
/// refusal, since the entries themselves are what gets booked.
fn check_sum(
    sum: &Sum<'_>,
    entries: &[ParsedEntry],
    currency: Currency,
    here: &str,
    warnings: &mut Vec<String>,
) -> Result<(), ParseError> {
    let element = format!("{here}/:{}:", sum.field.tag);
    let stated = Money::new(sum.amount, currency)
        .map_err(|e| invalid(sum.field.line, &element, e.to_string()))?;
    let debits = sum.field.tag == "90D";
    let mut count = 0u64;
    let mut total = Money::zero(currency);
    for entry in entries.iter().filter(|e| e.amount.is_negative() == debits) {
        count += 1;
        let magnitude = if debits {
            entry.amount.negated()
        } else {
            entry.amount
        };
        total = total
            .checked_add(&magnitude)
            .map_err(|e| invalid(sum.field.line, &element, e.to_string()))?;
    }
    if count != sum.count || total != stated {
        warnings.push(format!(
            "line {}: {element} states {} entries for {stated}, the report holds {count} for {total}",
            sum.field.line, sum.count
        ));
    }
    Ok(())
}

/// What `:25:` says about the account.
struct Account {
    key: AccountKey,
    iban: Option<Iban>,
    bic: Option<Bic>,
    currency: Option<String>,
}

/// `:25:` holds an IBAN, `BIC/number`, `bank code/number` or a bare number, often with the
/// currency after it (`NL68INGB0000012345EUR`, `…/0100033626 EUR`, `…/HUF`).
fn account(field: &Field<'_>, element: &str) -> Result<Account, ParseError> {
    let written = field.first();
    let fail = |message: String| invalid(field.line, element, message);
    if written.is_empty() {
        return Err(fail("the account is empty".into()));
    }
    let (text, currency) = strip_currency(written);
    let key = AccountKey::parse(text).map_err(|e| fail(e.to_string()))?;
    if let Ok(iban) = Iban::parse(text) {
        return Ok(Account {
            key: AccountKey::from_iban(&iban),
            iban: Some(iban),
            bic: None,
            currency,
        });
    }
    let (bic, iban) = match text.split_once('/') {
        Some((prefix, number)) => (
            Bic::parse(prefix)
                .ok()
                .filter(|_| prefix.len() == prefix.trim().len()),
            Iban::parse(number).ok(),
        ),
        None => (None, None),
    };
    Ok(Account {
        key: iban.as_ref().map_or(key, AccountKey::from_iban),
        iban,
        bic,
        currency,
    })
}

fn strip_currency(text: &str) -> (&str, Option<String>) {
    if Iban::parse(text).is_ok() {
        return (text, None);
    }
    let Some(at) = text
        .len()
        .checked_sub(3)
        .filter(|at| *at > 0 && text.is_char_boundary(*at))
    else {
        return (text, None);
    };
    let (head, tail) = text.split_at(at);
    let is_code = tail.bytes().all(|b| b.is_ascii_uppercase()) && Currency::from_code(tail).is_ok();
    // The code follows a blank, a slash or the number's last digit; after a letter it would be
    // part of the number.
    let separated = head.ends_with([' ', '/']) || head.ends_with(|c: char| c.is_ascii_digit());
    let number = head.trim_end_matches([' ', '/']);
    if is_code && separated && !number.is_empty() {
        (number, Some(tail.to_string()))
    } else {
        (text, None)
    }
}

/// A `:61:` statement line as written: `2611201120C3000,00NTRFE2E-0//REF-0`.
struct StatementLine<'a> {
    value_date: NaiveDate,
    /// The value date as written did not exist and was moved to the month's end.
    value_date_moved: bool,
    entry_date: Option<NaiveDate>,
    /// `D`, `C`, `RD` or `RC`.
    mark: &'a str,
    amount: Decimal,
    type_code: Option<&'a str>,
    customer_reference: &'a str,
    bank_reference: Option<&'a str>,
}

/// Where the first `//` in `text` starts.
fn find_double_slash(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(offset) = memchr::memchr(b'/', &bytes[from..]) {
        let at = from + offset;
        if bytes.get(at + 1) == Some(&b'/') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn statement_line(text: &str) -> Result<StatementLine<'_>, String> {
    let text = crate::scan::trim(text);
    let (value_date, value_date_moved) = text.get(..6).and_then(date_yymmdd).ok_or_else(|| {
        format!(
            "'{}' is not a value date (YYMMDD)",
            text.chars().take(6).collect::<String>()
        )
    })?;
    let mut rest = &text[6..];
    let mut entry_date = None;
    if let Some(mmdd) = rest
        .get(..4)
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
    {
        entry_date = Some(
            entry_date_near(value_date, mmdd)
                .ok_or_else(|| format!("'{mmdd}' is not an entry date (MMDD)"))?,
        );
        rest = &rest[4..];
    } else if rest.starts_with("    ") {
        // Some banks fill an absent entry date with blanks.
        rest = &rest[4..];
    }
    let mark_length = if rest.starts_with("RD") || rest.starts_with("RC") {
        2
    } else if rest.starts_with('D') || rest.starts_with('C') {
        1
    } else {
        return Err(format!(
            "'{}' is not a debit/credit mark (C, D, RC or RD)",
            rest.chars().take(2).collect::<String>()
        ));
    };
    let mark = &rest[..mark_length];
    rest = &rest[mark_length..];
    // The optional funds code is the third letter of the currency code.
    let bytes = rest.as_bytes();
    if bytes.len() > 1
        && bytes[0].is_ascii_uppercase()
        && (bytes[1].is_ascii_digit() || bytes[1] == b',')
    {
        rest = &rest[1..];
    }
    rest = rest.strip_prefix(' ').unwrap_or(rest);
    let amount_length = rest
        .bytes()
        .position(|b| !(b.is_ascii_digit() || b == b',' || b == b'.'))
        .unwrap_or(rest.len());
    let amount_text = &rest[..amount_length];
    let amount = decimal(amount_text)
        .ok_or_else(|| format!("'{amount_text}' is not an amount (digits with a decimal comma)"))?;
    rest = &rest[amount_length..];
    let type_code = transaction_type(rest);
    if let Some(code) = type_code {
        rest = &rest[code.len()..];
    }
    let (customer, bank) = match find_double_slash(rest) {
        Some(at) => (&rest[..at], Some(crate::scan::trim(&rest[at + 2..]))),
        None => (rest, None),
    };
    Ok(StatementLine {
        value_date,
        value_date_moved,
        entry_date,
        mark,
        amount,
        type_code: type_code.map(str::trim),
        customer_reference: crate::scan::trim(customer),
        bank_reference: bank.filter(|b| !details::is_placeholder(b)),
    })
}

/// The transaction type after the amount: `N`, `F` or `S` and a three-character code (`NTRF`,
/// `N024`, `FMSC`); other letters and blanks occur in the wild (`NOV `, `S   `, `MCI0`). A
/// line going straight on to `//` or `NONREF` has none.
fn transaction_type(rest: &str) -> Option<&str> {
    let bytes = rest.as_bytes();
    let code_ok = bytes.len() >= 4
        && bytes[0].is_ascii_alphabetic()
        && bytes[1..4]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b' ');
    let is_reference_only =
        rest.starts_with("NONREF") && (rest.len() == 6 || rest[6..].starts_with("//"));
    (code_ok && !is_reference_only).then(|| &rest[..4])
}

fn moved_date(line: usize, element: &str, date: NaiveDate) -> String {
    format!(
        "line {line}: {element}: the date written does not exist (30 February, as in 30/360 interest postings); read as {date}"
    )
}

/// The entry of a `:61:` and its details, the `ordinal`th of message `here`, into `entries`
/// (built there rather than moved through a `Result`).
#[allow(clippy::too_many_arguments)]
fn build_entry(
    entry: &EntryDraft<'_>,
    here: &str,
    ordinal: usize,
    currency: Currency,
    status: EntryStatus,
    scratch: &mut details::Scratch,
    warnings: &mut Vec<String>,
    entries: &mut Vec<ParsedEntry>,
) -> Result<(), ParseError> {
    // Spelt out only where it is shown: in an error or a warning.
    let element = || format!("{here}/:61:[{ordinal}]");
    let field = entry.field;
    let line = statement_line(field.first()).map_err(|m| invalid(field.line, &element(), m))?;
    if line.value_date_moved {
        warnings.push(moved_date(field.line, &element(), line.value_date));
    }
    let magnitude = Money::new(line.amount, currency)
        .map_err(|e| invalid(field.line, &element(), e.to_string()))?;
    // RD reverses a debit (money comes back), RC reverses a credit (money leaves).
    let amount = match line.mark {
        "C" | "RD" => magnitude,
        _ => magnitude.negated(),
    };
    let all_details: Vec<&str>;
    let details_fields: &[&str] = match &entry.details {
        None => &[],
        Some(first) if entry.more_details.is_empty() => std::slice::from_ref(first),
        Some(first) => {
            all_details = std::iter::once(*first)
                .chain(entry.more_details.iter().copied())
                .collect();
            &all_details
        }
    };
    let details = details::parse(details_fields, scratch);
    let bank_transaction_code = details
        .transaction_code
        .or_else(|| line.type_code.filter(|c| !c.is_empty()).map(str::to_string));
    let mut source_element = String::with_capacity(
        here.len()
            + "/:61:[] (line )".len()
            + crate::scan::decimal_len(ordinal)
            + crate::scan::decimal_len(field.line),
    );
    source_element.push_str(here);
    source_element.push_str("/:61:[");
    crate::scan::push_decimal(&mut source_element, ordinal);
    source_element.push_str("] (line ");
    crate::scan::push_decimal(&mut source_element, field.line);
    source_element.push(')');
    entries.push(ParsedEntry {
        amount,
        status,
        reversal: line.mark.starts_with('R'),
        booking_date: Some(line.entry_date.unwrap_or(line.value_date)),
        value_date: Some(line.value_date),
        bank_ref: line.bank_reference.map(str::to_string),
        entry_ref: Some(line.customer_reference)
            .filter(|r| !details::is_placeholder(r))
            .map(str::to_string),
        end_to_end_id: details.end_to_end_id,
        counterparty_name: details.counterparty_name,
        counterparty_iban: details.counterparty_iban,
        remittance: details.remittance,
        creditor_reference: details.creditor_reference,
        bank_transaction_code,
        source_element,
        details: Vec::new(),
    });
    Ok(())
}

/// SWIFT amounts: digits with a decimal comma (`1234,5`, `1234,`), never a sign. A decimal point
/// is read too, as some old exports write one.
fn decimal(text: &str) -> Option<Decimal> {
    let text = crate::scan::trim(text);
    let (whole, fraction) = match text.split_once(',') {
        Some(parts) => parts,
        None => text.split_once('.').unwrap_or((text, "")),
    };
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits_only(whole) || !digits_only(fraction) {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    if whole.len() + fraction.len() > AMOUNT_DIGITS_MAX {
        return None;
    }
    // As `whole.fraction` would parse, each part at least `0`: the same digits and scale.
    let whole = if whole.is_empty() { "0" } else { whole };
    let fraction = if fraction.is_empty() { "0" } else { fraction };
    let mantissa = whole
        .bytes()
        .chain(fraction.bytes())
        .fold(0i128, |value, digit| value * 10 + i128::from(digit - b'0'));
    Decimal::try_from_i128_with_scale(mantissa, fraction.len() as u32).ok()
}

/// `YYMMDD`, with the flag set where the day was past the month's end and read as its last day.
fn date_yymmdd(text: &str) -> Option<(NaiveDate, bool)> {
    if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |at: usize| {
        let bytes = text.as_bytes();
        u32::from(bytes[at] - b'0') * 10 + u32::from(bytes[at + 1] - b'0')
    };
    let (yy, month, day) = (number(0), number(2), number(4));
    let year = if yy >= YEAR_PIVOT {
        1900 + yy
    } else {
        2000 + yy
    };
    day_in_month(i32::try_from(year).ok()?, month, day)
}

/// German banks date interest postings 30 February (30/360 day count): a day past the month's
/// end, up to 31, is read as the month's last day, as other readers of MT940 do.
fn day_in_month(year: i32, month: u32, day: u32) -> Option<(NaiveDate, bool)> {
    if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
        return Some((date, false));
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let last = (28..=31)
        .rev()
        .find_map(|d| NaiveDate::from_ymd_opt(year, month, d))?;
    (day > last.day()).then_some((last, true))
}

/// The entry date has no year: it is the one closest to the value date, which puts a booking on
/// 2 January of an entry valued 31 December in the next year.
fn entry_date_near(value_date: NaiveDate, mmdd: &str) -> Option<NaiveDate> {
    let month: u32 = mmdd[..2].parse().ok()?;
    let day: u32 = mmdd[2..].parse().ok()?;
    let year = value_date.year();
    // Dates a year apart are at least 364 days apart (29 February against 28 February), so
    // one within 181 days of the value date is the closest.
    let (same_year, _) = day_in_month(year, month, day)?;
    if (same_year - value_date).num_days().abs() <= 181 {
        return Some(same_year);
    }
    [year - 1, year, year + 1]
        .into_iter()
        .filter_map(|y| day_in_month(y, month, day).map(|(d, _)| d))
        .min_by_key(|d| (*d - value_date).num_days().abs())
}

/// `:13D:` `YYMMDDhhmm+hhmm` (older `:13:` without the offset, read as UTC).
fn date_time(text: &str) -> Option<DateTime<Utc>> {
    let (date, _) = date_yymmdd(text.get(..6)?)?;
    let clock = text.get(6..10)?;
    let naive = NaiveDateTime::parse_from_str(&format!("{date} {clock}"), "%Y-%m-%d %H%M").ok()?;
    let offset = match text.get(10..) {
        None | Some("") => FixedOffset::east_opt(0)?,
        Some(zone) => {
            let sign = match zone.chars().next()? {
                '+' => 1,
                '-' => -1,
                _ => return None,
            };
            let digits = zone
                .get(1..5)
                .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?;
            if zone.len() != 5 {
                return None;
            }
            let hours: i32 = digits[..2].parse().ok()?;
            let minutes: i32 = digits[2..].parse().ok()?;
            FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))?
        }
    };
    naive
        .and_local_timezone(offset)
        .single()
        .map(|at| at.with_timezone(&Utc))
}

#[cfg(test)]
mod tests;
