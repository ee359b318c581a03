//! The kill-9 harness: imports, bank syncs and reconciliation runs killed (SIGKILL, as a power cut would
//! leave them) at random moments, then the invariants checked: no partial file or
//! statement, no lost or doubled entry, no match without its entries and items, the audit
//! chain verifying, and, once the work is run again, everything equal to a run never killed.
//! Payment export and payment sending have their own harnesses (payments.rs and
//! connections.rs) under the same count: `CASHLINE_CRASH_KILLS` per kind, `scripts/crash N`.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use cashline_demo::recon_set::labelled_set;

use crate::recon::{load, today};
use crate::support::{copy_workspace, crash_kills, rows_behind, KillDelays, Workspace};

/// Each file in the ledger with the entries it brought, in import order.
const PER_FILE: &str = "SELECT sf.file_name || ' ' || sf.entries_count || ' ' ||
        (SELECT count(*) FROM entry e JOIN statement s ON e.statement_id = s.id
          WHERE s.source_file_id = sf.id) || ' ' ||
        (SELECT count(*) FROM statement s WHERE s.source_file_id = sf.id)
   FROM source_file sf ORDER BY sf.id";

/// Matches that lack their entries or their items.
const HALF_MATCHES: &str = "SELECT 'match ' || m.id FROM recon_match m
  WHERE NOT EXISTS (SELECT 1 FROM recon_match_entry WHERE match_id = m.id)
     OR NOT EXISTS (SELECT 1 FROM recon_match_item WHERE match_id = m.id)";

fn spawn(workspace: &Workspace, args: &[&str]) -> Child {
    workspace
        .command()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Runs `args` to its end and says how long it took, so kills can fall across all of it.
fn timed(workspace: &Workspace, args: &[&str]) -> Duration {
    let started = Instant::now();
    let output = workspace.run(args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    started.elapsed()
}

/// Starts `args` and kills it after a random part of `span`; whether the kill cut it short.
/// `span` follows what the kills find, so that on a machine busier or idler than when the clean
/// run was timed, the kills still fall across the work and not after it.
fn killed(
    workspace: &Workspace,
    args: &[&str],
    span: &mut Duration,
    delays: &mut KillDelays,
) -> bool {
    let mut child = spawn(workspace, args);
    let micros = span.as_micros() as u64 * 5 / 4 + 1;
    std::thread::sleep(Duration::from_micros(delays.below(micros)));
    let ended = matches!(child.try_wait(), Ok(Some(_)));
    let _ = child.kill();
    let _ = child.wait();
    // Narrowed a quarter after a kill too late, widened a twentieth after one in time: about
    // six kills in seven then fall while the work runs, spread over all of it.
    *span = if ended {
        *span * 3 / 4
    } else {
        *span * 21 / 20
    };
    !ended
}

/// Runs the killed work again to its end: the rows `sql` reads and the positions are then a
/// clean run's, and the audit chain verifies.
fn rerun_equals_clean(
    workspace: &Workspace,
    args: &[&str],
    sql: &str,
    (clean_rows, clean_positions): (&[String], &serde_json::Value),
    kill: usize,
) {
    let output = workspace.run(args);
    assert!(
        output.status.success(),
        "kill {kill}: the rerun failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        rows_behind(workspace.dir.path(), sql),
        clean_rows,
        "kill {kill}"
    );
    assert_eq!(
        &workspace.json(&["positions", "--json"]),
        clean_positions,
        "kill {kill}"
    );
    audit_verifies(workspace, &format!("kill {kill}, rerun"));
}

fn audit_verifies(workspace: &Workspace, what: &str) {
    let report = workspace.json(&["audit", "verify", "--json"]);
    assert_eq!(report["ok"], true, "{what}: {report}");
}

#[test]
fn imports_killed_at_random_leave_whole_files_or_none_and_a_rerun_equals_a_clean_one() {
    let kills = crash_kills();
    let mut delays = KillDelays::from_env(20_261_207);
    let folder = Workspace::new();
    let files =
        cashline_demo::write_files(&folder.dir.path().join("statements"), today(), 15).unwrap();
    let paths: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let mut import = vec!["import"];
    import.extend(&paths);

    let clean = Workspace::new();
    let mut span = timed(&clean, &import);
    let clean_files = rows_behind(clean.dir.path(), PER_FILE);
    let clean_positions = clean.json(&["positions", "--json"]);
    assert_eq!(clean_files.len(), files.len());

    let mut cut_short = 0;
    for kill in 0..kills {
        let workspace = Workspace::new();
        // The ledger made first: what is killed is the import, not the first migration.
        workspace.json(&["positions", "--json"]);
        cut_short += usize::from(killed(&workspace, &import, &mut span, &mut delays));
        // What a killed import left: whole files, in order, each with every statement and
        // entry a clean import gives it; never part of one.
        let left = rows_behind(workspace.dir.path(), PER_FILE);
        assert!(
            clean_files.starts_with(&left),
            "kill {kill}: the ledger holds\n{}\nwhere a clean import holds\n{}",
            left.join("\n"),
            clean_files.join("\n")
        );
        audit_verifies(&workspace, &format!("kill {kill}"));
        // Run again: the files already in are duplicates, the rest go in, nothing twice.
        rerun_equals_clean(
            &workspace,
            &import,
            PER_FILE,
            (&clean_files, &clean_positions),
            kill,
        );
    }
    eprintln!("imports: {kills} kills, {cut_short} while the import ran, invariants held");
    assert!(
        cut_short * 2 >= kills,
        "most kills fall while the import runs"
    );
}

#[test]
fn reconciliation_runs_killed_at_random_leave_no_half_match_and_a_rerun_equals_a_clean_one() {
    let kills = crash_kills();
    let mut delays = KillDelays::from_env(20_261_208);
    let base = Workspace::new();
    let set = labelled_set(today(), 2026, 6, 15);
    load(&base, &set);
    let truth = base.write("truth.json", set.truth_json.as_bytes());
    let evaluate = [
        "recon",
        "evaluate",
        "--truth",
        truth.to_str().unwrap(),
        "--json",
    ];

    let clean = copy_workspace(&base);
    let mut span = timed(&clean, &["recon", "run"]);
    let clean_judged = clean.json(&evaluate);
    let clean_positions = clean.json(&["positions", "--json"]);

    let mut cut_short = 0;
    for kill in 0..kills {
        let workspace = copy_workspace(&base);
        cut_short += usize::from(killed(
            &workspace,
            &["recon", "run"],
            &mut span,
            &mut delays,
        ));
        let half = rows_behind(workspace.dir.path(), HALF_MATCHES);
        assert!(half.is_empty(), "kill {kill}: {half:?}");
        audit_verifies(&workspace, &format!("kill {kill}"));
        let output = workspace.run(&["recon", "run"]);
        assert!(output.status.success(), "kill {kill}: the rerun failed");
        assert_eq!(workspace.json(&evaluate), clean_judged, "kill {kill}");
        assert_eq!(
            workspace.json(&["positions", "--json"]),
            clean_positions,
            "kill {kill}"
        );
        audit_verifies(&workspace, &format!("kill {kill}, rerun"));
    }
    eprintln!("reconciliation: {kills} kills, {cut_short} while the run ran, invariants held");
    assert!(
        cut_short * 2 >= kills,
        "most kills fall while the run runs ({cut_short} of {kills})"
    );
}

/// Every entry as `account bank_ref amount status`, in a fixed order.
const ENTRIES: &str =
    "SELECT a.account_key || ' ' || e.bank_ref || ' ' || e.amount_minor || ' ' || e.status
   FROM entry e JOIN account a ON a.id = e.account_id ORDER BY a.account_key, e.bank_ref, e.status";

/// An entry held twice: one bank reference of one account in two rows.
const DOUBLED: &str = "SELECT a.account_key || ' ' || e.bank_ref FROM entry e
   JOIN account a ON a.id = e.account_id GROUP BY e.account_id, e.bank_ref HAVING count(*) > 1";

#[test]
fn syncs_killed_at_random_lose_and_double_no_entry_and_a_rerun_equals_a_clean_sync() {
    use crate::connections::{add_connection, BankSim};

    let kills = crash_kills();
    let mut delays = KillDelays::from_env(20_261_208);
    // One bank; each kill works on a copy of a ledger whose consent was approved once. A
    // consent allows at most 100 reads a day, three syncs' worth a kill at most, so a long
    // run takes a new consent every 30 kills.
    const KILLS_PER_CONSENT: usize = 30;
    let sim_home = Workspace::new();
    let sim = BankSim::start(&sim_home, &["--auto-consent"]);
    let consented = || {
        let template = Workspace::new();
        add_connection(&template, "Simbank", &sim, &["--reads-per-day", "100"]);
        template
    };
    let mut template = consented();

    let clean = copy_workspace(&template);
    let mut span = timed(&clean, &["sync", "--json"]);
    let clean_entries = rows_behind(clean.dir.path(), ENTRIES);
    let clean_positions = clean.json(&["positions", "--json"]);
    assert!(
        clean_entries.len() > 20,
        "the bank's entries: {}",
        clean_entries.len()
    );

    let mut cut_short = 0;
    for kill in 0..kills {
        if kill > 0 && kill % KILLS_PER_CONSENT == 0 {
            template = consented();
        }
        let workspace = copy_workspace(&template);
        cut_short += usize::from(killed(
            &workspace,
            &["sync", "--json"],
            &mut span,
            &mut delays,
        ));
        // What a killed sync left: some of the bank's entries or none, each once, each as the
        // bank gave it.
        assert_eq!(
            rows_behind(workspace.dir.path(), DOUBLED),
            Vec::<String>::new(),
            "kill {kill}"
        );
        let left = rows_behind(workspace.dir.path(), ENTRIES);
        let stray: Vec<&String> = left.iter().filter(|e| !clean_entries.contains(e)).collect();
        assert!(
            stray.is_empty(),
            "kill {kill}: entries no clean sync holds: {stray:?}"
        );
        audit_verifies(&workspace, &format!("kill {kill}"));
        // The next sync completes the work: all entries, once, and the same positions.
        rerun_equals_clean(
            &workspace,
            &["sync", "--json"],
            ENTRIES,
            (&clean_entries, &clean_positions),
            kill,
        );
    }
    eprintln!("syncs: {kills} kills, {cut_short} while the sync ran, invariants held");
    assert!(
        cut_short * 2 >= kills,
        "most kills fall while the sync runs"
    );
}
