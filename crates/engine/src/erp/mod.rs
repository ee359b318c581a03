//! ERP connections: the port an ERP adapter implements (`port`), the sync that reads open
//! items and approved payments through it (`sync`), and the write-back of what the bank said
//! (`writeback`).

pub mod port;
pub mod sync;
pub mod writeback;

pub use port::{
    Changes, ErpItem, ErpPayment, ErpPort, ErpPortError, PaymentEnd, SettledLine, WritebackKey,
};
pub use sync::{sync_erp, ErpSyncOptions, ErpSyncReport};

/// Why a sync stopped: the ERP's doing (recorded on the run, in words) or ours (an error).
pub(crate) enum Failure {
    Erp(ErpPortError),
    Engine(crate::EngineError),
}

impl From<crate::EngineError> for Failure {
    fn from(error: crate::EngineError) -> Failure {
        Failure::Engine(error)
    }
}

impl From<cashline_ledger::LedgerError> for Failure {
    fn from(error: cashline_ledger::LedgerError) -> Failure {
        Failure::Engine(error.into())
    }
}
