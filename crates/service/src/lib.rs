//! The service layer: the only door into Cashline. Every front (the `cashline` CLI, the local
//! HTTP API behind `cashline serve`, the Tauri commands of the desktop app) takes the same
//! `request` types, calls these methods unchanged and sends their `wire` types as they are.

mod acting;
pub mod anchor;
pub mod audit_log;
pub mod callback;
pub mod charts;
pub mod connections;
pub mod demo;
pub mod demo_banks;
pub mod erp;
pub mod erp_connections;
pub mod error;
pub mod exceptions;
pub mod inbox;
pub mod keystore;
pub mod ledger_file;
pub mod logging;
pub mod payments;
pub mod positions;
pub mod recon;
pub mod reference;
pub mod service;
pub mod typescript;
pub mod wire;

/// The request types live in their own crate (`crates/request`), light enough for the fuzz
/// targets; every front still names them `cashline_service::request`.
pub use cashline_request as request;

pub use charts::chart_png;
pub use error::{ErrorBody, ServiceError};
pub use service::{Service, ServiceConfig, FILE_BYTES_MAX};
