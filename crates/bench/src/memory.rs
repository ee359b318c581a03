//! `memory`: the real `cashline import` on a 100 MB and a ~1 GB camt.053 file, with its peak
//! resident memory, to show that memory does not grow with the file (the importer streams).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::generate;
use crate::import::remove_database;
use crate::report::{self, verdict, Table};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// File sizes to import, in MB (10^6 bytes); the first is the reference.
    #[arg(long, value_delimiter = ',', default_value = "100,1000")]
    pub sizes_mb: Vec<u64>,
    /// The `cashline` executable (built with `cargo build --release`).
    #[arg(long, default_value = "target/release/cashline")]
    pub cashline: PathBuf,
    #[arg(long, default_value_t = 20_260_105)]
    pub seed: u64,
}

/// How often the process's high-water mark is read.
const POLL_INTERVAL: Duration = Duration::from_millis(20);
/// The largest file's peak may exceed the smallest's by this factor and still count as flat.
const GROWTH_FACTOR_MAX: f64 = 1.5;

struct Measured {
    size_bytes: u64,
    entries: u64,
    wall_seconds: f64,
    peak_kib: u64,
}

/// This process's peak resident memory so far, in MiB (0 where /proc cannot say).
pub fn own_peak_mib() -> f64 {
    vm_hwm_kib(std::process::id()).unwrap_or(0) as f64 / 1024.0
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Runs `cashline import` and watches its peak memory: `VmHWM` (the kernel's high-water mark
/// of the process's resident set) read every 20 ms until it exits. (`ru_maxrss` from `wait4`
/// cannot be used: Linux carries the forking parent's peak into the child's across `exec`.)
fn measure(cashline: &Path, db: &Path, file: &Path) -> anyhow::Result<(f64, u64)> {
    remove_database(db);
    let start = Instant::now();
    let mut child = Command::new(cashline)
        .arg("--db")
        .arg(db)
        .arg("import")
        .arg(file)
        .env("CASHLINE_NOW", "2026-01-05T07:00:00Z")
        .stdout(std::process::Stdio::null())
        .spawn()?;
    let pid = child.id();
    let mut peak_kib = 0;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(pid) {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(POLL_INTERVAL);
    };
    let wall = start.elapsed().as_secs_f64();
    anyhow::ensure!(status.success(), "cashline import failed ({status})");
    remove_database(db);
    Ok((wall, peak_kib))
}

pub fn run(args: &Args, out_dir: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.cashline.exists(),
        "{} is missing: cargo build --release first",
        args.cashline.display()
    );
    std::fs::create_dir_all(out_dir)?;
    let db = out_dir.join("memory-ledger.sqlite");
    let mut measured = Vec::new();
    for &size_mb in &args.sizes_mb {
        let file = out_dir.join(format!("memory-{size_mb}mb.camt053.xml"));
        eprintln!("memory: writing {} ({size_mb} MB)", file.display());
        let generated =
            generate::write_camt(&file, args.seed, Some(size_mb * 1_000_000), None, 1000)?;
        eprintln!("memory: cashline import {}", file.display());
        let outcome = measure(&args.cashline, &db, &file);
        // The big file goes whatever happened.
        std::fs::remove_file(&file)?;
        let (wall_seconds, peak_kib) = outcome?;
        measured.push(Measured {
            size_bytes: generated.bytes,
            entries: generated.entries,
            wall_seconds,
            peak_kib,
        });
    }
    let reference = measured.first().map_or(1, |m| m.peak_kib.max(1)) as f64;
    let mut table = Table::new(&[
        "file",
        "entries",
        "wall s",
        "MB/s",
        "entries/s",
        "peak RSS (VmHWM)",
        "peak vs smallest file",
        "peak / file size",
    ]);
    let mut results = Vec::new();
    for m in &measured {
        let growth = m.peak_kib as f64 / reference;
        table.row(vec![
            format!("{:.0} MB camt.053", m.size_bytes as f64 / 1e6),
            m.entries.to_string(),
            format!("{:.1}", m.wall_seconds),
            format!("{:.1}", m.size_bytes as f64 / 1e6 / m.wall_seconds),
            format!("{:.0}", m.entries as f64 / m.wall_seconds),
            format!("{:.1} MiB", m.peak_kib as f64 / 1024.0),
            format!("{growth:.2}×"),
            format!(
                "{:.1}%",
                m.peak_kib as f64 * 1024.0 / m.size_bytes as f64 * 100.0
            ),
        ]);
        results.push(json!({
            "file_bytes": m.size_bytes,
            "entries": m.entries,
            "wall_seconds": m.wall_seconds,
            "peak_rss_kib": m.peak_kib,
            "peak_vs_smallest": growth,
        }));
    }
    let largest_growth = measured
        .iter()
        .map(|m| m.peak_kib as f64 / reference)
        .fold(0.0, f64::max);
    let flat = largest_growth <= GROWTH_FACTOR_MAX;
    let mut verdict_table = Table::new(&["claim", "measured", "target", ""]);
    verdict_table.row(vec![
        "peak memory does not grow with file size".into(),
        format!("largest file's peak = {largest_growth:.2}× the smallest's"),
        format!("≤ {GROWTH_FACTOR_MAX}×"),
        verdict(flat),
    ]);
    report::publish(
        out_dir,
        "memory",
        "Memory of `cashline import` (peak RSS)",
        &[&table, &verdict_table],
        json!({ "runs": results, "largest_growth": largest_growth, "flat": flat }),
    )
}
