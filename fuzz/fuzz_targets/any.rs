//! Format detection and dispatch on arbitrary bytes (`cashline_bankfile::parse`), as an import
//! of an unknown file does: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cashline_bankfile::parse(data);
});
