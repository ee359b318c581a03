//! Conformance of the SWIFT MT940/MT942 reader on real files written by others
//! (`../shared/corpus/mt940`, `mt942`): every sample is imported or rejected on purpose (the
//! table), our parse agrees with the expected parse the source projects ship beside their
//! samples, and with the Python peer `mt-940` (PyPI 5.1.1) where it can read the file.

use std::path::{Path, PathBuf};
use std::process::Command;

use cashline_bankfile::swift::write::mt940_document;
use cashline_bankfile::{ParsedFile, ParsedStatement};
use cashline_domain::BalanceType;

use crate::corpus::{check_table, corpus_files, Expect, Imported, Rejected};
use crate::support::{corpus, repo_root};

/// The folders of SWIFT samples in the corpus.
const FOLDERS: &[&str] = &["mt940", "mt942"];
/// Not samples: the source projects' expected parse beside them (`.yml` from WoLpH/mt940,
/// `.json` from mt940-rs, mt940-js and my-flow/mt940), compared below where they apply.
const SKIP_EXTENSIONS: &[&str] = &["yml", "json"];

/// Why each rejection is right, in the words of the test:
/// - Not MT940 at all (`not a bank statement format`): the parser projects' unit-test snippets
///   of one or two fields (a lone `:25:`, `:60F:`, `:61:` or `:86:`: cmxl, betterplace and
///   my-flow fixtures), WoLpH's and mt940-rs's `invalid_statement.sta` (the numbers 1 to 10),
///   `empty_non_swift.sta` (`:NS:` alone), `sparkassen.sta` (a `:61:` and `:86:` with the
///   tag itself broken over two lines, no `:20:`), and mt940-rs's `mt942_1.sta`, which is
///   empty upstream.
/// - A corpus project's deliberate negative test: `sepa_snippet_broken` (an `:86:` labelled
///   `:25:`, so the message names two accounts), `sepa_snippet_broken_2`/`_3`, `gv_codes.sta`
///   and `missing_closing_record_62F.sta` (cut off before the closing balance),
///   `unexpected_tag.sta` (no `:25:`), `knab_invalid.txt` (the first message is cut off by the
///   next one's header), `raphaelm.sta` (a `:62M:` without its currency).
/// - The Deutsche Mark (`cmxl/mt940.sta`, mt940-js `base-1.mta` and mt940-rs's copy of the
///   cmxl file under `mt942/`): withdrawn from ISO 4217 in 2002, so no amount in it can be
///   booked; the files are synthetic (DEM dated 2013).
/// - Files cut short where they were copied: OCA's `test-sns.940` (the third message stops
///   after two entries, with no closing balance), php-mt940's `Rabo/sample2` (the second
///   message is its `:20:` alone).
/// - Oldenburgische Landesbank exports with a known bank bug (jejik `K4262927…` and
///   `oldenburgischelandesbank2.txt`): the closing balance came out as
///   `:65F:Dnullnull7414,3`, so the statement has none and its balances cannot be checked.
///
/// Imported files whose balances do not add up (anonymised or hand-edited fixtures) import
/// with a `balance_mismatch` exception, as a real statement would.
const TABLE: &[(&str, Expect)] = &[
    ("mt940/OCA-bank-statement-import/mt940_base/test-ing.940", Imported { statements: 1, entries: 8 }),
    ("mt940/OCA-bank-statement-import/mt940_base/test-rabo.swi", Imported { statements: 4, entries: 2 }),
    ("mt940/OCA-bank-statement-import/mt940_base/test-sns.940", Rejected { because: "Msg[3]/:62F:: the statement ends without a closing balance (:62F: or :62M:)" }),
    ("mt940/OCA-bank-statement-import/mt940_base/test-wrong-file.940", Imported { statements: 1, entries: 1 }),
    ("mt940/OCA-bank-statement-import/nl_ing/test-ing-old.940", Imported { statements: 1, entries: 8 }),
    ("mt940/OCA-bank-statement-import/nl_ing/test-ing.940", Imported { statements: 1, entries: 8 }),
    ("mt940/OCA-bank-statement-import/nl_mollie/Voorbeeld MT-940.mt940", Imported { statements: 1, entries: 21 }),
    ("mt940/OCA-bank-statement-import/nl_rabo/test-rabo.swi", Imported { statements: 4, entries: 2 }),
    ("mt940/WoLpH-mt940/ASNB/0708271685_09022020_164516.940.txt", Imported { statements: 31, entries: 8 }),
    ("mt940/WoLpH-mt940/betterplace/amount_formats.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/betterplace/currency_in_25.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/betterplace/empty_86.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/betterplace/empty_entry_date.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/betterplace/empty_line.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/betterplace/missing_crlf_at_end.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/betterplace/sepa_mt9401.sta", Imported { statements: 26, entries: 97 }),
    ("mt940/WoLpH-mt940/betterplace/sepa_snippet.sta", Imported { statements: 2, entries: 11 }),
    ("mt940/WoLpH-mt940/betterplace/sepa_snippet_broken.sta", Rejected { because: "Msg[1]/:25:: the field appears twice in one message" }),
    ("mt940/WoLpH-mt940/betterplace/with_binary_character.sta", Imported { statements: 2, entries: 4 }),
    ("mt940/WoLpH-mt940/cmxl/account_balance_credit.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/cmxl/account_balance_debit.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/cmxl/account_identification_iban.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/cmxl/account_identification_legacy.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/cmxl/available_balance.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/cmxl/closing_balance.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/cmxl/mt940.sta", Rejected { because: "Msg[1]/:60F:: 'DEM' is not an ISO 4217 currency code" }),
    ("mt940/WoLpH-mt940/cmxl/reference.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/cmxl/statement_details.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/cmxl/statement_line.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/cmxl/statement_number.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/jejik/abnamro.sta", Imported { statements: 2, entries: 10 }),
    ("mt940/WoLpH-mt940/jejik/generic.sta", Imported { statements: 2, entries: 2 }),
    ("mt940/WoLpH-mt940/jejik/ing.sta", Imported { statements: 1, entries: 7 }),
    ("mt940/WoLpH-mt940/jejik/knab.sta", Imported { statements: 2, entries: 3 }),
    ("mt940/WoLpH-mt940/jejik/postfinance.sta", Imported { statements: 2, entries: 4 }),
    ("mt940/WoLpH-mt940/jejik/rabobank-iban.sta", Imported { statements: 2, entries: 4 }),
    ("mt940/WoLpH-mt940/jejik/rabobank.sta", Imported { statements: 4, entries: 5 }),
    ("mt940/WoLpH-mt940/jejik/sns.sta", Imported { statements: 2, entries: 2 }),
    ("mt940/WoLpH-mt940/jejik/triodos.sta", Imported { statements: 1, entries: 2 }),
    ("mt940/WoLpH-mt940/mBank/mt940.sta", Imported { statements: 1, entries: 3 }),
    ("mt940/WoLpH-mt940/mBank/mt942.sta", Imported { statements: 1, entries: 3 }),
    ("mt940/WoLpH-mt940/mBank/with_newline_in_tnr.sta", Imported { statements: 1, entries: 2 }),
    ("mt940/WoLpH-mt940/sberbank/171011_01234945.sta", Imported { statements: 1, entries: 3 }),
    ("mt940/WoLpH-mt940/self-provided/details_60-63.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/WoLpH-mt940/self-provided/empty_non_swift.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/self-provided/february_30.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/WoLpH-mt940/self-provided/gv_codes.sta", Rejected { because: "the file ends inside element Msg[1]/:62F:; it looks truncated" }),
    ("mt940/WoLpH-mt940/self-provided/invalid_statement.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/self-provided/long_statement_number.sta", Imported { statements: 1, entries: 0 }),
    ("mt940/WoLpH-mt940/self-provided/malformed_details.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/WoLpH-mt940/self-provided/mt942.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/WoLpH-mt940/self-provided/overly_long_details.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/WoLpH-mt940/self-provided/raiffeisen-cmi.sta", Imported { statements: 1, entries: 7 }),
    ("mt940/WoLpH-mt940/self-provided/raphaelm.sta", Rejected { because: "Msg[1]/:62M:: 'C020315105000,00' has no currency code after its date" }),
    ("mt940/WoLpH-mt940/self-provided/sparkassen.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/WoLpH-mt940/self-provided/transaction_details_wrapped.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/WoLpH-mt940/self-provided/whitespace.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/WoLpH-mt940/self-provided/wrapped_timestamp.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/hbci4java/test-mt940-001.sta", Imported { statements: 1, entries: 2 }),
    ("mt940/hbci4java/test-mt940-002.sta", Imported { statements: 1, entries: 2 }),
    ("mt940/jejik-mt940/K4262927_20200905-080000-952.txt", Rejected { because: "the file ends inside element Msg[1]/:62F:; it looks truncated" }),
    ("mt940/jejik-mt940/abnamro.txt", Imported { statements: 2, entries: 10 }),
    ("mt940/jejik-mt940/bug-core-5401.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/jejik-mt940/commerzbank.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/jejik-mt940/deutschebank.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/jejik-mt940/generic.txt", Imported { statements: 2, entries: 2 }),
    ("mt940/jejik-mt940/ing-dos.txt", Imported { statements: 1, entries: 7 }),
    ("mt940/jejik-mt940/knab.txt", Imported { statements: 2, entries: 3 }),
    ("mt940/jejik-mt940/lbbw.txt", Imported { statements: 1, entries: 2 }),
    ("mt940/jejik-mt940/oldenburgischelandesbank.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/jejik-mt940/oldenburgischelandesbank2.txt", Rejected { because: "the file ends inside element Msg[1]/:62F:; it looks truncated" }),
    ("mt940/jejik-mt940/oldenburgischelandesbankmitbindestrich.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/jejik-mt940/postfinance.txt", Imported { statements: 2, entries: 4 }),
    ("mt940/jejik-mt940/rabobank-iban.txt", Imported { statements: 2, entries: 4 }),
    ("mt940/jejik-mt940/rabobank.txt", Imported { statements: 4, entries: 5 }),
    ("mt940/jejik-mt940/sns.txt", Imported { statements: 2, entries: 2 }),
    ("mt940/jejik-mt940/sparkasse.txt", Imported { statements: 2, entries: 2 }),
    ("mt940/jejik-mt940/sparkasse2.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/jejik-mt940/sparkasse3.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/jejik-mt940/sparkasse_interim_balance.txt", Imported { statements: 3, entries: 2 }),
    ("mt940/jejik-mt940/triodos.txt", Imported { statements: 1, entries: 2 }),
    ("mt940/jejik-mt940/volksbankenraiffeisenbanken.txt", Imported { statements: 8, entries: 12 }),
    ("mt940/mt940-js/abn-amro-1.STA", Imported { statements: 1, entries: 1 }),
    ("mt940/mt940-js/base-1.mta", Rejected { because: "Msg[1]/:60F:: 'DEM' is not an ISO 4217 currency code" }),
    ("mt940/mt940-js/base-2.mta", Imported { statements: 1, entries: 2 }),
    ("mt940/mt940-js/base-3.mta", Imported { statements: 2, entries: 2 }),
    ("mt940/mt940-js/ing-1.mta", Imported { statements: 1, entries: 3 }),
    ("mt940/mt940-js/ing-2.mta", Imported { statements: 1, entries: 0 }),
    ("mt940/mt940-rs/full/abnamro/mt940.sta", Imported { statements: 2, entries: 4 }),
    ("mt940/mt940-rs/full/betterplace/sepa_mt9401.sta", Imported { statements: 26, entries: 97 }),
    ("mt940/mt940-rs/full/betterplace/sepa_snippet.sta", Imported { statements: 2, entries: 11 }),
    ("mt940/mt940-rs/full/betterplace/sepa_snippet_broken.sta", Rejected { because: "Msg[1]/:25:: the field appears twice in one message" }),
    ("mt940/mt940-rs/full/betterplace/with_binary_character.sta", Imported { statements: 2, entries: 4 }),
    ("mt940/mt940-rs/full/bugs/issue-51.sta", Imported { statements: 1, entries: 3 }),
    ("mt940/mt940-rs/full/cmxl/mt940_1.sta", Imported { statements: 1, entries: 2 }),
    ("mt940/mt940-rs/full/cmxl/mt940_2.sta", Imported { statements: 1, entries: 3 }),
    ("mt940/mt940-rs/full/danskebank/MT940_DK_Example.sta", Imported { statements: 15, entries: 89 }),
    ("mt940/mt940-rs/full/danskebank/MT940_FI_Example.sta", Imported { statements: 1, entries: 6 }),
    ("mt940/mt940-rs/full/danskebank/MT940_NO_Example.sta", Imported { statements: 13, entries: 24 }),
    ("mt940/mt940-rs/full/danskebank/MT940_SE_Example.sta", Imported { statements: 12, entries: 103 }),
    ("mt940/mt940-rs/full/jejik/abnamro.sta", Imported { statements: 2, entries: 10 }),
    ("mt940/mt940-rs/full/jejik/ing.sta", Imported { statements: 1, entries: 7 }),
    ("mt940/mt940-rs/full/jejik/knab.sta", Imported { statements: 2, entries: 3 }),
    ("mt940/mt940-rs/full/jejik/knab_broken.sta", Imported { statements: 2, entries: 3 }),
    ("mt940/mt940-rs/full/jejik/postfinance.sta", Imported { statements: 2, entries: 4 }),
    ("mt940/mt940-rs/full/jejik/rabobank-iban.sta", Imported { statements: 2, entries: 4 }),
    ("mt940/mt940-rs/full/jejik/sns.sta", Imported { statements: 2, entries: 2 }),
    ("mt940/mt940-rs/full/mBank/mt940.sta", Imported { statements: 1, entries: 3 }),
    ("mt940/mt940-rs/full/mBank/with_newline_in_tnr.sta", Imported { statements: 1, entries: 2 }),
    ("mt940/mt940-rs/full/sparkasse/buxtehude.sta", Imported { statements: 1, entries: 3 }),
    ("mt940/mt940-rs/special-cases/february_30.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/mt940-rs/special-cases/incomplete_tag_61.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/mt940-rs/special-cases/invalid_statement.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/mt940-rs/special-cases/invalid_utf8.sta", Imported { statements: 1, entries: 7 }),
    ("mt940/mt940-rs/special-cases/overly_long_details.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/mt940-rs/special-cases/unexpected_tag.sta", Rejected { because: "Msg[1]/:25:: the message names no account (:25:)" }),
    ("mt940/mt940-rs/special-cases/unknown_tag.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/my-flow-mt940/account_identification_option_A_with_IBAN.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/account_identification_option_B.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/account_identification_option_B_with_BIC.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/account_identification_option_B_with_currency.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/amount_formats.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/date.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/my-flow-mt940/duplicate_spaces.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/empty_86.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/empty_entry_date.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/empty_line.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/existing_booking_date.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/field_28.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/last_statement.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/line_breaks_with_@@.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/line_breaks_with_rn.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/message_separator_in_text.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/my-flow-mt940/missing_booking_date.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/missing_closing_record_62F.sta", Rejected { because: "the file ends inside element Msg[1]/:62F:; it looks truncated" }),
    ("mt940/my-flow-mt940/missing_crlf_at_end.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/mt942.sta", Imported { statements: 1, entries: 2 }),
    ("mt940/my-flow-mt940/non_ref.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/opening_balance.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/opening_balance_with_new_line.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/pending.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/my-flow-mt940/sample.sta", Imported { statements: 1, entries: 4 }),
    ("mt940/my-flow-mt940/sepa_snippet.sta", Imported { statements: 2, entries: 11 }),
    ("mt940/my-flow-mt940/sepa_snippet_broken.sta", Rejected { because: "Msg[1]/:25:: the field appears twice in one message" }),
    ("mt940/my-flow-mt940/sepa_snippet_broken_2.sta", Rejected { because: "the file ends inside element Msg[1]/:62F:; it looks truncated" }),
    ("mt940/my-flow-mt940/sepa_snippet_broken_3.sta", Rejected { because: "the file ends inside element Msg[1]/:62F:; it looks truncated" }),
    ("mt940/my-flow-mt940/sepa_snippet_broken_4.sta", Imported { statements: 1, entries: 1 }),
    ("mt940/my-flow-mt940/short_amount.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/short_name_of_account_owner.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/statement_number.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/statement_number_sequence_number.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/my-flow-mt940/transactions.sta", Imported { statements: 6, entries: 10 }),
    ("mt940/my-flow-mt940/unstructured_account_owner.sta", Rejected { because: "not a bank statement format" }),
    ("mt940/php-mt940/Abn/issue48", Imported { statements: 1, entries: 2 }),
    ("mt940/php-mt940/Abn/sample", Imported { statements: 4, entries: 5 }),
    ("mt940/php-mt940/Abn/sample2", Imported { statements: 1, entries: 4 }),
    ("mt940/php-mt940/Asn/sample", Imported { statements: 7, entries: 3 }),
    ("mt940/php-mt940/Bunq/sample", Imported { statements: 1, entries: 111 }),
    ("mt940/php-mt940/Hsbc/sample", Imported { statements: 1, entries: 1 }),
    ("mt940/php-mt940/Ing/sample", Imported { statements: 1, entries: 7 }),
    ("mt940/php-mt940/Kbs/sample", Imported { statements: 1, entries: 3 }),
    ("mt940/php-mt940/Kbs/sample2", Imported { statements: 1, entries: 7 }),
    ("mt940/php-mt940/Knab/sample", Imported { statements: 1, entries: 5 }),
    ("mt940/php-mt940/Knab/sample2", Imported { statements: 1, entries: 1 }),
    ("mt940/php-mt940/Knab/sample3", Imported { statements: 1, entries: 1 }),
    ("mt940/php-mt940/Kontist/sample", Imported { statements: 1, entries: 6 }),
    ("mt940/php-mt940/Penta/sample", Imported { statements: 1, entries: 30 }),
    ("mt940/php-mt940/Rabo/sample", Imported { statements: 39, entries: 39 }),
    ("mt940/php-mt940/Rabo/sample2", Rejected { because: "the file ends inside element Msg[2]/:62F:; it looks truncated" }),
    ("mt940/php-mt940/Rabo/sample3", Imported { statements: 2, entries: 12 }),
    ("mt940/php-mt940/Rabo/sample4", Imported { statements: 1, entries: 3 }),
    ("mt940/php-mt940/Spk/sample", Imported { statements: 4, entries: 10 }),
    ("mt940/php-mt940/Triodos/sample", Imported { statements: 2, entries: 8 }),
    ("mt940/php-mt940/Zetb/sample", Imported { statements: 1, entries: 8 }),
    ("mt940/php-mt940/_example/test.mta", Imported { statements: 1, entries: 3 }),
    ("mt940/zilverline-mt940/14aug2014.swi", Imported { statements: 1, entries: 2 }),
    ("mt940/zilverline-mt940/abn/abn_sepa_incasso_doorlopend.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/abn/abn_sepa_overboeking.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/abn/abn_sepa_periodieke_overboeking.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/abn/abn_structured_sepa_acceptgiro.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/abn/abn_structured_sepa_ideal.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/abn/abn_structured_sepa_overboeking.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/abn/abnamro.txt", Imported { statements: 2, entries: 10 }),
    ("mt940/zilverline-mt940/abn/abnamro_structured.txt", Imported { statements: 2, entries: 10 }),
    ("mt940/zilverline-mt940/abn/anb_sepa_overboeking_belastingdienst.txt", Imported { statements: 1, entries: 2 }),
    ("mt940/zilverline-mt940/abn/moneyou.txt", Imported { statements: 1, entries: 2 }),
    ("mt940/zilverline-mt940/deutsche_bank.txt", Imported { statements: 1, entries: 2 }),
    ("mt940/zilverline-mt940/import-16-06-2014.txt", Imported { statements: 1, entries: 2 }),
    ("mt940/zilverline-mt940/ing.txt", Imported { statements: 1, entries: 6 }),
    ("mt940/zilverline-mt940/ing/cntp_without_description.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/ing/eu_incasso.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/ing/eu_incasso_foreign_transaction.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/ing/eu_incasso_with_spaces_in_sepa.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/ing/failing.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/ing/ing_00_00.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/ing/ing_dash_in_customer_reference.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/ing/ing_purp.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/ing/ing_references.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/ing/ing_references_fix.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/ing/mt940_iban.txt", Imported { statements: 1, entries: 21 }),
    ("mt940/zilverline-mt940/ing/unstructured_remi.txt", Imported { statements: 1, entries: 2 }),
    ("mt940/zilverline-mt940/ing/unstructured_remi_2.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/ing/unstructured_remi_with_space_in_remi.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/ing_structured.txt", Imported { statements: 1, entries: 7 }),
    ("mt940/zilverline-mt940/knab/knab.txt", Imported { statements: 1, entries: 2 }),
    ("mt940/zilverline-mt940/knab/knab_date_and_accounting_date_different_year.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/knab/knab_empty.txt", Imported { statements: 1, entries: 0 }),
    ("mt940/zilverline-mt940/knab/knab_invalid.txt", Rejected { because: "Msg[1]: the message is not closed with -} before the next one begins; it looks cut short" }),
    ("mt940/zilverline-mt940/knab/knab_pin.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/knab/knab_sepa_acceptgiro.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/knab/knab_sepa_doorlopend_incasso.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/knab/knab_sepa_ideal.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/knab/knab_sepa_overboeking.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/knab/knab_two_blocks.txt", Imported { statements: 2, entries: 3 }),
    ("mt940/zilverline-mt940/knab/knab_with_iban.txt", Imported { statements: 1, entries: 2 }),
    ("mt940/zilverline-mt940/rabobank.txt", Imported { statements: 23, entries: 11 }),
    ("mt940/zilverline-mt940/rabobank/dash_as_start_of_line.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/rabobank/fix_rabo_twice_remi.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/rabobank/line_break_in_remi.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/rabobank_mt940_structured.txt", Imported { statements: 2, entries: 9 }),
    ("mt940/zilverline-mt940/rabobank_mt940_structured_dutch_tax.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/rabobank_mt940_structured_multi_line.txt", Imported { statements: 1, entries: 2 }),
    ("mt940/zilverline-mt940/rabobank_mt940_structured_savings_account.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/rabobank_mt940_structured_to_savings_account.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/rabobank_with_debet_previous_balance.txt", Imported { statements: 1, entries: 0 }),
    ("mt940/zilverline-mt940/sns/sns.txt", Imported { statements: 16, entries: 4 }),
    ("mt940/zilverline-mt940/sns/sns_customer_reference.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/triodos_iban.txt", Imported { statements: 1, entries: 3 }),
    ("mt940/zilverline-mt940/triodos_iban_2.txt", Imported { statements: 1, entries: 4 }),
    ("mt940/zilverline-mt940/triodos_multiline_bug.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/two_accounts.txt", Imported { statements: 4, entries: 3 }),
    ("mt940/zilverline-mt940/unknown.txt", Imported { statements: 1, entries: 6 }),
    ("mt940/zilverline-mt940/van_lanschot/to_private_account_86.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/van_lanschot/unspecified_contra_account.txt", Imported { statements: 1, entries: 1 }),
    ("mt940/zilverline-mt940/van_lanschot/van_lanschot.txt", Imported { statements: 3, entries: 4 }),
    ("mt942/mt940-rs/full/cmxl/mt942_1.sta", Rejected { because: "not a bank statement format" }),
    ("mt942/mt940-rs/full/jejik/generic.sta", Imported { statements: 2, entries: 2 }),
    ("mt942/mt940-rs/full/jejik/rabobank.sta", Imported { statements: 4, entries: 5 }),
    ("mt942/mt940-rs/full/jejik/triodos.sta", Imported { statements: 1, entries: 2 }),
    ("mt942/mt940-rs/full/mBank/mt942.sta", Rejected { because: "Msg[1]/:60F:: 'DEM' is not an ISO 4217 currency code" }),
    ("mt942/mt940-rs/full/sberbank/171011_01234945.sta", Imported { statements: 1, entries: 3 }),
    ("mt942/mt940-rs/special-cases/long_statement_number.sta", Imported { statements: 1, entries: 0 }),
    ("mt942/mt940-rs/special-cases/mt942.sta", Imported { statements: 1, entries: 1 }),
    ("mt942/mt940-rs/special-cases/raphaelm.sta", Rejected { because: "Msg[1]/:62M:: 'C020315105000,00' has no currency code after its date" }),
];

#[test]
fn every_swift_file_in_the_corpus_has_its_stated_outcome() {
    check_table(FOLDERS, SKIP_EXTENSIONS, TABLE);
}

/// One statement as every reader can say it: balances and signed amounts, in a canonical
/// decimal form (`-9`, `11.8`), so that `-9.00` and `-9` agree.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reading {
    opening: Option<String>,
    closing: Option<String>,
    amounts: Vec<String>,
}

/// `+0011.80` → `11.8`, `-0.00` → `0`: the same number, written one way.
fn canonical(text: &str) -> String {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim_start_matches('+')),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let mut number = if whole.is_empty() {
        "0".to_string()
    } else {
        whole.to_string()
    };
    if !fraction.is_empty() {
        number = format!("{number}.{fraction}");
    }
    if negative && number != "0" {
        format!("-{number}")
    } else {
        number
    }
}

fn balance_of(statement: &ParsedStatement, wanted: BalanceType) -> Option<String> {
    statement
        .balances
        .iter()
        .find(|b| b.balance_type == wanted)
        .map(|b| canonical(&b.amount.amount_text()))
}

fn ours(file: &ParsedFile) -> Vec<Reading> {
    file.statements
        .iter()
        .map(|statement| Reading {
            opening: balance_of(statement, BalanceType::OpeningBooked),
            closing: balance_of(statement, BalanceType::ClosingBooked),
            amounts: statement
                .entries
                .iter()
                .map(|e| canonical(&e.amount.amount_text()))
                .collect(),
        })
        .collect()
}

fn read_ours(path: &Path) -> Option<ParsedFile> {
    cashline_bankfile::parse(&std::fs::read(path).unwrap()).ok()
}

/// mt940-rs: one object per statement, marks spelled out (`ReverseDebit` is money in).
fn mt940_rs(json: &serde_json::Value) -> Vec<Reading> {
    let signed = |mark: &str, amount: &str| match mark {
        "Debit" | "ReverseCredit" => canonical(&format!("-{amount}")),
        _ => canonical(amount),
    };
    let balance = |b: &serde_json::Value| {
        b.is_object().then(|| {
            signed(
                b["debit_credit_indicator"].as_str().unwrap(),
                b["amount"].as_str().unwrap(),
            )
        })
    };
    json.as_array()
        .unwrap()
        .iter()
        .map(|s| Reading {
            opening: balance(&s["opening_balance"]),
            closing: balance(&s["closing_balance"]),
            amounts: s["statement_lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    signed(
                        l["ext_debit_credit_indicator"].as_str().unwrap(),
                        l["amount"].as_str().unwrap(),
                    )
                })
                .collect(),
        })
        .collect()
}

/// mt940-js: one object per statement, amounts as JSON numbers.
fn mt940_js(json: &serde_json::Value) -> Vec<Reading> {
    let signed = |credit: bool, amount: &serde_json::Value| {
        let text = amount.to_string();
        canonical(&if credit { text } else { format!("-{text}") })
    };
    let balance = |b: &serde_json::Value| {
        b.is_object()
            .then(|| signed(b["isCredit"].as_bool().unwrap(), &b["value"]))
    };
    json.as_array()
        .unwrap()
        .iter()
        .map(|s| Reading {
            opening: balance(&s["openingBalance"]),
            closing: balance(&s["closingBalance"]),
            amounts: s["transactions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| signed(t["isCredit"].as_bool().unwrap(), &t["amount"]))
                .collect(),
        })
        .collect()
}

fn untag(value: &serde_yaml::Value) -> &serde_yaml::Value {
    match value {
        serde_yaml::Value::Tagged(tagged) => untag(&tagged.value),
        other => other,
    }
}

/// `!!python/object/apply:decimal.Decimal ['-9']` inside an `Amount` inside a `Balance`.
fn python_amount(value: &serde_yaml::Value) -> Option<String> {
    let decimal = untag(&untag(value)["amount"]);
    untag(decimal)
        .as_sequence()?
        .first()?
        .as_str()
        .map(canonical)
}

/// WoLpH/mt940 merges every statement of a file into one object: its entries in order, and
/// the last `:60F:` and `:62F:` it met.
struct WolphReading {
    amounts: Vec<String>,
    opening: Option<String>,
    closing: Option<String>,
}

fn wolph(yaml_text: &str) -> WolphReading {
    // Each transaction points back at the whole document (`transactions: *id003`); a
    // recursive alias cannot be read as a tree, and the back-pointer carries nothing.
    let text: String = yaml_text
        .lines()
        .filter(|l| !(l.trim_start().starts_with("transactions: *")))
        .collect::<Vec<_>>()
        .join("\n");
    let document: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let root = untag(&document);
    let data = untag(&root["data"]);
    let amounts = untag(&root["transactions"])
        .as_sequence()
        .map(|transactions| {
            transactions
                .iter()
                .filter_map(|t| python_amount(&untag(&untag(t)["data"])["amount"]))
                .collect()
        })
        .unwrap_or_default();
    let balance = |key: &str| {
        let value = &data[key];
        (!value.is_null()).then(|| python_amount(value)).flatten()
    };
    WolphReading {
        amounts,
        opening: balance("final_opening_balance"),
        closing: balance("final_closing_balance"),
    }
}

/// Expected-parse files that disagree with ours, and why ours is right.
const EXPECTED_EXCEPTIONS: &[(&str, &str)] = &[
    // WoLpH/mt940 counts RC as money in by default (its `reversal_sign` option fixes that).
    ("mt940/WoLpH-mt940/betterplace/sepa_mt9401.yml", "an RC entry reverses a credit and takes money out (SWIFT field 61, subfield 3); the statement's own balances add up only that way"),
    // mt940-rs labels RC `ReverseDebit` and keeps the amount positive.
    ("mt940/mt940-rs/full/betterplace/sepa_mt9401.json", "an RC entry reverses a credit and takes money out (SWIFT field 61, subfield 3); the statement's own balances add up only that way"),
];

#[test]
fn our_parse_matches_the_source_projects_expected_output() {
    let Some(root) = corpus() else { return };
    let mut problems = Vec::new();
    let mut compared = 0;
    for relative in corpus_files(&root, FOLDERS, &[]) {
        let path = root.join(&relative);
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if extension != "yml" && extension != "json" {
            continue;
        }
        let Some(sample) = sample_beside(&path) else {
            continue;
        };
        // Only files we import are compared; the table says why the others are refused.
        let Some(file) = read_ours(&sample) else {
            continue;
        };
        let known = EXPECTED_EXCEPTIONS.iter().find(|(p, _)| *p == relative);
        let ours = ours(&file);
        let disagreement = if extension == "yml" {
            let theirs = wolph(&std::fs::read_to_string(&path).unwrap());
            let amounts: Vec<String> = ours.iter().flat_map(|r| r.amounts.clone()).collect();
            let openings: Vec<&Option<String>> = ours.iter().map(|r| &r.opening).collect();
            let closings: Vec<&Option<String>> = ours.iter().map(|r| &r.closing).collect();
            if amounts != theirs.amounts {
                Some(format!(
                    "amounts: ours {amounts:?}, theirs {:?}",
                    theirs.amounts
                ))
            } else if theirs.opening.is_some() && !openings.contains(&&theirs.opening) {
                Some(format!(
                    "opening: ours {openings:?}, theirs {:?}",
                    theirs.opening
                ))
            } else if theirs.closing.is_some() && !closings.contains(&&theirs.closing) {
                Some(format!(
                    "closing: ours {closings:?}, theirs {:?}",
                    theirs.closing
                ))
            } else {
                None
            }
        } else {
            let json: serde_json::Value =
                match serde_json::from_slice(&std::fs::read(&path).unwrap()) {
                    Ok(json) => json,
                    // my-flow/mt940 writes JavaScript object literals, not JSON.
                    Err(_) => continue,
                };
            let theirs = if relative.contains("/mt940-rs/") {
                mt940_rs(&json)
            } else if relative.contains("/mt940-js/") {
                mt940_js(&json)
            } else {
                continue;
            };
            (ours != theirs).then(|| format!("ours {ours:?}\ntheirs {theirs:?}"))
        };
        compared += 1;
        match (disagreement, known) {
            (Some(d), None) => problems.push(format!("{relative}: {d}")),
            (None, Some(_)) => {
                problems.push(format!("{relative}: listed as an exception but agrees"))
            }
            _ => {}
        }
    }
    eprintln!("{compared} expected-parse files compared");
    assert!(
        compared > 40,
        "only {compared} expected-parse files were compared"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The sample an expected-parse file describes: same folder, same stem, any other extension.
fn sample_beside(expected: &Path) -> Option<PathBuf> {
    let stem = expected.file_stem()?.to_str()?;
    let folder = expected.parent()?;
    std::fs::read_dir(folder)
        .ok()?
        .map(|e| e.unwrap().path())
        .find(|p| {
            p != expected
                && p.file_stem().and_then(|s| s.to_str()) == Some(stem)
                && !matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "json"))
        })
}

/// Where the Python peer reads a file differently from us, and why ours is right.
const PEER_DISAGREEMENTS: &[(&str, &str)] = &[
    // mt-940 by default counts RC as money in (`Options(reversal_sign=True)` changes that).
    ("mt940/WoLpH-mt940/betterplace/sepa_mt9401.sta", "an RC entry reverses a credit and takes money out (SWIFT field 61, subfield 3); the statement's own balances add up only that way"),
    ("mt940/mt940-rs/full/betterplace/sepa_mt9401.sta", "an RC entry reverses a credit and takes money out (SWIFT field 61, subfield 3); the statement's own balances add up only that way"),
    ("mt940/jejik-mt940/sparkasse3.txt", "an RC entry reverses a credit and takes money out (SWIFT field 61, subfield 3); the statement's own balances add up only that way"),
    ("generated-3.sta", "an RC entry reverses a credit and takes money out (SWIFT field 61, subfield 3); the statement's own balances add up only that way; our writer writes RC for a reversed credit"),
    // Files the peer cannot read at all.
    ("mt940/OCA-bank-statement-import/mt940_base/test-ing.940", "the peer refuses a :28C: wrapped onto a second line"),
    ("mt940/OCA-bank-statement-import/nl_ing/test-ing-old.940", "the peer refuses a :28C: wrapped onto a second line"),
    ("mt940/OCA-bank-statement-import/nl_ing/test-ing.940", "the peer refuses a :28C: wrapped onto a second line"),
    ("mt940/WoLpH-mt940/ASNB/0708271685_09022020_164516.940.txt", "ASN Bank puts the counterparty IBAN (18 characters) in the :61: reference, which the peer caps at 16"),
    ("mt940/php-mt940/Asn/sample", "ASN Bank puts the counterparty IBAN (18 characters) in the :61: reference, which the peer caps at 16"),
    ("mt940/zilverline-mt940/sns/sns.txt", "SNS Bank puts the counterparty IBAN (18 characters) in the :61: reference, which the peer caps at 16"),
    ("mt940/php-mt940/Zetb/sample", "Zenith Bank leaves the statement number blank (:28C: /1), which the peer refuses"),
    // Files the peer reads differently.
    ("mt940/my-flow-mt940/pending.sta", "the file separates lines with @@ (German HBCI downloads); the peer finds no statement in it"),
    ("mt940/php-mt940/Rabo/sample", "the export writes a decimal point (300.00); the peer drops a :61: line and reads `.00NMSCNONREF` as a reference"),
    ("mt940/zilverline-mt940/two_accounts.txt", "a DOS end-of-file mark (0x1A) stands before a :20:; the peer merges that statement into the one before"),
];

/// Statements written by our own writer, for the peer to read too: credits, debits, a
/// reversed debit, a currency without minor units, and a second page.
fn generated() -> Vec<Vec<ParsedStatement>> {
    use cashline_bankfile::{ParsedAccount, ParsedBalance, ParsedEntry};
    use cashline_domain::{AccountKey, Currency, EntryStatus, Iban, Money, StatementKind};

    let statement = |currency: Currency, amounts: &[(i64, bool)], page: u32| {
        let iban = Iban::parse("DE89370400440532013000").unwrap();
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let opening = Money::from_minor(1_000_000, currency);
        let mut closing = opening;
        let mut entries = Vec::new();
        for (index, (minor, reversal)) in amounts.iter().enumerate() {
            let amount = Money::from_minor(*minor, currency);
            closing = closing.checked_add(&amount).unwrap();
            entries.push(ParsedEntry {
                amount,
                status: EntryStatus::Booked,
                reversal: *reversal,
                booking_date: Some(day(20)),
                value_date: Some(day(19)),
                bank_ref: Some(format!("B{page}{index:04}")),
                entry_ref: Some(format!("INV-{index}")),
                end_to_end_id: Some(format!("E2E-{index}")),
                counterparty_name: Some("Muster GmbH".into()),
                counterparty_iban: Some("NL91ABNA0417164300".into()),
                remittance: Some(format!("Rechnung {index}")),
                creditor_reference: None,
                bank_transaction_code: Some(if index % 2 == 0 { "GVC 166" } else { "NTRF" }.into()),
                source_element: String::new(),
                details: Vec::new(),
            });
        }
        ParsedStatement {
            kind: StatementKind::EndOfDay,
            message_id: format!("GEN-{page}"),
            statement_ref: "00042".into(),
            sequence_number: Some("00042".into()),
            page_number: Some(page),
            created_at: None,
            period_from: None,
            period_to: None,
            account: ParsedAccount {
                key: AccountKey::from_iban(&iban),
                iban: Some(iban),
                currency,
                bic: None,
                bank_name: None,
                owner_name: None,
            },
            balances: vec![
                ParsedBalance {
                    balance_type: BalanceType::OpeningBooked,
                    amount: opening,
                    date: day(19),
                    as_of: None,
                },
                ParsedBalance {
                    balance_type: BalanceType::ClosingBooked,
                    amount: closing,
                    date: day(20),
                    as_of: None,
                },
            ],
            entries,
            line: 0,
        }
    };
    vec![
        vec![statement(
            Currency::EUR,
            &[(123_456, false), (-7_890, false), (5, false), (2_500, true)],
            1,
        )],
        vec![statement(
            Currency::JPY,
            &[(120_000, false), (-999, false)],
            1,
        )],
        vec![
            statement(Currency::EUR, &[(10_000, false)], 1),
            statement(Currency::EUR, &[(-4_200, true), (100, false)], 2),
        ],
    ]
}

#[test]
fn the_python_peer_reads_the_same_balances_and_amounts() {
    let python = repo_root().join("target/peers/bin/python");
    if !python.is_file() {
        eprintln!(
            "NOTE: the Python peer venv is absent at {}: scripts/setup makes it; the peer comparison cannot run here",
            python.display()
        );
        return;
    }
    let Some(root) = corpus() else { return };
    let generated_dir = tempfile::tempdir().unwrap();
    // (name in the disagreement table, path given to the peer, our reading)
    let mut files: Vec<(String, PathBuf, Vec<Reading>)> = Vec::new();
    for relative in corpus_files(&root, FOLDERS, SKIP_EXTENSIONS) {
        let path = root.join(&relative);
        if let Some(file) = read_ours(&path) {
            files.push((relative, path, ours(&file)));
        }
    }
    for (index, statements) in generated().iter().enumerate() {
        let name = format!("generated-{}.sta", index + 1);
        let path = generated_dir.path().join(&name);
        std::fs::write(&path, mt940_document(statements)).unwrap();
        let file = read_ours(&path).expect("our own files parse");
        files.push((name, path, ours(&file)));
    }
    let output = Command::new(&python)
        .arg(repo_root().join("tests/peers/mt940_peer.py"))
        .args(files.iter().map(|(_, path, _)| path))
        .output()
        .expect("the peer runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answers: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), files.len(), "one answer per file");

    let mut problems = Vec::new();
    let mut agreed = 0;
    for ((name, _, ours), answer) in files.iter().zip(&answers) {
        let theirs: Option<Vec<Reading>> = answer["statements"].as_array().map(|statements| {
            statements
                .iter()
                .map(|s| Reading {
                    opening: s["opening"].as_str().map(canonical),
                    closing: s["closing"].as_str().map(canonical),
                    amounts: s["amounts"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|a| canonical(a.as_str().unwrap()))
                        .collect(),
                })
                .collect()
        });
        let disagreement = match theirs {
            None => Some(format!("the peer cannot read it: {}", answer["error"])),
            Some(theirs) if &theirs != ours => Some(format!("ours {ours:?}\ntheirs {theirs:?}")),
            Some(_) => None,
        };
        let known = PEER_DISAGREEMENTS.iter().find(|(p, _)| p == name);
        match (disagreement, known) {
            (Some(d), None) => problems.push(format!("{name}: {d}")),
            (None, Some(_)) => {
                problems.push(format!("{name}: listed as a disagreement but agrees"))
            }
            (None, None) => agreed += 1,
            (Some(_), Some(_)) => {}
        }
    }
    eprintln!("{agreed} of {} files read alike by the peer", files.len());
    assert!(agreed > 100, "only {agreed} files agree with the peer");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
