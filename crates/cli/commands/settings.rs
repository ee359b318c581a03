//! `cashline settings`: this installation's settings.

use std::path::PathBuf;

use clap::Args;

use cashline_service::Service;

use crate::output;

#[derive(Args)]
pub struct SettingsArgs {
    /// Watch this folder for bank files while the app or `cashline serve` runs.
    #[arg(long, value_name = "DIR", conflicts_with = "no_inbox")]
    inbox: Option<PathBuf>,
    /// Stop watching an inbox folder.
    #[arg(long)]
    no_inbox: bool,
    #[arg(long)]
    json: bool,
}

pub async fn exec(service: &Service, args: SettingsArgs) -> anyhow::Result<()> {
    let settings = if args.no_inbox {
        service.set_inbox_folder(None).await?
    } else if let Some(folder) = args.inbox {
        let folder = std::path::absolute(&folder).unwrap_or(folder);
        service.set_inbox_folder(Some(&folder)).await?
    } else {
        service.settings().await?
    };
    if args.json {
        output::json(&settings)?;
    } else {
        println!(
            "inbox folder: {}",
            output::shown(settings.inbox_folder.as_deref().unwrap_or("(none)"))
        );
    }
    Ok(())
}
