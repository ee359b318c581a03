//! The ERP's side: `open-items` and `payments`.

use std::path::PathBuf;

use clap::Subcommand;

use cashline_service::request::{OpenItemsQuery, PaymentsQuery};
use cashline_service::Service;

use crate::output::{self, shown};

#[derive(Subcommand)]
pub enum OpenItemCommand {
    /// Import the ERP's CSV export (idempotent by id).
    Import {
        file: PathBuf,
        /// The saved ERP mapping to read it through (else the one whose header it has, or
        /// the layout of CLI.md).
        #[arg(long, value_name = "NAME")]
        mapping: Option<String>,
        #[arg(long)]
        json: bool,
    },
    List {
        /// `receivable` or `payable`.
        #[arg(long)]
        kind: Option<String>,
        /// `open`, `partially_matched`, `matched` or `closed`.
        #[arg(long)]
        state: Option<String>,
        /// `overdue` or `due` (today or later).
        #[arg(long)]
        due: Option<String>,
        /// Part of the counterparty's name.
        #[arg(long)]
        counterparty: Option<String>,
        #[arg(long)]
        currency: Option<String>,
        /// `matched` (wholly or in part) or `unmatched`.
        #[arg(long)]
        matched: Option<String>,
        /// `csv`, or an ERP connection's name.
        #[arg(long)]
        source: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Set the probability (0 to 1) that a receivable is paid on its due date.
    Probability { id: String, probability: String },
}

#[derive(Subcommand)]
pub enum PaymentCommand {
    /// Import a payment run (the CSV of the ERP, or its pain.001 for a bank portal); payments
    /// are validated on the way in.
    Import {
        file: PathBuf,
        /// The saved ERP mapping to read it through (else the one whose header it has, or
        /// the layout of CLI.md).
        #[arg(long, value_name = "NAME")]
        mapping: Option<String>,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        state: Option<String>,
        /// Only the payments of this run (`payments runs`).
        #[arg(long)]
        run: Option<i64>,
        /// Only payments on their way and not settled after their requested date.
        #[arg(long)]
        overdue: bool,
        /// Only the payments from this debtor account (IBAN).
        #[arg(long)]
        debtor: Option<String>,
        /// Only the payments someone must act on (a possible duplicate, a missed cut-off,
        /// issues, rejected or returned, overdue).
        #[arg(long)]
        needs_action: bool,
        /// Only the payments whose creditor's name or IBAN holds this.
        #[arg(long)]
        creditor: Option<String>,
        /// Requested on or after this day (YYYY-MM-DD).
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Requested on or before this day (YYYY-MM-DD).
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        /// At most this many payments, the first by requested date.
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Approve payments; the approver must not be who prepared them.
    Approve {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Send approved payments through a bank connection's API instead of a file; each is
    /// sent at most once, and one whose answer was lost is asked about, never sent again.
    Send {
        #[arg(required = true)]
        ids: Vec<String>,
        /// The bank connection (`connections list`).
        #[arg(long, value_name = "CONNECTION")]
        via: String,
        #[arg(long)]
        json: bool,
    },
    /// One payment with every event of its life.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Cancel a payment that has not been sent.
    Cancel {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// The payment runs, newest first, with their payments per state.
    Runs {
        #[arg(long)]
        json: bool,
    },
    /// Write the approved, unsent payments as one pain.001 for the bank; each payment is in
    /// at most one file.
    Export {
        #[arg(long, default_value = "pain.001.001.09")]
        format: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The pain.001 files written so far, newest first.
    Exports {
        #[arg(long)]
        json: bool,
    },
    /// Write an earlier export again, byte for byte (by its id or message id), for a lost upload.
    Reexport {
        export: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Release a payment held as a possible duplicate (it is a second, real payment).
    Release {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// The amounts above which two people must approve, per currency.
    Limits {
        #[arg(long)]
        json: bool,
    },
    /// Set the amount above which a payment in CURRENCY needs two approvers (`none` removes it).
    Limit {
        currency: String,
        amount: String,
        #[arg(long)]
        json: bool,
    },
}

pub async fn exec_open_items(service: &Service, command: OpenItemCommand) -> anyhow::Result<()> {
    match command {
        OpenItemCommand::Import {
            file,
            mapping,
            json,
        } => {
            let report = service
                .open_items_import_with(&file, mapping.as_deref())
                .await?;
            if json {
                output::json(&report)?;
            } else {
                println!(
                    "{}: {} items, {} new.",
                    shown(&report.file),
                    report.items,
                    report.new_items
                );
            }
        }
        OpenItemCommand::List {
            kind,
            state,
            due,
            counterparty,
            currency,
            matched,
            source,
            json,
        } => {
            let query = OpenItemsQuery {
                kind,
                state,
                due,
                counterparty,
                currency,
                matched,
                source,
            };
            let report = service.open_items(&query).await?;
            output::show(json, &report, output::open_items)?;
        }
        OpenItemCommand::Probability { id, probability } => {
            service.open_item_probability(&id, &probability).await?;
            println!(
                "Item {} is expected with probability {}.",
                shown(&id),
                shown(&probability)
            );
        }
    }
    Ok(())
}

pub async fn exec_payments(service: &Service, command: PaymentCommand) -> anyhow::Result<()> {
    match command {
        PaymentCommand::Import {
            file,
            mapping,
            json,
        } => {
            let report = service
                .payments_import_with(&file, mapping.as_deref())
                .await?;
            if json {
                output::json(&report)?;
            } else {
                println!(
                    "{}: {} payments, {} new: {} validated, {} with issues to put right, {} held as possible duplicates.",
                    shown(&report.file),
                    report.payments,
                    report.new_payments,
                    report.validated,
                    report.with_issues,
                    report.held_as_duplicates
                );
            }
            Ok(())
        }
        PaymentCommand::List {
            state,
            run,
            overdue,
            debtor,
            needs_action,
            creditor,
            from,
            to,
            limit,
            json,
        } => {
            let query = PaymentsQuery {
                state,
                run,
                overdue: overdue.then_some(true),
                debtor,
                needs_action: needs_action.then_some(true),
                creditor,
                from,
                to,
                limit,
            };
            let report = service.payments_filtered(&query).await?;
            output::show(json, &report, output::payments)
        }
        PaymentCommand::Approve { ids, json } => {
            let report = service.payments_approve(&ids).await?;
            output::show(json, &report, output::payments)
        }
        PaymentCommand::Send { ids, via, json } => {
            let report = service
                .payments_send(&cashline_service::request::PaymentsSend { ids, via })
                .await?;
            output::show(json, &report, |report| {
                let rows: Vec<Vec<String>> = report
                    .payments
                    .iter()
                    .map(|p| {
                        vec![
                            p.payment.clone(),
                            p.outcome.clone(),
                            p.status.clone().unwrap_or_default(),
                            p.state.clone().unwrap_or_default(),
                            p.bank_payment_id.clone().unwrap_or_default(),
                            p.error.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                output::table(
                    &["Payment", "Outcome", "Status", "State", "Bank's id", "Why"],
                    &rows,
                    &[],
                );
            })?;
            if report.payments.iter().any(|p| p.outcome != "answered") {
                return Err(super::Reported.into());
            }
            Ok(())
        }
        PaymentCommand::Show { id, json } => {
            let payment = service.payment_show(&id).await?;
            output::show(json, &payment, output::payment_timeline)
        }
        PaymentCommand::Cancel { id, reason, json } => {
            let payment = service.payments_cancel(&id, &reason).await?;
            output::show(json, &payment, output::payment_timeline)
        }
        PaymentCommand::Runs { json } => {
            let report = service.payment_runs().await?;
            output::show(json, &report, output::payment_runs)
        }
        PaymentCommand::Export { format, out, json } => {
            let done = service.payments_export(&format, &out).await?;
            if json {
                output::json(&done)?;
            } else {
                for file in &done.finished {
                    println!("Finished an interrupted export: {}", shown(file));
                }
                match (&done.file, &done.message_id) {
                    (Some(file), Some(message)) => println!(
                        "{} payments sent in {} to {}.",
                        done.payments,
                        shown(message),
                        shown(file)
                    ),
                    _ => println!("No approved payments waiting to be sent."),
                }
            }
            Ok(())
        }
        PaymentCommand::Exports { json } => {
            let report = service.payment_exports().await?;
            output::show(json, &report, output::payment_exports)
        }
        PaymentCommand::Reexport { export, out } => {
            let written = service.payments_reexport(&export, &out).await?;
            println!("Written again to {}.", shown(&written));
            Ok(())
        }
        PaymentCommand::Release { id, json } => {
            let payment = service.payments_release(&id).await?;
            output::show(json, &payment, output::payment_timeline)
        }
        PaymentCommand::Limits { json } => {
            let report = service.approval_limits().await?;
            output::show(json, &report, output::approval_limits)
        }
        PaymentCommand::Limit {
            currency,
            amount,
            json,
        } => {
            let report = service.approval_limit_set(&currency, Some(&amount)).await?;
            output::show(json, &report, output::approval_limits)
        }
    }
}
