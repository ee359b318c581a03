//! `cashline recon`: runs, matches and decisions, rules, what was learnt, and the evaluation.

use std::path::PathBuf;

use clap::Subcommand;

use cashline_service::recon::RuleEdit;
use cashline_service::{request, wire, Service};

use crate::output::{self, shown};

#[derive(Subcommand)]
pub enum ReconCommand {
    /// Run every enabled rule over what is new or still open.
    Run {
        /// Decide and show, but write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Matches, newest first.
    Matches {
        /// auto, suggested, confirmed, rejected or undone.
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Confirm a suggestion (or an automatic match).
    Confirm {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Reject a suggestion or an automatic match; the pair is never proposed again.
    Reject {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Undo an automatic or confirmed match: its items are open again.
    Undo {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Match entries to items and payments by hand.
    Match {
        /// Bank references of the entries.
        #[arg(long = "entry", required = true, num_args = 1..)]
        entries: Vec<String>,
        /// Open item ids.
        #[arg(long = "item", num_args = 1..)]
        items: Vec<String>,
        /// Payment ids.
        #[arg(long = "payment", num_args = 1..)]
        payments: Vec<String>,
        /// What a difference between the entries and the items is: fee, short_payment,
        /// over_payment, instalment, rounding or other.
        #[arg(long)]
        difference_kind: Option<String>,
        /// The entries' account, where a bank reference is on several.
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The rules, in the order they are tried.
    Rules {
        #[command(subcommand)]
        command: RuleCommand,
    },
    /// Counterparty aliases learnt from confirmations, and pairs rejected for good.
    Aliases {
        #[command(subcommand)]
        command: AliasCommand,
    },
    /// Judge the current matches against a labelled file.
    Evaluate {
        #[arg(long)]
        truth: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The automation rate, what is unreconciled, and open exceptions by age.
    Summary {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum RuleCommand {
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a rule from a JSON file (`{"name", "criteria": [...], "confidence"}`).
    Add {
        file: PathBuf,
    },
    Enable {
        name: String,
    },
    Disable {
        name: String,
    },
    /// Move a rule to a position (1 = tried first).
    Move {
        name: String,
        #[arg(long)]
        to: u32,
    },
    /// Remove a custom rule.
    Remove {
        name: String,
    },
    /// The confidence from which a match is made automatically (`--auto 0.90`) and from
    /// which one is suggested (`--suggest 0.60`); without either, the current ones.
    Thresholds {
        #[arg(long, value_name = "CONFIDENCE")]
        auto: Option<String>,
        #[arg(long, value_name = "CONFIDENCE")]
        suggest: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum AliasCommand {
    List {
        #[arg(long)]
        json: bool,
    },
    /// Forget an alias.
    Remove { id: String },
    /// Forget a rejected pair, so it may be proposed again.
    RemoveNegative { id: String },
}

pub async fn exec(service: &Service, command: ReconCommand) -> anyhow::Result<()> {
    match command {
        ReconCommand::Run { dry_run, json } => {
            let report = service.recon_run(request::ReconRun { dry_run }).await?;
            output::show(json, &report, run)
        }
        ReconCommand::Matches { state, limit, json } => {
            let report = service
                .recon_matches(request::MatchesQuery { state, limit })
                .await?;
            output::show(json, &report, matches)
        }
        ReconCommand::Confirm { id, json } => output::show(
            json,
            &service.recon_confirm(request::MatchId { id }).await?,
            decided,
        ),
        ReconCommand::Reject { id, json } => output::show(
            json,
            &service.recon_reject(request::MatchId { id }).await?,
            decided,
        ),
        ReconCommand::Undo { id, json } => output::show(
            json,
            &service.recon_undo(request::MatchId { id }).await?,
            decided,
        ),
        ReconCommand::Match {
            entries,
            items,
            payments,
            difference_kind,
            account,
            json,
        } => {
            let report = service
                .recon_match(request::ManualMatch {
                    entries,
                    items,
                    payments,
                    difference_kind,
                    account,
                })
                .await?;
            output::show(json, &report, decided)
        }
        ReconCommand::Rules { command } => rules(service, command).await,
        ReconCommand::Aliases { command } => aliases(service, command).await,
        ReconCommand::Evaluate { truth, json } => {
            let name = truth.display().to_string();
            let text = read_text(&truth)?;
            let report = service
                .recon_evaluate(&name, request::ReconEvaluate { truth: text })
                .await?;
            output::show(json, &report, evaluation)
        }
        ReconCommand::Summary { json } => {
            output::show(json, &service.recon_summary().await?, summary)
        }
    }
}

fn read_text(path: &std::path::Path) -> anyhow::Result<String> {
    let name = path.display();
    let meta = std::fs::metadata(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read the file: {e}", shown(&name.to_string())))?;
    if meta.len() > cashline_service::recon::TRUTH_BYTES_MAX as u64 {
        anyhow::bail!(
            "{}: the file is larger than {} MB",
            shown(&name.to_string()),
            cashline_service::recon::TRUTH_BYTES_MAX >> 20
        );
    }
    std::fs::read_to_string(path).map_err(|e| {
        anyhow::anyhow!(
            "{}: cannot read the file as text: {e}",
            shown(&name.to_string())
        )
    })
}

async fn rules(service: &Service, command: RuleCommand) -> anyhow::Result<()> {
    let (report, json) = match command {
        RuleCommand::List { json } => (service.recon_rules().await?, json),
        RuleCommand::Thresholds {
            auto: None,
            suggest: None,
            json,
        } => (service.recon_rules().await?, json),
        RuleCommand::Thresholds {
            auto,
            suggest,
            json,
        } => (
            service
                .recon_thresholds_set(&request::ThresholdsSet { auto, suggest })
                .await?,
            json,
        ),
        RuleCommand::Add { file } => (
            service
                .recon_rule_add(request::RuleAdd {
                    rule: read_text(&file)?,
                })
                .await?,
            false,
        ),
        RuleCommand::Enable { name } => (
            service
                .recon_rule_change(
                    request::RuleChange {
                        name,
                        position: None,
                    },
                    RuleEdit::Enable,
                )
                .await?,
            false,
        ),
        RuleCommand::Disable { name } => (
            service
                .recon_rule_change(
                    request::RuleChange {
                        name,
                        position: None,
                    },
                    RuleEdit::Disable,
                )
                .await?,
            false,
        ),
        RuleCommand::Move { name, to } => (
            service
                .recon_rule_change(
                    request::RuleChange {
                        name,
                        position: Some(to),
                    },
                    RuleEdit::Move,
                )
                .await?,
            false,
        ),
        RuleCommand::Remove { name } => (
            service
                .recon_rule_change(
                    request::RuleChange {
                        name,
                        position: None,
                    },
                    RuleEdit::Remove,
                )
                .await?,
            false,
        ),
    };
    output::show(json, &report, rules_table)
}

async fn aliases(service: &Service, command: AliasCommand) -> anyhow::Result<()> {
    let (report, json) = match command {
        AliasCommand::List { json } => (service.recon_learnt().await?, json),
        AliasCommand::Remove { id } => (
            service.recon_alias_remove(request::LearntId { id }).await?,
            false,
        ),
        AliasCommand::RemoveNegative { id } => (
            service
                .recon_negative_remove(request::LearntId { id })
                .await?,
            false,
        ),
    };
    output::show(json, &report, learnt)
}

fn run(report: &wire::ReconRunReport) {
    println!(
        "{}{} entries looked at: {} matched automatically, {} suggested, {} left unmatched; {} items still open. Automation rate {}.",
        if report.dry_run { "Dry run (nothing written). " } else { "" },
        report.examined,
        report.auto,
        report.suggested,
        report.unmatched_entries,
        report.unmatched_items,
        report.automation_rate
    );
    if report.exceptions_opened + report.exceptions_resolved > 0 {
        println!(
            "Exceptions: {} opened, {} resolved.",
            report.exceptions_opened, report.exceptions_resolved
        );
    }
    match_table(&report.matches);
}

fn matches(report: &wire::ReconMatchesReport) {
    if report.matches.is_empty() {
        println!("No matches.");
        return;
    }
    match_table(&report.matches);
}

fn match_table(list: &[wire::ReconMatch]) {
    if list.is_empty() {
        return;
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|m| {
            vec![
                m.id.clone().unwrap_or_else(|| "-".into()),
                m.state.clone(),
                m.rule.clone(),
                m.confidence.clone(),
                shown(&m.entries.join(" ")),
                shown(
                    &m.items
                        .iter()
                        .chain(&m.payments)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                match &m.difference_kind {
                    Some(kind) => format!("{} {} ({kind})", m.difference, m.currency),
                    None => format!("{} {}", m.difference, m.currency),
                },
            ]
        })
        .collect();
    output::table(
        &[
            "id",
            "state",
            "rule",
            "confidence",
            "entries",
            "items",
            "difference",
        ],
        &rows,
        &[0, 3, 6],
    );
}

fn decided(report: &wire::ReconDecision) {
    println!("Match {} is {}.", report.id, report.state);
    if !report.superseded.is_empty() {
        println!("Suggestions set aside: {}.", report.superseded.join(", "));
    }
    if report.aliases_learnt > 0 {
        println!("Aliases learnt: {}.", report.aliases_learnt);
    }
    if report.negatives_learnt > 0 {
        println!(
            "Pairs that will not be proposed again: {}.",
            report.negatives_learnt
        );
    }
}

fn rules_table(report: &wire::ReconRulesReport) {
    println!(
        "Automatic at {} and above; suggested from {}.",
        report.auto_threshold, report.suggest_threshold
    );
    let rows: Vec<Vec<String>> = report
        .rules
        .iter()
        .map(|r| {
            vec![
                r.position.to_string(),
                shown(&r.name),
                r.kind.clone(),
                if r.enabled { "on".into() } else { "off".into() },
                r.description.clone(),
            ]
        })
        .collect();
    output::table(
        &["#", "name", "kind", "enabled", "what it does"],
        &rows,
        &[0],
    );
}

fn learnt(report: &wire::ReconLearntReport) {
    if report.aliases.is_empty() && report.negatives.is_empty() {
        println!("Nothing learnt yet.");
        return;
    }
    if !report.aliases.is_empty() {
        let rows: Vec<Vec<String>> = report
            .aliases
            .iter()
            .map(|a| {
                vec![
                    a.id.clone(),
                    a.kind.clone(),
                    shown(&a.alias),
                    shown(&a.party),
                    a.created_by.clone(),
                ]
            })
            .collect();
        output::table(
            &[
                "id",
                "kind",
                "as the bank writes it",
                "ERP party",
                "learnt from",
            ],
            &rows,
            &[0],
        );
    }
    if !report.negatives.is_empty() {
        let rows: Vec<Vec<String>> = report
            .negatives
            .iter()
            .map(|n| {
                vec![
                    n.id.clone(),
                    shown(&n.entry),
                    shown(&n.target),
                    n.created_by.clone(),
                ]
            })
            .collect();
        output::table(&["id", "entry", "never with", "rejected by"], &rows, &[0]);
    }
}

fn evaluation(report: &wire::ReconEvaluation) {
    println!(
        "Automatic matches: {} of {} right (precision {}). Recall of automatic and suggested: {} ({} of {} labelled entries).",
        report.auto.right, report.auto.matches, report.auto.precision, report.recall, report.found, report.labelled
    );
    for m in &report.false_matches {
        println!(
            "  wrong ({}, {}): {} -> {}",
            m.state,
            m.rule,
            shown(&m.entries.join(" ")),
            shown(&m.items.join(" "))
        );
    }
}

fn summary(report: &wire::ReconSummary) {
    println!(
        "Automation rate {} ({} of {} entries matched automatically, {} confirmed by a person); {} suggestions to decide; {} entries unmatched.",
        report.automation_rate, report.auto_matched, report.entries_examined, report.confirmed, report.suggestions, report.unmatched_entries
    );
    for t in &report.unreconciled {
        println!(
            "  unreconciled {}: {} entries, in {}, out {}",
            t.currency, t.entries, t.credits, t.debits
        );
    }
    let ages: Vec<String> = report
        .open_exceptions
        .iter()
        .map(|b| format!("{} days: {}", b.bucket, b.count))
        .collect();
    println!("Open exceptions by age: {}.", ages.join(", "));
}
