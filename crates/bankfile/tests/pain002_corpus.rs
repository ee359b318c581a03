//! Every pain.002 of ../shared/corpus with its stated outcome: read as status (the statuses
//! per level) or refused with the reason. Says plainly when the corpus is absent.

mod common;

use cashline_bankfile::pain002;

/// (file, outcome): `read: group G, batches B, transactions T [statuses]` or `refused: …`.
const TABLE: &[(&str, &str)] = &[
    // hbci4java writes the German DK's own codes (RVMC, RCVC, RVNM), which are not ISO
    // 20022 status codes: refused by name rather than guessed at.
    ("hbci4java/test-pain-parse-0020110-01.xml", "refused: 'RVMC' is not an ISO 20022 payment status code"),
    ("hbci4java/test-pain-parse-0020110-02.xml", "refused: 'RVMC' is not an ISO 20022 payment status code"),
    ("hbci4java/test-pain-parse-0020110-03.xml", "refused: 'RCVC' is not an ISO 20022 payment status code"),
    // No namespace, no status: not a report of anything.
    ("moov-io-iso20022/invalid_pain_v11.xml", "refused: the report states no status at all"),
    ("moov-io-iso20022/valid_pain_v11.xml", "refused: the report states no status at all"),
    ("moov-io-iso20022/pain002-chdd-cor1_p_ch2909000000250094239_1110097483_0_2018031317221082.xml", "read: group -, batches 1, transactions 0 [ACCP]"),
    ("moov-io-iso20022/pain002-epo_p_0_0_0_2018031510491259.xml", "read: group ACTC, batches 0, transactions 0 []"),
    ("moov-io-iso20022/pain002-epo_p_0_0_0_2018032614401842.xml", "read: group RJCT, batches 0, transactions 0 []"),
    ("moov-io-iso20022/pain002-epo_p_ch2909000000250094239_1109800799_0_2018032612092784.xml", "read: group -, batches 1, transactions 1 [RJCT RJCT]"),
    ("moov-io-iso20022/pain002-epo_p_ch5109000000250092291_1110097605_0_2018031511252307.xml", "read: group -, batches 1, transactions 1 [PART RJCT]"),
];

fn outcome(bytes: &[u8]) -> String {
    match pain002::parse(bytes) {
        Ok(report) => {
            let statuses: Vec<&str> = report
                .batches
                .iter()
                .flat_map(|b| {
                    b.status
                        .iter()
                        .map(|s| s.as_str())
                        .chain(b.transactions.iter().map(|t| t.status.as_str()))
                })
                .collect();
            format!(
                "read: group {}, batches {}, transactions {} [{}]",
                report.group_status.map_or("-", |s| s.as_str()),
                report.batches.len(),
                report
                    .batches
                    .iter()
                    .map(|b| b.transactions.len())
                    .sum::<usize>(),
                statuses.join(" ")
            )
        }
        Err(e) => format!("refused: {e}"),
    }
}

#[test]
fn every_corpus_status_report_has_its_stated_outcome() {
    let Some(corpus) = common::corpus("pain.002") else {
        return;
    };
    let dir = corpus.join("pain002");
    let on_disk = common::files_below(&dir, |f| f.extension().is_some_and(|e| e == "xml"));
    let mut stated: Vec<String> = TABLE.iter().map(|(f, _)| f.to_string()).collect();
    stated.sort();
    assert_eq!(
        on_disk, stated,
        "every corpus pain.002 needs a stated outcome"
    );
    for (file, expected) in TABLE {
        let got = outcome(&std::fs::read(dir.join(file)).unwrap());
        let (kind, detail) = expected.split_once(": ").unwrap();
        assert!(
            got.starts_with(kind) && got.contains(detail),
            "{file}: expected {expected}, got {got}"
        );
    }
}
