//! Conformance on the BAI2 and OFX files of the corpus (`../shared/corpus/{bai2,ofx}`): every
//! file is imported or rejected on purpose, and these tables say which and why.

use crate::corpus::{check_table, Expect, Imported, Rejected};

/// BAI2 rejections:
/// - moov-io's `errors/sample-parseError.txt` is its own negative test: the first record code
///   is `00`, so the file is not BAI2 at all.
/// - moov-io's `sample4` and `sample5` are cut from a longer file to show continuation records:
///   the second account's trailer (49) declares a control total of -1260161341762 where the
///   account's amounts add up to 7999960 (and 26 records where it has 18), and the file ends
///   without its group and file trailers. A bank file whose totals do not add up is refused,
///   naming the trailer's line.
/// - venturehacks' `invalid_checksum_eod.bai2` is its own negative test of the control total.
const BAI2: &[(&str, Expect)] = &[
    ("bai2/ministryofjustice-bai2/account_trailer_amount_blank_example.bai2", Imported { statements: 2, entries: 0 }),
    ("bai2/ministryofjustice-bai2/citi_example.bai2", Imported { statements: 1, entries: 1 }),
    ("bai2/ministryofjustice-bai2/nwb_example.bai2", Imported { statements: 1, entries: 5 }),
    ("bai2/ministryofjustice-bai2/svb_us_example.bai2", Imported { statements: 2, entries: 2 }),
    ("bai2/moov-io-bai2/errors/sample-parseError.txt", Rejected { because: "not a bank statement format" }),
    ("bai2/moov-io-bai2/sample1.txt", Imported { statements: 2, entries: 17 }),
    ("bai2/moov-io-bai2/sample2.txt", Imported { statements: 5, entries: 4 }),
    ("bai2/moov-io-bai2/sample3.txt", Imported { statements: 15, entries: 26 }),
    ("bai2/moov-io-bai2/sample4-continuations-newline-delimited.txt", Rejected { because: "line 22, element record 49: control total -1260161341762 does not equal the sum 7999960 of the account's amounts" }),
    ("bai2/moov-io-bai2/sample5-issue113.txt", Rejected { because: "line 22, element record 49: control total -1260161341762 does not equal the sum 7999960 of the account's amounts" }),
    ("bai2/venturehacks-bai2/daily.bai2", Imported { statements: 1, entries: 1 }),
    ("bai2/venturehacks-bai2/daily_with_summary.bai2", Imported { statements: 1, entries: 1 }),
    ("bai2/venturehacks-bai2/eod.bai2", Imported { statements: 1, entries: 1 }),
    ("bai2/venturehacks-bai2/eod_with_slash_in_text.bai2", Imported { statements: 1, entries: 1 }),
    ("bai2/venturehacks-bai2/eod_without_as_of_time.bai2", Imported { statements: 1, entries: 1 }),
    ("bai2/venturehacks-bai2/invalid_checksum_eod.bai2", Rejected { because: "line 15, element record 49: control total 8325983 does not equal the sum 8325982 of the account's amounts" }),
];

/// OFX rejections:
/// - Files that are OFX but hold no statement: an account list (`account_listing_aggregation`),
///   a profile (`profrs`), sign-on answers (`signon_*`), an empty `<OFX></OFX>`
///   (`bank_small`), and a statement request the bank answered with an error
///   (`error_message`, code 2000). The error names what the bank said where it said anything.
/// - Investment statements (`INVSTMTRS`: Fidelity, Vanguard, TIAA-CREF, TD Ameritrade, 401k
///   plans, ofxtools' `invstmtrs`) report securities positions and trades; their cash moves
///   through trades Cashline does not model, so an investment account's balance could never be
///   reconciled from them. They are refused as unsupported, not misread as bank statements.
/// - The deliberate negative tests: OCA's `test_ofx_wrong.ofx` comments out the account and a
///   transaction's date and amount; ofxparse's `fail_nice/date_missing.ofx` has transactions
///   without a posting date (and with 2012-02-31), `fail_nice/decimal_error.ofx` a posting date
///   in month 20 and an amount of `$120`. (`fail_nice/empty_balance.ofx` is imported: its
///   empty balance amounts are left out with a warning, as the bank meant nothing by them.)
const OFX: &[(&str, Expect)] = &[
    ("ofx/OCA-bank-statement-import/test_ofx.ofx", Imported { statements: 2, entries: 4 }),
    ("ofx/OCA-bank-statement-import/test_ofx_iban.ofx", Imported { statements: 2, entries: 4 }),
    ("ofx/OCA-bank-statement-import/test_ofx_wrong.ofx", Rejected { because: "STMTRS[1]/BANKACCTFROM/ACCTID: the statement names no account (ACCTID)" }),
    ("ofx/ofxparse/account_listing_aggregation.ofx", Rejected { because: "the file holds no bank or credit-card statement" }),
    ("ofx/ofxparse/anzcc.ofx", Imported { statements: 1, entries: 1 }),
    ("ofx/ofxparse/bank_medium.ofx", Imported { statements: 1, entries: 3 }),
    ("ofx/ofxparse/bank_small.ofx", Rejected { because: "the file holds no bank or credit-card statement" }),
    ("ofx/ofxparse/checking.ofx", Imported { statements: 1, entries: 3 }),
    ("ofx/ofxparse/error_message.ofx", Rejected { because: "the bank answered with an error instead of a statement (code 2000: General Server Error)" }),
    ("ofx/ofxparse/fail_nice/date_missing.ofx", Rejected { because: "STMTRS[1]/STMTTRN[1]/DTPOSTED: the transaction has no posting date" }),
    ("ofx/ofxparse/fail_nice/decimal_error.ofx", Rejected { because: "'201120000000' is not an OFX date" }),
    ("ofx/ofxparse/fail_nice/empty_balance.ofx", Imported { statements: 1, entries: 1 }),
    ("ofx/ofxparse/fidelity-savings.ofx", Rejected { because: "investment statement (INVSTMTRS)" }),
    ("ofx/ofxparse/fidelity.ofx", Rejected { because: "investment statement (INVSTMTRS)" }),
    ("ofx/ofxparse/investment_401k.ofx", Rejected { because: "investment statement (INVSTMTRS)" }),
    ("ofx/ofxparse/investment_medium.ofx", Rejected { because: "investment statement (INVSTMTRS)" }),
    ("ofx/ofxparse/multiple_accounts.ofx", Imported { statements: 2, entries: 0 }),
    ("ofx/ofxparse/multiple_accounts2.ofx", Imported { statements: 2, entries: 0 }),
    ("ofx/ofxparse/ofx-v102-empty-tags.ofx", Imported { statements: 1, entries: 1 }),
    ("ofx/ofxparse/signon_fail.ofx", Rejected { because: "the bank refused the sign-on (code 15500" }),
    ("ofx/ofxparse/signon_success.ofx", Rejected { because: "the file holds no bank or credit-card statement" }),
    ("ofx/ofxparse/signon_success_no_message.ofx", Rejected { because: "the file holds no bank or credit-card statement" }),
    ("ofx/ofxparse/suncorp.ofx", Imported { statements: 1, entries: 1 }),
    ("ofx/ofxparse/td_ameritrade.ofx", Rejected { because: "investment statement (INVSTMTRS)" }),
    ("ofx/ofxparse/tiaacref.ofx", Rejected { because: "investment statement (INVSTMTRS)" }),
    ("ofx/ofxparse/vanguard.ofx", Rejected { because: "investment statement (INVSTMTRS)" }),
    ("ofx/ofxparse/vanguard401k.ofx", Rejected { because: "investment statement (INVSTMTRS)" }),
    ("ofx/ofxtools/br_nubank_cc.ofx", Imported { statements: 1, entries: 6 }),
    ("ofx/ofxtools/invstmtrs.ofx", Rejected { because: "investment statement (INVSTMTRS)" }),
    ("ofx/ofxtools/profrs.ofx", Rejected { because: "the bank refused the sign-on (code 15500: Signon invalid)" }),
    ("ofx/ofxtools/stmtrs.ofx", Imported { statements: 1, entries: 2 }),
    ("ofx/ofxtools/stmtrs_euro.ofx", Imported { statements: 1, entries: 2 }),
];

#[test]
fn every_bai2_file_in_the_corpus_has_its_stated_outcome() {
    check_table(&["bai2"], &[], BAI2);
}

#[test]
fn every_ofx_file_in_the_corpus_has_its_stated_outcome() {
    check_table(&["ofx"], &[], OFX);
}
