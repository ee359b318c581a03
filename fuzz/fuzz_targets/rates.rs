//! Rate files (ECB eurofxref XML, base,quote,date,rate CSV) on arbitrary bytes: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cashline_rates::file::parse(data);
});
