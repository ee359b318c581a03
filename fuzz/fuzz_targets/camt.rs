//! camt.052/053/054 on arbitrary bytes: never a panic, and what parses keeps the invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

use cashline_bankfile::camt::{self, CamtVersion};

#[path = "check.rs"]
mod check;

fuzz_target!(|data: &[u8]| {
    // The declared version where the bytes have one, else the common .053.001.08, so that
    // mutations that break the namespace still reach the element walker.
    let version = camt::detect(data).unwrap_or(CamtVersion {
        message: 53,
        version: 8,
    });
    if let Ok(file) = camt::parse(data, version) {
        check::statements_hold(&file);
    }
});
