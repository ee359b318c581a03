//! `recon`: reconciliation at scale (issue 9). (a) the matcher itself on 1,000,000 entries and
//! 1,000,000 items held in memory, every rule enabled, beside a bare `FxHashMap` exact-reference
//! join of the same data; (b) a whole `recon run` on a ledger of that size (read, match, write
//! the matches and their effects), beside one rusqlite prepared insert of the same match rows
//! into the same schema; (c) incremental runs: 1,000 and 10,000 new entries against a ledger of
//! that size whose entries are all reconciled. Each part runs in a process of its own, so its
//! peak memory (`VmHWM`) is its own.

use std::path::Path;
use std::time::Instant;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rusqlite::{params, Connection};
use rustc_hash::FxHashMap;
use serde_json::json;

use cashline_domain::Currency;
use cashline_engine::recon::rule::{params_of, Rule, RuleKind};
use cashline_engine::recon::run::{run as recon_run, RunOptions};
use cashline_engine::recon::{
    EntryFacts, Matcher, Memory, Target, TargetId, TargetKind, Thresholds,
};
use cashline_ledger::Ledger;

use crate::generate::Rng;
use crate::import::remove_database;
use crate::report::{self, median, ratio, verdict, Table};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    #[arg(long, default_value_t = 1_000_000)]
    pub entries: usize,
    /// Timed runs of the in-memory matcher and of its peer (median).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    #[arg(long, default_value_t = 20_261_203)]
    pub seed: u64,
    /// Run one part in this process (`a`, `b`, `c-prep` or `c`) and write its JSON; without
    /// it each part runs in a process of its own, so each peak memory is that part's alone.
    #[arg(long, hide = true)]
    pub part: Option<String>,
}

/// Targets: (a) and (b) within this many times their peers; (c) under one second.
const TARGET_RATIO: f64 = 3.0;
const TARGET_INCREMENTAL_SECONDS: f64 = 1.0;
const CUSTOMERS: usize = 50_000;

fn eur() -> Currency {
    Currency::EUR
}

fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 2).expect("a date")
}

/// One generated line pair: what the entry says and what its item says.
struct Case {
    amount_minor: i64,
    day: NaiveDate,
    due: NaiveDate,
    customer: usize,
    /// `end_to_end_id`, `invoice_number`, `iban_amount_date`, `creditor_reference` or `none`.
    kind: &'static str,
    reference: String,
}

fn iban_of(customer: usize) -> String {
    // Valid-looking enough for matching, which compares IBANs as text; never validated here.
    format!("NL{:02}BANK{:010}", customer % 97, customer)
}

fn rf_of(i: usize) -> String {
    let body = format!("{i:012}");
    let rearranged = format!("{body}RF00");
    let mut remainder: u64 = 0;
    for c in rearranged.chars() {
        let value = u64::from(c.to_digit(36).expect("alphanumeric"));
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    format!("RF{:02}{body}", 98 - remainder)
}

/// `noise`: one line in ten an entry no item explains (and an item no entry pays), one in ten
/// found by IBAN, amount and date only (a suggestion); without it every line is matched
/// automatically, as a ledger already reconciled is.
fn cases(count: usize, seed: u64, offset: usize, noise: bool) -> Vec<Case> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|n| {
            let i = n + offset;
            let kind = match (i % 10, noise) {
                (0..=4, _) | (5, false) => "end_to_end_id",
                (5 | 6, true) | (6 | 7, false) => "invoice_number",
                (7, true) => "iban_amount_date",
                (8, _) | (9, false) => "creditor_reference",
                _ => "none",
            };
            let day = day0() + Duration::days(i64::try_from(rng.below(20)).expect("small"));
            Case {
                // Unique amounts per customer in the IBAN cases: each index gets its own cents.
                amount_minor: i64::try_from(rng.below(5_000_000) * 100 + (i as u64 % 100))
                    .expect("small")
                    + 100,
                day,
                due: day - Duration::days(i64::try_from(rng.below(5)).expect("small")),
                customer: usize::try_from(rng.below(CUSTOMERS as u64)).expect("small"),
                kind,
                reference: match kind {
                    "end_to_end_id" => format!("E2E{i:010}"),
                    "invoice_number" => format!("INV-{i:010}"),
                    "creditor_reference" => rf_of(i),
                    _ => format!("Q{i:010}"),
                },
            }
        })
        .collect()
}

fn entry_of(i: usize, case: &Case) -> EntryFacts {
    let (end_to_end_id, remittance, creditor_reference) = match case.kind {
        "end_to_end_id" => (
            Some(case.reference.clone()),
            Some("Thank you".to_string()),
            None,
        ),
        "invoice_number" => (
            None,
            Some(format!(
                "Payment of invoice {} with thanks",
                case.reference.replace('-', " ")
            )),
            None,
        ),
        "creditor_reference" => (
            None,
            Some("Invoice".to_string()),
            Some(case.reference.clone()),
        ),
        "iban_amount_date" => (None, Some("Payment".to_string()), None),
        _ => (None, Some("Account maintenance fee".to_string()), None),
    };
    EntryFacts {
        id: i64::try_from(i).expect("small") + 1,
        bank_ref: format!("B{i:010}"),
        account_id: 1,
        amount_minor: case.amount_minor,
        currency: eur(),
        booking_date: Some(case.day),
        value_date: Some(case.day),
        pending: false,
        end_to_end_id,
        counterparty_name: Some(format!("Customer {}", case.customer)),
        counterparty_iban: (case.kind != "none").then(|| iban_of(case.customer)),
        remittance,
        creditor_reference,
        entry_ref: None,
        bank_transaction_code: Some("PMNT/RCDT/ESCT".into()),
        details: Vec::new(),
    }
}

fn target_of(i: usize, case: &Case) -> Target {
    Target {
        id: TargetId::Item(i64::try_from(i).expect("small") + 1),
        kind: TargetKind::Receivable,
        external_id: format!("AR{i:010}"),
        counterparty_name: Some(format!("Customer {}", case.customer)),
        counterparty_iban: Some(iban_of(case.customer)),
        // The items no entry pays differ in amount, so they are decoys only by party.
        open_minor: if case.kind == "none" {
            case.amount_minor + 7
        } else {
            case.amount_minor
        },
        currency: eur(),
        due_date: Some(case.due),
        reference: Some(case.reference.clone()),
        end_to_end_id: None,
    }
}

fn default_rules() -> Vec<Rule> {
    RuleKind::ALL
        .iter()
        .filter(|k| **k != RuleKind::Custom)
        .enumerate()
        .map(|(i, kind)| Rule {
            name: kind.as_str().into(),
            kind: *kind,
            position: i64::try_from(i).expect("small") + 1,
            enabled: true,
            params: params_of(kind.as_str(), *kind, &json!({})).expect("defaults"),
        })
        .collect()
}

/// (a): the matcher against a bare join, on the same data in memory.
fn in_memory(args: &Args) -> serde_json::Value {
    let cases = cases(args.entries, args.seed, 0, true);
    let entries: Vec<EntryFacts> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| entry_of(i, c))
        .collect();
    let targets: Vec<Target> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| target_of(i, c))
        .collect();
    let rules = default_rules();
    let memory = Memory::default();
    let mut ours = Vec::new();
    let mut indexing = Vec::new();
    let mut peer = Vec::new();
    let mut auto = 0;
    let mut joined = 0;
    for _ in 0..args.runs.max(1) {
        let start = Instant::now();
        let matcher = Matcher::new(&targets, &rules, &memory, Thresholds::default());
        indexing.push(start.elapsed().as_secs_f64());
        let outcome = matcher.run(&entries);
        ours.push(start.elapsed().as_secs_f64());
        auto = outcome
            .proposals
            .iter()
            .filter(|p| p.state == cashline_domain::MatchState::Auto)
            .count();
        let start = Instant::now();
        // The peer: one map from reference to item, probed with each entry's end-to-end id
        // or structured reference.
        let mut by_reference: FxHashMap<&str, u32> = FxHashMap::default();
        by_reference.reserve(targets.len());
        for (i, t) in targets.iter().enumerate() {
            if let Some(r) = &t.reference {
                by_reference.insert(r.as_str(), u32::try_from(i).expect("small"));
            }
        }
        let pairs: Vec<(u32, u32)> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let key = e
                    .end_to_end_id
                    .as_deref()
                    .or(e.creditor_reference.as_deref())?;
                by_reference
                    .get(key)
                    .map(|t| (u32::try_from(i).expect("small"), *t))
            })
            .collect();
        peer.push(start.elapsed().as_secs_f64());
        joined = pairs.len();
    }
    json!({
        "matcher_seconds": median(&ours),
        "indexing_seconds": median(&indexing),
        "join_seconds": median(&peer),
        "peak_mib": crate::memory::own_peak_mib(),
        "auto": auto,
        "joined": joined,
    })
}

/// Fills a fresh ledger (real migrations) with `cases` as entries of one account and as open
/// items, with rusqlite: the data a run reads.
fn fill(db: &Path, cases: &[Case], first_id: usize) -> anyhow::Result<()> {
    let mut connection = Connection::open(db)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    let tx = connection.transaction()?;
    let at = "2026-11-23T08:00:00Z";
    tx.execute("INSERT OR IGNORE INTO account (id, account_key, iban, currency, created_at) VALUES (1, 'NL00BENCH0000000001', 'NL00BENCH0000000001', 'EUR', ?1)", params![at])?;
    tx.execute("INSERT OR IGNORE INTO source_file (id, digest_sha256, file_name, format, size_bytes, imported_at, imported_by) VALUES (1, 'bench', 'bench', 'camt.053.001.08', 0, ?1, 'bench')", params![at])?;
    tx.execute("INSERT OR IGNORE INTO statement (id, account_id, source_file_id, kind, format, message_id, statement_ref, identity_key, imported_at) VALUES (1, 1, 1, 'end_of_day', 'camt.053.001.08', 'bench', 'bench', 'bench', ?1)", params![at])?;
    {
        let mut entry = tx.prepare(
            "INSERT INTO entry (id, account_id, statement_id, identity_key, booking_date, value_date, amount_minor, currency, status,
                                bank_ref, end_to_end_id, counterparty_name, counterparty_iban, remittance, creditor_reference, created_at)
             VALUES (?1, 1, 1, ?2, ?3, ?3, ?4, 'EUR', 'booked', ?2, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let mut item = tx.prepare(
            "INSERT INTO open_item (id, source, external_id, kind, counterparty_name, counterparty_iban, amount_minor, currency, due_date,
                                    reference, state, imported_at, updated_at)
             VALUES (?1, 'csv', ?2, 'receivable', ?3, ?4, ?5, 'EUR', ?6, ?7, 'open', ?8, ?8)",
        )?;
        for (n, case) in cases.iter().enumerate() {
            let i = n + first_id;
            let e = entry_of(i, case);
            let t = target_of(i, case);
            entry.execute(params![
                e.id,
                e.bank_ref,
                case.day.to_string(),
                e.amount_minor,
                e.end_to_end_id,
                e.counterparty_name,
                e.counterparty_iban,
                e.remittance,
                e.creditor_reference,
                at
            ])?;
            item.execute(params![
                e.id,
                t.external_id,
                t.counterparty_name,
                t.counterparty_iban,
                t.open_minor,
                case.due.to_string(),
                t.reference,
                at
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// A `recon_match` row as the peer copies it: id, rule, confidence, state, difference and its
/// kind, currency, explanation, tentative.
type MatchRow = (
    i64,
    String,
    String,
    String,
    i64,
    Option<String>,
    String,
    String,
    i64,
);

/// The peer of (b): the match rows the run wrote, read back, inserted into `fresh` (the same
/// schema, before the run) with rusqlite prepared statements in one transaction.
fn insert_same_rows(written: &Path, fresh: &Path) -> anyhow::Result<(f64, usize)> {
    let source = Connection::open(written)?;
    let matches: Vec<MatchRow> = source
        .prepare("SELECT id, rule, confidence_text, state, difference_minor, difference_kind, currency, explanation_json, tentative FROM recon_match ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)))?
        .collect::<Result<_, _>>()?;
    let entries: Vec<(i64, i64)> = source
        .prepare("SELECT match_id, entry_id FROM recon_match_entry")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let items: Vec<(i64, Option<i64>, Option<i64>, i64)> = source
        .prepare("SELECT match_id, open_item_id, payment_id, settled_minor FROM recon_match_item")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let mut connection = Connection::open(fresh)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.pragma_update(
        None,
        "cache_size",
        format!("-{}", cashline_ledger::PAGE_CACHE_KIB),
    )?;
    let start = Instant::now();
    let tx = connection.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO recon_match (id, rule, confidence_text, state, difference_minor, difference_kind, currency, explanation_json, created_at, tentative)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '2026-11-23T08:00:00Z', ?9)",
        )?;
        for m in &matches {
            insert.execute(params![m.0, m.1, m.2, m.3, m.4, m.5, m.6, m.7, m.8])?;
        }
        let mut insert =
            tx.prepare("INSERT INTO recon_match_entry (match_id, entry_id) VALUES (?1, ?2)")?;
        for e in &entries {
            insert.execute(params![e.0, e.1])?;
        }
        let mut insert = tx.prepare("INSERT INTO recon_match_item (match_id, open_item_id, payment_id, settled_minor) VALUES (?1, ?2, ?3, ?4)")?;
        for i in &items {
            insert.execute(params![i.0, i.1, i.2, i.3])?;
        }
    }
    tx.commit()?;
    Ok((start.elapsed().as_secs_f64(), matches.len()))
}

fn options(user: &str) -> RunOptions<'_> {
    RunOptions {
        dry_run: false,
        user,
        now: Utc
            .with_ymd_and_hms(2026, 11, 23, 8, 0, 0)
            .single()
            .expect("a time"),
        today: NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date"),
    }
}

fn part_path(out_dir: &Path, part: &str) -> std::path::PathBuf {
    out_dir.join(format!("recon-part-{part}.json"))
}

/// One part, in this process: its figures as JSON in `out_dir`.
async fn part(args: &Args, out_dir: &Path, part: &str) -> anyhow::Result<()> {
    let db = out_dir.join("recon-ledger.sqlite");
    let fresh = out_dir.join("recon-peer.sqlite");
    let reconciled = out_dir.join("recon-reconciled.sqlite");
    let result = match part {
        "a" => in_memory(args),
        "b" => {
            for path in [&db, &fresh] {
                remove_database(path);
                Ledger::open(path).await?.close().await;
            }
            fill(&db, &cases(args.entries, args.seed, 0, true), 0)?;
            fill(&fresh, &cases(args.entries, args.seed, 0, true), 0)?;
            let ledger = Ledger::open(&db).await?;
            let start = Instant::now();
            let report = recon_run(&ledger, &options("bench")).await?;
            let run_s = start.elapsed().as_secs_f64();
            let peak = crate::memory::own_peak_mib();
            ledger.close().await;
            let (insert_s, rows) = insert_same_rows(&db, &fresh)?;
            for path in [&db, &fresh] {
                remove_database(path);
            }
            json!({"run_seconds": run_s, "insert_seconds": insert_s, "match_rows": rows, "peak_mib": peak, "auto": report.auto, "suggested": report.suggested})
        }
        // A ledger whose entries are all reconciled, for (c).
        "c-prep" => {
            remove_database(&reconciled);
            Ledger::open(&reconciled).await?.close().await;
            fill(
                &reconciled,
                &cases(args.entries, args.seed + 1, 0, false),
                0,
            )?;
            let ledger = Ledger::open(&reconciled).await?;
            let report = recon_run(&ledger, &options("bench")).await?;
            ledger.close().await;
            json!({"auto": report.auto})
        }
        // New entries (one in ten unexplained, as in life) in two batches.
        "c" => {
            let mut runs = Vec::new();
            let mut offset = args.entries;
            for new in [1_000_usize, 10_000] {
                fill(
                    &reconciled,
                    &cases(new, args.seed + new as u64, offset, true),
                    offset,
                )?;
                offset += new;
                let ledger = Ledger::open(&reconciled).await?;
                let start = Instant::now();
                let report = recon_run(&ledger, &options("bench")).await?;
                let seconds = start.elapsed().as_secs_f64();
                ledger.close().await;
                runs.push(json!({"new": new, "seconds": seconds, "examined": report.examined, "auto": report.auto, "reconciled_before": offset - new}));
            }
            remove_database(&reconciled);
            json!({"runs": runs, "peak_mib": crate::memory::own_peak_mib()})
        }
        other => anyhow::bail!("there is no part '{other}' (a, b, c-prep, c)"),
    };
    std::fs::write(
        part_path(out_dir, part),
        serde_json::to_string_pretty(&result)?,
    )?;
    Ok(())
}

pub async fn run(args: &Args, out_dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out_dir)?;
    if let Some(name) = &args.part {
        return part(args, out_dir, name).await;
    }
    let mut parts = serde_json::Map::new();
    for name in ["a", "b", "c-prep", "c"] {
        println!("recon: part {name} ({} entries)…", args.entries);
        let status = std::process::Command::new(std::env::current_exe()?)
            .arg("--out")
            .arg(out_dir)
            .args([
                "recon",
                "--entries",
                &args.entries.to_string(),
                "--runs",
                &args.runs.to_string(),
                "--seed",
                &args.seed.to_string(),
                "--part",
                name,
            ])
            .status()?;
        anyhow::ensure!(status.success(), "recon part {name} failed ({status})");
        let text = std::fs::read_to_string(part_path(out_dir, name))?;
        parts.insert(name.to_string(), serde_json::from_str(&text)?);
        let _ = std::fs::remove_file(part_path(out_dir, name));
    }
    let f = |part: &str, key: &str| parts[part][key].as_f64().unwrap_or(f64::NAN);
    let u = |part: &str, key: &str| parts[part][key].as_u64().unwrap_or(0);
    let (matcher_s, join_s, run_s, insert_s) = (
        f("a", "matcher_seconds"),
        f("a", "join_seconds"),
        f("b", "run_seconds"),
        f("b", "insert_seconds"),
    );
    let thousands = args.entries / 1000;
    let mut table = Table::new(&[
        "part",
        "Cashline",
        "peer",
        "peer time",
        "ratio",
        "target",
        "",
        "peak RSS",
    ]);
    table.row(vec![
        format!(
            "(a) match {thousands}k entries × {thousands}k items in memory ({} automatic)",
            u("a", "auto")
        ),
        format!("{matcher_s:.2} s"),
        format!("bare FxHashMap join ({} pairs)", u("a", "joined")),
        format!("{join_s:.2} s"),
        ratio(matcher_s, join_s),
        format!("≤ {TARGET_RATIO}×"),
        verdict(matcher_s <= TARGET_RATIO * join_s),
        format!("{:.0} MiB", f("a", "peak_mib")),
    ]);
    table.row(vec![
        format!("(b) `recon run` on a ledger of {thousands}k entries and items ({} automatic, {} suggested, {} match rows)", u("b", "auto"), u("b", "suggested"), u("b", "match_rows")),
        format!("{run_s:.2} s"),
        "rusqlite prepared insert of the same rows".into(),
        format!("{insert_s:.2} s"),
        ratio(run_s, insert_s),
        format!("≤ {TARGET_RATIO}×"),
        verdict(run_s <= TARGET_RATIO * insert_s),
        format!("{:.0} MiB", f("b", "peak_mib")),
    ]);
    for run in parts["c"]["runs"].as_array().cloned().unwrap_or_default() {
        let seconds = run["seconds"].as_f64().unwrap_or(f64::NAN);
        table.row(vec![
            format!(
                "(c) {} new entries, {} reconciled before ({} examined, {} automatic)",
                run["new"], run["reconciled_before"], run["examined"], run["auto"]
            ),
            format!("{seconds:.3} s"),
            "—".into(),
            "—".into(),
            "—".into(),
            format!("< {TARGET_INCREMENTAL_SECONDS} s"),
            verdict(seconds < TARGET_INCREMENTAL_SECONDS),
            format!("{:.0} MiB (both runs)", f("c", "peak_mib")),
        ]);
    }
    report::publish(
        out_dir,
        "recon",
        "Reconciliation (issue 9)",
        &[&table],
        serde_json::Value::Object(parts),
    )
}
