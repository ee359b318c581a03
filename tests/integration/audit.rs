//! The audit log cannot be cut short: its chain finds an edit, an insertion, a reordering or
//! a deletion before its end, and its anchor outside the ledger (in the keystore) finds the
//! last records deleted, all of them, or an older copy of the ledger put back in its place.
//! Each tampering is done as a person holding the file and its key would: SQL run on the
//! decrypted ledger behind Cashline's back.

use serde_json::Value;

use crate::support::{fixture, Workspace};

/// A workspace whose audit log holds a few records: an import, an entity, a rate.
fn with_history() -> Workspace {
    let workspace = Workspace::new();
    let imported = workspace.run(&[
        "import",
        fixture("camt053/demo-single.xml").to_str().unwrap(),
    ]);
    assert!(imported.status.success());
    for args in [
        &["entities", "add", "NW", "--name", "Northwind"][..],
        &["fx", "set", "EUR", "USD", "2026-11-20", "1.0523"][..],
        &["fx", "set", "EUR", "GBP", "2026-11-20", "0.8412"][..],
    ] {
        let done = workspace.run(args);
        assert!(
            done.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&done.stderr)
        );
    }
    workspace
}

fn verify(workspace: &Workspace) -> (Option<i32>, Value) {
    let output = workspace.run(&["audit", "verify", "--json"]);
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "audit verify printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), report)
}

/// Runs SQL on the ledger directly, behind Cashline's back.
fn tamper(workspace: &Workspace, sql: &str) {
    crate::support::behind_the_back(workspace.dir.path(), sql);
}

fn ids(workspace: &Workspace) -> Vec<i64> {
    crate::support::audit_ids(workspace.dir.path())
}

fn fails(workspace: &Workspace, first_bad: i64, words: &str) {
    let (code, report) = verify(workspace);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["first_bad"], first_bad.to_string(), "{report}");
    let problem = report["problem"].as_str().unwrap_or_default();
    assert!(problem.contains(words), "{words}: {report}");
}

#[test]
fn an_untouched_log_verifies_against_its_anchor() {
    let workspace = with_history();
    let (code, report) = verify(&workspace);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["ok"], true);
    assert_eq!(report["anchored"], true, "{report}");
    assert_eq!(
        report["records"].as_u64().unwrap() as usize,
        ids(&workspace).len()
    );
    let keys = std::fs::read_to_string(workspace.dir.path().join("keystore.json")).unwrap();
    assert!(
        keys.contains("audit-anchor:"),
        "the anchor is in the keystore"
    );
}

#[test]
fn the_last_record_deleted_is_found_by_the_anchor() {
    let workspace = with_history();
    let ids = ids(&workspace);
    let last = *ids.last().unwrap();
    tamper(
        &workspace,
        &format!("DELETE FROM audit_record WHERE id = {last};"),
    );
    fails(&workspace, last, "the last 1 are gone");
    // The anchor does not follow the log down: it fails again, and after more work, which
    // fills the count again with another record, it still does.
    fails(&workspace, last, "the last 1 are gone");
    let done = workspace.run(&["entities", "add", "BX", "--name", "Benelux"]);
    assert!(done.status.success());
    let (code, report) = verify(&workspace);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report["problem"]
            .as_str()
            .unwrap()
            .contains("is not the one anchored"),
        "{report}"
    );
}

#[test]
fn every_record_deleted_is_found_by_the_anchor() {
    let workspace = with_history();
    let count = ids(&workspace).len();
    tamper(&workspace, "DELETE FROM audit_record;");
    fails(&workspace, 1, &format!("held {count} when last anchored"));
}

#[test]
fn the_first_or_a_middle_record_deleted_breaks_the_chain_there() {
    let workspace = with_history();
    let ids = ids(&workspace);
    tamper(
        &workspace,
        &format!("DELETE FROM audit_record WHERE id = {};", ids[0]),
    );
    fails(&workspace, ids[1], "does not start the log");

    let workspace = with_history();
    let ids = crate::audit::ids(&workspace);
    tamper(
        &workspace,
        &format!("DELETE FROM audit_record WHERE id = {};", ids[2]),
    );
    fails(&workspace, ids[3], "does not follow the record before it");
}

#[test]
fn an_edited_an_inserted_or_a_reordered_record_is_named() {
    let workspace = with_history();
    let ids = ids(&workspace);
    tamper(
        &workspace,
        &format!(
            "UPDATE audit_record SET actor = 'someone else' WHERE id = {};",
            ids[1]
        ),
    );
    fails(&workspace, ids[1], "was changed after it was written");

    let workspace = with_history();
    let ids = crate::audit::ids(&workspace);
    tamper(
        &workspace,
        &format!(
            "UPDATE audit_record SET id = id + 2000 WHERE id > {a};
             INSERT INTO audit_record (id, recorded_at, actor, action, subject, detail_json, previous_hash, record_hash)
             SELECT {a} + 1, recorded_at, 'intruder', action, subject, detail_json, previous_hash, lower(hex(randomblob(32)))
               FROM audit_record WHERE id = {a};",
            a = ids[1]
        ),
    );
    fails(
        &workspace,
        ids[1] + 1,
        "does not follow the record before it",
    );

    let workspace = with_history();
    let ids = crate::audit::ids(&workspace);
    tamper(
        &workspace,
        &format!(
            "UPDATE audit_record SET id = -1 WHERE id = {a};
             UPDATE audit_record SET id = {a} WHERE id = {b};
             UPDATE audit_record SET id = {b} WHERE id = -1;",
            a = ids[1],
            b = ids[2]
        ),
    );
    fails(&workspace, ids[1], "does not follow the record before it");
}

#[test]
fn an_older_copy_of_the_ledger_put_back_fails_verify() {
    let workspace = with_history();
    let ledger = workspace.dir.path().join("ledger.sqlite");
    let copy = workspace.dir.path().join("old.sqlite");
    // A consistent copy, as a backup tool would take it (WAL checkpointed first).
    tamper(&workspace, "PRAGMA wal_checkpoint(TRUNCATE);");
    std::fs::copy(&ledger, &copy).unwrap();
    let done = workspace.run(&["fx", "set", "EUR", "CHF", "2026-11-20", "0.9312"]);
    assert!(done.status.success());
    let records = verify(&workspace).1["records"].as_u64().unwrap();
    // The copy put back where the ledger was, hiding what was done since.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(workspace.dir.path().join(format!("ledger.sqlite{suffix}")));
    }
    std::fs::copy(&copy, &ledger).unwrap();
    let (code, report) = verify(&workspace);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report["problem"]
            .as_str()
            .unwrap()
            .contains(&format!("held {records} when last anchored")),
        "{report}"
    );
}

#[test]
fn a_bank_file_or_a_statement_written_behind_cashlines_back_is_named_as_unrecorded() {
    let workspace = with_history();
    let (code, report) = verify(&workspace);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["unrecorded"], serde_json::json!([]), "{report}");

    // A statement slipped into the imported file, its chain untouched.
    tamper(
        &workspace,
        "INSERT INTO statement (account_id, source_file_id, kind, format, message_id, statement_ref,
                                identity_key, imported_at)
         SELECT account_id, source_file_id, kind, format, message_id, 'FORGED', 'forged-identity', imported_at
           FROM statement LIMIT 1;",
    );
    let (code, report) = verify(&workspace);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(report["ok"], false);
    assert_eq!(
        report["first_bad"],
        Value::Null,
        "the chain itself is whole: {report}"
    );
    let said = report["unrecorded"].to_string();
    assert!(
        said.contains("holds 2 statements, its import record 1"),
        "{report}"
    );

    // A whole bank file no import recorded.
    let workspace = with_history();
    tamper(
        &workspace,
        "INSERT INTO source_file (digest_sha256, file_name, format, size_bytes, imported_at, imported_by)
         VALUES ('00ff', 'forged.xml', 'camt.053.001.08', 10, '2026-11-23T09:00:00Z', 'intruder');",
    );
    let (code, report) = verify(&workspace);
    assert_eq!(code, Some(1), "{report}");
    let said = report["unrecorded"].to_string();
    assert!(
        said.contains("(forged.xml) has no import record"),
        "{report}"
    );
    assert!(
        report["problem"]
            .as_str()
            .unwrap()
            .contains("without an audit record"),
        "{report}"
    );
}

#[test]
fn a_payment_move_an_approval_or_a_match_written_behind_cashlines_back_is_named_as_unrecorded() {
    let workspace = with_history();
    let run = workspace.write(
        "run.csv",
        b"id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference\n\
          P1,E2E-P1,DE89370400440532013000,Fabrikam,NL91ABNA0417164300,ABNANL2A,500.00,EUR,2026-11-24,INV-1\n",
    );
    assert!(workspace
        .run(&["payments", "import", run.to_str().unwrap()])
        .status
        .success());
    let approved = workspace
        .command_as("approver")
        .args(["payments", "approve", "P1"])
        .output()
        .unwrap();
    assert!(
        approved.status.success(),
        "{}",
        String::from_utf8_lossy(&approved.stderr)
    );
    let (code, report) = verify(&workspace);
    assert_eq!(
        code,
        Some(0),
        "moves and approvals made by Cashline are recorded: {report}"
    );

    let forgeries = [
        (
            "INSERT INTO payment_approval (payment_id, approved_by, approved_at)
             SELECT id, 'intruder', '2026-11-23T09:30:00Z' FROM payment WHERE external_id = 'P1';",
            "the approval of P1 by intruder has no audit record",
        ),
        (
            "INSERT INTO payment_event (payment_id, from_state, state, applied, occurred_at, source,
                                        correlation_id, recorded_by)
             SELECT id, 'approved', 'sent', 1, '2026-11-23T09:31:00Z', 'user', 'forged', 'intruder'
               FROM payment WHERE external_id = 'P1';",
            "(P1 sent) has no audit record",
        ),
        (
            "INSERT INTO recon_match (rule, confidence_text, state, currency, decided_by, created_at, decided_at)
             VALUES ('manual', '1', 'confirmed', 'EUR', 'intruder', '2026-11-23T09:32:00Z', '2026-11-23T09:32:00Z');",
            "(confirmed) has no audit record",
        ),
    ];
    for (sql, words) in forgeries {
        let forged = crate::support::copy_workspace(&workspace);
        tamper(&forged, sql);
        let (code, report) = verify(&forged);
        assert_eq!(code, Some(1), "{words}: {report}");
        assert_eq!(
            report["first_bad"],
            Value::Null,
            "the chain itself is whole: {report}"
        );
        assert!(
            report["unrecorded"].to_string().contains(words),
            "{words}: {report}"
        );
    }
}

#[test]
fn an_audited_row_deleted_with_its_record_is_found() {
    // The last change (a rate) undone behind Cashline's back, record and all: the anchor
    // counts one record more than the log holds.
    let workspace = with_history();
    let last = *ids(&workspace).last().unwrap();
    tamper(
        &workspace,
        "DELETE FROM fx_rate WHERE quote_currency = 'GBP';
         DELETE FROM audit_record WHERE id = (SELECT max(id) FROM audit_record);",
    );
    fails(&workspace, last, "the last 1 are gone");

    // An entity from the middle of the log, record and all: the chain breaks after it.
    let workspace = with_history();
    let ids = ids(&workspace);
    let (position, _) = crate::support::rows_behind(
        workspace.dir.path(),
        "SELECT id || ' ' || action FROM audit_record ORDER BY id",
    )
    .into_iter()
    .enumerate()
    .find(|(_, row)| row.ends_with(" entity.save"))
    .expect("the entity's record");
    tamper(
        &workspace,
        &format!(
            "DELETE FROM entity WHERE code = 'NW';
             DELETE FROM audit_record WHERE id = {};",
            ids[position]
        ),
    );
    fails(
        &workspace,
        ids[position + 1],
        "does not follow the record before it",
    );
}
