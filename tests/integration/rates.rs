//! Reference rates: the ECB file imported, fetched over HTTP (from a server on loopback that
//! serves the ECB's format), entered by hand, and refused when wrong.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use crate::support::Workspace;

const DAILY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
	<gesmes:subject>Reference rates</gesmes:subject>
	<Cube>
		<Cube time='2026-11-20'>
			<Cube currency='USD' rate='1.0500'/>
			<Cube currency='JPY' rate='161.20'/>
		</Cube>
	</Cube>
</gesmes:Envelope>"#;

/// Serves one HTTP request with `body`, then stops.
fn serve_once(body: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 2 {
            line.clear();
        }
        let head = format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
    });
    port
}

#[test]
fn rates_are_fetched_in_the_ecb_format() {
    let workspace = Workspace::new();
    let port = serve_once(DAILY);
    let url = format!("http://127.0.0.1:{port}/stats/eurofxref/eurofxref-daily.xml");
    let fetched = workspace.json(&["fx", "fetch", "--url", &url, "--json"]);
    assert_eq!(fetched["rates"], 2);
    assert_eq!(fetched["last_date"], "2026-11-20");
    let listed = workspace.json(&["fx", "list", "--json"]);
    let usd = listed["rates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["quote"] == "USD")
        .unwrap();
    assert_eq!(
        (
            usd["base"].as_str(),
            usd["rate"].as_str(),
            usd["source"].as_str()
        ),
        (Some("EUR"), Some("1.05"), Some("ecb"))
    );
}

#[test]
fn a_manual_rate_wins_over_the_file_of_the_same_day_and_bad_rates_are_refused() {
    let workspace = Workspace::new();
    let file = workspace.write("rates.xml", DAILY.as_bytes());
    workspace.json(&["fx", "import", file.to_str().unwrap(), "--json"]);
    assert!(workspace
        .run(&["fx", "set", "EUR", "USD", "2026-11-20", "1.0600"])
        .status
        .success());
    let refused = workspace.run(&["fx", "set", "EUR", "USD", "2026-11-20", "0"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not positive"));
    let broken = workspace.write(
        "broken.csv",
        b"base,quote,date,rate\nEUR,USD,2026-11-21,abc\n",
    );
    let output = workspace.run(&["fx", "import", broken.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("line 2"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // A USD account of 105.00 consolidates at the manual rate.
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
        b"Date,Description,Amount,Balance\n2026-11-20,Deposit,106.00,106.00\n",
    );
    workspace.json(&["import", export.to_str().unwrap(), "--json"]);
    let positions = workspace.json(&["positions", "--json"]);
    let usd = &positions["accounts"][0]["converted"];
    assert_eq!(
        (usd["amount"].as_str(), usd["rate_source"].as_str()),
        (Some("100.00"), Some("manual"))
    );
}

#[test]
fn the_eur_calendar_closes_on_target2_holidays() {
    let workspace = Workspace::new();
    let calendar = workspace.json(&[
        "calendar",
        "--currency",
        "EUR",
        "--from",
        "2026-04-02",
        "--to",
        "2026-04-07",
        "--json",
    ]);
    let closed: Vec<(&str, &str)> = calendar["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| {
            d["closed"]
                .as_str()
                .map(|why| (d["date"].as_str().unwrap(), why))
        })
        .collect();
    assert_eq!(
        closed,
        [
            ("2026-04-03", "Good Friday"),
            ("2026-04-04", "Saturday"),
            ("2026-04-05", "Sunday"),
            ("2026-04-06", "Easter Monday")
        ]
    );
    let usd = workspace.json(&[
        "calendar",
        "--currency",
        "USD",
        "--from",
        "2026-04-03",
        "--to",
        "2026-04-03",
        "--json",
    ]);
    assert_eq!(usd["days"][0]["business_day"], true);
}
