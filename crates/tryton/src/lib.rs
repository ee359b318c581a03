//! Tryton (8.x) behind the engine's ERP port, over its JSON-RPC: `rpc` the calls, the login
//! and its renewal, and Tryton's errors as sentences; `value` Tryton's encoding of decimals,
//! dates and instants; `client` the port over Tryton's models.

pub mod client;
pub mod rpc;
pub mod value;

pub use client::TrytonClient;
pub use rpc::Login;
