//! The rest of the demo group: its entities, reference rates in the ECB's format, and the
//! ERP's open items and payment run, so every screen has something true to show.

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use cashline_domain::{BusinessCalendar, Currency, Iban};

use crate::{account_key, demo_days, ACCOUNTS, CUSTOMERS, SUPPLIERS};

/// A demo entity and the accounts (by position in the account list) it owns.
pub struct DemoEntity {
    pub code: &'static str,
    pub name: &'static str,
    pub country: &'static str,
    pub reporting_currency: &'static str,
    pub accounts: &'static [usize],
}

pub const ENTITIES: &[DemoEntity] = &[
    DemoEntity {
        code: "NW-DE",
        name: "Northwind Handel GmbH",
        country: "DE",
        reporting_currency: "EUR",
        accounts: &[0, 1],
    },
    DemoEntity {
        code: "NW-UK",
        name: "Northwind Trading Ltd",
        country: "GB",
        reporting_currency: "GBP",
        accounts: &[2],
    },
    DemoEntity {
        code: "NW-CH",
        name: "Northwind Schweiz AG",
        country: "CH",
        reporting_currency: "CHF",
        accounts: &[3],
    },
    DemoEntity {
        code: "NW-US",
        name: "Northwind Inc.",
        country: "US",
        reporting_currency: "USD",
        accounts: &[4],
    },
];

/// The account key of the demo account at `index`.
pub fn account(index: usize) -> String {
    account_key(&ACCOUNTS[index]).0.reveal().to_string()
}

/// Euro reference rates for the demo days, in the ECB's eurofxref format, drifting gently
/// around realistic levels.
pub fn ecb_rates_xml(today: NaiveDate, business_days: usize) -> String {
    // Rates in units of 0.0001, so no float ever holds one.
    let levels: [(&str, i64); 4] = [
        ("USD", 10_520),
        ("GBP", 8_440),
        ("CHF", 9_380),
        ("JPY", 1_612_000),
    ];
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gesmes:Envelope xmlns:gesmes=\"http://www.gesmes.org/xml/2002-08-01\" \
         xmlns=\"http://www.ecb.int/vocabulary/2002-08-01/eurofxref\">\n<gesmes:subject>Reference rates</gesmes:subject>\n<Cube>\n",
    );
    for day in demo_days(today, business_days).iter().rev() {
        let mut rng = StdRng::seed_from_u64(day.to_string().bytes().map(u64::from).sum());
        xml.push_str(&format!("<Cube time='{day}'>\n"));
        for (code, level) in levels {
            let basis_points = level + rng.random_range(-40..=40);
            let rate = Decimal::new(basis_points, 4);
            xml.push_str(&format!("<Cube currency='{code}' rate='{rate}'/>\n"));
        }
        xml.push_str("</Cube>\n");
    }
    xml.push_str("</Cube>\n</gesmes:Envelope>\n");
    xml
}

fn next_days(today: NaiveDate, count: usize) -> Vec<NaiveDate> {
    BusinessCalendar::for_currency(Currency::EUR).next_days(today - Duration::days(1), count)
}

/// Receivables and payables due over the next weeks, in the CSV of `CLI.md`.
pub fn open_items_csv(today: NaiveDate) -> String {
    let mut csv = String::from("id,kind,counterparty,counterparty_iban,amount,currency,due_date,reference,entity,probability\n");
    let days = next_days(today, 15);
    let mut rng = StdRng::seed_from_u64(today.to_string().bytes().map(u64::from).sum());
    for index in 0..24 {
        let receivable = index % 3 != 2;
        let entity = &ENTITIES[index % ENTITIES.len()];
        let currency = ACCOUNTS[entity.accounts[0]].currency;
        let due = days[rng.random_range(0..days.len())];
        let amount = Decimal::new(rng.random_range(50_000..2_500_000), 2);
        let (kind, name, probability) = if receivable {
            let probability = ["1", "0.9", "0.75", "0.5"][rng.random_range(0..4)];
            (
                "receivable",
                CUSTOMERS[index % CUSTOMERS.len()],
                probability,
            )
        } else {
            ("payable", SUPPLIERS[index % SUPPLIERS.len()], "")
        };
        let prefix = if receivable { "INV" } else { "BILL" };
        csv.push_str(&format!(
            "{prefix}-{today}-{index:03},{kind},{name},,{amount},{currency},{due},{prefix}-{index:03},{},{probability}\n",
            entity.code,
            today = today.format("%Y%m%d")
        ));
    }
    csv
}

const PAYMENTS_HEADER: &str = "id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference\n";

/// One payment of the demo's runs, as the CSV writes it.
struct DemoPayment {
    id: String,
    creditor_name: String,
    creditor_iban: String,
    amount: Decimal,
    date: NaiveDate,
    reference: String,
}

impl DemoPayment {
    fn row(&self, debtor: &str) -> String {
        format!(
            "{id},E2E-{id},{debtor},{},{},ABNANL2A,{},EUR,{},{}\n",
            self.creditor_name,
            self.creditor_iban,
            self.amount,
            self.date,
            self.reference,
            id = self.id,
        )
    }
}

fn run_payments(today: NaiveDate) -> Vec<DemoPayment> {
    let days = next_days(today, 6);
    let mut rng = StdRng::seed_from_u64(today.to_string().bytes().map(u64::from).sum::<u64>() + 7);
    let stamp = today.format("%Y%m%d");
    (0..8)
        .map(|index| DemoPayment {
            id: format!("PAY-{stamp}-{index:02}"),
            creditor_name: SUPPLIERS[index % SUPPLIERS.len()].to_string(),
            creditor_iban: Iban::from_country_and_bban("NL", &format!("ABNA04171643{index:02}"))
                .expect("a valid demo IBAN")
                .reveal()
                .to_string(),
            amount: Decimal::new(rng.random_range(20_000..900_000), 2),
            date: days[index % days.len()],
            reference: format!("RUN-{stamp}-{index:02}"),
        })
        .collect()
}

/// A payment run of the German entity: some payables paid, some other outgoing payments.
pub fn payments_csv(today: NaiveDate) -> String {
    let debtor = account(0);
    let mut csv = String::from(PAYMENTS_HEADER);
    for payment in run_payments(today) {
        csv.push_str(&payment.row(&debtor));
    }
    csv
}

/// The ERP's second run of the day, as AP leads see them: one payment of the morning's run
/// sent again under another id (a duplicate to decide), one for a supplier whose name the
/// ERP wrote outside the SEPA character set (to put right), and one for yesterday that the
/// morning's approvers missed (it misses its cut-off when approved).
pub fn payments_rerun_csv(today: NaiveDate) -> String {
    let debtor = account(0);
    let stamp = today.format("%Y%m%d");
    let morning = run_payments(today);
    let calendar = BusinessCalendar::for_currency(Currency::EUR);
    let again = DemoPayment {
        id: format!("PAY-{stamp}-R1"),
        ..clone_of(&morning[3])
    };
    let foreign = DemoPayment {
        id: format!("PAY-{stamp}-R2"),
        creditor_name: "Müller & Söhne GmbH".into(),
        reference: format!("RUN-{stamp}-R2"),
        ..clone_of(&morning[5])
    };
    let late = DemoPayment {
        id: format!("PAY-{stamp}-R3"),
        date: calendar.previous(today),
        reference: format!("RUN-{stamp}-R3"),
        amount: Decimal::new(184_250, 2),
        ..clone_of(&morning[6])
    };
    let mut csv = String::from(PAYMENTS_HEADER);
    for payment in [again, foreign, late] {
        csv.push_str(&payment.row(&debtor));
    }
    csv
}

fn clone_of(payment: &DemoPayment) -> DemoPayment {
    DemoPayment {
        id: payment.id.clone(),
        creditor_name: payment.creditor_name.clone(),
        creditor_iban: payment.creditor_iban.clone(),
        amount: payment.amount,
        date: payment.date,
        reference: payment.reference.clone(),
    }
}

/// The ERP's items behind the demo statements: a receivable for most receipts (its invoice
/// number as the reference; now and then the customer deducted a bank fee) and a payable for
/// most supplier payments, due in the days before. A few entries have none, as in life, and
/// stay for a controller to explain.
pub fn settled_items_csv(today: NaiveDate, business_days: usize) -> String {
    let mut csv =
        String::from("id,kind,counterparty,counterparty_iban,amount,currency,due_date,reference\n");
    let mut rng = StdRng::seed_from_u64(today.to_string().bytes().map(u64::from).sum::<u64>() + 11);
    for day in crate::demo_statements(today, business_days) {
        for (index, entry) in day.entries.iter().enumerate() {
            if entry.details.len() > 1 {
                payment_run_items(&mut csv, &mut rng, day.day, entry);
                continue;
            }
            let (Some(name), Some(remittance), Some(bank_ref)) =
                (&entry.counterparty_name, &entry.remittance, &entry.bank_ref)
            else {
                continue;
            };
            let Some(number) = bill_number(remittance) else {
                continue;
            };
            // One entry in twenty has no item behind it.
            if rng.random_range(0..20) == 0 {
                continue;
            }
            let currency = entry.amount.currency();
            let unit = 10_i64.pow(currency.minor_units());
            let paid = entry.amount.amount_minor().expect("demo amounts fit");
            let due = day.day - Duration::days(rng.random_range(0..8));
            let (kind, id, reference, amount) = if paid > 0 {
                // Now and then the customer's bank took a fee from the payment.
                let fee = if index % 7 == 3 {
                    rng.random_range(5..15) * unit
                } else {
                    0
                };
                (
                    "receivable",
                    format!("AR-{bank_ref}"),
                    format!("INV-{number}"),
                    paid + fee,
                )
            } else {
                (
                    "payable",
                    format!("AP-{bank_ref}"),
                    number.to_string(),
                    -paid,
                )
            };
            csv.push_str(&format!(
                "{id},{kind},{name},,{},{currency},{due},{reference}\n",
                cashline_domain::Money::from_minor(amount, currency).amount_text()
            ));
        }
    }
    csv
}

/// The bill or invoice number a demo remittance ends with.
fn bill_number(remittance: &str) -> Option<&str> {
    remittance
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .filter(|n| n.len() == 5)
}

/// A supplier payment run pays one bill per transfer, so the ERP holds a payable for each.
/// They take the same draws as the one supplier payment the run stands in for (whether it has
/// an item, its due date), so every other item of the demo stays as it is.
fn payment_run_items(
    csv: &mut String,
    rng: &mut StdRng,
    day: NaiveDate,
    entry: &cashline_bankfile::ParsedEntry,
) {
    let Some(bank_ref) = &entry.bank_ref else {
        return;
    };
    if rng.random_range(0..20) == 0 {
        return;
    }
    let due = day - Duration::days(rng.random_range(0..8));
    for (position, detail) in entry.details.iter().enumerate() {
        let (Some(name), Some(remittance), Some(amount)) =
            (&detail.counterparty_name, &detail.remittance, detail.amount)
        else {
            continue;
        };
        let Some(number) = bill_number(remittance) else {
            continue;
        };
        csv.push_str(&format!(
            "AP-{bank_ref}-{},payable,{name},,{},{},{due},{number}\n",
            position + 1,
            amount.negated().amount_text(),
            amount.currency()
        ));
    }
}
