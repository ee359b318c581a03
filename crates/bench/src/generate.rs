//! Deterministic, realistic bank files written with the project's own writers: every run of
//! a benchmark reads the same bytes, and the files look like a busy corporate's statements
//! (references, counterparties, IBANs, remittance text of varied length).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use cashline_bankfile::camt::write::camt053_document;
use cashline_bankfile::swift::write::mt940_document;
use cashline_bankfile::{ParsedAccount, ParsedBalance, ParsedEntry, ParsedStatement};
use cashline_domain::{
    AccountKey, BalanceType, Bic, Currency, EntryStatus, Iban, Money, StatementKind,
};

/// The camt.053 version written: .001.08, the one most banks send today.
pub const CAMT_VERSION: u32 = 8;

/// SplitMix64: tiny, fast, and the same sequence on every platform and release, which a
/// benchmark's input must be (a library RNG may change its stream between versions).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound`.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const COMPANIES: &[&str] = &[
    "Mueller Logistik GmbH",
    "Nordwind Energie AG",
    "Atelier Dupont SARL",
    "Van der Berg Transport B.V.",
    "Rossi Alimentari S.p.A.",
    "Kowalski Budownictwo Sp. z o.o.",
    "Schneider & Partner Steuerberatung",
    "Iberia Componentes S.L.",
    "Brightline Software Ltd",
    "Hansen Maskin A/S",
    "Stadtwerke Musterstadt",
    "Alpine Versicherung AG",
    "Fabrikam Industrial Supplies Inc",
    "Contoso Pharmaceuticals",
    "Deutsche Bahn Fernverkehr",
    "Lindqvist Trä AB",
];

const REMITTANCE_WORDS: &[&str] = &[
    "Invoice",
    "Rechnung",
    "Facture",
    "order",
    "contract",
    "payment",
    "instalment",
    "rent",
    "March",
    "Q1",
    "salary",
    "refund",
    "credit note",
    "customer",
    "reference",
    "Lieferung",
    "delivery",
    "net 30",
    "freight",
    "service fee",
];

const BANKS: &[(&str, &str, &str)] = &[
    ("COBADEFFXXX", "Commerzbank", "37040044"),
    ("DEUTDEFFXXX", "Deutsche Bank", "50070010"),
    ("BYLADEMMXXX", "Bayerische Landesbank", "70050000"),
    ("GENODEF1S04", "Volksbank", "43060967"),
];

/// One account the generator writes statements for.
pub struct AccountSpec {
    pub account: ParsedAccount,
    pub balance_minor: i64,
    pub sequence: u32,
}

/// `count` accounts: German IBANs in EUR, with a few in USD and GBP, as a treasury has.
pub fn accounts(count: usize, with_iban: bool) -> Vec<AccountSpec> {
    (0..count)
        .map(|index| {
            let (bic, bank_name, blz) = BANKS[index % BANKS.len()];
            let currency = match index % 10 {
                7 => Currency::from_code("USD"),
                9 => Currency::from_code("GBP"),
                _ => Currency::from_code("EUR"),
            }
            .expect("known currencies");
            let (key, iban) = if with_iban {
                let iban =
                    Iban::from_country_and_bban("DE", &format!("{blz}{:010}", 4_711_000 + index))
                        .expect("a valid German BBAN");
                (AccountKey::from_iban(&iban), Some(iban))
            } else {
                let key = AccountKey::parse(&format!("{:012}", 100_200_300_000u64 + index as u64))
                    .expect("a plain account number");
                (key, None)
            };
            AccountSpec {
                account: ParsedAccount {
                    key,
                    iban,
                    currency,
                    bic: Some(Bic::parse(bic).expect("a valid BIC")),
                    bank_name: Some(bank_name.to_string()),
                    owner_name: Some(format!("Cashline Group Entity {}", index % 5 + 1)),
                },
                // 5,000,000.00 and up, in minor units.
                balance_minor: 500_000_000 + index as i64 * 1_000_000,
                sequence: 0,
            }
        })
        .collect()
}

/// What a statement's entries carry in their bank transaction code, which each format spells
/// its own way.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Codes {
    /// ISO 20022 domain/family/sub-family (`PMNT/RCDT/ESCT`).
    Iso,
    /// German business transaction codes in MT940 (`GVC 166`), or SWIFT ones (`NTRF`).
    Swift,
    /// BAI2 type codes (`195`, `495`).
    Bai2,
}

fn remittance(rng: &mut Rng, number: u64) -> String {
    let mut text = format!(
        "{} {}-{:06}",
        rng.pick(REMITTANCE_WORDS),
        2024 + rng.below(2),
        number % 1_000_000
    );
    // Between 20 and 140 characters: the long tail of SEPA remittance lines.
    let target = 20 + rng.below(121) as usize;
    while text.len() < target {
        text.push(' ');
        text.push_str(rng.pick(REMITTANCE_WORDS));
        if rng.below(3) == 0 {
            text.push_str(&format!(" {}", rng.below(100_000)));
        }
    }
    text.truncate(140);
    text.trim_end().to_string()
}

fn counterparty_iban(rng: &mut Rng) -> String {
    let bban = format!(
        "{}{:010}",
        BANKS[rng.below(BANKS.len() as u64) as usize].2,
        rng.below(10_000_000_000)
    );
    Iban::from_country_and_bban("DE", &bban)
        .expect("a valid German BBAN")
        .reveal()
        .to_string()
}

/// One entry; `number` is unique in the file and makes the references unique.
fn entry(
    rng: &mut Rng,
    currency: Currency,
    day: NaiveDate,
    number: u64,
    codes: Codes,
) -> ParsedEntry {
    let credit = rng.below(100) < 45;
    // Amounts from 1.00 to about 250,000.00, most of them small, as payments are.
    let magnitude = match rng.below(10) {
        0..=5 => 100 + rng.below(100_000),
        6..=8 => 100 + rng.below(5_000_000),
        _ => 100 + rng.below(25_000_000),
    } as i64;
    let minor = if credit { magnitude } else { -magnitude };
    let code = match codes {
        Codes::Iso if credit => "PMNT/RCDT/ESCT",
        Codes::Iso => "PMNT/ICDT/ESCT",
        Codes::Swift if rng.below(2) == 0 => "GVC 166",
        Codes::Swift => "NTRF",
        Codes::Bai2 if credit => ["195", "165", "142"][rng.below(3) as usize],
        Codes::Bai2 => ["495", "475", "455"][rng.below(3) as usize],
    };
    let value_date = if rng.below(5) == 0 {
        day + Duration::days(1)
    } else {
        day
    };
    ParsedEntry {
        amount: Money::from_minor(minor, currency),
        status: EntryStatus::Booked,
        reversal: false,
        booking_date: Some(day),
        value_date: Some(value_date),
        bank_ref: Some(format!("B{number:015}")),
        entry_ref: Some(format!("N{number:09}")),
        end_to_end_id: Some(format!("E2E{:08}-{number}", rng.below(100_000_000))),
        counterparty_name: Some(rng.pick(COMPANIES).to_string()),
        counterparty_iban: Some(counterparty_iban(rng)),
        remittance: Some(remittance(rng, number)),
        creditor_reference: None,
        bank_transaction_code: Some(code.to_string()),
        source_element: String::new(),
        details: Vec::new(),
    }
}

/// The next end-of-day statement of `spec` for `day`, with `count` entries whose sum takes the
/// opening balance to the closing one, so balance checks pass.
pub fn statement(
    rng: &mut Rng,
    spec: &mut AccountSpec,
    day: NaiveDate,
    count: usize,
    next_number: &mut u64,
    codes: Codes,
) -> ParsedStatement {
    let currency = spec.account.currency;
    let opening = spec.balance_minor;
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        *next_number += 1;
        let parsed = entry(rng, currency, day, *next_number, codes);
        spec.balance_minor += parsed.amount.amount_minor().expect("fits i64");
        entries.push(parsed);
    }
    spec.sequence += 1;
    let start = Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"));
    let balance = |balance_type, minor| ParsedBalance {
        balance_type,
        amount: Money::from_minor(minor, currency),
        date: day,
        as_of: None,
    };
    ParsedStatement {
        kind: StatementKind::EndOfDay,
        message_id: format!("M{}{:05}", day.format("%y%m%d"), spec.sequence),
        statement_ref: format!("S{}-{:05}", day.format("%Y%m%d"), spec.sequence),
        sequence_number: Some(format!("{:05}", spec.sequence)),
        page_number: None,
        created_at: Some(start + Duration::hours(30)),
        period_from: Some(start),
        period_to: Some(start + Duration::seconds(86_399)),
        account: spec.account.clone(),
        balances: vec![
            balance(BalanceType::OpeningBooked, opening),
            balance(BalanceType::ClosingBooked, spec.balance_minor),
        ],
        entries,
        line: 0,
    }
}

/// Statements one after another, day by day across the accounts, each with `per_statement`
/// entries, until `keep_going` says stop.
pub struct StatementStream {
    rng: Rng,
    accounts: Vec<AccountSpec>,
    day: NaiveDate,
    account_index: usize,
    per_statement: usize,
    next_number: u64,
    codes: Codes,
}

impl StatementStream {
    pub fn new(seed: u64, accounts: Vec<AccountSpec>, per_statement: usize, codes: Codes) -> Self {
        StatementStream {
            rng: Rng::new(seed),
            accounts,
            day: NaiveDate::from_ymd_opt(2025, 1, 2).expect("a valid date"),
            account_index: 0,
            per_statement,
            next_number: 0,
            codes,
        }
    }

    /// The next statement with `count` entries (or the default number).
    pub fn next_statement(&mut self, count: Option<usize>) -> ParsedStatement {
        let count = count.unwrap_or(self.per_statement);
        let day = self.day;
        let spec = &mut self.accounts[self.account_index];
        let statement = statement(
            &mut self.rng,
            spec,
            day,
            count,
            &mut self.next_number,
            self.codes,
        );
        self.account_index += 1;
        if self.account_index == self.accounts.len() {
            self.account_index = 0;
            self.day += Duration::days(1);
        }
        statement
    }
}

/// What a generated file holds.
#[derive(Debug, Clone, Copy)]
pub struct Generated {
    pub bytes: u64,
    pub statements: u64,
    pub entries: u64,
}

fn created_at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 6, 30, 0)
        .single()
        .expect("a valid instant")
}

/// The statement part of a one-statement camt.053 document (from `<Stmt>` to `</Stmt>`), so
/// that a file of any size is written statement by statement with the project's writer.
fn camt_statement_xml(statement: &ParsedStatement) -> String {
    let document = camt053_document(
        CAMT_VERSION,
        "M",
        created_at(),
        std::slice::from_ref(statement),
    );
    let start = document.find("<Stmt>").expect("the writer writes a Stmt");
    let end = document
        .rfind("</Stmt>")
        .expect("the writer closes the Stmt")
        + "</Stmt>\n".len();
    document[start..end].to_string()
}

/// Writes a camt.053 file: entries up to `entries_max`, or until it reaches `bytes_min`.
pub fn write_camt(
    path: &Path,
    seed: u64,
    bytes_min: Option<u64>,
    entries_max: Option<u64>,
    per_statement: usize,
) -> anyhow::Result<Generated> {
    let mut stream = StatementStream::new(seed, accounts(20, true), per_statement, Codes::Iso);
    let empty = camt053_document(CAMT_VERSION, "CASHLINE-BENCH-0001", created_at(), &[]);
    let tail = "</BkToCstmrStmt>\n</Document>\n";
    let head = empty
        .strip_suffix(tail)
        .expect("the writer ends with the root's end");
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    out.write_all(head.as_bytes())?;
    let mut generated = Generated {
        bytes: head.len() as u64 + tail.len() as u64,
        statements: 0,
        entries: 0,
    };
    loop {
        let done_bytes = bytes_min.is_some_and(|b| generated.bytes >= b);
        let left = entries_max.map(|e| e.saturating_sub(generated.entries));
        if done_bytes || left == Some(0) {
            break;
        }
        let count = left.map_or(per_statement, |l| (l as usize).min(per_statement));
        let statement = stream.next_statement(Some(count));
        let xml = camt_statement_xml(&statement);
        out.write_all(xml.as_bytes())?;
        generated.bytes += xml.len() as u64;
        generated.statements += 1;
        generated.entries += statement.entries.len() as u64;
    }
    out.write_all(tail.as_bytes())?;
    out.flush()?;
    Ok(generated)
}

/// Writes an MT940 file of at least `bytes_min` bytes: one message per statement.
pub fn write_mt940(
    path: &Path,
    seed: u64,
    bytes_min: u64,
    per_statement: usize,
) -> anyhow::Result<Generated> {
    let mut stream = StatementStream::new(seed, accounts(20, true), per_statement, Codes::Swift);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut generated = Generated {
        bytes: 0,
        statements: 0,
        entries: 0,
    };
    while generated.bytes < bytes_min {
        let statement = stream.next_statement(None);
        let text = mt940_document(std::slice::from_ref(&statement));
        out.write_all(text.as_bytes())?;
        generated.bytes += text.len() as u64;
        generated.statements += 1;
        generated.entries += statement.entries.len() as u64;
    }
    out.flush()?;
    Ok(generated)
}

/// Writes a BAI2 file of at least `bytes_min` bytes: one group per statement. BAI2's file
/// trailer totals every group, so the statements are held until the file is written.
pub fn write_bai2(
    path: &Path,
    seed: u64,
    bytes_min: u64,
    per_statement: usize,
) -> anyhow::Result<Generated> {
    let mut accounts = accounts(20, false);
    let usd = Currency::from_code("USD").expect("USD");
    for spec in &mut accounts {
        spec.account.currency = usd;
        spec.account.bic = None;
    }
    let mut stream = StatementStream::new(seed, accounts, per_statement, Codes::Bai2);
    // Measured on the first statement: bytes per entry, to know how many statements to make.
    let first = stream.next_statement(None);
    let bytes_first =
        cashline_bankfile::bai2::write::bai2_file("B", created_at(), std::slice::from_ref(&first))
            .len() as u64;
    let statements_count = bytes_min.div_ceil(bytes_first.max(1)).max(1);
    let mut statements = Vec::with_capacity(statements_count as usize);
    statements.push(first);
    while (statements.len() as u64) < statements_count {
        statements.push(stream.next_statement(None));
    }
    let text =
        cashline_bankfile::bai2::write::bai2_file("CASHLINEBENCH1", created_at(), &statements);
    std::fs::write(path, &text)?;
    Ok(Generated {
        bytes: text.len() as u64,
        statements: statements.len() as u64,
        entries: statements.iter().map(|s| s.entries.len() as u64).sum(),
    })
}
