//! OFX (SGML 1.x and XML 2.x) on arbitrary bytes: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

use cashline_bankfile::ofx::{self, OfxVersion};

fuzz_target!(|data: &[u8]| {
    // The declared version where the header has one, so that broken headers still reach the
    // body's reader.
    let version = ofx::detect(data).unwrap_or(OfxVersion { number: Some(102) });
    let _ = ofx::parse(data, version);
});
