//! MT940/MT942 on arbitrary bytes: never a panic, and what parses keeps the invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "check.rs"]
mod check;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = cashline_bankfile::swift::parse(data) {
        check::statements_hold(&file);
    }
});
