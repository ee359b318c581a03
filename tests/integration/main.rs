//! One integration-test binary, driving the real `cashline` executable, with one module per
//! area. Each test gets its own ledger file and data folder.

mod audit;
mod cli;
mod concurrency;
mod connection_faults;
mod connections;
mod contract;
mod corpus;
mod corpus_bai2_ofx;
mod corpus_csv;
mod corpus_swift;
mod crash;
mod demo;
mod erp;
mod erp_files;
mod forecast;
mod hostile_input;
mod http;
mod inbox;
mod ledger_file;
mod payments;
mod peers_bai2;
mod rates;
mod recon;
mod roles;
mod schemathesis;
mod secrets;
mod support;
mod tryton;

// The Prism launcher (contract.rs) and the test PKI with its TLS listener (secrets.rs) are
// the psd2 crate's test support, for its contract.rs and mtls.rs: one copy of each, there.
#[path = "../../crates/psd2/tests/support/prism.rs"]
mod prism;
#[path = "../../crates/psd2/tests/support/tls.rs"]
mod tls;
