//! `cashline-bench`: Cashline's benchmarks, each figure beside a named peer measured in the same
//! run, printed as Markdown tables and written as JSON to `target/bench/` (see BENCHMARKS.md).

mod cipher;
mod generate;
mod import;
mod memory;
mod parse;
mod payments;
mod positions;
mod recon;
mod report;
mod seeds;
mod sql;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// mimalloc rather than glibc's malloc: see the workspace Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(about = "Cashline's benchmarks against named peers (see BENCHMARKS.md)")]
struct Cli {
    /// Where generated files and JSON results go.
    #[arg(long, global = true, default_value = "target/bench")]
    out: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse throughput of camt.053, MT940 and BAI2 against Python peers on the same files.
    Parse(parse::Args),
    /// Import of a large camt.053 file against plain rusqlite inserting the same rows.
    Import(import::Args),
    /// Peak memory of `cashline import` on a 100 MB and a 1 GB file.
    Memory(memory::Args),
    /// Latency of positions, history and forecast over 10 million entries.
    Positions(positions::Args),
    /// Reconciliation: the matcher, a whole run and incremental runs at 1,000,000 entries.
    Recon(recon::Args),
    /// Listing 100,000 payments with their events through the service, against bare rusqlite.
    Payments(payments::Args),
    /// What encryption at rest costs the import and the positions queries, against plain.
    Cipher(cipher::Args),
    /// Everything above with its defaults (takes a while).
    All,
    /// Small valid files for every fuzz target (fuzz/seed.sh).
    FuzzSeeds(seeds::Args),
    /// Times SQL statements on a ledger with Cashline's SQLite and prints their plans.
    Sql(sql::Args),
}

fn args_default<T: clap::Args>() -> T {
    #[derive(Parser)]
    struct Wrapper<A: clap::Args> {
        #[command(flatten)]
        args: A,
    }
    Wrapper::<T>::parse_from(["cashline-bench"]).args
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let out = &cli.out;
    match cli.command {
        Command::Parse(args) => parse::run(&args, out),
        Command::Import(args) => import::run(&args, out).await,
        Command::Memory(args) => memory::run(&args, out),
        Command::Positions(args) => positions::run(&args, out).await,
        Command::Recon(args) => recon::run(&args, out).await,
        Command::Payments(args) => payments::run(&args, out).await,
        Command::Cipher(args) => cipher::run(&args, out).await,
        Command::FuzzSeeds(args) => seeds::run(&args),
        Command::Sql(args) => sql::run(&args),
        Command::All => {
            parse::run(&args_default(), out)?;
            import::run(&args_default(), out).await?;
            memory::run(&args_default(), out)?;
            positions::run(&args_default(), out).await?;
            recon::run(&args_default(), out).await?;
            payments::run(&args_default(), out).await?;
            cipher::run(&args_default(), out).await
        }
    }
}
