//! The audit log's anchor outside the ledger: the chain's length and head hash, kept in the
//! keychain (or the explicit file store) under the ledger's identity (`ledger.id`, set when
//! the ledger was made). A hash chain alone cannot see its own tail cut off; a copy of its
//! head kept elsewhere can.

use cashline_ledger::audit::{self, Anchor};
use cashline_ledger::{setting, Ledger};

use std::time::Duration;

use crate::keystore::{self, KeystoreError};

/// The setting that names this ledger (migrations/0013_ledger_identity.sql).
const LEDGER_ID_SETTING: &str = "ledger.id";

#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    #[error("the ledger has no identity (its ledger.id setting is gone): its audit log cannot be checked against its anchor")]
    NoIdentity,
    #[error("the audit anchor: {0}")]
    Keystore(#[from] KeystoreError),
    #[error("the audit anchor kept is not readable: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Ledger(#[from] cashline_ledger::LedgerError),
}

fn reference(ledger_id: &str) -> String {
    format!("audit-anchor:{ledger_id}")
}

async fn ledger_id(ledger: &Ledger) -> Result<String, AnchorError> {
    setting::get(ledger.pool(), LEDGER_ID_SETTING)
        .await?
        .ok_or(AnchorError::NoIdentity)
}

async fn kept(id: &str) -> Result<Option<Anchor>, AnchorError> {
    let reference = reference(id);
    let Some(text) = keystore::call(move |store| store.get(&reference)).await? else {
        return Ok(None);
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| AnchorError::Unreadable(e.to_string()))
}

/// The anchor kept for this ledger, if one was.
pub async fn read(ledger: &Ledger) -> Result<Option<Anchor>, AnchorError> {
    let id = ledger_id(ledger).await?;
    kept(&id).await
}

/// Moves the anchor up to the log's head, if the log grew and still holds the anchored
/// record; never over a log that does not hold it. Two processes that append at once may
/// leave it at the lower of their two heads: still a length the log must reach, and the next
/// command moves it up again.
pub async fn advance(ledger: &Ledger) -> Result<(), AnchorError> {
    let head = audit::head(ledger.pool()).await?;
    if head.records == 0 {
        return Ok(());
    }
    let id = ledger_id(ledger).await?;
    if let Some(kept) = &kept(&id).await? {
        if kept.records >= head.records {
            return Ok(());
        }
        // A log that no longer holds what was anchored keeps the old anchor, for verify.
        let at = audit::hash_at(ledger.pool(), kept.records).await?;
        if at.as_deref() != Some(kept.head_hash.as_str()) {
            return Ok(());
        }
    }
    let text = serde_json::to_string(&head).map_err(|e| AnchorError::Unreadable(e.to_string()))?;
    let reference = reference(&id);
    Ok(keystore::call(move |store| store.put(&reference, &text)).await?)
}

/// Moves the anchor to the log's head whatever it was: after a restore, whose log is shorter
/// than the one anchored on purpose, and says so in its own record.
pub async fn reset(ledger: &Ledger) -> Result<(), AnchorError> {
    let head = audit::head(ledger.pool()).await?;
    let id = ledger_id(ledger).await?;
    let text = serde_json::to_string(&head).map_err(|e| AnchorError::Unreadable(e.to_string()))?;
    let reference = reference(&id);
    Ok(keystore::call(move |store| store.put(&reference, &text)).await?)
}

/// How often a long-running front moves the anchor up to what its requests appended.
pub const KEEP_INTERVAL: Duration = Duration::from_secs(2);

/// The anchor kept by a long-running front (`serve`, the desktop app), until `shutdown`;
/// once more as it stops, so the last requests' records are anchored too.
pub async fn keep(service: &crate::Service, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    // A keychain that cannot be used is said once, not every two seconds.
    let mut said: Option<String> = None;
    loop {
        let outcome = advance(&service.ledger).await.err().map(|e| e.to_string());
        if outcome != said {
            if let Some(error) = &outcome {
                tracing::warn!(%error, "the audit log's anchor could not be kept");
            }
            said = outcome;
        }
        tokio::select! {
            () = &mut shutdown => {
                service.anchor_audit().await;
                return;
            }
            () = tokio::time::sleep(KEEP_INTERVAL) => {}
        }
    }
}
