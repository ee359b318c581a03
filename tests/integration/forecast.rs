//! The treasurer's forecast on a seeded case, against a table computed by hand.

use crate::support::{fixture, Workspace};

const PAYMENTS: &str = "id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference
P1,E2E-P1,DE89370400440532013000,Fabrikam,NL91ABNA0417164300,ABNANL2A,500.00,EUR,2026-11-24,RENT-11
P2,E2E-P2,DE89370400440532013000,Contoso,NL91ABNA0417164300,,1000.00,EUR,2026-11-25,BILL-2
P3,E2E-P3,DE89370400440532013000,Litware,NL91ABNA0417164300,,200.00,EUR,2026-11-20,
P4,E2E-P4,DE89370400440532013000,Proseware,NL91ABNA0417164300,,300.00,EUR,2026-11-24,
";

const ITEMS: &str =
    "id,kind,counterparty,counterparty_iban,amount,currency,due_date,reference,probability
INV-1,receivable,Tailspin,,2000.00,EUR,2026-11-24,,0.5
INV-2,receivable,Adventure Works,,300.00,EUR,2026-11-28,,
INV-3,receivable,Lucerne,,999.00,EUR,2026-12-31,,
BILL-1,payable,Alpine Ski House,,150.00,EUR,2026-11-26,,
BILL-2,payable,Contoso,,1000.00,EUR,2026-11-25,,
";

fn seeded() -> Workspace {
    let workspace = Workspace::new();
    let statement = fixture("camt053/demo-single.xml");
    workspace.json(&["import", statement.to_str().unwrap(), "--json"]);
    let payments = workspace.write("payments.csv", PAYMENTS.as_bytes());
    let imported = workspace.json(&["payments", "import", payments.to_str().unwrap(), "--json"]);
    assert_eq!(imported["new_payments"], 4);
    let items = workspace.write("items.csv", ITEMS.as_bytes());
    workspace.json(&["open-items", "import", items.to_str().unwrap(), "--json"]);
    let approve = workspace
        .command_as("approver")
        .args(["payments", "approve", "P1", "P2", "P3"])
        .output()
        .unwrap();
    assert!(
        approve.status.success(),
        "{}",
        String::from_utf8_lossy(&approve.stderr)
    );
    workspace
}

#[test]
fn the_forecast_equals_the_hand_computed_table() {
    let workspace = seeded();
    let forecast = workspace.json(&["forecast", "--days", "10", "--json"]);
    assert_eq!(forecast["currency"], "EUR");
    // Monday 23 November 2026: the position is the statement's close of Friday, 12345.67.
    // P3 (200.00) was requested for last Friday and is still unpaid: it counts today.
    // INV-1 (2000.00 at probability 0.5) counts 1000.00; INV-2 is due on a Saturday and counts
    // on Monday 30th; BILL-2 is paid by P2 and counts once, as P2; P4 is not approved; INV-3 is
    // due after the horizon.
    let expected = [
        ("2026-11-23", "12345.67", "0.00", "200.00", "12145.67"),
        ("2026-11-24", "12145.67", "1000.00", "500.00", "12645.67"),
        ("2026-11-25", "12645.67", "0.00", "1000.00", "11645.67"),
        ("2026-11-26", "11645.67", "0.00", "150.00", "11495.67"),
        ("2026-11-27", "11495.67", "0.00", "0.00", "11495.67"),
        ("2026-11-30", "11495.67", "300.00", "0.00", "11795.67"),
        ("2026-12-01", "11795.67", "0.00", "0.00", "11795.67"),
        ("2026-12-02", "11795.67", "0.00", "0.00", "11795.67"),
        ("2026-12-03", "11795.67", "0.00", "0.00", "11795.67"),
        ("2026-12-04", "11795.67", "0.00", "0.00", "11795.67"),
    ];
    let days = forecast["days"].as_array().unwrap();
    assert_eq!(days.len(), expected.len());
    for (day, (date, opening, receipts, payments, closing)) in days.iter().zip(expected) {
        let got = (
            day["date"].as_str().unwrap(),
            day["opening"].as_str().unwrap(),
            day["receipts"].as_str().unwrap(),
            day["payments"].as_str().unwrap(),
            day["closing"].as_str().unwrap(),
        );
        assert_eq!(got, (date, opening, receipts, payments, closing));
    }
    // Each figure is traceable to what is behind it.
    let ids = |index: usize| -> Vec<&str> {
        days[index]["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect()
    };
    assert_eq!(ids(0), ["P3"]);
    let mut second = ids(1);
    second.sort();
    assert_eq!(second, ["INV-1", "P1"]);
    assert_eq!(ids(2), ["P2"]);
    assert_eq!(ids(5), ["INV-2"]);
    let inv1 = days[1]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "INV-1")
        .unwrap();
    assert_eq!(
        (
            inv1["amount"].as_str(),
            inv1["weighted"].as_str(),
            inv1["probability"].as_str()
        ),
        (Some("2000.00"), Some("1000.00"), Some("0.5"))
    );
}

#[test]
fn approval_needs_a_second_person() {
    let workspace = seeded();
    let output = workspace.run(&["payments", "approve", "P4"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("another person must approve it"),
        "{stderr}"
    );
    let payments = workspace.json(&["payments", "list", "--json"]);
    let p4 = payments["payments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "P4")
        .unwrap();
    assert_eq!(p4["status"], "validated");
    let p1 = payments["payments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "P1")
        .unwrap();
    let states: Vec<&str> = p1["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["imported", "validated", "approved"]);
}

#[test]
fn consolidation_uses_stated_rates_and_never_guesses_a_missing_one() {
    let workspace = seeded();
    // A USD account through a CSV export with its own mapping.
    let mapping = workspace.write(
        "mapping.json",
        br#"{"name":"us-bank","header":"Date,Description,Amount,Balance","account":"000123456789","currency":"USD","date_column":"Date","date_format":"%Y-%m-%d","amount_column":"Amount","balance_column":"Balance","remittance_columns":["Description"]}"#,
    );
    assert!(workspace
        .run(&["csv-mapping", "add", mapping.to_str().unwrap()])
        .status
        .success());
    let export = workspace.write(
        "us.csv",
        b"Date,Description,Amount,Balance\n2026-11-20,Deposit,1050.00,2100.00\n",
    );
    workspace.json(&["import", export.to_str().unwrap(), "--json"]);

    let positions = workspace.json(&["positions", "--json"]);
    assert_eq!(positions["consolidated"]["booked"], serde_json::Value::Null);
    assert_eq!(
        positions["consolidated"]["missing_rates"],
        serde_json::json!(["USD"])
    );

    let rates = workspace.write(
        "rates.xml",
        br#"<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
<Cube><Cube time='2026-11-20'><Cube currency='USD' rate='1.0500'/></Cube></Cube></gesmes:Envelope>"#,
    );
    workspace.json(&["fx", "import", rates.to_str().unwrap(), "--json"]);
    let positions = workspace.json(&["positions", "--json"]);
    // 2100.00 USD / 1.05 = 2000.00 EUR; with 12345.67 EUR the group holds 14345.67 EUR.
    assert_eq!(positions["consolidated"]["booked"], "14345.67");
    assert_eq!(positions["consolidated"]["rates_date"], "2026-11-20");
    let usd = positions["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["currency"] == "USD")
        .unwrap();
    assert_eq!(usd["converted"]["amount"], "2000.00");
    assert_eq!(usd["converted"]["rate_source"], "ecb");
    assert_eq!(usd["basis"], "closing_booked");
    let forecast = workspace.json(&["forecast", "--days", "2", "--json"]);
    assert_eq!(forecast["days"][0]["opening"], "14345.67");
}

#[test]
fn entities_scope_positions_and_a_stale_account_is_flagged() {
    let workspace = seeded();
    workspace.run(&[
        "entities",
        "add",
        "NW-DE",
        "--name",
        "Northwind GmbH",
        "--reporting-currency",
        "EUR",
    ]);
    let set = workspace.json(&[
        "accounts",
        "set",
        "DE89 3704 0044 0532 0130 00",
        "--entity",
        "NW-DE",
        "--json",
    ]);
    assert_eq!(set["accounts"][0]["entity"], "NW-DE");
    let positions = workspace.json(&["positions", "--entity", "NW-DE", "--json"]);
    assert_eq!(positions["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(positions["entities"][0]["scope"], "NW-DE");
    assert_eq!(positions["entities"][0]["booked"], "12345.67");

    // A week later, without a new statement, the account is stale and says why.
    let later = workspace
        .command()
        .env("CASHLINE_NOW", "2026-11-30T10:00:00Z")
        .args(["positions", "--json"])
        .output()
        .unwrap();
    let later: serde_json::Value = serde_json::from_slice(&later.stdout).unwrap();
    assert_eq!(later["accounts"][0]["stale"], true);
    assert_eq!(later["accounts"][0]["expected_date"], "2026-11-27");
    // A read never writes: the exceptions follow from the scheduler of a long-running front
    // (here `import --watch`, which sweeps as it starts; `serve` and the app do the same).
    let kinds = |exceptions: serde_json::Value| -> Vec<String> {
        exceptions["exceptions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect()
    };
    let after_read = kinds(workspace.json(&["exceptions", "--json"]));
    assert!(
        !after_read.iter().any(|k| k == "stale_balance"),
        "{after_read:?}"
    );
    let inbox = workspace.dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let mut watcher = workspace
        .command()
        .env("CASHLINE_NOW", "2026-11-30T10:00:00Z")
        .args(["import", "--watch"])
        .arg(&inbox)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let exceptions = loop {
        let exceptions = workspace.json(&["exceptions", "--json"]);
        if exceptions.to_string().contains("stale_balance") || std::time::Instant::now() > deadline
        {
            break exceptions;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let _ = watcher.kill();
    let _ = watcher.wait();
    let kinds = kinds(exceptions);
    assert!(
        kinds.iter().any(|k| k == "stale_balance")
            && kinds.iter().any(|k| k == "data_not_received"),
        "{kinds:?}"
    );
}

#[test]
fn history_carries_the_last_close_over_days_without_a_statement() {
    let workspace = seeded();
    let history = workspace.json(&[
        "history",
        "--from",
        "2026-11-19",
        "--to",
        "2026-11-23",
        "--json",
    ]);
    let account = &history["accounts"][0];
    let days: Vec<(&str, &str, bool)> = account["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap(),
                d["closing"].as_str().unwrap(),
                d["reported"].as_bool().unwrap(),
            )
        })
        .collect();
    // Nothing is known before the first close on the 20th; the weekend and Monday carry it.
    assert_eq!(
        days,
        [
            ("2026-11-20", "12345.67", true),
            ("2026-11-21", "12345.67", false),
            ("2026-11-22", "12345.67", false),
            ("2026-11-23", "12345.67", false),
        ]
    );
    assert_eq!(history["totals"][0]["currency"], "EUR");
    let later = workspace.json(&[
        "history",
        "--from",
        "2026-11-22",
        "--to",
        "2026-11-23",
        "--json",
    ]);
    assert_eq!(
        later["accounts"][0]["days"][0]["closing"], "12345.67",
        "the close before the window carries in"
    );
}
