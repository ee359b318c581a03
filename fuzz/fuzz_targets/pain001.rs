//! pain.001 credit transfer initiations on arbitrary bytes: never a panic, and what is read is
//! a run whose declared totals hold: at least one batch, each with a transfer of a positive
//! amount.
#![no_main]

use libfuzzer_sys::fuzz_target;

use cashline_bankfile::pain001;

fuzz_target!(|data: &[u8]| {
    if let Ok(run) = pain001::parse(data) {
        assert!(!run.batches.is_empty(), "a run read without a batch");
        for batch in &run.batches {
            assert!(!batch.transfers.is_empty(), "a batch read without a transfer");
            for t in &batch.transfers {
                assert!(t.amount.amount().is_sign_positive() && !t.amount.amount().is_zero());
                assert!(!t.end_to_end_id.is_empty());
            }
        }
    }
});
