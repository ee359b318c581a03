use super::*;

fn document(version: u32, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.{version:02}\">\n<CstmrPmtStsRpt>\n<GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2026-12-03T10:15:00+01:00</CreDtTm></GrpHdr>\n{body}</CstmrPmtStsRpt>\n</Document>\n"
    )
}

const PARTIAL: &str = "<OrgnlGrpInfAndSts><OrgnlMsgId>CL-20261203-1</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>CL-1-B1</OrgnlPmtInfId><PmtInfSts>PART</PmtInfSts>
<TxInfAndSts><OrgnlInstrId>CL-1-B1-1</OrgnlInstrId><OrgnlEndToEndId>E2E-1</OrgnlEndToEndId><TxSts>ACSP</TxSts><AccptncDtTm>2026-12-03T09:00:00Z</AccptncDtTm></TxInfAndSts>
<TxInfAndSts><OrgnlInstrId>CL-1-B1-2</OrgnlInstrId><OrgnlEndToEndId>E2E-2</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Konto erloschen</AddtlInf></StsRsnInf></TxInfAndSts>
</OrgnlPmtInfAndSts>
";

#[test]
fn a_partial_acceptance_gives_each_transaction_its_status_and_reason() {
    for version in [3, 10, 12, 14] {
        let report = parse(document(version, PARTIAL).as_bytes()).unwrap();
        assert_eq!(report.version, version);
        assert_eq!(report.message_id, "STS-1");
        assert_eq!(report.created_at.to_rfc3339(), "2026-12-03T09:15:00+00:00");
        assert_eq!(report.original_message_id.as_deref(), Some("CL-20261203-1"));
        assert_eq!(report.group_status, Some(StatusCode::Part));
        let batch = &report.batches[0];
        assert_eq!(batch.original_payment_info_id.as_deref(), Some("CL-1-B1"));
        let statuses: Vec<(Option<&str>, StatusCode)> = batch
            .transactions
            .iter()
            .map(|t| (t.original_end_to_end_id.as_deref(), t.status))
            .collect();
        assert_eq!(
            statuses,
            [
                (Some("E2E-1"), StatusCode::Acsp),
                (Some("E2E-2"), StatusCode::Rjct)
            ]
        );
        let reason = &batch.transactions[1].reasons[0];
        assert_eq!(reason.code.as_deref(), Some("AC04"));
        assert_eq!(reason.additional_info, ["Konto erloschen"]);
        assert_eq!(batch.transactions[1].line, 8);
    }
}

#[test]
fn a_group_status_alone_is_a_report() {
    let body = "<OrgnlGrpInfAndSts><OrgnlMsgId>M</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId><GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>FF01</Cd></Rsn></StsRsnInf></OrgnlGrpInfAndSts>\n";
    let report = parse(document(3, body).as_bytes()).unwrap();
    assert_eq!(report.group_status, Some(StatusCode::Rjct));
    assert_eq!(report.group_reasons[0].code.as_deref(), Some("FF01"));
    assert!(report.batches.is_empty());
}

fn refusal(bytes: &[u8]) -> String {
    parse(bytes).unwrap_err().to_string()
}

#[test]
fn hostile_reports_are_refused_naming_the_place() {
    let bad_status = document(10, &PARTIAL.replace("<TxSts>ACSP", "<TxSts>OKAY"));
    let error = refusal(bad_status.as_bytes());
    assert!(
        error.contains("line 7, element TxInfAndSts/TxSts") && error.contains("'OKAY'"),
        "{error}"
    );
    let no_original = document(
        10,
        &PARTIAL.replace("<OrgnlMsgId>CL-20261203-1</OrgnlMsgId>", ""),
    );
    assert!(refusal(no_original.as_bytes()).contains("OrgnlMsgId"));
    let nameless = document(
        10,
        &PARTIAL.replace(
            "<OrgnlInstrId>CL-1-B1-1</OrgnlInstrId><OrgnlEndToEndId>E2E-1</OrgnlEndToEndId>",
            "",
        ),
    );
    assert!(refusal(nameless.as_bytes()).contains("neither its original instruction"));
    let whole = document(10, PARTIAL);
    let cut = &whole.as_bytes()[..whole.len() / 2];
    assert!(refusal(cut).contains("looks truncated"), "{}", refusal(cut));
    let control = document(10, &PARTIAL.replace("<Cd>AC04</Cd>", "<Cd>AC\u{7}4</Cd>"));
    assert!(refusal(control.as_bytes()).contains("printable"));
    let bad_time = document(10, PARTIAL).replace("2026-12-03T10:15:00+01:00", "yesterday");
    assert!(refusal(bad_time.as_bytes()).contains("GrpHdr/CreDtTm"));
    let silent = document(
        10,
        "<OrgnlGrpInfAndSts><OrgnlMsgId>M</OrgnlMsgId></OrgnlGrpInfAndSts>\n",
    );
    assert!(refusal(silent.as_bytes()).contains("states no status"));
}

#[test]
fn an_entity_cannot_expand_and_deep_nesting_stops() {
    let bomb = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>{}",
        document(10, &PARTIAL.replace("Konto erloschen", "&b;"))
            .trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
    );
    assert!(parse(bomb.as_bytes()).is_err());
    let deep = document(10, &format!("{}{}", "<X>".repeat(40), "</X>".repeat(40)));
    assert!(refusal(deep.as_bytes()).contains("nested deeper"));
}

#[test]
fn detection_knows_national_variants_and_files_without_a_namespace() {
    assert_eq!(detect(b"<Document xmlns=\"http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd\">"), Some(3));
    assert_eq!(detect(b"<Document>\n<CstmrPmtStsRpt>"), Some(0));
    assert_eq!(
        detect(b"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">"),
        None
    );
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn any_cut_of_a_report_is_an_error_or_the_whole_report(cut in 0usize..2000) {
        let whole = document(10, PARTIAL);
        let cut = cut.min(whole.len());
        if let Ok(report) = parse(&whole.as_bytes()[..cut]) {
            proptest::prop_assert_eq!(report, parse(whole.as_bytes()).unwrap());
        }
    }
}

#[test]
fn a_transactions_debtor_account_is_read_from_its_original_reference() {
    let xml = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>S</MsgId><CreDtTm>2026-11-23T10:00:00Z</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>PORTAL-1</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>B</OrgnlPmtInfId><TxInfAndSts><OrgnlEndToEndId>E1</OrgnlEndToEndId><TxSts>ACSC</TxSts>
<OrgnlTxRef><Cdtr><Pty><Nm>X</Nm></Pty></Cdtr><CdtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></CdtrAcct><DbtrAcct><Id><IBAN>DE89 3704 0044 0532 0130 00</IBAN></Id></DbtrAcct></OrgnlTxRef>
</TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"#;
    let report = parse(xml.as_bytes()).unwrap();
    let t = &report.batches[0].transactions[0];
    assert_eq!(
        t.original_debtor_iban.as_deref(),
        Some("DE89 3704 0044 0532 0130 00")
    );
}
