//! ISO 20022 pain.002 (customer payment status report), versions .001.03 to .001.14: a bank's
//! word on the payments of an earlier pain.001, at group, payment-information and transaction
//! level. Pure: bytes in, [`StatusReport`] out, or a [`ParseError`] naming the line and the
//! element.

use chrono::{DateTime, Utc};

use cashline_domain::StatusCode;

use crate::iso20022::{instant, invalid, some, walk, Step};
use crate::ParseError;

/// What names a pain.002 in its namespace: the ISO one (`urn:iso:std:iso:20022:tech:xsd:pain.002.001.10`)
/// and national variants (`…/pain.002.001.03.ch.02.xsd`) alike.
const MESSAGE_NAME: &str = "pain.002.001.";
/// Largest status report read: one is a few lines per payment.
pub const PAIN002_BYTES_MAX: usize = 64 * 1024 * 1024;
/// Deepest nesting a report has (about ten); more is not a status report.
const DEPTH_MAX: usize = 32;

/// The version of a pain.002 document (`pain.002.001.10` is 10), from its namespace; 0 for a
/// status report that names no namespace (some banks' files).
pub fn detect(bytes: &[u8]) -> Option<u32> {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    if let Some(found) = text.find(MESSAGE_NAME) {
        let digits: String = text[found + MESSAGE_NAME.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        return digits.parse().ok();
    }
    text.contains("<CstmrPmtStsRpt").then_some(0)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    /// From the namespace; 0 where the file names none.
    pub version: u32,
    pub message_id: String,
    pub created_at: DateTime<Utc>,
    pub original_message_id: Option<String>,
    pub original_message_name: Option<String>,
    pub group_status: Option<StatusCode>,
    pub group_reasons: Vec<StatusReason>,
    pub batches: Vec<BatchStatus>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusReason {
    /// `Rsn/Cd` (ExternalStatusReason1Code), or `Rsn/Prtry`.
    pub code: Option<String>,
    pub additional_info: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchStatus {
    pub original_payment_info_id: Option<String>,
    pub status: Option<StatusCode>,
    pub reasons: Vec<StatusReason>,
    pub transactions: Vec<TransactionStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionStatus {
    pub original_instruction_id: Option<String>,
    pub original_end_to_end_id: Option<String>,
    /// The debtor's account as the report repeats it (`OrgnlTxRef/DbtrAcct/Id/IBAN`), where it
    /// does.
    pub original_debtor_iban: Option<String>,
    pub status: StatusCode,
    pub reasons: Vec<StatusReason>,
    pub acceptance_time: Option<DateTime<Utc>>,
    /// The line its `TxInfAndSts` starts on.
    pub line: usize,
}

#[derive(Default)]
struct TransactionDraft {
    instruction_id: Option<String>,
    end_to_end_id: Option<String>,
    debtor_iban: Option<String>,
    status: Option<StatusCode>,
    reasons: Vec<StatusReason>,
    acceptance_time: Option<DateTime<Utc>>,
    line: usize,
}

fn status(text: &str, line: usize, element: &str) -> Result<StatusCode, ParseError> {
    StatusCode::parse(text.trim()).ok_or_else(|| {
        invalid(
            line,
            element,
            format!(
                "'{}' is not an ISO 20022 payment status code",
                cashline_domain::shown(text.trim())
            ),
        )
    })
}

fn reason_code(text: &str, line: usize, element: &str) -> Result<String, ParseError> {
    let code = text.trim();
    if code.is_empty() || code.len() > 35 || code.chars().any(|c| c.is_control()) {
        return Err(invalid(
            line,
            element,
            "a reason code is 1 to 35 printable characters",
        ));
    }
    Ok(code.to_string())
}

/// Reads a whole pain.002 document.
pub fn parse(bytes: &[u8]) -> Result<StatusReport, ParseError> {
    if bytes.len() > PAIN002_BYTES_MAX {
        return Err(ParseError::TooLarge {
            size_bytes: bytes.len(),
            limit_bytes: PAIN002_BYTES_MAX,
        });
    }
    let version = detect(bytes).ok_or(ParseError::UnknownFormat)?;
    let mut message_id = None;
    let mut created_at = None;
    let mut original_message_id = None;
    let mut original_message_name = None;
    let mut group_status = None;
    let mut group_reasons: Vec<StatusReason> = Vec::new();
    let mut batches: Vec<BatchStatus> = Vec::new();
    let mut transaction: Option<TransactionDraft> = None;
    let mut reason: Option<StatusReason> = None;
    let mut seen_report = false;
    let end = walk(bytes, DEPTH_MAX, |step| {
        match step {
            Step::Open { name, line, .. } => match name {
                "CstmrPmtStsRpt" => seen_report = true,
                "OrgnlPmtInfAndSts" => batches.push(BatchStatus::default()),
                "TxInfAndSts" => {
                    transaction = Some(TransactionDraft {
                        line,
                        ..TransactionDraft::default()
                    })
                }
                "StsRsnInf" => reason = Some(StatusReason::default()),
                _ => {}
            },
            Step::Close {
                name,
                line,
                path,
                text,
            } => {
                let parent = step.parent();
                let grand = path
                    .len()
                    .checked_sub(2)
                    .and_then(|i| path.get(i))
                    .map(String::as_str)
                    .unwrap_or("");
                let in_tx = step.within("TxInfAndSts");
                let in_batch = step.within("OrgnlPmtInfAndSts");
                match (name, parent) {
                    ("MsgId", "GrpHdr") => message_id = some(text),
                    ("CreDtTm", "GrpHdr") => {
                        created_at = Some(instant(text, line, "GrpHdr/CreDtTm")?)
                    }
                    ("OrgnlMsgId", "OrgnlGrpInfAndSts") => original_message_id = some(text),
                    ("OrgnlMsgNmId", "OrgnlGrpInfAndSts") => original_message_name = some(text),
                    ("GrpSts", "OrgnlGrpInfAndSts") => {
                        group_status = Some(status(text, line, "OrgnlGrpInfAndSts/GrpSts")?)
                    }
                    ("OrgnlPmtInfId", "OrgnlPmtInfAndSts") => {
                        if let Some(batch) = batches.last_mut() {
                            batch.original_payment_info_id = some(text);
                        }
                    }
                    ("PmtInfSts", "OrgnlPmtInfAndSts") => {
                        let code = status(text, line, "OrgnlPmtInfAndSts/PmtInfSts")?;
                        if let Some(batch) = batches.last_mut() {
                            batch.status = Some(code);
                        }
                    }
                    ("OrgnlInstrId", "TxInfAndSts") => {
                        if let Some(t) = transaction.as_mut() {
                            t.instruction_id = some(text);
                        }
                    }
                    ("OrgnlEndToEndId", "TxInfAndSts") => {
                        if let Some(t) = transaction.as_mut() {
                            t.end_to_end_id = some(text);
                        }
                    }
                    ("TxSts", "TxInfAndSts") => {
                        let code = status(text, line, "TxInfAndSts/TxSts")?;
                        if let Some(t) = transaction.as_mut() {
                            t.status = Some(code);
                        }
                    }
                    ("IBAN", "Id") if step.within("OrgnlTxRef") && step.within("DbtrAcct") => {
                        if let Some(t) = transaction.as_mut() {
                            t.debtor_iban = some(text);
                        }
                    }
                    ("AccptncDtTm", "TxInfAndSts") => {
                        let at = instant(text, line, "TxInfAndSts/AccptncDtTm")?;
                        if let Some(t) = transaction.as_mut() {
                            t.acceptance_time = Some(at);
                        }
                    }
                    ("Cd" | "Prtry", "Rsn") if grand == "StsRsnInf" => {
                        let code = reason_code(text, line, "StsRsnInf/Rsn")?;
                        if let Some(r) = reason.as_mut() {
                            r.code = Some(code);
                        }
                    }
                    ("AddtlInf", "StsRsnInf") => {
                        if let (Some(r), Some(info)) = (reason.as_mut(), some(text)) {
                            r.additional_info.push(info);
                        }
                    }
                    ("StsRsnInf", _) => {
                        let done = reason.take().unwrap_or_default();
                        if in_tx {
                            if let Some(t) = transaction.as_mut() {
                                t.reasons.push(done);
                            }
                        } else if in_batch {
                            if let Some(b) = batches.last_mut() {
                                b.reasons.push(done);
                            }
                        } else {
                            group_reasons.push(done);
                        }
                    }
                    ("TxInfAndSts", _) => {
                        let draft = transaction.take().unwrap_or_default();
                        let Some(code) = draft.status else {
                            return Err(invalid(
                                draft.line,
                                "TxInfAndSts",
                                "a transaction's status (TxSts) is missing",
                            ));
                        };
                        if draft.instruction_id.is_none() && draft.end_to_end_id.is_none() {
                            return Err(invalid(
                                draft.line,
                                "TxInfAndSts",
                                "names neither its original instruction nor its end-to-end id",
                            ));
                        }
                        let done = TransactionStatus {
                            original_instruction_id: draft.instruction_id,
                            original_end_to_end_id: draft.end_to_end_id,
                            original_debtor_iban: draft.debtor_iban,
                            status: code,
                            reasons: draft.reasons,
                            acceptance_time: draft.acceptance_time,
                            line: draft.line,
                        };
                        match batches.last_mut() {
                            Some(batch) if in_batch => batch.transactions.push(done),
                            // pain.002.001.03 may list transactions outside a batch.
                            _ => batches.push(BatchStatus {
                                transactions: vec![done],
                                ..BatchStatus::default()
                            }),
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    })?;
    if !seen_report {
        return Err(invalid(end, "Document", "holds no CstmrPmtStsRpt"));
    }
    let message_id =
        message_id.ok_or_else(|| invalid(end, "GrpHdr/MsgId", "the report's id is missing"))?;
    let created_at =
        created_at.ok_or_else(|| invalid(end, "GrpHdr/CreDtTm", "the report's time is missing"))?;
    if original_message_id.is_none() {
        return Err(invalid(
            end,
            "OrgnlGrpInfAndSts/OrgnlMsgId",
            "the original message's id is missing",
        ));
    }
    if group_status.is_none()
        && batches
            .iter()
            .all(|b| b.status.is_none() && b.transactions.is_empty())
    {
        return Err(invalid(
            end,
            "OrgnlGrpInfAndSts",
            "the report states no status at all",
        ));
    }
    Ok(StatusReport {
        version,
        message_id,
        created_at,
        original_message_id,
        original_message_name,
        group_status,
        group_reasons,
        batches,
    })
}

#[cfg(test)]
mod tests;
