//! OFX parser tests on documents written here: both versions, bank quirks, rejections, round
//! trips.

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use cashline_domain::{AccountKey, BalanceType, Currency, EntryStatus, Money, StatementKind};

use super::write::{ofx_document, OfxFlavour};
use super::{parse_amount, parse_ofx_date, OfxDate, OfxVersion};
use crate::{
    parse, FileFormat, ParseError, ParsedAccount, ParsedBalance, ParsedEntry, ParsedStatement,
};

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn rejection(text: &str) -> ParseError {
    parse(text.as_bytes()).expect_err("the file must be rejected")
}

/// OFX 1.0.2 as banks send it: unclosed leaves, several on a line, Windows line ends.
const SGML: &str = "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n\
CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n\
<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240402120000[-3:BRT]<LANGUAGE>POR\r\n\
<FI><ORG>Banco Exemplo<FID>123</FI></SONRS></SIGNONMSGSRSV1>\r\n\
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1001<STATUS><CODE>0<SEVERITY>INFO</STATUS>\r\n\
<STMTRS><CURDEF>BRL<BANKACCTFROM><BANKID>0341<BRANCHID>0001<ACCTID>12345-6<ACCTTYPE>CHECKING</BANKACCTFROM>\r\n\
<BANKTRANLIST><DTSTART>20240301<DTEND>20240331235959[-3:BRT]\r\n\
<STMTTRN><TRNTYPE>debit<DTPOSTED>20240305100000.000[-3:BRT]<DTUSER>20240304<TRNAMT>-1,234.56\r\n\
<FITID>A-1<CHECKNUM>0<NAME>Padaria &amp; Cia<MEMO>Compra cart\u{e3}o</STMTTRN>\r\n\
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240306<DTAVAIL>20240307<TRNAMT>+2500.00<FITID>A-2<CHECKNUM>0042\r\n\
<PAYEE><NAME>Cliente SA<ADDR1>Rua 1<CITY>SP<STATE>SP<POSTALCODE>01000<PHONE>1</PAYEE>\r\n\
<BANKACCTTO><BANKID>1<ACCTID>DE89370400440532013000<ACCTTYPE>CHECKING</BANKACCTTO></STMTTRN>\r\n\
</BANKTRANLIST><LEDGERBAL><BALAMT>10265.44<DTASOF>20240331235959[-3:BRT]</LEDGERBAL>\r\n\
<AVAILBAL><BALAMT>9000<DTASOF>20240331</AVAILBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n";

#[test]
fn reads_sgml_with_unclosed_leaves() {
    let text = SGML.replace("-1,234.56", "-1234.56");
    let parsed = parse(text.as_bytes()).unwrap();
    assert_eq!(
        parsed.format,
        FileFormat::Ofx(OfxVersion { number: Some(102) })
    );
    assert_eq!(parsed.format.to_string(), "ofx.102");
    let statement = &parsed.statements[0];
    assert_eq!(statement.kind, StatementKind::EndOfDay);
    assert_eq!(statement.account.key.reveal(), "12345-6");
    assert_eq!(
        statement.account.currency,
        Currency::from_code("BRL").unwrap()
    );
    assert_eq!(
        statement.account.bank_name.as_deref(),
        Some("Banco Exemplo")
    );
    assert_eq!(statement.message_id, "1001");
    assert_eq!(statement.statement_ref, "20240301-20240331235959[-3:BRT]");
    assert_eq!(
        statement.created_at,
        Some(Utc.with_ymd_and_hms(2024, 4, 2, 15, 0, 0).unwrap())
    );
    assert_eq!(
        statement.period_to,
        Some(Utc.with_ymd_and_hms(2024, 4, 1, 2, 59, 59).unwrap())
    );

    let debit = &statement.entries[0];
    assert_eq!(debit.amount.amount_text(), "-1234.56");
    assert_eq!(debit.status, EntryStatus::Booked);
    assert_eq!(debit.bank_ref.as_deref(), Some("A-1"));
    // Check number 0 is no reference.
    assert_eq!(debit.entry_ref, None);
    assert_eq!(debit.counterparty_name.as_deref(), Some("Padaria & Cia"));
    assert_eq!(debit.remittance.as_deref(), Some("Compra cartão"));
    assert_eq!(debit.bank_transaction_code.as_deref(), Some("DEBIT"));
    // The business date as the bank wrote it, not the UTC date.
    assert_eq!(debit.booking_date, Some(date("2024-03-05")));
    assert_eq!(debit.source_element, "STMTRS[1]/STMTTRN[1] (line 16)");

    let credit = &statement.entries[1];
    assert_eq!(credit.amount.amount_text(), "2500.00");
    assert_eq!(credit.value_date, Some(date("2024-03-07")));
    assert_eq!(credit.entry_ref.as_deref(), Some("0042"));
    assert_eq!(credit.counterparty_name.as_deref(), Some("Cliente SA"));
    assert_eq!(
        credit.counterparty_iban.as_deref(),
        Some("DE89370400440532013000")
    );

    let ledger = &statement.balances[0];
    assert_eq!(ledger.balance_type, BalanceType::ClosingBooked);
    assert_eq!(ledger.amount.amount_text(), "10265.44");
    assert_eq!(ledger.date, date("2024-03-31"));
    let available = &statement.balances[1];
    assert_eq!(available.balance_type, BalanceType::ClosingAvailable);
    assert_eq!(available.as_of, None);
}

#[test]
fn grouping_separators_are_ambiguous_and_refused() {
    let message = rejection(SGML).to_string();
    assert!(
        message.contains("STMTRS[1]/STMTTRN[1]/TRNAMT: '-1,234.56' is not a decimal amount"),
        "{message}"
    );
    assert!(message.starts_with("line 16,"), "{message}");
}

/// OFX 2 with a credit-card statement, closed leaves, CDATA and a comment.
const XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX>
  <SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
  <DTSERVER>20170510192849</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>
  <CREDITCARDMSGSRSV1>
    <CCSTMTTRNRS>
      <TRNUID>7</TRNUID>
      <STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
      <CCSTMTRS>
        <CURDEF>AUD</CURDEF>
        <CCACCTFROM><ACCTID>4111111111111111</ACCTID></CCACCTFROM>
        <BANKTRANLIST>
          <DTSTART>20170311</DTSTART>
          <DTEND>20170509</DTEND>
          <!-- <STMTTRN><TRNAMT>-999</TRNAMT></STMTTRN> -->
          <STMTTRN>
            <TRNTYPE>DEBIT</TRNTYPE>
            <DTPOSTED>20170508000000</DTPOSTED>
            <TRNAMT>-5.50</TRNAMT>
            <FITID>201705080001</FITID>
            <NAME><![CDATA[EFTPOS <ALDI>  ]]></NAME>
            <MEMO/>
          </STMTTRN>
        </BANKTRANLIST>
        <LEDGERBAL>
          <BALAMT>-123.45</BALAMT>
          <DTASOF>20170510192849</DTASOF>
        </LEDGERBAL>
      </CCSTMTRS>
    </CCSTMTTRNRS>
  </CREDITCARDMSGSRSV1>
</OFX>
"#;

#[test]
fn reads_xml_credit_card_statements() {
    let parsed = parse(XML.as_bytes()).unwrap();
    assert_eq!(parsed.format.to_string(), "ofx.211");
    let statement = &parsed.statements[0];
    assert_eq!(statement.account.key.reveal(), "4111111111111111");
    assert_eq!(statement.entries.len(), 1);
    let entry = &statement.entries[0];
    assert_eq!(entry.amount.amount_text(), "-5.50");
    assert_eq!(entry.counterparty_name.as_deref(), Some("EFTPOS <ALDI>"));
    assert_eq!(entry.remittance, None);
    assert_eq!(statement.balances[0].amount.amount_text(), "-123.45");
    assert_eq!(
        statement.balances[0].as_of,
        Some(Utc.with_ymd_and_hms(2017, 5, 10, 19, 28, 49).unwrap())
    );
}

#[test]
fn forgotten_end_tags_are_closed_by_what_follows() {
    // Nubank forgets </BANKTRANLIST>; some writers forget </STMTTRN> before the next one.
    let text = SGML
        .replace("-1,234.56", "-1234.56")
        .replace("</BANKTRANLIST>", "")
        .replacen("</STMTTRN>", "", 1);
    let parsed = parse(text.as_bytes()).unwrap();
    let statement = &parsed.statements[0];
    assert_eq!(statement.entries.len(), 2);
    assert_eq!(
        statement.entries[0].remittance.as_deref(),
        Some("Compra cartão")
    );
    assert_eq!(statement.balances.len(), 2);
}

#[test]
fn decimal_commas_and_empty_tags() {
    let text = XML
        .replace("<TRNAMT>-5.50</TRNAMT>", "<TRNAMT>-5,50</TRNAMT>")
        .replace("<CURDEF>AUD</CURDEF>", "<CURDEF></CURDEF>")
        .replace(
            "<MEMO/>",
            "<MEMO></MEMO><CURRENCY><CURRATE>1.0</CURRATE><CURSYM>AUD</CURSYM></CURRENCY>",
        )
        .replace("<BALAMT>-123.45</BALAMT>", "<BALAMT> </BALAMT>");
    let parsed = parse(text.as_bytes()).unwrap();
    let statement = &parsed.statements[0];
    assert_eq!(statement.entries[0].amount.amount_text(), "-5.50");
    assert_eq!(statement.account.currency.code(), "AUD");
    assert!(statement.balances.is_empty());
    assert_eq!(parsed.warnings.len(), 2, "{:?}", parsed.warnings);
}

#[test]
fn transactions_must_have_a_date_an_amount_and_the_statement_currency() {
    let text = XML.replace("<DTPOSTED>20170508000000</DTPOSTED>", "");
    assert!(rejection(&text)
        .to_string()
        .contains("CCSTMTRS[1]/STMTTRN[1]/DTPOSTED: the transaction has no posting date"));
    let text = XML.replace("20170508000000", "20170231");
    assert!(rejection(&text)
        .to_string()
        .contains("'20170231' is not an OFX date"));
    let text = XML.replace("<TRNAMT>-5.50</TRNAMT>", "<TRNAMT>$5.50</TRNAMT>");
    assert!(rejection(&text)
        .to_string()
        .contains("'$5.50' is not a decimal amount"));
    let text = XML.replace("<TRNAMT>-5.50</TRNAMT>", "<TRNAMT>-5.505</TRNAMT>");
    assert!(rejection(&text).to_string().contains("more decimals"));
    let text = XML.replace(
        "<MEMO/>",
        "<CURRENCY><CURRATE>0.7</CURRATE><CURSYM>USD</CURSYM></CURRENCY>",
    );
    assert!(rejection(&text)
        .to_string()
        .contains("the transaction is in USD, not the statement's AUD"));
    let text = XML.replace("<ACCTID>4111111111111111</ACCTID>", "");
    assert!(rejection(&text)
        .to_string()
        .contains("CCSTMTRS[1]/CCACCTFROM/ACCTID: the statement names no account"));
    let text = XML.replace("<CURDEF>AUD</CURDEF>", "");
    assert!(rejection(&text)
        .to_string()
        .contains("CCSTMTRS[1]/CURDEF: the statement gives no currency"));
}

#[test]
fn files_without_statements_say_why() {
    let signon = SGML.replacen(
        "<CODE>0<SEVERITY>INFO",
        "<CODE>15500<SEVERITY>ERROR<MESSAGE>Bad password",
        1,
    );
    let signon = &signon[..signon.find("<BANKMSGSRSV1>").unwrap()];
    let message = rejection(&format!("{signon}</OFX>")).to_string();
    assert!(
        message.contains("the bank refused the sign-on (code 15500: Bad password)"),
        "{message}"
    );

    let error = XML.replace(
        "<STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>\n      <CCSTMTRS>",
        "<STATUS><CODE>2000</CODE><SEVERITY>ERROR</SEVERITY></STATUS>\n      <CCSTMTRS>",
    );
    let error = format!(
        "{}</CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>",
        &error[..error.find("<CCSTMTRS>").unwrap()]
    );
    assert!(rejection(&error)
        .to_string()
        .contains("an error instead of a statement (code 2000)"));

    let investment = "OFXHEADER:100\nVERSION:102\n\n<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS><CURDEF>USD</INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>";
    assert!(
        matches!(rejection(investment), ParseError::Unsupported { format, .. } if format == "ofx.102")
    );

    assert!(rejection("<OFX></OFX>")
        .to_string()
        .contains("no bank or credit-card statement"));
}

#[test]
fn markup_that_could_expand_or_escape_is_refused() {
    let text = XML.replacen("<OFX>", "<!DOCTYPE OFX [<!ENTITY x \"boom\">]>\n<OFX>", 1);
    assert!(rejection(&text).to_string().contains("DTD"));
    // An undeclared entity stays as written.
    let text = XML.replace("201705080001", "&x;");
    assert_eq!(
        parse(text.as_bytes()).unwrap().statements[0].entries[0]
            .bank_ref
            .as_deref(),
        Some("&x;")
    );
    let text = format!("{XML}<OFX></OFX>");
    assert!(matches!(rejection(&text), ParseError::Xml { .. }));
    let text = format!("{XML}garbage");
    assert!(rejection(&text).to_string().contains("text after </OFX>"));
    let text = XML.replace("</CCACCTFROM>", "</CCACCTFROM></NOTOPEN>");
    assert!(rejection(&text)
        .to_string()
        .contains("</NOTOPEN> closes no open element"));
    let deep = format!("<OFX>{}", "<A>".repeat(100));
    assert!(rejection(&deep).to_string().contains("nested too deeply"));
}

#[test]
fn windows_1252_text_is_decoded() {
    let mut bytes = SGML
        .replace("-1,234.56", "-1")
        .replace("Compra cart\u{e3}o", "Caf")
        .into_bytes();
    let at = bytes.windows(4).position(|w| w == b"Caf<").unwrap() + 3;
    bytes.insert(at, 0xe9);
    bytes.insert(at + 1, 0x80);
    let parsed = parse(&bytes).unwrap();
    assert_eq!(
        parsed.statements[0].entries[0].remittance.as_deref(),
        Some("Café€")
    );
}

#[test]
fn ofx_dates() {
    let utc = |y, m, d, h, min, s| Some(Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap());
    assert_eq!(
        parse_ofx_date("20240305"),
        Some(OfxDate {
            date: date("2024-03-05"),
            instant: None
        })
    );
    assert_eq!(
        parse_ofx_date("20240305100000.000[-3:BRT]")
            .unwrap()
            .instant,
        utc(2024, 3, 5, 13, 0, 0)
    );
    assert_eq!(
        parse_ofx_date("20240305100000[+5.30:IST]").unwrap().instant,
        utc(2024, 3, 5, 4, 30, 0)
    );
    assert_eq!(
        parse_ofx_date("200510291120").unwrap().instant,
        utc(2005, 10, 29, 11, 20, 0)
    );
    assert_eq!(
        parse_ofx_date("20130525225731.258").unwrap().date,
        date("2013-05-25")
    );
    assert_eq!(
        parse_ofx_date("20120908190849.317[-4:EDT]")
            .unwrap()
            .instant
            .unwrap()
            .timestamp_subsec_millis(),
        317
    );
    for bad in [
        "",
        "2024030",
        "20240230",
        "201120000000",
        "20180804093914:014",
        "20240305[-3]x",
        "20240305100000[-30:X]",
    ] {
        assert_eq!(parse_ofx_date(bad), None, "{bad}");
    }
}

#[test]
fn ofx_amounts() {
    assert_eq!(parse_amount("-80").unwrap().to_string(), "-80");
    assert_eq!(
        parse_amount("+00000000000115.8331").unwrap().to_string(),
        "115.8331"
    );
    assert_eq!(parse_amount("-200,00").unwrap().to_string(), "-200.00");
    assert_eq!(parse_amount(".5").unwrap().to_string(), "0.5");
    for bad in ["", "-", "1,234.56", "1 234", "$120", "1e3", "--1"] {
        assert_eq!(parse_amount(bad), None, "{bad}");
    }
}

#[test]
fn detection_needs_a_header_or_an_ofx_root() {
    assert_eq!(
        super::detect(SGML.as_bytes()),
        Some(OfxVersion { number: Some(102) })
    );
    assert_eq!(
        super::detect(XML.as_bytes()),
        Some(OfxVersion { number: Some(211) })
    );
    assert_eq!(
        super::detect(b"\r\n\r\n<OFX>\r\n<SIGNONMSGSRSV1>"),
        Some(OfxVersion { number: None })
    );
    assert_eq!(
        super::detect(b"<?xml version=\"1.0\"?>\n<OFX>"),
        Some(OfxVersion { number: None })
    );
    assert_eq!(
        parse(b"\r\n<OFX></OFX>").unwrap_err(),
        rejection("<OFX></OFX>")
    );
    assert_eq!(super::detect(b"<?xml version=\"1.0\"?>\n<Document>"), None);
    assert_eq!(super::detect(b"01,A,B,240102,0800,7,,,2/"), None);
}

fn sample_statement(
    amounts_minor: &[i64],
    currency: Currency,
    texts: &[String],
) -> ParsedStatement {
    let entries = amounts_minor
        .iter()
        .enumerate()
        .map(|(index, minor)| ParsedEntry {
            amount: Money::from_minor(*minor, currency),
            status: EntryStatus::Booked,
            reversal: false,
            booking_date: Some(date("2026-11-20")),
            value_date: (index % 2 == 0).then(|| date("2026-11-21")),
            bank_ref: Some(format!("FIT-{index}")),
            entry_ref: (index % 3 == 0).then(|| format!("REF{index}")),
            end_to_end_id: None,
            counterparty_name: Some(format!("Müller & Söhne <{index}>")),
            counterparty_iban: (index % 2 == 1).then(|| "NL91ABNA0417164300".to_string()),
            remittance: texts.get(index).cloned().filter(|t| !t.is_empty()),
            creditor_reference: None,
            bank_transaction_code: Some(if *minor < 0 { "DEBIT" } else { "CREDIT" }.to_string()),
            source_element: String::new(),
            details: Vec::new(),
        })
        .collect();
    ParsedStatement {
        kind: StatementKind::EndOfDay,
        message_id: String::new(),
        statement_ref: String::new(),
        sequence_number: None,
        page_number: None,
        created_at: None,
        period_from: None,
        period_to: None,
        account: ParsedAccount {
            key: AccountKey::parse("9100-22").unwrap(),
            iban: None,
            currency,
            bic: None,
            bank_name: None,
            owner_name: None,
        },
        balances: vec![
            ParsedBalance {
                balance_type: BalanceType::ClosingBooked,
                amount: Money::from_minor(-4_200, currency),
                date: date("2026-11-20"),
                as_of: Some(Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap()),
            },
            ParsedBalance {
                balance_type: BalanceType::ClosingAvailable,
                amount: Money::from_minor(99_000, currency),
                date: date("2026-11-20"),
                as_of: None,
            },
        ],
        entries,
        line: 0,
    }
}

fn document(flavour: OfxFlavour, statements: &[ParsedStatement]) -> String {
    ofx_document(
        flavour,
        Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap(),
        statements,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_statement_round_trips(
        amounts in proptest::collection::vec(-10_000_000_000i64..10_000_000_000, 0..12),
        texts in proptest::collection::vec("[A-Za-z0-9&<>;'\"/ .:-]{0,40}", 0..12),
        yen in any::<bool>(),
        xml in any::<bool>(),
        statements in 1usize..4,
    ) {
        let currency = if yen { Currency::JPY } else { Currency::EUR };
        let texts: Vec<String> = texts.into_iter().map(|t| t.trim().to_string()).collect();
        let statement = sample_statement(&amounts, currency, &texts);
        let flavour = if xml { OfxFlavour::Xml211 } else { OfxFlavour::Sgml102 };
        let many = vec![statement.clone(); statements];
        let parsed = parse(document(flavour, &many).as_bytes()).unwrap();
        prop_assert_eq!(parsed.statements.len(), statements);
        for read in &parsed.statements {
            prop_assert_eq!(read.entries.len(), amounts.len());
            for (entry, original) in read.entries.iter().zip(&statement.entries) {
                prop_assert_eq!(entry.amount, original.amount);
                prop_assert_eq!(&entry.bank_ref, &original.bank_ref);
                prop_assert_eq!(&entry.entry_ref, &original.entry_ref);
                prop_assert_eq!(&entry.remittance, &original.remittance);
                prop_assert_eq!(&entry.counterparty_name, &original.counterparty_name);
                prop_assert_eq!(&entry.counterparty_iban, &original.counterparty_iban);
                prop_assert_eq!(entry.booking_date, original.booking_date);
                prop_assert_eq!(entry.value_date, original.value_date);
            }
            let balances: Vec<_> = read.balances.iter().map(|b| (b.balance_type, b.amount, b.date, b.as_of)).collect();
            let expected: Vec<_> = statement.balances.iter().map(|b| (b.balance_type, b.amount, b.date, b.as_of)).collect();
            prop_assert_eq!(balances, expected);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = super::parse(&bytes, OfxVersion { number: None });
        let _ = parse(&bytes);
    }

    #[test]
    fn arbitrary_markup_never_panics(
        parts in proptest::collection::vec(
            prop_oneof![
                "<(OFX|STMTRS|CCSTMTRS|STMTTRN|LEDGERBAL|BANKTRANLIST|TRNAMT|DTPOSTED|ACCTID|CURDEF|BALAMT|DTASOF)>",
                "</(OFX|STMTRS|STMTTRN|LEDGERBAL|BANKTRANLIST)>",
                "[0-9.,+-]{0,12}",
                "[A-Z ]{0,8}",
            ],
            0..40,
        ),
    ) {
        let _ = super::parse(parts.concat().as_bytes(), OfxVersion { number: None });
    }

    #[test]
    fn every_truncation_is_rejected(cut in 0usize..6000, xml in any::<bool>()) {
        let flavour = if xml { OfxFlavour::Xml211 } else { OfxFlavour::Sgml102 };
        let text = document(flavour, &[sample_statement(&[100, -250, 999], Currency::EUR, &["a memo".to_string()])]);
        let cut = cut.min(text.trim_end().len() - 1);
        if text.is_char_boundary(cut) {
            // Any strict prefix misses at least the closing </OFX>.
            prop_assert!(parse(&text.as_bytes()[..cut]).is_err());
        }
    }
}

#[test]
fn long_transaction_lists_stay_within_the_text_limit() {
    // Indentation between 20 000 transactions must not count as one element's text.
    let statement = sample_statement(&vec![1; 20_000], Currency::EUR, &[]);
    let parsed = parse(document(OfxFlavour::Xml211, &[statement]).as_bytes()).unwrap();
    assert_eq!(parsed.statements[0].entries.len(), 20_000);
}

/// Found by the fuzzer: text that starts with a multi-byte character right after a tag.
#[test]
fn text_starting_with_a_multibyte_character_does_not_panic() {
    let file = "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX>ÿ\n<STMTTRNRS><TRNUID>0</STMTTRNRS></OFX>";
    let _ = crate::parse(file.as_bytes());
}
