//! Differential test against the Python peer `bai2` (PyPI 0.15.0, `tests/peers/bai2_peer.py`):
//! every corpus BAI2 file and a set of generated ones are read by the peer and imported by
//! `cashline`; per account the transactions (count and signed amounts) and the closing ledger
//! balance must agree. Where one side refuses a file the other reads, a table says why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::corpus::corpus_files;
use crate::support::{corpus, repo_root, Workspace};

/// Files the peer refuses and Cashline reads, and why Cashline is right. (Files both refuse
/// are agreement, not listed: moov-io's `sample-parseError`, `sample4`, `sample5` and
/// venturehacks' `invalid_checksum_eod`.)
const PEER_REFUSES: &[(&str, &str)] = &[
    (
        "bai2/moov-io-bai2/sample2.txt",
        "the peer joins an 03 record's continuations by counting commas in fours, which breaks \
         on summaries with the S, V or D funds types (it reads type code '190500000'); every \
         control total and record count of the file checks out field by field",
    ),
    (
        "bai2/moov-io-bai2/sample3.txt",
        "the peer reads one record per line; this bank writes several records on a line \
         (`2/   02,…`) and wraps a text field onto a line without a record code, and read that \
         way all 15 accounts' control totals and the 72 and 74 record counts agree",
    ),
];

/// Files Cashline refuses and the peer reads, and why. None so far: the peer checks the same
/// control totals and record counts.
const CASHLINE_REFUSES: &[(&str, &str)] = &[];

/// The peer's interpreter, or `None` (with a NOTE) where the venv is absent.
fn peer_python() -> Option<PathBuf> {
    let python = repo_root().join("target/peers/bin/python");
    let works = python.is_file()
        && Command::new(&python)
            .args(["-c", "import bai2"])
            .output()
            .is_ok_and(|o| o.status.success());
    if works {
        Some(python)
    } else {
        eprintln!(
            "NOTE: the Python peer venv with `bai2` is absent at {}: the BAI2 differential test cannot run here",
            python.display()
        );
        None
    }
}

/// What one side read from a file: per account, its currency, its transaction amounts (sorted)
/// and its last closing ledger balance; or why it refused the file.
#[derive(Debug, Default, PartialEq)]
struct Reading {
    refused: Option<String>,
    accounts: BTreeMap<String, AccountReading>,
}

#[derive(Debug, Default, PartialEq)]
struct AccountReading {
    currency: String,
    amounts: Vec<String>,
    closing_booked: Option<String>,
}

fn peer_readings(python: &Path, files: &[PathBuf]) -> Vec<Reading> {
    let script = repo_root().join("tests/peers/bai2_peer.py");
    let output = Command::new(python)
        .arg(script)
        .args(files)
        .output()
        .expect("the peer runs");
    assert!(
        output.status.success(),
        "the peer failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("the peer prints JSON lines"))
        .collect();
    assert_eq!(lines.len(), files.len());
    lines
        .into_iter()
        .map(|line| {
            let mut reading = Reading::default();
            if let Some(error) = line["error"].as_str() {
                reading.refused = Some(error.to_string());
                return reading;
            }
            // The last group's closing ledger is the account's latest, as positions show it.
            let mut latest: BTreeMap<String, String> = BTreeMap::new();
            for account in line["accounts"].as_array().unwrap() {
                let key = account["account"].as_str().unwrap().to_string();
                let entry = reading.accounts.entry(key.clone()).or_default();
                entry.currency = account["currency"].as_str().unwrap().to_string();
                for amount in account["amounts"].as_array().unwrap() {
                    entry.amounts.push(amount.as_str().unwrap().to_string());
                }
                if let Some(closing) = account["summaries"]["015"].as_str() {
                    let as_of = account["as_of"].as_str().unwrap().to_string();
                    if latest.get(&key).is_none_or(|seen| *seen <= as_of) {
                        latest.insert(key.clone(), as_of);
                        entry.closing_booked = Some(closing.to_string());
                    }
                }
            }
            for account in reading.accounts.values_mut() {
                account.amounts.sort();
            }
            reading
        })
        .collect()
}

fn cashline_reading(path: &Path) -> Reading {
    let workspace = Workspace::new();
    let output = workspace.run(&["import", path.to_str().unwrap(), "--json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
    let mut reading = Reading::default();
    if report["files"][0]["status"] != "imported" {
        reading.refused = Some(
            report["files"][0]["error"]
                .as_str()
                .unwrap_or("no report")
                .to_string(),
        );
        return reading;
    }
    let entries = workspace.json(&["entries", "--json"]);
    for entry in entries["entries"].as_array().unwrap() {
        let account = reading
            .accounts
            .entry(entry["account"].as_str().unwrap().to_string())
            .or_default();
        account.currency = entry["currency"].as_str().unwrap().to_string();
        account
            .amounts
            .push(entry["amount"].as_str().unwrap().to_string());
    }
    let positions = workspace.json(&["positions", "--json"]);
    for position in positions["accounts"].as_array().unwrap() {
        let account = reading
            .accounts
            .entry(position["account"].as_str().unwrap().to_string())
            .or_default();
        account.currency = position["currency"].as_str().unwrap().to_string();
        if position["basis"] == "closing_booked" {
            account.closing_booked = position["booked"].as_str().map(str::to_string);
        }
    }
    for account in reading.accounts.values_mut() {
        account.amounts.sort();
    }
    reading
}

/// Compares what both sides read; accounts the peer saw without transactions or a closing
/// balance may be absent from Cashline's lists (an account with nothing to show).
fn differences(peer: &Reading, ours: &Reading) -> Vec<String> {
    let mut found = Vec::new();
    for (key, theirs) in &peer.accounts {
        let empty = AccountReading::default();
        let mine = ours.accounts.get(key).unwrap_or(&empty);
        if theirs.amounts != mine.amounts {
            found.push(format!(
                "account {key}: the peer reads amounts {:?}, Cashline {:?}",
                theirs.amounts, mine.amounts
            ));
        }
        if theirs.closing_booked.is_some() && theirs.closing_booked != mine.closing_booked {
            found.push(format!(
                "account {key}: the peer's closing ledger is {:?}, Cashline's {:?}",
                theirs.closing_booked, mine.closing_booked
            ));
        }
        if !mine.currency.is_empty() && theirs.currency != mine.currency {
            found.push(format!(
                "account {key}: the peer reads {}, Cashline {}",
                theirs.currency, mine.currency
            ));
        }
    }
    for key in ours.accounts.keys() {
        if !peer.accounts.contains_key(key) {
            found.push(format!("account {key}: read by Cashline only"));
        }
    }
    found
}

/// A small deterministic generator (a linear congruential one): the same files every run.
struct Numbers(u64);

impl Numbers {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

/// A BAI2 file with correct totals: several groups and accounts, status amounts of both signs,
/// continuations of account records and of text, and the funds types 0, 1, Z, V and S.
fn generated(seed: u64) -> String {
    let mut numbers = Numbers(seed);
    let currency = ["USD", "EUR", "JPY", "GBP"][numbers.next(4) as usize];
    let mut lines = vec![format!("01,SENDER,RECEIVER,261121,0600,G{seed},,,2/")];
    let (mut file_total, mut file_records) = (0i128, 2u64);
    let groups = 1 + numbers.next(3);
    for group in 0..groups {
        let day = 16 + group;
        let modifier = if numbers.next(2) == 0 { 2 } else { 4 };
        let group_currency = if numbers.next(3) == 0 { "" } else { currency };
        let mut group_lines = vec![format!(
            "02,RECEIVER,BANK,1,2611{day:02},2400,{group_currency},{modifier}/"
        )];
        let mut group_total = 0i128;
        let accounts = 1 + numbers.next(3);
        for account in 0..accounts {
            let mut details = Vec::new();
            let (mut credits, mut credit_count, mut debits, mut debit_count) = (0i64, 0, 0i64, 0);
            for index in 0..numbers.next(7) {
                let code =
                    [115, 195, 175, 142, 399, 475, 495, 451, 699, 409][numbers.next(10) as usize];
                let amount = 1 + numbers.next(10_000_000) as i64;
                if code < 400 {
                    credits += amount;
                    credit_count += 1;
                } else {
                    debits += amount;
                    debit_count += 1;
                }
                let funds = match numbers.next(5) {
                    0 => "0".to_string(),
                    1 => "1".to_string(),
                    2 => "Z".to_string(),
                    3 => format!("V,2611{day:02},"),
                    _ => format!(
                        "S,{},{},{}",
                        amount / 2,
                        amount / 4,
                        amount - amount / 2 - amount / 4
                    ),
                };
                details.push(format!(
                    "16,{code},{amount},{funds},B{seed}-{group}-{account}-{index},C{index},PAYMENT {index} OF ACCOUNT {account}/"
                ));
                if numbers.next(2) == 0 {
                    details.push(format!("88,REMITTANCE DETAILS FOR ITEM {index}"));
                }
            }
            let opening = numbers.next(100_000_000) as i64 - 50_000_000;
            let closing = opening + credits - debits;
            let available = closing - numbers.next(1_000_000) as i64;
            let mut account_lines = vec![
                format!(
                    "03,{seed}{group}{account}0042,{currency},010,{opening},,,015,{closing},,/"
                ),
                format!("88,040,{opening},,,045,{available},,/"),
                format!("88,072,0,,,100,{credits},{credit_count},,400,{debits},{debit_count},/"),
            ];
            // The account's control total: every amount of the 03 record (the opening twice,
            // as ledger and available) and of its 16 records.
            let total = i128::from(opening) * 2
                + i128::from(closing)
                + i128::from(available)
                + 2 * i128::from(credits + debits);
            account_lines.extend(details);
            let records = account_lines.len() as u64 + 1;
            account_lines.push(format!("49,{total},{records}/"));
            group_total += total;
            group_lines.extend(account_lines);
        }
        let records = group_lines.len() as u64 + 1;
        group_lines.push(format!("98,{group_total},{accounts},{records}/"));
        file_total += group_total;
        file_records += records;
        lines.extend(group_lines);
    }
    lines.push(format!("99,{file_total},{groups},{file_records}/"));
    lines.join("\n") + "\n"
}

#[test]
fn bai2_reads_agree_with_the_python_peer() {
    let Some(python) = peer_python() else { return };
    let Some(root) = corpus() else { return };
    let scratch = tempfile::tempdir().unwrap();
    let mut files: Vec<(String, PathBuf)> = corpus_files(&root, &["bai2"], &[])
        .into_iter()
        .map(|relative| (relative.clone(), root.join(&relative)))
        .collect();
    for seed in 1..=12u64 {
        let path = scratch.path().join(format!("generated-{seed}.bai2"));
        std::fs::write(&path, generated(seed)).unwrap();
        files.push((format!("generated-{seed}.bai2"), path));
    }
    let paths: Vec<PathBuf> = files.iter().map(|(_, path)| path.clone()).collect();
    let peer = peer_readings(&python, &paths);
    let mut problems = Vec::new();
    for ((relative, path), theirs) in files.iter().zip(&peer) {
        let ours = cashline_reading(path);
        let excused = |table: &[(&str, &str)]| table.iter().any(|(file, _)| file == relative);
        match (&theirs.refused, &ours.refused) {
            (Some(_), Some(_)) => {}
            (Some(_), None) if excused(PEER_REFUSES) => {}
            (Some(why), None) => problems.push(format!(
                "{relative}: the peer refuses ({why}), Cashline reads it; say why in PEER_REFUSES"
            )),
            (None, Some(_)) if excused(CASHLINE_REFUSES) => {}
            (None, Some(why)) => problems.push(format!(
                "{relative}: Cashline refuses ({why}), the peer reads it"
            )),
            (None, None) => {
                if excused(PEER_REFUSES) || excused(CASHLINE_REFUSES) {
                    problems.push(format!(
                        "{relative}: both read it now; drop its row from the disagreement tables"
                    ));
                }
                problems.extend(
                    differences(theirs, &ours)
                        .into_iter()
                        .map(|d| format!("{relative}: {d}")),
                );
            }
        }
        if relative.starts_with("generated") && (theirs.refused.is_some() || ours.refused.is_some())
        {
            problems.push(format!(
                "{relative}: a generated file was refused: peer {:?}, Cashline {:?}",
                theirs.refused, ours.refused
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
