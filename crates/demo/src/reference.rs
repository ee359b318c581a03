//! The rest of the demo group: its entities, reference rates in the ECB's format, the ERP's
//! open items and payment runs, and the bank's answers to the payments sent to it (a pain.002
//! status report and a camt.054 debit notification), so every screen has something true to
//! show.

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use cashline_bankfile::pain001::{CreditTransfer, CreditTransferRun, PaymentBatch};
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

/// The ids of the payments of the morning's run (`payments_csv`), in its order.
pub fn payments_ids(today: NaiveDate) -> Vec<String> {
    run_payments(today).into_iter().map(|p| p.id).collect()
}

/// The id of the second run's payment for yesterday, which misses its cut-off when approved.
pub fn late_payment_id(today: NaiveDate) -> String {
    format!("PAY-{}-R3", today.format("%Y%m%d"))
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
        id: late_payment_id(today),
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

/// What the demo's bank says of one payment of a message Cashline sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankAnswer {
    /// Accepted, settlement in process (ACSP), then debited in the day's notification.
    Settled,
    /// Accepted after the customer profile check (ACCP), not booked yet.
    Accepted,
    /// Rejected because the creditor's account is closed (`REJECTION`).
    Rejected,
    /// Nothing yet: the payment stays sent.
    Pending,
}

/// The reason code and the bank's words for the demo's rejected payment.
pub const REJECTION: (&str, &str) = ("AC04", "Creditor account closed at the beneficiary bank");

/// The bank's answers to a message of `count` payments, in the order of the file: the third
/// (or the last, in a shorter message) is rejected, the last of four or more is still being
/// processed, and the others are accepted, every other one booked already.
pub fn bank_answers(count: usize) -> Vec<BankAnswer> {
    let rejected = count.min(3).saturating_sub(1);
    (0..count)
        .map(|i| match i {
            _ if i == rejected => BankAnswer::Rejected,
            _ if count >= 4 && i == count - 1 => BankAnswer::Pending,
            _ if i % 2 == 0 => BankAnswer::Settled,
            _ => BankAnswer::Accepted,
        })
        .collect()
}

fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The transfers of `run` with the bank's answer to each, in the order of the file.
fn answered<'r>(
    run: &'r CreditTransferRun,
    answers: &'r [BankAnswer],
) -> impl Iterator<Item = (&'r PaymentBatch, &'r CreditTransfer, BankAnswer)> {
    run.transfers()
        .zip(answers.iter().copied())
        .map(|((batch, transfer), answer)| (batch, transfer, answer))
}

/// The bank's pain.002.001.10 status report on `run` (a pain.001 Cashline exported): each
/// payment with an answer but `Pending` gets its transaction status, tied to the payment by
/// the message, payment-information, instruction and end-to-end ids of the file; the group
/// status is `PART` where the answers differ. The report is dated when the message was.
pub fn status_report_xml(run: &CreditTransferRun, answers: &[BankAnswer]) -> String {
    let code = |answer: BankAnswer| match answer {
        BankAnswer::Settled => Some("ACSP"),
        BankAnswer::Accepted => Some("ACCP"),
        BankAnswer::Rejected => Some("RJCT"),
        BankAnswer::Pending => None,
    };
    let codes: Vec<&str> = answers.iter().filter_map(|a| code(*a)).collect();
    let group = match codes.first() {
        Some(first) if codes.len() == answers.len() && codes.iter().all(|c| c == first) => first,
        _ => "PART",
    };
    let mut batches = String::new();
    for batch in &run.batches {
        let mut transactions = String::new();
        for (_, transfer, answer) in
            answered(run, answers).filter(|(b, _, _)| b.payment_info_id == batch.payment_info_id)
        {
            let Some(status) = code(answer) else {
                continue;
            };
            let reason = if answer == BankAnswer::Rejected {
                format!(
                    "<StsRsnInf><Rsn><Cd>{}</Cd></Rsn><AddtlInf>{}</AddtlInf></StsRsnInf>",
                    REJECTION.0,
                    xml_text(REJECTION.1)
                )
            } else {
                String::new()
            };
            let instruction = transfer
                .instruction_id
                .as_deref()
                .map(|id| format!("<OrgnlInstrId>{}</OrgnlInstrId>", xml_text(id)))
                .unwrap_or_default();
            transactions.push_str(&format!(
                "<TxInfAndSts>{instruction}<OrgnlEndToEndId>{}</OrgnlEndToEndId><TxSts>{status}</TxSts>{reason}</TxInfAndSts>\n",
                xml_text(&transfer.end_to_end_id)
            ));
        }
        if !transactions.is_empty() {
            batches.push_str(&format!(
                "<OrgnlPmtInfAndSts><OrgnlPmtInfId>{}</OrgnlPmtInfId>\n{transactions}</OrgnlPmtInfAndSts>\n",
                xml_text(&batch.payment_info_id)
            ));
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10\">\n<CstmrPmtStsRpt>\n\
         <GrpHdr><MsgId>{}</MsgId><CreDtTm>{}</CreDtTm></GrpHdr>\n\
         <OrgnlGrpInfAndSts><OrgnlMsgId>{}</OrgnlMsgId><OrgnlMsgNmId>{}</OrgnlMsgNmId><GrpSts>{group}</GrpSts></OrgnlGrpInfAndSts>\n\
         {batches}</CstmrPmtStsRpt>\n</Document>\n",
        xml_text(&format!("STS-{}", run.message_id)),
        instant(run.created_at),
        xml_text(&run.message_id),
        xml_text(&run.message_name),
    )
}

/// The bank's camt.054.001.08 debit notification for the payments of `run` it has booked
/// (`Settled`): one booked debit per payment on its debtor account, on the day the message was
/// sent, carrying the payment's ids. `None` when the bank booked none of them.
pub fn debit_notification_xml(run: &CreditTransferRun, answers: &[BankAnswer]) -> Option<String> {
    let booked = run.created_at.date_naive();
    let message_id = format!("NTF-{}", run.message_id);
    // One notification per debtor account and currency, in the order of the file.
    let mut accounts: Vec<((String, Currency), String)> = Vec::new();
    for (n, (batch, transfer, _)) in answered(run, answers)
        .filter(|(_, _, a)| *a == BankAnswer::Settled)
        .enumerate()
    {
        let currency = transfer.amount.currency();
        let amount = transfer.amount.amount_text();
        let bank_ref = format!("{message_id}-{}", n + 1);
        let refs = format!(
            "<MsgId>{}</MsgId><PmtInfId>{}</PmtInfId>{}<EndToEndId>{}</EndToEndId>",
            xml_text(&run.message_id),
            xml_text(&batch.payment_info_id),
            transfer
                .instruction_id
                .as_deref()
                .map(|id| format!("<InstrId>{}</InstrId>", xml_text(id)))
                .unwrap_or_default(),
            xml_text(&transfer.end_to_end_id),
        );
        let remittance = transfer
            .reference
            .as_deref()
            .map(|r| format!("<RmtInf><Ustrd>{}</Ustrd></RmtInf>", xml_text(r)))
            .unwrap_or_default();
        let entry = format!(
            "<Ntry><NtryRef>{bank_ref}</NtryRef><Amt Ccy=\"{currency}\">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd>\
             <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{booked}</Dt></BookgDt><ValDt><Dt>{booked}</Dt></ValDt>\
             <AcctSvcrRef>{bank_ref}</AcctSvcrRef>\
             <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>\
             <NtryDtls><TxDtls><Refs>{refs}</Refs><Amt Ccy=\"{currency}\">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd>\
             <RltdPties><Cdtr><Pty><Nm>{}</Nm></Pty></Cdtr><CdtrAcct><Id><IBAN>{}</IBAN></Id></CdtrAcct></RltdPties>\
             {remittance}</TxDtls></NtryDtls></Ntry>\n",
            xml_text(&transfer.creditor_name),
            xml_text(&transfer.creditor_account),
        );
        let key = (batch.debtor_account.clone(), currency);
        match accounts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, entries)) => entries.push_str(&entry),
            None => accounts.push((key, entry)),
        }
    }
    if accounts.is_empty() {
        return None;
    }
    let created = instant(run.created_at);
    let notifications: String = accounts
        .iter()
        .enumerate()
        .map(|(n, ((iban, currency), entries))| {
            format!(
                "<Ntfctn><Id>{}-{}</Id><CreDtTm>{created}</CreDtTm>\
                 <Acct><Id><IBAN>{}</IBAN></Id><Ccy>{currency}</Ccy></Acct>\n{entries}</Ntfctn>\n",
                xml_text(&message_id),
                n + 1,
                xml_text(iban),
            )
        })
        .collect();
    Some(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.08\">\n<BkToCstmrDbtCdtNtfctn>\n\
         <GrpHdr><MsgId>{}</MsgId><CreDtTm>{created}</CreDtTm></GrpHdr>\n\
         {notifications}</BkToCstmrDbtCdtNtfctn>\n</Document>\n",
        xml_text(&message_id),
    ))
}
