//! Inputs the fuzzer found that once crashed a parser; each must now parse or be refused.

#[test]
fn fuzz_findings_no_longer_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut checked = 0;
    for item in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(item.unwrap().path()).unwrap();
        let _ = cashline_bankfile::parse(&bytes);
        checked += 1;
    }
    assert!(checked > 0, "no regression input in {}", dir.display());
}
