//! Input a careless or hostile user gives: file names that hold IBANs, newlines and terminal
//! escapes; a CSV mapping that would skip 10^18 rows; an FX rate so small its inverse overflows;
//! reconciliation rules with runaway patterns, truth files that are huge or not JSON, a
//! manual match naming thousands of lines, a closed pipe.
//! Each must be refused or shown safely, never hang, crash, forge a log line or leak an IBAN.

use cashline_domain::shown::is_unsafe_to_show;

use crate::support::{fixture, Workspace};

const IBAN: &str = "DE89370400440532013000";
const IBAN_SPACED: &str = "DE89 3704 0044 0532 0130 00";
/// A name that, written raw, adds a whole forged line to the log and clears the screen.
const FORGED: &str = "fake.xml\n2026-11-23T09:00:00.000000Z  INFO inbox file imported \
                      file=x status=imported\u{1b}[2J.xml";

/// The characters of `text` that must not reach a terminal or log raw; line ends excepted.
fn unsafe_chars(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| *c != '\n' && is_unsafe_to_show(*c))
        .collect()
}

fn holds_an_iban(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    upper.contains(IBAN) || upper.contains(IBAN_SPACED)
}

#[test]
fn file_names_with_ibans_newlines_and_escapes_never_reach_the_log_stderr_or_stdout_raw() {
    let workspace = Workspace::new();
    let good = std::fs::read_to_string(fixture("camt053/demo-single.xml")).unwrap();
    let other = good.replace("DEMO-STMT-20261120", "DEMO-STMT-OTHER");
    let truncated = &other.as_bytes()[..other.find("<Ntry>").unwrap() + 200];
    let files = [
        // Valid files, named after the account as banks do.
        workspace.write(&format!("{IBAN}_2026-11.xml"), good.as_bytes()),
        workspace.write(&format!("camt053 {IBAN_SPACED}.xml"), other.as_bytes()),
        // Invalid ones: a truncated camt and a file of no known format.
        workspace.write(FORGED, truncated),
        workspace.write(
            &format!("{}-\u{202E}lmx.{IBAN}.txt", FORGED.replace('\n', "\r")),
            b"not a bank file",
        ),
    ];
    let mut stderr = String::new();
    let mut stdout = String::new();
    for file in &files {
        // With CASHLINE_LOG the log lines go to stderr too, so both sinks are checked.
        let output = workspace
            .command()
            .env("CASHLINE_LOG", "info")
            .arg("import")
            .arg(file)
            .output()
            .expect("cashline runs");
        stderr.push_str(&String::from_utf8_lossy(&output.stderr));
        stdout.push_str(&String::from_utf8_lossy(&output.stdout));
    }
    // The CLI's own table: the names are there, escaped and masked.
    assert!(stdout.contains("…3000_2026-11.xml"), "{stdout}");
    assert!(stdout.contains("fake.xml\\n"), "{stdout}");
    assert!(
        !holds_an_iban(&stdout),
        "stdout holds a full IBAN: {stdout}"
    );
    assert_eq!(unsafe_chars(&stdout), Vec::<char>::new(), "{stdout:?}");
    let log_path = workspace.dir.path().join("home/logs/cashline.log");
    let log = std::fs::read_to_string(&log_path).expect("the log file is written");
    assert!(
        log.lines().any(|l| l.contains("…3000_2026-11.xml")),
        "the imported file is logged, masked: {log}"
    );
    assert!(
        log.contains("fake.xml\\n2026-11-23"),
        "the forged name is logged escaped: {log}"
    );
    for line in log.lines() {
        assert!(!holds_an_iban(line), "a log line holds a full IBAN: {line}");
        assert_eq!(unsafe_chars(line), Vec::<char>::new(), "{line:?}");
    }
    assert!(
        !log.lines()
            .any(|l| l.starts_with("2026-11-23T09:00:00.000000Z")),
        "no line of the log is forged: {log}"
    );
    assert!(
        stderr.contains("fake.xml\\n"),
        "the failure is reported: {stderr}"
    );
    assert!(
        !holds_an_iban(&stderr),
        "stderr holds a full IBAN: {stderr}"
    );
    assert_eq!(unsafe_chars(&stderr), Vec::<char>::new(), "{stderr:?}");
}

#[test]
fn a_huge_skip_rows_mapping_is_refused_when_saved() {
    let workspace = Workspace::new();
    let mapping = workspace.write(
        "mapping.json",
        br#"{"name":"us-bank","header":"Date,Amount","skip_rows":1000000000000000000,"account":"000123456789","currency":"USD","date_column":"Date","date_format":"%Y-%m-%d","amount_column":"Amount"}"#,
    );
    let output = workspace.run(&["csv-mapping", "add", mapping.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("skip_rows is 1000000000000000000; at most 1000 rows"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one sentence: {stderr}");
    let listed = workspace.json(&["csv-mapping", "list", "--json"]);
    assert_eq!(listed["mappings"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_tiny_fx_rate_is_refused_at_fx_set_and_at_rate_file_import() {
    let workspace = Workspace::new();
    let tiny = "0.0000000000000000000000000001";
    let output = workspace.run(&["fx", "set", "GBP", "EUR", "2026-11-09", tiny]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "rate {tiny} is implausibly small: the smallest rate accepted is 0.000001"
        )),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one sentence: {stderr}");

    let file = workspace.write(
        "rates.csv",
        format!("base,quote,date,rate\nEUR,USD,2026-11-09,1.05\nGBP,EUR,2026-11-09,{tiny}\n")
            .as_bytes(),
    );
    let output = workspace.run(&["fx", "import", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 3"), "the row is named: {stderr}");
    let listed = workspace.json(&["fx", "list", "--json"]);
    assert_eq!(
        listed["rates"].as_array().map(Vec::len),
        Some(0),
        "the whole file is refused: {listed}"
    );

    // With a GBP account on the ledger, GBP reporting and the forecast answer, not panic.
    let good = fixture("camt053/demo-single.xml");
    workspace.json(&["import", good.to_str().unwrap(), "--json"]);
    workspace.json(&["positions", "--reporting-currency", "GBP", "--json"]);
    workspace.json(&["forecast", "--reporting-currency", "GBP", "--json"]);
}

#[test]
fn a_closed_pipe_ends_the_cli_quietly_without_a_panic() {
    let workspace = Workspace::new();
    let file = fixture("camt053/demo-single.xml");
    workspace.json(&["import", file.to_str().unwrap(), "--json"]);
    let mut child = workspace
        .command()
        .args(["entries"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before the table is written.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_runaway_pattern_in_a_rule_cannot_hang_a_run() {
    let workspace = Workspace::new();
    let file = fixture("camt053/demo-single.xml");
    workspace.json(&["import", file.to_str().unwrap(), "--json"]);
    // Nested repetition that backtracking engines take exponential time on; the regex crate
    // runs in linear time, so the run ends.
    let rule = workspace.write(
        "rule.json",
        br#"{"name":"runaway","criteria":[{"field":"entry.remittance","operator":"regex","value":"^(a+)+$"},{"field":"item.reference","operator":"regex","value":"(x+x+)+y"}]}"#,
    );
    assert!(workspace
        .run(&["recon", "rules", "add", rule.to_str().unwrap()])
        .status
        .success());
    let items = workspace.write(
        "items.csv",
        format!("id,kind,counterparty,counterparty_iban,amount,currency,due_date,reference\nI1,receivable,A,,3000.00,EUR,2026-11-20,{}\n", "x".repeat(5000)).as_bytes(),
    );
    workspace.json(&["open-items", "import", items.to_str().unwrap(), "--json"]);
    let run = workspace.json(&["recon", "run", "--json"]);
    assert_eq!(run["examined"], 3);
    // A pattern too large to compile is refused when stored.
    let huge = workspace.write("huge.json", format!(r#"{{"name":"huge","criteria":[{{"field":"item.reference","operator":"regex","value":"{}"}}]}}"#, "a{1000}{1000}").as_bytes());
    let output = workspace.run(&["recon", "rules", "add", huge.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a regular expression"));
}

#[test]
fn a_truth_file_that_is_huge_or_not_json_is_refused_by_name() {
    let workspace = Workspace::new();
    let bad = workspace.write("truth.json", b"{\"entries\": [1, 2]}");
    let output = workspace.run(&["recon", "evaluate", "--truth", bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("truth.json: line 1"), "{stderr}");
    let huge = workspace.dir.path().join("huge.json");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(65 << 20).unwrap();
    let output = workspace.run(&["recon", "evaluate", "--truth", huge.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("larger than 64 MB"));
}

#[test]
fn a_manual_match_naming_thousands_of_lines_or_nothing_is_refused() {
    let workspace = Workspace::new();
    let mut args: Vec<String> = ["recon", "match", "--item", "X", "--entry"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend((0..600).map(|i| format!("E{i}")));
    let output = workspace.command().args(&args).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("at most 500"));
    let output = workspace.run(&["recon", "match", "--entry", "E1"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least one entry and one item"));
    for id in ["-1", "0", "99999999999999999999", "1; DROP TABLE entry"] {
        let output = workspace.run(&["recon", "confirm", "--", id]);
        assert_eq!(output.status.code(), Some(1), "{id}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("is not a match id"),
            "{id}"
        );
    }
}
