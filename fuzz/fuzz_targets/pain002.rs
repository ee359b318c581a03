//! pain.002 status reports on arbitrary bytes: never a panic, and what is read names a status
//! at some level.
#![no_main]

use libfuzzer_sys::fuzz_target;

use cashline_bankfile::pain002;

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = pain002::parse(data) {
        assert!(
            report.group_status.is_some()
                || report
                    .batches
                    .iter()
                    .any(|b| b.status.is_some() || !b.transactions.is_empty()),
            "a report read without any status"
        );
    }
});
