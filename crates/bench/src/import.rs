//! `import`: a camt.053 file of N entries imported into a fresh ledger through the real
//! importer, against the same rows inserted with a plain rusqlite prepared statement in one
//! transaction (the ceiling SQLite allows), with the importer's stages timed one by one to say
//! where the time goes.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, Connection};
use serde_json::json;
use sha2::{Digest, Sha256};

use cashline_bankfile::stream::{StatementEvent, StatementSink};
use cashline_bankfile::ParseError;
use cashline_engine::import::{import_file, ImportRequest, ImportSource};
use cashline_ledger::{entry, Ledger};

use crate::generate;
use crate::report::{self, median, ratio, verdict, Table};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Entries in the generated camt.053 file.
    #[arg(long, default_value_t = 1_000_000)]
    pub entries: u64,
    /// Entries per statement (an end-of-day statement of a busy account).
    #[arg(long, default_value_t = 1000)]
    pub per_statement: usize,
    /// Timed runs of each measurement; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    #[arg(long, default_value_t = 20_260_105)]
    pub seed: u64,
}

/// The target: the importer reaches at least this share of plain rusqlite's rows per second.
const TARGET_SHARE: f64 = 0.5;

/// The entry columns, in the ledger's order.
const ENTRY_COLUMNS: &str = "account_id, statement_id, identity_key, booking_date, value_date, \
    amount_minor, currency, status, reversal, bank_ref, entry_ref, end_to_end_id, \
    counterparty_name, counterparty_iban, remittance, creditor_reference, \
    bank_transaction_code, source_element, created_at";

/// One ledger entry row, as the importer wrote it.
pub struct EntryRow {
    account_id: i64,
    statement_id: i64,
    identity_key: String,
    booking_date: Option<String>,
    value_date: Option<String>,
    amount_minor: i64,
    currency: String,
    status: String,
    reversal: i64,
    bank_ref: Option<String>,
    entry_ref: Option<String>,
    end_to_end_id: Option<String>,
    counterparty_name: Option<String>,
    counterparty_iban: Option<String>,
    remittance: Option<String>,
    creditor_reference: Option<String>,
    bank_transaction_code: Option<String>,
    source_element: Option<String>,
    created_at: String,
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 7, 0, 0)
        .single()
        .expect("a valid instant")
}

/// Removes a SQLite file with its WAL and shared-memory files.
pub fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// The pragmas `Ledger::open` sets, for the rusqlite peer to run under the same rules.
fn ledger_pragmas(connection: &Connection) -> rusqlite::Result<()> {
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.pragma_update(None, "cache_size", -cashline_ledger::PAGE_CACHE_KIB)?;
    Ok(())
}

pub async fn run(args: &Args, out_dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out_dir)?;
    let file = out_dir.join("import.camt053.xml");
    eprintln!(
        "import: writing {} ({} entries)",
        file.display(),
        args.entries
    );
    let generated = generate::write_camt(
        &file,
        args.seed,
        None,
        Some(args.entries),
        args.per_statement,
    )?;
    let entries = generated.entries;
    let imported_db = out_dir.join("import-ledger.sqlite");

    // Each run imports, then inserts the same rows with the peers, so that load from other
    // processes on a shared machine falls on both alike.
    let mut import_seconds = Vec::new();
    let mut peer_seconds = Vec::new();
    let mut bare_seconds = Vec::new();
    let mut cache_seconds = Vec::new();
    let peer_db = out_dir.join("import-peer.sqlite");
    let mut rows = Vec::new();
    for run in 0..args.runs {
        // 1. The importer, end to end: hash, parse on its thread, write, commit.
        remove_database(&imported_db);
        let ledger = Ledger::open(&imported_db).await?;
        eprintln!("import: run {}: importer", run + 1);
        let start = Instant::now();
        let report = import_file(
            &ledger,
            ImportRequest {
                file_name: "import.camt053.xml",
                source: ImportSource::Path(&file),
                user: "bench",
                now: now(),
                csv_mapping: None,
            },
        )
        .await?;
        import_seconds.push(start.elapsed().as_secs_f64());
        anyhow::ensure!(
            report.entries_new == entries && report.exceptions_opened.is_empty(),
            "the import wrote {} of {entries} entries, exceptions {:?}",
            report.entries_new,
            report.exceptions_opened
        );
        ledger.close().await;
        if rows.is_empty() {
            rows = read_rows(&imported_db)?;
            anyhow::ensure!(
                rows.len() as u64 == entries,
                "the ledger holds {} rows",
                rows.len()
            );
        }

        // 2. The peer: the same rows into the same schema (migrations, indexes, foreign keys
        //    on) with one rusqlite prepared statement in one transaction.
        eprintln!("import: run {}: rusqlite", run + 1);
        prepare_copy(&imported_db, &peer_db).await?;
        let mut connection = Connection::open(&peer_db)?;
        ledger_pragmas(&connection)?;
        peer_seconds.push(insert_rusqlite(&mut connection, &rows, "entry")?);
        drop(connection);
        // The same with SQLite's default 2 MiB page cache, which the indexes outgrow (what
        // the ledger's larger cache buys).
        prepare_copy(&imported_db, &peer_db).await?;
        let mut connection = Connection::open(&peer_db)?;
        ledger_pragmas(&connection)?;
        connection.pragma_update(None, "cache_size", -2_000)?;
        cache_seconds.push(insert_rusqlite(&mut connection, &rows, "entry")?);
        drop(connection);
        // The same rows into a bare table of the same columns: no constraint, no index.
        remove_database(&peer_db);
        let mut connection = Connection::open(&peer_db)?;
        ledger_pragmas(&connection)?;
        connection.execute_batch(
            "CREATE TABLE bare_entry (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL,
               statement_id INTEGER NOT NULL, identity_key TEXT NOT NULL, booking_date TEXT,
               value_date TEXT, amount_minor INTEGER NOT NULL, currency TEXT NOT NULL,
               status TEXT NOT NULL, reversal INTEGER NOT NULL, bank_ref TEXT, entry_ref TEXT,
               end_to_end_id TEXT, counterparty_name TEXT, counterparty_iban TEXT, remittance TEXT,
               creditor_reference TEXT, bank_transaction_code TEXT, source_element TEXT,
               created_at TEXT NOT NULL)",
        )?;
        bare_seconds.push(insert_rusqlite(&mut connection, &rows, "bare_entry")?);
        drop(connection);
        remove_database(&peer_db);
    }

    // 3. The importer's stages alone, to say where its time goes.
    eprintln!("import: stages");
    let mut digest_seconds = Vec::new();
    let mut parse_seconds = Vec::new();
    let mut sqlx_promote_seconds = Vec::new();
    let mut sqlx_plain_seconds = Vec::new();
    let stage_db = out_dir.join("import-stage.sqlite");
    for _ in 0..args.runs {
        digest_seconds.push(time_digest(&file)?);
        parse_seconds.push(time_parse(&file)?);
        for (promote, seconds) in [
            (entry::Promote::Provisional, &mut sqlx_promote_seconds),
            (entry::Promote::Nothing, &mut sqlx_plain_seconds),
        ] {
            prepare_copy(&imported_db, &stage_db).await?;
            let ledger = Ledger::open(&stage_db).await?;
            seconds.push(insert_sqlx(&ledger, &rows, args.per_statement, promote).await?);
            ledger.close().await;
        }
    }
    remove_database(&stage_db);
    remove_database(&imported_db);
    std::fs::remove_file(&file)?;

    let rate = |seconds: &[f64]| entries as f64 / median(seconds);
    let ours = rate(&import_seconds);
    let peer = rate(&peer_seconds);
    let share = ours / peer;
    let mut table = Table::new(&[
        "measure",
        "rows/s",
        "peer",
        "peer rows/s",
        "ratio",
        "target",
        "",
    ]);
    table.row(vec![
        format!(
            "`import_file`, {entries} entries ({:.0} MB camt.053)",
            generated.bytes as f64 / 1e6
        ),
        format!("{ours:.0}"),
        "rusqlite prepared INSERT, one transaction, same schema".into(),
        format!("{peer:.0}"),
        format!("{:.1}%", share * 100.0),
        format!("≥ {:.0}%", TARGET_SHARE * 100.0),
        verdict(share >= TARGET_SHARE),
    ]);
    let mut stages = Table::new(&["stage (alone)", "seconds", "rows/s", "share of import"]);
    let import_median = median(&import_seconds);
    for (name, seconds) in [
        ("whole import (`import_file`)", &import_seconds),
        ("read + SHA-256 of the file", &digest_seconds),
        ("camt parse to a counting sink", &parse_seconds),
        (
            "`entry::insert_new` (prepared on sqlx's handle), promote on",
            &sqlx_promote_seconds,
        ),
        (
            "`entry::insert_new` (prepared on sqlx's handle), promote off",
            &sqlx_plain_seconds,
        ),
        ("rusqlite prepared INSERT, same schema", &peer_seconds),
        (
            "rusqlite prepared INSERT, same schema, default 2 MiB page cache",
            &cache_seconds,
        ),
        ("rusqlite prepared INSERT, bare table", &bare_seconds),
    ] {
        let m = median(seconds);
        stages.row(vec![
            name.into(),
            format!("{m:.2}"),
            format!("{:.0}", entries as f64 / m),
            format!("{:.0}%", m / import_median * 100.0),
        ]);
    }
    report::publish(
        out_dir,
        "import",
        "Import (median)",
        &[&table, &stages],
        json!({
            "entries": entries,
            "statements": generated.statements,
            "file_bytes": generated.bytes,
            "import_seconds": import_seconds,
            "import_rows_per_s": ours,
            "peer": "rusqlite 0.39 prepared INSERT, one transaction, same schema and pragmas",
            "peer_seconds": peer_seconds,
            "peer_rows_per_s": peer,
            "share": share,
            "target_share": TARGET_SHARE,
            "met": share >= TARGET_SHARE,
            "stages_seconds": {
                "digest": digest_seconds,
                "parse": parse_seconds,
                "sqlx_insert_new_promote": sqlx_promote_seconds,
                "sqlx_insert_new_plain": sqlx_plain_seconds,
                "rusqlite_bare_table": bare_seconds,
                "rusqlite_same_schema_default_cache": cache_seconds,
            },
            "ratio_text": ratio(ours, peer),
        }),
    )
}

/// Every entry row of a ledger, in insertion order.
fn read_rows(path: &Path) -> anyhow::Result<Vec<EntryRow>> {
    let connection = Connection::open(path)?;
    let mut statement =
        connection.prepare(&format!("SELECT {ENTRY_COLUMNS} FROM entry ORDER BY id"))?;
    let rows = statement
        .query_map([], |row| {
            Ok(EntryRow {
                account_id: row.get(0)?,
                statement_id: row.get(1)?,
                identity_key: row.get(2)?,
                booking_date: row.get(3)?,
                value_date: row.get(4)?,
                amount_minor: row.get(5)?,
                currency: row.get(6)?,
                status: row.get(7)?,
                reversal: row.get(8)?,
                bank_ref: row.get(9)?,
                entry_ref: row.get(10)?,
                end_to_end_id: row.get(11)?,
                counterparty_name: row.get(12)?,
                counterparty_iban: row.get(13)?,
                remittance: row.get(14)?,
                creditor_reference: row.get(15)?,
                bank_transaction_code: row.get(16)?,
                source_element: row.get(17)?,
                created_at: row.get(18)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A fresh ledger (real migrations) holding the imported ledger's accounts, files and
/// statements but no entries, so that entries can be written into it with foreign keys on.
async fn prepare_copy(imported: &Path, copy: &Path) -> anyhow::Result<()> {
    remove_database(copy);
    Ledger::open(copy).await?.close().await;
    let connection = Connection::open(copy)?;
    connection.execute(
        "ATTACH DATABASE ?1 AS imported",
        params![imported.to_string_lossy()],
    )?;
    connection.execute_batch(
        "BEGIN;
         INSERT INTO bank SELECT * FROM imported.bank;
         INSERT INTO account SELECT * FROM imported.account;
         INSERT INTO source_file SELECT * FROM imported.source_file;
         INSERT INTO statement SELECT * FROM imported.statement;
         COMMIT;
         DETACH DATABASE imported;",
    )?;
    Ok(())
}

/// Inserts the rows with one prepared statement in one transaction; returns the seconds.
fn insert_rusqlite(
    connection: &mut Connection,
    rows: &[EntryRow],
    table: &str,
) -> anyhow::Result<f64> {
    let start = Instant::now();
    let tx = connection.transaction()?;
    {
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {table} ({ENTRY_COLUMNS}) VALUES \
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"
        ))?;
        for row in rows {
            insert.execute(params![
                row.account_id,
                row.statement_id,
                row.identity_key,
                row.booking_date,
                row.value_date,
                row.amount_minor,
                row.currency,
                row.status,
                row.reversal,
                row.bank_ref,
                row.entry_ref,
                row.end_to_end_id,
                row.counterparty_name,
                row.counterparty_iban,
                row.remittance,
                row.creditor_reference,
                row.bank_transaction_code,
                row.source_element,
                row.created_at,
            ])?;
        }
    }
    tx.commit()?;
    Ok(start.elapsed().as_secs_f64())
}

fn date(text: &Option<String>) -> anyhow::Result<Option<chrono::NaiveDate>> {
    Ok(text
        .as_deref()
        .map(cashline_ledger::time::parse_date)
        .transpose()?)
}

/// Writes the rows through the ledger's own batch insert, statement by statement in batches
/// of the parser's size, as the importer does; returns the seconds of the writes alone.
async fn insert_sqlx(
    ledger: &Ledger,
    rows: &[EntryRow],
    per_statement: usize,
    promote: entry::Promote,
) -> anyhow::Result<f64> {
    let mut converted = Vec::with_capacity(rows.len());
    for row in rows {
        converted.push(entry::NewEntry {
            account_id: row.account_id,
            statement_id: row.statement_id,
            identity_key: row.identity_key.clone(),
            booking_date: date(&row.booking_date)?,
            value_date: date(&row.value_date)?,
            amount_minor: row.amount_minor,
            currency: row.currency.clone(),
            status: match row.status.as_str() {
                "booked" => "booked",
                "pending" => "pending",
                _ => "info",
            },
            reversal: row.reversal != 0,
            bank_ref: row.bank_ref.clone(),
            entry_ref: row.entry_ref.clone(),
            end_to_end_id: row.end_to_end_id.clone(),
            counterparty_name: row.counterparty_name.clone(),
            counterparty_iban: row.counterparty_iban.clone(),
            remittance: row.remittance.clone(),
            creditor_reference: row.creditor_reference.clone(),
            bank_transaction_code: row.bank_transaction_code.clone(),
            source_element: row.source_element.clone(),
            details: Vec::new(),
        });
    }
    let batch = cashline_bankfile::stream::ENTRY_BATCH_ROWS.min(per_statement);
    let start = Instant::now();
    let mut tx = ledger.begin().await?;
    for chunk in converted.chunks(batch) {
        entry::insert_new(&mut tx, chunk, promote, now()).await?;
    }
    tx.commit().await?;
    Ok(start.elapsed().as_secs_f64())
}

fn time_digest(path: &Path) -> anyhow::Result<f64> {
    let start = Instant::now();
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    std::hint::black_box(hasher.finalize());
    Ok(start.elapsed().as_secs_f64())
}

/// Counts entries and drops them, as a writer that costs nothing would.
#[derive(Default)]
struct CountSink {
    entries: u64,
}

impl StatementSink for CountSink {
    fn event(&mut self, event: StatementEvent) -> Result<(), ParseError> {
        if let StatementEvent::Entries(entries) = event {
            self.entries += entries.len() as u64;
        }
        Ok(())
    }
}

fn time_parse(path: &Path) -> anyhow::Result<f64> {
    let mut head = vec![0u8; cashline_bankfile::IDENTIFY_BYTES];
    let read = File::open(path)?.read(&mut head)?;
    let format = cashline_bankfile::identify(&head[..read], &[], None)?;
    let start = Instant::now();
    let reader = BufReader::with_capacity(256 * 1024, File::open(path)?);
    let mut sink = CountSink::default();
    cashline_bankfile::parse_stream(reader, &format, &[], &mut sink)?;
    std::hint::black_box(sink.entries);
    Ok(start.elapsed().as_secs_f64())
}
