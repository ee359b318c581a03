//! One integration-test binary, driving the real `cashline` executable, with one module per
//! area. Each test gets its own ledger file and data folder.

mod cli;
mod corpus;
mod corpus_csv;
mod http;
mod inbox;
mod support;
