//! BAI2 parser tests on files written here: the envelope checks, the dialects, round trips.

use std::cell::Cell;
use std::rc::Rc;

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use cashline_domain::{AccountKey, BalanceType, Currency, EntryStatus, Money, StatementKind};

use super::record::Lines;
use super::write::bai2_file;
use crate::counted_reader::{counted, BUFFER_BYTES};
use crate::stream::{Collect, StatementEvent, StatementSink, ENTRY_BATCH_ROWS};
use crate::{
    parse, FileFormat, ParseError, ParsedAccount, ParsedBalance, ParsedEntry, ParsedStatement,
};

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn rejection(text: &str) -> ParseError {
    super::parse(text.as_bytes()).expect_err("the file must be rejected")
}

/// Two groups; the first account continues its 03 record over two 88s, with the `S`, `V`
/// and `D` funds types; a transaction's text continues over an 88.
const SPEC_STYLE: &str = "\
01,122099999,123456789,040621,0200,1,65,,2/
02,031001234,122099999,1,040620,2359,,2/
03,0123456789,,010,+4350000,,,015,4800000,,/
88,040,2830000,,,100,450000,1,S,100000,200000,150000/
88,400,0,0,V,040620,,190,0,0,D,2,0,0,1,0/
16,115,450000,S,100000,200000,150000,BANKREF1,CUSTREF1,LOCK BOX/
88,NO.68751 DEPOSIT/
49,12880000,6/
98,12880000,1,8/
02,031001234,122099999,1,040621,1130,EUR,3/
03,9876543210,,030,-5000,,,060,-2000,,/
16,475,1250,V,040621,1015,CHK123,,Check paid/
16,721,300,0,,,Loan interest/
49,-5450,4/
98,-5450,1,6/
99,12874550,2,16/
";

#[test]
fn reads_a_specification_style_file() {
    let parsed = parse(SPEC_STYLE.as_bytes()).unwrap();
    assert_eq!(parsed.format, FileFormat::Bai2);
    assert_eq!(parsed.format.to_string(), "bai2");
    assert_eq!(parsed.statements.len(), 2);

    let first = &parsed.statements[0];
    assert_eq!(first.kind, StatementKind::EndOfDay);
    assert_eq!(first.account.key.reveal(), "0123456789");
    // No currency in the account or its group: the BAI2 default, said in a warning.
    assert_eq!(first.account.currency, Currency::USD);
    assert!(parsed.warnings[0].contains("USD"), "{:?}", parsed.warnings);
    assert_eq!(first.statement_ref, "1/2004-06-20/1/1");
    assert_eq!(first.line, 3);
    let balances: Vec<(BalanceType, String)> = first
        .balances
        .iter()
        .map(|b| (b.balance_type, b.amount.amount_text()))
        .collect();
    assert_eq!(
        balances,
        [
            (BalanceType::OpeningBooked, "43500.00".to_string()),
            (BalanceType::ClosingBooked, "48000.00".to_string()),
            (BalanceType::OpeningAvailable, "28300.00".to_string()),
        ]
    );
    assert!(first.balances.iter().all(|b| b.date == date("2004-06-20")));
    let entry = &first.entries[0];
    assert_eq!(entry.amount.amount_text(), "4500.00");
    assert_eq!(entry.status, EntryStatus::Booked);
    assert_eq!(entry.bank_ref.as_deref(), Some("BANKREF1"));
    assert_eq!(entry.entry_ref.as_deref(), Some("CUSTREF1"));
    assert_eq!(
        entry.remittance.as_deref(),
        Some("LOCK BOX NO.68751 DEPOSIT")
    );
    assert_eq!(entry.bank_transaction_code.as_deref(), Some("115"));
    assert_eq!(entry.booking_date, Some(date("2004-06-20")));
    assert_eq!(entry.source_element, "02[1]/03[1]/16[1] (line 6)");

    // Modifier 3: an interim same-day report, with its transactions not yet final.
    let second = &parsed.statements[1];
    assert_eq!(second.kind, StatementKind::Intraday);
    assert_eq!(second.account.currency, Currency::EUR);
    assert_eq!(second.balances[0].balance_type, BalanceType::InterimBooked);
    assert_eq!(second.balances[0].amount.amount_text(), "-50.00");
    assert_eq!(
        second.balances[1].balance_type,
        BalanceType::InterimAvailable
    );
    assert_eq!(
        second.balances[0].as_of,
        Some(Utc.with_ymd_and_hms(2004, 6, 21, 11, 30, 0).unwrap())
    );
    let check = &second.entries[0];
    assert_eq!(check.amount.amount_text(), "-12.50");
    assert_eq!(check.status, EntryStatus::Pending);
    assert_eq!(check.value_date, Some(date("2004-06-21")));
    assert_eq!(check.remittance.as_deref(), Some("Check paid"));
    // Loan detail moves no money on this account.
    let loan = &second.entries[1];
    assert_eq!(loan.status, EntryStatus::Information);
    assert_eq!(loan.amount.amount_text(), "3.00");
}

#[test]
fn a_broken_control_total_names_the_line_and_the_record() {
    let broken = SPEC_STYLE.replace("49,12880000,6/", "49,12880001,6/");
    let message = rejection(&broken).to_string();
    assert_eq!(
        message,
        "line 8, element record 49: control total 12880001 does not equal the sum 12880000 of the account's amounts"
    );
    let broken = SPEC_STYLE.replace("98,-5450,1,6/", "98,-5451,1,6/");
    assert!(rejection(&broken)
        .to_string()
        .starts_with("line 15, element record 98: control total -5451"));
    let broken = SPEC_STYLE.replace("99,12874550,2,16/", "99,12874551,2,16/");
    assert!(rejection(&broken)
        .to_string()
        .contains("record 99: control total 12874551"));
}

#[test]
fn record_counts_may_leave_out_continuations_but_nothing_else() {
    // With its three 88s the account has 6 records (3 without), the first group 8 (5), the
    // file 16 (13).
    let without = SPEC_STYLE
        .replace("49,12880000,6/", "49,12880000,3/")
        .replace("98,12880000,1,8/", "98,12880000,1,5/")
        .replace("99,12874550,2,16/", "99,12874550,2,13/");
    assert_eq!(parse(without.as_bytes()).unwrap().statements.len(), 2);
    let wrong = SPEC_STYLE.replace("49,12880000,6/", "49,12880000,4/");
    let message = rejection(&wrong).to_string();
    assert!(
        message.contains("the record count 4 does not equal the 6 (3 without continuations) records of the account"),
        "{message}"
    );
    let wrong = SPEC_STYLE.replace("98,12880000,1,8/", "98,12880000,2,8/");
    assert!(rejection(&wrong)
        .to_string()
        .contains("declares 2 accounts but holds 1"));
    let wrong = SPEC_STYLE.replace("99,12874550,2,16/", "99,12874550,3,16/");
    assert!(rejection(&wrong)
        .to_string()
        .contains("declares 3 groups but holds 2"));
}

#[test]
fn blank_control_totals_count_as_zero() {
    let text = "01,1111,testcompany,210101,0101,0101,,,2/\n02,testcompany,1111,1,210101,2359,,2/\n\
                03,12345,/\n49,,2/\n98,0,1,4/\n99,0,1,6/\n";
    let parsed = parse(text.as_bytes()).unwrap();
    assert!(parsed.statements[0].balances.is_empty());
    let with_money = text.replace("03,12345,/", "03,12345,,010,500,,/");
    assert!(rejection(&with_money)
        .to_string()
        .contains("control total 0 does not equal the sum 500"));
}

#[test]
fn records_share_lines_and_text_holds_slashes() {
    // Several records on one line; a `/` inside text is text unless a record follows it.
    let text = "01,A,B,220919,2112,4,,,2/   02,B,A,1,220919,2400,USD,2/\n\
                03,111,,010,-3500,,,015,-3400,,/\n\
                16,142,100,Z,,,ORG ADDRESS:=2/AV MAIN 2/AVENUE/ 16,451,0,Z,,,Visa/  49,-6800,4/\n\
                98,-6800,1,6/\n99,-6800,1,8\n";
    let parsed = parse(text.as_bytes()).unwrap();
    let entries = &parsed.statements[0].entries;
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[0].remittance.as_deref(),
        Some("ORG ADDRESS:=2/AV MAIN 2/AVENUE")
    );
    assert_eq!(entries[1].remittance.as_deref(), Some("Visa"));
}

#[test]
fn text_records_end_at_the_line_end_and_may_wrap() {
    // Text records without `/`, text continued by 88s without `/`, and a text line wrapped
    // onto a line that starts with no record code.
    let text = "01,A,B,100831,1720,000001,80,1,2/\r\n02,B,A,1,100831,1720,USD,4/\r\n\
                03,333,USD,,,,/\r\n16,195,8325982,,,,FED NO: 2010\r\n88,SENDER BNK:=ETRADE BANK\r\n\
                88,/MEXICO ;\r\n16,195,18,,,,ACH_SETL 1111\r\n2222  /\r\n49,8326000,6/\r\n98,8326000,1,8/\r\n99,8326000,1,10/\r\n";
    let parsed = parse(text.as_bytes()).unwrap();
    let entries = &parsed.statements[0].entries;
    assert_eq!(
        entries[0].remittance.as_deref(),
        Some("FED NO: 2010 SENDER BNK:=ETRADE BANK /MEXICO ;")
    );
    assert_eq!(entries[1].remittance.as_deref(), Some("ACH_SETL 1111 2222"));
    // Modifier 4: final same-day, an end-of-day statement.
    assert_eq!(parsed.statements[0].kind, StatementKind::EndOfDay);
}

#[test]
fn a_missing_trailer_is_a_truncated_file() {
    let cut = &SPEC_STYLE[..=SPEC_STYLE.find("\n99,").unwrap()];
    match rejection(cut) {
        ParseError::Truncated { line, element } => {
            assert_eq!(element, "record 01 of line 1");
            assert_eq!(line, 15);
        }
        other => panic!("unexpected {other}"),
    }
    let cut = &SPEC_STYLE[..=SPEC_STYLE.find("\n49,").unwrap()];
    assert!(
        matches!(rejection(cut), ParseError::Truncated { element, .. } if element == "record 03 of line 3")
    );
}

#[test]
fn structure_errors_name_the_record() {
    let extra = format!("{SPEC_STYLE}02,X,Y,1,040621,,,2/\n");
    assert!(rejection(&extra)
        .to_string()
        .contains("records follow the file trailer"));
    let misplaced = SPEC_STYLE.replacen("49,12880000,6/", "98,12880000,6/", 1);
    assert!(rejection(&misplaced).to_string().contains(
        "line 8, element record 98: expected a transaction detail (16) or the account trailer (49)"
    ));
    let orphan = "88,hello/\n";
    assert!(rejection(orphan)
        .to_string()
        .contains("continuation record with no record before it"));
    let garbage = SPEC_STYLE.replacen("16,115", "XX,115", 1);
    assert!(rejection(&garbage)
        .to_string()
        .contains("does not start with a BAI2 record code"));
}

#[test]
fn detail_amounts_and_codes_are_checked() {
    let signed = SPEC_STYLE.replace("16,475,1250", "16,475,-1250");
    assert!(rejection(&signed).to_string().contains("has a sign"));
    let decimal = SPEC_STYLE.replace("16,475,1250", "16,475,12.50");
    assert!(rejection(&decimal)
        .to_string()
        .contains("'12.50' is not a whole number of minor units"));
    let unassigned = SPEC_STYLE.replace("16,475,1250", "16,850,1250");
    assert!(rejection(&unassigned)
        .to_string()
        .contains("type code 850 is not assigned"));
    let status = SPEC_STYLE.replace("16,475,1250", "16,015,1250");
    assert!(rejection(&status).to_string().contains("account status"));
    let misaligned = SPEC_STYLE.replace("88,040,2830000,,,100", "88,040,2830000,,100");
    assert!(rejection(&misaligned)
        .to_string()
        .contains("'100' is not a funds type"));
    let funds = SPEC_STYLE.replace("16,475,1250,V", "16,475,1250,Q");
    assert!(rejection(&funds)
        .to_string()
        .contains("'Q' is not a funds type"));
}

#[test]
fn deletion_and_test_groups_are_refused() {
    let deletion = SPEC_STYLE.replacen("02,031001234,122099999,1,", "02,031001234,122099999,2,", 1);
    assert!(rejection(&deletion).to_string().contains("deletion"));
    let test = SPEC_STYLE.replacen("02,031001234,122099999,1,", "02,031001234,122099999,4,", 1);
    assert!(rejection(&test).to_string().contains("test data"));
    let version = SPEC_STYLE.replacen(",65,,2/", ",65,,3/", 1);
    assert!(matches!(
        rejection(&version),
        ParseError::Unsupported { .. }
    ));
}

#[test]
fn latin1_text_and_zero_decimal_currencies() {
    let mut bytes = b"01,A,B,240102,0800,7,,,2/\n02,B,A,1,240101,,JPY,2/\n03,55,,015,120000,,/\n16,175,5000,0,,,Caf".to_vec();
    bytes.push(0xe9);
    bytes.extend_from_slice(b"/\n49,125000,3/\n98,125000,1,5/\n99,125000,1,7/\n");
    let parsed = parse(&bytes).unwrap();
    let statement = &parsed.statements[0];
    assert_eq!(statement.balances[0].amount.amount_text(), "120000");
    assert_eq!(statement.entries[0].amount.amount_text(), "5000");
    assert_eq!(statement.entries[0].remittance.as_deref(), Some("Café"));
}

#[test]
fn detection_needs_a_file_header() {
    assert!(super::detect(SPEC_STYLE.as_bytes()));
    assert!(super::detect(format!("\u{feff}\n{SPEC_STYLE}").as_bytes()));
    assert!(!super::detect(b"00,0004,1/2/345,06/0321,0829,001,80,1,2/"));
    assert!(!super::detect(b"01,a,b,c\n"));
    assert!(!super::detect(b"id,kind\n01,2,3"));
    // A CSV row that starts with 01 and has a date-like column is not a file header.
    assert!(!super::detect(b"01,ACME,INV-7,240131,100.00,EUR\n"));
    assert!(super::detect(b"01,A,B,240131,14:59:35,7,,,2\n"));
}

fn sample_statement(
    amounts_minor: &[i64],
    currency: Currency,
    texts: &[String],
) -> ParsedStatement {
    let opening = Money::from_minor(-25_000, currency);
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
            value_date: (index % 2 == 0).then(|| date("2026-11-21")),
            bank_ref: (index % 3 != 0).then(|| format!("BR{index}")),
            entry_ref: Some(format!("CR-{index}")),
            end_to_end_id: None,
            counterparty_name: None,
            counterparty_iban: None,
            remittance: texts.get(index).cloned().filter(|t| !t.is_empty()),
            creditor_reference: None,
            bank_transaction_code: None,
            source_element: String::new(),
            details: Vec::new(),
        });
    }
    ParsedStatement {
        kind: StatementKind::EndOfDay,
        message_id: "F1".into(),
        statement_ref: String::new(),
        sequence_number: None,
        page_number: None,
        created_at: None,
        period_from: None,
        period_to: None,
        account: ParsedAccount {
            key: AccountKey::parse("000123456789").unwrap(),
            iban: None,
            currency,
            bic: None,
            bank_name: None,
            owner_name: None,
        },
        balances: vec![
            ParsedBalance {
                balance_type: BalanceType::OpeningBooked,
                amount: opening,
                date: date("2026-11-20"),
                as_of: None,
            },
            ParsedBalance {
                balance_type: BalanceType::ClosingBooked,
                amount: closing,
                date: date("2026-11-20"),
                as_of: None,
            },
            ParsedBalance {
                balance_type: BalanceType::ClosingAvailable,
                amount: closing,
                date: date("2026-11-20"),
                as_of: None,
            },
        ],
        entries,
        line: 0,
    }
}

fn written(statements: &[ParsedStatement]) -> String {
    let created = Utc.with_ymd_and_hms(2026, 11, 21, 6, 30, 0).unwrap();
    bai2_file("F1", created, statements)
}

#[test]
fn long_records_continue_on_88_and_read_back() {
    let text = "WIRE FROM ACME CORPORATION INVOICE 2026-0042 AND 2026-0043 REMITTANCE ADVICE FOLLOWS UNDER SEPARATE COVER";
    let statement = sample_statement(&[1_000_000, -250], Currency::USD, &[text.to_string()]);
    let file = written(&[statement.clone(), statement]);
    assert!(file.lines().all(|l| l.len() <= 80), "{file}");
    assert!(file.lines().any(|l| l.starts_with("88,")), "{file}");
    let parsed = parse(file.as_bytes()).unwrap();
    assert_eq!(parsed.statements.len(), 2);
    assert_eq!(
        parsed.statements[1].entries[0].remittance.as_deref(),
        Some(text)
    );
    assert_eq!(
        parsed.statements[1].entries[1].amount.amount_text(),
        "-2.50"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_statement_round_trips(
        amounts in proptest::collection::vec(-10_000_000_000i64..10_000_000_000, 0..12),
        texts in proptest::collection::vec("[A-Z0-9]{1,12}( [A-Za-z0-9.:-]{1,15}){0,12}", 0..12),
        yen in any::<bool>(),
        statements in 1usize..4,
    ) {
        let amounts: Vec<i64> = amounts.into_iter().filter(|a| *a != 0).collect();
        let currency = if yen { Currency::JPY } else { Currency::EUR };
        let statement = sample_statement(&amounts, currency, &texts);
        let many = vec![statement.clone(); statements];
        let parsed = parse(written(&many).as_bytes()).unwrap();
        prop_assert_eq!(parsed.statements.len(), statements);
        for read in &parsed.statements {
            prop_assert_eq!(read.entries.len(), amounts.len());
            for (entry, original) in read.entries.iter().zip(&statement.entries) {
                prop_assert_eq!(entry.amount, original.amount);
                prop_assert_eq!(&entry.bank_ref, &original.bank_ref);
                prop_assert_eq!(&entry.entry_ref, &original.entry_ref);
                prop_assert_eq!(&entry.remittance, &original.remittance);
                prop_assert_eq!(entry.value_date, original.value_date);
            }
            let balances: Vec<(BalanceType, Money)> = read.balances.iter().map(|b| (b.balance_type, b.amount)).collect();
            let expected: Vec<(BalanceType, Money)> = statement.balances.iter().map(|b| (b.balance_type, b.amount)).collect();
            prop_assert_eq!(balances, expected);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = super::parse(&bytes);
        let _ = parse(&bytes);
    }

    #[test]
    fn arbitrary_records_never_panic(
        lines in proptest::collection::vec(
            ("(01|02|03|16|49|88|98|99)", "[0-9A-Z,/ +-]{0,40}").prop_map(|(c, b)| format!("{c},{b}")),
            0..20,
        ),
    ) {
        let _ = super::parse(lines.join("\n").as_bytes());
    }

    #[test]
    fn every_truncation_is_rejected(cut in 0usize..4000) {
        let statement = sample_statement(&[100, -250, 999], Currency::EUR, &["A LONG TEXT THAT WILL NEED A CONTINUATION RECORD TO FIT IN EIGHTY CHARACTERS".to_string()]);
        let file = written(&[statement.clone(), statement]);
        // Without its last `/` (and line end) the file is still whole: the final record may
        // end at the end of the file.
        let whole = file.trim_end().trim_end_matches('/').len();
        let cut = cut.min(whole - 1);
        prop_assert!(super::parse(&file.as_bytes()[..cut]).is_err());
    }
}

/// Notes how much of the input had been read when each statement began, and checks that the
/// events come in order: a begin, batches of entries, an end.
#[derive(Default)]
struct Watch {
    read: Rc<Cell<usize>>,
    begun_at: Vec<usize>,
    entries: Vec<usize>,
    ended: usize,
    open: bool,
}

impl StatementSink for Watch {
    fn event(&mut self, event: StatementEvent) -> Result<(), ParseError> {
        match event {
            StatementEvent::Begin(statement) => {
                assert!(!self.open, "a statement begins inside another");
                assert!(statement.entries.is_empty());
                self.open = true;
                self.begun_at.push(self.read.get());
                self.entries.push(0);
            }
            StatementEvent::Entries(batch) => {
                assert!(self.open, "entries outside a statement");
                assert!(!batch.is_empty() && batch.len() <= ENTRY_BATCH_ROWS);
                *self.entries.last_mut().unwrap() += batch.len();
            }
            StatementEvent::End { .. } => {
                assert!(self.open, "an end without a begin");
                self.open = false;
                self.ended += 1;
            }
        }
        Ok(())
    }
}

fn watched(bytes: &[u8], step: usize) -> (Result<Vec<String>, ParseError>, Watch) {
    let (reader, read) = counted(bytes, step);
    let mut watch = Watch {
        read,
        ..Watch::default()
    };
    let result = crate::parse_stream(reader, &FileFormat::Bai2, &[], &mut watch);
    (result, watch)
}

/// Three hundred accounts, the 151st with 1,200 entries (three batches), the others with 12.
fn many_accounts() -> (Vec<ParsedStatement>, String) {
    let statements: Vec<ParsedStatement> = (0..300)
        .map(|index| {
            let count = if index == 150 { 1200 } else { 12 };
            let amounts: Vec<i64> = (0..count).map(|i| (i % 7 - 3) * 1000 + 1).collect();
            sample_statement(&amounts, Currency::USD, &["WIRE FROM ACME".to_string()])
        })
        .collect();
    let text = written(&statements);
    (statements, text)
}

fn line_of(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count() + 1
}

#[test]
fn many_accounts_stream_one_at_a_time() {
    let (statements, text) = many_accounts();
    let starts: Vec<usize> = text.match_indices("\n03,").map(|(at, _)| at + 1).collect();
    assert_eq!(starts.len(), statements.len());
    let (result, watch) = watched(text.as_bytes(), 1000);
    result.unwrap();
    assert!(!watch.open);
    assert_eq!(watch.begun_at.len(), statements.len());
    assert_eq!(watch.ended, statements.len());
    for (index, (statement, entries)) in statements.iter().zip(&watch.entries).enumerate() {
        assert_eq!(statement.entries.len(), *entries, "account {}", index + 1);
    }
    // An account begins once its 03 record is complete, that is when the next record starts:
    // by then no more than the account and a buffer have been read.
    for (index, at) in watch.begun_at.iter().enumerate() {
        let bound = starts
            .get(index + 1)
            .map_or(text.len(), |s| s + BUFFER_BYTES);
        assert!(*at <= bound, "account {} began after {at} bytes", index + 1);
    }
    assert!(
        watch.begun_at[0] < text.len() / 100,
        "{:?}",
        &watch.begun_at[..3]
    );

    let file = parse(text.as_bytes()).unwrap();
    assert_eq!(file.statements.len(), statements.len());
    for (statement, start) in file.statements.iter().zip(&starts) {
        assert_eq!(statement.line, line_of(&text, *start));
    }
    assert_eq!(file.statements[150].entries.len(), 1200);
}

#[test]
fn trailers_that_do_not_check_fail_the_stream_at_its_end() {
    let (statements, text) = many_accounts();
    let group = text.rfind("\n98,").unwrap() + 1;
    let file = text.rfind("\n99,").unwrap() + 1;
    for (at, code, total) in [(group, "98", "the group's"), (file, "99", "the file's")] {
        let end = at + 3 + text[at + 3..].find(',').unwrap();
        let declared: i128 = text[at + 3..end].parse().unwrap();
        let mut broken = text.clone();
        broken.replace_range(at + 3..end, &(declared + 1).to_string());
        let (result, watch) = watched(broken.as_bytes(), 1000);
        // Every account was handed over; the error still fails the file, which the importer
        // then rolls back whole.
        assert_eq!(watch.ended, statements.len());
        match result.unwrap_err() {
            ParseError::Invalid {
                line,
                element,
                message,
            } => {
                assert_eq!(line, line_of(&text, at));
                assert_eq!(element, format!("record {code}"));
                assert!(message.contains(total), "{message}");
            }
            other => panic!("unexpected {other}"),
        }
    }
}

#[test]
fn a_file_without_line_breaks_streams_in_pieces() {
    let (statements, text) = many_accounts();
    let one_line = text.replace('\n', "");
    let starts: Vec<usize> = one_line
        .match_indices("/03,")
        .map(|(at, _)| at + 1)
        .collect();
    assert_eq!(starts.len(), statements.len());
    let piece = 4096;
    let (reader, read) = counted(one_line.as_bytes(), 1000);
    let mut watch = Watch {
        read,
        ..Watch::default()
    };
    super::stream(
        Lines::with_piece_bytes(reader, piece),
        &mut watch,
        ENTRY_BATCH_ROWS,
    )
    .unwrap();
    assert_eq!(watch.begun_at.len(), statements.len());
    for (index, at) in watch.begun_at.iter().enumerate() {
        let bound = starts
            .get(index + 1)
            .map_or(one_line.len(), |s| s + piece + BUFFER_BYTES);
        assert!(*at <= bound, "account {} began after {at} bytes", index + 1);
    }
    // Cut or whole, the line reads the same.
    let read_with = |piece: usize| {
        let mut collect = Collect::default();
        let result = super::stream(
            Lines::with_piece_bytes(one_line.as_bytes(), piece),
            &mut collect,
            ENTRY_BATCH_ROWS,
        );
        format!("{result:?} {:?}", collect.statements)
    };
    assert_eq!(read_with(piece), read_with(usize::MAX));
    assert_eq!(read_with(1), read_with(usize::MAX));
    let file = parse(one_line.as_bytes()).unwrap();
    assert!(file.statements.iter().all(|s| s.line == 1));
    assert_eq!(file.statements[150].entries.len(), 1200);
}

/// Records for the stream proptests, joined by every kind of separator so that they fall on
/// every side of a buffer's edge and of a long line's cut.
fn records() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (
            "(01|02|03|16|49|88|98|99)",
            "[0-9A-Z,/ +-]{0,40}",
            prop_oneof![
                Just("/\n"),
                Just("\n"),
                Just("/"),
                Just("/ "),
                Just(" "),
                Just("\r\n"),
                Just(""),
            ],
        )
            .prop_map(|(code, body, end)| format!("{code},{body}{end}")),
        0..30,
    )
    .prop_map(|records| records.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn reads_and_cuts_change_nothing(text in records(), step in 1usize..9, piece in 1usize..300) {
        let read = |lines: Lines<&mut dyn std::io::BufRead>| {
            let mut collect = Collect::default();
            let result = super::stream(lines, &mut collect, ENTRY_BATCH_ROWS);
            format!("{result:?} {:?}", collect.statements)
        };
        let mut whole: &[u8] = text.as_bytes();
        let expected = read(Lines::with_piece_bytes(&mut whole, usize::MAX));
        let (mut reader, _) = counted(text.as_bytes(), step);
        prop_assert_eq!(read(Lines::with_piece_bytes(&mut reader, piece)), expected);
    }

    #[test]
    fn arbitrary_bytes_stream_without_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        step in 1usize..64,
    ) {
        let (reader, _) = counted(&bytes, step);
        let _ = crate::parse_stream(reader, &FileFormat::Bai2, &[], &mut Watch::default());
    }

    #[test]
    fn every_truncation_of_a_stream_is_rejected(cut in 0usize..4000, step in 1usize..64) {
        let statement = sample_statement(&[100, -250, 999], Currency::EUR, &["A LONG TEXT THAT WILL NEED A CONTINUATION RECORD TO FIT IN EIGHTY CHARACTERS".to_string()]);
        let file = written(&[statement.clone(), statement.clone(), statement]);
        let whole = file.trim_end().trim_end_matches('/').len();
        let cut = cut.min(whole - 1);
        let (result, watch) = watched(&file.as_bytes()[..cut], step);
        prop_assert!(result.is_err());
        prop_assert!(watch.ended <= 3);
    }
}
