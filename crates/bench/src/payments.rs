//! `payments`: listing payments with their timelines (issue 10). A ledger (real migrations) holds
//! 100,000 payments in runs of 1,000, each with its events (imported, validated, approved, sent,
//! the bank's pain.002 statuses, a camt.054 settlement, refused moves; five on average), the
//! validation issues of those still held, their approvals and the open exceptions of the
//! rejected ones. Timed: `Service::payments_filtered`, the read `cashline payments list --json`
//! makes (all payments; one run, `--run`; one state, `--state rejected`), and the pretty JSON
//! the CLI prints of it. The peer, the floor: bare rusqlite on the same file reading the same
//! payments joined with their events (and the same issues, approvals and cases) into plain
//! structs of strings. Both run in turn, run by run. The same at 10,000 payments shows whether
//! the read grows with the payments or faster. Peak memory (`VmHWM`) of one full list, and of
//! one peer read, each in a process of its own.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rusqlite::{params, Connection};
use rustc_hash::FxHashMap;
use serde_json::json;

use cashline_domain::FixedClock;
use cashline_ledger::Ledger;
use cashline_service::request::PaymentsQuery;
use cashline_service::{Service, ServiceConfig};

use crate::generate::Rng;
use crate::import::remove_database;
use crate::report::{self, median, ratio, Table};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    #[arg(long, default_value_t = 100_000)]
    pub payments: usize,
    /// The smaller ledger, for the scaling factor.
    #[arg(long, default_value_t = 10_000)]
    pub small: usize,
    /// Timed reads of each kind, ours and the peer's in turn (median), after one warm-up.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    #[arg(long, default_value_t = 20_261_210)]
    pub seed: u64,
    /// Run one part in this process (`time`, `peak-ours` or `peak-peer`) on the ledger of
    /// `--payments` payments and write its JSON.
    #[arg(long, hide = true)]
    pub part: Option<String>,
    /// Keep the generated ledgers (`payments-N.sqlite` in `--out`), for `cashline-bench sql`.
    #[arg(long)]
    pub keep: bool,
}

/// Payments per run, as an ERP sends them.
const RUN_SIZE: usize = 1_000;
/// The state the filtered read asks for (one payment in ten).
const STATE: &str = "rejected";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date")
}

fn ledger_path(out_dir: &Path, payments: usize) -> PathBuf {
    out_dir.join(format!("payments-{payments}.sqlite"))
}

/// One event as seeded: to state, applied, refusal, ISO status, reason code, source, file.
type Step = (
    &'static str,
    bool,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    Option<i64>,
);

const PAIN002: Option<i64> = Some(2);
const CAMT054: Option<i64> = Some(3);

/// A payment's life by its index: its state now and its events, in order.
fn life(i: usize) -> (&'static str, Vec<Step>) {
    let imported: Step = ("imported", true, None, None, None, "csv", Some(1));
    let validated: Step = ("validated", true, None, None, None, "csv", None);
    let approved: Step = ("approved", true, None, None, None, "user", None);
    let sent: Step = ("sent", true, None, None, None, "export", None);
    let actc: Step = (
        "acknowledged",
        true,
        None,
        Some("ACTC"),
        None,
        "pain.002",
        PAIN002,
    );
    match i % 10 {
        0 | 1 => ("sent", vec![imported, validated, approved, sent]),
        2 | 3 => (
            "acknowledged",
            vec![imported, validated, approved, sent, actc],
        ),
        4 | 5 => (
            "accepted",
            vec![
                imported,
                validated,
                approved,
                sent,
                actc,
                (
                    "accepted",
                    true,
                    None,
                    Some("ACSP"),
                    None,
                    "pain.002",
                    PAIN002,
                ),
            ],
        ),
        6 | 7 => (
            "settled",
            vec![
                imported,
                validated,
                approved,
                sent,
                actc,
                ("settled", true, None, None, None, "camt.054", CAMT054),
            ],
        ),
        8 => (
            "rejected",
            vec![
                imported,
                validated,
                approved,
                sent,
                (
                    "rejected",
                    true,
                    None,
                    Some("RJCT"),
                    Some("AC04"),
                    "pain.002",
                    PAIN002,
                ),
            ],
        ),
        // Above the limit: the first approval alone does not move it.
        _ if (i / 10).is_multiple_of(2) => (
            "approved",
            vec![
                imported,
                validated,
                (
                    "approved",
                    false,
                    Some("a second approver is needed above the limit"),
                    None,
                    None,
                    "user",
                    None,
                ),
                approved,
            ],
        ),
        // Held by validation until its issues are put right.
        _ => (
            "imported",
            vec![
                imported,
                (
                    "validated",
                    false,
                    Some("the creditor's IBAN has wrong check digits"),
                    None,
                    None,
                    "csv",
                    None,
                ),
            ],
        ),
    }
}

/// A fresh ledger (real migrations) holding `count` payments and their lives, written with
/// rusqlite in one transaction. Returns the events written.
async fn seed(db: &Path, count: usize, seed: u64) -> anyhow::Result<usize> {
    remove_database(db);
    Ledger::open(db).await?.close().await;
    let mut connection = Connection::open(db)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    let mut rng = Rng::new(seed);
    let at = "2026-11-02T08:00:00Z";
    let tx = connection.transaction()?;
    tx.execute("INSERT INTO account (id, account_key, iban, currency, created_at) VALUES (1, 'DE89370400440532013000', 'DE89370400440532013000', 'EUR', ?1)", params![at])?;
    for (id, name, format) in [
        (1, "run.csv", "csv"),
        (2, "status.pain.002.xml", "pain.002.001.10"),
        (3, "debits.camt.054.xml", "camt.054.001.08"),
    ] {
        tx.execute("INSERT INTO source_file (id, digest_sha256, file_name, format, size_bytes, imported_at, imported_by) VALUES (?1, ?2, ?2, ?3, 0, ?4, 'bench')", params![id, name, format, at])?;
    }
    let mut events = 0;
    {
        let mut run = tx.prepare(
            "INSERT INTO payment_run (id, source, name, correlation_id, created_at, imported_by)
             VALUES (?1, 'csv', ?2, ?2, ?3, 'bench')",
        )?;
        let mut payment = tx.prepare(
            "INSERT INTO payment (id, external_id, erp_reference, instruction_id, end_to_end_id, debtor_account_id,
               debtor_iban, creditor_name, creditor_iban, creditor_bic, amount_minor, currency, requested_date,
               reference, state, prepared_by, approved_by, created_at, updated_at, run_id, payment_info_id, status_at)
             VALUES (?1, ?2, ?2, ?3, ?4, 1, 'DE89370400440532013000', ?5, ?6, ?7, ?8, 'EUR', ?9, ?10, ?11,
                     'prepare', ?12, ?13, ?13, ?14, ?15, ?16)",
        )?;
        let mut event = tx.prepare(
            "INSERT INTO payment_event (payment_id, from_state, state, applied, refusal, iso_status, reason_code,
               reason_text, status_at, occurred_at, source, source_file_id, correlation_id, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        let mut issue = tx.prepare(
            "INSERT INTO payment_issue (payment_id, field, reason, found_at) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut approval = tx.prepare(
            "INSERT INTO payment_approval (payment_id, approved_by, approved_at) VALUES (?1, ?2, ?3)",
        )?;
        let mut case = tx.prepare(
            "INSERT INTO exception_case (kind, subject, state, opened_at, payment_id, amount_minor, currency)
             VALUES ('payment_rejected', ?1, 'open', ?2, ?3, ?4, 'EUR')",
        )?;
        for r in 0..count.div_ceil(RUN_SIZE) {
            run.execute(params![r as i64 + 1, format!("run-{r:04}.csv"), at])?;
        }
        for i in 0..count {
            let id = i as i64 + 1;
            let run_id = (i / RUN_SIZE) as i64 + 1;
            let (state, steps) = life(i);
            let external = format!("PAY-{i:07}");
            let amount = 100 + rng.below(5_000_000) as i64;
            // Requested dates around today: those on their way and past due are overdue.
            let requested = today() + Duration::days(rng.below(30) as i64 - 15);
            let day = (requested - Duration::days(5)).to_string();
            let moved = |n: usize| format!("{day}T{:02}:{:02}:00Z", 8 + n, (i % 60));
            let approved_by = steps
                .iter()
                .any(|s| s.0 == "approved" && s.1)
                .then_some("approve");
            let status_at = steps
                .iter()
                .rev()
                .find(|s| s.3.is_some())
                .map(|_| moved(steps.len()));
            payment.execute(params![
                id,
                external,
                format!("INSTR-{i:07}"),
                format!("E2E-{i:07}"),
                format!("Supplier {}", rng.below(5_000)),
                format!("DE{:020}", rng.below(u64::MAX / 2)),
                (i % 3 == 0).then_some("COBADEFFXXX"),
                amount,
                requested.to_string(),
                (i % 2 == 0).then(|| format!("INV-{i:07}")),
                state,
                approved_by,
                at,
                run_id,
                format!("PMTINF-{run_id:04}"),
                status_at,
            ])?;
            let mut from: Option<&str> = None;
            for (n, step) in steps.iter().enumerate() {
                let (to, applied, refusal, iso, reason, source, file) = *step;
                event.execute(params![
                    id,
                    from,
                    to,
                    i64::from(applied),
                    refusal,
                    iso,
                    reason,
                    reason.map(|_| "Account number invalid or missing"),
                    iso.map(|_| moved(n)),
                    moved(n),
                    source,
                    file,
                    format!("corr-{run_id:04}-{n}"),
                    if source == "user" { "approve" } else { "bench" },
                ])?;
                if applied {
                    from = Some(to);
                }
                events += 1;
            }
            if state == "imported" {
                issue.execute(params![id, "creditor_iban", "wrong check digits", at])?;
                issue.execute(params![id, "requested_date", "a bank holiday", at])?;
            }
            if approved_by.is_some() {
                approval.execute(params![id, "approve", moved(2)])?;
                if i % 10 == 9 {
                    approval.execute(params![id, "second", moved(3)])?;
                }
            }
            if state == "rejected" {
                case.execute(params![external, at, id, amount])?;
            }
        }
    }
    tx.commit()?;
    Ok(events)
}

async fn service(db: &Path) -> anyhow::Result<Service> {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("a time");
    Ok(Service::open(ServiceConfig {
        db_path: db.to_path_buf(),
        user: "bench".into(),
        clock: Arc::new(FixedClock(now)),
    })
    .await?)
}

/// What a read asks for: everything, one run, or one state.
#[derive(Clone, Copy)]
enum Filter {
    All,
    Run(i64),
    State(&'static str),
}

impl Filter {
    fn query(self) -> PaymentsQuery {
        match self {
            Filter::All => PaymentsQuery::default(),
            Filter::Run(run) => PaymentsQuery {
                run: Some(run),
                ..PaymentsQuery::default()
            },
            Filter::State(state) => PaymentsQuery {
                state: Some(state.to_string()),
                ..PaymentsQuery::default()
            },
        }
    }
}

/// The peer's plain structs: every column as SQLite gives it.
#[allow(dead_code)]
struct PlainPayment {
    id: i64,
    external_id: String,
    end_to_end_id: String,
    debtor_iban: String,
    creditor_name: String,
    creditor_iban: String,
    amount_minor: i64,
    currency: String,
    requested_date: String,
    reference: Option<String>,
    state: String,
    prepared_by: String,
    approved_by: Option<String>,
    run_id: Option<i64>,
    payment_info_id: Option<String>,
    status_at: Option<String>,
    instruction_id: Option<String>,
    export_id: Option<i64>,
    creditor_bic: Option<String>,
    events: Vec<PlainEvent>,
    issues: Vec<(String, String)>,
    approvals: Vec<String>,
    cases: Vec<(String, String)>,
}

#[allow(dead_code)]
struct PlainEvent {
    from_state: Option<String>,
    state: String,
    applied: i64,
    refusal: Option<String>,
    iso_status: Option<String>,
    reason_code: Option<String>,
    reason_text: Option<String>,
    status_at: Option<String>,
    occurred_at: String,
    source: String,
    source_file: Option<String>,
    correlation_id: String,
    recorded_by: String,
}

/// The peer's statements, each on the best plan for its filter: the payments in the service's
/// order, then their events (with the file each came in) in `id` order, attached by payment id,
/// then their issues, approvals and open cases. `filter`: the `WHERE` on `payment`.
fn peer_statements(filter: &str) -> [String; 5] {
    let of_these = if filter.is_empty() {
        String::new()
    } else {
        format!("AND payment_id IN (SELECT id FROM payment {filter})")
    };
    [
        format!(
            "SELECT id, external_id, end_to_end_id, debtor_iban, creditor_name, creditor_iban, amount_minor,
                    currency, requested_date, reference, state, prepared_by, approved_by, run_id,
                    payment_info_id, status_at, instruction_id, export_id, creditor_bic
               FROM payment {filter} ORDER BY requested_date, external_id"
        ),
        format!(
            "SELECT e.payment_id, e.from_state, e.state, e.applied, e.refusal, e.iso_status, e.reason_code,
                    e.reason_text, e.status_at, e.occurred_at, e.source, f.file_name, e.correlation_id,
                    e.recorded_by
               FROM payment_event e LEFT JOIN source_file f ON f.id = e.source_file_id
              WHERE 1 {} ORDER BY e.id",
            of_these.replace("payment_id", "e.payment_id")
        ),
        format!("SELECT payment_id, field, reason FROM payment_issue WHERE 1 {of_these} ORDER BY id"),
        format!(
            "SELECT payment_id, approved_by FROM payment_approval WHERE 1 {of_these}
              ORDER BY payment_id, approved_at"
        ),
        format!(
            "SELECT payment_id, kind, subject FROM exception_case
              WHERE state IN ('open', 'in_progress') {of_these} ORDER BY id"
        ),
    ]
}

fn peer_read(connection: &Connection, filter: Filter) -> rusqlite::Result<(usize, usize)> {
    let (filter, value): (&str, rusqlite::types::Value) = match filter {
        Filter::All => ("", rusqlite::types::Value::Null),
        Filter::Run(run) => ("WHERE run_id = ?1", run.into()),
        Filter::State(state) => ("WHERE state = ?1", state.to_string().into()),
    };
    let bound = |statement: &mut rusqlite::CachedStatement<'_>| -> rusqlite::Result<()> {
        if !filter.is_empty() {
            statement.raw_bind_parameter(1, &value)?;
        }
        Ok(())
    };
    let [payments_sql, events_sql, issues_sql, approvals_sql, cases_sql] = peer_statements(filter);
    let mut payments: Vec<PlainPayment> = Vec::new();
    let mut statement = connection.prepare_cached(&payments_sql)?;
    bound(&mut statement)?;
    let mut rows = statement.raw_query();
    while let Some(r) = rows.next()? {
        payments.push(PlainPayment {
            id: r.get(0)?,
            external_id: r.get(1)?,
            end_to_end_id: r.get(2)?,
            debtor_iban: r.get(3)?,
            creditor_name: r.get(4)?,
            creditor_iban: r.get(5)?,
            amount_minor: r.get(6)?,
            currency: r.get(7)?,
            requested_date: r.get(8)?,
            reference: r.get(9)?,
            state: r.get(10)?,
            prepared_by: r.get(11)?,
            approved_by: r.get(12)?,
            run_id: r.get(13)?,
            payment_info_id: r.get(14)?,
            status_at: r.get(15)?,
            instruction_id: r.get(16)?,
            export_id: r.get(17)?,
            creditor_bic: r.get(18)?,
            events: Vec::new(),
            issues: Vec::new(),
            approvals: Vec::new(),
            cases: Vec::new(),
        });
    }
    drop(rows);
    let position: FxHashMap<i64, usize> = payments
        .iter()
        .enumerate()
        .map(|(n, p)| (p.id, n))
        .collect();
    let mut events = 0;
    let mut statement = connection.prepare_cached(&events_sql)?;
    bound(&mut statement)?;
    let mut rows = statement.raw_query();
    while let Some(r) = rows.next()? {
        let Some(n) = position.get(&r.get::<_, i64>(0)?) else {
            continue;
        };
        payments[*n].events.push(PlainEvent {
            from_state: r.get(1)?,
            state: r.get(2)?,
            applied: r.get(3)?,
            refusal: r.get(4)?,
            iso_status: r.get(5)?,
            reason_code: r.get(6)?,
            reason_text: r.get(7)?,
            status_at: r.get(8)?,
            occurred_at: r.get(9)?,
            source: r.get(10)?,
            source_file: r.get(11)?,
            correlation_id: r.get(12)?,
            recorded_by: r.get(13)?,
        });
        events += 1;
    }
    drop(rows);
    let mut statement = connection.prepare_cached(&issues_sql)?;
    bound(&mut statement)?;
    let mut rows = statement.raw_query();
    while let Some(r) = rows.next()? {
        if let Some(n) = position.get(&r.get::<_, i64>(0)?) {
            payments[*n].issues.push((r.get(1)?, r.get(2)?));
        }
    }
    drop(rows);
    let mut statement = connection.prepare_cached(&approvals_sql)?;
    bound(&mut statement)?;
    let mut rows = statement.raw_query();
    while let Some(r) = rows.next()? {
        if let Some(n) = position.get(&r.get::<_, i64>(0)?) {
            payments[*n].approvals.push(r.get(1)?);
        }
    }
    drop(rows);
    let mut statement = connection.prepare_cached(&cases_sql)?;
    bound(&mut statement)?;
    let mut rows = statement.raw_query();
    while let Some(r) = rows.next()? {
        if let Some(n) = position.get(&r.get::<_, i64>(0)?) {
            payments[*n].cases.push((r.get(1)?, r.get(2)?));
        }
    }
    drop(rows);
    std::hint::black_box(&payments);
    Ok((payments.len(), events))
}

fn peer_connection(db: &Path) -> anyhow::Result<Connection> {
    let connection = Connection::open(db)?;
    connection.pragma_update(
        None,
        "cache_size",
        format!("-{}", cashline_ledger::PAGE_CACHE_KIB),
    )?;
    Ok(connection)
}

/// One read through the service: (payments, events, seconds of the read, seconds of the JSON).
async fn ours(service: &Service, filter: Filter) -> anyhow::Result<(usize, usize, f64, f64)> {
    let start = Instant::now();
    let report = service.payments_filtered(&filter.query()).await?;
    let read = start.elapsed().as_secs_f64();
    let start = Instant::now();
    // What `--json` prints (`output::json`): the pretty document, here not written anywhere.
    let text = serde_json::to_string_pretty(&report)?;
    let json_s = start.elapsed().as_secs_f64();
    std::hint::black_box(&text);
    let events = report.payments.iter().map(|p| p.events.len()).sum();
    Ok((report.payments.len(), events, read, json_s))
}

fn filters(payments: usize) -> Vec<(&'static str, Filter)> {
    // The run in the middle of the ledger.
    let run = (payments.div_ceil(RUN_SIZE) / 2) as i64 + 1;
    vec![
        ("all", Filter::All),
        ("run", Filter::Run(run)),
        ("state", Filter::State(STATE)),
    ]
}

/// One part, in this process: its figures as JSON in `out_dir`.
async fn part(args: &Args, out_dir: &Path, name: &str) -> anyhow::Result<()> {
    let db = ledger_path(out_dir, args.payments);
    let result = match name {
        "time" => {
            let service = service(&db).await?;
            let peer = peer_connection(&db)?;
            let mut results = serde_json::Map::new();
            for (label, filter) in filters(args.payments) {
                let (mut read_s, mut json_s, mut peer_s) = (Vec::new(), Vec::new(), Vec::new());
                let mut counts = (0, 0, 0, 0);
                // One warm-up of each, then the timed runs in turn.
                for n in 0..=args.runs.max(1) {
                    let (payments, events, read, json_time) = ours(&service, filter).await?;
                    let start = Instant::now();
                    let (peer_payments, peer_events) = peer_read(&peer, filter)?;
                    let peer_time = start.elapsed().as_secs_f64();
                    anyhow::ensure!(
                        (payments, events) == (peer_payments, peer_events),
                        "the service read {payments} payments and {events} events, the peer {peer_payments} and {peer_events}"
                    );
                    counts = (payments, events, peer_payments, peer_events);
                    if n > 0 {
                        read_s.push(read);
                        json_s.push(json_time);
                        peer_s.push(peer_time);
                    }
                }
                results.insert(
                    label.to_string(),
                    json!({
                        "payments": counts.0,
                        "events": counts.1,
                        "read_seconds": median(&read_s),
                        "json_seconds": median(&json_s),
                        "peer_seconds": median(&peer_s),
                        "read_samples": read_s,
                        "json_samples": json_s,
                        "peer_samples": peer_s,
                    }),
                );
            }
            drop(service);
            serde_json::Value::Object(results)
        }
        "peak-ours" => {
            let service = service(&db).await?;
            let (payments, ..) = ours(&service, Filter::All).await?;
            json!({"payments": payments, "peak_mib": crate::memory::own_peak_mib()})
        }
        "peak-peer" => {
            let (payments, _) = peer_read(&peer_connection(&db)?, Filter::All)?;
            json!({"payments": payments, "peak_mib": crate::memory::own_peak_mib()})
        }
        other => anyhow::bail!("there is no part '{other}' (time, peak-ours, peak-peer)"),
    };
    std::fs::write(
        part_path(out_dir, name, args.payments),
        serde_json::to_string_pretty(&result)?,
    )?;
    Ok(())
}

fn part_path(out_dir: &Path, part: &str, payments: usize) -> PathBuf {
    out_dir.join(format!("payments-part-{part}-{payments}.json"))
}

pub async fn run(args: &Args, out_dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out_dir)?;
    if let Some(name) = &args.part {
        return part(args, out_dir, name).await;
    }
    let mut sizes = serde_json::Map::new();
    for size in [args.small, args.payments] {
        let db = ledger_path(out_dir, size);
        let start = Instant::now();
        let events = seed(&db, size, args.seed).await?;
        let seed_s = start.elapsed().as_secs_f64();
        println!("payments: {size} payments, {events} events seeded in {seed_s:.1} s");
        let mut parts = serde_json::Map::new();
        parts.insert("events".into(), json!(events));
        parts.insert("seed_seconds".into(), json!(seed_s));
        parts.insert(
            "ledger_mib".into(),
            json!(std::fs::metadata(&db).map_or(0, |m| m.len()) as f64 / 1024.0 / 1024.0),
        );
        for name in ["time", "peak-ours", "peak-peer"] {
            println!("payments: part {name} ({size} payments)…");
            let status = std::process::Command::new(std::env::current_exe()?)
                .arg("--out")
                .arg(out_dir)
                .args([
                    "payments",
                    "--payments",
                    &size.to_string(),
                    "--runs",
                    &args.runs.to_string(),
                    "--part",
                    name,
                ])
                .status()?;
            anyhow::ensure!(status.success(), "payments part {name} failed ({status})");
            let path = part_path(out_dir, name, size);
            let text = std::fs::read_to_string(&path)?;
            parts.insert(name.to_string(), serde_json::from_str(&text)?);
            let _ = std::fs::remove_file(&path);
        }
        if !args.keep {
            remove_database(&db);
        }
        sizes.insert(size.to_string(), serde_json::Value::Object(parts));
    }
    let (small, large) = (args.small.to_string(), args.payments.to_string());
    let f = |size: &str, path: &[&str]| {
        path.iter()
            .fold(&sizes[size], |v, k| &v[*k])
            .as_f64()
            .unwrap_or(f64::NAN)
    };
    let mut table = Table::new(&[
        "read",
        "payments",
        "events",
        "Cashline (service)",
        "+ pretty JSON",
        "peer (bare rusqlite into structs)",
        "ratio",
        "peak RSS (ours / peer)",
    ]);
    for size in [&small, &large] {
        for (label, filter) in filters(size.parse().unwrap_or(0)) {
            let what = match filter {
                Filter::All => "all (`payments list --json`)".to_string(),
                Filter::Run(run) => format!("one run (`--run {run}`)"),
                Filter::State(state) => format!("one state (`--state {state}`)"),
            };
            let read_s = f(size, &["time", label, "read_seconds"]);
            let peer_s = f(size, &["time", label, "peer_seconds"]);
            table.row(vec![
                what,
                format!("{}", f(size, &["time", label, "payments"])),
                format!("{}", f(size, &["time", label, "events"])),
                format!("{:.1} ms", read_s * 1000.0),
                format!(
                    "{:.1} ms",
                    f(size, &["time", label, "json_seconds"]) * 1000.0
                ),
                format!("{:.1} ms", peer_s * 1000.0),
                ratio(read_s, peer_s),
                if matches!(filter, Filter::All) {
                    format!(
                        "{:.0} / {:.0} MiB",
                        f(size, &["peak-ours", "peak_mib"]),
                        f(size, &["peak-peer", "peak_mib"])
                    )
                } else {
                    String::new()
                },
            ]);
        }
    }
    let mut scaling = Table::new(&[
        "read",
        &format!("{small} → {large} payments"),
        "Cashline",
        "peer",
    ]);
    let grow = args.payments as f64 / args.small.max(1) as f64;
    for (label, what) in [
        ("all", "all"),
        ("run", "one run (1,000 payments either way)"),
        ("state", "one state"),
    ] {
        let key =
            |side: &str| f(&large, &["time", label, side]) / f(&small, &["time", label, side]);
        scaling.row(vec![
            what.into(),
            format!(
                "{:.0}× the payments",
                f(&large, &["time", label, "payments"]) / f(&small, &["time", label, "payments"])
            ),
            format!("{:.1}×", key("read_seconds")),
            format!("{:.1}×", key("peer_seconds")),
        ]);
    }
    report::publish(
        out_dir,
        "payments",
        "Payments list (issue 10)",
        &[&table, &scaling],
        json!({"sizes": sizes, "growth": grow, "run_size": RUN_SIZE}),
    )
}
