//! Approved payments sent through a bank's API (PSD2 payment initiation) instead of a file.
//!
//! Never twice: each payment has one `payment_initiation` row and one request id, for ever.
//! The row is written before the call and again after it. A payment whose outcome is unknown
//! (a timeout, a lost answer, a crash between the two writes) is presented again under the
//! same request id and the same end-to-end id; the bank's idempotency answers that with the
//! payment it already holds, so the second presentation asks and never creates. A payment
//! the bank holds is never presented again; its status is polled.

use chrono::{DateTime, Utc};
use tracing::{info, info_span, warn, Instrument};

use cashline_domain::{Currency, Money, PaymentSource, PaymentState, StatusCode};
use cashline_ledger::connection::ConnectionRow;
use cashline_ledger::initiation::{self, InitiationRow};
use cashline_ledger::payment::{self, PaymentRow};
use cashline_ledger::{audit, Ledger};

use super::status::{self, BatchStatus, Report, Status, TransactionStatus};
use super::{correlation_id, move_payment, Move, Moved};
use crate::bank::{BankError, BankPort, Caller, PaymentOrder, RemotePaymentStatus};
use crate::EngineError;

pub struct SendOptions<'a> {
    pub caller: Caller,
    pub user: &'a str,
    pub now: DateTime<Utc>,
}

/// What became of one payment asked to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// The bank holds it, with this ISO status; the payment is in `state`.
    Answered { status: String, state: PaymentState },
    /// No answer: it will be asked about again under the same request id.
    Unknown { error: String },
    /// The bank said no before taking it; it may be sent again once the cause is fixed.
    Refused { error: String },
    /// Not sent, for this reason (not approved, already with the bank, unknown).
    NotSent { why: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub payment: String,
    pub request_id: Option<String>,
    pub bank_payment_id: Option<String>,
    pub outcome: SendOutcome,
}

/// Where a crash test stops the process (`CASHLINE_CRASH_AT`): after the row is written and
/// before the call, and after the bank answered but before the answer is written.
fn crash_at(point: &str) {
    if std::env::var("CASHLINE_CRASH_AT").is_ok_and(|p| p == point) {
        std::process::abort();
    }
}

/// The request id a payment is known by at the bank: derived from the payment, so that
/// even a lost row would give the same one, and shaped as the UUID the specification asks.
pub fn request_id_of(payment: &PaymentRow) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(
        format!(
            "cashline payment initiation\u{0}{}\u{0}{}\u{0}{}",
            payment.id, payment.external_id, payment.end_to_end_id
        )
        .as_bytes(),
    );
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Sends each payment named (by its id) through `port`, one by one.
pub async fn send<P: BankPort>(
    ledger: &Ledger,
    port: &P,
    connection: &ConnectionRow,
    payment_ids: &[String],
    options: &SendOptions<'_>,
) -> Result<Vec<Sent>, EngineError> {
    let mut sent = Vec::with_capacity(payment_ids.len());
    for id in payment_ids {
        sent.push(send_one(ledger, port, connection, id, options).await?);
    }
    Ok(sent)
}

/// Asks again about every payment of the connection whose outcome is unknown.
pub async fn resolve<P: BankPort>(
    ledger: &Ledger,
    port: &P,
    connection: &ConnectionRow,
    options: &SendOptions<'_>,
) -> Result<Vec<Sent>, EngineError> {
    let unknown = initiation::unknown(ledger.pool(), connection.id).await?;
    let mut ids = Vec::with_capacity(unknown.len());
    for row in &unknown {
        let mut tx = ledger.begin().await?;
        if let Some(p) = payment::by_id(&mut tx, row.payment_id).await? {
            ids.push(p.external_id);
        }
        tx.rollback().await?;
    }
    send(ledger, port, connection, &ids, options).await
}

async fn send_one<P: BankPort>(
    ledger: &Ledger,
    port: &P,
    connection: &ConnectionRow,
    external_id: &str,
    options: &SendOptions<'_>,
) -> Result<Sent, EngineError> {
    let not_sent = |why: String| Sent {
        payment: external_id.to_string(),
        request_id: None,
        bank_payment_id: None,
        outcome: SendOutcome::NotSent { why },
    };
    // Before the call: the row, with the request id, committed.
    let mut tx = ledger.begin().await?;
    let Some(row) = payment::find(&mut tx, external_id).await? else {
        return Ok(not_sent(format!("there is no payment '{external_id}'")));
    };
    let before = initiation::of_payment(&mut tx, row.id).await?;
    if let Some(held) = before.as_ref().filter(|i| i.outcome == "answered") {
        return Ok(Sent {
            request_id: Some(held.request_id.clone()),
            bank_payment_id: held.bank_payment_id.clone(),
            ..not_sent(format!(
                "it is with the bank already as {}; its status is asked for, it is not sent again",
                held.bank_payment_id.as_deref().unwrap_or_default()
            ))
        });
    }
    if row.state != PaymentState::Approved {
        return Ok(not_sent(format!("it is {}, not approved", row.state)));
    }
    if before.is_none() && row.export_id.is_some() {
        return Ok(not_sent("it went out in a bank file already".into()));
    }
    if before
        .as_ref()
        .is_some_and(|i| i.connection_id != connection.id)
    {
        return Ok(not_sent(
            "it was presented through another connection; it is asked about there".into(),
        ));
    }
    let request_id = before
        .as_ref()
        .map(|i| i.request_id.clone())
        .unwrap_or_else(|| request_id_of(&row));
    let initiation =
        initiation::attempt(&mut tx, row.id, connection.id, &request_id, options.now).await?;
    audit::append(
        &mut tx,
        &audit::NewAuditRecord {
            actor: options.user,
            action: "payments.initiate",
            subject: &row.external_id,
            detail: serde_json::json!({
                "connection": connection.name,
                "request_id": request_id,
                "end_to_end_id": row.end_to_end_id,
                "attempt": initiation.attempts,
            }),
        },
        options.now,
    )
    .await?;
    tx.commit().await?;
    crash_at("initiation-recorded");

    let order = order_of(&row, &request_id)?;
    let span = info_span!("payment", payment = %row.external_id, correlation = %request_id, attempt = initiation.attempts);
    let answer = port
        .initiate_payment(&order, &options.caller)
        .instrument(span)
        .await;
    crash_at("initiation-answered");

    // After the call: the answer, or why there is none.
    match answer {
        Ok(answer) => {
            let mut status = answer.value;
            if status.status == "RJCT" && status.reason_code.is_none() {
                // The initiation's answer carries no reason; the status resource does.
                if let Ok(detail) = port.payment_status(&status.bank_payment_id).await {
                    status = detail.value;
                }
            }
            let state =
                record_answer(ledger, connection, &row, &initiation, &status, options).await?;
            info!(payment = %row.external_id, status = %status.status, "payment with the bank");
            Ok(Sent {
                payment: row.external_id,
                request_id: Some(request_id),
                bank_payment_id: Some(status.bank_payment_id),
                outcome: SendOutcome::Answered {
                    status: status.status,
                    state,
                },
            })
        }
        Err(error) => {
            let refused = refused_before_taking(&error);
            let words = error.to_string();
            let mut tx = ledger.begin().await?;
            initiation::failed(&mut tx, initiation.id, refused, &words).await?;
            tx.commit().await?;
            warn!(payment = %row.external_id, error = %words, refused, "payment not answered");
            Ok(Sent {
                payment: row.external_id,
                request_id: Some(request_id),
                bank_payment_id: None,
                outcome: if refused {
                    SendOutcome::Refused { error: words }
                } else {
                    SendOutcome::Unknown { error: words }
                },
            })
        }
    }
}

/// A refusal the bank gives before it takes a payment: nothing was created. Anything else
/// (a timeout, a 5xx, a body that is not the contract, a broken connection) may come after
/// the bank took it, so its outcome is unknown.
fn refused_before_taking(error: &BankError) -> bool {
    matches!(
        error,
        BankError::Refused {
            status: 400..=499,
            ..
        } | BankError::RateLimited { .. }
            | BankError::AccessExceeded
            | BankError::ConsentExpired
            | BankError::ConsentInvalid
            | BankError::ResourceUnknown
    )
}

fn order_of(row: &PaymentRow, request_id: &str) -> Result<PaymentOrder, EngineError> {
    let currency = Currency::from_code(&row.currency)?;
    Ok(PaymentOrder {
        end_to_end_id: row.end_to_end_id.clone(),
        request_id: request_id.to_string(),
        debtor_iban: cashline_domain::iban::compact(&row.debtor_iban),
        creditor_name: row.creditor_name.clone(),
        creditor_iban: cashline_domain::iban::compact(&row.creditor_iban),
        creditor_bic: row.creditor_bic.clone(),
        amount: Money::from_minor(row.amount_minor, currency),
        remittance: row.reference.clone(),
        requested_date: cashline_ledger::time::parse_date(&row.requested_date).ok(),
    })
}

/// Writes the bank's answer: the row answered and the payment sent, in one transaction
/// (unless another process wrote the same answer first), then the bank's status applied.
async fn record_answer(
    ledger: &Ledger,
    connection: &ConnectionRow,
    row: &PaymentRow,
    initiation: &InitiationRow,
    status: &RemotePaymentStatus,
    options: &SendOptions<'_>,
) -> Result<PaymentState, EngineError> {
    let mut tx = ledger.begin().await?;
    if initiation::answered(&mut tx, initiation.id, &status.bank_payment_id, options.now).await? {
        let words = format!(
            "sent through connection {} as the bank's payment {} (request {})",
            connection.name, status.bank_payment_id, initiation.request_id
        );
        let correlation = correlation_id(options.now, &initiation.request_id);
        let step = Move {
            reason_text: Some(&words),
            ..Move::ours(
                row.id,
                PaymentState::Approved,
                PaymentState::Sent,
                PaymentSource::Psd2,
                &correlation,
                options.user,
            )
        };
        if let Moved::Refused(why) = move_payment(&mut tx, &step, options.now).await? {
            return Err(EngineError::InvalidRequest(why));
        }
    }
    tx.commit().await?;
    apply_status(ledger, connection, row, status, options).await
}

/// The bank's status of one payment, applied through the status engine as any report is.
/// Returns the state the payment is in afterwards.
async fn apply_status(
    ledger: &Ledger,
    connection: &ConnectionRow,
    row: &PaymentRow,
    status: &RemotePaymentStatus,
    options: &SendOptions<'_>,
) -> Result<PaymentState, EngineError> {
    if let Some(code) = StatusCode::parse(&status.status) {
        let report = Report {
            message_id: format!("{} status of {}", connection.name, status.bank_payment_id),
            created_at: options.now,
            original_message_id: None,
            group: None,
            batches: vec![BatchStatus {
                original_payment_info_id: None,
                status: None,
                transactions: vec![TransactionStatus {
                    original_instruction_id: None,
                    original_end_to_end_id: Some(row.end_to_end_id.clone()),
                    original_debtor_iban: Some(row.debtor_iban.clone()),
                    status: Status {
                        code,
                        reason_code: status.reason_code.clone(),
                        reason_text: status.reason_text.clone(),
                    },
                    place: format!("the bank's payment {}", status.bank_payment_id),
                }],
            }],
        };
        let subject = format!("{} payment {}", connection.name, status.bank_payment_id);
        status::apply(
            ledger,
            &report,
            PaymentSource::Psd2,
            None,
            &subject,
            options.user,
            options.now,
        )
        .await?;
    } else {
        warn!(status = %status.status, "a payment status Cashline does not know; kept as it was");
    }
    let mut tx = ledger.begin().await?;
    let state = payment::by_id(&mut tx, row.id)
        .await?
        .map_or(row.state, |p| p.state);
    tx.rollback().await?;
    Ok(state)
}

/// What one status poll found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Polled {
    pub payment: String,
    pub status: Option<String>,
    pub state: PaymentState,
    pub error: Option<String>,
}

/// Asks the bank for the status of every payment of the connection it holds that has not
/// reached an end, and moves each along the lifecycle with the bank's codes.
pub async fn poll<P: BankPort>(
    ledger: &Ledger,
    port: &P,
    connection: &ConnectionRow,
    options: &SendOptions<'_>,
) -> Result<Vec<Polled>, EngineError> {
    let mut polled = Vec::new();
    for initiation in initiation::in_progress(ledger.pool(), connection.id).await? {
        let mut tx = ledger.begin().await?;
        let row = payment::by_id(&mut tx, initiation.payment_id).await?;
        tx.rollback().await?;
        let (Some(row), Some(bank_id)) = (row, initiation.bank_payment_id.as_deref()) else {
            continue;
        };
        let span =
            info_span!("payment", payment = %row.external_id, correlation = %initiation.request_id);
        match port.payment_status(bank_id).instrument(span).await {
            Ok(answer) => {
                let state = apply_status(ledger, connection, &row, &answer.value, options).await?;
                polled.push(Polled {
                    payment: row.external_id,
                    status: Some(answer.value.status),
                    state,
                    error: None,
                });
            }
            Err(error) => polled.push(Polled {
                state: row.state,
                payment: row.external_id,
                status: None,
                error: Some(error.to_string()),
            }),
        }
    }
    Ok(polled)
}
