//! Parse throughput of one file, for profiling the parsers on their own (issue 3, BENCHMARKS.md
//! "Parse throughput"):
//!
//! ```text
//! cargo run --release -p cashline-bankfile --example parse_speed -- target/bench/parse.mt940.sta 5
//! ```
//!
//! reads the file into memory, parses it once to warm up, then times
//! `cashline_bankfile::parse(&bytes)` `runs` times (default 5) and prints the median MB/s
//! (MB = 10^6 bytes) and the entry count. Under `perf record -g` it shows where a parse spends
//! its time.
//!
//! `parse_speed --fingerprint FILE…` prints, for each file, a hash of the `Debug` text of what
//! `parse` returns (the statements or the error): run it before and after a change to a parser
//! to see that its output stayed the same.

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::hash::Hasher;
use std::time::Instant;

/// mimalloc rather than glibc's malloc: see the workspace Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--fingerprint") {
        for path in &args[1..] {
            let bytes = read(path);
            println!("{:016x}  {path}", fingerprint(&bytes));
        }
        return;
    }
    let Some(path) = args.first() else {
        eprintln!("usage: parse_speed FILE [RUNS] | parse_speed --fingerprint FILE…");
        std::process::exit(2);
    };
    let runs: usize = args
        .get(1)
        .map_or(5, |r| r.parse().expect("RUNS is a number"));
    let bytes = read(path);
    let entries = count_entries(&bytes);
    let mut seconds = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let parsed = cashline_bankfile::parse(&bytes);
        seconds.push(start.elapsed().as_secs_f64());
        drop(std::hint::black_box(parsed));
    }
    seconds.sort_by(f64::total_cmp);
    let median = seconds[seconds.len() / 2];
    let megabytes = bytes.len() as f64 / 1e6;
    println!(
        "{path}: {megabytes:.1} MB, {entries} entries, median {:.1} MB/s ({median:.3} s; runs {})",
        megabytes / median,
        seconds
            .iter()
            .map(|s| format!("{:.1}", megabytes / s))
            .collect::<Vec<_>>()
            .join(" ")
    );
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Parses once (the warm-up) and counts the entries.
fn count_entries(bytes: &[u8]) -> usize {
    match cashline_bankfile::parse(bytes) {
        Ok(file) => file.statements.iter().map(|s| s.entries.len()).sum(),
        Err(e) => panic!("the file does not parse: {e}"),
    }
}

/// A hash of the `Debug` text of the parse, written straight into the hasher.
fn fingerprint(bytes: &[u8]) -> u64 {
    struct Hash(DefaultHasher);
    impl std::fmt::Write for Hash {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut hash = Hash(DefaultHasher::new());
    write!(hash, "{:?}", cashline_bankfile::parse(bytes)).expect("a hasher does not fail");
    hash.0.finish()
}
