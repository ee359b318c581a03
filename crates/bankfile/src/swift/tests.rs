//! MT940/MT942 parser tests on messages written here: dialects, round trips and rejections.

use std::cell::Cell;
use std::io::BufReader;
use std::rc::Rc;

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use cashline_domain::{
    AccountKey, BalanceType, Bic, Currency, EntryStatus, Iban, Money, StatementKind,
};

use super::details::{creditor_reference_in, is_creditor_reference};
use super::tag::{self, LineReader, NextLine};
use super::write::mt940_document;
use crate::counted_reader::{counted, BUFFER_BYTES};
use crate::stream::{StatementEvent, StatementSink, ENTRY_BATCH_ROWS};
use crate::{
    detect, parse, FileFormat, ParseError, ParsedAccount, ParsedBalance, ParsedEntry, ParsedFile,
    ParsedStatement,
};

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn parsed(text: &str) -> ParsedFile {
    parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn rejection(text: &str) -> ParseError {
    parse(text.as_bytes()).expect_err("the file must be rejected")
}

fn entry(minor: i64, currency: Currency, index: usize) -> ParsedEntry {
    ParsedEntry {
        amount: Money::from_minor(minor, currency),
        status: EntryStatus::Booked,
        reversal: false,
        booking_date: Some(date("2026-11-20")),
        value_date: Some(date("2026-11-20")),
        bank_ref: Some(format!("BANK-{index}")),
        entry_ref: Some(format!("OWN-{index}")),
        end_to_end_id: Some(format!("E2E-{index}")),
        counterparty_name: Some("Müller & Söhne <GmbH>".into()),
        counterparty_iban: Some("NL91ABNA0417164300".into()),
        remittance: Some(format!("Invoice {index} RF18539007547034")),
        creditor_reference: Some("RF18539007547034".into()),
        bank_transaction_code: Some(
            if index.is_multiple_of(2) {
                "GVC 166"
            } else {
                "NTRF"
            }
            .into(),
        ),
        source_element: String::new(),
        details: Vec::new(),
    }
}

fn sample_statement(amounts_minor: &[i64], currency: Currency) -> ParsedStatement {
    let iban = Iban::parse("DE89370400440532013000").unwrap();
    let opening = Money::from_minor(100_000, currency);
    let mut closing = opening;
    let mut entries = Vec::new();
    for (index, minor) in amounts_minor.iter().enumerate() {
        let entry = entry(*minor, currency, index);
        closing = closing.checked_add(&entry.amount).unwrap();
        entries.push(entry);
    }
    ParsedStatement {
        kind: StatementKind::EndOfDay,
        message_id: "MSG-1".into(),
        statement_ref: "00042".into(),
        sequence_number: Some("00042".into()),
        page_number: Some(1),
        created_at: None,
        period_from: None,
        period_to: None,
        account: ParsedAccount {
            key: AccountKey::from_iban(&iban),
            iban: Some(iban),
            currency,
            bic: Some(Bic::parse("COBADEFFXXX").unwrap()),
            bank_name: None,
            owner_name: None,
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

fn balance(statement: &ParsedStatement, wanted: BalanceType) -> Money {
    statement
        .balances
        .iter()
        .find(|b| b.balance_type == wanted)
        .unwrap_or_else(|| panic!("no {wanted} balance"))
        .amount
}

#[test]
fn reads_back_what_it_writes() {
    let written = sample_statement(&[300_000, -60_000, -5_433], Currency::EUR);
    let text = mt940_document(std::slice::from_ref(&written));
    let file = parsed(&text);
    assert_eq!(file.format, FileFormat::Mt940);
    assert_eq!(file.format.to_string(), "mt940");
    let statement = &file.statements[0];
    assert_eq!(statement.kind, StatementKind::EndOfDay);
    assert_eq!(statement.message_id, "MSG-1");
    assert_eq!(statement.statement_ref, "00042 (2026-11-20)");
    assert_eq!(statement.sequence_number.as_deref(), Some("00042"));
    assert_eq!(statement.page_number, Some(1));
    assert_eq!(statement.account.key.reveal(), "DE89370400440532013000");
    assert_eq!(
        balance(statement, BalanceType::ClosingBooked).amount_text(),
        "3345.67"
    );
    assert_eq!(statement.entries.len(), 3);
    for (got, want) in statement.entries.iter().zip(&written.entries) {
        assert_eq!(got.amount, want.amount);
        assert_eq!(got.status, EntryStatus::Booked);
        assert_eq!(got.bank_ref, want.bank_ref);
        assert_eq!(got.entry_ref, want.entry_ref);
        assert_eq!(got.end_to_end_id, want.end_to_end_id);
        assert_eq!(got.counterparty_name, want.counterparty_name);
        assert_eq!(got.counterparty_iban, want.counterparty_iban);
        assert_eq!(got.remittance, want.remittance);
        assert_eq!(got.creditor_reference, want.creditor_reference);
        assert_eq!(got.bank_transaction_code, want.bank_transaction_code);
        assert_eq!(got.booking_date, want.booking_date);
        assert_eq!(got.value_date, want.value_date);
    }
    assert!(text.starts_with("{1:F01COBADEFFAXXX0000000000}{2:I940COBADEFFXXXXN}{4:\r\n"));
}

const GERMAN: &str = "\
:20:STARTUMS
:25:50880050/0194787400888EUR
:28C:00004/00001
:60F:C070903EUR766656,49
:61:0709070904CR50990,05NTRFNONREF//0724710333343453
:86:166?00GUTSCHRIFT?100399?20EREF+EndToEndId TFNR 22 004?21 00001?22
SVWZ+Verw CTSc-01 BC-PPP TF?23Nr 22 004 RF18 5390 0754 7034?30DRES
DEFF508?31DE89370400440532013000?32KARL?33        KAUFMANN?70Empfae
nger Marta
:61:0709040904DR1500,00NTRFKREF+//536D80EFEC56ACF8
:86:191?00SEPA-UEBERW?100399?20KREF+TFNr 01022 MSGID CTSc-?2101 EBB
:61:0709040904DR0,08N024NONREF
:86:805?00ENTGELTABSCHLUSS?106666?20ALGEMENE TUSSENREKENING KOS?21TEN V
AN 01-10-2010?22ABRECHNUNG
:62F:C070904EUR815146,46
-
";

#[test]
fn german_sub_fields_with_sepa_keys() {
    let file = parsed(GERMAN);
    let statement = &file.statements[0];
    assert_eq!(statement.account.key.reveal(), "50880050/0194787400888");
    assert_eq!(statement.account.currency, Currency::EUR);
    assert_eq!(statement.page_number, Some(1));
    let credit = &statement.entries[0];
    assert_eq!(credit.amount.amount_text(), "50990.05");
    assert_eq!(credit.bank_transaction_code.as_deref(), Some("GVC 166"));
    assert_eq!(
        credit.end_to_end_id.as_deref(),
        Some("EndToEndId TFNR 22 004 00001")
    );
    assert_eq!(
        credit.remittance.as_deref(),
        Some("Verw CTSc-01 BC-PPP TFNr 22 004 RF18 5390 0754 7034")
    );
    assert_eq!(
        credit.creditor_reference.as_deref(),
        Some("RF18539007547034")
    );
    assert_eq!(credit.counterparty_name.as_deref(), Some("KARL KAUFMANN"));
    assert_eq!(
        credit.counterparty_iban.as_deref(),
        Some("DE89370400440532013000")
    );
    assert_eq!(credit.bank_ref.as_deref(), Some("0724710333343453"));
    assert_eq!(credit.entry_ref, None, "NONREF is no reference");
    // DR is a debit with the funds code R (the third letter of EUR), not a reversal.
    let debit = &statement.entries[1];
    assert_eq!(debit.amount.amount_text(), "-1500.00");
    assert!(!debit.reversal);
    assert_eq!(debit.booking_date, Some(date("2007-09-04")));
    // No SVWZ+: the booking text stands in for the remittance.
    assert_eq!(debit.remittance.as_deref(), Some("SEPA-UEBERW"));
    // Old free text cut at 27 characters joins without a space, shorter lines with one.
    assert_eq!(
        statement.entries[2].remittance.as_deref(),
        Some("ALGEMENE TUSSENREKENING KOSTEN VAN 01-10-2010 ABRECHNUNG")
    );
}

#[test]
fn slash_coded_details_of_dutch_banks() {
    let text = "\
{1:F01INGBNL2ABXXX0000000000}{2:I940INGBNL2AXXXN}{4:
:20:P140220000000001
:25:NL91ABNA0417164300EUR
:28C:00000
:60F:C140219EUR662,23
:61:1402200220C1,56NTRFEREF//00000000001005
/TRCD/00100/
:86:/EREF/EV12341REP1231456T1234//CNTP/NL91ABNA0417164300/ABNANL2
A/ING BANK NV INZAKE WEB///REMI/USTD//EV10001REP1000000T1000/
:61:1612151215D109,65N654NONREF
:86:/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/INGBNL2A/NAME/
HR K XXXXXXX/REMI/RES.NR 00042/EREF/NOTPROVIDED
:61:130403C000000000169,90N122NONREF
0663616476
:86:/ORDP//NAME/Bedrijf B.V./REMI/STRD/CUR/RF18539007547034/ISDT/2013-04-03
:62F:C140220EUR554,04
-}";
    let file = parsed(text);
    let statement = &file.statements[0];
    assert_eq!(statement.account.key.reveal(), "NL91ABNA0417164300");
    assert!(statement.account.iban.is_some());
    let ing = &statement.entries[0];
    assert_eq!(ing.end_to_end_id.as_deref(), Some("EV12341REP1231456T1234"));
    assert_eq!(ing.counterparty_iban.as_deref(), Some("NL91ABNA0417164300"));
    assert_eq!(
        ing.counterparty_name.as_deref(),
        Some("ING BANK NV INZAKE WEB")
    );
    assert_eq!(ing.remittance.as_deref(), Some("EV10001REP1000000T1000"));
    assert_eq!(ing.entry_ref.as_deref(), Some("EREF"));
    let abn = &statement.entries[1];
    assert_eq!(abn.counterparty_name.as_deref(), Some("HR K XXXXXXX"));
    assert_eq!(abn.end_to_end_id, None, "NOTPROVIDED is no reference");
    assert_eq!(abn.remittance.as_deref(), Some("RES.NR 00042"));
    assert_eq!(abn.bank_transaction_code.as_deref(), Some("N654"));
    let rabo = &statement.entries[2];
    assert_eq!(rabo.counterparty_name.as_deref(), Some("Bedrijf B.V."));
    assert_eq!(rabo.creditor_reference.as_deref(), Some("RF18539007547034"));
    assert_eq!(rabo.booking_date, Some(date("2013-04-03")));
}

#[test]
fn free_text_is_the_remittance() {
    let text = "\
ABNANL2A
940
ABNANL2A
:20:ABN AMRO BANK NV
:25:517852257
:28:19321/1
:60F:C110522EUR3236,28
:61:1105240524D9,N192NONREF
:86:GIRO   428428 KPN - DIGITENNE    BETALINGSKENM.  000000042188659
5314606715                       BETREFT FACTUUR D.D. 20-05-2011
:62F:C110523EUR3227,28
-
";
    let entry = &parsed(text).statements[0].entries[0];
    assert_eq!(
        entry.remittance.as_deref(),
        Some("GIRO 428428 KPN - DIGITENNE BETALINGSKENM. 000000042188659 5314606715 BETREFT FACTUUR D.D. 20-05-2011")
    );
    assert_eq!(entry.amount.amount_text(), "-9.00");
    assert_eq!(entry.bank_transaction_code.as_deref(), Some("N192"));
}

fn minimal(lines: &[&str]) -> String {
    let mut text =
        String::from(":20:REF\n:25:NL91ABNA0417164300\n:28C:7/2\n:60F:C261119EUR100,00\n");
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(":62F:C261120EUR100,00\n-\n");
    text
}

#[test]
fn statement_lines_in_their_variants() {
    let file = parsed(&minimal(&[
        // Entry date in the next year than the value date.
        ":61:2612310102C1,00NTRFNONREF",
        // Reversal of a debit brings money in, of a credit takes it out.
        ":61:261120RD2,00NTRFNONREF",
        ":61:261120RCR3,00NTRFNONREF",
        // No type code at all, straight to the bank reference (Zenith Bank), or NONREF (Penta).
        ":61:261120CN4,//19239782213",
        ":61:261120D5,NONREF",
        // Blanks for the entry date and a type with blanks (old Dutch exports).
        ":61:261120    D6,NOV NONREF",
        // Supplementary details on the next line.
        ":61:261120C7,NMSCMY-REF//BANKREF 1\nsupplementary",
    ]));
    let entries = &file.statements[0].entries;
    assert_eq!(entries[0].value_date, Some(date("2026-12-31")));
    assert_eq!(entries[0].booking_date, Some(date("2027-01-02")));
    assert_eq!(entries[1].amount.amount_text(), "2.00");
    assert!(entries[1].reversal);
    assert_eq!(entries[2].amount.amount_text(), "-3.00");
    assert!(entries[2].reversal);
    assert_eq!(entries[3].amount.amount_text(), "4.00");
    assert_eq!(entries[3].bank_ref.as_deref(), Some("19239782213"));
    assert_eq!(entries[3].bank_transaction_code, None);
    assert_eq!(entries[4].amount.amount_text(), "-5.00");
    assert_eq!(entries[4].entry_ref, None);
    assert_eq!(entries[5].amount.amount_text(), "-6.00");
    assert_eq!(entries[5].bank_transaction_code.as_deref(), Some("NOV"));
    assert_eq!(entries[6].entry_ref.as_deref(), Some("MY-REF"));
    assert_eq!(entries[6].bank_ref.as_deref(), Some("BANKREF 1"));
    assert_eq!(entries[6].source_element, "Msg[1]/:61:[7] (line 11)");
}

#[test]
fn accounts_as_banks_write_them() {
    let cases = [
        ("NL91ABNA0417164300", "NL91ABNA0417164300", true, None),
        ("NL91ABNA0417164300 EUR", "NL91ABNA0417164300", true, None),
        ("20041111/301086000EUR", "20041111/301086000", false, None),
        (
            "BPHKPLPK/320000546101",
            "BPHKPLPK/320000546101",
            false,
            Some("BPHKPLPK"),
        ),
        (
            "ABNANL2A/NL91ABNA0417164300",
            "NL91ABNA0417164300",
            true,
            Some("ABNANL2A"),
        ),
        (
            "UBRTHUHB/123456789150ABCDEF002/HUF",
            "UBRTHUHB/123456789150ABCDEF002",
            false,
            Some("UBRTHUHB"),
        ),
        ("1291.99.348EUR", "1291.99.348", false, None),
        ("0708271685", "0708271685", false, None),
    ];
    for (written, key, has_iban, bic) in cases {
        let text = minimal(&[]).replace(":25:NL91ABNA0417164300", &format!(":25:{written}"));
        let statement = &parsed(&text).statements[0];
        assert_eq!(statement.account.key.reveal(), key, "{written}");
        assert_eq!(statement.account.iban.is_some(), has_iban, "{written}");
        assert_eq!(
            statement.account.bic.as_ref().map(Bic::as_str),
            bic,
            "{written}"
        );
    }
}

#[test]
fn an_account_ending_in_letters_beyond_ascii_is_kept_whole() {
    for written in ["Konto 12345ü", "üü", "1234€"] {
        let text = minimal(&[]).replace(":25:NL91ABNA0417164300", &format!(":25:{written}"));
        assert_eq!(parsed(&text).statements[0].account.key.reveal(), written);
    }
}

#[test]
fn line_endings_blocks_and_separators_are_all_read() {
    let plain = minimal(&[":61:261120C1,00NTRFNONREF", ":86:free text"]);
    let variants = [
        plain.clone(),
        plain.replace('\n', "\r\n"),
        plain.replace('\n', "\r"),
        plain.replace('\n', "@@"),
        format!("{{1:F01COBADEFFAXXX0000000000}}{{2:O9401200261120COBADEFFXXXX00000000002611201200N}}{{4:\r\n{}-}}{{5:{{CHK:123}}}}", plain.trim_end_matches("-\n")),
        format!("\u{1}{{1:F01X}}{{2:I940X}}{{4:\n{}-}}\u{3}", plain.trim_end_matches("-\n")),
    ];
    for text in variants {
        let file = parsed(&text);
        assert_eq!(file.statements.len(), 1, "{text:?}");
        let entry = &file.statements[0].entries[0];
        assert_eq!(entry.amount.amount_text(), "1.00");
        assert_eq!(entry.remittance.as_deref(), Some("free text"));
    }
}

#[test]
fn several_messages_and_pages() {
    let text = "\
:20:STARTUMS
:25:74061813/0100033626
:28C:15001/00001
:60F:C141201EUR21,68
:61:1504070407C0,62NMSCNONREF
:62M:C150407EUR22,30
-
:20:STARTUMS
:25:74061813/0100033626
:28C:15001/00002
:60M:C150407EUR22,30
:61:1504070407D0,33NMSCNONREF
:62F:C150407EUR21,97
:20:STARTUMS
:25:74061813/0100033626
:28C:15002/00001
:60F:C150407EUR21,97
:62F:C150408EUR21,97
";
    let file = parsed(text);
    let pages: Vec<(Option<u32>, &str)> = file
        .statements
        .iter()
        .map(|s| (s.page_number, s.statement_ref.as_str()))
        .collect();
    assert_eq!(
        pages,
        [
            (Some(1), "15001 (2015-04-07)"),
            (Some(2), "15001 (2015-04-07)"),
            (Some(1), "15002 (2015-04-08)"),
        ]
    );
    // Each page balances on its own: intermediate balances are its opening and closing.
    for statement in &file.statements {
        let mut sum = balance(statement, BalanceType::OpeningBooked);
        for entry in &statement.entries {
            sum = sum.checked_add(&entry.amount).unwrap();
        }
        assert_eq!(sum, balance(statement, BalanceType::ClosingBooked));
    }
    assert_eq!(file.statements[0].line, 1);
    assert_eq!(file.statements[2].line, 14);
}

const MT942: &str = "\
{1:F01BPHKPLPKXXX0000000000}{2:O942BPHKPLPKXXXN}{4:
:20:ST170119CYC/0001
:25:PL29114010810000267002001002
:28C:1/1
:34F:PLND0,
:34F:PLNC0,
:13D:1701191815+0100
:61:1701190119CN0,01NTRFNONREF//MB170119012058
911-TRANSAKCJA IPH
:86:911 TRANSAKCJA COLLECT; ID IPH: XX000000000001
:61:1701190119DN5,00NTRFNONREF//MB170119012085
:90D:1PLN5,00
:90C:2PLN0,03
-}";

#[test]
fn interim_reports_are_pending_and_intraday() {
    let file = parsed(MT942);
    assert_eq!(file.format, FileFormat::Mt942);
    assert_eq!(file.format.to_string(), "mt942");
    let statement = &file.statements[0];
    assert_eq!(statement.kind, StatementKind::Intraday);
    assert_eq!(statement.account.currency.code(), "PLN");
    assert_eq!(
        statement.created_at,
        Some(Utc.with_ymd_and_hms(2017, 1, 19, 17, 15, 0).unwrap())
    );
    assert_eq!(statement.statement_ref, "1 (2017-01-19T17:15Z)");
    assert!(statement
        .entries
        .iter()
        .all(|e| e.status == EntryStatus::Pending));
    // :90C: says two credits for 0.03; the report holds one for 0.01.
    assert_eq!(file.warnings.len(), 1, "{:?}", file.warnings);
    assert!(file.warnings[0].contains(":90C:"), "{:?}", file.warnings);
}

#[test]
fn detection_by_content() {
    assert_eq!(detect(GERMAN.as_bytes()), Some(FileFormat::Mt940));
    assert_eq!(detect(MT942.as_bytes()), Some(FileFormat::Mt942));
    let without_header = MT942.split_once("{4:\n").unwrap().1;
    assert_eq!(detect(without_header.as_bytes()), Some(FileFormat::Mt942));
    // An MT103 has a :20: but is no statement.
    let payment = "{1:F01X}{2:I103X}{4:\n:20:REF\n:25:X\n:32A:261120EUR1,00\n-}";
    assert_eq!(detect(payment.as_bytes()), None);
    for other in [
        ":61:1409010902DR1,62NTRF",
        ":25:PL25106000760000888888888888",
        "hello",
        "",
    ] {
        assert_eq!(detect(other.as_bytes()), None, "{other}");
        assert_eq!(rejection(other), ParseError::UnknownFormat);
    }
    assert!(ParseError::UnknownFormat.to_string().contains("MT940"));
}

#[test]
fn a_file_cut_short_is_truncated() {
    let text = mt940_document(&[sample_statement(&[100, 200], Currency::EUR)]);
    let cut = &text[..text.find(":62F:").unwrap()];
    match rejection(cut) {
        ParseError::Truncated { element, line } => {
            assert_eq!(element, "Msg[1]");
            assert!(line > 5);
        }
        other => panic!("unexpected {other}"),
    }
    // Without blocks the missing closing balance tells.
    let plain = minimal(&[]);
    let cut = &plain[..plain.find(":62F:").unwrap()];
    match rejection(cut) {
        ParseError::Truncated { element, .. } => assert_eq!(element, "Msg[1]/:62F:"),
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn bad_fields_name_message_and_tag() {
    let text = minimal(&[":61:261120C1.2.3NTRFNONREF"]);
    match rejection(&text) {
        ParseError::Invalid {
            line,
            element,
            message,
        } => {
            assert_eq!((line, element.as_str()), (5, "Msg[1]/:61:[1]"));
            assert!(message.contains("'1.2.3'"), "{message}");
        }
        other => panic!("unexpected {other}"),
    }
    let yen = minimal(&[]).replace("EUR100,00", "JPY100,50");
    assert!(rejection(&yen)
        .to_string()
        .contains("more decimals than JPY"));
    let mixed = minimal(&[]).replace(":62F:C261120EUR", ":62F:C261120USD");
    assert!(rejection(&mixed)
        .to_string()
        .contains("Msg[1]/:62F:: the balance is in USD but the statement is in EUR"));
    let old = minimal(&[]).replace("EUR", "DEM");
    assert!(rejection(&old)
        .to_string()
        .contains("'DEM' is not an ISO 4217"));
    let no_account = minimal(&[]).replace(":25:NL91ABNA0417164300\n", "");
    assert!(rejection(&no_account).to_string().contains("Msg[1]/:25:"));
    let no_opening = minimal(&[]).replace(":60F:C261119EUR100,00\n", ":61:261120C1,NTRF\n");
    assert!(rejection(&no_opening)
        .to_string()
        .contains("no opening balance"));
}

#[test]
fn thirtieth_of_february_is_the_months_last_day() {
    let text = minimal(&[":61:2602300301D0,NTRFNONREF"]);
    let file = parsed(&text);
    assert_eq!(
        file.statements[0].entries[0].value_date,
        Some(date("2026-02-28"))
    );
    assert!(
        file.warnings[0].contains("30 February"),
        "{:?}",
        file.warnings
    );
    assert!(rejection(&minimal(&[":61:261320C1,NTRFNONREF"]))
        .to_string()
        .contains("'261320' is not a value date"));
}

#[test]
fn wrapped_text_that_looks_like_a_tag_stays_text() {
    let text = minimal(&[
        ":61:261120C1,NTRFNONREF",
        ":86:805?00ENTGELT?20Zeit 2017-01-01T13",
        ":12:11?21weiter",
    ]);
    let file = parsed(&text);
    assert_eq!(
        file.statements[0].entries[0].remittance.as_deref(),
        Some("Zeit 2017-01-01T13:12:11 weiter")
    );
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
}

#[test]
fn creditor_references_need_valid_check_digits() {
    assert!(is_creditor_reference("RF18539007547034"));
    assert!(is_creditor_reference("RF712348231"));
    assert!(!is_creditor_reference("RF19539007547034"));
    assert_eq!(
        creditor_reference_in("Invoice RF18 5390 0754 7034 paid"),
        Some("RF18539007547034".into())
    );
    assert_eq!(creditor_reference_in("REF RF19539007547034"), None);
    assert_eq!(creditor_reference_in("XRF18539007547034"), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_statement_round_trips(
        amounts in proptest::collection::vec(-10_000_000i64..10_000_000, 0..12),
        reversals in proptest::collection::vec(any::<bool>(), 12),
        yen in any::<bool>(),
        page in 1u32..5,
    ) {
        let amounts: Vec<i64> = amounts.into_iter().filter(|a| *a != 0).collect();
        let currency = if yen { Currency::JPY } else { Currency::EUR };
        let mut written = sample_statement(&amounts, currency);
        written.page_number = Some(page);
        for (entry, reversal) in written.entries.iter_mut().zip(&reversals) {
            entry.reversal = *reversal;
        }
        let file = parsed(&mt940_document(&[written.clone(), written.clone()]));
        prop_assert_eq!(file.statements.len(), 2);
        let statement = &file.statements[1];
        prop_assert_eq!(statement.page_number, Some(page));
        prop_assert_eq!(statement.entries.len(), amounts.len());
        for (got, want) in statement.entries.iter().zip(&written.entries) {
            prop_assert_eq!(got.amount, want.amount);
            prop_assert_eq!(got.reversal, want.reversal);
            prop_assert_eq!(&got.bank_ref, &want.bank_ref);
            prop_assert_eq!(&got.end_to_end_id, &want.end_to_end_id);
        }
        for wanted in [BalanceType::OpeningBooked, BalanceType::ClosingBooked] {
            prop_assert_eq!(balance(statement, wanted), balance(&written, wanted));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn arbitrary_fields_never_panic(
        body in proptest::collection::vec(
            prop_oneof![
                Just(":61:".to_string()),
                Just(":86:".to_string()),
                Just(":60F:".to_string()),
                Just(":62F:".to_string()),
                Just(":20:".to_string()),
                Just("{1:".to_string()),
                Just("{4:".to_string()),
                Just("-}".to_string()),
                Just("?20".to_string()),
                Just("/REMI/".to_string()),
                Just("\n".to_string()),
                "[0-9A-Z,/ +?:-]{0,12}",
                "\\PC{0,4}",
            ],
            0..80,
        )
    ) {
        let text = format!(":20:X\n:25:{}\n:60F:C261120EUR1,\n{}", body.concat(), body.concat());
        let _ = parse(text.as_bytes());
    }

    #[test]
    fn every_truncation_is_rejected_cleanly(cut in 0usize..4000) {
        let text = mt940_document(&[sample_statement(&[100, -250, 999], Currency::EUR)]);
        let cut = cut.min(text.trim_end().len() - 1);
        if text.is_char_boundary(cut) {
            // Any strict prefix misses at least the closing `-}` of block 4.
            prop_assert!(parse(&text.as_bytes()[..cut]).is_err());
        }
    }
}

/// Notes how much of the input had been read when each statement began, and checks that the
/// events come in order: a begin, batches of entries, an end.
#[derive(Default)]
struct Watch {
    read: Rc<Cell<usize>>,
    begun_at: Vec<usize>,
    entries: Vec<usize>,
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
    let result = crate::parse_stream(reader, &FileFormat::Mt940, &[], &mut watch);
    (result, watch)
}

/// Three hundred messages, the 151st with 1,200 entries (three batches), the others with 12.
fn many_messages() -> (Vec<ParsedStatement>, String) {
    let statements: Vec<ParsedStatement> = (0..300)
        .map(|index| {
            let count = if index == 150 { 1200 } else { 12 };
            let amounts: Vec<i64> = (0..count).map(|i| (i as i64 % 7 - 3) * 1000 + 1).collect();
            let mut statement = sample_statement(&amounts, Currency::EUR);
            statement.sequence_number = Some(format!("{:05}", index + 1));
            statement
        })
        .collect();
    let text = mt940_document(&statements);
    (statements, text)
}

fn line_of(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count() + 1
}

#[test]
fn many_messages_stream_one_at_a_time() {
    let (statements, text) = many_messages();
    let starts: Vec<usize> = text.match_indices("{1:").map(|(at, _)| at).collect();
    assert_eq!(starts.len(), statements.len());
    let (result, watch) = watched(text.as_bytes(), 1000);
    result.unwrap();
    assert!(!watch.open);
    assert_eq!(watch.begun_at.len(), statements.len());
    for (index, (statement, entries)) in statements.iter().zip(&watch.entries).enumerate() {
        assert_eq!(statement.entries.len(), *entries, "message {}", index + 1);
    }
    // A message is handed over once the message after it has a field: by then no more than
    // the next two messages and a buffer have been read.
    for (index, at) in watch.begun_at.iter().enumerate() {
        let bound = starts
            .get(index + 2)
            .map_or(text.len(), |s| s + BUFFER_BYTES);
        assert!(*at <= bound, "message {} began after {at} bytes", index + 1);
    }
    assert!(
        watch.begun_at[0] < text.len() / 100,
        "{:?}",
        &watch.begun_at[..3]
    );

    // The statements and their lines are those of the whole file.
    let file = parsed(&text);
    assert_eq!(file.statements.len(), statements.len());
    for (statement, start) in file.statements.iter().zip(&starts) {
        assert_eq!(statement.line, line_of(&text, *start));
    }
    assert_eq!(file.statements[150].entries.len(), 1200);
    let last = file.statements[299].entries.last().unwrap();
    let line = line_of(&text, text.rfind(":61:").unwrap());
    assert_eq!(
        last.source_element,
        format!("Msg[300]/:61:[12] (line {line})")
    );
}

#[test]
fn lines_separated_by_double_at_signs_stream_too() {
    // German HBCI downloads put a whole file on one line, its lines separated by `@@`.
    let (statements, text) = many_messages();
    let one_line = text.replace("\r\n", "@@");
    assert!(!one_line.contains('\n'));
    let (result, watch) = watched(one_line.as_bytes(), 1000);
    result.unwrap();
    assert_eq!(watch.begun_at.len(), statements.len());
    assert!(watch.begun_at[0] < one_line.len() / 100);
    let file = parsed(&one_line);
    assert!(file.statements.iter().all(|s| s.line == 1));
    assert_eq!(file.statements[150].entries.len(), 1200);
}

#[test]
fn an_error_late_in_a_stream_names_its_line_in_the_file() {
    let (_, text) = many_messages();
    let message = text.match_indices("{1:").nth(199).unwrap().0;
    let field = message + text[message..].find(":61:").unwrap();
    let mut broken = text.clone();
    broken.replace_range(field + 4..field + 10, "2613XX");
    let (result, watch) = watched(broken.as_bytes(), 1000);
    match result.unwrap_err() {
        ParseError::Invalid { line, element, .. } => {
            assert_eq!(line, line_of(&text, field));
            assert_eq!(element, "Msg[200]/:61:[1]");
        }
        other => panic!("unexpected {other}"),
    }
    // The 199 messages before it were handed over; the importer rolls them back.
    assert_eq!(watch.begun_at.len(), 199);
}

#[test]
fn a_message_larger_than_the_limit_is_refused_by_its_first_line() {
    let small = sample_statement(&[100, -200], Currency::EUR);
    let big = sample_statement(&vec![1_00; 200], Currency::EUR);
    let text = mt940_document(&[small.clone(), small, big]);
    let start = text.match_indices("{1:").nth(2).unwrap().0;
    let limit = 8 * 1024;
    let mut watch = Watch::default();
    let error = super::stream(text.as_bytes(), &FileFormat::Mt940, limit, &mut watch).unwrap_err();
    assert_eq!(
        error,
        ParseError::Invalid {
            line: line_of(&text, start),
            element: "Msg[3]".into(),
            message: format!(
                "the message starting on line {} is larger than 8192 bytes, the most one message may take; it is refused rather than held in memory",
                line_of(&text, start)
            ),
        }
    );
    assert_eq!(watch.begun_at.len(), 2);
    // The real limit is in MiB, and so is its message.
    assert_eq!(super::MESSAGE_BYTES_MAX, 64 * 1024 * 1024);
    assert_eq!(super::size_text(super::MESSAGE_BYTES_MAX), "64 MiB");

    // A line that never ends is refused as well, without reading it whole.
    let endless = format!(":20:X\n:25:X\n:86:{}", "x".repeat(10 * limit));
    let (reader, read) = counted(endless.as_bytes(), 1000);
    let mut watch = Watch::default();
    let error = super::stream(reader, &FileFormat::Mt940, limit, &mut watch).unwrap_err();
    assert!(
        matches!(&error, ParseError::Invalid { line: 1, element, .. } if element == "Msg[1]"),
        "{error:?}"
    );
    assert!(read.get() <= limit + 2 * BUFFER_BYTES, "{}", read.get());
}

/// The pieces of text the stream proptests assemble files from: separators of every kind, so
/// that they fall on every side of a buffer's edge.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\n".to_string()),
        Just("\r".to_string()),
        Just("\r\n".to_string()),
        Just("@".to_string()),
        Just("@@".to_string()),
        Just("\u{1}".to_string()),
        Just("\u{3}".to_string()),
        Just("\u{7}".to_string()),
        Just("\u{feff}".to_string()),
        Just(":20:".to_string()),
        Just(":61:".to_string()),
        Just(":86:".to_string()),
        Just("{1:F01X}{2:I940X}{4:".to_string()),
        Just("-}".to_string()),
        Just("-".to_string()),
        "[0-9A-Z,/ ?:-]{0,8}",
        "\\PC{0,3}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn streamed_lines_are_the_lines_of_the_whole_text(
        pieces in proptest::collection::vec(piece(), 0..60),
        step in 1usize..9,
    ) {
        let text = pieces.concat();
        let whole = tag::decode(text.as_bytes());
        let expected: Vec<(usize, String)> = tag::lines(&whole)
            .into_iter()
            .map(|(number, line)| (number, line.to_string()))
            .collect();
        let (reader, _) = counted(text.as_bytes(), step);
        let mut lines = LineReader::new(BufReader::with_capacity(step + 1, reader), usize::MAX);
        let mut got = Vec::new();
        loop {
            match lines.next_line().unwrap() {
                NextLine::Line(number, line) => got.push((number, line.to_string())),
                NextLine::TooLong(_) => unreachable!("no limit"),
                NextLine::End => break,
            }
        }
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn a_stream_reads_as_the_whole_file_whatever_the_reads(
        pieces in proptest::collection::vec(piece(), 0..80),
        step in 1usize..9,
    ) {
        let text = format!(
            ":20:X\n:25:NL91ABNA0417164300\n:60F:C261120EUR1,\n{}\n:62F:C261120EUR1,\n-}}{}",
            pieces.concat(),
            pieces.concat(),
        );
        let mut whole = crate::stream::Collect::default();
        let expected = crate::parse_stream(text.as_bytes(), &FileFormat::Mt940, &[], &mut whole);
        let (reader, _) = counted(text.as_bytes(), step);
        let mut watch = Watch::default();
        let got = crate::parse_stream(reader, &FileFormat::Mt940, &[], &mut watch);
        prop_assert_eq!(&got, &expected);
        if expected.is_ok() {
            prop_assert_eq!(watch.begun_at.len(), whole.statements.len());
            prop_assert!(!watch.open);
        }
    }

    #[test]
    fn arbitrary_bytes_stream_without_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        interim in any::<bool>(),
        step in 1usize..64,
    ) {
        let format = if interim { FileFormat::Mt942 } else { FileFormat::Mt940 };
        let (reader, _) = counted(&bytes, step);
        let _ = crate::parse_stream(reader, &format, &[], &mut Watch::default());
    }

    #[test]
    fn every_truncation_of_a_stream_is_rejected_cleanly(cut in 0usize..6000, step in 1usize..64) {
        let statement = sample_statement(&[100, -250, 999], Currency::EUR);
        let text = mt940_document(&[statement.clone(), statement.clone(), statement]);
        let cut = cut.min(text.len());
        let (reader, _) = counted(&text.as_bytes()[..cut], step);
        let mut watch = Watch::default();
        let result = crate::parse_stream(reader, &FileFormat::Mt940, &[], &mut watch);
        let prefix = String::from_utf8_lossy(&text.as_bytes()[..cut]);
        // Only a cut between whole messages (perhaps inside the next one's header, which
        // holds no field) leaves a file that reads, with those messages.
        if result.is_ok() {
            let after = prefix.rfind("-}").map(|at| &prefix[at..]);
            prop_assert!(after.is_some_and(|after| !after.contains("\n:")), "{prefix}");
            prop_assert_eq!(watch.begun_at.len(), prefix.matches("-}").count());
        }
    }
}

#[test]
fn a_file_cut_just_after_a_block_opens_a_field_is_truncated() {
    let statement = sample_statement(&[100, -250, 999], Currency::EUR);
    let text = mt940_document(&[statement.clone(), statement]);
    // The second message's block has begun and a field's colon is all there is of it.
    let second = text.rfind("{4:").unwrap() + "{4:\r\n:".len();
    let cut = &text.as_bytes()[..second];
    assert!(cut.ends_with(b"{4:\r\n:"));
    match crate::parse(cut) {
        Err(ParseError::Invalid {
            element, message, ..
        }) => {
            assert_eq!(element, "Msg[2]");
            assert!(
                message.starts_with("the file ends inside a message"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Cut at the block's opening, nothing of the message has begun: the first message reads.
    let at_header = text.rfind("{4:").unwrap() + "{4:\r\n".len();
    assert_eq!(
        crate::parse(&text.as_bytes()[..at_header])
            .unwrap()
            .statements
            .len(),
        1
    );
}
