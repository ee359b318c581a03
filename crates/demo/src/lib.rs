//! Demo data: end-of-day camt.053 statements for Northwind, a fictitious trading group with
//! accounts at five banks in four currencies. Everything is made here from a fixed seed per
//! day, so the same day always gives the same files and a re-run imports nothing twice.

pub mod recon_set;
pub mod reference;

use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use cashline_bankfile::camt::write::camt053_document;
use cashline_bankfile::{ParsedAccount, ParsedBalance, ParsedDetail, ParsedEntry, ParsedStatement};
use cashline_domain::{
    AccountKey, BalanceType, Bic, Currency, EntryStatus, Iban, Money, StatementKind,
};

/// Business days of history the demo writes.
pub const DEMO_BUSINESS_DAYS: usize = 20;

struct DemoAccount {
    owner: &'static str,
    bank: &'static str,
    bank_slug: &'static str,
    bic: &'static str,
    country: &'static str,
    /// The national number, turned into an IBAN where the country has them.
    bban: &'static str,
    currency: &'static str,
    opening_minor: i64,
    camt_version: u32,
    /// Typical size of one payment, in major units.
    scale: i64,
}

const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        owner: "Northwind Handel GmbH",
        bank: "Commerzbank",
        bank_slug: "commerzbank",
        bic: "COBADEFFXXX",
        country: "DE",
        bban: "370400440532013000",
        currency: "EUR",
        opening_minor: 184_250_000,
        camt_version: 8,
        scale: 12_000,
    },
    DemoAccount {
        owner: "Northwind Handel GmbH",
        bank: "Deutsche Bank",
        bank_slug: "deutsche-bank",
        bic: "DEUTDEFFXXX",
        country: "DE",
        bban: "500700100925836100",
        currency: "EUR",
        opening_minor: 52_310_455,
        camt_version: 2,
        scale: 4_000,
    },
    DemoAccount {
        owner: "Northwind Trading Ltd",
        bank: "Barclays",
        bank_slug: "barclays",
        bic: "BARCGB22XXX",
        country: "GB",
        bban: "BARC20000055779911",
        currency: "GBP",
        opening_minor: 73_900_120,
        camt_version: 8,
        scale: 8_000,
    },
    DemoAccount {
        owner: "Northwind Schweiz AG",
        bank: "UBS Switzerland",
        bank_slug: "ubs",
        bic: "UBSWCHZH80A",
        country: "CH",
        bban: "002300A1023502601",
        currency: "CHF",
        opening_minor: 31_775_000,
        camt_version: 4,
        scale: 6_000,
    },
    DemoAccount {
        owner: "Northwind Inc.",
        bank: "JPMorgan Chase",
        bank_slug: "chase",
        bic: "CHASUS33XXX",
        country: "US",
        bban: "000123456789",
        currency: "USD",
        opening_minor: 96_040_310,
        camt_version: 8,
        scale: 15_000,
    },
];

const CUSTOMERS: &[&str] = &[
    "Contoso Retail SE",
    "Fabrikam Logistics BV",
    "Adventure Works SARL",
    "Tailspin Toys AG",
    "Wide World Importers Ltd",
    "Litware Systems GmbH",
    "Proseware Inc.",
    "Lucerne Publishing AG",
];
const SUPPLIERS: &[&str] = &[
    "Coho Winery SA",
    "Alpine Ski House GmbH",
    "Margie's Travel Ltd",
    "Trey Research Inc.",
    "Blue Yonder Airlines",
    "Humongous Insurance AG",
    "Southridge Video GmbH",
    "Fourth Coffee BV",
];

/// One file of demo data: its name and its bytes.
pub struct DemoFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

fn is_business_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The business days before `today`, oldest first.
pub fn demo_days(today: NaiveDate, count: usize) -> Vec<NaiveDate> {
    let mut days = Vec::with_capacity(count);
    let mut day = today - Duration::days(1);
    while days.len() < count {
        if is_business_day(day) {
            days.push(day);
        }
        day -= Duration::days(1);
    }
    days.reverse();
    days
}

fn account_key(account: &DemoAccount) -> (AccountKey, Option<Iban>) {
    if account.country == "US" {
        // US accounts have no IBAN: the number as the bank writes it is the key.
        let key = AccountKey::parse(account.bban).expect("demo account numbers are valid");
        return (key, None);
    }
    let iban =
        Iban::from_country_and_bban(account.country, account.bban).expect("demo BBANs form IBANs");
    (AccountKey::from_iban(&iban), Some(iban))
}

/// A valid ISO 11649 creditor reference (`RF` + check digits + reference).
fn creditor_reference(reference: &str) -> String {
    let rearranged = format!("{reference}RF00");
    let mut remainder: u32 = 0;
    for c in rearranged.chars() {
        let value = c.to_digit(36).expect("alphanumeric reference");
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    format!("RF{:02}{reference}", 98 - remainder)
}

fn demo_entries(
    rng: &mut StdRng,
    account: &DemoAccount,
    currency: Currency,
    day: NaiveDate,
) -> Vec<ParsedEntry> {
    let count = rng.random_range(3..=10);
    let mut entries = Vec::with_capacity(count + 1);
    let unit = 10i64.pow(currency.minor_units());
    // The German company pays its suppliers in one run on Fridays: its first payment of the
    // day is booked as one debit of several transfers.
    let mut payment_run = account.bank_slug == PAYMENT_RUN_BANK && day.weekday() == Weekday::Fri;
    for index in 0..count {
        let receipt = rng.random_bool(0.55);
        let major = rng.random_range(account.scale / 20..=account.scale);
        let cents = rng.random_range(0..unit);
        let magnitude = major * unit + cents;
        let invoice = rng.random_range(10_000..99_999);
        let (amount_minor, name, remittance, code, reference) = if receipt {
            let customer = CUSTOMERS[rng.random_range(0..CUSTOMERS.len())];
            let reference = rng
                .random_bool(0.5)
                .then(|| creditor_reference(&format!("INV{invoice}")));
            (
                magnitude,
                customer,
                format!("Invoice INV-{invoice}"),
                "PMNT/RCDT/ESCT",
                reference,
            )
        } else {
            let supplier = SUPPLIERS[rng.random_range(0..SUPPLIERS.len())];
            (
                -magnitude,
                supplier,
                format!("Payment of bill {invoice}"),
                "PMNT/ICDT/ESCT",
                None,
            )
        };
        let bank_ref = format!(
            "{}-{}-{:03}",
            account.bank_slug.to_uppercase(),
            day.format("%Y%m%d"),
            index + 1
        );
        if payment_run && amount_minor < 0 {
            payment_run = false;
            entries.push(payment_run_entry(
                bank_ref,
                index,
                day,
                Money::from_minor(amount_minor, currency),
                invoice,
            ));
            continue;
        }
        entries.push(ParsedEntry {
            amount: Money::from_minor(amount_minor, currency),
            status: EntryStatus::Booked,
            reversal: false,
            booking_date: Some(day),
            value_date: Some(day),
            bank_ref: Some(bank_ref),
            entry_ref: Some(format!("{}", index + 1)),
            end_to_end_id: Some(format!("NW-{}-{invoice}", day.format("%y%m%d"))),
            counterparty_name: Some(name.to_string()),
            counterparty_iban: None,
            remittance: Some(remittance),
            creditor_reference: reference,
            bank_transaction_code: Some(code.to_string()),
            source_element: String::new(),
            details: Vec::new(),
        });
    }
    // Account fees on the first business day of the month.
    if day.day() <= 3 && day.weekday() == Weekday::Mon || day.day() == 1 {
        entries.push(ParsedEntry {
            amount: Money::from_minor(-(25 * unit + 90 * unit / 100), currency),
            status: EntryStatus::Booked,
            reversal: false,
            booking_date: Some(day),
            value_date: Some(day),
            bank_ref: Some(format!(
                "{}-{}-FEE",
                account.bank_slug.to_uppercase(),
                day.format("%Y%m%d")
            )),
            entry_ref: None,
            end_to_end_id: None,
            counterparty_name: None,
            counterparty_iban: None,
            remittance: Some("Account maintenance fee".into()),
            creditor_reference: None,
            bank_transaction_code: Some("ACMT/MDOP/CHRG".into()),
            source_element: String::new(),
            details: Vec::new(),
        });
    }
    entries
}

/// The bank of the account whose Friday supplier payments go out as one run.
const PAYMENT_RUN_BANK: &str = "commerzbank";
/// Transfers in a payment run, and each one's share of the run in tenths (the last takes
/// what is left, so the transfers add up to the booked debit exactly).
const PAYMENT_RUN_SHARES_TENTHS: [i64; 3] = [5, 3, 2];

/// A supplier payment run: one booked debit of `amount`, carrying its transfers as details,
/// each with its creditor, bill and end-to-end id.
fn payment_run_entry(
    bank_ref: String,
    index: usize,
    day: NaiveDate,
    amount: Money,
    invoice: i64,
) -> ParsedEntry {
    let currency = amount.currency();
    let total = amount.amount_minor().expect("demo amounts are small");
    let mut left = total;
    let mut details = Vec::with_capacity(PAYMENT_RUN_SHARES_TENTHS.len());
    for (number, share) in PAYMENT_RUN_SHARES_TENTHS.iter().enumerate() {
        let minor = if number + 1 == PAYMENT_RUN_SHARES_TENTHS.len() {
            left
        } else {
            total * share / 10
        };
        left -= minor;
        let bill = invoice + number as i64;
        details.push(ParsedDetail {
            amount: Some(Money::from_minor(minor, currency)),
            end_to_end_id: Some(format!("E2E-NW-{}-{}", day.format("%y%m%d"), number + 1)),
            counterparty_name: Some(SUPPLIERS[bill as usize % SUPPLIERS.len()].to_string()),
            remittance: Some(format!("Payment of bill {bill}")),
            ..ParsedDetail::default()
        });
    }
    ParsedEntry {
        amount,
        status: EntryStatus::Booked,
        reversal: false,
        booking_date: Some(day),
        value_date: Some(day),
        bank_ref: Some(bank_ref),
        entry_ref: Some(format!("{}", index + 1)),
        end_to_end_id: None,
        counterparty_name: None,
        counterparty_iban: None,
        remittance: Some(format!(
            "Supplier payment run {} ({} transfers)",
            day.format("%Y-%m-%d"),
            details.len()
        )),
        creditor_reference: None,
        bank_transaction_code: Some("PMNT/ICDT/ESCT".into()),
        source_element: String::new(),
        details,
    }
}

/// One account's day: its balances and entries, before it is written as a file.
pub struct DemoDay {
    pub account: usize,
    pub day: NaiveDate,
    pub opening: Money,
    pub closing: Money,
    pub entries: Vec<ParsedEntry>,
}

/// The statements' content for the business days before `today`, account by account.
pub fn demo_statements(today: NaiveDate, business_days: usize) -> Vec<DemoDay> {
    let days = demo_days(today, business_days);
    let mut out = Vec::with_capacity(days.len() * ACCOUNTS.len());
    for (account_index, account) in ACCOUNTS.iter().enumerate() {
        let currency = Currency::from_code(account.currency).expect("demo currencies are ISO 4217");
        // The balance history starts from a fixed point so that any window of days is the
        // same history: the seed depends on the day, not on when the demo runs.
        let mut closing = Money::from_minor(account.opening_minor, currency);
        let epoch = NaiveDate::from_ymd_opt(2020, 1, 1).expect("a valid date");
        let mut day = epoch;
        let first = days[0];
        while day <= *days.last().expect("at least one day") {
            if is_business_day(day) {
                let seed = (day - epoch).num_days() as u64 * 31 + account_index as u64;
                let mut rng = StdRng::seed_from_u64(seed);
                let mut entries = demo_entries(&mut rng, account, currency, day);
                let opening = closing;
                for entry in &entries {
                    closing = closing.checked_add(&entry.amount).expect("same currency");
                }
                // Keep the demo treasury solvent, as a real one would: a cash-pool funding
                // transfer arrives when an account would close below its starting balance.
                let floor = Money::from_minor(account.opening_minor / 4, currency);
                if closing.amount() < floor.amount() {
                    let funding = Money::from_minor(account.opening_minor / 2, currency);
                    closing = closing.checked_add(&funding).expect("same currency");
                    entries.push(funding_entry(account, day, funding));
                }
                if day >= first {
                    out.push(DemoDay {
                        account: account_index,
                        day,
                        opening,
                        closing,
                        entries,
                    });
                }
            }
            continue_day(&mut day);
        }
    }
    out
}

/// Writes the demo statements for the business days before `today`.
pub fn generate(today: NaiveDate, business_days: usize) -> Vec<DemoFile> {
    demo_statements(today, business_days)
        .into_iter()
        .map(|d| {
            let account = &ACCOUNTS[d.account];
            let currency =
                Currency::from_code(account.currency).expect("demo currencies are ISO 4217");
            let (key, iban) = account_key(account);
            statement_file(
                account, &key, iban, currency, d.day, d.opening, d.closing, d.entries,
            )
        })
        .collect()
}

fn funding_entry(account: &DemoAccount, day: NaiveDate, amount: Money) -> ParsedEntry {
    ParsedEntry {
        amount,
        status: EntryStatus::Booked,
        reversal: false,
        booking_date: Some(day),
        value_date: Some(day),
        bank_ref: Some(format!(
            "{}-{}-POOL",
            account.bank_slug.to_uppercase(),
            day.format("%Y%m%d")
        )),
        entry_ref: None,
        end_to_end_id: Some(format!("NW-POOL-{}", day.format("%y%m%d"))),
        counterparty_name: Some("Northwind Treasury Centre".into()),
        counterparty_iban: None,
        remittance: Some("Cash pool funding".into()),
        creditor_reference: None,
        bank_transaction_code: Some("PMNT/RCDT/BOOK".into()),
        source_element: String::new(),
        details: Vec::new(),
    }
}

fn continue_day(day: &mut NaiveDate) {
    *day += Duration::days(1);
}

#[allow(clippy::too_many_arguments)]
fn statement_file(
    account: &DemoAccount,
    key: &AccountKey,
    iban: Option<Iban>,
    currency: Currency,
    day: NaiveDate,
    opening: Money,
    closing: Money,
    entries: Vec<ParsedEntry>,
) -> DemoFile {
    let created_at = Utc.from_utc_datetime(&day.and_hms_opt(19, 30, 0).expect("a valid time"));
    // Banks number statements per business day, restarting each year.
    let year_start = NaiveDate::from_ymd_opt(day.year(), 1, 1).expect("a valid date");
    let sequence = (0..=(day - year_start).num_days())
        .filter(|offset| is_business_day(year_start + Duration::days(*offset)))
        .count();
    let previous = day - Duration::days(1);
    let available = closing;
    let statement = ParsedStatement {
        kind: StatementKind::EndOfDay,
        message_id: format!(
            "{}-{}",
            account.bank_slug.to_uppercase(),
            day.format("%Y%m%d")
        ),
        statement_ref: format!("{}-{}", key.reveal(), day.format("%Y%m%d")),
        sequence_number: Some(sequence.to_string()),
        page_number: Some(1),
        created_at: Some(created_at),
        period_from: None,
        period_to: None,
        account: ParsedAccount {
            key: key.clone(),
            iban,
            currency,
            bic: Some(Bic::parse(account.bic).expect("demo BICs are valid")),
            bank_name: Some(account.bank.to_string()),
            owner_name: Some(account.owner.to_string()),
        },
        balances: vec![
            ParsedBalance {
                balance_type: BalanceType::OpeningBooked,
                amount: opening,
                date: previous,
                as_of: None,
            },
            ParsedBalance {
                balance_type: BalanceType::ClosingBooked,
                amount: closing,
                date: day,
                as_of: None,
            },
            ParsedBalance {
                balance_type: BalanceType::ClosingAvailable,
                amount: available,
                date: day,
                as_of: None,
            },
        ],
        entries,
        line: 0,
    };
    let document = camt053_document(
        account.camt_version,
        &statement.message_id,
        created_at,
        std::slice::from_ref(&statement),
    );
    DemoFile {
        name: format!(
            "{}_{}_camt053.xml",
            day.format("%Y-%m-%d"),
            account.bank_slug
        ),
        bytes: document.into_bytes(),
    }
}

/// Writes the demo files into `dir` (created if needed) and returns their paths.
pub fn write_files(
    dir: &Path,
    today: NaiveDate,
    business_days: usize,
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut paths = Vec::new();
    for file in generate(today, business_days) {
        let path = dir.join(&file.name);
        std::fs::write(&path, &file.bytes)?;
        paths.push(path);
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cashline_engine::import::balance_check;

    fn today() -> NaiveDate {
        "2026-11-25".parse().unwrap()
    }

    #[test]
    fn every_demo_file_parses_and_adds_up() {
        let files = generate(today(), DEMO_BUSINESS_DAYS);
        assert_eq!(files.len(), DEMO_BUSINESS_DAYS * ACCOUNTS.len());
        for file in &files {
            let parsed = cashline_bankfile::parse(&file.bytes)
                .unwrap_or_else(|e| panic!("{}: {e}", file.name));
            for statement in &parsed.statements {
                assert_eq!(balance_check(statement).unwrap(), None, "{}", file.name);
                assert!(!statement.entries.is_empty());
            }
        }
    }

    #[test]
    fn the_same_day_gives_the_same_files() {
        let first = generate(today(), 3);
        let again = generate(today(), 3);
        assert!(first
            .iter()
            .zip(&again)
            .all(|(a, b)| a.name == b.name && a.bytes == b.bytes));
        // A later run overlaps the earlier window with identical statements.
        let later = generate(today() + Duration::days(1), 3);
        let overlap = later
            .iter()
            .filter(|f| first.iter().any(|g| g.name == f.name && g.bytes == f.bytes));
        assert!(overlap.count() >= ACCOUNTS.len());
    }

    #[test]
    fn a_friday_supplier_payment_run_adds_up_to_its_debit() {
        let files = generate(today(), DEMO_BUSINESS_DAYS);
        let mut runs = 0;
        for file in files.iter().filter(|f| f.name.contains(PAYMENT_RUN_BANK)) {
            let parsed = cashline_bankfile::parse(&file.bytes).unwrap();
            for entry in parsed.statements.iter().flat_map(|s| &s.entries) {
                if entry.details.len() < 2 {
                    continue;
                }
                runs += 1;
                assert!(entry.amount.is_negative(), "{}", file.name);
                let sum = entry
                    .details
                    .iter()
                    .try_fold(Money::zero(entry.amount.currency()), |sum, detail| {
                        sum.checked_add(&detail.amount.unwrap())
                    })
                    .unwrap();
                assert_eq!(sum, entry.amount, "{}", file.name);
                assert!(entry.details.iter().all(|d| d.amount.unwrap().is_negative()
                    && d.end_to_end_id.as_deref().unwrap().starts_with("E2E-NW-")
                    && d.counterparty_name.is_some()));
            }
        }
        assert!(
            runs >= 3,
            "{runs} payment runs in {DEMO_BUSINESS_DAYS} business days"
        );
    }

    #[test]
    fn creditor_references_carry_valid_check_digits() {
        assert_eq!(creditor_reference("539007547034"), "RF18539007547034");
    }
}
