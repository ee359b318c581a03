//! ISO 20022 cash management messages: camt.052 (intraday report), camt.053 (end-of-day
//! statement) and camt.054 (debit/credit notification), versions .001.02 to .001.13.
//!
//! The versions differ mostly in namespace and a few spellings (`Sts` as text or as `Cd`,
//! `Dbtr/Nm` or `Dbtr/Pty/Nm`, `BIC` or `BICFI`), so one streaming reader serves them all:
//! it keeps the path of open elements and picks values by their path relative to the
//! innermost statement, balance, entry or transaction element.

use std::fmt;
use std::io::BufRead;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use rust_decimal::Decimal;

use cashline_domain::{
    AccountKey, BalanceType, Bic, Currency, EntryStatus, Iban, Money, StatementKind,
};

use crate::stream::{Collect, LineCounter, StatementEvent, StatementSink, ENTRY_BATCH_ROWS};
use crate::{
    FileFormat, ParseError, ParsedAccount, ParsedBalance, ParsedDetail, ParsedEntry, ParsedFile,
    ParsedStatement, DETAILS_PER_ENTRY_MAX,
};

pub mod write;

const NAMESPACE_PREFIX: &str = "urn:iso:std:iso:20022:tech:xsd:camt.";
/// How far into a file detection looks for the root element.
const DETECT_BYTES_MAX: usize = 4096;
/// Deepest element nesting accepted; camt documents stay well below 20.
const DEPTH_MAX: usize = 64;
/// Longest text accepted in one element (remittance lines are at most 140 characters).
const TEXT_CHARS_MAX: usize = 16 * 1024;
/// Text the transaction details of one entry may keep together. A hundred thousand real
/// transactions need about 30 MiB; without a bound, one entry of a hostile file could hold
/// gigabytes however few details it has.
const ENTRY_DETAIL_BYTES_MAX: usize = 64 * 1024 * 1024;
/// Detail bytes after which a batch of entries goes to the sink before its 500 entries: an
/// entry carries its details, so a batch of large batch bookings would otherwise hold far more
/// than a batch of plain entries. Ordinary files, with one or a few details an entry, never
/// reach it.
const BATCH_DETAIL_BYTES_MAX: usize = 4 * 1024 * 1024;
const VERSION_MIN: u32 = 2;
const VERSION_MAX: u32 = 13;

/// Which camt message and version, from the document's namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CamtVersion {
    /// 52, 53 or 54.
    pub message: u32,
    /// The `.001.NN` version number.
    pub version: u32,
}

impl CamtVersion {
    pub fn statement_kind(&self) -> StatementKind {
        match self.message {
            52 => StatementKind::Intraday,
            54 => StatementKind::Notification,
            _ => StatementKind::EndOfDay,
        }
    }

    fn container(&self) -> &'static [u8] {
        match self.message {
            52 => b"Rpt",
            54 => b"Ntfctn",
            _ => b"Stmt",
        }
    }
}

impl fmt::Display for CamtVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "camt.{:03}.001.{:02}", self.message, self.version)
    }
}

/// Recognises a camt document by the namespace on its root element.
pub fn detect(bytes: &[u8]) -> Option<CamtVersion> {
    let head = &bytes[..bytes.len().min(DETECT_BYTES_MAX)];
    let text = String::from_utf8_lossy(head);
    let start = text.find(NAMESPACE_PREFIX)? + NAMESPACE_PREFIX.len();
    let rest = &text[start..];
    // "053.001.08" followed by a quote or space.
    let id: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let mut parts = id.split('.');
    let message: u32 = parts.next()?.parse().ok()?;
    let _variant = parts.next()?;
    let version: u32 = parts.next()?.parse().ok()?;
    matches!(message, 52..=54).then_some(CamtVersion { message, version })
}

/// Parses a whole camt document into canonical statements.
pub fn parse(bytes: &[u8], version: CamtVersion) -> Result<ParsedFile, ParseError> {
    let mut collect = Collect::default();
    let warnings = parse_stream(bytes, version, &mut collect)?;
    Ok(ParsedFile {
        format: FileFormat::Camt(version),
        statements: collect.statements,
        warnings,
    })
}

/// Streams a camt document into `sink`, statement by statement and entries in batches, so
/// memory stays bounded whatever the file's size. Returns the warnings.
pub fn parse_stream<R: BufRead>(
    reader: R,
    version: CamtVersion,
    sink: &mut dyn StatementSink,
) -> Result<Vec<String>, ParseError> {
    if !(VERSION_MIN..=VERSION_MAX).contains(&version.version) {
        return Err(ParseError::Unsupported {
            format: version.to_string(),
            message: format!(
                "Cashline reads versions .001.{VERSION_MIN:02} to .001.{VERSION_MAX:02}"
            ),
        });
    }
    Walker::new(reader, version, sink).run()
}

/// The text and attributes of an element, collected between its start and end.
#[derive(Default)]
struct Open {
    name: Vec<u8>,
    text: String,
    currency: Option<String>,
    line: usize,
}

#[derive(Default)]
struct StatementDraft {
    line: usize,
    statement_ref: Option<String>,
    electronic_sequence: Option<String>,
    legal_sequence: Option<String>,
    page_number: Option<u32>,
    created_at: Option<DateTime<Utc>>,
    period_from: Option<DateTime<Utc>>,
    period_to: Option<DateTime<Utc>>,
    account_iban: Option<String>,
    account_other: Option<String>,
    account_currency: Option<String>,
    bic: Option<String>,
    bank_name: Option<String>,
    owner_name: Option<String>,
    balances: Vec<BalanceDraft>,
    /// Entries seen so far, for their ordinal.
    entry_count: usize,
    /// Set once the statement's header went to the sink; entries can then be built.
    header: Option<StatementContext>,
    /// Built entries not yet handed over.
    batch: Vec<ParsedEntry>,
    /// What the details of `batch` hold, by the measure of [`BATCH_DETAIL_BYTES_MAX`].
    batch_detail_bytes: usize,
}

/// What building an entry needs from its statement.
#[derive(Clone)]
struct StatementContext {
    currency: Currency,
    here: String,
}

#[derive(Default)]
struct BalanceDraft {
    line: usize,
    code: Option<String>,
    amount: Option<(String, String, usize)>,
    credit_debit: Option<String>,
    date: Option<NaiveDate>,
    date_time: Option<DateTime<Utc>>,
}

#[derive(Default)]
struct EntryDraft {
    line: usize,
    ordinal: usize,
    amount: Option<(String, String, usize)>,
    credit_debit: Option<String>,
    reversal: bool,
    status: Option<String>,
    booking_date: Option<NaiveDate>,
    value_date: Option<NaiveDate>,
    bank_ref: Option<String>,
    entry_ref: Option<String>,
    domain_code: Option<String>,
    family_code: Option<String>,
    sub_family_code: Option<String>,
    proprietary_code: Option<String>,
    additional_info: Option<String>,
    transactions: Vec<TransactionDraft>,
    /// Text kept in `transactions`, against [`ENTRY_DETAIL_BYTES_MAX`].
    detail_bytes: usize,
}

#[derive(Default)]
struct TransactionDraft {
    line: usize,
    /// `TxDtls/Amt`, from .001.03 on.
    amount: Option<(String, String, usize)>,
    /// `AmtDtls/TxAmt/Amt`, the amount as booked on the account: all that .001.02 has.
    amount_booked: Option<(String, String, usize)>,
    credit_debit: Option<String>,
    end_to_end_id: Option<String>,
    instruction_id: Option<String>,
    mandate_id: Option<String>,
    bank_ref: Option<String>,
    debtor_name: Option<String>,
    debtor_iban: Option<String>,
    creditor_name: Option<String>,
    creditor_iban: Option<String>,
    unstructured: Vec<String>,
    creditor_reference: Option<String>,
    return_reason: Option<String>,
}

struct Walker<'s, R: BufRead> {
    reader: Reader<LineCounter<R>>,
    version: CamtVersion,
    sink: &'s mut dyn StatementSink,
    stack: Vec<Open>,
    message_id: Option<String>,
    message_created_at: Option<DateTime<Utc>>,
    statement_count: usize,
    statement: Option<StatementDraft>,
    balance: Option<BalanceDraft>,
    entry: Option<EntryDraft>,
    transaction: Option<TransactionDraft>,
    /// Depth (stack length) at which the open statement, balance, entry and transaction start.
    statement_depth: usize,
    balance_depth: usize,
    entry_depth: usize,
    transaction_depth: usize,
    saw_root: bool,
    warnings: Vec<String>,
}

impl<'s, R: BufRead> Walker<'s, R> {
    fn new(reader: R, version: CamtVersion, sink: &'s mut dyn StatementSink) -> Self {
        Walker {
            reader: Reader::from_reader(LineCounter::new(reader)),
            version,
            sink,
            stack: Vec::new(),
            message_id: None,
            message_created_at: None,
            statement_count: 0,
            statement: None,
            balance: None,
            entry: None,
            transaction: None,
            statement_depth: 0,
            balance_depth: 0,
            entry_depth: 0,
            transaction_depth: 0,
            saw_root: false,
            warnings: Vec::new(),
        }
    }

    fn line(&self) -> usize {
        self.reader.get_ref().line()
    }

    fn path(&self) -> String {
        self.stack
            .iter()
            .map(|o| String::from_utf8_lossy(&o.name).into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }

    fn invalid(&self, line: usize, element: &str, message: impl Into<String>) -> ParseError {
        ParseError::Invalid {
            line,
            element: element.to_string(),
            message: message.into(),
        }
    }

    fn run(mut self) -> Result<Vec<String>, ParseError> {
        self.reader.config_mut().trim_text(false);
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            let line = self.line();
            let event = match self.reader.read_event_into(&mut buffer) {
                Ok(event) => event,
                Err(error) => {
                    return Err(ParseError::Xml {
                        line: self.reader.get_ref().line(),
                        message: error.to_string(),
                    })
                }
            };
            match event {
                Event::DocType(_) => {
                    // A DTD could declare entities; bank files never need one, so none is read.
                    return Err(ParseError::Xml {
                        line,
                        message: "a DOCTYPE declaration is not accepted in bank files".into(),
                    });
                }
                Event::Start(start) => {
                    let start = start.into_owned();
                    self.start(&start, line)?
                }
                Event::Empty(start) => {
                    let start = start.into_owned();
                    self.start(&start, line)?;
                    self.end(line)?;
                }
                Event::End(_) => self.end(line)?,
                Event::Text(text) if self.stack.is_empty() => {
                    // Only white space may stand outside the root element: anything else means
                    // the XML is wrapped in something that is not a bank file.
                    if !text.iter().all(u8::is_ascii_whitespace) {
                        return Err(ParseError::Xml {
                            line,
                            message:
                                "text outside the root element; this is not a plain XML document"
                                    .into(),
                        });
                    }
                }
                Event::Text(text) => {
                    let value = text.unescape().map_err(|e| ParseError::Xml {
                        line,
                        message: e.to_string(),
                    })?;
                    if let Some(open) = self.stack.last_mut() {
                        open.text.push_str(&value);
                    }
                }
                Event::CData(data) => {
                    if let Some(open) = self.stack.last_mut() {
                        open.text.push_str(&String::from_utf8_lossy(&data));
                    }
                }
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
            if let Some(open) = self.stack.last() {
                if open.text.len() > TEXT_CHARS_MAX {
                    let line = open.line;
                    return Err(self.invalid(line, &self.path(), "the element's text is too long"));
                }
            }
        }
        if !self.stack.is_empty() || !self.saw_root {
            let element = if self.stack.is_empty() {
                "Document".to_string()
            } else {
                self.path()
            };
            return Err(ParseError::Truncated {
                line: self.line(),
                element,
            });
        }
        if self.statement_count == 0 {
            if self.message_id.is_none() {
                return Err(self.invalid(1, "GrpHdr/MsgId", "the message has no message id"));
            }
            let container = String::from_utf8_lossy(self.version.container()).into_owned();
            return Err(self.invalid(
                1,
                &container,
                format!("the message holds no {container} element"),
            ));
        }
        Ok(self.warnings)
    }

    fn start(&mut self, start: &BytesStart<'_>, line: usize) -> Result<(), ParseError> {
        if self.stack.len() >= DEPTH_MAX {
            return Err(self.invalid(line, &self.path(), "elements are nested too deeply"));
        }
        let name = start.local_name().as_ref().to_vec();
        let mut currency = None;
        if name == b"Amt" {
            for attribute in start.attributes() {
                let attribute = attribute.map_err(|e| ParseError::Xml {
                    line,
                    message: e.to_string(),
                })?;
                if attribute.key.local_name().as_ref() == b"Ccy" {
                    let value = attribute.unescape_value().map_err(|e| ParseError::Xml {
                        line,
                        message: e.to_string(),
                    })?;
                    currency = Some(value.into_owned());
                }
            }
        }
        // White space before a child is the parent's indentation, not its text: kept, it
        // would add up over thousands of entries or transactions past the text bound.
        if let Some(parent) = self.stack.last_mut() {
            if parent.text.bytes().all(|b| b.is_ascii_whitespace()) {
                parent.text.clear();
            }
        }
        self.stack.push(Open {
            name,
            text: String::new(),
            currency,
            line,
        });
        self.saw_root = true;
        let depth = self.stack.len();
        let name = self.stack[depth - 1].name.as_slice();
        // Document / BkToCstmrStmt / Stmt is depth 3.
        if depth == 3 && name == self.version.container() {
            self.statement_count += 1;
            self.statement = Some(StatementDraft {
                line,
                ..Default::default()
            });
            self.statement_depth = depth;
        } else if self.statement.is_some() && depth == self.statement_depth + 1 && name == b"Bal" {
            self.balance = Some(BalanceDraft {
                line,
                ..Default::default()
            });
            self.balance_depth = depth;
        } else if self.statement.is_some() && depth == self.statement_depth + 1 && name == b"Ntry" {
            let ordinal = self.statement.as_mut().map_or(0, |s| {
                s.entry_count += 1;
                s.entry_count
            });
            self.entry = Some(EntryDraft {
                line,
                ordinal,
                ..Default::default()
            });
            self.entry_depth = depth;
        } else if self.transaction.is_none() && name == b"TxDtls" {
            if let Some(entry) = &self.entry {
                let held = entry.transactions.len();
                if held >= DETAILS_PER_ENTRY_MAX {
                    let container = String::from_utf8_lossy(self.version.container());
                    let element = format!(
                        "{container}[{}]/Ntry[{}]/TxDtls[{}]",
                        self.statement_count,
                        entry.ordinal,
                        held + 1
                    );
                    return Err(self.invalid(
                        line,
                        &element,
                        format!(
                            "the entry holds more than {DETAILS_PER_ENTRY_MAX} transaction details"
                        ),
                    ));
                }
                self.transaction = Some(TransactionDraft {
                    line,
                    ..Default::default()
                });
                self.transaction_depth = depth;
            }
        }
        Ok(())
    }

    fn end(&mut self, line: usize) -> Result<(), ParseError> {
        let open = self
            .stack
            .pop()
            .expect("the XML reader checks that end tags match");
        // The element's path is only spelled out for an error: joining it for every element
        // would cost more than the rest of the parse.
        self.end_element(&open, line).map_err(|error| match error {
            ParseError::Invalid {
                line,
                element,
                message,
            } if element.is_empty() => {
                let mut path = self.path();
                if !path.is_empty() {
                    path.push('/');
                }
                path.push_str(&String::from_utf8_lossy(&open.name));
                ParseError::Invalid {
                    line,
                    element: path,
                    message,
                }
            }
            other => other,
        })
    }

    /// The names of the open elements from `depth` on, then `last`.
    fn relative<'n>(stack: &'n [Open], depth: usize, last: &'n [u8]) -> Vec<&'n [u8]> {
        stack[depth.min(stack.len())..]
            .iter()
            .map(|o| o.name.as_slice())
            .chain(std::iter::once(last))
            .collect()
    }

    fn end_element(&mut self, open: &Open, line: usize) -> Result<(), ParseError> {
        let depth = self.stack.len() + 1;
        let text = open.text.trim().to_string();
        // Errors below name no element; `end` fills in the path.
        let path_text = "";

        if let Some(transaction) = self.transaction.as_mut() {
            if depth == self.transaction_depth {
                let done = self.transaction.take().expect("checked above");
                if let Some(entry) = self.entry.as_mut() {
                    entry.transactions.push(done);
                }
                return Ok(());
            }
            let rel = Self::relative(&self.stack, self.transaction_depth, &open.name);
            let kept = transaction_field(
                transaction,
                &rel,
                text,
                open.currency.clone(),
                open.line,
                path_text,
            )?;
            if let Some(entry) = self.entry.as_mut() {
                entry.detail_bytes += kept;
                if entry.detail_bytes > ENTRY_DETAIL_BYTES_MAX {
                    return Err(self.invalid(
                        open.line,
                        path_text,
                        format!(
                            "the entry's transaction details hold more than {} MiB of text",
                            ENTRY_DETAIL_BYTES_MAX / (1024 * 1024)
                        ),
                    ));
                }
            }
            return Ok(());
        }
        if let Some(entry) = self.entry.as_mut() {
            if depth == self.entry_depth {
                let done = self.entry.take().expect("checked above");
                return self.entry_done(done);
            }
            let rel = Self::relative(&self.stack, self.entry_depth, &open.name);
            return entry_field(
                entry,
                &rel,
                text,
                open.currency.clone(),
                open.line,
                path_text,
            );
        }
        if let Some(balance) = self.balance.as_mut() {
            if depth == self.balance_depth {
                let done = self.balance.take().expect("checked above");
                if let Some(statement) = self.statement.as_mut() {
                    statement.balances.push(done);
                }
                return Ok(());
            }
            let rel = Self::relative(&self.stack, self.balance_depth, &open.name);
            return balance_field(
                balance,
                &rel,
                text,
                open.currency.clone(),
                open.line,
                path_text,
            );
        }
        if let Some(statement) = self.statement.as_mut() {
            if depth == self.statement_depth {
                return self.statement_done();
            }
            let rel = Self::relative(&self.stack, self.statement_depth, &open.name);
            return statement_field(statement, &rel, text, open.line, path_text);
        }
        // Group header: Document / BkToCstmrStmt / GrpHdr / MsgId.
        if self.stack.len() == 3 && self.stack[2].name == b"GrpHdr" {
            match open.name.as_slice() {
                b"MsgId" => self.message_id = Some(text),
                b"CreDtTm" => {
                    self.message_created_at = Some(parse_instant(&text).ok_or_else(|| {
                        self.invalid(line, path_text, format!("'{text}' is not an ISO date-time"))
                    })?)
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Hands the statement's header to the sink the first time it is needed: at its first
    /// entry, or at its end when it has none.
    fn begin_statement(
        &mut self,
        first_entry_currency: Option<String>,
    ) -> Result<StatementContext, ParseError> {
        let statement = self.statement.as_mut().expect("called inside a statement");
        if let Some(context) = &statement.header {
            return Ok(context.clone());
        }
        // The group header precedes every statement; without a message id nothing is named.
        let message_id = self.message_id.clone().ok_or_else(|| ParseError::Invalid {
            line: 1,
            element: "GrpHdr/MsgId".into(),
            message: "the message has no message id".into(),
        })?;
        let (header, context) = build_header(
            statement,
            first_entry_currency,
            self.statement_count,
            self.version,
            &message_id,
            self.message_created_at,
            &mut self.warnings,
        )?;
        statement.header = Some(context.clone());
        self.sink.event(StatementEvent::Begin(Box::new(header)))?;
        Ok(context)
    }

    fn entry_done(&mut self, entry: EntryDraft) -> Result<(), ParseError> {
        let currency = entry.amount.as_ref().map(|a| a.1.clone());
        let context = self.begin_statement(currency)?;
        let detail_bytes =
            entry.detail_bytes + entry.transactions.len() * std::mem::size_of::<ParsedDetail>();
        let built = build_entry(entry, &context)?;
        let statement = self
            .statement
            .as_mut()
            .expect("entries are inside statements");
        statement.batch.push(built);
        statement.batch_detail_bytes += detail_bytes;
        if statement.batch.len() >= ENTRY_BATCH_ROWS
            || statement.batch_detail_bytes >= BATCH_DETAIL_BYTES_MAX
        {
            let batch = std::mem::take(&mut statement.batch);
            statement.batch_detail_bytes = 0;
            self.sink.event(StatementEvent::Entries(batch))?;
        }
        Ok(())
    }

    fn statement_done(&mut self) -> Result<(), ParseError> {
        self.begin_statement(None)?;
        let mut statement = self.statement.take().expect("called inside a statement");
        if !statement.batch.is_empty() {
            self.sink.event(StatementEvent::Entries(std::mem::take(
                &mut statement.batch,
            )))?;
        }
        self.sink.event(StatementEvent::End {
            balances: Vec::new(),
        })
    }
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

fn statement_field(
    statement: &mut StatementDraft,
    rel: &[&[u8]],
    text: String,
    line: usize,
    path: &str,
) -> Result<(), ParseError> {
    let instant = |text: &str| {
        parse_instant(text).ok_or_else(|| ParseError::Invalid {
            line,
            element: path.to_string(),
            message: format!("'{text}' is not an ISO date-time"),
        })
    };
    match rel {
        [b"Id"] => statement.statement_ref = non_empty(text),
        [b"ElctrncSeqNb"] => statement.electronic_sequence = non_empty(text),
        [b"LglSeqNb"] => statement.legal_sequence = non_empty(text),
        [b"StmtPgntn" | b"RptPgntn" | b"NtfctnPgntn", b"PgNb"] => {
            statement.page_number = text.parse().ok()
        }
        [b"CreDtTm"] => statement.created_at = Some(instant(&text)?),
        [b"FrToDt", b"FrDtTm"] => statement.period_from = Some(instant(&text)?),
        [b"FrToDt", b"ToDtTm"] => statement.period_to = Some(instant(&text)?),
        [b"Acct", b"Id", b"IBAN"] => statement.account_iban = non_empty(text),
        [b"Acct", b"Id", b"Othr", b"Id"] => statement.account_other = non_empty(text),
        [b"Acct", b"Ccy"] => statement.account_currency = non_empty(text),
        [b"Acct", b"Ownr", b"Nm"] => statement.owner_name = non_empty(text),
        [b"Acct", b"Svcr", b"FinInstnId", b"BICFI" | b"BIC"] => statement.bic = non_empty(text),
        [b"Acct", b"Svcr", b"FinInstnId", b"Nm"] => statement.bank_name = non_empty(text),
        _ => {}
    }
    Ok(())
}

fn balance_field(
    balance: &mut BalanceDraft,
    rel: &[&[u8]],
    text: String,
    currency: Option<String>,
    line: usize,
    path: &str,
) -> Result<(), ParseError> {
    match rel {
        // .001.02 onwards nest the code in CdOrPrtry; the sub-type is not needed here.
        [b"Tp", b"CdOrPrtry", b"Cd"] | [b"Tp", b"Cd"] => balance.code = non_empty(text),
        [b"Tp", b"CdOrPrtry", b"Prtry"] if balance.code.is_none() => balance.code = non_empty(text),
        [b"Amt"] => {
            let currency = currency.ok_or_else(|| ParseError::Invalid {
                line,
                element: path.to_string(),
                message: "the amount has no Ccy attribute".into(),
            })?;
            balance.amount = Some((text, currency, line));
        }
        [b"CdtDbtInd"] => balance.credit_debit = non_empty(text),
        [b"Dt", b"Dt"] => balance.date = Some(parse_date_at(&text, line, path)?),
        [b"Dt", b"DtTm"] => {
            let at = parse_instant(&text).ok_or_else(|| ParseError::Invalid {
                line,
                element: path.to_string(),
                message: format!("'{text}' is not an ISO date-time"),
            })?;
            balance.date_time = Some(at);
        }
        _ => {}
    }
    Ok(())
}

fn entry_field(
    entry: &mut EntryDraft,
    rel: &[&[u8]],
    text: String,
    currency: Option<String>,
    line: usize,
    path: &str,
) -> Result<(), ParseError> {
    match rel {
        [b"Amt"] => {
            let currency = currency.ok_or_else(|| ParseError::Invalid {
                line,
                element: path.to_string(),
                message: "the amount has no Ccy attribute".into(),
            })?;
            entry.amount = Some((text, currency, line));
        }
        [b"CdtDbtInd"] => entry.credit_debit = non_empty(text),
        [b"RvslInd"] => entry.reversal = text == "true" || text == "1",
        // Sts is plain text up to .001.08 and a choice with Cd from .001.09 on.
        [b"Sts"] | [b"Sts", b"Cd"] if !text.is_empty() => entry.status = Some(text),
        [b"BookgDt", b"Dt"] => entry.booking_date = Some(parse_date_at(&text, line, path)?),
        [b"BookgDt", b"DtTm"] => {
            entry.booking_date = Some(parse_date_of_instant(&text, line, path)?)
        }
        [b"ValDt", b"Dt"] => entry.value_date = Some(parse_date_at(&text, line, path)?),
        [b"ValDt", b"DtTm"] => entry.value_date = Some(parse_date_of_instant(&text, line, path)?),
        [b"AcctSvcrRef"] => entry.bank_ref = non_empty(text),
        [b"NtryRef"] => entry.entry_ref = non_empty(text),
        [b"BkTxCd", b"Domn", b"Cd"] => entry.domain_code = non_empty(text),
        [b"BkTxCd", b"Domn", b"Fmly", b"Cd"] => entry.family_code = non_empty(text),
        [b"BkTxCd", b"Domn", b"Fmly", b"SubFmlyCd"] => entry.sub_family_code = non_empty(text),
        [b"BkTxCd", b"Prtry", b"Cd"] => entry.proprietary_code = non_empty(text),
        [b"AddtlNtryInf"] => entry.additional_info = non_empty(text),
        _ => {}
    }
    Ok(())
}

/// Keeps one value of a transaction; returns the bytes of text kept, which the entry's bound
/// counts.
fn transaction_field(
    transaction: &mut TransactionDraft,
    rel: &[&[u8]],
    text: String,
    currency: Option<String>,
    line: usize,
    path: &str,
) -> Result<usize, ParseError> {
    if text.is_empty() {
        return Ok(0);
    }
    let kept = text.len();
    let amount = |text: String, currency: Option<String>| {
        currency
            .map(|currency| (text, currency, line))
            .ok_or_else(|| ParseError::Invalid {
                line,
                element: path.to_string(),
                message: "the amount has no Ccy attribute".into(),
            })
    };
    // Parties moved under `Pty` in .001.08; both spellings are read.
    let rel: Vec<&[u8]> = rel.iter().copied().filter(|n| *n != b"Pty").collect();
    match rel.as_slice() {
        [b"Amt"] => transaction.amount = Some(amount(text, currency)?),
        [b"AmtDtls", b"TxAmt", b"Amt"] => transaction.amount_booked = Some(amount(text, currency)?),
        [b"CdtDbtInd"] => transaction.credit_debit = Some(text),
        [b"Refs", b"EndToEndId"] if text != "NOTPROVIDED" => transaction.end_to_end_id = Some(text),
        [b"Refs", b"InstrId"] => transaction.instruction_id = Some(text),
        [b"Refs", b"MndtId"] => transaction.mandate_id = Some(text),
        [b"Refs", b"AcctSvcrRef"] => transaction.bank_ref = Some(text),
        [b"RltdPties", b"Dbtr", b"Nm"] => transaction.debtor_name = Some(text),
        [b"RltdPties", b"DbtrAcct", b"Id", b"IBAN"] => transaction.debtor_iban = Some(text),
        [b"RltdPties", b"Cdtr", b"Nm"] => transaction.creditor_name = Some(text),
        [b"RltdPties", b"CdtrAcct", b"Id", b"IBAN"] => transaction.creditor_iban = Some(text),
        [b"RmtInf", b"Ustrd"] => transaction.unstructured.push(text),
        [b"RmtInf", b"Strd", b"CdtrRefInf", b"Ref"] => transaction.creditor_reference = Some(text),
        [b"RtrInf", b"Rsn", b"Cd"] => transaction.return_reason = Some(text),
        _ => return Ok(0),
    }
    Ok(kept)
}

/// The statement without its entries, once its account and balances are read (they come
/// before the entries in camt), and what its entries need to be built.
fn build_header(
    draft: &StatementDraft,
    first_entry_currency: Option<String>,
    ordinal: usize,
    version: CamtVersion,
    message_id: &str,
    message_created_at: Option<DateTime<Utc>>,
    warnings: &mut Vec<String>,
) -> Result<(ParsedStatement, StatementContext), ParseError> {
    let container = String::from_utf8_lossy(version.container()).into_owned();
    let here = format!("{container}[{ordinal}]");
    let invalid = |line: usize, element: &str, message: String| ParseError::Invalid {
        line,
        element: format!("{here}/{element}"),
        message,
    };
    let statement_ref = draft
        .statement_ref
        .clone()
        .ok_or_else(|| invalid(draft.line, "Id", "the statement has no Id".into()))?;
    let account_text = draft
        .account_iban
        .clone()
        .or_else(|| draft.account_other.clone())
        .ok_or_else(|| {
            invalid(
                draft.line,
                "Acct/Id",
                "the statement names no account (neither IBAN nor Othr/Id)".into(),
            )
        })?;
    let key = AccountKey::parse(&account_text)
        .map_err(|e| invalid(draft.line, "Acct/Id", e.to_string()))?;
    let iban = match Iban::parse(&account_text) {
        Ok(iban) => Some(iban),
        Err(error) => {
            if draft.account_iban.is_some() {
                warnings.push(format!(
                    "{here}: account {} is kept as written: {error}",
                    key.masked()
                ));
            }
            None
        }
    };
    let bic = match draft.bic.as_deref().map(Bic::parse) {
        Some(Ok(bic)) => Some(bic),
        Some(Err(error)) => {
            warnings.push(format!("{here}: servicer BIC ignored: {error}"));
            None
        }
        None => None,
    };

    // The account's currency: stated, else the closing (or first) balance's, else the first
    // entry's. Every amount of the statement must then be in it.
    let currency_text = draft
        .account_currency
        .clone()
        .or_else(|| {
            draft
                .balances
                .iter()
                .find(|b| b.code.as_deref() == Some("CLBD"))
                .or_else(|| draft.balances.first())
                .and_then(|b| b.amount.as_ref().map(|a| a.1.clone()))
        })
        .or(first_entry_currency)
        .ok_or_else(|| {
            invalid(
                draft.line,
                "Acct/Ccy",
                "the account's currency is given nowhere (no Acct/Ccy, balance or entry)".into(),
            )
        })?;
    let currency = Currency::from_code(&currency_text)
        .map_err(|e| invalid(draft.line, "Acct/Ccy", e.to_string()))?;

    let as_of_default = draft.created_at.or(message_created_at);
    let mut balances = Vec::with_capacity(draft.balances.len());
    for (index, balance) in draft.balances.iter().enumerate() {
        let element = format!("Bal[{}]", index + 1);
        let code = balance.code.clone().ok_or_else(|| {
            invalid(
                balance.line,
                &format!("{element}/Tp"),
                "the balance has no type code".into(),
            )
        })?;
        let amount = signed_money(
            balance.amount.as_ref(),
            balance.credit_debit.as_deref(),
            currency,
            balance.line,
        )
        .map_err(|(line, field, message)| invalid(line, &format!("{element}/{field}"), message))?;
        let date = balance
            .date
            .or(balance.date_time.map(|t| t.date_naive()))
            .ok_or_else(|| {
                invalid(
                    balance.line,
                    &format!("{element}/Dt"),
                    "the balance has no date".into(),
                )
            })?;
        balances.push(ParsedBalance {
            balance_type: balance_type_of(&code, &draft.balances),
            amount,
            date,
            as_of: balance.date_time.or(as_of_default),
        });
    }

    let statement = ParsedStatement {
        kind: version.statement_kind(),
        message_id: message_id.to_string(),
        statement_ref,
        sequence_number: draft
            .electronic_sequence
            .clone()
            .or(draft.legal_sequence.clone()),
        page_number: draft.page_number,
        created_at: draft.created_at.or(message_created_at),
        period_from: draft.period_from,
        period_to: draft.period_to,
        account: ParsedAccount {
            key,
            iban,
            currency,
            bic,
            bank_name: draft.bank_name.clone(),
            owner_name: draft.owner_name.clone(),
        },
        balances,
        entries: Vec::new(),
        line: draft.line,
    };
    Ok((statement, StatementContext { currency, here }))
}

/// One entry, in its statement's currency, with its transaction details.
fn build_entry(entry: EntryDraft, context: &StatementContext) -> Result<ParsedEntry, ParseError> {
    let here = &context.here;
    let currency = context.currency;
    let invalid = |line: usize, element: &str, message: String| ParseError::Invalid {
        line,
        element: format!("{here}/{element}"),
        message,
    };
    let element = format!("Ntry[{}]", entry.ordinal);
    let amount = signed_money(
        entry.amount.as_ref(),
        entry.credit_debit.as_deref(),
        currency,
        entry.line,
    )
    .map_err(|(line, field, message)| invalid(line, &format!("{element}/{field}"), message))?;
    let status = match entry.status.as_deref() {
        Some("BOOK") => EntryStatus::Booked,
        Some("PDNG") | Some("FUTR") => EntryStatus::Pending,
        Some("INFO") => EntryStatus::Information,
        Some(other) => {
            return Err(invalid(
                entry.line,
                &format!("{element}/Sts"),
                format!("'{other}' is not an entry status (BOOK, PDNG, INFO, FUTR)"),
            ))
        }
        None => {
            return Err(invalid(
                entry.line,
                &format!("{element}/Sts"),
                "the entry has no status".into(),
            ))
        }
    };
    // A batch with several transactions keeps the entry-level fields only: the details
    // belong to the individual transactions, not to the booked total.
    let single = (entry.transactions.len() == 1).then(|| &entry.transactions[0]);
    let (counterparty_name, counterparty_iban) = match single {
        Some(tx) if amount.is_negative() => (tx.creditor_name.clone(), tx.creditor_iban.clone()),
        Some(tx) => (tx.debtor_name.clone(), tx.debtor_iban.clone()),
        None => (None, None),
    };
    let remittance = single
        .filter(|tx| !tx.unstructured.is_empty())
        .map(|tx| tx.unstructured.join(" "))
        .or_else(|| entry.additional_info.clone());
    let bank_transaction_code = match (
        &entry.domain_code,
        &entry.family_code,
        &entry.sub_family_code,
    ) {
        (Some(d), Some(f), Some(s)) => Some(format!("{d}/{f}/{s}")),
        _ => entry.proprietary_code.clone(),
    };
    let bank_ref = entry
        .bank_ref
        .clone()
        .or_else(|| single.and_then(|tx| tx.bank_ref.clone()));
    let end_to_end_id = single.and_then(|tx| tx.end_to_end_id.clone());
    let creditor_reference = single.and_then(|tx| tx.creditor_reference.clone());
    let mut details = Vec::with_capacity(entry.transactions.len());
    for (index, transaction) in entry.transactions.into_iter().enumerate() {
        let detail = build_detail(transaction, entry.credit_debit.as_deref()).map_err(
            |(line, field, message)| {
                invalid(
                    line,
                    &format!("{element}/TxDtls[{}]/{field}", index + 1),
                    message,
                )
            },
        )?;
        details.push(detail);
    }
    Ok(ParsedEntry {
        amount,
        status,
        reversal: entry.reversal,
        booking_date: entry.booking_date,
        value_date: entry.value_date,
        bank_ref,
        entry_ref: entry.entry_ref,
        end_to_end_id,
        counterparty_name,
        counterparty_iban,
        remittance,
        creditor_reference,
        bank_transaction_code,
        source_element: format!("{here}/{element} (line {})", entry.line),
        details,
    })
}

/// One transaction of an entry. Its amount keeps its own currency: banks state it in the
/// account's, but a transaction is detail, and refusing a statement for it would lose the
/// booked entry as well.
fn build_detail(
    transaction: TransactionDraft,
    entry_credit_debit: Option<&str>,
) -> Result<ParsedDetail, FieldError> {
    let credit_debit = transaction.credit_debit.as_deref().or(entry_credit_debit);
    let amount = match (&transaction.amount, &transaction.amount_booked) {
        (Some(stated), _) => Some(detail_money(stated, credit_debit, transaction.line)?),
        (None, Some(booked)) => Some(
            detail_money(booked, credit_debit, transaction.line).map_err(
                |(line, field, message)| {
                    let field = if field == "Amt" {
                        "AmtDtls/TxAmt/Amt"
                    } else {
                        field
                    };
                    (line, field, message)
                },
            )?,
        ),
        (None, None) => None,
    };
    // The counterparty of a debit is its creditor, of a credit its debtor, as for entries.
    let (counterparty_name, counterparty_iban) = if credit_debit == Some("DBIT") {
        (transaction.creditor_name, transaction.creditor_iban)
    } else {
        (transaction.debtor_name, transaction.debtor_iban)
    };
    let remittance =
        (!transaction.unstructured.is_empty()).then(|| transaction.unstructured.join(" "));
    Ok(ParsedDetail {
        amount,
        end_to_end_id: transaction.end_to_end_id,
        instruction_id: transaction.instruction_id,
        bank_ref: transaction.bank_ref,
        mandate_id: transaction.mandate_id,
        counterparty_name,
        counterparty_iban,
        remittance,
        creditor_reference: transaction.creditor_reference,
        return_reason: transaction.return_reason,
    })
}

fn balance_type_of(code: &str, all: &[BalanceDraft]) -> BalanceType {
    match code {
        "OPBD" => BalanceType::OpeningBooked,
        // Some banks (Swiss ones notably) send the previous day's close instead of an opening.
        "PRCD" if !all.iter().any(|b| b.code.as_deref() == Some("OPBD")) => {
            BalanceType::OpeningBooked
        }
        "CLBD" => BalanceType::ClosingBooked,
        "ITBD" => BalanceType::InterimBooked,
        "ITAV" => BalanceType::InterimAvailable,
        "OPAV" => BalanceType::OpeningAvailable,
        "CLAV" => BalanceType::ClosingAvailable,
        "FWAV" => BalanceType::ForwardAvailable,
        _ => BalanceType::Information,
    }
}

type FieldError = (usize, &'static str, String);

fn signed_money(
    amount: Option<&(String, String, usize)>,
    credit_debit: Option<&str>,
    account_currency: Currency,
    line: usize,
) -> Result<Money, FieldError> {
    let (text, currency_text, amount_line) =
        amount.ok_or((line, "Amt", "the amount is missing".to_string()))?;
    let currency =
        Currency::from_code(currency_text).map_err(|e| (*amount_line, "Amt", e.to_string()))?;
    if currency != account_currency {
        return Err((
            *amount_line,
            "Amt",
            format!("the amount is in {currency} but the account is in {account_currency}"),
        ));
    }
    let money = magnitude(text, currency, *amount_line)?;
    with_sign(money, credit_debit, line)
}

/// A transaction's amount in the currency it names, signed by `credit_debit`.
fn detail_money(
    amount: &(String, String, usize),
    credit_debit: Option<&str>,
    line: usize,
) -> Result<Money, FieldError> {
    let (text, currency_text, amount_line) = amount;
    let currency =
        Currency::from_code(currency_text).map_err(|e| (*amount_line, "Amt", e.to_string()))?;
    let money = magnitude(text, currency, *amount_line)?;
    with_sign(money, credit_debit, line)
}

/// The unsigned amount camt writes, refused when negative, in exponent form or finer than
/// the currency.
fn magnitude(text: &str, currency: Currency, amount_line: usize) -> Result<Money, FieldError> {
    let decimal: Decimal = text
        .parse()
        .ok()
        .filter(|d: &Decimal| !d.is_sign_negative() && !text.contains(['e', 'E']))
        .ok_or_else(|| {
            (
                amount_line,
                "Amt",
                format!("'{text}' is not a positive decimal amount"),
            )
        })?;
    Money::new(decimal, currency).map_err(|e| (amount_line, "Amt", e.to_string()))
}

fn with_sign(money: Money, credit_debit: Option<&str>, line: usize) -> Result<Money, FieldError> {
    match credit_debit {
        Some("CRDT") => Ok(money),
        Some("DBIT") => Ok(money.negated()),
        Some(other) => Err((
            line,
            "CdtDbtInd",
            format!("'{other}' is neither CRDT nor DBIT"),
        )),
        None => Err((
            line,
            "CdtDbtInd",
            "the credit/debit indicator is missing".into(),
        )),
    }
}

fn parse_date_at(text: &str, line: usize, path: &str) -> Result<NaiveDate, ParseError> {
    parse_date(text).ok_or_else(|| ParseError::Invalid {
        line,
        element: path.to_string(),
        message: format!("'{text}' is not an ISO date"),
    })
}

fn parse_date_of_instant(text: &str, line: usize, path: &str) -> Result<NaiveDate, ParseError> {
    // The business date is the one the bank wrote, in its own time zone, not the UTC date.
    parse_date(text.get(..10).unwrap_or(text))
        .filter(|_| parse_instant(text).is_some())
        .ok_or_else(|| ParseError::Invalid {
            line,
            element: path.to_string(),
            message: format!("'{text}' is not an ISO date-time"),
        })
}

/// ISO dates, tolerating a trailing time-zone offset (`2024-01-31+01:00`), which some banks add.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let head = text.get(..10)?;
    let tail = &text[10..];
    let tail_ok = tail.is_empty() || tail == "Z" || tail.starts_with(['+', '-']);
    if !tail_ok {
        return None;
    }
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

/// ISO date-times. Without an offset the bank's local time is unknown; it is read as UTC,
/// which can shift an as-of time by a few hours but never a business date (those come from
/// date fields).
pub(crate) fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|naive| naive.and_utc())
}

#[cfg(test)]
mod tests;
