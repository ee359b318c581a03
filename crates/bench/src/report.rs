//! Statistics, Markdown tables on standard output and JSON results in `target/bench/`.

use std::path::Path;

use serde_json::{json, Value};

/// The median of some samples (the mean of the middle two for an even count).
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The `p`-th percentile (0–100) by the nearest-rank method.
pub fn percentile(samples: &[f64], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A Markdown table, printed as it is built up.
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("| {} |\n", self.headers.join(" | "));
        out.push_str(&format!(
            "|{}\n",
            self.headers.iter().map(|_| " --- |").collect::<String>()
        ));
        for row in &self.rows {
            out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
        out
    }
}

/// What the results were measured on, recorded beside them.
pub fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory_kib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<u64>().ok())
        })
        .unwrap_or(0);
    // Other builds on the same two cores slow every figure: the load says how quiet it was.
    let load_1min = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| {
            text.split_whitespace()
                .next()
                .and_then(|l| l.parse::<f64>().ok())
        });
    json!({
        "load_1min": load_1min,
        "cpu": cpu,
        "cores": cores,
        "memory_gib": (memory_kib as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0,
        "measured_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

/// Prints the table under a title and writes `results` (with the machine) as `name.json`.
pub fn publish(
    out_dir: &Path,
    name: &str,
    title: &str,
    tables: &[&Table],
    results: Value,
) -> anyhow::Result<()> {
    println!("\n## {title}\n");
    for table in tables {
        println!("{}", table.markdown());
    }
    std::fs::create_dir_all(out_dir)?;
    let machine = machine();
    println!(
        "(load average over the last minute when this finished: {})",
        machine["load_1min"]
    );
    let document = json!({ "benchmark": name, "machine": machine, "results": results });
    let path = out_dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&document)? + "\n")?;
    println!("(results: {})", path.display());
    Ok(())
}

/// A ratio as `12.3×`.
pub fn ratio(ours: f64, peer: f64) -> String {
    if peer > 0.0 && ours.is_finite() {
        format!("{:.1}×", ours / peer)
    } else {
        "—".into()
    }
}

/// Whether a target is met, in words for the table.
pub fn verdict(met: bool) -> String {
    if met {
        "met".into()
    } else {
        "**missed**".into()
    }
}
