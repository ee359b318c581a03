//! `sql`: times SQL statements against a ledger with the SQLite Cashline links (not the
//! system's `sqlite3`, whose planner may differ) and prints their query plans, to say which
//! statement behind a slow query is slow and what an index or a rewrite changes.

use std::path::PathBuf;
use std::time::Instant;

use rusqlite::Connection;

use crate::report::median;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The ledger file.
    #[arg(long)]
    pub db: PathBuf,
    /// Files of one SQL statement each (lines starting with `.` are skipped).
    pub files: Vec<PathBuf>,
    /// Timed executions of each statement, after one warm-up.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let connection = Connection::open(&args.db)?;
    let version: String = connection.query_row("SELECT sqlite_version()", [], |r| r.get(0))?;
    println!("SQLite {version}");
    for file in &args.files {
        let sql: String = std::fs::read_to_string(file)?
            .lines()
            .filter(|l| !l.trim_start().starts_with('.'))
            .collect::<Vec<_>>()
            .join("\n");
        let sql = sql.trim().trim_end_matches(';');
        let mut plan = connection.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let lines: Vec<String> = plan
            .query_map([], |row| {
                Ok(format!(
                    "{:>3} {:>3} {}",
                    row.get::<_, i64>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(3)?
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut statement = connection.prepare(sql)?;
        let mut samples = Vec::with_capacity(args.runs);
        let mut rows = 0;
        for run in 0..=args.runs {
            let start = Instant::now();
            let mut cursor = statement.query([])?;
            rows = 0;
            while cursor.next()?.is_some() {
                rows += 1;
            }
            if run > 0 {
                samples.push(start.elapsed().as_secs_f64() * 1000.0);
            }
        }
        println!(
            "\n{}: {rows} rows, median {:.2} ms",
            file.display(),
            median(&samples)
        );
        for line in lines {
            println!("  {line}");
        }
    }
    Ok(())
}
