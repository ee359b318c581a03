//! camt parser tests on documents written here: round trips, versions, and rejections.

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use cashline_domain::{AccountKey, BalanceType, Currency, EntryStatus, Iban, Money, StatementKind};

use super::write::camt053_document;
use crate::{parse, ParseError, ParsedAccount, ParsedBalance, ParsedEntry, ParsedStatement};

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
