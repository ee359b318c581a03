//! The simulated bank itself, without HTTP: accounts in several currencies with a day-by-day
//! history, intraday activity (pending transactions that book later, some under another
//! transaction id but the same entry reference), balances that follow, consents and payments
//! whose status advances with the clock. Deterministic from a seed and the start time.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

use cashline_bankfile::{ParsedAccount, ParsedBalance, ParsedEntry, ParsedStatement};
use cashline_domain::{
    AccountKey, BalanceType, Bic, Currency, EntryStatus, Iban, Money, StatementKind,
};

/// A small deterministic generator (xorshift64*): the simulator's content is the same for the
/// same seed, on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

#[derive(Debug, Clone)]
pub struct SimTransaction {
    pub transaction_id: String,
    /// The id it is reported under once booked, where the bank issues a new one.
    pub booked_id: Option<String>,
    pub entry_reference: String,
    pub appears_at: DateTime<Utc>,
    pub books_at: DateTime<Utc>,
    pub value_date: NaiveDate,
    /// Signed minor units.
    pub amount_minor: i64,
    pub counterparty_name: String,
    pub counterparty_iban: String,
    pub remittance: String,
    pub end_to_end_id: Option<String>,
}

impl SimTransaction {
    pub fn is_booked(&self, now: DateTime<Utc>) -> bool {
        self.books_at <= now
    }

    pub fn is_visible(&self, now: DateTime<Utc>) -> bool {
        self.appears_at <= now
    }

    pub fn id_at(&self, now: DateTime<Utc>) -> &str {
        match (&self.booked_id, self.is_booked(now)) {
            (Some(booked), true) => booked,
            _ => &self.transaction_id,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SimAccount {
    /// The stem of its resource id; the id itself carries the generation (`changed-ids`).
    pub key: String,
    pub iban: String,
    pub currency: Currency,
    pub name: String,
    pub owner_name: String,
    pub bic: String,
    pub opening_minor: i64,
    pub transactions: Vec<SimTransaction>,
}

/// The balances of an account at a moment, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balances {
    /// The last day closed before today, and its closing booked balance.
    pub closing_day: NaiveDate,
    pub closing_booked: i64,
    pub interim_booked: i64,
    /// Interim booked plus pending.
    pub expected: i64,
}

impl SimAccount {
    pub fn money(&self, minor: i64) -> Money {
        Money::from_minor(minor, self.currency)
    }

    pub fn balances(&self, now: DateTime<Utc>) -> Balances {
        let today = now.date_naive();
        let closing_day = today - Duration::days(1);
        let booked_by = |day: NaiveDate| -> i64 {
            self.transactions
                .iter()
                .filter(|t| t.is_booked(now) && t.books_at.date_naive() <= day)
                .map(|t| t.amount_minor)
                .sum()
        };
        let pending: i64 = self
            .transactions
            .iter()
            .filter(|t| t.is_visible(now) && !t.is_booked(now))
            .map(|t| t.amount_minor)
            .sum();
        let closing_booked = self.opening_minor + booked_by(closing_day);
        let interim_booked = self.opening_minor + booked_by(today);
        Balances {
            closing_day,
            closing_booked,
            interim_booked,
            expected: interim_booked + pending,
        }
    }
}

impl SimAccount {
    /// The day's end-of-day statement, as the bank's statement download gives it: the entries
    /// booked that day under the same entry references the API reports (`AcctSvcrRef`), the
    /// opening and closing booked balances. `None` for a day not closed yet at `now`.
    pub fn statement_of_day(&self, day: NaiveDate, now: DateTime<Utc>) -> Option<ParsedStatement> {
        if day >= now.date_naive() {
            return None;
        }
        let booked_by = |last: NaiveDate| -> i64 {
            self.opening_minor
                + self
                    .transactions
                    .iter()
                    .filter(|t| t.is_booked(now) && t.books_at.date_naive() <= last)
                    .map(|t| t.amount_minor)
                    .sum::<i64>()
        };
        let iban = Iban::parse(&self.iban).ok()?;
        let entries: Vec<ParsedEntry> = self
            .transactions
            .iter()
            .filter(|t| t.is_booked(now) && t.books_at.date_naive() == day)
            .enumerate()
            .map(|(i, t)| ParsedEntry {
                amount: self.money(t.amount_minor),
                status: EntryStatus::Booked,
                reversal: false,
                booking_date: Some(day),
                value_date: Some(t.value_date),
                bank_ref: Some(t.entry_reference.clone()),
                entry_ref: Some(t.id_at(now).to_string()),
                end_to_end_id: t.end_to_end_id.clone(),
                counterparty_name: Some(t.counterparty_name.clone()),
                counterparty_iban: Some(t.counterparty_iban.clone()),
                remittance: Some(t.remittance.clone()),
                creditor_reference: None,
                bank_transaction_code: None,
                source_element: format!("Ntry[{}]", i + 1),
                details: Vec::new(),
            })
            .collect();
        let balance = |balance_type, minor, date| ParsedBalance {
            balance_type,
            amount: self.money(minor),
            date,
            as_of: None,
        };
        Some(ParsedStatement {
            kind: StatementKind::EndOfDay,
            message_id: format!("SIM-{}-{day}", self.key),
            statement_ref: format!("{}-{day}", self.key),
            sequence_number: None,
            page_number: None,
            created_at: Some(now),
            period_from: None,
            period_to: None,
            account: ParsedAccount {
                key: AccountKey::from_iban(&iban),
                iban: Some(iban),
                currency: self.currency,
                bic: Bic::parse(&self.bic).ok(),
                bank_name: None,
                owner_name: Some(self.owner_name.clone()),
            },
            balances: vec![
                balance(
                    BalanceType::OpeningBooked,
                    booked_by(day - Duration::days(1)),
                    day,
                ),
                balance(BalanceType::ClosingBooked, booked_by(day), day),
            ],
            entries,
            line: 0,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentState {
    Received,
    Valid,
    Revoked,
    Terminated,
}

#[derive(Debug, Clone)]
pub struct SimConsent {
    pub id: String,
    pub state: ConsentState,
    pub valid_until: NaiveDate,
    pub frequency_per_day: u32,
    pub redirect_uri: Option<String>,
    /// Unattended reads per (account key, endpoint, day).
    pub reads: HashMap<(String, &'static str, NaiveDate), u32>,
    /// Approved through OAuth2: reads carry its access token.
    pub oauth: bool,
}

impl SimConsent {
    /// The status the specification names, at `now`.
    pub fn status(&self, now: DateTime<Utc>) -> &'static str {
        match self.state {
            ConsentState::Revoked => "revokedByPsu",
            ConsentState::Terminated => "terminatedByTpp",
            _ if now.date_naive() > self.valid_until => "expired",
            ConsentState::Received => "received",
            ConsentState::Valid => "valid",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SimPayment {
    pub payment_id: String,
    pub request_id: String,
    pub end_to_end_id: String,
    pub debtor_iban: String,
    pub creditor_name: String,
    pub creditor_iban: String,
    pub amount: Money,
    pub created_at: DateTime<Utc>,
    /// Why the bank rejects it, where it does: an ISO reason code and its words.
    pub rejection: Option<(&'static str, &'static str)>,
}

/// Minutes after creation at which a payment reaches each status.
const ACTC_AFTER_MINUTES: i64 = 2;
const ACSP_AFTER_MINUTES: i64 = 10;
const ACSC_AFTER_MINUTES: i64 = 60;

impl SimPayment {
    pub fn status(&self, now: DateTime<Utc>) -> &'static str {
        let minutes = (now - self.created_at).num_minutes();
        match (&self.rejection, minutes) {
            (_, m) if m < ACTC_AFTER_MINUTES => "RCVD",
            (Some(_), _) => "RJCT",
            (None, m) if m < ACSP_AFTER_MINUTES => "ACTC",
            (None, m) if m < ACSC_AFTER_MINUTES => "ACSP",
            (None, _) => "ACSC",
        }
    }

    /// The reason a bank gives: `AC04 Account closed`.
    pub fn reason(&self, now: DateTime<Utc>) -> Option<String> {
        match (self.status(now), &self.rejection) {
            ("RJCT", Some((code, words))) => Some(format!("{code} {words}")),
            _ => None,
        }
    }
}

/// Why the simulated bank refuses a payment, by the published reason codes: a creditor whose
/// name says the account is closed (AC04), or an amount above what it executes (AM02).
pub fn rejection_of(creditor_name: &str, amount: &Money) -> Option<(&'static str, &'static str)> {
    if creditor_name.to_ascii_lowercase().contains("closed") {
        return Some(("AC04", "Account closed"));
    }
    if amount.amount() > rust_decimal::Decimal::from(1_000_000) {
        return Some(("AM02", "Not allowed amount"));
    }
    None
}

/// One account a simulated bank keeps: what it is, and the balance its history starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    /// A short key, in the account's resource id and its entry references.
    pub key: String,
    pub iban: String,
    pub currency: Currency,
    pub name: String,
    pub opening_minor: i64,
    /// The bank's BIC, as its accounts show it.
    pub bic: String,
}

impl AccountSpec {
    pub fn new(
        key: &str,
        iban: &str,
        currency: Currency,
        name: &str,
        opening_minor: i64,
        bic: &str,
    ) -> AccountSpec {
        AccountSpec {
            key: key.into(),
            iban: iban.into(),
            currency,
            name: name.into(),
            opening_minor,
            bic: bic.into(),
        }
    }
}

/// The accounts of the simulator's first bank: two EUR accounts, a USD and a GBP one.
pub fn default_accounts() -> Vec<AccountSpec> {
    vec![
        AccountSpec::new(
            "op",
            "DE89370400440532013000",
            Currency::EUR,
            "Operating",
            48_250_000,
            "COBADEFFXXX",
        ),
        AccountSpec::new(
            "col",
            "NL91ABNA0417164300",
            Currency::EUR,
            "Collections",
            12_730_050,
            "ABNANL2AXXX",
        ),
        AccountSpec::new(
            "usd",
            "CH9300762011623852957",
            Currency::USD,
            "USD operating",
            8_400_000,
            "UBSWCHZH80A",
        ),
        AccountSpec::new(
            "gbp",
            "GB29NWBK60161331926819",
            Currency::GBP,
            "UK payroll",
            3_120_000,
            "NWBKGB2LXXX",
        ),
    ]
}

/// The bank's accounts, their history generated from the seed around `start`.
pub fn accounts(seed: u64, start: DateTime<Utc>, specs: &[AccountSpec]) -> Vec<SimAccount> {
    let mut rng = Rng::new(seed);
    specs
        .iter()
        .map(|spec| {
            let mut account = SimAccount {
                key: spec.key.clone(),
                iban: spec.iban.clone(),
                currency: spec.currency,
                name: spec.name.clone(),
                owner_name: "Cashline Demo Group".into(),
                bic: spec.bic.clone(),
                opening_minor: spec.opening_minor,
                transactions: Vec::new(),
            };
            history(&mut account, &mut rng, start);
            account
        })
        .collect()
}

const COUNTERPARTIES: [(&str, &str); 6] = [
    ("Contoso Handels GmbH", "DE44500105175407324931"),
    ("Fabrikam BV", "NL20INGB0001234567"),
    ("Northwind Traders Ltd", "GB33BUKB20201555555555"),
    ("Tailspin Logistik AG", "CH5604835012345678009"),
    ("Adatum SARL", "FR7630006000011234567890189"),
    ("Litware Oy", "FI2112345600000785"),
];

/// Ten business days of booked activity before `start`'s day, two bookings earlier today, and
/// two pending transactions that book later today (the second under a new transaction id).
fn history(account: &mut SimAccount, rng: &mut Rng, start: DateTime<Utc>) {
    let today = start.date_naive();
    let mut day = today;
    let mut days = Vec::new();
    while days.len() < 10 {
        day -= Duration::days(1);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            days.push(day);
        }
    }
    days.reverse();
    let mut n = 0;
    let mut push = |account: &mut SimAccount,
                    rng: &mut Rng,
                    appears: DateTime<Utc>,
                    books: DateTime<Utc>,
                    renamed: bool| {
        n += 1;
        let (name, iban) = COUNTERPARTIES[rng.below(COUNTERPARTIES.len() as u64) as usize];
        let credit = rng.below(3) != 0;
        let minor = i64::try_from(rng.below(2_500_000) + 5_000).unwrap_or(5_000);
        let reference = format!("{}-{:05}", account.key.to_uppercase(), n);
        account.transactions.push(SimTransaction {
            transaction_id: format!("T{}{:05}", account.key, n),
            booked_id: renamed.then(|| format!("B{}{:05}", account.key, n)),
            entry_reference: reference,
            appears_at: appears,
            books_at: books,
            value_date: books.date_naive(),
            amount_minor: if credit { minor } else { -minor },
            counterparty_name: name.into(),
            counterparty_iban: iban.into(),
            remittance: if credit {
                format!("Invoice INV-{:06}", 100_000 + rng.below(900_000))
            } else {
                format!("Supplier payment PO-{:05}", rng.below(100_000))
            },
            end_to_end_id: None,
        });
    };
    for day in days {
        for k in 0..(3 + rng.below(4)) {
            let at = day
                .and_hms_opt(8 + u32::try_from(k).unwrap_or(0), 15, 0)
                .expect("a time of day")
                .and_utc();
            push(account, rng, at, at, false);
        }
    }
    let today_at = |hour: u32| today.and_hms_opt(hour, 5, 0).expect("an hour").and_utc();
    let early = today_at(0).min(start - Duration::hours(1));
    push(account, rng, early, early, false);
    push(account, rng, early, early + Duration::minutes(30), false);
    push(
        account,
        rng,
        early,
        (start + Duration::hours(4)).max(early),
        false,
    );
    push(
        account,
        rng,
        early,
        (start + Duration::hours(6)).max(early),
        true,
    );
}
