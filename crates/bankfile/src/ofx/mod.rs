//! OFX and QFX statement downloads, version 1 (SGML) and 2 (XML): bank (`STMTRS`) and credit
//! card (`CCSTMTRS`) statements with their transactions and ledger and available balances.
//!
//! One streaming reader serves both versions. It keeps the path of open elements; an element
//! that has text and then meets another tag is an SGML leaf and ends there, and an end tag
//! closes whatever is still open inside it (banks forget `</BANKTRANLIST>`). Values are picked
//! by their innermost meaningful ancestor (`STMTTRN`, `LEDGERBAL`, `BANKACCTFROM`, …), so an
//! unknown or unclosed element in between changes nothing.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use rust_decimal::Decimal;

use cashline_domain::{AccountKey, BalanceType, Currency, EntryStatus, Iban, Money, StatementKind};

use crate::{
    FileFormat, ParseError, ParsedAccount, ParsedBalance, ParsedEntry, ParsedFile, ParsedStatement,
};

mod token;
pub mod write;

use token::{Token, Tokenizer};

/// How far into a file detection looks for the OFX header or root element.
const DETECT_BYTES_MAX: usize = 4096;
/// Deepest element nesting accepted. OFX statements nest about eight deep; an empty SGML
/// element of a kind the reader does not know can add a level for its following siblings.
const DEPTH_MAX: usize = 64;
/// Longest text accepted in one element (OFX limits memos to 255 characters).
const TEXT_CHARS_MAX: usize = 16 * 1024;
/// Largest time-zone offset in an OFX date, in hours.
const OFFSET_HOURS_MAX: i64 = 14;

/// Which OFX version a file declares in its header (`VERSION:102`, `VERSION="211"`); `None`
/// for a bare `<OFX>` body without a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OfxVersion {
    pub number: Option<u32>,
}

impl fmt::Display for OfxVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.number {
            Some(number) => write!(f, "ofx.{number}"),
            None => f.write_str("ofx"),
        }
    }
}

/// Recognises OFX by its header (`OFXHEADER:100`, `<?OFX OFXHEADER="200" …?>`) or, without
/// one, by an `<OFX>` root element.
pub fn detect(bytes: &[u8]) -> Option<OfxVersion> {
    let head = &bytes[..bytes.len().min(DETECT_BYTES_MAX)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let upper = text.to_ascii_uppercase();
    if upper.starts_with("OFXHEADER:") {
        let number = upper.lines().find_map(|line| {
            let value = line.trim().strip_prefix("VERSION:")?;
            value.trim().parse().ok()
        });
        return Some(OfxVersion { number });
    }
    if let Some(at) = upper.find("<?OFX") {
        let declaration = &upper[at..];
        let declaration = &declaration[..declaration.find("?>").unwrap_or(declaration.len())];
        let number = declaration.find("VERSION=").and_then(|v| {
            let value = declaration[v + 8..].trim_start_matches(['"', '\'']);
            let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        });
        return Some(OfxVersion { number });
    }
    // No header: the first element must be the OFX root (after an XML declaration or
    // comments, which a bare body may carry).
    let mut rest = upper.as_str();
    loop {
        rest = rest.trim_start();
        if rest.starts_with("<?") || rest.starts_with("<!--") {
            let close = if rest.starts_with("<?") { "?>" } else { "-->" };
            let end = rest.find(close)?;
            rest = &rest[end + close.len()..];
            continue;
        }
        return rest
            .starts_with("<OFX>")
            .then_some(OfxVersion { number: None });
    }
}

/// Parses a whole OFX file into canonical statements.
pub fn parse(bytes: &[u8], version: OfxVersion) -> Result<ParsedFile, ParseError> {
    let text = decode(bytes);
    // An SGML header is `KEY:VALUE` lines before the first tag; it carries nothing the reader
    // needs (no DTD is ever read), so the body starts at the first `<`.
    let start = text.find('<').unwrap_or(text.len());
    let line = 1 + text[..start].matches('\n').count();
    Reader::new(version).run(Tokenizer::new(&text, start, line))
}

/// UTF-8 where the bytes are UTF-8; otherwise Windows-1252, the `CHARSET:1252` of OFX 1.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|b| match b {
            0x80..=0x9f => HIGH[usize::from(b - 0x80)],
            _ => char::from(*b),
        })
        .collect()
}

/// Aggregates whose name says what the leaves inside them mean.
const CONTEXTS: &[&str] = &[
    "STMTTRN",
    "PAYEE",
    "BANKACCTTO",
    "CCACCTTO",
    "CURRENCY",
    "ORIGCURRENCY",
    "LEDGERBAL",
    "AVAILBAL",
    "BANKACCTFROM",
    "CCACCTFROM",
    "BANKTRANLIST",
    "STMTRS",
    "CCSTMTRS",
    "STATUS",
    "FI",
    "SONRS",
    "STMTTRNRS",
    "CCSTMTTRNRS",
];

/// Elements that are always leaves: when one is empty and unclosed in SGML, the next tag ends
/// it instead of nesting inside it.
const LEAVES: &[&str] = &[
    "CURDEF",
    "BANKID",
    "BRANCHID",
    "ACCTID",
    "ACCTTYPE",
    "ACCTKEY",
    "DTSTART",
    "DTEND",
    "TRNTYPE",
    "DTPOSTED",
    "DTUSER",
    "DTAVAIL",
    "TRNAMT",
    "FITID",
    "CORRECTFITID",
    "CORRECTACTION",
    "SRVRTID",
    "CHECKNUM",
    "REFNUM",
    "SIC",
    "PAYEEID",
    "NAME",
    "EXTDNAME",
    "MEMO",
    "INV401KSOURCE",
    "BALAMT",
    "DTASOF",
    "CODE",
    "SEVERITY",
    "MESSAGE",
    "DTSERVER",
    "LANGUAGE",
    "DTPROFUP",
    "DTACCTUP",
    "ORG",
    "FID",
    "TRNUID",
    "CLTCOOKIE",
    "CURRATE",
    "CURSYM",
    "MKTGINFO",
    "ADDR1",
    "ADDR2",
    "ADDR3",
    "CITY",
    "STATE",
    "POSTALCODE",
    "COUNTRY",
    "PHONE",
    "VALUEDATE",
    "CATEGORY",
    "ACCTBAL",
    "TRANSACTIONSPLIT",
];

/// Aggregates of which one never holds another: a start tag of one that is open ends it (an
/// SGML writer that forgot its end tag).
const SIBLINGS_ONLY: &[&str] = &[
    "STMTTRN",
    "LEDGERBAL",
    "AVAILBAL",
    "BANKTRANLIST",
    "STMTRS",
    "CCSTMTRS",
    "STMTTRNRS",
    "CCSTMTTRNRS",
];

/// A value and the line it was on.
type Located = (String, usize);

struct Open {
    name: String,
    text: String,
    has_text: bool,
    has_children: bool,
    line: usize,
}

#[derive(Default)]
struct EntryDraft {
    ordinal: usize,
    line: usize,
    transaction_type: Option<String>,
    posted: Option<Located>,
    available: Option<Located>,
    amount: Option<Located>,
    fit_id: Option<String>,
    name: Option<String>,
    payee_name: Option<String>,
    memo: Option<String>,
    check_number: Option<String>,
    reference_number: Option<String>,
    currency_symbol: Option<Located>,
    counter_account: Option<String>,
    correction: bool,
}

struct BalanceDraft {
    balance_type: BalanceType,
    element: &'static str,
    line: usize,
    amount: Option<Located>,
    as_of: Option<Located>,
}

struct StatementDraft {
    element: &'static str,
    ordinal: usize,
    line: usize,
    transaction_id: Option<String>,
    currency: Option<Located>,
    account_id: Option<Located>,
    period_start: Option<Located>,
    period_end: Option<Located>,
    entries: Vec<EntryDraft>,
    balances: Vec<BalanceDraft>,
}

/// The `STATUS` of a sign-on or statement response, kept to explain a file without statements.
#[derive(Default, Clone)]
struct Status {
    code: Option<String>,
    severity: Option<String>,
    message: Option<String>,
    line: usize,
}

impl Status {
    fn is_error(&self) -> bool {
        self.severity.as_deref() == Some("ERROR")
    }

    fn describe(&self) -> String {
        let code = self.code.as_deref().unwrap_or("?");
        match &self.message {
            Some(message) => format!("code {code}: {message}"),
            None => format!("code {code}"),
        }
    }
}

struct Reader {
    version: OfxVersion,
    stack: Vec<Open>,
    saw_root: bool,
    root_closed: bool,
    statements: Vec<StatementDraft>,
    statement: Option<StatementDraft>,
    entry: Option<EntryDraft>,
    balance: Option<BalanceDraft>,
    /// The TRNUID of the response being read.
    transaction_id: Option<String>,
    signon_status: Status,
    response_status: Option<Status>,
    /// The first statement response that reported an error.
    response_error: Option<Status>,
    investment_line: Option<usize>,
    server_time: Option<String>,
    institution: Option<String>,
}

fn invalid(line: usize, element: impl Into<String>, message: impl Into<String>) -> ParseError {
    ParseError::Invalid {
        line,
        element: element.into(),
        message: message.into(),
    }
}

impl Reader {
    fn new(version: OfxVersion) -> Self {
        Reader {
            version,
            stack: Vec::new(),
            saw_root: false,
            root_closed: false,
            statements: Vec::new(),
            statement: None,
            entry: None,
            balance: None,
            transaction_id: None,
            signon_status: Status::default(),
            response_status: None,
            response_error: None,
            investment_line: None,
            server_time: None,
            institution: None,
        }
    }

    fn path(&self) -> String {
        self.stack
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join("/")
    }

    fn run(mut self, mut tokens: Tokenizer<'_>) -> Result<ParsedFile, ParseError> {
        while let Some((token, line)) = tokens.next_token()? {
            match token {
                Token::Start(name) => self.start(name, line)?,
                Token::End(name) => self.end(&name, line)?,
                Token::Text(text) => self.text(&text, false, line)?,
                Token::Data(text) => self.text(&text, true, line)?,
            }
        }
        if !self.stack.is_empty() {
            return Err(ParseError::Truncated {
                line: tokens.line(),
                element: self.path(),
            });
        }
        if !self.saw_root {
            return Err(ParseError::Truncated {
                line: tokens.line(),
                element: "OFX".into(),
            });
        }
        self.finish()
    }

    fn text(&mut self, text: &str, data: bool, line: usize) -> Result<(), ParseError> {
        let Some(open) = self.stack.last_mut() else {
            if text.trim().is_empty() {
                return Ok(());
            }
            let place = if self.root_closed {
                "after </OFX>"
            } else {
                "before <OFX>"
            };
            return Err(ParseError::Xml {
                line,
                message: format!("text {place}; this is not a plain OFX file"),
            });
        };
        if open.has_children {
            // Text between the children of an aggregate (indentation, mostly): no value is
            // read from it, and keeping it would grow with every child.
            return Ok(());
        }
        open.text.push_str(text);
        open.has_text |= data || !text.trim().is_empty();
        if open.text.len() > TEXT_CHARS_MAX {
            return Err(invalid(
                open.line,
                self.path(),
                "the element's text is too long",
            ));
        }
        Ok(())
    }

    fn start(&mut self, name: String, line: usize) -> Result<(), ParseError> {
        if self.stack.is_empty() {
            if self.root_closed {
                return Err(ParseError::Xml {
                    line,
                    message: format!("<{name}> after </OFX>; a file holds one OFX document"),
                });
            }
            if name != "OFX" {
                return Err(ParseError::Xml {
                    line,
                    message: format!("the document starts with <{name}>, not <OFX>"),
                });
            }
            self.saw_root = true;
        }
        // The open element ends here if it is a leaf: it has text (SGML leaves have no end
        // tag), or it is empty and known to be a leaf.
        if let Some(top) = self.stack.last() {
            let leaf = top.has_text || (!top.has_children && LEAVES.contains(&top.name.as_str()));
            if leaf {
                self.pop()?;
            }
        }
        if SIBLINGS_ONLY.contains(&name.as_str()) {
            if let Some(index) = self.stack.iter().rposition(|o| o.name == name) {
                while self.stack.len() > index {
                    self.pop()?;
                }
            }
        }
        if self.stack.len() >= DEPTH_MAX {
            return Err(invalid(line, self.path(), "elements are nested too deeply"));
        }
        if let Some(parent) = self.stack.last_mut() {
            parent.has_children = true;
        }
        self.opened(&name, line);
        self.stack.push(Open {
            name,
            text: String::new(),
            has_text: false,
            has_children: false,
            line,
        });
        Ok(())
    }

    fn end(&mut self, name: &str, line: usize) -> Result<(), ParseError> {
        let Some(index) = self.stack.iter().rposition(|o| o.name == name) else {
            return Err(ParseError::Xml {
                line,
                message: format!("</{name}> closes no open element (open: {})", self.path()),
            });
        };
        while self.stack.len() > index {
            self.pop()?;
        }
        if self.stack.is_empty() {
            self.root_closed = true;
        }
        Ok(())
    }

    fn pop(&mut self) -> Result<(), ParseError> {
        let open = self.stack.pop().expect("callers check the stack");
        if !open.has_children {
            let value = open.text.trim().to_string();
            self.leaf(&open.name, value, open.line)?;
        }
        // An aggregate that came out empty still ends its draft.
        self.closed(&open.name);
        Ok(())
    }

    /// The innermost open aggregate that gives leaves a meaning, and the one around it.
    fn context(&self) -> (&str, &str) {
        let mut found = self
            .stack
            .iter()
            .rev()
            .filter(|o| CONTEXTS.contains(&o.name.as_str()))
            .map(|o| o.name.as_str());
        let inner = found.next().unwrap_or("");
        let outer = found.next().unwrap_or("");
        (inner, outer)
    }

    fn opened(&mut self, name: &str, line: usize) {
        match name {
            "STMTRS" | "CCSTMTRS" if self.statement.is_none() => {
                let element = if name == "STMTRS" {
                    "STMTRS"
                } else {
                    "CCSTMTRS"
                };
                self.statement = Some(StatementDraft {
                    element,
                    ordinal: self.statements.len() + 1,
                    line,
                    transaction_id: self.transaction_id.clone(),
                    currency: None,
                    account_id: None,
                    period_start: None,
                    period_end: None,
                    entries: Vec::new(),
                    balances: Vec::new(),
                });
            }
            "STMTTRN" if self.statement.is_some() => {
                let ordinal = self.statement.as_ref().map_or(0, |s| s.entries.len()) + 1;
                self.entry = Some(EntryDraft {
                    ordinal,
                    line,
                    ..Default::default()
                });
            }
            "LEDGERBAL" | "AVAILBAL" if self.statement.is_some() => {
                let (balance_type, element) = if name == "LEDGERBAL" {
                    (BalanceType::ClosingBooked, "LEDGERBAL")
                } else {
                    (BalanceType::ClosingAvailable, "AVAILBAL")
                };
                self.balance = Some(BalanceDraft {
                    balance_type,
                    element,
                    line,
                    amount: None,
                    as_of: None,
                });
            }
            "STMTTRNRS" | "CCSTMTTRNRS" => {
                self.transaction_id = None;
                self.response_status = None;
            }
            "INVSTMTRS" => {
                self.investment_line.get_or_insert(line);
            }
            _ => {}
        }
    }

    fn closed(&mut self, name: &str) {
        match name {
            "STMTTRN" => {
                if let (Some(entry), Some(statement)) = (self.entry.take(), self.statement.as_mut())
                {
                    statement.entries.push(entry);
                }
            }
            "LEDGERBAL" | "AVAILBAL" => {
                if let (Some(balance), Some(statement)) =
                    (self.balance.take(), self.statement.as_mut())
                {
                    statement.balances.push(balance);
                }
            }
            "STMTRS" | "CCSTMTRS" => {
                if let Some(statement) = self.statement.take() {
                    self.statements.push(statement);
                }
            }
            "STMTTRNRS" | "CCSTMTTRNRS" => {
                if let Some(status) = self.response_status.take() {
                    if status.is_error() && self.response_error.is_none() {
                        self.response_error = Some(status);
                    }
                }
            }
            _ => {}
        }
    }

    fn leaf(&mut self, name: &str, value: String, line: usize) -> Result<(), ParseError> {
        let (inner, outer) = self.context();
        let (inner, outer) = (inner.to_string(), outer.to_string());
        if value.is_empty() {
            return Ok(());
        }
        let located = (value.clone(), line);
        match (inner.as_str(), name) {
            ("STATUS", _) => {
                let status = match outer.as_str() {
                    "SONRS" => Some(&mut self.signon_status),
                    "STMTTRNRS" | "CCSTMTTRNRS" => {
                        Some(self.response_status.get_or_insert_with(Status::default))
                    }
                    _ => None,
                };
                if let Some(status) = status {
                    status.line = status.line.max(line);
                    match name {
                        "CODE" => status.code = Some(value.clone()),
                        "SEVERITY" => status.severity = Some(value.to_ascii_uppercase()),
                        "MESSAGE" => status.message = Some(value.clone()),
                        _ => {}
                    }
                }
            }
            ("SONRS", "DTSERVER") => self.server_time = Some(value.clone()),
            ("FI", "ORG") => self.institution = Some(value.clone()),
            ("STMTTRNRS" | "CCSTMTTRNRS", "TRNUID") => self.transaction_id = Some(value.clone()),
            _ => {}
        }
        match (
            inner.as_str(),
            name,
            self.entry.as_mut(),
            self.balance.as_mut(),
            self.statement.as_mut(),
        ) {
            ("STMTTRN", "TRNTYPE", Some(entry), _, _) => {
                entry.transaction_type = Some(value.to_ascii_uppercase())
            }
            ("STMTTRN", "DTPOSTED", Some(entry), _, _) => entry.posted = Some(located),
            ("STMTTRN", "DTAVAIL" | "VALUEDATE", Some(entry), _, _) => {
                entry.available = Some(located)
            }
            ("STMTTRN", "TRNAMT", Some(entry), _, _) => entry.amount = Some(located),
            ("STMTTRN", "FITID", Some(entry), _, _) => entry.fit_id = Some(value),
            ("STMTTRN", "NAME", Some(entry), _, _) => entry.name = Some(value),
            ("STMTTRN", "MEMO", Some(entry), _, _) => entry.memo = Some(value),
            ("STMTTRN", "CHECKNUM", Some(entry), _, _) => entry.check_number = Some(value),
            ("STMTTRN", "REFNUM", Some(entry), _, _) => entry.reference_number = Some(value),
            ("STMTTRN", "CORRECTACTION", Some(entry), _, _) => entry.correction = true,
            ("PAYEE", "NAME", Some(entry), _, _) => entry.payee_name = Some(value),
            ("BANKACCTTO" | "CCACCTTO", "ACCTID", Some(entry), _, _) => {
                entry.counter_account = Some(value)
            }
            ("CURRENCY", "CURSYM", Some(entry), _, _) => entry.currency_symbol = Some(located),
            ("LEDGERBAL" | "AVAILBAL", "BALAMT", _, Some(balance), _) => {
                balance.amount = Some(located)
            }
            ("LEDGERBAL" | "AVAILBAL", "DTASOF", _, Some(balance), _) => {
                balance.as_of = Some(located)
            }
            ("STMTRS" | "CCSTMTRS", "CURDEF", _, _, Some(statement)) => {
                statement.currency = Some(located)
            }
            ("BANKACCTFROM" | "CCACCTFROM", "ACCTID", _, _, Some(statement)) => {
                statement.account_id = Some(located)
            }
            ("BANKTRANLIST", "DTSTART", _, _, Some(statement)) => {
                statement.period_start.get_or_insert(located);
            }
            ("BANKTRANLIST", "DTEND", _, _, Some(statement)) => {
                statement.period_end = Some(located)
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(self) -> Result<ParsedFile, ParseError> {
        let format = FileFormat::Ofx(self.version);
        if self.statements.is_empty() {
            if self.signon_status.is_error() {
                return Err(invalid(
                    self.signon_status.line,
                    "SONRS/STATUS",
                    format!(
                        "the bank refused the sign-on ({}); the file holds no statement",
                        self.signon_status.describe()
                    ),
                ));
            }
            if let Some(status) = &self.response_error {
                return Err(invalid(
                    status.line,
                    "STMTTRNRS/STATUS",
                    format!(
                        "the bank answered with an error instead of a statement ({})",
                        status.describe()
                    ),
                ));
            }
            if self.investment_line.is_some() {
                return Err(ParseError::Unsupported {
                    format: self.version.to_string(),
                    message: "the file holds an investment statement (INVSTMTRS); Cashline reads bank and credit-card statements (STMTRS, CCSTMTRS), and an investment account's cash moves through trades it does not model".into(),
                });
            }
            return Err(invalid(
                1,
                "OFX",
                "the file holds no bank or credit-card statement (STMTRS or CCSTMTRS)",
            ));
        }
        let mut warnings = Vec::new();
        if let Some(line) = self.investment_line {
            warnings.push(format!(
                "the investment statement (INVSTMTRS, line {line}) is not read; only bank and credit-card statements are"
            ));
        }
        let created_at = self
            .server_time
            .as_deref()
            .and_then(parse_ofx_date)
            .and_then(|d| d.instant);
        let mut statements = Vec::with_capacity(self.statements.len());
        for draft in self.statements {
            statements.push(build_statement(
                draft,
                created_at,
                self.institution.as_deref(),
                &mut warnings,
            )?);
        }
        Ok(ParsedFile {
            format,
            statements,
            warnings,
        })
    }
}

/// An OFX date: the business date as the bank wrote it, and the instant where it gave a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OfxDate {
    date: NaiveDate,
    instant: Option<DateTime<Utc>>,
}

/// `YYYYMMDD[HHMM[SS[.XXX]]][[+-]H[.MM][:TZ]]`. Without an offset the time is GMT, as the
/// specification says.
fn parse_ofx_date(text: &str) -> Option<OfxDate> {
    let text = text.trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if !matches!(digits, 8 | 12 | 14) {
        return None;
    }
    let date = NaiveDate::parse_from_str(&text[..8], "%Y%m%d").ok()?;
    let mut rest = &text[digits..];
    if digits == 8 {
        return rest.is_empty().then_some(OfxDate {
            date,
            instant: None,
        });
    }
    let hour: u32 = text[8..10].parse().ok()?;
    let minute: u32 = text[10..12].parse().ok()?;
    let second: u32 = if digits == 14 {
        text[12..14].parse().ok()?
    } else {
        0
    };
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let length = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if length == 0 || length > 9 {
            return None;
        }
        let padded = format!("{:0<9}", &fraction[..length]);
        nanos = padded.parse().ok()?;
        rest = &fraction[length..];
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let local = NaiveDateTime::new(date, time);
    let offset_minutes = if rest.is_empty() {
        0
    } else {
        let inside = rest.strip_prefix('[')?.strip_suffix(']')?;
        let offset = inside.split(':').next()?.trim();
        offset_minutes(offset)?
    };
    let offset = FixedOffset::east_opt(i32::try_from(offset_minutes * 60).ok()?)?;
    let instant = offset
        .from_local_datetime(&local)
        .single()?
        .with_timezone(&Utc);
    Some(OfxDate {
        date,
        instant: Some(instant),
    })
}

/// `-5`, `+5.30` (hours and minutes, as Indian banks write it) or `5.5` (decimal hours).
fn offset_minutes(text: &str) -> Option<i64> {
    let (negative, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (hours, fraction) = body.split_once('.').unwrap_or((body, ""));
    if hours.is_empty() || !hours.bytes().all(|b| b.is_ascii_digit()) || hours.len() > 2 {
        return None;
    }
    let hours: i64 = hours.parse().ok()?;
    let minutes = match fraction {
        "" => 0,
        "5" => 30,
        "25" => 15,
        "75" => 45,
        _ if fraction.len() == 2 && fraction.bytes().all(|b| b.is_ascii_digit()) => {
            fraction.parse::<i64>().ok().filter(|m| *m < 60)?
        }
        _ => return None,
    };
    if hours > OFFSET_HOURS_MAX {
        return None;
    }
    let total = hours * 60 + minutes;
    Some(if negative { -total } else { total })
}

/// An OFX amount: optional sign, digits, and a decimal point or (as some European banks
/// write it) a decimal comma. Grouping separators are not accepted: `1.234,56` is ambiguous.
fn parse_amount(text: &str) -> Option<Decimal> {
    let text = text.trim();
    let (sign, body) = match text.as_bytes().first()? {
        b'-' => ("-", &text[1..]),
        b'+' => ("", &text[1..]),
        _ => ("", text),
    };
    let separators = body.bytes().filter(|b| matches!(b, b'.' | b',')).count();
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    if separators > 1 || digits == 0 || digits + separators != body.len() {
        return None;
    }
    format!("{sign}{}", body.replace(',', ".")).parse().ok()
}

fn build_statement(
    draft: StatementDraft,
    created_at: Option<DateTime<Utc>>,
    institution: Option<&str>,
    warnings: &mut Vec<String>,
) -> Result<ParsedStatement, ParseError> {
    let here = format!("{}[{}]", draft.element, draft.ordinal);
    let account_element = if draft.element == "STMTRS" {
        "BANKACCTFROM"
    } else {
        "CCACCTFROM"
    };
    let (account_text, account_line) = draft.account_id.clone().ok_or_else(|| {
        invalid(
            draft.line,
            format!("{here}/{account_element}/ACCTID"),
            "the statement names no account (ACCTID)",
        )
    })?;
    let key = AccountKey::parse(&account_text).map_err(|e| {
        invalid(
            account_line,
            format!("{here}/{account_element}/ACCTID"),
            e.to_string(),
        )
    })?;

    let currency = match &draft.currency {
        Some((code, line)) => Currency::from_code(code)
            .map_err(|e| invalid(*line, format!("{here}/CURDEF"), e.to_string()))?,
        None => {
            // Some exports leave CURDEF empty but give every transaction's currency.
            let symbols: Vec<&Located> = draft
                .entries
                .iter()
                .filter_map(|e| e.currency_symbol.as_ref())
                .collect();
            let agreed = symbols.first().filter(|first| {
                symbols.len() == draft.entries.len()
                    && symbols.iter().all(|s| s.0.eq_ignore_ascii_case(&first.0))
            });
            let Some((code, line)) = agreed else {
                return Err(invalid(
                    draft.line,
                    format!("{here}/CURDEF"),
                    "the statement gives no currency (CURDEF)",
                ));
            };
            let currency = Currency::from_code(code).map_err(|e| {
                invalid(
                    *line,
                    format!("{here}/STMTTRN/CURRENCY/CURSYM"),
                    e.to_string(),
                )
            })?;
            warnings.push(format!(
                "{here}: CURDEF is empty; the currency {currency} is taken from the transactions"
            ));
            currency
        }
    };

    let period_start = located_date(draft.period_start.as_ref(), &here, "BANKTRANLIST/DTSTART")?;
    let period_end = located_date(draft.period_end.as_ref(), &here, "BANKTRANLIST/DTEND")?;

    let mut entries = Vec::with_capacity(draft.entries.len());
    for entry in &draft.entries {
        let element = format!("{here}/STMTTRN[{}]", entry.ordinal);
        let posted =
            located_date(entry.posted.as_ref(), &element, "DTPOSTED")?.ok_or_else(|| {
                invalid(
                    entry.line,
                    format!("{element}/DTPOSTED"),
                    "the transaction has no posting date (DTPOSTED)",
                )
            })?;
        let (amount_text, amount_line) = entry.amount.clone().ok_or_else(|| {
            invalid(
                entry.line,
                format!("{element}/TRNAMT"),
                "the transaction has no amount (TRNAMT)",
            )
        })?;
        if let Some((symbol, line)) = &entry.currency_symbol {
            if !symbol.eq_ignore_ascii_case(currency.code()) {
                return Err(invalid(
                    *line,
                    format!("{element}/CURRENCY/CURSYM"),
                    format!("the transaction is in {symbol}, not the statement's {currency}; converting it is not supported"),
                ));
            }
        }
        let amount = money(
            &amount_text,
            currency,
            amount_line,
            &format!("{element}/TRNAMT"),
        )?;
        let value_date =
            located_date(entry.available.as_ref(), &element, "DTAVAIL")?.map(|d| d.date);
        if entry.correction {
            warnings.push(format!(
                "{element} (line {}) corrects an earlier transaction (CORRECTACTION); it is imported as a transaction of its own",
                entry.line
            ));
        }
        entries.push(ParsedEntry {
            amount,
            status: EntryStatus::Booked,
            reversal: false,
            booking_date: Some(posted.date),
            value_date,
            bank_ref: entry.fit_id.clone(),
            // Banks write check number 0 on transactions that are not checks.
            entry_ref: entry.reference_number.clone().or_else(|| {
                entry
                    .check_number
                    .clone()
                    .filter(|n| n.bytes().any(|b| b != b'0'))
            }),
            end_to_end_id: None,
            counterparty_name: entry.name.clone().or_else(|| entry.payee_name.clone()),
            counterparty_iban: entry
                .counter_account
                .as_deref()
                .and_then(|a| Iban::parse(a).ok())
                .map(|iban| iban.reveal().to_string()),
            remittance: entry.memo.clone(),
            creditor_reference: None,
            bank_transaction_code: entry.transaction_type.clone(),
            source_element: format!("{element} (line {})", entry.line),
            details: Vec::new(),
        });
    }

    let mut balances = Vec::with_capacity(draft.balances.len());
    for balance in &draft.balances {
        let element = format!("{here}/{}", balance.element);
        let Some((amount_text, amount_line)) = &balance.amount else {
            warnings.push(format!(
                "{element} (line {}) has no amount (BALAMT) and is ignored",
                balance.line
            ));
            continue;
        };
        let amount = money(
            amount_text,
            currency,
            *amount_line,
            &format!("{element}/BALAMT"),
        )?;
        let as_of = match located_date(balance.as_of.as_ref(), &element, "DTASOF")? {
            Some(date) => date,
            None => {
                // The balance's date is missing: the end of the transaction list is the next
                // best statement of when it was true.
                let end = period_end.ok_or_else(|| {
                    invalid(
                        balance.line,
                        format!("{element}/DTASOF"),
                        "the balance has no date (DTASOF)",
                    )
                })?;
                warnings.push(format!(
                    "{element} (line {}) has no date (DTASOF); it is dated by the transaction list's end",
                    balance.line
                ));
                end
            }
        };
        balances.push(ParsedBalance {
            balance_type: balance.balance_type,
            amount,
            date: as_of.date,
            as_of: as_of.instant,
        });
    }

    // OFX gives a statement no identifier; its period (or its balance's date) is one.
    let statement_ref = match (&draft.period_start, &draft.period_end) {
        (Some(start), Some(end)) => format!("{}-{}", start.0, end.0),
        _ => draft
            .balances
            .iter()
            .find_map(|b| b.as_of.as_ref())
            .map(|d| format!("asof-{}", d.0))
            .unwrap_or_else(|| "ofx".to_string()),
    };
    let start_of = |d: OfxDate| {
        d.instant
            .or_else(|| d.date.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
    };
    let end_of = |d: OfxDate| {
        d.instant
            .or_else(|| d.date.and_hms_opt(23, 59, 59).map(|t| t.and_utc()))
    };
    Ok(ParsedStatement {
        kind: StatementKind::EndOfDay,
        message_id: draft.transaction_id.clone().unwrap_or_default(),
        statement_ref,
        sequence_number: None,
        page_number: None,
        created_at,
        period_from: period_start.and_then(start_of),
        period_to: period_end.and_then(end_of),
        account: ParsedAccount {
            iban: Iban::parse(&account_text).ok(),
            key,
            currency,
            bic: None,
            bank_name: institution.map(str::to_string),
            owner_name: None,
        },
        balances,
        entries,
        line: draft.line,
    })
}

fn located_date(
    value: Option<&Located>,
    here: &str,
    field: &str,
) -> Result<Option<OfxDate>, ParseError> {
    let Some((text, line)) = value else {
        return Ok(None);
    };
    parse_ofx_date(text).map(Some).ok_or_else(|| {
        invalid(
            *line,
            format!("{here}/{field}"),
            format!("'{text}' is not an OFX date (YYYYMMDD[HHMMSS[.XXX]][[offset:TZ]])"),
        )
    })
}

fn money(text: &str, currency: Currency, line: usize, element: &str) -> Result<Money, ParseError> {
    let decimal = parse_amount(text)
        .ok_or_else(|| invalid(line, element, format!("'{text}' is not a decimal amount")))?;
    Money::new(decimal, currency).map_err(|e| invalid(line, element, e.to_string()))
}

#[cfg(test)]
mod tests;
