//! A payment that looks like one already on its way (same creditor account, amount and
//! reference, within a few weeks), from any run or channel, is held for a person to decide.

use chrono::{DateTime, Duration, Utc};

use cashline_domain::ExceptionKind;
use cashline_erp::payments::PaymentInstruction;
use cashline_ledger::exception::{self, NewException};
use cashline_ledger::payment::{self, Likeness};
use cashline_ledger::Tx;

use crate::EngineError;

/// How far apart two requested dates may be for the payments to be one: an ERP that reruns
/// a payment run a month later is the case this is for.
pub const WINDOW_DAYS: i64 = 31;

/// Opens `payment_duplicate` for the payment `id` if an earlier live payment looks like it;
/// returns the case's subject.
pub(super) async fn hold_if_alike(
    tx: &mut Tx<'_>,
    id: i64,
    instruction: &PaymentInstruction,
    now: DateTime<Utc>,
) -> Result<Option<String>, EngineError> {
    let currency = instruction.amount.currency();
    let alike = payment::alike(
        tx,
        &Likeness {
            creditor_iban: &instruction.creditor_iban,
            amount_minor: instruction.amount.amount_minor()?,
            currency: currency.code(),
            reference: instruction.reference.as_deref(),
            from: instruction.requested_date - Duration::days(WINDOW_DAYS),
            to: instruction.requested_date + Duration::days(WINDOW_DAYS),
        },
        id,
    )
    .await?;
    // Only the later of two is held: the earlier is the one already on its way.
    let earlier: Vec<&str> = alike
        .iter()
        .filter(|(other, _)| *other < id)
        .map(|(_, external)| external.as_str())
        .collect();
    if earlier.is_empty() {
        return Ok(None);
    }
    let subject = format!(
        "payment {} may duplicate {} (same creditor account, amount and reference)",
        instruction.external_id,
        earlier.join(", ")
    );
    let detail = format!(
        "{} {} to {}; release it if it is a second, real payment, or cancel it",
        instruction.amount.amount_text(),
        currency,
        instruction.creditor_name
    );
    exception::open(
        tx,
        &NewException {
            kind: Some(ExceptionKind::PaymentDuplicate),
            subject: &subject,
            detail: Some(&detail),
            payment_id: Some(id),
            amount_minor: Some(instruction.amount.amount_minor()?),
            currency: Some(currency.code()),
            ..NewException::default()
        },
        now,
    )
    .await?;
    Ok(Some(subject))
}
