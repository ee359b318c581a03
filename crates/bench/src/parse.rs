//! `parse`: parse throughput of camt.053, MT940 and BAI2 against Python peers reading the same
//! files in the same run (lxml iterparse, `mt-940`, `bai2`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::Deserialize;
use serde_json::json;

use crate::generate::{self, Generated};
use crate::report::{self, median, ratio, verdict, Table};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Size of each generated file, in MB (10^6 bytes).
    #[arg(long, default_value_t = 50)]
    pub size_mb: u64,
    /// Timed runs of our parsers (after one warm-up); the median is reported.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Timed runs of each Python peer.
    #[arg(long, default_value_t = 5)]
    pub peer_runs: usize,
    /// The Python of the peers' venv (made by scripts/setup).
    #[arg(long, default_value = "target/peers/bin/python")]
    pub python: PathBuf,
    /// Seed of the generated files.
    #[arg(long, default_value_t = 20_260_105)]
    pub seed: u64,
    /// Measure Cashline only (for profiling under `perf`); no ratio is reported.
    #[arg(long)]
    pub skip_peers: bool,
    /// Only these formats (camt.053, MT940, BAI2); all by default.
    #[arg(long, value_delimiter = ',')]
    pub formats: Vec<String>,
}

/// What a peer script prints: its own timings around the parse alone.
#[derive(Deserialize)]
struct PeerRun {
    peer: String,
    entries: u64,
    seconds: Vec<f64>,
}

struct Format {
    name: &'static str,
    file: &'static str,
    script: &'static str,
    target: f64,
    write: fn(&Path, u64, u64) -> anyhow::Result<Generated>,
}

const ENTRIES_PER_STATEMENT: usize = 1000;

const FORMATS: &[Format] = &[
    Format {
        name: "camt.053",
        file: "parse.camt053.xml",
        script: "tests/peers/bench_camt_lxml.py",
        target: 5.0,
        write: |path, seed, bytes| {
            generate::write_camt(path, seed, Some(bytes), None, ENTRIES_PER_STATEMENT)
        },
    },
    Format {
        name: "MT940",
        file: "parse.mt940.sta",
        script: "tests/peers/bench_mt940.py",
        target: 50.0,
        write: |path, seed, bytes| generate::write_mt940(path, seed, bytes, ENTRIES_PER_STATEMENT),
    },
    Format {
        name: "BAI2",
        file: "parse.bai2.txt",
        script: "tests/peers/bench_bai2.py",
        target: 50.0,
        write: |path, seed, bytes| generate::write_bai2(path, seed, bytes, ENTRIES_PER_STATEMENT),
    },
];

pub fn run(args: &Args, out_dir: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.skip_peers || args.python.exists(),
        "the peers' Python {} is missing: run scripts/setup first",
        args.python.display()
    );
    std::fs::create_dir_all(out_dir)?;
    let mut table = Table::new(&[
        "format",
        "file",
        "entries",
        "Cashline MB/s",
        "peer",
        "peer MB/s",
        "ratio",
        "target",
        "",
    ]);
    let mut results = Vec::new();
    let wanted = |name: &str| {
        args.formats.is_empty() || args.formats.iter().any(|f| f.eq_ignore_ascii_case(name))
    };
    for format in FORMATS.iter().filter(|f| wanted(f.name)) {
        let path = out_dir.join(format.file);
        eprintln!("parse: writing {} ({} MB)", path.display(), args.size_mb);
        let generated = (format.write)(&path, args.seed, args.size_mb * 1_000_000)?;
        let bytes = std::fs::read(&path)?;
        let megabytes = bytes.len() as f64 / 1e6;

        eprintln!("parse: Cashline reading {}", format.name);
        let mut seconds = Vec::with_capacity(args.runs);
        let mut entries = 0;
        for run in 0..=args.runs {
            let start = Instant::now();
            let parsed = cashline_bankfile::parse(&bytes)?;
            let elapsed = start.elapsed().as_secs_f64();
            entries = parsed
                .statements
                .iter()
                .map(|s| s.entries.len() as u64)
                .sum::<u64>();
            drop(parsed);
            // The first run warms the caches and the allocator.
            if run > 0 {
                seconds.push(elapsed);
            }
        }
        anyhow::ensure!(
            entries == generated.entries,
            "{}: Cashline read {entries} entries of {}",
            format.name,
            generated.entries
        );
        let ours = megabytes / median(&seconds);
        if args.skip_peers {
            eprintln!("parse: {}: {ours:.1} MB/s", format.name);
            continue;
        }

        eprintln!("parse: peer reading {}", format.name);
        let peer = run_peer(
            &args.python,
            Path::new(format.script),
            &path,
            args.peer_runs,
        )?;
        anyhow::ensure!(
            peer.entries == generated.entries,
            "{}: the peer {} read {} entries of {}",
            format.name,
            peer.peer,
            peer.entries,
            generated.entries
        );
        let theirs = megabytes / median(&peer.seconds);
        let met = ours / theirs >= format.target;
        table.row(vec![
            format.name.into(),
            format!("{megabytes:.1} MB"),
            generated.entries.to_string(),
            format!("{ours:.1}"),
            peer.peer.clone(),
            format!("{theirs:.2}"),
            ratio(ours, theirs),
            format!("≥ {}×", format.target),
            verdict(met),
        ]);
        results.push(json!({
            "format": format.name,
            "file_bytes": bytes.len(),
            "statements": generated.statements,
            "entries": generated.entries,
            "cashline_seconds": seconds,
            "cashline_mb_per_s": ours,
            "peer": peer.peer,
            "peer_seconds": peer.seconds,
            "peer_mb_per_s": theirs,
            "ratio": ours / theirs,
            "target_ratio": format.target,
            "met": met,
        }));
    }
    if args.skip_peers {
        return Ok(());
    }
    report::publish(
        out_dir,
        "parse",
        "Parse throughput (median; MB = 10^6 bytes)",
        &[&table],
        json!(results),
    )
}

fn run_peer(python: &Path, script: &Path, file: &Path, runs: usize) -> anyhow::Result<PeerRun> {
    let output = Command::new(python)
        .arg(script)
        .arg(file)
        .arg(runs.to_string())
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout)?;
    let last = text.lines().last().unwrap_or_default();
    Ok(serde_json::from_str(last)?)
}
