//! MT940/MT942 parser tests on messages written here: dialects, round trips and rejections.

use super::*;

#[test]
#[ignore]
fn survey_corpus() {
    let root = std::path::Path::new("/work/shared/corpus");
    let list = std::fs::read_to_string("/tmp/swift_samples.txt").unwrap();
    let show = std::env::var("SHOW").ok();
    for relative in list.lines() {
        let bytes = std::fs::read(root.join(relative)).unwrap();
        match crate::parse(&bytes) {
            Ok(file) => {
                let entries: usize = file.statements.iter().map(|s| s.entries.len()).sum();
                if show.as_deref().is_some_and(|v| relative.contains(v)) {
                    for s in &file.statements {
                        println!(
                            "  STMT ref={} seq={:?} page={:?} acct={} bic={:?} kind={:?} bal={:?}",
                            s.statement_ref,
                            s.sequence_number,
                            s.page_number,
                            s.account.key.reveal(),
                            s.account.bic,
                            s.kind,
                            s.balances
                                .iter()
                                .map(|b| (b.balance_type, b.amount, b.date))
                                .collect::<Vec<_>>()
                        );
                        for e in &s.entries {
                            println!("    {} rev={} bd={:?} vd={:?} bref={:?} eref={:?} e2e={:?} name={:?} iban={:?} btc={:?} cref={:?}\n      remi={:?}", e.amount, e.reversal, e.booking_date, e.value_date, e.bank_ref, e.entry_ref, e.end_to_end_id, e.counterparty_name, e.counterparty_iban, e.bank_transaction_code, e.creditor_reference, e.remittance);
                        }
                    }
                    for w in &file.warnings {
                        println!("  WARN {w}");
                    }
                }
                println!(
                    "OK\t{relative}\t{}\t{}\t{}\twarn={}",
                    file.format,
                    file.statements.len(),
                    entries,
                    file.warnings.len()
                );
            }
            Err(e) => println!("ERR\t{relative}\t{e}"),
        }
    }
}
