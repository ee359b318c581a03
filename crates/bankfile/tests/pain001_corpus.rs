//! Every pain.001 of ../shared/corpus with its stated outcome: read as a run (batches,
//! payments, the amounts per currency) or refused with the reason. Says plainly when the
//! corpus is absent.

use std::collections::BTreeMap;
mod common;

use cashline_bankfile::pain001;
use rust_decimal::Decimal;

/// (file, outcome): `read: MESSAGE, batches B, payments P [AMOUNT CCY …]` or `refused: …`.
#[rustfmt::skip]
const TABLE: &[(&str, &str)] = &[
    // hbci4java's namespace-detection stubs: a name and an empty body, no run.
    ("hbci4java/test-pain-parse-00100103.xml", "refused: the message's id is missing"),
    ("hbci4java/test-pain-parse-00100203.xml", "refused: the message's id is missing"),
    ("hbci4java/test-pain-parse-00100303.xml", "refused: the message's id is missing"),
    ("hbci4java/test-pain-parse-invalid.xml", "refused: the message's id is missing"),
    ("hbci4java/test-pain-parse-none.xml", "refused: line 5, element GrpHdr/MsgId: the message's id is missing"),
    ("hbci4java/test-pain-parse-00100109.xml", "refused: holds no CstmrCdtTrfInitn"),
    // The pre-SEPA-rulebook versions, whose shape differs.
    ("hbci4java/test-pain-parse-00100102.xml", "refused: Cashline reads pain.001 from version .03"),
    ("hbci4java/test-pain-parse-00100202.xml", "refused: Cashline reads pain.001 from version .03"),
    // corporate.js ships the XML inside a Gherkin specification: its scenarios' documents one
    // after another in one text, which is not one run.
    ("corporate.js-gherkin/pain.001.001.03.feature", "refused: line 485, element GrpHdr/NbOfTxs: declares 3 transactions but holds 9"),
    ("moov-io-iso20022/International_payment_RUB_naujas_1.xml", "read: pain.001.001.03 MSGID0003, batches 1, payments 1 [1000.00 RUB]"),
    ("moov-io-iso20022/International_payment_USD_naujas_1.xml", "read: pain.001.001.03 MSGID0002, batches 1, payments 1 [111.11 USD]"),
    ("moov-io-iso20022/sepa_payment_naujas_1.xml", "read: pain.001.001.03 MSGID0001, batches 1, payments 1 [99.99 EUR]"),
    // The ISO message definition report's example: yen, euro and pounds in one run.
    ("moov-io-iso20022/gistfile1.xml", "read: pain.001.001.03 ABC/090928/CCT001, batches 1, payments 3 [500000 EUR 10000000 JPY 1000000 USD]"),
    // SIX's Swiss sample (pain.001.001.03.ch.02) holds eight transfers (the control sum, 38.00,
    // adds all eight) but declares seven: a bank refuses it, and so does Cashline.
    ("moov-io-iso20022/musterfile_pain.001_Nov2020.xml", "refused: line 7, element GrpHdr/NbOfTxs: declares 7 transactions but holds 8"),
];

fn outcome(bytes: &[u8]) -> String {
    match pain001::parse(bytes) {
        Ok(run) => {
            let mut per_currency: BTreeMap<String, Decimal> = BTreeMap::new();
            for (_, t) in run.transfers() {
                *per_currency
                    .entry(t.amount.currency().to_string())
                    .or_default() += t.amount.amount();
            }
            let amounts: Vec<String> = per_currency
                .iter()
                .map(|(ccy, sum)| format!("{sum} {ccy}"))
                .collect();
            format!(
                "read: {} {}, batches {}, payments {} [{}]",
                run.message_name,
                run.message_id,
                run.batches.len(),
                run.transfers().count(),
                amounts.join(" ")
            )
        }
        Err(e) => format!("refused: {e}"),
    }
}

#[test]
fn every_corpus_credit_transfer_initiation_has_its_stated_outcome() {
    let Some(corpus) = common::corpus("pain.001") else {
        return;
    };
    let dir = corpus.join("pain001");
    let on_disk = common::files_below(&dir, |_| true);
    let mut stated: Vec<String> = TABLE.iter().map(|(f, _)| f.to_string()).collect();
    stated.sort();
    assert_eq!(
        on_disk, stated,
        "every corpus pain.001 needs a stated outcome"
    );
    let mut failures = Vec::new();
    for (file, expected) in TABLE {
        let got = outcome(&std::fs::read(dir.join(file)).unwrap());
        let (kind, detail) = expected.split_once(": ").unwrap();
        if !(got.starts_with(kind) && got.contains(detail)) {
            failures.push(format!("{file}: expected {expected}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_swiss_sample_with_its_count_put_right_is_read_whole() {
    let Some(corpus) = common::corpus("pain.001") else {
        return;
    };
    let file = corpus.join("pain001/moov-io-iso20022/musterfile_pain.001_Nov2020.xml");
    let text = std::fs::read_to_string(file).unwrap();
    let fixed = text.replacen("<NbOfTxs>7</NbOfTxs>", "<NbOfTxs>8</NbOfTxs>", 1);
    assert_eq!(
        outcome(fixed.as_bytes()),
        "read: pain.001.001.03 MsgId-001, batches 5, payments 8 [38.00 CHF]"
    );
}
