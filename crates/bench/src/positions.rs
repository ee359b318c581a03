//! `positions`: latency of the treasurer's screens over a large ledger (10 million entries, 50
//! accounts, three years of daily statements): positions now and as of a past day, a 90-day
//! history, a 10-day forecast. The peer is the same ledger with its covering indexes dropped.

use std::path::Path;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use rusqlite::{params, Connection};
use serde_json::json;

use cashline_domain::Currency;
use cashline_engine::forecast::{forecast, ForecastQuery};
use cashline_engine::history::history;
use cashline_engine::position::{positions, PositionQuery};
use cashline_ledger::Ledger;

use crate::generate::Rng;
use crate::import::remove_database;
use crate::report::{self, percentile, ratio, verdict, Table};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    #[arg(long, default_value_t = 10_000_000)]
    pub entries: u64,
    #[arg(long, default_value_t = 50)]
    pub accounts: usize,
    #[arg(long, default_value_t = 3)]
    pub years: u32,
    /// Timed calls of each query (after the warm-up).
    #[arg(long, default_value_t = 1000)]
    pub runs: usize,
    /// Untimed calls before timing.
    #[arg(long, default_value_t = 20)]
    pub warmup: usize,
    /// Time allowed to each query of the peer (no covering index), in seconds; it stops at
    /// `runs` calls or when this is spent, with at least 3 calls.
    #[arg(long, default_value_t = 60)]
    pub peer_budget_seconds: u64,
    /// Rebuild the ledger even when a matching one is kept from an earlier run.
    #[arg(long)]
    pub rebuild: bool,
    /// Time Cashline's queries only, without the peer, and print them (for trying a change;
    /// nothing is published).
    #[arg(long)]
    pub skip_peer: bool,
    #[arg(long, default_value_t = 20_260_105)]
    pub seed: u64,
}

impl Args {
    /// The defaults, for a ledger of `entries` entries.
    pub fn for_entries(entries: u64, seed: u64) -> Args {
        let mut args: Args = crate::args_default();
        args.entries = entries;
        args.seed = seed;
        args
    }
}

/// The target: every query's 95th percentile within this many milliseconds.
const TARGET_P95_MS: f64 = 10.0;
/// Open items and payments seeded for the forecast.
const OPEN_ITEMS: usize = 300;
const PAYMENTS: usize = 200;
/// Currencies with daily ECB-style reference rates against the euro, as a ledger that fetches
/// the ECB's rates every day holds.
const RATE_CURRENCIES: &[&str] = &[
    "USD", "JPY", "BGN", "CZK", "DKK", "GBP", "HUF", "PLN", "RON", "SEK", "CHF", "ISK", "NOK",
    "TRY", "AUD", "BRL", "CAD", "CNY", "HKD", "IDR", "ILS", "INR", "KRW", "MXN", "MYR", "NZD",
    "PHP", "SGD", "THB", "ZAR",
];

/// The covering indexes the peer runs without, with their definitions to restore them.
const COVERING_INDEXES: &[(&str, &str)] = &[
    (
        "balance_latest",
        "CREATE INDEX IF NOT EXISTS balance_latest ON balance (account_id, balance_type, balance_date, as_of_at, amount_minor, currency)",
    ),
    (
        "entry_by_account_date",
        "CREATE INDEX IF NOT EXISTS entry_by_account_date ON entry (account_id, booking_date, status, amount_minor, created_at)",
    ),
];

/// "Now" of the benchmark: noon of the last day of the data.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 31, 12, 0, 0)
        .single()
        .expect("a valid instant")
}

fn is_weekday(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

fn date_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn instant_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// What the kept ledger was built with, so that a later run reuses it only when it matches.
fn build_key(args: &Args) -> String {
    format!(
        "v1 entries={} accounts={} years={} seed={}",
        args.entries, args.accounts, args.years, args.seed
    )
}

pub async fn run(args: &Args, out_dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out_dir)?;
    let db = out_dir.join("positions-ledger.sqlite");
    let key_file = out_dir.join("positions-ledger.key");
    let kept = std::fs::read_to_string(&key_file).ok() == Some(build_key(args)) && db.exists();
    let mut fill_seconds = None;
    if args.rebuild || !kept {
        let _ = std::fs::remove_file(&key_file);
        remove_database(&db);
        Ledger::open(&db).await?.close().await;
        let start = Instant::now();
        fill(args, &db)?;
        fill_seconds = Some(start.elapsed().as_secs_f64());
        eprintln!(
            "positions: filled in {:.0} s",
            start.elapsed().as_secs_f64()
        );
        std::fs::write(&key_file, build_key(args))?;
    } else {
        eprintln!("positions: reusing {}", db.display());
    }
    // A run stopped during the peer leaves the indexes dropped: restore them first.
    restore_indexes(&db)?;

    let ledger = Ledger::open(&db).await?;
    let ours = measure_all(&ledger, args.runs, args.warmup, None).await?;
    let parts = breakdown(&ledger, args.runs.min(200)).await?;
    ledger.close().await;
    if args.skip_peer {
        let timed = ours.iter().map(|(n, s)| (n, s));
        for (name, samples) in timed.chain(parts.iter().map(|(n, s, _)| (n, s))) {
            eprintln!(
                "{name}: p50 {:.2} ms, p95 {:.2} ms",
                percentile(samples, 50.0),
                percentile(samples, 95.0)
            );
        }
        return Ok(());
    }

    eprintln!("positions: dropping the covering indexes for the peer");
    {
        let connection = Connection::open(&db)?;
        for (name, _) in COVERING_INDEXES {
            connection.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))?;
        }
    }
    let ledger = Ledger::open(&db).await?;
    let budget = StdDuration::from_secs(args.peer_budget_seconds);
    let peer = measure_all(&ledger, args.runs, 1, Some(budget)).await;
    ledger.close().await;
    eprintln!("positions: restoring the covering indexes");
    restore_indexes(&db)?;
    let peer = peer?;

    let mut table = Table::new(&[
        "query",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "calls",
        "peer (no covering index) p50 / p95 ms",
        "peer calls",
        "ratio (peer p95 / ours)",
        "target",
        "",
    ]);
    let mut results = Vec::new();
    for (mine, theirs) in ours.iter().zip(&peer) {
        let p = |samples: &[f64], q| percentile(samples, q);
        let (p50, p95, p99) = (p(&mine.1, 50.0), p(&mine.1, 95.0), p(&mine.1, 99.0));
        let (peer_p50, peer_p95) = (p(&theirs.1, 50.0), p(&theirs.1, 95.0));
        let met = p95 <= TARGET_P95_MS;
        table.row(vec![
            mine.0.clone(),
            format!("{p50:.2}"),
            format!("{p95:.2}"),
            format!("{p99:.2}"),
            mine.1.len().to_string(),
            format!("{peer_p50:.1} / {peer_p95:.1}"),
            theirs.1.len().to_string(),
            ratio(peer_p95, p95),
            format!("p95 ≤ {TARGET_P95_MS} ms"),
            verdict(met),
        ]);
        results.push(json!({
            "query": mine.0,
            "p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "calls": mine.1.len(),
            "peer": "same ledger without balance_latest and entry_by_account_date",
            "peer_p50_ms": peer_p50, "peer_p95_ms": peer_p95,
            "peer_p99_ms": p(&theirs.1, 99.0), "peer_calls": theirs.1.len(),
            "target_p95_ms": TARGET_P95_MS, "met": met,
        }));
    }
    let mut parts_table = Table::new(&[
        "ledger call (inside the queries above)",
        "p50 ms",
        "p95 ms",
        "rows",
    ]);
    let mut parts_json = Vec::new();
    for (name, samples, rows) in &parts {
        let (p50, p95) = (percentile(samples, 50.0), percentile(samples, 95.0));
        parts_table.row(vec![
            name.clone(),
            format!("{p50:.2}"),
            format!("{p95:.2}"),
            rows.to_string(),
        ]);
        parts_json.push(json!({ "call": name, "p50_ms": p50, "p95_ms": p95, "rows": rows }));
    }
    let size_bytes = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    report::publish(
        out_dir,
        "positions",
        &format!("Query latency over {} entries", args.entries),
        &[&table, &parts_table],
        json!({
            "entries": args.entries,
            "accounts": args.accounts,
            "years": args.years,
            "ledger_bytes": size_bytes,
            "fill_seconds": fill_seconds,
            "queries": results,
            "ledger_calls": parts_json,
        }),
    )
}

/// Times the ledger calls the queries are made of, to say where their time goes.
async fn breakdown(ledger: &Ledger, runs: usize) -> anyhow::Result<Vec<(String, Vec<f64>, usize)>> {
    use cashline_ledger::{account, balance, fx_rate, open_item, payment};
    let today = now().date_naive();
    let pool = ledger.pool();
    let mut out = Vec::new();
    for call in 0..9 {
        let name = match call {
            7 => "sqlx baseline: 3200 rows of one integer",
            8 => "sqlx baseline: 3200 rows of 4 columns (3 text)",
            0 => "account::list",
            1 => "balance::facts_per_account (today)",
            2 => "balance::facts_per_account (400 days ago)",
            3 => "fx_rate::latest_on_or_before",
            4 => "balance::daily_closings (90 days)",
            5 => "payment::list",
            _ => "open_item::open_due_by (20 days ahead)",
        };
        let once =
            || async {
                Ok::<usize, anyhow::Error>(match call {
                7 => sqlx::query_as::<_, (i64,)>("SELECT id FROM balance LIMIT 3200")
                    .fetch_all(pool)
                    .await?
                    .len(),
                8 => sqlx::query_as::<_, (String, String, String, i64)>(
                    "SELECT source, currency, balance_date, amount_minor FROM balance LIMIT 3200",
                )
                .fetch_all(pool)
                .await?
                .len(),
                0 => account::list(pool).await?.len(),
                1 => balance::facts_per_account(pool, today).await?.len(),
                2 => balance::facts_per_account(pool, today - Duration::days(400)).await?.len(),
                3 => fx_rate::latest_on_or_before(pool, today).await?.len(),
                4 => balance::daily_closings(pool, today - Duration::days(89), today)
                    .await?
                    .iter()
                    .map(|a| a.closes.len())
                    .sum(),
                5 => payment::list(pool, None).await?.len(),
                _ => open_item::open_due_by(pool, today + Duration::days(20)).await?.len(),
            })
            };
        let mut rows = once().await?;
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            rows = once().await?;
            samples.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        out.push((name.to_string(), samples, rows));
    }
    Ok(out)
}

fn restore_indexes(db: &Path) -> anyhow::Result<()> {
    let connection = Connection::open(db)?;
    for (_, create) in COVERING_INDEXES {
        connection.execute_batch(create)?;
    }
    Ok(())
}

pub(crate) type Samples = (String, Vec<f64>);

/// Times each query: `warmup` untimed calls, then `runs` timed ones (or until `budget`).
pub(crate) async fn measure_all(
    ledger: &Ledger,
    runs: usize,
    warmup: usize,
    budget: Option<StdDuration>,
) -> anyhow::Result<Vec<Samples>> {
    let today = now().date_naive();
    let past = today - Duration::days(400);
    let past_at = Utc.from_utc_datetime(&past.and_hms_opt(23, 59, 59).expect("a valid time"));
    let eur = Currency::EUR;
    let mut out = Vec::new();
    for query in 0..4 {
        let name = match query {
            0 => "positions (now)".to_string(),
            1 => format!("positions --as-of {past}"),
            2 => "history (90 days, all accounts)".to_string(),
            _ => "forecast (10 business days)".to_string(),
        };
        eprintln!("positions: timing {name}");
        let call = || async {
            match query {
                0 => positions(
                    ledger,
                    &PositionQuery {
                        at: now(),
                        entity: None,
                        reporting_currency: eur,
                    },
                )
                .await
                .map(|r| r.accounts.len()),
                1 => positions(
                    ledger,
                    &PositionQuery {
                        at: past_at,
                        entity: None,
                        reporting_currency: eur,
                    },
                )
                .await
                .map(|r| r.accounts.len()),
                2 => history(ledger, today - Duration::days(89), today, None)
                    .await
                    .map(|h| h.accounts.len()),
                _ => forecast(
                    ledger,
                    &ForecastQuery {
                        at: now(),
                        days: 10,
                        entity: None,
                        reporting_currency: eur,
                    },
                )
                .await
                .map(|f| f.per_currency.len()),
            }
        };
        for _ in 0..warmup {
            std::hint::black_box(call().await?);
        }
        let started = Instant::now();
        let mut samples = Vec::with_capacity(runs);
        while samples.len() < runs {
            let start = Instant::now();
            let answer = call().await?;
            samples.push(start.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(answer > 0, "{name} answered nothing");
            if budget.is_some_and(|b| started.elapsed() > b) && samples.len() >= 3 {
                break;
            }
        }
        out.push((name, samples));
    }
    Ok(out)
}

/// Fills the migrated ledger with rusqlite: entities, banks, accounts, a statement with
/// opening and closing balances per account and business day, the entries, today's intraday
/// entries (rolled forward onto the last close), rates, open items and payments. Rows go in
/// in index order (account, then day), so every index grows at its end.
pub(crate) fn fill(args: &Args, db: &Path) -> anyhow::Result<()> {
    let mut connection = Connection::open(db)?;
    connection.execute_batch(
        "PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -262144;",
    )?;
    let mut rng = Rng::new(args.seed);
    let today = now().date_naive();
    let start = today - Duration::days(365 * i64::from(args.years));
    let days: Vec<NaiveDate> = (0..)
        .map(|n| start + Duration::days(n))
        .take_while(|d| *d < today)
        .filter(|d| is_weekday(*d))
        .collect();
    let created = instant_text(Utc.from_utc_datetime(&start.and_hms_opt(6, 0, 0).expect("time")));
    let tx = connection.transaction()?;
    for (index, code) in ["DE01", "FR01", "NL01", "US01", "GB01"].iter().enumerate() {
        tx.execute(
            "INSERT INTO entity (id, code, name, country, reporting_currency, created_at) VALUES (?1, ?2, ?3, ?4, 'EUR', ?5)",
            params![index as i64 + 1, code, format!("Cashline Group {code}"), &code[..2], created],
        )?;
    }
    let banks = [
        ("COBADEFFXXX", "Commerzbank"),
        ("DEUTDEFFXXX", "Deutsche Bank"),
        ("BNPAFRPPXXX", "BNP Paribas"),
        ("CHASUS33XXX", "JPMorgan Chase"),
    ];
    for (index, (bic, name)) in banks.iter().enumerate() {
        tx.execute(
            "INSERT INTO bank (id, name, bic, country, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![index as i64 + 1, name, bic, &bic[4..6], created],
        )?;
    }
    let mut accounts = Vec::new();
    for index in 0..args.accounts {
        let currency = match index % 10 {
            3 => "USD",
            7 => "GBP",
            9 => "CHF",
            _ => "EUR",
        };
        let iban = cashline_domain::Iban::from_country_and_bban(
            "DE",
            &format!("37040044{:010}", 5_320_000 + index),
        )?;
        let key = iban.reveal().to_string();
        tx.execute(
            "INSERT INTO account (id, account_key, iban, bic, currency, name, entity_id, bank_id, created_at)
             VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                index as i64 + 1,
                key,
                banks[index % banks.len()].0,
                currency,
                format!("Operating account {}", index + 1),
                (index % 5) as i64 + 1,
                (index % banks.len()) as i64 + 1,
                created
            ],
        )?;
        accounts.push((index as i64 + 1, key, currency));
    }
    tx.execute(
        "INSERT INTO source_file (id, digest_sha256, file_name, format, size_bytes, imported_at, imported_by)
         VALUES (1, 'bench', 'bench-fill', 'camt.053.001.08', 0, ?1, 'bench')",
        params![created],
    )?;

    // Entries per account-day: the average with ±50 % noise, today's intraday counted as a day.
    let slots = args.accounts as u64 * (days.len() as u64 + 1);
    let average = args.entries / slots;
    let mut counts: Vec<u64> = (0..slots)
        .map(|_| average / 2 + rng.below(average.max(1)))
        .collect();
    let assigned: u64 = counts.iter().sum();
    // Spread the difference over the slots so the total is exact.
    let mut difference = args.entries as i64 - assigned as i64;
    let mut slot = 0;
    while difference != 0 {
        let step = difference.signum();
        if step > 0 || counts[slot] > 0 {
            counts[slot] = (counts[slot] as i64 + step) as u64;
            difference -= step;
        }
        slot = (slot + 1) % counts.len();
    }

    let mut statement_insert = tx.prepare(
        "INSERT INTO statement (id, account_id, source_file_id, kind, format, message_id, statement_ref,
           sequence_number, created_at_bank, period_from_at, period_to_at, identity_key, imported_at)
         VALUES (?1, ?2, 1, ?3, 'camt.053.001.08', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?7)",
    )?;
    let mut balance_insert = tx.prepare(
        "INSERT INTO balance (account_id, statement_id, balance_type, amount_minor, currency, balance_date, as_of_at, source, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut entry_insert = tx.prepare(
        "INSERT INTO entry (account_id, statement_id, identity_key, booking_date, value_date, amount_minor,
           currency, status, reversal, bank_ref, entry_ref, end_to_end_id, counterparty_name,
           counterparty_iban, remittance, bank_transaction_code, source_element, created_at)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, 'booked', 0, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    let names = [
        "Mueller Logistik GmbH",
        "Nordwind Energie AG",
        "Atelier Dupont SARL",
        "Rossi Alimentari S.p.A.",
        "Brightline Software Ltd",
        "Stadtwerke Musterstadt",
    ];
    let words = [
        "Invoice", "order", "contract", "rent", "salary", "refund", "delivery", "freight",
    ];
    let mut statement_id = 0i64;
    let mut number = 0u64;
    let mut slot = 0usize;
    for (account_id, key, currency) in &accounts {
        // 10 to 100 million in minor units.
        let mut balance = 1_000_000_000_i64 + rng.below(9_000_000_000) as i64;
        let mut sequence = 0;
        for (day_index, day) in days
            .iter()
            .copied()
            .chain(std::iter::once(today))
            .enumerate()
        {
            let intraday = day_index == days.len();
            statement_id += 1;
            sequence += 1;
            let day_start = Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).expect("time"));
            let imported = if intraday {
                instant_text(now() - Duration::hours(1))
            } else {
                instant_text(day_start + Duration::hours(30))
            };
            let kind = if intraday { "intraday" } else { "end_of_day" };
            statement_insert.execute(params![
                statement_id,
                account_id,
                kind,
                format!("M{}{account_id:03}", day.format("%Y%m%d")),
                format!("S{}-{account_id:03}", day.format("%Y%m%d")),
                format!("{sequence:05}"),
                imported,
                instant_text(day_start),
                instant_text(day_start + Duration::seconds(86_399)),
                format!(
                    "{kind}|{key}|{currency}|S{}|{sequence:05}|",
                    day.format("%Y%m%d")
                ),
            ])?;
            let opening = balance;
            let day_text = date_text(day);
            for position in 0..counts[slot] {
                number += 1;
                let credit = rng.below(100) < 50;
                let bound = if rng.below(10) == 0 {
                    50_000_000
                } else {
                    500_000
                };
                let magnitude = 100 + rng.below(bound) as i64;
                let amount = if credit { magnitude } else { -magnitude };
                balance += amount;
                let bank_ref = format!("B{number:015}");
                entry_insert.execute(params![
                    account_id,
                    statement_id,
                    format!("ref:{bank_ref}|{amount}#1"),
                    day_text,
                    amount,
                    currency,
                    bank_ref,
                    format!("N{number:09}"),
                    format!("E2E{number:012}"),
                    names[rng.below(names.len() as u64) as usize],
                    format!("DE{:020}", rng.below(u64::MAX / 2)),
                    format!(
                        "{} {}-{:06} {}",
                        words[rng.below(words.len() as u64) as usize],
                        day.year(),
                        number % 1_000_000,
                        words[rng.below(words.len() as u64) as usize]
                    ),
                    if credit {
                        "PMNT/RCDT/ESCT"
                    } else {
                        "PMNT/ICDT/ESCT"
                    },
                    format!("Stmt[1]/Ntry[{}]", position + 1),
                    imported,
                ])?;
            }
            slot += 1;
            if !intraday {
                let as_of = instant_text(day_start + Duration::seconds(86_399));
                for (balance_type, amount) in
                    [("opening_booked", opening), ("closing_booked", balance)]
                {
                    balance_insert.execute(params![
                        account_id,
                        statement_id,
                        balance_type,
                        amount,
                        currency,
                        day_text,
                        as_of,
                        "camt.053",
                        imported
                    ])?;
                }
            } else if account_id % 5 == 0 {
                // A fifth of the accounts also report an interim available balance today.
                balance_insert.execute(params![
                    account_id,
                    statement_id,
                    "interim_available",
                    balance,
                    currency,
                    day_text,
                    instant_text(now() - Duration::hours(1)),
                    "camt.052",
                    imported
                ])?;
            }
        }
        eprintln!(
            "positions: account {account_id} of {} filled ({number} entries)",
            accounts.len()
        );
    }
    drop(statement_insert);
    drop(balance_insert);
    drop(entry_insert);

    // Daily reference rates against the euro for every currency the ECB publishes.
    {
        let mut rate_insert = tx.prepare(
            "INSERT INTO fx_rate (base_currency, quote_currency, rate_date, rate_text, source, imported_at)
             VALUES ('EUR', ?1, ?2, ?3, 'ecb', ?4)",
        )?;
        for day in &days {
            for (index, quote) in RATE_CURRENCIES.iter().enumerate() {
                let rate = format!("{}.{:04}", 1 + index, rng.below(10_000));
                rate_insert.execute(params![quote, date_text(*day), rate, created])?;
            }
        }
    }
    // Open items and payments for the forecast, due around today.
    {
        let mut item_insert = tx.prepare(
            "INSERT INTO open_item (source, external_id, document_number, entity_id, kind, counterparty_name,
               counterparty_iban, amount_minor, currency, due_date, reference, collection_probability_text,
               state, imported_at, updated_at)
             VALUES ('csv', ?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'open', ?11, ?11)",
        )?;
        for index in 0..OPEN_ITEMS {
            let receivable = index % 2 == 0;
            let due = today + Duration::days(rng.below(25) as i64 - 5);
            let currency = if index % 7 == 0 { "USD" } else { "EUR" };
            item_insert.execute(params![
                format!("{}-{index:05}", if receivable { "AR" } else { "AP" }),
                (index % 5) as i64 + 1,
                if receivable { "receivable" } else { "payable" },
                names[index % names.len()],
                format!("DE{:020}", rng.below(u64::MAX / 2)),
                10_000 + rng.below(5_000_000) as i64,
                currency,
                date_text(due),
                format!("RF{index:06}"),
                if receivable && index % 4 == 0 {
                    Some("0.85")
                } else {
                    None
                },
                created,
            ])?;
        }
        let mut payment_insert = tx.prepare(
            "INSERT INTO payment (external_id, erp_reference, instruction_id, end_to_end_id, debtor_account_id,
               debtor_iban, creditor_name, creditor_iban, amount_minor, currency, requested_date,
               reference, state, prepared_by, approved_by, created_at, updated_at)
             VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'prepare', ?13, ?14, ?14)",
        )?;
        let states = [
            "approved",
            "sent",
            "accepted",
            "imported",
            "validated",
            "settled",
        ];
        for index in 0..PAYMENTS {
            let (account_id, key, currency) = &accounts[index % accounts.len()];
            let state = states[index % states.len()];
            payment_insert.execute(params![
                format!("PAY-{index:05}"),
                format!("INSTR-{index:05}"),
                format!("E2E-PAY-{index:05}"),
                account_id,
                key,
                names[index % names.len()],
                format!("DE{:020}", rng.below(u64::MAX / 2)),
                10_000 + rng.below(2_000_000) as i64,
                currency,
                date_text(today + Duration::days(rng.below(12) as i64)),
                // Every third payment pays a payable, which then counts once.
                if index % 3 == 0 {
                    Some(format!("AP-{:05}", index * 2 + 1))
                } else {
                    None
                },
                state,
                if matches!(state, "imported" | "validated") {
                    None
                } else {
                    Some("approve")
                },
                created,
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}
