//! The ERP both ways, against a real Tryton (`tryton`): its seeded open items and approved
//! payments come into Cashline; a payment's end and a confirmed match go back and are read
//! from Tryton directly; an item paid in Tryton is closed here; a Tryton killed mid-sync
//! loses nothing; a wrong password stores nothing.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{fixture, Workspace};
use crate::tryton::{self, Database, Server, PASSWORD};

/// What `scripts/tryton/seed.py` leaves open, per kind and currency: its tables, summed.
const SEEDED: [(&str, &str, usize, &str); 4] = [
    ("payable", "EUR", 4, "31027.40"),
    ("payable", "USD", 1, "1280.00"),
    ("receivable", "EUR", 4, "19130.75"),
    ("receivable", "USD", 2, "21050.00"),
];
/// The seed's approved SEPA payments: its three supplier invoices' full amounts.
const SEEDED_PAYMENTS: [(&str, &str); 3] = [
    ("Stahlwerk Becker AG", "22340.00"),
    ("Papeterie Martin", "612.40"),
    ("Logistik Nord KG", "3975.00"),
];

/// Adds the connection, the password on stdin.
fn add(workspace: &Workspace, url: &str, database: &str, password: &str) -> Output {
    let mut child = workspace
        .command()
        .args([
            "erp",
            "add",
            "Tryton",
            "--tryton",
            url,
            "--database",
            database,
            "--user",
            "admin",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

fn added(workspace: &Workspace, database: &Database) {
    let output = add(workspace, &database.url, &database.name, PASSWORD);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A workspace with the company's account (from a statement the bank sent, so the ERP's
/// payments, drawn on it, pass validation), connected to `database`.
fn connected(database: &Database) -> Workspace {
    let workspace = Workspace::new();
    let imported = workspace.run(&[
        "import",
        fixture("camt053/demo-single.xml").to_str().unwrap(),
    ]);
    assert!(imported.status.success());
    added(&workspace, database);
    workspace
}

fn sync(workspace: &Workspace) -> Value {
    let output = workspace.run(&["erp", "sync", "--json"]);
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "erp sync printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn items(workspace: &Workspace, filter: &[&str]) -> Vec<Value> {
    let mut args = vec!["open-items", "list", "--json"];
    args.extend_from_slice(filter);
    workspace.json(&args)["items"].as_array().unwrap().clone()
}

/// Count and sum of what is open, per kind and currency.
fn totals(items: &[Value]) -> BTreeMap<(String, String), (usize, Decimal)> {
    let mut totals = BTreeMap::new();
    for item in items.iter().filter(|i| i["state"] != "closed") {
        let key = (
            item["kind"].as_str().unwrap().to_string(),
            item["currency"].as_str().unwrap().to_string(),
        );
        let amount: Decimal = item["open_amount"].as_str().unwrap().parse().unwrap();
        let entry = totals.entry(key).or_insert((0, Decimal::ZERO));
        entry.0 += 1;
        entry.1 += amount;
    }
    totals
}

fn seeded_totals() -> BTreeMap<(String, String), (usize, Decimal)> {
    SEEDED
        .iter()
        .map(|(kind, currency, count, sum)| {
            (
                (kind.to_string(), currency.to_string()),
                (*count, sum.parse().unwrap()),
            )
        })
        .collect()
}

fn item<'a>(items: &'a [Value], document: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["document_number"] == document)
        .unwrap_or_else(|| panic!("no item {document}"))
}

/// The company's day at the bank after the seed: Atelier Lumière pays INV-2026-0002 and the
/// payment of BILL-2026-0001 to Stahlwerk Becker (Tryton's payment 1, end-to-end id `1`) is
/// booked.
fn statement_of_the_day() -> String {
    let entry = |reference: &str, amount: &str, sign: &str, details: &str| {
        format!(
            "<Ntry><NtryRef>{reference}</NtryRef><Amt Ccy=\"EUR\">{amount}</Amt>\
             <CdtDbtInd>{sign}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\
             <BookgDt><Dt>2026-11-23</Dt></BookgDt><ValDt><Dt>2026-11-23</Dt></ValDt>\
             <AcctSvcrRef>ERP-TEST-{reference}</AcctSvcrRef>\
             <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>\
             <NtryDtls><TxDtls>{details}</TxDtls></NtryDtls></Ntry>"
        )
    };
    let receipt = entry(
        "1",
        "7200.00",
        "CRDT",
        "<Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties><Dbtr><Pty><Nm>Atelier Lumiere SARL</Nm></Pty></Dbtr>\
         <DbtrAcct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></DbtrAcct></RltdPties>\
         <RmtInf><Ustrd>Facture INV-2026-0002</Ustrd></RmtInf>",
    );
    let payment = entry(
        "2",
        "22340.00",
        "DBIT",
        "<Refs><EndToEndId>1</EndToEndId></Refs><RltdPties><Cdtr><Pty><Nm>Stahlwerk Becker AG</Nm></Pty></Cdtr>\
         <CdtrAcct><Id><IBAN>DE62370400440532013001</IBAN></Id></CdtrAcct></RltdPties>\
         <RmtInf><Ustrd>SB-2026-1187</Ustrd></RmtInf>",
    );
    let balance = |code: &str, amount: &str, sign: &str| {
        format!(
            "<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{amount}</Amt>\
             <CdtDbtInd>{sign}</CdtDbtInd><Dt><Dt>2026-11-23</Dt></Dt></Bal>"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>\
         <GrpHdr><MsgId>ERP-TEST-20261123</MsgId><CreDtTm>2026-11-23T18:00:00Z</CreDtTm></GrpHdr>\
         <Stmt><Id>ERP-TEST-STMT-20261123</Id><ElctrncSeqNb>225</ElctrncSeqNb>\
         <CreDtTm>2026-11-23T18:00:00Z</CreDtTm>\
         <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>\
         {}{}{receipt}{payment}</Stmt></BkToCstmrStmt></Document>",
        balance("OPBD", "12345.67", "CRDT"),
        balance("CLBD", "2794.33", "DBIT"),
    )
}

#[test]
fn tryton_items_and_payments_come_in_and_a_payment_end_and_a_match_go_back() {
    let Some(database) = tryton::database() else {
        return;
    };
    let workspace = connected(&database);
    let first = sync(&workspace);
    let run = &first["runs"][0];
    assert_eq!(run["outcome"], "ok", "{first}");
    assert_eq!(run["new_items"], 11, "{first}");
    assert_eq!(run["new_payments"], 3, "{first}");
    let listed = items(&workspace, &[]);
    assert_eq!(listed.len(), 11);
    assert_eq!(totals(&listed), seeded_totals());
    // The partly paid invoice shows what is left of it, the source of every item its
    // connection.
    assert_eq!(item(&listed, "INV-2026-0001")["open_amount"], "7500.00");
    assert!(listed.iter().all(|i| i["source"] == "tryton"));
    assert!(listed.iter().all(|i| i["connection"] == "Tryton"));
    assert_eq!(
        item(&listed, "BILL-2026-0001")["reference"],
        "SB-2026-1187",
        "a supplier invoice is known by the supplier's number"
    );
    assert_eq!(
        item(&listed, "INV-2026-0002")["counterparty_iban"],
        "FR7630006000011234567890189"
    );
    let payments = workspace.json(&["payments", "list", "--json"])["payments"]
        .as_array()
        .unwrap()
        .clone();
    let mut seen: Vec<(String, String)> = payments
        .iter()
        .map(|p| {
            (
                p["creditor_name"].as_str().unwrap_or_default().to_string(),
                p["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    let mut wanted: Vec<(String, String)> = SEEDED_PAYMENTS
        .iter()
        .map(|(n, a)| (n.to_string(), a.to_string()))
        .collect();
    wanted.sort();
    assert_eq!(seen, wanted, "{payments:#?}");
    assert!(
        payments.iter().all(|p| p["status"] == "validated"),
        "the ERP's payments pass validation: {payments:#?}"
    );

    // A second sync changes nothing.
    let ledger_before = workspace.json(&["open-items", "list", "--json"]);
    let second = sync(&workspace);
    let run = &second["runs"][0];
    assert_eq!(run["outcome"], "ok", "{second}");
    for count in [
        "items_changed",
        "new_items",
        "items_closed",
        "new_payments",
        "written_back",
    ] {
        assert_eq!(run[count], 0, "{count}: {second}");
    }
    assert_eq!(
        workspace.json(&["open-items", "list", "--json"]),
        ledger_before
    );

    // The payment to Stahlwerk is approved (four eyes), sent, and booked; Atelier's receipt
    // is matched to its invoice.
    let stahlwerk = payments
        .iter()
        .find(|p| p["creditor_name"] == "Stahlwerk Becker AG")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let approved = workspace
        .command_as("approver")
        .args(["payments", "approve", &stahlwerk])
        .output()
        .unwrap();
    assert!(
        approved.status.success(),
        "{}",
        String::from_utf8_lossy(&approved.stderr)
    );
    let export = workspace.dir.path().join("run.xml");
    let exported = workspace.run(&[
        "payments",
        "export",
        "--format",
        "pain.001.001.09",
        "--out",
        export.to_str().unwrap(),
    ]);
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let day = workspace.write("day.xml", statement_of_the_day().as_bytes());
    let booked = workspace.run(&["import", day.to_str().unwrap()]);
    assert!(
        booked.status.success(),
        "{}",
        String::from_utf8_lossy(&booked.stderr)
    );
    let shown = workspace.json(&["payments", "show", &stahlwerk, "--json"]);
    assert_eq!(shown["status"], "settled", "{shown}");
    let receivable = item(&listed, "INV-2026-0002")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let recon = workspace.json(&["recon", "run", "--json"]);
    let matched = recon["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| {
            m["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i == &receivable)
        })
        .unwrap_or_else(|| panic!("no match for {receivable}: {recon:#}"))
        .clone();
    if matched["state"] == "suggested" {
        workspace.json(&[
            "recon",
            "confirm",
            matched["id"].as_str().unwrap(),
            "--json",
        ]);
    }

    // Both go back to Tryton, and Tryton says so itself.
    let third = sync(&workspace);
    let run = &third["runs"][0];
    assert_eq!(run["outcome"], "ok", "{third}");
    assert!(
        run["written_back"].as_u64().unwrap() >= 2,
        "the payment's end and the match: {third}"
    );
    let states = tryton::query(&database, &["states"]);
    assert_eq!(states["payments"]["1"], "succeeded", "{states}");
    assert_eq!(states["invoices"]["INV-2026-0002"], "paid", "{states}");
    let statement = format!("Cashline match {}", matched["id"].as_str().unwrap());
    assert_eq!(states["statements"][&statement], "posted", "{states}");
    // Tryton reconciled the invoice's line: the item is closed here on that sync.
    let now = items(&workspace, &[]);
    assert_eq!(item(&now, "INV-2026-0002")["state"], "closed");

    // Written once: another sync writes nothing again.
    let fourth = sync(&workspace);
    assert_eq!(fourth["runs"][0]["written_back"], 0, "{fourth}");
    let again = tryton::query(&database, &["states"]);
    assert_eq!(
        again["statements"].as_object().unwrap().len(),
        states["statements"].as_object().unwrap().len(),
        "no statement is posted twice"
    );

    // Undone in Cashline after Tryton posted it: Cashline does not reverse Tryton's books on
    // its own, but says so in the queue, once.
    workspace.json(&["recon", "undo", matched["id"].as_str().unwrap(), "--json"]);
    sync(&workspace);
    sync(&workspace);
    let cases = workspace.json(&["exceptions", "--kind", "erp_writeback", "--json"]);
    let cases = cases["exceptions"].as_array().unwrap();
    assert_eq!(cases.len(), 1, "{cases:#?}");
    let shown = workspace.json(&[
        "exceptions",
        "show",
        cases[0]["id"].as_str().unwrap(),
        "--json",
    ]);
    assert!(
        shown.to_string().contains("was undone in Cashline"),
        "{shown}"
    );

    // An invoice paid in Tryton itself is closed on the next sync.
    tryton::query(&database, &["pay", "INV-2026-0004", "2026-11-23"]);
    let fifth = sync(&workspace);
    assert_eq!(fifth["runs"][0]["items_closed"], 1, "{fifth}");
    let after = items(&workspace, &[]);
    assert_eq!(item(&after, "INV-2026-0004")["state"], "closed");
    let audit = workspace.json(&["audit", "verify", "--json"]);
    assert_eq!(audit["ok"], true, "{audit}");
}

#[test]
fn the_open_items_list_filters_by_kind_due_counterparty_currency_match_and_source() {
    let Some(database) = tryton::database() else {
        return;
    };
    let workspace = Workspace::new();
    added(&workspace, &database);
    // Read in pages of four: the eleven items come in three pages each way, all of them.
    let output = workspace
        .command()
        .env("CASHLINE_TRYTON_PAGE_SIZE", "4")
        .args(["erp", "sync", "--json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["runs"][0]["outcome"], "ok", "{report}");
    assert_eq!(report["runs"][0]["new_items"], 11, "{report}");
    assert_eq!(totals(&items(&workspace, &[])), seeded_totals());
    let count = |filter: &[&str]| items(&workspace, filter).len();
    assert_eq!(count(&["--kind", "receivable"]), 6);
    assert_eq!(count(&["--kind", "payable"]), 5);
    assert_eq!(count(&["--currency", "usd"]), 3);
    assert_eq!(count(&["--counterparty", "nordwind"]), 2);
    // Due 30 days after issue: the invoices older than 30 days on 2026-11-23 are overdue.
    let overdue = items(&workspace, &["--due", "overdue"]);
    let mut documents: Vec<&str> = overdue
        .iter()
        .map(|i| i["document_number"].as_str().unwrap())
        .collect();
    documents.sort();
    assert_eq!(documents, ["INV-2026-0001"], "{overdue:#?}");
    assert_eq!(count(&["--due", "due"]), 10);
    assert_eq!(count(&["--matched", "unmatched"]), 11);
    assert_eq!(count(&["--matched", "matched"]), 0);
    assert_eq!(count(&["--source", "Tryton"]), 11);
    assert_eq!(count(&["--source", "csv"]), 0);
    for (filter, value, words) in [
        ("--due", "soon", "due 'soon'"),
        ("--state", "paid", "state 'paid'"),
        (
            "--source",
            "Odoo",
            "source 'Odoo' is neither csv nor an ERP connection",
        ),
    ] {
        let refused = workspace.run(&["open-items", "list", filter, value]);
        assert_eq!(refused.status.code(), Some(1), "{filter} {value}");
        let said = String::from_utf8_lossy(&refused.stderr);
        assert!(said.contains(words), "{said}");
    }

    // The password gone from the keychain (the ledger's own key and anchor stay): the sync
    // cannot start, and says so as a run.
    let keystore = workspace.dir.path().join("keystore.json");
    let mut kept: serde_json::Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(&keystore).unwrap()).unwrap();
    kept.retain(|reference, _| {
        reference.starts_with("ledger-key:") || reference.starts_with("audit-anchor:")
    });
    std::fs::write(&keystore, serde_json::to_string(&kept).unwrap()).unwrap();
    let failed = sync(&workspace);
    let run = &failed["runs"][0];
    assert_eq!(run["outcome"], "failed", "{failed}");
    assert!(
        run["error"].as_str().unwrap().contains("keychain"),
        "{failed}"
    );
    assert!(!run["correlation_id"].as_str().unwrap().is_empty());
    let listed = workspace.json(&["erp", "list", "--json"]);
    assert_eq!(listed["connections"][0]["state"], "failing", "{listed}");
    let cases = workspace.json(&["exceptions", "--kind", "sync_failed", "--json"]);
    assert_eq!(cases["exceptions"].as_array().unwrap().len(), 1, "{cases}");
}

#[test]
fn a_wrong_password_is_a_clear_error_and_stores_nothing() {
    let Some(database) = tryton::database() else {
        return;
    };
    let workspace = Workspace::new();
    let refused = add(
        &workspace,
        &database.url,
        &database.name,
        "not-the-password",
    );
    assert_eq!(refused.status.code(), Some(1));
    let words = String::from_utf8_lossy(&refused.stderr);
    assert!(
        words.contains("refused the login") && words.contains("admin"),
        "{words}"
    );
    assert!(!words.contains("not-the-password"), "{words}");
    assert_eq!(
        workspace.json(&["erp", "list", "--json"])["connections"],
        serde_json::json!([])
    );
    let keystore = workspace.dir.path().join("keystore.json");
    assert!(
        !std::fs::read_to_string(&keystore)
            .unwrap_or_default()
            .contains("not-the-password"),
        "no password kept"
    );
    // A database that is not there says so, and stores nothing either.
    let missing = add(&workspace, &database.url, "no_such_db", PASSWORD);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no database 'no_such_db'"));
    assert_eq!(
        workspace.json(&["erp", "list", "--json"])["connections"],
        serde_json::json!([])
    );
}

/// A proxy in front of Tryton that kills the server (SIGKILL) when the `kill_at`-th request
/// arrives, before passing it on: Tryton dies in the middle of a sync, at a known point.
fn killing_proxy(
    server: Arc<std::sync::Mutex<Server>>,
    kill_at: usize,
) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = server
        .lock()
        .unwrap()
        .url
        .trim_start_matches("http://")
        .to_string();
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = requests.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(tryton) = TcpStream::connect(&upstream) else {
                continue;
            };
            let (server, counted) = (server.clone(), counted.clone());
            let mut from_client = client.try_clone().unwrap();
            let mut to_tryton = tryton.try_clone().unwrap();
            std::thread::spawn(move || {
                let mut buffer = [0u8; 16 * 1024];
                while let Ok(n) = from_client.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    let starts = buffer[..n].windows(6).filter(|w| w == b"POST /").count();
                    let before = counted.fetch_add(starts, Ordering::SeqCst);
                    if starts > 0 && before < kill_at && before + starts >= kill_at {
                        server.lock().unwrap().kill();
                        break;
                    }
                    if to_tryton.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
                let _ = to_tryton.shutdown(std::net::Shutdown::Both);
            });
            let (mut from_tryton, mut to_client) = (tryton, client);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut from_tryton, &mut to_client);
                let _ = to_client.shutdown(std::net::Shutdown::Both);
            });
        }
    });
    (url, requests)
}

#[test]
fn tryton_killed_mid_sync_fails_the_run_in_words_loses_nothing_and_the_next_sync_completes() {
    let Some(server) = Server::start(&["killed"]) else {
        return;
    };
    let server = Arc::new(std::sync::Mutex::new(server));
    // The login, the preferences and the open lines' ids pass; Tryton dies on the next call,
    // while the lines themselves are being read.
    let (url, requests) = killing_proxy(server.clone(), 4);
    let workspace = Workspace::new();
    let imported = workspace.run(&[
        "import",
        fixture("camt053/demo-single.xml").to_str().unwrap(),
    ]);
    assert!(imported.status.success());
    // Added while Tryton is up: the login is two requests, then it dies on the sync's second.
    requests.store(0, Ordering::SeqCst);
    let output = add(&workspace, &url, "killed", PASSWORD);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    requests.store(0, Ordering::SeqCst);
    let ledger = workspace.dir.path().join("ledger.sqlite");
    let before_items = workspace.json(&["open-items", "list", "--json"]);
    let before_payments = workspace.json(&["payments", "list", "--json"]);

    let failed = workspace.run(&["erp", "sync", "--json"]);
    assert_eq!(
        failed.status.code(),
        Some(1),
        "a failed sync is a failed command"
    );
    let report: Value = serde_json::from_slice(&failed.stdout).unwrap();
    let run = &report["runs"][0];
    assert_eq!(run["outcome"], "failed", "{report}");
    let error = run["error"].as_str().unwrap();
    assert!(error.contains("cannot be reached"), "{error}");
    assert_eq!(
        workspace.json(&["open-items", "list", "--json"]),
        before_items
    );
    assert_eq!(
        workspace.json(&["payments", "list", "--json"]),
        before_payments
    );
    let listed = workspace.json(&["erp", "list", "--json"]);
    assert_eq!(listed["connections"][0]["state"], "failing", "{listed}");
    let cases = workspace.json(&["exceptions", "--kind", "sync_failed", "--json"]);
    assert_eq!(cases["exceptions"].as_array().unwrap().len(), 1, "{cases}");
    assert!(ledger.exists());

    // Tryton back: the next sync completes and brings everything.
    server.lock().unwrap().restart();
    let next = workspace.run(&["erp", "sync", "--json"]);
    let report: Value = serde_json::from_slice(&next.stdout).unwrap();
    assert_eq!(report["runs"][0]["outcome"], "ok", "{report}");
    let listed = items(&workspace, &[]);
    assert_eq!(totals(&listed), seeded_totals());
    assert_eq!(
        workspace.json(&["payments", "list", "--json"])["payments"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let cases = workspace.json(&[
        "exceptions",
        "--kind",
        "sync_failed",
        "--state",
        "open",
        "--json",
    ]);
    assert_eq!(
        cases["exceptions"],
        serde_json::json!([]),
        "resolved by the good sync"
    );
}

#[test]
fn a_tryton_session_that_ends_between_two_calls_is_renewed_by_a_new_login() {
    use cashline_engine::erp::ErpPort;
    // Sessions that end after a second idle: the adapter's second call finds its session
    // gone (Tryton answers 401) and logs in again.
    let Some(server) = Server::start_with(&["short"], &[("TRYTOND_SESSION__TIMEOUT", "1")]) else {
        return;
    };
    let client = cashline_tryton::TrytonClient::new(cashline_tryton::Login {
        url: server.url.clone(),
        database: "short".into(),
        user: "admin".into(),
        password: PASSWORD.into(),
    })
    .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        assert_eq!(client.company().await.unwrap(), "Cashline Demo GmbH");
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        let items = client.open_items(None).await.expect("a new session");
        assert_eq!(items.changed.len(), 11);
    });
}

#[test]
fn a_match_with_a_difference_is_not_guessed_into_tryton_but_left_to_a_person() {
    let Some(database) = tryton::database() else {
        return;
    };
    let workspace = connected(&database);
    assert_eq!(sync(&workspace)["runs"][0]["outcome"], "ok");
    // Atelier Lumière pays INV-2026-0002 less 15.00 of bank fees.
    let day = statement_of_the_day()
        .replace("7200.00", "7185.00")
        .replace("2794.33", "2809.33");
    let day = workspace.write("day.xml", day.as_bytes());
    let booked = workspace.run(&["import", day.to_str().unwrap()]);
    assert!(
        booked.status.success(),
        "{}",
        String::from_utf8_lossy(&booked.stderr)
    );
    let listed = items(&workspace, &[]);
    let receivable = item(&listed, "INV-2026-0002")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let matched = workspace.run(&[
        "recon",
        "match",
        "--entry",
        "ERP-TEST-1",
        "--item",
        &receivable,
        "--difference-kind",
        "fee",
    ]);
    assert!(
        matched.status.success(),
        "{}",
        String::from_utf8_lossy(&matched.stderr)
    );
    let report = sync(&workspace);
    let run = &report["runs"][0];
    assert_eq!(run["outcome"], "ok", "{report}");
    assert_eq!(run["writeback_refused"], 1, "{report}");
    let cases = workspace.json(&["exceptions", "--kind", "erp_writeback", "--json"]);
    let case = &cases["exceptions"][0];
    assert_eq!(case["state"], "open", "{cases}");
    assert!(
        case["subject"].as_str().unwrap().contains("to Tryton"),
        "{cases}"
    );
    let shown = workspace.json(&["exceptions", "show", case["id"].as_str().unwrap(), "--json"]);
    assert!(
        shown
            .to_string()
            .contains("7185.00 differs from the 7200.00"),
        "the case says why: {shown}"
    );
    // Nothing was posted in Tryton, and the next sync does not try again.
    let states = tryton::query(&database, &["states"]);
    assert_eq!(states["statements"], serde_json::json!({}), "{states}");
    assert_eq!(states["invoices"]["INV-2026-0002"], "posted");
    let again = sync(&workspace);
    assert_eq!(again["runs"][0]["writeback_refused"], 0, "{again}");
    let listed = workspace.json(&["erp", "list", "--json"]);
    assert_eq!(
        listed["connections"][0]["writebacks"][0]["state"], "refused",
        "{listed}"
    );
}

#[test]
fn a_payment_the_bank_refused_is_marked_failed_in_tryton_with_the_banks_reason() {
    let Some(database) = tryton::database() else {
        return;
    };
    let workspace = connected(&database);
    assert_eq!(sync(&workspace)["runs"][0]["outcome"], "ok");
    let payments = workspace.json(&["payments", "list", "--json"]);
    let papeterie = payments["payments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["creditor_name"] == "Papeterie Martin")
        .unwrap()
        .clone();
    let id = papeterie["id"].as_str().unwrap();
    let end_to_end = papeterie["end_to_end_id"].as_str().unwrap();
    let approved = workspace
        .command_as("approver")
        .args(["payments", "approve", id])
        .output()
        .unwrap();
    assert!(approved.status.success());
    let out = workspace.dir.path().join("run.xml");
    let exported = workspace.json(&[
        "payments",
        "export",
        "--format",
        "pain.001.001.09",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    let message = exported["message_id"].as_str().unwrap();
    let report = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10\"><CstmrPmtStsRpt>\
<GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2026-11-23T10:00:00Z</CreDtTm></GrpHdr>\
<OrgnlGrpInfAndSts><OrgnlMsgId>{message}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>\
<OrgnlPmtInfAndSts><OrgnlPmtInfId>B1</OrgnlPmtInfId>\
<TxInfAndSts><OrgnlEndToEndId>{end_to_end}</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf></TxInfAndSts>\
</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"
    );
    let file = workspace.write("status.xml", report.as_bytes());
    let read = workspace.run(&["import", file.to_str().unwrap()]);
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let shown = workspace.json(&["payments", "show", id, "--json"]);
    assert_eq!(shown["status"], "rejected", "{shown}");

    let back = sync(&workspace);
    assert_eq!(back["runs"][0]["written_back"], 1, "{back}");
    let states = tryton::query(&database, &["states"]);
    assert_eq!(states["payments"][end_to_end], "failed", "{states}");
    let notes = states["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().contains("AC04")),
        "the bank's reason is on the payment: {states}"
    );
    // Told once: another sync writes nothing, and Tryton holds one note.
    assert_eq!(sync(&workspace)["runs"][0]["written_back"], 0);
    let again = tryton::query(&database, &["states"]);
    assert_eq!(again["notes"].as_array().unwrap().len(), notes.len());
}

#[test]
fn an_erp_connection_asked_for_carelessly_or_with_hostile_values_is_refused_by_name() {
    let workspace = Workspace::new();
    let add_with = |args: &[&str], password: &str| {
        let mut child = workspace
            .command()
            .args(["erp", "add"])
            .args(args)
            .arg("--password-stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = writeln!(child.stdin.take().unwrap(), "{password}");
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?} was taken");
        String::from_utf8_lossy(&output.stderr).to_string()
    };
    let base = |name: &'static str, url: &'static str, database: &'static str| {
        vec![
            name,
            "--tryton",
            url,
            "--database",
            database,
            "--user",
            "admin",
        ]
    };
    let words = add_with(&base("Ty\u{1b}[2Jpo", "http://127.0.0.1:9", "db"), "x");
    assert!(words.contains("control characters"), "{words}");
    assert!(!words.contains('\u{1b}'), "{words}");
    let words = add_with(&base("Tryton", "http://erp.example.com", "db"), "x");
    assert!(
        words.contains("https"),
        "plain HTTP only on this machine: {words}"
    );
    let words = add_with(&base("Tryton", "http://127.0.0.1:9", "../other"), "x");
    assert!(words.contains("database"), "{words}");
    let words = add_with(&base("Tryton", "http://127.0.0.1:9", "db"), "");
    assert!(words.contains("password"), "{words}");
    let long = "p".repeat(5000);
    let words = add_with(&base("Tryton", "http://127.0.0.1:9", "db"), &long);
    assert!(
        words.contains("longer than") || words.contains("more than"),
        "{words}"
    );
    let mut every = base("Tryton", "http://127.0.0.1:9", "db");
    every.extend(["--every", "0"]);
    let words = add_with(&every, "x");
    assert!(words.contains("every 1 to"), "{words}");
    // A server that is not there: the login cannot be tried, nothing is stored.
    let words = add_with(&base("Tryton", "http://127.0.0.1:9", "db"), "x");
    assert!(words.contains("cannot be reached"), "{words}");
    assert_eq!(
        workspace.json(&["erp", "list", "--json"])["connections"],
        serde_json::json!([])
    );
}
