//! `cipher`: what encryption at rest costs. The import of a generated camt.053 and the
//! treasurer's four queries, each on an encrypted ledger (SQLCipher, the key as Cashline
//! makes it) against the peer: the same code on a plain ledger, interleaved in the same run.

use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use cashline_engine::import::{import_file, ImportRequest, ImportSource};
use cashline_ledger::cipher::{self, Source};
use cashline_ledger::{Ledger, LedgerError, LedgerKey};

use crate::generate;
use crate::import::remove_database;
use crate::positions;
use crate::report::{self, median, percentile, Table};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Entries in the generated camt.053 file imported.
    #[arg(long, default_value_t = 200_000)]
    pub entries: u64,
    /// Timed imports of each kind of ledger; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Entries in the ledger the queries run on.
    #[arg(long, default_value_t = 1_000_000)]
    pub ledger_entries: u64,
    /// Timed calls of each query on each kind of ledger.
    #[arg(long, default_value_t = 200)]
    pub calls: usize,
    #[arg(long, default_value_t = 20_260_105)]
    pub seed: u64,
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap()
}

async fn no_check(_: std::path::PathBuf, _: LedgerKey) -> Result<(), LedgerError> {
    Ok(())
}

async fn time_import(
    db: &Path,
    file: &Path,
    key: Option<&LedgerKey>,
    entries: u64,
) -> anyhow::Result<f64> {
    remove_database(db);
    let ledger = Ledger::open_with(db, key).await?;
    let start = Instant::now();
    let report = import_file(
        &ledger,
        ImportRequest {
            file_name: "cipher.camt053.xml",
            source: ImportSource::Path(file),
            user: "bench",
            now: now(),
            csv_mapping: None,
        },
    )
    .await?;
    let seconds = start.elapsed().as_secs_f64();
    anyhow::ensure!(
        report.entries_new == entries,
        "the import wrote {} of {entries} entries",
        report.entries_new
    );
    ledger.close().await;
    Ok(seconds)
}

pub async fn run(args: &Args, out_dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out_dir)?;
    let version = cipher::cipher_version().await?;
    let file = out_dir.join("cipher.camt053.xml");
    eprintln!(
        "cipher: writing {} ({} entries)",
        file.display(),
        args.entries
    );
    let generated = generate::write_camt(&file, args.seed, None, Some(args.entries), 1000)?;
    let plain_db = out_dir.join("cipher-import-plain.sqlite");
    let encrypted_db = out_dir.join("cipher-import-encrypted.sqlite");
    let (mut plain, mut encrypted) = (Vec::new(), Vec::new());
    for run in 0..args.runs {
        eprintln!("cipher: import run {}", run + 1);
        plain.push(time_import(&plain_db, &file, None, generated.entries).await?);
        let key = LedgerKey::generate();
        encrypted.push(time_import(&encrypted_db, &file, Some(&key), generated.entries).await?);
    }
    remove_database(&plain_db);
    remove_database(&encrypted_db);
    let rows_per_second = |seconds: f64| generated.entries as f64 / seconds;
    let (plain_import, encrypted_import) = (median(&plain), median(&encrypted));

    // The queries: one ledger filled as the positions benchmark fills its own, and an
    // encrypted copy of it made as `cashline db encrypt` makes one.
    let mut fill_args = positions::Args::for_entries(args.ledger_entries, args.seed);
    fill_args.runs = args.calls;
    let plain_ledger = out_dir.join("cipher-positions-plain.sqlite");
    let encrypted_ledger = out_dir.join("cipher-positions-encrypted.sqlite");
    remove_database(&plain_ledger);
    remove_database(&encrypted_ledger);
    Ledger::open(&plain_ledger).await?.close().await;
    eprintln!(
        "cipher: filling a ledger of {} entries",
        args.ledger_entries
    );
    positions::fill(&fill_args, &plain_ledger)?;
    std::fs::copy(&plain_ledger, &encrypted_ledger)?;
    let key = LedgerKey::generate();
    cipher::replace(&encrypted_ledger, None, Source::Itself, &key, no_check).await?;
    let reading = cipher::for_reading(&key);
    let mut query_rows = Vec::new();
    let mut table = Table::new(&["measure", "plain (peer)", "encrypted", "encrypted / plain"]);
    table.row(vec![
        format!(
            "import of {} entries, rows/s (median of {})",
            generated.entries, args.runs
        ),
        format!("{:.0}", rows_per_second(plain_import)),
        format!("{:.0}", rows_per_second(encrypted_import)),
        format!(
            "{:.1} % of the plain rate",
            100.0 * plain_import / encrypted_import
        ),
    ]);
    let plain_ledger_open = Ledger::open(&plain_ledger).await?;
    let plain_times = positions::measure_all(&plain_ledger_open, args.calls, 20, None).await?;
    plain_ledger_open.close().await;
    let encrypted_ledger_open = Ledger::open_with(&encrypted_ledger, Some(&reading)).await?;
    let encrypted_times =
        positions::measure_all(&encrypted_ledger_open, args.calls, 20, None).await?;
    encrypted_ledger_open.close().await;
    for ((name, ours), (_, peer)) in encrypted_times.iter().zip(&plain_times) {
        let (p50, p95) = (percentile(ours, 50.0), percentile(ours, 95.0));
        let (peer_p50, peer_p95) = (percentile(peer, 50.0), percentile(peer, 95.0));
        table.row(vec![
            format!("{name}, p50 / p95 ms"),
            format!("{peer_p50:.2} / {peer_p95:.2}"),
            format!("{p50:.2} / {p95:.2}"),
            format!("{:.2}× at p95", p95 / peer_p95),
        ]);
        query_rows.push(json!({
            "query": name, "plain_p50_ms": peer_p50, "plain_p95_ms": peer_p95,
            "encrypted_p50_ms": p50, "encrypted_p95_ms": p95, "calls": ours.len(),
        }));
    }
    let bytes = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let sizes = (bytes(&plain_ledger), bytes(&encrypted_ledger));
    remove_database(&plain_ledger);
    remove_database(&encrypted_ledger);
    report::publish(
        out_dir,
        "cipher",
        &format!("Encryption at rest ({version}): import and queries, encrypted against plain"),
        &[&table],
        json!({
            "cipher_version": version,
            "import_entries": generated.entries,
            "import_plain_seconds": plain,
            "import_encrypted_seconds": encrypted,
            "ledger_entries": args.ledger_entries,
            "ledger_plain_bytes": sizes.0,
            "ledger_encrypted_bytes": sizes.1,
            "queries": query_rows,
        }),
    )
}
