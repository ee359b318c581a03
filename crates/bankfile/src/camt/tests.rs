//! camt parser tests on documents written here: round trips, versions, and rejections.

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use cashline_domain::{AccountKey, BalanceType, Currency, EntryStatus, Iban, Money, StatementKind};

use super::write::camt053_document;
use crate::stream::{StatementEvent, StatementSink};
use crate::{
    parse, ParseError, ParsedAccount, ParsedBalance, ParsedDetail, ParsedEntry, ParsedStatement,
    DETAILS_PER_ENTRY_MAX,
};

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn sample_statement(amounts_minor: &[i64], currency: Currency) -> ParsedStatement {
    let iban = Iban::parse("DE89370400440532013000").unwrap();
    let opening = Money::from_minor(100_000, currency);
    let mut closing = opening;
    let mut entries = Vec::new();
    for (index, minor) in amounts_minor.iter().enumerate() {
        let amount = Money::from_minor(*minor, currency);
        closing = closing.checked_add(&amount).unwrap();
        entries.push(ParsedEntry {
            amount,
            status: EntryStatus::Booked,
            reversal: false,
            booking_date: Some(date("2026-11-20")),
            value_date: Some(date("2026-11-20")),
            bank_ref: Some(format!("REF-{index}")),
            entry_ref: Some(format!("{}", index + 1)),
            end_to_end_id: Some(format!("E2E-{index}")),
            counterparty_name: Some("Müller & Söhne <GmbH>".into()),
            counterparty_iban: Some("NL91ABNA0417164300".into()),
            remittance: Some(format!("Invoice {index}")),
            creditor_reference: Some("RF18539007547034".into()),
            bank_transaction_code: Some("PMNT/RCDT/ESCT".into()),
            source_element: String::new(),
            details: Vec::new(),
        });
    }
    ParsedStatement {
        kind: StatementKind::EndOfDay,
        message_id: "MSG-1".into(),
        statement_ref: "STMT-1".into(),
        sequence_number: Some("42".into()),
        page_number: Some(1),
        created_at: Some(Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap()),
        period_from: None,
        period_to: None,
        account: ParsedAccount {
            key: AccountKey::from_iban(&iban),
            iban: Some(iban),
            currency,
            bic: Some(cashline_domain::Bic::parse("COBADEFFXXX").unwrap()),
            bank_name: Some("Commerzbank".into()),
            owner_name: Some("Demo GmbH".into()),
        },
        balances: vec![
            ParsedBalance {
                balance_type: BalanceType::OpeningBooked,
                amount: opening,
                date: date("2026-11-19"),
                as_of: None,
            },
            ParsedBalance {
                balance_type: BalanceType::ClosingBooked,
                amount: closing,
                date: date("2026-11-20"),
                as_of: None,
            },
        ],
        entries,
        line: 0,
    }
}

fn document(version: u32, statement: &ParsedStatement) -> String {
    let created = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
    camt053_document(version, "MSG-1", created, std::slice::from_ref(statement))
}

#[test]
fn reads_back_what_it_writes_in_every_version() {
    let written = sample_statement(&[300_000, -60_000, -5_433], Currency::EUR);
    for version in 2..=13 {
        let xml = document(version, &written);
        let parsed = parse(xml.as_bytes()).unwrap_or_else(|e| panic!("version {version}: {e}"));
        assert_eq!(
            parsed.format.to_string(),
            format!("camt.053.001.{version:02}")
        );
        let statement = &parsed.statements[0];
        assert_eq!(statement.account.key.reveal(), "DE89370400440532013000");
        assert_eq!(
            statement.account.bic.as_ref().unwrap().as_str(),
            "COBADEFFXXX"
        );
        assert_eq!(statement.sequence_number.as_deref(), Some("42"));
        let closing = statement
            .balances
            .iter()
            .find(|b| b.balance_type == BalanceType::ClosingBooked)
            .unwrap();
        assert_eq!(closing.amount.amount_text(), "3345.67");
        assert_eq!(statement.entries.len(), 3);
        let debit = &statement.entries[1];
        assert_eq!(debit.amount.amount_text(), "-600.00");
        assert_eq!(
            debit.counterparty_name.as_deref(),
            Some("Müller & Söhne <GmbH>")
        );
        assert_eq!(debit.end_to_end_id.as_deref(), Some("E2E-1"));
        assert_eq!(
            debit.creditor_reference.as_deref(),
            Some("RF18539007547034")
        );
        assert_eq!(
            debit.bank_transaction_code.as_deref(),
            Some("PMNT/RCDT/ESCT")
        );
        assert_eq!(debit.booking_date, Some(date("2026-11-20")));
        // The one transaction of a single transfer is its detail too; this writer states no
        // amount for it.
        assert_eq!(
            debit.details,
            vec![ParsedDetail {
                end_to_end_id: Some("E2E-1".into()),
                counterparty_name: Some("Müller & Söhne <GmbH>".into()),
                counterparty_iban: Some("NL91ABNA0417164300".into()),
                remittance: Some("Invoice 1".into()),
                creditor_reference: Some("RF18539007547034".into()),
                ..ParsedDetail::default()
            }]
        );
    }
}

#[test]
fn detects_report_and_notification_kinds() {
    let xml = document(8, &sample_statement(&[100], Currency::EUR))
        .replace("camt.053.001.08", "camt.052.001.08")
        .replace("BkToCstmrStmt", "BkToCstmrAcctRpt")
        .replace("<Stmt>", "<Rpt>")
        .replace("</Stmt>", "</Rpt>")
        .replace("StmtPgntn", "RptPgntn");
    let parsed = parse(xml.as_bytes()).unwrap();
    assert_eq!(parsed.statements[0].kind, StatementKind::Intraday);
    assert_eq!(parsed.format.to_string(), "camt.052.001.08");
}

fn rejection(xml: &str) -> ParseError {
    parse(xml.as_bytes()).expect_err("the document must be rejected")
}

#[test]
fn truncated_file_names_the_open_element() {
    let xml = document(8, &sample_statement(&[100, 200], Currency::EUR));
    let cut = &xml[..xml.find("<CdtDbtInd>CRDT</CdtDbtInd>\n<Sts>").unwrap()];
    match rejection(cut) {
        ParseError::Truncated { element, line } => {
            assert!(element.ends_with("Stmt/Ntry"), "{element}");
            assert!(line > 1);
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn malformed_xml_names_the_line() {
    let xml =
        document(8, &sample_statement(&[100], Currency::EUR)).replace("</MsgId>", "</MsgIdd>");
    match rejection(&xml) {
        ParseError::Xml { line, .. } => assert_eq!(line, 5),
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn bad_amount_names_the_element() {
    let xml = document(8, &sample_statement(&[100], Currency::EUR)).replacen(
        ">1.00</Amt>",
        ">1,00</Amt>",
        1,
    );
    let message = rejection(&xml).to_string();
    assert!(message.contains("Stmt[1]/Ntry[1]/Amt"), "{message}");
    assert!(message.contains("'1,00'"), "{message}");
}

#[test]
fn amounts_finer_than_the_currency_are_refused() {
    let xml = document(8, &sample_statement(&[100], Currency::EUR)).replacen(
        ">1.00</Amt>",
        ">1.001</Amt>",
        1,
    );
    assert!(rejection(&xml).to_string().contains("more decimals"));
}

#[test]
fn doctype_and_entities_are_refused() {
    let xml = document(8, &sample_statement(&[100], Currency::EUR)).replacen(
        "<Document",
        "<!DOCTYPE Document [<!ENTITY x \"boom\">]>\n<Document",
        1,
    );
    assert!(rejection(&xml).to_string().contains("DOCTYPE"));
    let xml = document(8, &sample_statement(&[100], Currency::EUR)).replacen("MSG-1", "&x;", 1);
    assert!(matches!(rejection(&xml), ParseError::Xml { .. }));
}

#[test]
fn other_documents_are_not_statements() {
    assert_eq!(
        rejection("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\"/>"),
        ParseError::UnknownFormat
    );
    assert_eq!(rejection("hello"), ParseError::UnknownFormat);
    let old = document(1, &sample_statement(&[100], Currency::EUR));
    assert!(matches!(rejection(&old), ParseError::Unsupported { .. }));
}

#[test]
fn a_missing_account_is_an_error_not_a_guess() {
    let xml = document(8, &sample_statement(&[100], Currency::EUR))
        .replace("<IBAN>DE89370400440532013000</IBAN>", "");
    assert!(rejection(&xml).to_string().contains("Acct/Id"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_statement_round_trips(
        amounts in proptest::collection::vec(-10_000_000i64..10_000_000, 0..20),
        version in 2u32..=13,
        yen in any::<bool>(),
    ) {
        let amounts: Vec<i64> = amounts.into_iter().filter(|a| *a != 0).collect();
        let currency = if yen { Currency::JPY } else { Currency::EUR };
        let written = sample_statement(&amounts, currency);
        let parsed = parse(document(version, &written).as_bytes()).unwrap();
        let statement = &parsed.statements[0];
        prop_assert_eq!(statement.entries.len(), amounts.len());
        for (entry, minor) in statement.entries.iter().zip(&amounts) {
            prop_assert_eq!(entry.amount.amount_minor().unwrap(), *minor);
            prop_assert_eq!(entry.amount.currency(), currency);
        }
        prop_assert_eq!(statement.balances[1].amount, written.balances[1].amount);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn every_truncation_is_rejected_cleanly(cut in 0usize..4000) {
        let xml = document(8, &sample_statement(&[100, -250, 999], Currency::EUR));
        let cut = cut.min(xml.trim_end().len() - 1);
        if xml.is_char_boundary(cut) {
            // Any strict prefix misses at least the closing </Document>.
            prop_assert!(parse(&xml.as_bytes()[..cut]).is_err());
        }
    }
}

#[test]
fn xml_wrapped_in_other_text_is_refused() {
    let xml = document(8, &sample_statement(&[100], Currency::EUR));
    let wrapped = format!("Feature: a camt test\n  \"\"\"\n{xml}\n  \"\"\"\n");
    assert!(matches!(
        rejection(&wrapped),
        ParseError::Xml { line: 1, .. }
    ));
    let trailing = format!("{xml}garbage");
    assert!(matches!(rejection(&trailing), ParseError::Xml { .. }));
}

/// A transaction of a batch, every field filled where `index` says so.
fn detail(index: usize, minor: i64, currency: Currency) -> ParsedDetail {
    ParsedDetail {
        amount: Some(Money::from_minor(minor, currency)),
        end_to_end_id: Some(format!("E2E-RUN-{index}")),
        instruction_id: Some(format!("INSTR-{index}")),
        bank_ref: Some(format!("TX-{index}")),
        mandate_id: index.is_multiple_of(2).then(|| format!("MNDT-{index}")),
        counterparty_name: Some(format!("Lieferant {index} & <Söhne>")),
        counterparty_iban: (index % 3 != 2).then(|| "NL91ABNA0417164300".to_string()),
        remittance: Some(format!("Bill {index}")),
        creditor_reference: index
            .is_multiple_of(3)
            .then(|| "RF18539007547034".to_string()),
        return_reason: (index % 4 == 1).then(|| "AC04".to_string()),
    }
}

/// A statement whose entries are batches: each entry the sum of its details, its own fields
/// those a batch has (no counterparty, its text in `AddtlNtryInf`).
fn batch_statement(batches: &[Vec<i64>], currency: Currency) -> ParsedStatement {
    let mut statement = sample_statement(&[], currency);
    let mut closing = statement.balances[0].amount;
    let mut index = 0;
    for (number, batch) in batches.iter().enumerate() {
        let details: Vec<ParsedDetail> = batch
            .iter()
            .map(|minor| {
                index += 1;
                detail(index, *minor, currency)
            })
            .collect();
        let amount = Money::from_minor(batch.iter().sum(), currency);
        closing = closing.checked_add(&amount).unwrap();
        let single = details.len() == 1;
        statement.entries.push(ParsedEntry {
            amount,
            status: EntryStatus::Booked,
            reversal: false,
            booking_date: Some(date("2026-11-20")),
            value_date: Some(date("2026-11-20")),
            bank_ref: Some(format!("RUN-{number}")),
            entry_ref: Some(format!("{}", number + 1)),
            end_to_end_id: single.then(|| details[0].end_to_end_id.clone()).flatten(),
            counterparty_name: single
                .then(|| details[0].counterparty_name.clone())
                .flatten(),
            counterparty_iban: single
                .then(|| details[0].counterparty_iban.clone())
                .flatten(),
            remittance: if single {
                details[0].remittance.clone()
            } else {
                Some(format!("Payment run {number}"))
            },
            creditor_reference: single
                .then(|| details[0].creditor_reference.clone())
                .flatten(),
            bank_transaction_code: Some("PMNT/ICDT/ESCT".into()),
            source_element: String::new(),
            details,
        });
    }
    statement.balances[1].amount = closing;
    statement
}

#[test]
fn a_batch_keeps_every_transaction_and_the_entry_its_own_fields() {
    let currency = Currency::EUR;
    let written = batch_statement(&[vec![-120_000, -45_050, -9_999]], currency);
    for version in 2..=13 {
        let parsed = parse(document(version, &written).as_bytes())
            .unwrap_or_else(|e| panic!("version {version}: {e}"));
        let entry = &parsed.statements[0].entries[0];
        assert_eq!(entry.amount.amount_text(), "-1750.49", "version {version}");
        assert_eq!(
            entry.details, written.entries[0].details,
            "version {version}"
        );
        // The batch's own fields stay what the entry says, not its first transaction's.
        assert_eq!(entry.bank_ref.as_deref(), Some("RUN-0"));
        assert_eq!(entry.end_to_end_id, None);
        assert_eq!(entry.counterparty_name, None);
        assert_eq!(entry.remittance.as_deref(), Some("Payment run 0"));
        let sum = entry
            .details
            .iter()
            .try_fold(Money::zero(currency), |sum, d| {
                sum.checked_add(&d.amount.unwrap())
            })
            .unwrap();
        assert_eq!(sum, entry.amount);
    }
}

#[test]
fn a_transaction_with_its_own_indicator_keeps_its_sign() {
    // A returned credit inside a batch of debits: from .001.03 on a transaction says its side.
    let currency = Currency::EUR;
    let mut written = batch_statement(&[vec![-30_000, -20_000]], currency);
    written.entries[0].details[1].amount = Some(Money::from_minor(5_000, currency));
    written.entries[0].details[1].counterparty_name = Some("Returned by".into());
    let parsed = parse(document(8, &written).as_bytes()).unwrap();
    let details = &parsed.statements[0].entries[0].details;
    assert_eq!(details[0].amount.unwrap().amount_text(), "-300.00");
    assert_eq!(details[1].amount.unwrap().amount_text(), "50.00");
    // The counterparty of a credit is its debtor, whatever the entry's side.
    assert_eq!(details[1].counterparty_name.as_deref(), Some("Returned by"));
}

#[test]
fn a_transaction_without_an_amount_has_none_and_the_entry_sign_otherwise() {
    let xml = document(
        8,
        &batch_statement(&[vec![-30_000, -20_000]], Currency::EUR),
    );
    // .001.02 style: only the booked amount, no indicator of the transaction's own.
    let booked = xml.replacen(
        "<Amt Ccy=\"EUR\">300.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>",
        "<AmtDtls><InstdAmt><Amt Ccy=\"USD\">330.00</Amt></InstdAmt>\
         <TxAmt><Amt Ccy=\"EUR\">300.00</Amt></TxAmt></AmtDtls>",
        1,
    );
    let stated_none = booked.replacen(
        "<Amt Ccy=\"EUR\">200.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>",
        "",
        1,
    );
    let parsed = parse(stated_none.as_bytes()).unwrap();
    let details = &parsed.statements[0].entries[0].details;
    assert_eq!(details[0].amount.unwrap().amount_text(), "-300.00");
    assert_eq!(details[1].amount, None);
    // Without an amount the entry's side still names the counterparty: the creditor.
    assert_eq!(
        details[1].counterparty_name.as_deref(),
        Some("Lieferant 2 & <Söhne>")
    );
}

#[test]
fn not_provided_end_to_end_ids_and_several_remittance_lines() {
    let xml = document(
        8,
        &batch_statement(&[vec![-30_000, -20_000]], Currency::EUR),
    )
    .replacen("E2E-RUN-1", "NOTPROVIDED", 1)
    .replacen(
        "<Ustrd>Bill 2</Ustrd>",
        "<Ustrd>Bill 2</Ustrd><Ustrd>and bill 3</Ustrd>",
        1,
    );
    let parsed = parse(xml.as_bytes()).unwrap();
    let details = &parsed.statements[0].entries[0].details;
    assert_eq!(details[0].end_to_end_id, None);
    assert_eq!(details[1].remittance.as_deref(), Some("Bill 2 and bill 3"));
}

#[test]
fn a_bad_transaction_amount_names_its_element() {
    let xml = document(
        8,
        &batch_statement(&[vec![-30_000, -20_000]], Currency::EUR),
    )
    .replacen(
        ">200.00</Amt><CdtDbtInd>DBIT",
        ">2O0.00</Amt><CdtDbtInd>DBIT",
        1,
    );
    let message = rejection(&xml).to_string();
    assert!(
        message.contains("Stmt[1]/Ntry[1]/TxDtls[2]/Amt"),
        "{message}"
    );
    assert!(message.contains("'2O0.00'"), "{message}");
}

#[test]
fn an_entry_with_too_many_transactions_is_refused_naming_the_line() {
    let xml = document(
        8,
        &batch_statement(&[vec![-30_000, -20_000]], Currency::EUR),
    );
    let many = "<TxDtls></TxDtls>\n".repeat(DETAILS_PER_ENTRY_MAX - 1);
    let xml = xml.replacen("<TxDtls>", &format!("{many}<TxDtls>"), 1);
    match rejection(&xml) {
        ParseError::Invalid {
            line,
            element,
            message,
        } => {
            assert_eq!(
                element,
                format!("Stmt[1]/Ntry[1]/TxDtls[{}]", DETAILS_PER_ENTRY_MAX + 1),
                "{message}"
            );
            assert!(
                message.contains("more than 100000 transaction details"),
                "{message}"
            );
            let expected = xml[..xml.rfind("<TxDtls>").unwrap()].lines().count();
            assert_eq!(line, expected);
        }
        other => panic!("unexpected {other}"),
    }
    // One fewer is a batch like any other.
    let fewer = xml.replacen("<TxDtls></TxDtls>\n", "", 1);
    let parsed = parse(fewer.as_bytes()).unwrap();
    assert_eq!(
        parsed.statements[0].entries[0].details.len(),
        DETAILS_PER_ENTRY_MAX
    );
}

#[test]
fn the_text_of_an_entrys_transactions_is_bounded() {
    let xml = document(
        8,
        &batch_statement(&[vec![-30_000, -20_000]], Currency::EUR),
    );
    let line = format!("<Ustrd>{}</Ustrd>", "x".repeat(16 * 1024));
    let xml = xml.replacen("<Ustrd>Bill 2</Ustrd>", &line.repeat(64 * 1024 / 16 + 1), 1);
    let message = rejection(&xml).to_string();
    assert!(message.contains("more than 64 MiB of text"), "{message}");
    assert!(message.contains("TxDtls/RmtInf/Ustrd"), "{message}");
}

/// Counts the entries of each batch a parser hands over.
#[derive(Default)]
struct BatchSizes(Vec<usize>);

impl StatementSink for BatchSizes {
    fn event(&mut self, event: StatementEvent) -> Result<(), ParseError> {
        if let StatementEvent::Entries(entries) = event {
            self.0.push(entries.len());
        }
        Ok(())
    }
}

#[test]
fn batches_of_large_batch_bookings_go_over_early() {
    // Twenty entries of 2,000 transactions each: far fewer than 500 entries a batch, but each
    // batch stays near the detail bound rather than holding all 40,000 transactions.
    let batches: Vec<Vec<i64>> = (0..20).map(|_| vec![-100; 2_000]).collect();
    let xml = document(8, &batch_statement(&batches, Currency::EUR));
    let mut sizes = BatchSizes::default();
    super::parse_stream(
        xml.as_bytes(),
        super::detect(xml.as_bytes()).unwrap(),
        &mut sizes,
    )
    .unwrap();
    assert_eq!(sizes.0.iter().sum::<usize>(), 20);
    assert!(sizes.0.len() > 1, "{:?}", sizes.0);
    assert!(sizes.0.iter().all(|size| *size < 20), "{:?}", sizes.0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_batch_round_trips(
        batches in proptest::collection::vec(
            (any::<bool>(), proptest::collection::vec(1i64..5_000_000, 1..6)),
            0..8,
        ),
        version in 2u32..=13,
        yen in any::<bool>(),
    ) {
        let currency = if yen { Currency::JPY } else { Currency::EUR };
        let batches: Vec<Vec<i64>> = batches
            .into_iter()
            .map(|(debit, amounts)| {
                amounts.into_iter().map(|a| if debit { -a } else { a }).collect()
            })
            .collect();
        let written = batch_statement(&batches, currency);
        let parsed = parse(document(version, &written).as_bytes()).unwrap();
        let statement = &parsed.statements[0];
        prop_assert_eq!(statement.entries.len(), written.entries.len());
        for (entry, expected) in statement.entries.iter().zip(&written.entries) {
            prop_assert_eq!(&entry.details, &expected.details);
            prop_assert_eq!(entry.amount, expected.amount);
            prop_assert_eq!(&entry.end_to_end_id, &expected.end_to_end_id);
            prop_assert_eq!(&entry.counterparty_name, &expected.counterparty_name);
            prop_assert_eq!(&entry.remittance, &expected.remittance);
            prop_assert_eq!(&entry.creditor_reference, &expected.creditor_reference);
        }
        prop_assert_eq!(statement.balances[1].amount, written.balances[1].amount);
    }
}

#[test]
fn the_white_space_between_many_elements_is_not_text() {
    // Indentation between children is not the parent's text: a statement of 20,000 entries
    // or a batch of thousands of transactions holds far more of it than one text may.
    let amounts = vec![100; 20_000];
    let xml = document(8, &sample_statement(&amounts, Currency::EUR)).replace('\n', "\n  ");
    let parsed = parse(xml.as_bytes()).unwrap();
    assert_eq!(parsed.statements[0].entries.len(), 20_000);
}
