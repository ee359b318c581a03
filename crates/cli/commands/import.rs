//! `cashline import` (files, or a watched folder) and `cashline csv-mapping`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use cashline_service::request::ImportOptions;
use cashline_service::{inbox, wire, Service};

use super::Reported;
use crate::output;

#[derive(Args)]
pub struct ImportArgs {
    #[arg(required_unless_present = "watch", value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Keep watching this folder and import every bank file that lands in it (moved to
    /// imported/ or failed/ afterwards). With --json, one JSON line per file.
    #[arg(long, value_name = "DIR", conflicts_with = "files")]
    watch: Option<PathBuf>,
    /// Read the files as CSV with this saved mapping, whatever their header.
    #[arg(long, value_name = "NAME")]
    csv_mapping: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum CsvMappingCommand {
    /// Save a mapping from its JSON definition (replacing one of the same name).
    Add {
        #[arg(value_name = "MAPPING.json")]
        file: PathBuf,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    Remove {
        name: String,
    },
}

pub async fn exec(service: &Service, args: ImportArgs) -> anyhow::Result<()> {
    if let Some(folder) = args.watch {
        return watch(service, folder, args.json).await;
    }
    let options = ImportOptions {
        csv_mapping: args.csv_mapping,
    };
    let report = service.import_paths(&args.files, &options).await;
    for file in report.files.iter().filter(|f| f.error.is_some()) {
        eprintln!(
            "cashline: {}",
            output::shown(file.error.as_deref().unwrap_or_default())
        );
    }
    output::show(args.json, &report, output::import)?;
    if report.any_failed() {
        return Err(Reported.into());
    }
    Ok(())
}

async fn watch(service: &Service, folder: PathBuf, json: bool) -> anyhow::Result<()> {
    let folder = std::path::absolute(&folder).unwrap_or(folder);
    println!(
        "Watching {} for bank files. Press Ctrl-C to stop.",
        output::shown(&folder.display().to_string())
    );
    let print = |result: &wire::FileResult| {
        if json {
            println!("{}", serde_json::to_string(result).unwrap_or_default());
        } else {
            match &result.error {
                Some(error) => println!("failed: {}", output::shown(error)),
                None => println!(
                    "{}: {} ({} new entries)",
                    result.status,
                    output::shown(&result.file),
                    result.new_entries
                ),
            }
        }
    };
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    inbox::watch(service, &folder, print, stop)
        .await
        .with_context(|| format!("cannot watch {}", folder.display()))
}

pub async fn exec_csv_mapping(service: &Service, command: CsvMappingCommand) -> anyhow::Result<()> {
    match command {
        CsvMappingCommand::Add { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let definition: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not JSON", file.display()))?;
            let saved = service.csv_mapping_save(definition).await?;
            println!(
                "Saved CSV mapping '{}': it reads {} from files whose header is {}",
                output::shown(&saved.name),
                saved.records.replace('_', " "),
                output::shown(&saved.header)
            );
        }
        CsvMappingCommand::List { json } => {
            let report = service.csv_mappings().await?;
            if json {
                output::json(&report)?;
            } else if report.mappings.is_empty() {
                println!("No CSV mappings saved.");
            } else {
                for mapping in &report.mappings {
                    println!(
                        "{} ({}): {}",
                        output::shown(&mapping.name),
                        mapping.records.replace('_', " "),
                        output::shown(&mapping.header)
                    );
                }
            }
        }
        CsvMappingCommand::Remove { name } => {
            service.csv_mapping_remove(&name).await?;
            println!("Removed CSV mapping '{}'.", output::shown(&name));
        }
    }
    Ok(())
}
