//! A labelled reconciliation set, made from a seed: bank statements in several formats and
//! currencies (camt.053 in EUR and JPY, MT940 in EUR, BAI2 in USD), the ERP's open items and
//! payments, and the truth — which entry settles which items — for `recon evaluate`. Every case
//! the matcher must handle is here, with decoys beside them: an item of the same amount from
//! another counterparty, two equal candidates, fees and short payments, one entry paying several
//! items, instalments, a payment and the payable it pays, entries no item explains (fees,
//! interest, cash pooling, a charge and its reversal) and items no entry settles.
//!
//! The demo loads one at a small scale, so the reconciliation screen has real work to show; the
//! evaluation test loads one at a larger scale and asserts its precision and recall.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use cashline_bankfile::bai2::write::bai2_file;
use cashline_bankfile::camt::write::camt053_document;
use cashline_bankfile::swift::write::mt940_document;
use cashline_bankfile::{ParsedAccount, ParsedBalance, ParsedDetail, ParsedEntry, ParsedStatement};
use cashline_domain::{
    AccountKey, BalanceType, Bic, BusinessCalendar, Currency, EntryStatus, Iban, Money,
    StatementKind,
};

use crate::DemoFile;

/// The accounts of the set: Northwind Benelux's banks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Camt,
    Mt940,
    Bai2,
}

struct SetAccount {
    /// An IBAN's country and national number, or a plain account number.
    key: (&'static str, &'static str),
    bic: &'static str,
    bank: &'static str,
    currency: &'static str,
    format: Format,
    /// Prefix of bank references, unique per account.
    prefix: &'static str,
}

const SET_ACCOUNTS: &[SetAccount] = &[
    SetAccount {
        key: ("NL", "INGB0001234567"),
        bic: "INGBNL2AXXX",
        bank: "ING",
        currency: "EUR",
        format: Format::Camt,
        prefix: "ING",
    },
    SetAccount {
        key: ("DE", "500105170123456789"),
        bic: "INGDDEFFXXX",
        bank: "ING Deutschland",
        currency: "EUR",
        format: Format::Mt940,
        prefix: "IDE",
    },
    SetAccount {
        key: ("", "4410092231"),
        bic: "CITIUS33XXX",
        bank: "Citibank",
        currency: "USD",
        format: Format::Bai2,
        prefix: "CTI",
    },
    SetAccount {
        key: ("", "0012345678"),
        bic: "BOTKJPJTXXX",
        bank: "MUFG Bank",
        currency: "JPY",
        format: Format::Camt,
        prefix: "MUF",
    },
];

/// The owner of the set's accounts, an entity of its own in the demo.
pub const SET_OWNER: &str = "Northwind Benelux B.V.";

const CUSTOMERS: &[(&str, &str)] = &[
    ("Tailspin Toys BV", "NL02ABNA0123456789"),
    ("Wingtip Trading GmbH", "DE75512108001245126199"),
    ("Fourth Coffee SA", "FR7630006000011234567890189"),
    ("Litware Inc", "GB33BUKB20201555555555"),
    ("Adventure Works AG", "CH9300762011623852957"),
    ("Proseware Oy", "FI2112345600000785"),
    ("Lucerne Publishing", "BE68539007547034"),
    ("Margie's Travel", "AT611904300234573201"),
];

const SUPPLIERS: &[(&str, &str)] = &[
    ("Fabrikam Logistics BV", "NL91ABNA0417164300"),
    ("Contoso Freight GmbH", "DE89370400440532013000"),
    ("Northwind Traders Ltd", "GB29NWBK60161331926819"),
    ("Alpine Office Supply", "AT483200000012345864"),
];

/// A labelled set: the files to import, the ERP's exports, and the truth.
pub struct LabelledSet {
    pub statements: Vec<DemoFile>,
    pub open_items_csv: String,
    pub payments_csv: String,
    /// `{"entries": {"<bank_ref>": {"items": [...]}}}`, every entry listed (the empty ones too).
    pub truth_json: String,
    /// The debtor account of the payments (the first EUR account), so they validate.
    pub accounts: Vec<String>,
    /// Entries of each kind of case, for the tests to say what the set holds.
    pub cases: BTreeMap<&'static str, usize>,
}

struct Item {
    id: String,
    kind: &'static str,
    counterparty: String,
    iban: Option<String>,
    amount_minor: i64,
    currency: Currency,
    due: NaiveDate,
    reference: String,
}

struct Payment {
    id: String,
    end_to_end_id: String,
    creditor: String,
    creditor_iban: String,
    amount_minor: i64,
    requested: NaiveDate,
    reference: String,
}

struct Builder {
    rng: StdRng,
    today: NaiveDate,
    days: Vec<NaiveDate>,
    /// Entries per account index, per day.
    entries: Vec<BTreeMap<NaiveDate, Vec<ParsedEntry>>>,
    items: Vec<Item>,
    payments: Vec<Payment>,
    truth: BTreeMap<String, Vec<String>>,
    cases: BTreeMap<&'static str, usize>,
    next: usize,
}

fn account_key(account: &SetAccount) -> (AccountKey, Option<Iban>) {
    if account.key.0.is_empty() {
        (
            AccountKey::parse(account.key.1).expect("a valid account number"),
            None,
        )
    } else {
        let iban = Iban::from_country_and_bban(account.key.0, account.key.1).expect("a valid IBAN");
        (
            AccountKey::parse(iban.reveal()).expect("an IBAN is a key"),
            Some(iban),
        )
    }
}

/// An ISO 11649 reference for `body` (letters and digits), with its check digits.
fn rf(body: &str) -> String {
    let rearranged = format!("{body}RF00");
    let mut remainder: u64 = 0;
    for c in rearranged.chars() {
        let value = c.to_digit(36).expect("alphanumeric") as u64;
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    format!("RF{:02}{body}", 98 - remainder)
}

impl Builder {
    fn n(&mut self) -> usize {
        self.next += 1;
        self.next
    }

    fn day(&mut self) -> NaiveDate {
        // Entries over the window, the newest within the last days.
        self.days[self.rng.random_range(0..self.days.len())]
    }

    fn amount(&mut self, currency: Currency, low: i64, high: i64) -> i64 {
        let unit = 10_i64.pow(currency.minor_units());
        let major = self.rng.random_range(low..high);
        let cents = if unit > 1 {
            self.rng.random_range(0..unit)
        } else {
            0
        };
        major * unit + cents
    }

    fn bank_ref(&self, account: usize, n: usize) -> String {
        format!("{}{:07}", SET_ACCOUNTS[account].prefix, n)
    }

    #[allow(clippy::too_many_arguments)]
    fn entry(
        &mut self,
        case: &'static str,
        account: usize,
        day: NaiveDate,
        amount_minor: i64,
        name: Option<&str>,
        iban: Option<&str>,
        remittance: Option<String>,
        end_to_end: Option<String>,
        creditor_reference: Option<String>,
        customer_ref: Option<String>,
        truth: &[String],
    ) -> String {
        let n = self.n();
        let bank_ref = self.bank_ref(account, n);
        let currency =
            Currency::from_code(SET_ACCOUNTS[account].currency).expect("a known currency");
        let credit = amount_minor > 0;
        let format = SET_ACCOUNTS[account].format;
        let entry = ParsedEntry {
            amount: Money::from_minor(amount_minor, currency),
            status: EntryStatus::Booked,
            reversal: false,
            booking_date: Some(day),
            value_date: Some(day),
            bank_ref: Some(bank_ref.clone()),
            entry_ref: customer_ref.or_else(|| (format == Format::Camt).then(|| format!("E{n}"))),
            end_to_end_id: end_to_end,
            counterparty_name: name.map(str::to_string),
            counterparty_iban: iban.map(str::to_string),
            remittance,
            creditor_reference,
            bank_transaction_code: Some(match format {
                Format::Mt940 => if credit { "GVC 166" } else { "GVC 177" }.to_string(),
                Format::Bai2 => if credit { "195" } else { "495" }.to_string(),
                Format::Camt => if credit {
                    "PMNT/RCDT/ESCT"
                } else {
                    "PMNT/ICDT/ESCT"
                }
                .to_string(),
            }),
            source_element: String::new(),
            details: Vec::new(),
        };
        self.entries[account].entry(day).or_default().push(entry);
        if !truth.is_empty() {
            self.truth.insert(bank_ref.clone(), truth.to_vec());
        }
        *self.cases.entry(case).or_default() += 1;
        bank_ref
    }

    #[allow(clippy::too_many_arguments)]
    fn item(
        &mut self,
        kind: &'static str,
        counterparty: (&str, &str),
        with_iban: bool,
        amount_minor: i64,
        currency: Currency,
        due: NaiveDate,
        reference: String,
    ) -> String {
        let n = self.n();
        let id = format!("{}-{n:05}", if kind == "receivable" { "AR" } else { "AP" });
        self.items.push(Item {
            id: id.clone(),
            kind,
            counterparty: counterparty.0.to_string(),
            iban: with_iban.then(|| counterparty.1.to_string()),
            amount_minor,
            currency,
            due,
            reference,
        });
        id
    }

    fn customer(&mut self) -> (&'static str, &'static str) {
        CUSTOMERS[self.rng.random_range(0..CUSTOMERS.len())]
    }

    fn supplier(&mut self) -> (&'static str, &'static str) {
        SUPPLIERS[self.rng.random_range(0..SUPPLIERS.len())]
    }

    /// One instance of every receivable case on `account`.
    fn receivables(&mut self, account: usize) {
        let currency = Currency::from_code(SET_ACCOUNTS[account].currency).expect("known");
        let (low, high) = if currency.minor_units() == 0 {
            (20_000, 900_000)
        } else {
            (200, 9_000)
        };
        let mt940 = SET_ACCOUNTS[account].format == Format::Mt940;
        let bai2 = SET_ACCOUNTS[account].format == Format::Bai2;

        // The payer's end-to-end id is the invoice's reference.
        let c = self.customer();
        let day = self.day();
        let amount = self.amount(currency, low, high);
        let reference = format!("SO{:06}", self.n());
        let item = self.item(
            "receivable",
            c,
            false,
            amount,
            currency,
            day - Duration::days(3),
            reference.clone(),
        );
        if bai2 {
            // BAI2 carries the payer's reference as the customer reference.
            self.entry(
                "customer_reference",
                account,
                day,
                amount,
                Some(c.0),
                None,
                Some(format!("PAYMENT {reference}")),
                None,
                None,
                Some(reference),
                &[item],
            );
        } else {
            self.entry(
                "end_to_end_id",
                account,
                day,
                amount,
                Some(c.0),
                Some(c.1),
                Some("Thank you".into()),
                Some(reference),
                None,
                None,
                &[item],
            );
        }

        // A structured creditor reference (RF), in its own element or in the text.
        let c = self.customer();
        let day = self.day();
        let amount = self.amount(currency, low, high);
        let reference = rf(&format!("{}{}", self.n(), self.rng.random_range(100..999)));
        let item = self.item(
            "receivable",
            c,
            true,
            amount,
            currency,
            day - Duration::days(5),
            reference.clone(),
        );
        let (text, structured) = if mt940 || bai2 {
            (Some(format!("RECHNUNG {reference}")), None)
        } else {
            (Some("Invoice payment".into()), Some(reference))
        };
        self.entry(
            "creditor_reference",
            account,
            day,
            amount,
            Some(c.0),
            Some(c.1),
            text,
            None,
            structured,
            None,
            &[item],
        );

        // The invoice number in the text, split by spaces, a dash or a line break.
        let c = self.customer();
        let day = self.day();
        let amount = self.amount(currency, low, high);
        let number = self.n();
        let item = self.item(
            "receivable",
            c,
            true,
            amount,
            currency,
            day - Duration::days(7),
            format!("INV-2026-{number:05}"),
        );
        let text = match number % 3 {
            0 => format!("Payment invoice INV 2026 {number:05} with thanks"),
            1 => format!("Rechnung INV2026-\n{number:05}"),
            _ => format!("inv-2026/{number:05}"),
        };
        self.entry(
            "invoice_number",
            account,
            day,
            amount,
            Some(c.0),
            Some(c.1),
            Some(text),
            None,
            None,
            None,
            &[item],
        );

        if currency.minor_units() == 0 {
            return;
        }

        // A bank fee taken from the payment.
        let c = self.customer();
        let day = self.day();
        let amount = self.amount(currency, low, high);
        let fee = self.rng.random_range(150..1_500);
        let number = self.n();
        let item = self.item(
            "receivable",
            c,
            true,
            amount,
            currency,
            day - Duration::days(4),
            format!("INV-2026-{number:05}"),
        );
        self.entry(
            "fee",
            account,
            day,
            amount - fee,
            Some(c.0),
            Some(c.1),
            Some(format!("INV-2026-{number:05}")),
            None,
            None,
            None,
            &[item],
        );

        // A short payment: one percent less than invoiced.
        let c = self.customer();
        let day = self.day();
        let amount = self.amount(currency, 5_000, 9_000);
        let number = self.n();
        let item = self.item(
            "receivable",
            c,
            true,
            amount,
            currency,
            day - Duration::days(4),
            format!("INV-2026-{number:05}"),
        );
        self.entry(
            "short_payment",
            account,
            day,
            amount - amount / 100,
            Some(c.0),
            Some(c.1),
            Some(format!("Invoice INV-2026-{number:05} less discount")),
            None,
            None,
            None,
            &[item],
        );

        // A short payment with a structured reference: matched without a person, and the
        // difference left for the controller to decide (chase, or write off).
        if SET_ACCOUNTS[account].format == Format::Camt {
            let c = self.customer();
            let day = self.day();
            let amount = self.amount(currency, 5_000, 9_000);
            let reference = rf(&format!("{}{}", self.n(), self.rng.random_range(100..999)));
            let item = self.item(
                "receivable",
                c,
                true,
                amount,
                currency,
                day - Duration::days(4),
                reference.clone(),
            );
            self.entry(
                "short_payment_referenced",
                account,
                day,
                amount - amount / 100,
                Some(c.0),
                Some(c.1),
                Some("Invoice less early payment discount".into()),
                None,
                Some(reference),
                None,
                &[item],
            );
        }

        // One payment for two invoices the text names.
        let c = self.customer();
        let day = self.day();
        let (a, b) = (
            self.amount(currency, low, high),
            self.amount(currency, low, high),
        );
        let (na, nb) = (self.n(), self.n());
        let first = self.item(
            "receivable",
            c,
            true,
            a,
            currency,
            day - Duration::days(6),
            format!("INV-2026-{na:05}"),
        );
        let second = self.item(
            "receivable",
            c,
            true,
            b,
            currency,
            day - Duration::days(2),
            format!("INV-2026-{nb:05}"),
        );
        self.entry(
            "several_named",
            account,
            day,
            a + b,
            Some(c.0),
            Some(c.1),
            Some(format!("INV-2026-{na:05} INV-2026-{nb:05}")),
            None,
            None,
            None,
            &[first, second],
        );

        // Two instalments of one invoice.
        let c = self.customer();
        let total = self.amount(currency, 2 * low, 2 * high);
        let half = total / 2;
        let number = self.n();
        let item = self.item(
            "receivable",
            c,
            true,
            total,
            currency,
            self.days[0],
            format!("INV-2026-{number:05}"),
        );
        let (d1, d2) = (self.days[1], self.days[self.days.len() - 2]);
        self.entry(
            "instalment",
            account,
            d1,
            half,
            Some(c.0),
            Some(c.1),
            Some(format!("1st instalment INV-2026-{number:05}")),
            None,
            None,
            None,
            std::slice::from_ref(&item),
        );
        self.entry(
            "instalment",
            account,
            d2,
            total - half,
            Some(c.0),
            Some(c.1),
            Some(format!("2nd instalment INV-2026-{number:05}")),
            None,
            None,
            None,
            &[item],
        );
    }

    /// The cases that rest on the counterparty's IBAN: not for BAI2, which carries no
    /// counterparty account, so a controller would not expect them matched from its text.
    fn iban_cases(&mut self, account: usize) {
        let currency = Currency::from_code(SET_ACCOUNTS[account].currency).expect("known");
        let (low, high) = if currency.minor_units() == 0 {
            (20_000, 900_000)
        } else {
            (200, 9_000)
        };
        // Only the IBAN, the amount and the date agree, with a decoy of the same amount from
        // another customer.
        let c = self.customer();
        let day = self.day();
        let amount = self.amount(currency, low, high);
        let reference = format!("X{}", self.n());
        let item = self.item(
            "receivable",
            c,
            true,
            amount,
            currency,
            day - Duration::days(2),
            reference,
        );
        let other = CUSTOMERS
            .iter()
            .copied()
            .find(|o| o.0 != c.0)
            .expect("several customers");
        let reference = format!("X{}", self.n());
        self.item(
            "receivable",
            other,
            true,
            amount,
            currency,
            day - Duration::days(1),
            reference,
        );
        self.entry(
            "iban_amount_date",
            account,
            day,
            amount,
            Some(c.0),
            Some(c.1),
            Some("Payment".into()),
            None,
            None,
            None,
            &[item],
        );

        // Two open invoices of one customer with the same amount: either could be the one paid.
        let c = self.customer();
        let day = self.day();
        let amount = self.amount(currency, low, high);
        let reference = format!("D{}", self.n());
        let first = self.item(
            "receivable",
            c,
            true,
            amount,
            currency,
            day - Duration::days(1),
            reference,
        );
        let reference = format!("D{}", self.n());
        self.item(
            "receivable",
            c,
            true,
            amount,
            currency,
            day - Duration::days(2),
            reference,
        );
        self.entry(
            "ambiguous",
            account,
            day,
            amount,
            Some(c.0),
            Some(c.1),
            Some("Payment".into()),
            None,
            None,
            None,
            &[first],
        );
        if currency.minor_units() == 0 {
            return;
        }
        // One payment for two invoices of the customer, named nowhere.
        let c = self.customer();
        let day = self.day();
        let (a, b) = (
            self.amount(currency, low, high),
            self.amount(currency, low, high),
        );
        let reference = format!("Q{}", self.n());
        let first = self.item(
            "receivable",
            c,
            true,
            a,
            currency,
            day - Duration::days(8),
            reference,
        );
        let reference = format!("Q{}", self.n());
        let second = self.item(
            "receivable",
            c,
            true,
            b,
            currency,
            day - Duration::days(3),
            reference,
        );
        self.entry(
            "several_unnamed",
            account,
            day,
            a + b,
            Some(c.0),
            Some(c.1),
            Some("Payment for open invoices".into()),
            None,
            None,
            None,
            &[first, second],
        );
    }

    /// A supplier payment run of three transfers, booked as one debit whose transactions name
    /// each payment by its end-to-end id (camt only: the other formats carry no transactions).
    fn batch(&mut self, account: usize) {
        let currency = Currency::from_code(SET_ACCOUNTS[account].currency).expect("known");
        let day = self.day();
        let mut ids = Vec::new();
        let mut details = Vec::new();
        for _ in 0..3 {
            let s = self.supplier();
            let amount = self.amount(currency, 100, 3_000);
            let n = self.n();
            let end_to_end = format!("NWR-{n:05}");
            self.payments.push(Payment {
                id: format!("PAY-{n:05}"),
                end_to_end_id: end_to_end.clone(),
                creditor: s.0.to_string(),
                creditor_iban: s.1.to_string(),
                amount_minor: amount,
                requested: day,
                reference: format!("RUN-{n:05}"),
            });
            ids.push(format!("PAY-{n:05}"));
            details.push(ParsedDetail {
                amount: Some(Money::from_minor(-amount, currency)),
                end_to_end_id: Some(end_to_end),
                instruction_id: None,
                bank_ref: None,
                mandate_id: None,
                counterparty_name: Some(s.0.to_string()),
                counterparty_iban: Some(s.1.to_string()),
                remittance: Some(format!("RUN-{n:05}")),
                creditor_reference: None,
                return_reason: None,
            });
        }
        let total: i64 = details
            .iter()
            .map(|d| d.amount.expect("set").amount_minor().expect("small"))
            .sum();
        self.entry(
            "batch",
            account,
            day,
            total,
            None,
            None,
            Some("Supplier payment run".into()),
            None,
            None,
            None,
            &ids,
        );
        if let Some(entry) = self.entries[account]
            .get_mut(&day)
            .and_then(|e| e.last_mut())
        {
            entry.details = details;
        }
    }

    /// Outgoing payments and payables on the first EUR account.
    fn payables(&mut self, account: usize) {
        let currency = Currency::from_code(SET_ACCOUNTS[account].currency).expect("known");
        // A payment of the run, found by its end-to-end id, paying a payable (the same money).
        let s = self.supplier();
        let day = self.day();
        let amount = self.amount(currency, 100, 5_000);
        let n = self.n();
        let reference = format!("BILL-{n:05}");
        let payable = self.item("payable", s, true, amount, currency, day, reference.clone());
        let payment = format!("PAY-{n:05}");
        let end_to_end = format!("NWB-{n:05}");
        self.payments.push(Payment {
            id: payment.clone(),
            end_to_end_id: end_to_end.clone(),
            creditor: s.0.to_string(),
            creditor_iban: s.1.to_string(),
            amount_minor: amount,
            requested: day,
            reference,
        });
        self.entry(
            "payment_end_to_end_id",
            account,
            day,
            -amount,
            Some(s.0),
            Some(s.1),
            Some(format!("BILL-{n:05}")),
            Some(end_to_end),
            None,
            None,
            &[payment, payable],
        );

        // A payable paid outside the run, named in the text.
        let s = self.supplier();
        let day = self.day();
        let amount = self.amount(currency, 100, 5_000);
        let n = self.n();
        let payable = self.item(
            "payable",
            s,
            true,
            amount,
            currency,
            day - Duration::days(1),
            format!("PO-{n:05}"),
        );
        self.entry(
            "payable_invoice_number",
            account,
            day,
            -amount,
            Some(s.0),
            Some(s.1),
            Some(format!("Order PO-{n:05}")),
            None,
            None,
            None,
            &[payable],
        );
    }

    /// Entries no item explains, and items no entry settles.
    fn noise(&mut self, account: usize) {
        let currency = Currency::from_code(SET_ACCOUNTS[account].currency).expect("known");
        let unit = 10_i64.pow(currency.minor_units());
        let day = self.day();
        self.entry(
            "bank_fee",
            account,
            day,
            -(12 * unit + unit / 2),
            None,
            None,
            Some("Account maintenance fee".into()),
            None,
            None,
            None,
            &[],
        );
        let day = self.day();
        let interest = self.amount(currency, 1, 40);
        self.entry(
            "interest",
            account,
            day,
            interest,
            None,
            None,
            Some("Credit interest".into()),
            None,
            None,
            None,
            &[],
        );
        let day = self.day();
        let pool = self.amount(currency, 10_000, 50_000);
        self.entry(
            "cash_pool",
            account,
            day,
            -pool,
            Some(SET_OWNER),
            None,
            Some("Cash pool sweep to header account".into()),
            None,
            None,
            None,
            &[],
        );
        let day = self.day();
        let charge = self.amount(currency, 10, 90);
        self.entry(
            "charge_and_reversal",
            account,
            day,
            -charge,
            None,
            None,
            Some("Charge card replacement".into()),
            None,
            None,
            None,
            &[],
        );
        self.entry(
            "charge_and_reversal",
            account,
            day,
            charge,
            None,
            None,
            Some("Reversal charge card replacement".into()),
            None,
            None,
            None,
            &[],
        );
        // An invoice still open, overdue, and one not due yet.
        let c = self.customer();
        let (amount, later) = (
            self.amount(currency, 100, 3_000),
            self.amount(currency, 100, 3_000),
        );
        let first = self.days[0];
        let reference = format!("OLD{}", self.n());
        self.item(
            "receivable",
            c,
            true,
            amount,
            currency,
            first - Duration::days(5),
            reference,
        );
        let c = self.customer();
        let reference = format!("NEW{}", self.n());
        self.item(
            "receivable",
            c,
            true,
            later,
            currency,
            self.today + Duration::days(20),
            reference,
        );
    }
}

/// `scale` instances of every case, from `seed`, over the `days` business days before `today`.
pub fn labelled_set(today: NaiveDate, seed: u64, scale: usize, days: usize) -> LabelledSet {
    let calendar = BusinessCalendar::for_currency(Currency::EUR);
    let mut window = Vec::new();
    let mut day = today - Duration::days(1);
    while window.len() < days.max(3) {
        if calendar.is_business_day(day) {
            window.push(day);
        }
        day -= Duration::days(1);
    }
    window.reverse();
    let mut builder = Builder {
        rng: StdRng::seed_from_u64(seed),
        today,
        days: window.clone(),
        entries: (0..SET_ACCOUNTS.len()).map(|_| BTreeMap::new()).collect(),
        items: Vec::new(),
        payments: Vec::new(),
        truth: BTreeMap::new(),
        cases: BTreeMap::new(),
        next: 0,
    };
    for _ in 0..scale {
        for (account, spec) in SET_ACCOUNTS.iter().enumerate() {
            builder.receivables(account);
            if spec.format != Format::Bai2 {
                builder.iban_cases(account);
            }
            builder.noise(account);
        }
        builder.payables(0);
        builder.batch(0);
        builder.payables(1);
    }
    let statements = statements(&builder, &window);
    let accounts = SET_ACCOUNTS
        .iter()
        .map(|a| account_key(a).0.reveal().to_string())
        .collect::<Vec<_>>();
    let mut open_items_csv =
        String::from("id,kind,counterparty,counterparty_iban,amount,currency,due_date,reference\n");
    for item in &builder.items {
        let _ = writeln!(
            open_items_csv,
            "{},{},{},{},{},{},{},{}",
            item.id,
            item.kind,
            item.counterparty,
            item.iban.clone().unwrap_or_default(),
            Money::from_minor(item.amount_minor, item.currency).amount_text(),
            item.currency,
            item.due,
            item.reference
        );
    }
    let mut payments_csv = String::from("id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference\n");
    for p in &builder.payments {
        let _ = writeln!(
            payments_csv,
            "{},{},{},{},{},,{},EUR,{},{}",
            p.id,
            p.end_to_end_id,
            accounts[0],
            p.creditor,
            p.creditor_iban,
            Money::from_minor(p.amount_minor, Currency::EUR).amount_text(),
            p.requested,
            p.reference
        );
    }
    let truth = serde_like_truth(&builder.truth);
    LabelledSet {
        statements,
        open_items_csv,
        payments_csv,
        truth_json: truth,
        accounts,
        cases: builder.cases,
    }
}

fn serde_like_truth(truth: &BTreeMap<String, Vec<String>>) -> String {
    let mut json = String::from("{\"entries\": {");
    for (index, (bank_ref, items)) in truth.iter().enumerate() {
        if index > 0 {
            json.push(',');
        }
        let list: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
        let _ = write!(
            json,
            "\n  \"{bank_ref}\": {{\"items\": [{}]}}",
            list.join(", ")
        );
    }
    json.push_str("\n}}\n");
    json
}

fn statements(builder: &Builder, window: &[NaiveDate]) -> Vec<DemoFile> {
    let mut files = Vec::new();
    for (index, account) in SET_ACCOUNTS.iter().enumerate() {
        let currency = Currency::from_code(account.currency).expect("known");
        let (key, iban) = account_key(account);
        let mut closing = Money::from_minor(
            5_000_000 * 10_i64.pow(currency.minor_units()) / 100,
            currency,
        );
        for (position, day) in window.iter().enumerate() {
            let entries = builder.entries[index].get(day).cloned().unwrap_or_default();
            let opening = closing;
            for entry in &entries {
                closing = closing.checked_add(&entry.amount).expect("same currency");
            }
            let created_at =
                Utc.from_utc_datetime(&day.and_hms_opt(20, 0, 0).expect("a valid time"));
            let statement = ParsedStatement {
                kind: StatementKind::EndOfDay,
                message_id: format!("{}{}", account.prefix, day.format("%Y%m%d")),
                statement_ref: format!("{}-{}", account.prefix, day.format("%Y%m%d")),
                sequence_number: Some((position + 1).to_string()),
                page_number: Some(1),
                created_at: Some(created_at),
                period_from: None,
                period_to: None,
                account: ParsedAccount {
                    key: key.clone(),
                    iban: iban.clone(),
                    currency,
                    bic: Some(Bic::parse(account.bic).expect("a valid BIC")),
                    bank_name: Some(account.bank.to_string()),
                    owner_name: Some(SET_OWNER.to_string()),
                },
                balances: vec![
                    ParsedBalance {
                        balance_type: BalanceType::OpeningBooked,
                        amount: opening,
                        date: *day - Duration::days(1),
                        as_of: None,
                    },
                    ParsedBalance {
                        balance_type: BalanceType::ClosingBooked,
                        amount: closing,
                        date: *day,
                        as_of: None,
                    },
                ],
                entries,
                line: 0,
            };
            let (name, text) = match account.format {
                Format::Camt => (
                    format!(
                        "{}_{}_camt053.xml",
                        day.format("%Y-%m-%d"),
                        account.prefix.to_lowercase()
                    ),
                    camt053_document(
                        8,
                        &statement.message_id,
                        created_at,
                        std::slice::from_ref(&statement),
                    ),
                ),
                Format::Mt940 => (
                    format!(
                        "{}_{}.sta",
                        day.format("%Y-%m-%d"),
                        account.prefix.to_lowercase()
                    ),
                    mt940_document(std::slice::from_ref(&statement)),
                ),
                Format::Bai2 => (
                    format!(
                        "{}_{}.bai",
                        day.format("%Y-%m-%d"),
                        account.prefix.to_lowercase()
                    ),
                    bai2_file(
                        &statement.message_id,
                        created_at,
                        std::slice::from_ref(&statement),
                    ),
                ),
            };
            files.push(DemoFile {
                name,
                bytes: text.into_bytes(),
            });
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn every_file_parses_and_every_truth_names_a_known_item() {
        let set = labelled_set(today(), 7, 2, 10);
        assert!(set.cases.len() >= 15, "{:?}", set.cases.keys());
        for file in &set.statements {
            let parsed = cashline_bankfile::format::parse(&file.bytes)
                .unwrap_or_else(|e| panic!("{}: {e}", file.name));
            assert!(!parsed.statements.is_empty(), "{}", file.name);
        }
        let known: Vec<&str> = set
            .open_items_csv
            .lines()
            .chain(set.payments_csv.lines())
            .skip(1)
            .filter_map(|l| l.split(',').next())
            .collect();
        for id in set
            .truth_json
            .split('"')
            .filter(|s| s.starts_with("AR-") || s.starts_with("AP-") || s.starts_with("PAY-"))
        {
            assert!(known.contains(&id), "{id}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_set() {
        let a = labelled_set(today(), 7, 1, 10);
        let b = labelled_set(today(), 7, 1, 10);
        assert_eq!(a.truth_json, b.truth_json);
        assert_eq!(a.open_items_csv, b.open_items_csv);
    }

    #[test]
    fn rf_references_carry_valid_check_digits() {
        assert_eq!(rf("539007547034"), "RF18539007547034");
    }
}
