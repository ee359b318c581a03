//! Conformance on real files written by others (`../shared/corpus`): every ISO 20022 camt
//! statement, report and notification there is imported or rejected on purpose, and this
//! table says which and why. A corpus file missing from the table fails the test.

use std::path::Path;

use crate::support::{corpus, Workspace};

pub enum Expect {
    /// Imported with this many statements and entries.
    Imported { statements: u64, entries: u64 },
    /// Rejected with an error sentence containing this text.
    Rejected { because: &'static str },
}

pub use Expect::{Imported, Rejected};

/// Why each rejection is right, in the words of the test:
/// - genkgo-camt's fixtures mix currencies (SEK, EUR, CHF, JPY) on one account to exercise
///   their object mapping; a bank never reports one account's balances in several currencies,
///   so Cashline refuses them, naming the first amount in another currency.
/// - hbci4java's `invalid`, `none`, `missing-date` and `invalid-saldo` files are its own
///   negative tests: no group header, no camt at all, a balance without a date, an amount with
///   13 decimals.
/// - corporate.js ships the XML inside Gherkin `.feature` specifications; the file as a whole
///   is not a bank file.
/// - camt.052.001.01 predates the versions Cashline reads (.001.02 to .001.13).
const TABLE: &[(&str, Expect)] = &[
    ("camt052/corporate.js-gherkin/camt.052.001.02.feature", Rejected { because: "text outside the root element" }),
    ("camt052/genkgo-camt/camt052.v1.xml", Rejected { because: "camt.052.001.01 is not supported" }),
    ("camt052/genkgo-camt/camt052.v2.other-account.xml", Imported { statements: 1, entries: 1 }),
    ("camt052/genkgo-camt/camt052.v2.with-account-name.xml", Imported { statements: 1, entries: 1 }),
    ("camt052/genkgo-camt/camt052.v2.xml", Imported { statements: 1, entries: 1 }),
    ("camt052/genkgo-camt/camt052.v4.xml", Rejected { because: "Rpt[1]/Ntry[1]/Amt: the amount is in SEK but the account is in CHF" }),
    ("camt052/genkgo-camt/camt052.v6.Amt-zero.xml", Rejected { because: "Rpt[1]/Ntry[1]/Amt: the amount is in SEK but the account is in CHF" }),
    ("camt052/genkgo-camt/camt052.v6.xml", Rejected { because: "Rpt[1]/Ntry[1]/Amt: the amount is in SEK but the account is in CHF" }),
    ("camt052/genkgo-camt/camt052.v8.xml", Imported { statements: 1, entries: 1 }),
    ("camt052/hbci4java/test-camt-parse-05200102.xml", Imported { statements: 1, entries: 2 }),
    ("camt052/hbci4java/test-camt-parse-05200108.xml", Imported { statements: 1, entries: 1 }),
    ("camt052/hbci4java/test-camt-parse-5200108-invalid-saldo.xml", Rejected { because: "Rpt[1]/Bal[1]/Amt: amount 100.0000000000005 has more decimals than EUR allows" }),
    ("camt052/hbci4java/test-camt-parse-5200108-missing-date.xml", Rejected { because: "Rpt[1]/Bal[1]/Dt: the balance has no date" }),
    ("camt052/hbci4java/test-camt-parse-invalid.xml", Rejected { because: "GrpHdr/MsgId: the message has no message id" }),
    ("camt052/hbci4java/test-camt-parse-none.xml", Rejected { because: "not a bank statement format" }),
    ("camt052/hbci4java/test-camt-ruecklastschrift.xml", Imported { statements: 1, entries: 1 }),
    ("camt052/moov-io-iso20022/200519_camt.052_P_CH2909000000250094239_1110092686_0_2019042416072347.xml", Imported { statements: 1, entries: 2 }),
    ("camt052/moov-io-iso20022/FI_camt_052_sample.xml.xml", Imported { statements: 2, entries: 2 }),
    ("camt053/OCA-bank-statement-import/sftp/camt053", Imported { statements: 1, entries: 1 }),
    ("camt053/OCA-bank-statement-import/test-camt053", Imported { statements: 1, entries: 3 }),
    ("camt053/OCA-bank-statement-import/test-camt053-bookgdt-dttm", Imported { statements: 1, entries: 1 }),
    ("camt053/OCA-bank-statement-import/test-camt053-no-ntry", Imported { statements: 1, entries: 0 }),
    ("camt053/OCA-bank-statement-import/test-camt053-txdtls", Imported { statements: 1, entries: 1 }),
    ("camt053/OCA-bank-statement-import/v10/test-camt053", Imported { statements: 1, entries: 3 }),
    ("camt053/corporate.js-gherkin/camt.053.001.02.feature", Rejected { because: "text outside the root element" }),
    ("camt053/genkgo-camt/camt053.v2.all-balance-types.xml", Imported { statements: 1, entries: 1 }),
    ("camt053/genkgo-camt/camt053.v2.five.decimals.xml", Imported { statements: 1, entries: 1 }),
    ("camt053/genkgo-camt/camt053.v2.minimal.ultimate.xml", Rejected { because: "Stmt[1]/Bal[2]/Amt: the amount is in SEK but the account is in EUR" }),
    ("camt053/genkgo-camt/camt053.v2.minimal.xml", Rejected { because: "Stmt[1]/Bal[2]/Amt: the amount is in SEK but the account is in EUR" }),
    ("camt053/genkgo-camt/camt053.v2.multi.statement.xml", Imported { statements: 2, entries: 2 }),
    ("camt053/genkgo-camt/camt053.v2.with-account-name.xml", Rejected { because: "Stmt[1]/Ntry[1]/Amt: the amount is in EUR but the account is in JPY" }),
    ("camt053/genkgo-camt/camt053.v2.with-party-ids.xml", Rejected { because: "Stmt[1]/Bal[2]/Amt: the amount is in SEK but the account is in EUR" }),
    ("camt053/genkgo-camt/camt053.v2.wrong.xml", Rejected { because: "the message holds no Stmt element" }),
    ("camt053/genkgo-camt/camt053.v3.xml", Rejected { because: "Stmt[1]/Bal[2]/Amt: the amount is in SEK but the account is in EUR" }),
    ("camt053/genkgo-camt/camt053.v4.xml", Rejected { because: "Stmt[1]/Bal[1]/Amt: the amount is in EUR but the account is in SEK" }),
    ("camt053/genkgo-camt/camt053.v8.xml", Rejected { because: "Stmt[1]/Bal[1]/Amt: the amount is in EUR but the account is in SEK" }),
    ("camt053/genkgo-camt/camt53.only-Dt-with-DtTm.xml", Imported { statements: 1, entries: 0 }),
    ("camt053/moov-io-iso20022/FI_camt_053_sample.xml.xml", Imported { statements: 1, entries: 10 }),
    ("camt053/moov-io-iso20022/camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml", Imported { statements: 1, entries: 5 }),
    ("camt053/moov-io-iso20022/statement_1.xml", Imported { statements: 1, entries: 4 }),
    ("camt054/OCA-bank-statement-import/test-camt054", Imported { statements: 1, entries: 1 }),
    ("camt054/corporate.js-gherkin/camt.054.001.02.feature", Rejected { because: "text outside the root element" }),
    ("camt054/genkgo-camt/camt054.v2.with-account-name.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/genkgo-camt/camt054.v2.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/genkgo-camt/camt054.v4.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/genkgo-camt/camt054.v8-with-UETR.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/genkgo-camt/camt054.v8-with-financial-institution.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/genkgo-camt/camt054.v8.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/moov-io-iso20022/200519_camt.054-Credit_P_CH2909000000250094239_1110092691_0_2019042421291293.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/moov-io-iso20022/200519_camt.054-Debit_P_CH2909000000250094239_1110092692_0_2019042401501580.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/moov-io-iso20022/200519_camt.054_P_CH2909000000250094239_1111091335_0_2020061900081727.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/moov-io-iso20022/200519_camt054-ESR-ASR_P_CH2909000000250094239_1110092704_0_2019042500372179.xml", Imported { statements: 1, entries: 2 }),
    ("camt054/moov-io-iso20022/200519_camt054-chdd_p_ch2909000000250094239_1110097484_0_20190520700381159.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/moov-io-iso20022/200519_camt054-epo_p_ch5109000000250092291_1110097605_0_2019052003522556.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/moov-io-iso20022/200519_camt054-epo_p_ch5109000000250092291_1110097605_0_2019052103322231.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/moov-io-iso20022/200519_camt054-returns_p_ch2909000000250094239_1109800798_0_2019052023472022.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/moov-io-iso20022/200924_camt.054_P_CH2909000000250094239_1110092703_0_2019042423412214.xml", Imported { statements: 1, entries: 1 }),
    ("camt054/moov-io-iso20022/FI_camt_054_sample.xml.xml", Imported { statements: 1, entries: 6 }),
    ("camt054/moov-io-iso20022/camt054-returns_p_ch5109000000250092291_1110097606_0_2020112500512470.xml", Imported { statements: 1, entries: 1 }),
];

/// Every file under the given corpus folders, relative to the corpus root, except `skip`ped
/// extensions (another project's expected-parse files beside the samples).
pub fn corpus_files(root: &Path, folders: &[&str], skip_extensions: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for folder in folders {
        let mut stack = vec![root.join(folder)];
        while let Some(dir) = stack.pop() {
            for item in std::fs::read_dir(&dir).unwrap() {
                let path = item.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path
                    .extension()
                    .is_none_or(|e| !skip_extensions.iter().any(|s| e == *s))
                {
                    found.push(path.strip_prefix(root).unwrap().display().to_string());
                }
            }
        }
    }
    found.sort();
    found
}

/// Imports every listed file into a fresh ledger and checks its stated outcome; fails on any
/// corpus file under `folders` that the table does not list.
pub fn check_table(folders: &[&str], skip_extensions: &[&str], table: &[(&str, Expect)]) {
    check_table_prepared(folders, skip_extensions, table, &|_| (), &|_| Vec::new());
}

/// Like [`check_table`], with a `prepare` step on each fresh workspace (saving CSV mappings)
/// and extra `import` arguments per file.
pub fn check_table_prepared(
    folders: &[&str],
    skip_extensions: &[&str],
    table: &[(&str, Expect)],
    prepare: &dyn Fn(&Workspace),
    import_arguments: &dyn Fn(&str) -> Vec<String>,
) {
    let Some(root) = corpus() else { return };
    let files = corpus_files(&root, folders, skip_extensions);
    let unlisted: Vec<&String> = files
        .iter()
        .filter(|f| !table.iter().any(|(p, _)| p == f))
        .collect();
    assert!(
        unlisted.is_empty(),
        "corpus files without a stated outcome: {unlisted:?}"
    );
    let mut problems = Vec::new();
    for (relative, expect) in table {
        let path = root.join(relative);
        if !path.is_file() {
            problems.push(format!("{relative}: listed but not in the corpus"));
            continue;
        }
        // A fresh ledger per file: the outcome must not depend on what came before.
        let workspace = Workspace::new();
        prepare(&workspace);
        let extra = import_arguments(relative);
        let mut arguments = vec!["import", path.to_str().unwrap(), "--json"];
        arguments.extend(extra.iter().map(String::as_str));
        let output = workspace.run(&arguments);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let result = &report["files"][0];
        match expect {
            Imported {
                statements,
                entries,
            } => {
                let got = (
                    result["status"].as_str(),
                    result["statements"].as_u64(),
                    result["entries"].as_u64(),
                );
                if got != (Some("imported"), Some(*statements), Some(*entries))
                    || !output.status.success()
                {
                    problems.push(format!(
                        "{relative}: expected imported {statements}/{entries}, got {got:?} {}",
                        result["error"]
                    ));
                }
                let again = workspace.run(&arguments);
                let again: serde_json::Value =
                    serde_json::from_slice(&again.stdout).unwrap_or_default();
                if again["files"][0]["status"] != "duplicate" {
                    problems.push(format!("{relative}: a second import was not a duplicate"));
                }
            }
            Rejected { because } => {
                let error = result["error"].as_str().unwrap_or_default();
                let stderr = String::from_utf8_lossy(&output.stderr);
                if result["status"] != "failed"
                    || output.status.code() != Some(1)
                    || !error.contains(because)
                {
                    problems.push(format!(
                        "{relative}: expected rejection containing '{because}', got {} '{error}'",
                        result["status"]
                    ));
                }
                if !stderr.contains(relative.rsplit('/').next().unwrap()) {
                    problems.push(format!(
                        "{relative}: the error does not name the file: {stderr}"
                    ));
                }
                let entries = workspace.json(&["entries", "--json"]);
                if entries["entries"] != serde_json::json!([]) {
                    problems.push(format!("{relative}: a rejected file wrote entries"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_camt_file_in_the_corpus_has_its_stated_outcome() {
    check_table(&["camt052", "camt053", "camt054"], &["json"], TABLE);
}

/// What a real batch in the corpus says of itself: the entry (by its bank reference), the
/// number of transactions the bank states (`Btch/NbOfTxs`), and per transaction its amount
/// and end-to-end id (or, where the bank gives none, its own reference).
struct Batch {
    file: &'static str,
    bank_ref: &'static str,
    amount: &'static str,
    transactions: &'static [(&'static str, &'static str)],
}

const BATCHES: &[Batch] = &[
    // A Swiss QR/ESR credit notification (PostFinance, camt.054.001.04): six payments booked as
    // one credit of 1,500.00, each with its end-to-end id.
    Batch {
        file: "camt054/moov-io-iso20022/200924_camt.054_P_CH2909000000250094239_1110092703_0_2019042423412214.xml",
        bank_ref: "0000000000000001",
        amount: "1500.00",
        transactions: &[
            ("400.00", "EndToEndId-001-03-01"),
            ("350.00", "EndToEndId-001-03-02"),
            ("450.00", "EndToEndId-001-03-03"),
            ("150.00", "EndToEndId-001-03-04"),
            ("50.00", "EndToEndId-001-03-05"),
            ("100.00", "EndToEndId-001-03-06"),
        ],
    },
    // The Finnish banks' sample statement (camt.053.001.02): a payment run of three transfers
    // booked as one debit; .001.02 gives each only its booked amount (`AmtDtls/TxAmt`), which
    // takes the entry's sign, and no end-to-end id, so the bank's references name them.
    Batch {
        file: "camt053/moov-io-iso20022/FI_camt_053_sample.xml.xml",
        bank_ref: "091029ACCTSTMTARCH03",
        amount: "-4230.05",
        transactions: &[
            ("-2000.02", "091029ARCH03001"),
            ("-1000.01", "091029ARCH03002"),
            ("-1230.02", "091029ARCH03003"),
        ],
    },
    // A Swiss ISR batch credit (camt.053.001.04) of two payments; its own text stays the entry's.
    Batch {
        file: "camt053/OCA-bank-statement-import/test-camt053-txdtls",
        bank_ref: "20170323001234567891234567891234",
        amount: "3483.00",
        transactions: &[("2187.00", "123456CHCAFEBABE"), ("1296.00", "123456CHCAFEBABE")],
    },
];

/// Minor units of an amount string with the currency's decimals, for an exact sum.
fn minor_units(amount: &str) -> i64 {
    amount.replace('.', "").parse().unwrap()
}

#[test]
fn real_batches_keep_every_transaction() {
    let Some(root) = corpus() else { return };
    for batch in BATCHES {
        let path = root.join(batch.file);
        let text = std::fs::read_to_string(&path).unwrap();
        let workspace = Workspace::new();
        let import = workspace.json(&["import", path.to_str().unwrap(), "--json"]);
        assert_eq!(
            import["files"][0]["status"], "imported",
            "{}: {import}",
            batch.file
        );
        let entries = workspace.json(&["entries", "--json"]);
        let entry = entries["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["bank_ref"] == batch.bank_ref)
            .unwrap_or_else(|| panic!("{}: no entry {}", batch.file, batch.bank_ref));
        assert_eq!(entry["amount"], batch.amount, "{}", batch.file);
        // A batch keeps its own fields: no one transaction's counterparty or id is the entry's.
        assert_eq!(
            entry["end_to_end_id"],
            serde_json::Value::Null,
            "{}",
            batch.file
        );
        assert_eq!(
            entry["counterparty"],
            serde_json::Value::Null,
            "{}",
            batch.file
        );

        let details = entry["details"].as_array().unwrap();
        let stated = format!("<NbOfTxs>{}</NbOfTxs>", batch.transactions.len());
        assert!(
            text.contains(&stated),
            "{}: the bank states {stated}",
            batch.file
        );
        assert_eq!(details.len(), batch.transactions.len(), "{}", batch.file);
        for (index, (detail, (amount, id))) in details.iter().zip(batch.transactions).enumerate() {
            assert_eq!(detail["position"], index + 1, "{}", batch.file);
            assert_eq!(detail["amount"], *amount, "{}", batch.file);
            assert_eq!(detail["currency"], entry["currency"], "{}", batch.file);
            let named = detail["end_to_end_id"]
                .as_str()
                .or(detail["bank_ref"].as_str());
            assert_eq!(
                named,
                Some(*id),
                "{}: transaction {}",
                batch.file,
                index + 1
            );
        }
        let sum: i64 = details
            .iter()
            .map(|d| minor_units(d["amount"].as_str().unwrap()))
            .sum();
        assert_eq!(
            sum,
            minor_units(batch.amount),
            "{}: the transactions add up to the entry",
            batch.file
        );

        // Imported again, the file is a duplicate and no transaction is counted twice.
        let again = workspace.json(&["import", path.to_str().unwrap(), "--json"]);
        assert_eq!(again["files"][0]["status"], "duplicate");
        assert_eq!(workspace.json(&["entries", "--json"]), entries);
    }
}
