use super::*;
use crate::pain001_write::{self, Pain001Version};

fn run_of(xml: &str) -> Result<CreditTransferRun, ParseError> {
    parse(xml.as_bytes())
}

fn refusal(xml: &str) -> String {
    run_of(xml).expect_err("refused").to_string()
}

/// A pain.001.001.03 as an ERP writes it, with `{batch}` and `{tx}` for the parts a test varies.
fn document(group: &str, batch: &str, tx: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">
<CstmrCdtTrfInitn>
<GrpHdr><MsgId>ERP-RUN-7</MsgId><CreDtTm>2026-11-23T08:15:00</CreDtTm>{group}<InitgPty><Nm>Northwind</Nm></InitgPty></GrpHdr>
<PmtInf><PmtInfId>B-1</PmtInfId><PmtMtd>TRF</PmtMtd>{batch}<ReqdExctnDt>2026-11-24</ReqdExctnDt>
<Dbtr><Nm>Northwind</Nm></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>
<DbtrAgt><FinInstnId><BIC>COBADEFFXXX</BIC></FinInstnId></DbtrAgt>
<CdtTrfTxInf>{tx}</CdtTrfTxInf>
</PmtInf>
</CstmrCdtTrfInitn>
</Document>
"#
    )
}

const TX: &str = "<PmtId><InstrId>I-1</InstrId><EndToEndId>E-1</EndToEndId></PmtId>\
<Amt><InstdAmt Ccy=\"EUR\">1250.50</InstdAmt></Amt>\
<CdtrAgt><FinInstnId><BIC>ABNANL2A</BIC></FinInstnId></CdtrAgt>\
<Cdtr><Nm>Fabrikam</Nm></Cdtr><CdtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></CdtrAcct>\
<RmtInf><Ustrd>INV-4711</Ustrd></RmtInf>";

#[test]
fn an_erp_run_is_read_with_its_ids() {
    let run = run_of(&document(
        "<NbOfTxs>1</NbOfTxs><CtrlSum>1250.50</CtrlSum>",
        "<NbOfTxs>1</NbOfTxs>",
        TX,
    ))
    .unwrap();
    assert_eq!(run.message_name, "pain.001.001.03");
    assert_eq!(run.message_id, "ERP-RUN-7");
    assert_eq!(run.initiating_party.as_deref(), Some("Northwind"));
    let batch = &run.batches[0];
    assert_eq!(batch.payment_info_id, "B-1");
    assert_eq!(batch.debtor_account, "DE89370400440532013000");
    assert_eq!(batch.debtor_bic.as_deref(), Some("COBADEFFXXX"));
    assert_eq!(batch.requested_date.to_string(), "2026-11-24");
    let t = &batch.transfers[0];
    assert_eq!(t.instruction_id.as_deref(), Some("I-1"));
    assert_eq!(t.end_to_end_id, "E-1");
    assert_eq!(t.amount.amount_text(), "1250.50");
    assert_eq!(t.amount.currency().to_string(), "EUR");
    assert_eq!(t.creditor_name, "Fabrikam");
    assert_eq!(t.creditor_account, "NL91ABNA0417164300");
    assert_eq!(t.creditor_bic.as_deref(), Some("ABNANL2A"));
    assert_eq!(t.reference.as_deref(), Some("INV-4711"));
    assert_eq!(t.line, 8);
}

#[test]
fn what_cashline_writes_it_reads_back_the_same() {
    let written = pain001_write::tests::initiation();
    for version in [Pain001Version::V03, Pain001Version::V09] {
        let run = parse(pain001_write::write(version, &written).as_bytes()).unwrap();
        assert_eq!(run.message_name, version.name());
        assert_eq!(run.message_id, written.message_id);
        assert_eq!(run.created_at, written.created_at);
        assert_eq!(run.batches.len(), written.batches.len());
        for (read, wrote) in run.batches.iter().zip(&written.batches) {
            assert_eq!(read.payment_info_id, wrote.payment_info_id);
            assert_eq!(read.debtor_account, wrote.debtor_iban);
            assert_eq!(read.requested_date, wrote.requested_date);
            for (t, w) in read.transfers.iter().zip(&wrote.transfers) {
                assert_eq!(t.instruction_id.as_deref(), Some(w.instruction_id.as_str()));
                assert_eq!(t.end_to_end_id, w.end_to_end_id);
                assert_eq!(t.amount.amount_minor().unwrap(), w.amount_minor);
                assert_eq!(t.amount.currency(), wrote.currency);
                assert_eq!(t.creditor_name, w.creditor_name, "escaped text comes back");
                assert_eq!(t.creditor_account, w.creditor_iban);
                assert_eq!(t.creditor_bic, w.creditor_bic);
                assert_eq!(t.reference, w.remittance);
            }
        }
    }
}

#[test]
fn totals_that_do_not_add_up_refuse_the_file_at_their_line() {
    let e = refusal(&document("<NbOfTxs>2</NbOfTxs>", "", TX));
    assert!(
        e.contains("line 4")
            && e.contains("GrpHdr/NbOfTxs")
            && e.contains("declares 2 transactions but holds 1"),
        "{e}"
    );
    let e = refusal(&document("", "<CtrlSum>1250.51</CtrlSum>", TX));
    assert!(
        e.contains("PmtInf/CtrlSum") && e.contains("add up to 1250.50"),
        "{e}"
    );
}

#[test]
fn an_unreadable_transfer_refuses_the_file_naming_the_field() {
    let cases = [
        (
            TX.replace("<EndToEndId>E-1</EndToEndId>", ""),
            "the end-to-end id is missing",
        ),
        (TX.replace("1250.50", "12,50"), "InstdAmt"),
        (TX.replace("1250.50", "1.005"), "decimals"),
        (TX.replace("1250.50", "-5"), "positive"),
        (TX.replace("Ccy=\"EUR\"", "Ccy=\"EURO\""), "InstdAmt/@Ccy"),
        (TX.replace(" Ccy=\"EUR\"", ""), "names no currency"),
        (
            TX.replace("<InstdAmt Ccy=\"EUR\">1250.50</InstdAmt>", ""),
            "the amount (InstdAmt or EqvtAmt) is missing",
        ),
        (
            TX.replace(
                "<CdtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></CdtrAcct>",
                "",
            ),
            "the creditor's account is missing",
        ),
    ];
    for (tx, expected) in cases {
        let e = refusal(&document("", "", &tx));
        assert!(
            e.contains(expected) && e.contains("line 8"),
            "{expected}: {e}"
        );
    }
}

#[test]
fn a_file_that_is_not_a_run_is_refused_with_the_reason() {
    assert!(
        refusal(&document("", "", TX).replace("<MsgId>ERP-RUN-7</MsgId>", ""))
            .contains("the message's id is missing")
    );
    assert!(
        refusal(&document("", "", TX).replace("<ReqdExctnDt>2026-11-24</ReqdExctnDt>", ""))
            .contains("requested execution date")
    );
    assert!(
        refusal(&document("", "", TX).replace("2026-11-24", "24.11.2026"))
            .contains("is not a date")
    );
    let truncated = document("", "", TX);
    let e = refusal(&truncated[..truncated.len() / 2]);
    assert!(e.contains("truncated") || e.contains("malformed"), "{e}");
    let old = r#"<Document xmlns="urn:sepade:xsd:pain.001.001.02"><pain.001.001.02/></Document>"#;
    assert!(refusal(old).contains("from version .03"));
    let empty = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn/></Document>"#;
    assert!(refusal(empty).contains("the message's id is missing"));
    let deep = format!(
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\">{}",
        "<a>".repeat(100)
    );
    assert!(refusal(&deep).contains("nested deeper"));
}

#[test]
fn a_status_report_is_not_taken_for_the_initiation_it_answers() {
    let report = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><OrgnlGrpInfAndSts><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>"#;
    assert_eq!(detect(report.as_bytes()), None);
    assert_eq!(
        detect(b"<Document xmlns=\"http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd\">").as_deref(),
        Some("pain.001.001.03")
    );
}

#[test]
fn the_version_09_date_choice_and_references_are_read() {
    let xml = document("", "", TX)
        .replace("pain.001.001.03", "pain.001.001.09")
        .replace("<ReqdExctnDt>2026-11-24</ReqdExctnDt>", "<ReqdExctnDt><Dt>2026-11-25</Dt></ReqdExctnDt>")
        .replace("<RmtInf><Ustrd>INV-4711</Ustrd></RmtInf>", "<RmtInf><Strd><RfrdDocInf><Nb>4562</Nb></RfrdDocInf><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>");
    let run = run_of(&xml).unwrap();
    assert_eq!(run.batches[0].requested_date.to_string(), "2026-11-25");
    assert_eq!(
        run.batches[0].transfers[0].reference.as_deref(),
        Some("RF18539007547034")
    );
}

#[test]
fn an_equivalent_amount_is_what_leaves_the_account() {
    let tx = TX.replace(
        "<InstdAmt Ccy=\"EUR\">1250.50</InstdAmt>",
        "<EqvtAmt><Amt Ccy=\"EUR\">980.00</Amt><CcyOfTrf>USD</CcyOfTrf></EqvtAmt>",
    );
    let run = run_of(&document("", "", &tx)).unwrap();
    let t = &run.batches[0].transfers[0];
    assert_eq!(t.amount.amount_text(), "980.00");
    assert_eq!(t.amount.currency().to_string(), "EUR");
    assert_eq!(t.transfer_currency.as_deref(), Some("USD"));
}
