//! Reads ISO 20022 pain.001 (customer credit transfer initiation) written by an ERP for a bank
//! portal, versions .001.03 to .001.12 and the national variants built on them (the German
//! DK's `pain.001.003.03`, the Swiss `pain.001.001.03.ch.02`): a run of payments to track.
//! Each `CdtTrfTxInf` is one payment with its ids kept. Pure: bytes in, [`CreditTransferRun`]
//! out, or a [`ParseError`] naming the line and the element.
//!
//! Only what cannot be read refuses the file (a missing id, an amount that is not an amount,
//! totals that do not add up); what can be read but is wrong for a payment (an account that is
//! not an IBAN, a name outside the SEPA set) is the engine's validation, shown on the payment.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use cashline_domain::{Currency, Money};

use crate::iso20022::{date, instant, invalid, some, walk, Step};
use crate::ParseError;

/// Largest initiation read: one is about a kilobyte per payment.
pub const PAIN001_BYTES_MAX: usize = 64 * 1024 * 1024;
/// Deepest nesting an initiation has (about ten); more is not a pain.001.
const DEPTH_MAX: usize = 32;
/// How early in a file the message name must show.
const HEAD_BYTES: usize = 4096;

/// The message a file names in its namespace (`pain.001.001.09`, `pain.001.003.03`), or
/// `pain.001` for an initiation that names none.
pub fn detect(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(HEAD_BYTES)]);
    // A status report names the pain.001 it answers: the first message name is the file's own.
    if let Some(found) = head
        .find("pain.00")
        .filter(|&at| head[at..].starts_with("pain.001.00"))
    {
        let name: String = head[found..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
            .take("pain.001.001.03".len())
            .collect();
        return Some(name.trim_end_matches('.').to_string());
    }
    (!head.contains("pain.00") && head.contains("<CstmrCdtTrfInitn"))
        .then(|| "pain.001".to_string())
}

/// The schema version a message name is built on: `pain.001.003.03` (the DK's) is .03.
fn version_of(name: &str) -> Option<u32> {
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        ["pain", "001", _, version] => version.parse().ok(),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditTransferRun {
    /// From the namespace, e.g. `pain.001.001.09`.
    pub message_name: String,
    pub message_id: String,
    pub created_at: DateTime<Utc>,
    pub initiating_party: Option<String>,
    pub batches: Vec<PaymentBatch>,
}

impl CreditTransferRun {
    pub fn transfers(&self) -> impl Iterator<Item = (&PaymentBatch, &CreditTransfer)> {
        self.batches
            .iter()
            .flat_map(|b| b.transfers.iter().map(move |t| (b, t)))
    }
}

/// One `PmtInf`: the payments of one debtor account on one requested date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentBatch {
    pub payment_info_id: String,
    pub requested_date: NaiveDate,
    pub debtor_name: Option<String>,
    /// The IBAN, or the other identification where the file gives no IBAN.
    pub debtor_account: String,
    pub debtor_bic: Option<String>,
    pub line: usize,
    pub transfers: Vec<CreditTransfer>,
}

/// One `CdtTrfTxInf`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditTransfer {
    pub instruction_id: Option<String>,
    pub end_to_end_id: String,
    /// What leaves the debtor's account: the instructed amount, or for a transfer given as an
    /// equivalent amount (`EqvtAmt`), that amount in the debtor's currency.
    pub amount: Money,
    /// The currency the creditor is paid in, where an equivalent amount names it (`CcyOfTrf`).
    pub transfer_currency: Option<String>,
    pub creditor_name: String,
    /// The IBAN, or the other identification where the file gives no IBAN.
    pub creditor_account: String,
    pub creditor_bic: Option<String>,
    /// Unstructured remittance lines joined, else the creditor's reference, else the
    /// referred document's number.
    pub reference: Option<String>,
    pub line: usize,
}

#[derive(Default)]
struct BatchDraft {
    payment_info_id: Option<String>,
    requested_date: Option<NaiveDate>,
    debtor_name: Option<String>,
    debtor_account: Option<String>,
    debtor_bic: Option<String>,
    count: Option<(usize, usize)>,
    control_sum: Option<(Decimal, usize)>,
    line: usize,
    transfers: Vec<CreditTransfer>,
}

#[derive(Default)]
struct TransferDraft {
    instruction_id: Option<String>,
    end_to_end_id: Option<String>,
    currency: Option<(String, usize)>,
    amount: Option<(String, usize)>,
    transfer_currency: Option<String>,
    creditor_name: Option<String>,
    creditor_account: Option<String>,
    creditor_bic: Option<String>,
    unstructured: Vec<String>,
    creditor_reference: Option<String>,
    document_number: Option<String>,
    line: usize,
}

fn count(text: &str, line: usize, element: &str) -> Result<(usize, usize), ParseError> {
    text.trim()
        .parse::<usize>()
        .map(|n| (n, line))
        .map_err(|_| {
            invalid(
                line,
                element,
                format!(
                    "'{}' is not a number of transactions",
                    cashline_domain::shown(text.trim())
                ),
            )
        })
}

fn control_sum(text: &str, line: usize, element: &str) -> Result<(Decimal, usize), ParseError> {
    text.trim()
        .parse::<Decimal>()
        .map(|sum| (sum, line))
        .map_err(|_| {
            invalid(
                line,
                element,
                format!(
                    "'{}' is not a control sum",
                    cashline_domain::shown(text.trim())
                ),
            )
        })
}

/// Checks a declared number of transactions and control sum against what was read.
fn totals(
    element: &str,
    declared_count: Option<(usize, usize)>,
    declared_sum: Option<(Decimal, usize)>,
    transfers: &[&CreditTransfer],
) -> Result<(), ParseError> {
    if let Some((declared, line)) = declared_count {
        if declared != transfers.len() {
            return Err(invalid(
                line,
                &format!("{element}/NbOfTxs"),
                format!(
                    "declares {declared} transactions but holds {}",
                    transfers.len()
                ),
            ));
        }
    }
    if let Some((declared, line)) = declared_sum {
        // The control sum adds amounts whatever their currencies, as the schema defines it.
        let sum: Decimal = transfers.iter().map(|t| t.amount.amount()).sum();
        if declared != sum {
            return Err(invalid(
                line,
                &format!("{element}/CtrlSum"),
                format!("declares a control sum of {declared} but the amounts add up to {sum}"),
            ));
        }
    }
    Ok(())
}

fn transfer(draft: TransferDraft) -> Result<CreditTransfer, ParseError> {
    let line = draft.line;
    let end_to_end_id = draft.end_to_end_id.ok_or_else(|| {
        invalid(
            line,
            "CdtTrfTxInf/PmtId/EndToEndId",
            "the end-to-end id is missing",
        )
    })?;
    let Some((amount, amount_line)) = draft.amount else {
        return Err(invalid(
            line,
            "CdtTrfTxInf/Amt",
            "the amount (InstdAmt or EqvtAmt) is missing",
        ));
    };
    let (code, _) = draft.currency.ok_or_else(|| {
        invalid(
            amount_line,
            "InstdAmt",
            "the amount names no currency (Ccy)",
        )
    })?;
    let currency = Currency::from_code(&code)
        .map_err(|e| invalid(amount_line, "InstdAmt/@Ccy", e.to_string()))?;
    let amount = Money::parse(&amount, currency)
        .map_err(|e| invalid(amount_line, "InstdAmt", e.to_string()))?;
    if amount.is_negative() || amount.amount().is_zero() {
        return Err(invalid(
            amount_line,
            "InstdAmt",
            "a credit transfer's amount is positive",
        ));
    }
    let creditor_account = draft.creditor_account.ok_or_else(|| {
        invalid(
            line,
            "CdtTrfTxInf/CdtrAcct",
            "the creditor's account is missing",
        )
    })?;
    let reference = if draft.unstructured.is_empty() {
        draft.creditor_reference.or(draft.document_number)
    } else {
        Some(draft.unstructured.join(" "))
    };
    Ok(CreditTransfer {
        instruction_id: draft.instruction_id,
        end_to_end_id,
        amount,
        transfer_currency: draft.transfer_currency,
        creditor_name: draft.creditor_name.unwrap_or_default(),
        creditor_account,
        creditor_bic: draft.creditor_bic,
        reference,
        line,
    })
}

fn batch(draft: BatchDraft) -> Result<PaymentBatch, ParseError> {
    let line = draft.line;
    let payment_info_id = draft
        .payment_info_id
        .ok_or_else(|| invalid(line, "PmtInf/PmtInfId", "the batch's id is missing"))?;
    let requested_date = draft.requested_date.ok_or_else(|| {
        invalid(
            line,
            "PmtInf/ReqdExctnDt",
            "the requested execution date is missing",
        )
    })?;
    let debtor_account = draft
        .debtor_account
        .ok_or_else(|| invalid(line, "PmtInf/DbtrAcct", "the debtor's account is missing"))?;
    if draft.transfers.is_empty() {
        return Err(invalid(
            line,
            "PmtInf",
            "the batch holds no credit transfer",
        ));
    }
    totals(
        "PmtInf",
        draft.count,
        draft.control_sum,
        &draft.transfers.iter().collect::<Vec<_>>(),
    )?;
    Ok(PaymentBatch {
        payment_info_id,
        requested_date,
        debtor_name: draft.debtor_name,
        debtor_account,
        debtor_bic: draft.debtor_bic,
        line,
        transfers: draft.transfers,
    })
}

/// Where an account's identification lies: `…Acct/Id/IBAN` or `…Acct/Id/Othr/Id`.
fn account_id(name: &str, parent: &str, path: &[String], account: &str) -> bool {
    let n = path.len();
    match (name, parent) {
        ("IBAN", "Id") => n >= 2 && path[n - 2] == account,
        ("Id", "Othr") => n >= 3 && path[n - 2] == "Id" && path[n - 3] == account,
        _ => false,
    }
}

/// Reads a whole pain.001 document.
pub fn parse(bytes: &[u8]) -> Result<CreditTransferRun, ParseError> {
    if bytes.len() > PAIN001_BYTES_MAX {
        return Err(ParseError::TooLarge {
            size_bytes: bytes.len(),
            limit_bytes: PAIN001_BYTES_MAX,
        });
    }
    let message_name = detect(bytes).ok_or(ParseError::UnknownFormat)?;
    if version_of(&message_name).is_some_and(|v| v < 3) {
        return Err(ParseError::Unsupported {
            format: message_name,
            message: "Cashline reads pain.001 from version .03, the SEPA rulebook's, onwards"
                .into(),
        });
    }
    let mut message_id = None;
    let mut created_at = None;
    let mut initiating_party = None;
    let mut group_count = None;
    let mut group_sum = None;
    let mut batches: Vec<PaymentBatch> = Vec::new();
    let mut draft_batch: Option<BatchDraft> = None;
    let mut draft: Option<TransferDraft> = None;
    let mut seen_initiation = false;
    let end = walk(bytes, DEPTH_MAX, |step| {
        match step {
            Step::Open {
                name,
                line,
                attributes,
                ..
            } => match name {
                "CstmrCdtTrfInitn" => seen_initiation = true,
                "PmtInf" => {
                    draft_batch = Some(BatchDraft {
                        line,
                        ..BatchDraft::default()
                    })
                }
                "CdtTrfTxInf" => {
                    draft = Some(TransferDraft {
                        line,
                        ..TransferDraft::default()
                    })
                }
                "InstdAmt" | "Amt" if matches!(step.parent(), "Amt" | "EqvtAmt") => {
                    if let Some(t) = draft.as_mut() {
                        t.currency = attributes
                            .iter()
                            .find(|(k, _)| k == "Ccy")
                            .map(|(_, v)| (v.trim().to_string(), line));
                    }
                }
                _ => {}
            },
            Step::Close {
                name,
                line,
                path,
                text,
            } => {
                let parent = step.parent();
                let in_tx = step.within("CdtTrfTxInf");
                let in_batch = step.within("PmtInf");
                if in_tx {
                    let Some(t) = draft.as_mut() else {
                        return Ok(());
                    };
                    match (name, parent) {
                        ("InstrId", "PmtId") => t.instruction_id = some(text),
                        ("EndToEndId", "PmtId") => t.end_to_end_id = some(text),
                        ("InstdAmt", "Amt") | ("Amt", "EqvtAmt") => {
                            t.amount = Some((text.trim().to_string(), line))
                        }
                        ("CcyOfTrf", "EqvtAmt") => t.transfer_currency = some(text),
                        ("Nm", "Cdtr") => t.creditor_name = some(text),
                        ("BIC" | "BICFI", "FinInstnId") if step.within("CdtrAgt") => {
                            t.creditor_bic = some(text)
                        }
                        ("Ustrd", "RmtInf") => t.unstructured.extend(some(text)),
                        ("Ref", "CdtrRefInf") => t.creditor_reference = some(text),
                        ("Nb", "RfrdDocInf") => {
                            t.document_number = t.document_number.take().or(some(text))
                        }
                        _ if account_id(name, parent, path, "CdtrAcct") => {
                            t.creditor_account = some(text)
                        }
                        _ => {}
                    }
                } else if name == "CdtTrfTxInf" {
                    let done = transfer(draft.take().unwrap_or_default())?;
                    match draft_batch.as_mut() {
                        Some(b) => b.transfers.push(done),
                        None => {
                            return Err(invalid(
                                done.line,
                                "CdtTrfTxInf",
                                "a credit transfer outside a payment batch (PmtInf)",
                            ))
                        }
                    }
                } else if in_batch {
                    let Some(b) = draft_batch.as_mut() else {
                        return Ok(());
                    };
                    match (name, parent) {
                        ("PmtInfId", "PmtInf") => b.payment_info_id = some(text),
                        ("NbOfTxs", "PmtInf") => {
                            b.count = Some(count(text, line, "PmtInf/NbOfTxs")?)
                        }
                        ("CtrlSum", "PmtInf") => {
                            b.control_sum = Some(control_sum(text, line, "PmtInf/CtrlSum")?)
                        }
                        // .001.03 gives a date; from .001.08 a choice of date (`Dt`) or time.
                        ("ReqdExctnDt", "PmtInf") if !text.trim().is_empty() => {
                            b.requested_date = Some(date(text, line, "PmtInf/ReqdExctnDt")?)
                        }
                        ("Dt" | "DtTm", "ReqdExctnDt") => {
                            b.requested_date = Some(date(text, line, "ReqdExctnDt")?)
                        }
                        ("Nm", "Dbtr") => b.debtor_name = some(text),
                        ("BIC" | "BICFI", "FinInstnId") if step.within("DbtrAgt") => {
                            b.debtor_bic = some(text)
                        }
                        _ if account_id(name, parent, path, "DbtrAcct") => {
                            b.debtor_account = some(text)
                        }
                        _ => {}
                    }
                } else if name == "PmtInf" {
                    batches.push(batch(draft_batch.take().unwrap_or_default())?);
                } else {
                    match (name, parent) {
                        ("MsgId", "GrpHdr") => message_id = some(text),
                        ("CreDtTm", "GrpHdr") => {
                            created_at = Some(instant(text, line, "GrpHdr/CreDtTm")?)
                        }
                        ("NbOfTxs", "GrpHdr") => {
                            group_count = Some(count(text, line, "GrpHdr/NbOfTxs")?)
                        }
                        ("CtrlSum", "GrpHdr") => {
                            group_sum = Some(control_sum(text, line, "GrpHdr/CtrlSum")?)
                        }
                        ("Nm", "InitgPty") => initiating_party = some(text),
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    })?;
    if !seen_initiation {
        return Err(invalid(end, "Document", "holds no CstmrCdtTrfInitn"));
    }
    let message_id =
        message_id.ok_or_else(|| invalid(end, "GrpHdr/MsgId", "the message's id is missing"))?;
    let created_at = created_at
        .ok_or_else(|| invalid(end, "GrpHdr/CreDtTm", "the message's time is missing"))?;
    if batches.is_empty() {
        return Err(invalid(
            end,
            "CstmrCdtTrfInitn",
            "holds no payment batch (PmtInf)",
        ));
    }
    let run = CreditTransferRun {
        message_name,
        message_id,
        created_at,
        initiating_party,
        batches,
    };
    totals(
        "GrpHdr",
        group_count,
        group_sum,
        &run.transfers().map(|(_, t)| t).collect::<Vec<_>>(),
    )?;
    Ok(run)
}

#[cfg(test)]
mod tests;
