//! Import → positions through the real ledger: idempotency, all-or-nothing, balance checks.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use cashline_bankfile::camt::write::camt053_document;
use cashline_bankfile::{ParsedAccount, ParsedBalance, ParsedDetail, ParsedEntry, ParsedStatement};
use cashline_domain::{
    AccountKey, BalanceType, Currency, EntryStatus, ExceptionKind, ExceptionState, Iban, Money,
    StatementKind,
};
use cashline_engine::import::{import_file, ImportRequest, ImportSource, ImportStatus};
use cashline_engine::position::{self, PositionQuery};
use cashline_engine::EngineError;
use cashline_ledger::{entry, Ledger};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

fn statement(
    iban: &str,
    statement_ref: &str,
    day: &str,
    opening_minor: i64,
    amounts: &[i64],
    closing_minor: i64,
) -> ParsedStatement {
    let iban = Iban::parse(iban).unwrap();
    let currency = Currency::EUR;
    let day: NaiveDate = day.parse().unwrap();
    ParsedStatement {
        kind: StatementKind::EndOfDay,
        message_id: format!("MSG-{statement_ref}"),
        statement_ref: statement_ref.into(),
        sequence_number: None,
        page_number: None,
        created_at: Some(day.and_hms_opt(18, 0, 0).unwrap().and_utc()),
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
                amount: Money::from_minor(opening_minor, currency),
                date: day,
                as_of: None,
            },
            ParsedBalance {
                balance_type: BalanceType::ClosingBooked,
                amount: Money::from_minor(closing_minor, currency),
                date: day,
                as_of: None,
            },
        ],
        entries: amounts
            .iter()
            .enumerate()
            .map(|(index, minor)| ParsedEntry {
                amount: Money::from_minor(*minor, currency),
                status: EntryStatus::Booked,
                reversal: false,
                booking_date: Some(day),
                value_date: Some(day),
                bank_ref: None,
                entry_ref: None,
                end_to_end_id: None,
                counterparty_name: Some("Card payment".into()),
                counterparty_iban: None,
                remittance: Some(format!("line {}", index % 2)),
                creditor_reference: None,
                bank_transaction_code: None,
                source_element: String::new(),
                details: Vec::new(),
            })
            .collect(),
        line: 0,
    }
}

fn file(statements: &[ParsedStatement]) -> Vec<u8> {
    camt053_document(8, "MSG", now(), statements).into_bytes()
}

async fn import(
    ledger: &Ledger,
    name: &str,
    bytes: &[u8],
) -> Result<cashline_engine::import::FileImport, EngineError> {
    import_file(
        ledger,
        ImportRequest {
            file_name: name,
            source: ImportSource::Bytes(bytes),
            user: "alice",
            now: now(),
            csv_mapping: None,
        },
    )
    .await
}

async fn positions(
    ledger: &Ledger,
    day: NaiveDate,
) -> Result<position::PositionReport, EngineError> {
    // Mid-morning: the previous business day's statement was due by 09:00.
    let at = day.and_hms_opt(10, 0, 0).unwrap().and_utc();
    position::positions(
        ledger,
        &PositionQuery {
            at,
            entity: None,
            reporting_currency: Currency::EUR,
        },
    )
    .await
}

async fn ledger() -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite"))
        .await
        .unwrap();
    (dir, ledger)
}

#[tokio::test]
async fn positions_are_the_closing_balances_of_the_file() {
    let (_dir, ledger) = ledger().await;
    let bytes = file(&[
        statement(
            "DE89370400440532013000",
            "S1",
            "2026-11-24",
            100_000,
            &[2_500, -1_000],
            101_500,
        ),
        statement("NL91ABNA0417164300", "S2", "2026-11-24", 5_000, &[], 5_000),
    ]);
    let report = import(&ledger, "a.xml", &bytes).await.unwrap();
    assert_eq!(report.status, ImportStatus::Imported);
    assert_eq!((report.statements_new, report.entries_new), (2, 2));
    let report = positions(&ledger, "2026-11-25".parse().unwrap())
        .await
        .unwrap();
    let booked: Vec<(String, String, bool)> = report
        .accounts
        .iter()
        .map(|p| {
            (
                p.account.reveal().to_string(),
                p.booked.amount_text(),
                p.freshness.stale,
            )
        })
        .collect();
    assert_eq!(
        booked,
        vec![
            (
                "DE89370400440532013000".to_string(),
                "1015.00".to_string(),
                false
            ),
            ("NL91ABNA0417164300".to_string(), "50.00".to_string(), false)
        ]
    );
    assert_eq!(report.totals[0].booked.amount_text(), "1065.00");
    // A week later nothing new arrived: both are stale.
    let later = positions(&ledger, "2026-12-02".parse().unwrap())
        .await
        .unwrap();
    assert!(later.accounts.iter().all(|p| p.freshness.stale));
}

#[tokio::test]
async fn the_same_file_or_statement_twice_adds_nothing() {
    let (_dir, ledger) = ledger().await;
    let first = statement(
        "DE89370400440532013000",
        "S1",
        "2026-11-24",
        0,
        &[700, 700],
        1_400,
    );
    let bytes = file(std::slice::from_ref(&first));
    import(&ledger, "a.xml", &bytes).await.unwrap();
    // Two equal card payments on one statement are both kept.
    assert_eq!(entry::count(ledger.pool()).await.unwrap(), 2);

    let again = import(&ledger, "a-copy.xml", &bytes).await.unwrap();
    assert_eq!(again.status, ImportStatus::Duplicate);
    // Same statement in another message (other bytes): still a duplicate.
    let resent = camt053_document(8, "OTHER-MSG", now(), std::slice::from_ref(&first)).into_bytes();
    assert_eq!(
        import(&ledger, "b.xml", &resent).await.unwrap().status,
        ImportStatus::Duplicate
    );
    assert_eq!(entry::count(ledger.pool()).await.unwrap(), 2);
}

#[tokio::test]
async fn a_bad_file_changes_nothing() {
    let (_dir, ledger) = ledger().await;
    let good = statement("DE89370400440532013000", "S1", "2026-11-24", 0, &[100], 100);
    let bad = statement("NL91ABNA0417164300", "S2", "2026-11-24", 0, &[100], 100);
    let text = String::from_utf8(file(&[good, bad])).unwrap();
    // Break the second statement's entry only: the first must not be half-written.
    let position = text.rfind("<CdtDbtInd>CRDT</CdtDbtInd>\n<Sts>").unwrap();
    let mut broken = text.clone();
    broken.replace_range(
        position..position + "<CdtDbtInd>CRDT".len(),
        "<CdtDbtInd>XXXX",
    );
    let error = import(&ledger, "broken.xml", broken.as_bytes())
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(message.starts_with("broken.xml: line "), "{message}");
    assert!(message.contains("Stmt[2]/Ntry[1]/CdtDbtInd"), "{message}");
    assert_eq!(entry::count(ledger.pool()).await.unwrap(), 0);
    assert!(positions(&ledger, "2026-11-25".parse().unwrap())
        .await
        .unwrap()
        .accounts
        .is_empty());
}

#[tokio::test]
async fn a_statement_that_does_not_add_up_is_imported_with_an_exception() {
    let (_dir, ledger) = ledger().await;
    let bytes = file(&[statement(
        "DE89370400440532013000",
        "S1",
        "2026-11-24",
        1_000,
        &[500],
        1_600,
    )]);
    let report = import(&ledger, "a.xml", &bytes).await.unwrap();
    assert_eq!(report.status, ImportStatus::Imported);
    assert_eq!(report.exceptions_opened.len(), 1);
    let exceptions =
        cashline_ledger::exception::list(ledger.pool(), Some(ExceptionKind::BalanceMismatch), None)
            .await
            .unwrap();
    assert_eq!(exceptions.len(), 1);
    assert!(
        exceptions[0]
            .detail
            .as_deref()
            .unwrap()
            .contains("difference 1.00 EUR"),
        "{:?}",
        exceptions[0].detail
    );
}

fn intraday(mut statement: ParsedStatement) -> ParsedStatement {
    statement.kind = StatementKind::Intraday;
    statement.statement_ref = format!("{}-INTRADAY", statement.statement_ref);
    statement
        .balances
        .retain(|b| b.balance_type == BalanceType::ClosingBooked);
    statement.balances[0].balance_type = BalanceType::InterimAvailable;
    for entry in &mut statement.entries {
        entry.status = EntryStatus::Pending;
        entry.booking_date = None;
    }
    statement
}

fn camt052(statements: &[ParsedStatement]) -> Vec<u8> {
    String::from_utf8(file(statements))
        .unwrap()
        .replace("camt.053.001.08", "camt.052.001.08")
        .replace("BkToCstmrStmt", "BkToCstmrAcctRpt")
        .replace("<Stmt>", "<Rpt>")
        .replace("</Stmt>", "</Rpt>")
        .replace("StmtPgntn", "RptPgntn")
        .into_bytes()
}

#[tokio::test]
async fn an_intraday_entry_booked_at_end_of_day_is_counted_once() {
    let end_of_day = statement(
        "DE89370400440532013000",
        "S1",
        "2026-11-24",
        0,
        &[700, 700, -250],
        1_150,
    );
    let (_dir, alone) = ledger().await;
    import(&alone, "eod.xml", &file(std::slice::from_ref(&end_of_day)))
        .await
        .unwrap();

    let (_dir2, ledger) = ledger().await;
    let report = import(
        &ledger,
        "intraday.xml",
        &camt052(&[intraday(end_of_day.clone())]),
    )
    .await
    .unwrap();
    assert_eq!(report.entries_new, 3);
    let report = import(&ledger, "eod.xml", &file(std::slice::from_ref(&end_of_day)))
        .await
        .unwrap();
    assert_eq!((report.entries_new, report.entries_promoted), (0, 3));
    assert_eq!(entry::count(ledger.pool()).await.unwrap(), 3);
    let rows = entry::list(ledger.pool(), &entry::EntryFilter::default())
        .await
        .unwrap();
    assert!(rows
        .iter()
        .all(|r| r.status == "booked" && r.booking_date.as_deref() == Some("2026-11-24")));

    let day: NaiveDate = "2026-11-25".parse().unwrap();
    let with_intraday: Vec<String> = positions(&ledger, day)
        .await
        .unwrap()
        .accounts
        .iter()
        .map(|p| p.booked.to_string())
        .collect();
    let eod_only: Vec<String> = positions(&alone, day)
        .await
        .unwrap()
        .accounts
        .iter()
        .map(|p| p.booked.to_string())
        .collect();
    assert_eq!(with_intraday, eod_only);
}

/// `statement` with its last entry a batch of transfers of `parts` (minor units, summing to
/// that entry's amount).
fn with_batch(mut statement: ParsedStatement, parts: &[i64]) -> ParsedStatement {
    let currency = statement.account.currency;
    let entry = statement.entries.last_mut().unwrap();
    assert_eq!(
        parts.iter().sum::<i64>(),
        entry.amount.amount_minor().unwrap()
    );
    entry.bank_ref = Some("RUN-1".into());
    entry.counterparty_name = None;
    entry.remittance = Some("Supplier payment run".into());
    entry.details = parts
        .iter()
        .enumerate()
        .map(|(index, minor)| ParsedDetail {
            amount: Some(Money::from_minor(*minor, currency)),
            end_to_end_id: Some(format!("E2E-{}", index + 1)),
            counterparty_name: Some(format!("Supplier {}", index + 1)),
            ..ParsedDetail::default()
        })
        .collect();
    statement
}

/// The stored details of every entry: (entry bank ref, position, amount, end-to-end id).
async fn stored_details(ledger: &Ledger) -> Vec<(String, i64, Option<i64>, Option<String>)> {
    let rows = entry::list(ledger.pool(), &entry::EntryFilter::default())
        .await
        .unwrap();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let details = entry::details_of(ledger.pool(), &ids).await.unwrap();
    let mut found = Vec::new();
    for row in &rows {
        for detail in details.get(&row.id).into_iter().flatten() {
            found.push((
                row.bank_ref.clone().unwrap_or_default(),
                detail.position,
                detail.amount_minor,
                detail.end_to_end_id.clone(),
            ));
        }
    }
    found
}

#[tokio::test]
async fn a_batch_keeps_its_transactions_once_and_a_failed_file_none() {
    let (_dir2, fresh) = ledger().await;
    let (_dir, ledger) = ledger().await;
    let first = with_batch(
        statement(
            "DE89370400440532013000",
            "S1",
            "2026-11-24",
            100_000,
            &[2_500, -60_000],
            42_500,
        ),
        &[-10_000, -20_000, -30_000],
    );
    let bytes = file(std::slice::from_ref(&first));
    let report = import(&ledger, "a.xml", &bytes).await.unwrap();
    assert_eq!(report.exceptions_opened, Vec::<String>::new());
    // The single transfer has its one transaction too (this writer states no amount for it).
    assert_eq!(report.details_new, 4);
    let expected = [
        (
            "RUN-1".to_string(),
            1,
            Some(-10_000),
            Some("E2E-1".to_string()),
        ),
        (
            "RUN-1".to_string(),
            2,
            Some(-20_000),
            Some("E2E-2".to_string()),
        ),
        (
            "RUN-1".to_string(),
            3,
            Some(-30_000),
            Some("E2E-3".to_string()),
        ),
    ];
    let stored = stored_details(&ledger).await;
    assert_eq!(stored.len(), 4);
    assert_eq!(stored[1..], expected[..]);
    assert_eq!(stored[0].2, None);

    // The same file, and the same statement in another message: nothing more.
    assert_eq!(
        import(&ledger, "a-copy.xml", &bytes).await.unwrap().status,
        ImportStatus::Duplicate
    );
    let resent = camt053_document(8, "OTHER", now(), std::slice::from_ref(&first)).into_bytes();
    assert_eq!(
        import(&ledger, "b.xml", &resent).await.unwrap().status,
        ImportStatus::Duplicate
    );
    assert_eq!(stored_details(&ledger).await.len(), 4);

    // A file that fails after a batch leaves no detail behind.
    let second = statement("NL91ABNA0417164300", "S2", "2026-11-24", 0, &[100], 100);
    let text = String::from_utf8(file(&[first, second])).unwrap();
    // Break the second statement's entry: the batch before it must not be half-written.
    let position = text.rfind("<CdtDbtInd>CRDT</CdtDbtInd>\n<Sts>").unwrap();
    let mut broken = text.clone();
    broken.replace_range(
        position..position + "<CdtDbtInd>CRDT".len(),
        "<CdtDbtInd>XXXX",
    );
    let message = import(&fresh, "broken.xml", broken.as_bytes())
        .await
        .unwrap_err()
        .to_string();
    assert!(message.contains("Stmt[2]/Ntry[1]/CdtDbtInd"), "{message}");
    assert_eq!(entry::count(fresh.pool()).await.unwrap(), 0);
    assert!(stored_details(&fresh).await.is_empty());
}

#[tokio::test]
async fn a_batch_reported_intraday_keeps_its_transactions_once_booked() {
    let (_dir, ledger) = ledger().await;
    let end_of_day = with_batch(
        statement(
            "DE89370400440532013000",
            "S1",
            "2026-11-24",
            0,
            &[700, -250],
            450,
        ),
        &[-100, -150],
    );
    let report = import(
        &ledger,
        "intraday.xml",
        &camt052(&[intraday(end_of_day.clone())]),
    )
    .await
    .unwrap();
    assert_eq!(report.details_new, 3);
    let report = import(&ledger, "eod.xml", &file(std::slice::from_ref(&end_of_day)))
        .await
        .unwrap();
    assert_eq!((report.entries_promoted, report.details_new), (2, 0));
    let stored = stored_details(&ledger).await;
    assert_eq!(
        stored
            .iter()
            .filter(|d| d.0 == "RUN-1")
            .map(|d| d.2)
            .collect::<Vec<_>>(),
        [Some(-100), Some(-150)]
    );
    assert_eq!(stored.len(), 3);
}

#[tokio::test]
async fn booked_entries_after_the_close_roll_it_forward_and_say_so() {
    let (_dir, ledger) = ledger().await;
    let end_of_day = statement(
        "DE89370400440532013000",
        "S1",
        "2026-11-24",
        0,
        &[1_150],
        1_150,
    );
    import(&ledger, "eod.xml", &file(&[end_of_day]))
        .await
        .unwrap();
    // An intraday report of the next day with booked entries and no balance: one booked
    // today, one pending (not booked yet), one booked tomorrow (not yet at the as-of time).
    let mut today = intraday(statement(
        "DE89370400440532013000",
        "S2",
        "2026-11-25",
        1_150,
        &[300, -50, 999, 4_000],
        0,
    ));
    today.balances.clear();
    let tomorrow: NaiveDate = "2026-11-26".parse().unwrap();
    for (index, entry) in today.entries.iter_mut().enumerate() {
        entry.status = if index == 2 {
            EntryStatus::Pending
        } else {
            EntryStatus::Booked
        };
        entry.booking_date = match index {
            2 => None,
            3 => Some(tomorrow),
            _ => entry.value_date,
        };
    }
    let report = import(&ledger, "intraday.xml", &camt052(&[today]))
        .await
        .unwrap();
    assert_eq!(report.entries_new, 4);

    let report = positions(&ledger, "2026-11-25".parse().unwrap())
        .await
        .unwrap();
    let position = &report.accounts[0];
    assert_eq!(position.basis, position::Basis::RolledForward);
    assert_eq!(position.booked, Money::from_minor(1_400, Currency::EUR));
    assert_eq!(position.booked_date.to_string(), "2026-11-25");
    // As fresh as the import that brought the last booked entry; the close's source.
    assert_eq!(position.as_of, now());
    assert_eq!(position.source, "camt.053");
}

#[tokio::test]
async fn gaps_in_sequence_and_days_are_flagged() {
    let (_dir, ledger) = ledger().await;
    let mut monday = statement("DE89370400440532013000", "S1", "2026-11-16", 0, &[100], 100);
    monday.sequence_number = Some("10".into());
    let mut thursday = statement(
        "DE89370400440532013000",
        "S4",
        "2026-11-19",
        100,
        &[100],
        200,
    );
    thursday.sequence_number = Some("13".into());
    import(&ledger, "monday.xml", &file(&[monday]))
        .await
        .unwrap();
    let report = import(&ledger, "thursday.xml", &file(&[thursday]))
        .await
        .unwrap();
    assert_eq!(
        report.exceptions_opened.len(),
        2,
        "{:?}",
        report.exceptions_opened
    );
    let gaps =
        cashline_ledger::exception::list(ledger.pool(), Some(ExceptionKind::SequenceGap), None)
            .await
            .unwrap();
    assert!(
        gaps[0]
            .detail
            .as_deref()
            .unwrap()
            .contains("statements 11 to 12"),
        "{:?}",
        gaps[0].detail
    );
    let days =
        cashline_ledger::exception::list(ledger.pool(), Some(ExceptionKind::MissingDays), None)
            .await
            .unwrap();
    assert!(
        days[0]
            .detail
            .as_deref()
            .unwrap()
            .ends_with("on 2026-11-17, 2026-11-18"),
        "{:?}",
        days[0].detail
    );

    // The next business day in sequence raises nothing.
    let mut friday = statement("DE89370400440532013000", "S5", "2026-11-20", 200, &[], 200);
    friday.sequence_number = Some("14".into());
    assert!(import(&ledger, "friday.xml", &file(&[friday]))
        .await
        .unwrap()
        .exceptions_opened
        .is_empty());
    // Nor does Monday after a weekend.
    let mut next_monday = statement("DE89370400440532013000", "S6", "2026-11-23", 200, &[], 200);
    next_monday.sequence_number = Some("15".into());
    assert!(import(&ledger, "next-monday.xml", &file(&[next_monday]))
        .await
        .unwrap()
        .exceptions_opened
        .is_empty());
}

/// The scheduler's sweep opens freshness exceptions; an import only resolves those its data
/// answers, never opening one (a batch still being imported is no sign of lateness).
#[tokio::test]
async fn freshness_exceptions_open_on_the_schedule_and_an_import_only_resolves_them() {
    use cashline_engine::freshness::{sweep_now, Sweep};
    use cashline_ledger::exception;
    let (_dir, ledger) = ledger().await;
    let first = file(&[
        statement("DE89370400440532013000", "D1", "2026-11-24", 100, &[], 100),
        statement("NL91ABNA0417164300", "N1", "2026-11-24", 100, &[], 100),
    ]);
    import(&ledger, "first.xml", &first).await.unwrap();
    let open = |ledger: Ledger| async move {
        let rows = exception::list(ledger.pool(), None, Some(ExceptionState::Open))
            .await
            .unwrap();
        let mut kinds: Vec<String> = rows
            .into_iter()
            .filter(|r| {
                r.kind == ExceptionKind::StaleBalance || r.kind == ExceptionKind::DataNotReceived
            })
            .map(|r| format!("{} {}", r.kind, r.subject))
            .collect();
        kinds.sort();
        kinds
    };
    assert!(open(ledger.clone()).await.is_empty());
    let later = Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap();
    assert_eq!(sweep_now(&ledger, later, Sweep::Full).await.unwrap(), 4);
    assert_eq!(sweep_now(&ledger, later, Sweep::Full).await.unwrap(), 0);
    assert_eq!(open(ledger.clone()).await.len(), 4);

    // DE89's statement of the day before arrives with a stale one of a new account.
    let second = file(&[
        statement("DE89370400440532013000", "D2", "2026-12-01", 100, &[], 100),
        statement("GB29NWBK60161331926819", "G1", "2026-11-24", 100, &[], 100),
    ]);
    import_file(
        &ledger,
        ImportRequest {
            file_name: "second.xml",
            source: ImportSource::Bytes(&second),
            user: "alice",
            now: later,
            csv_mapping: None,
        },
    )
    .await
    .unwrap();
    let still_open = open(ledger.clone()).await;
    assert_eq!(still_open.len(), 2, "{still_open:?}");
    assert!(
        still_open.iter().all(|e| e.contains("4300")),
        "only NL91's stay open: {still_open:?}"
    );
}

/// A payment sent from Cashline (imported, approved by another person, exported).
async fn sent_payment(ledger: &Ledger, id: &str, debtor: &str, minor: i64) {
    use cashline_domain::{PaymentSource, PaymentState};
    use cashline_engine::payment::{self, Move, RunIn, RunSource};
    let instruction = cashline_erp::payments::PaymentInstruction {
        external_id: id.into(),
        end_to_end_id: format!("E2E-{id}"),
        debtor_iban: debtor.into(),
        creditor_name: "Fabrikam GmbH".into(),
        creditor_iban: "NL91ABNA0417164300".into(),
        creditor_bic: None,
        amount: Money::from_minor(minor, Currency::EUR),
        requested_date: "2026-11-25".parse().unwrap(),
        reference: Some(format!("INV-{id}")),
        payment_info_id: None,
        instruction_id: None,
    };
    let run = RunIn {
        source: RunSource::Csv,
        name: "run.csv",
        message_id: None,
        source_file_id: None,
    };
    payment::store(ledger, &run, &[instruction], "ana", now())
        .await
        .unwrap();
    payment::approve(ledger, &[id.to_string()], "ben", now())
        .await
        .unwrap();
    let row = cashline_ledger::payment::find_by_id(ledger.pool(), id)
        .await
        .unwrap()
        .unwrap();
    let mut tx = ledger.begin().await.unwrap();
    let sent = Move::ours(
        row.id,
        PaymentState::Approved,
        PaymentState::Sent,
        PaymentSource::Export,
        "test",
        "ana",
    );
    payment::move_payment(&mut tx, &sent, now()).await.unwrap();
    tx.commit().await.unwrap();
}

async fn state_of(ledger: &Ledger, id: &str) -> cashline_domain::PaymentState {
    cashline_ledger::payment::find_by_id(ledger.pool(), id)
        .await
        .unwrap()
        .unwrap()
        .state
}

#[tokio::test]
async fn a_batch_debit_settles_its_payments_and_a_return_credit_returns_one() {
    use cashline_domain::PaymentState;
    let (_dir, ledger) = ledger().await;
    let debtor = "DE89370400440532013000";
    // The account is known from its first statement, so the payments validate.
    let first = statement(debtor, "S0", "2026-11-24", 1_000_000, &[], 1_000_000);
    import(&ledger, "s0.xml", &file(&[first])).await.unwrap();
    sent_payment(&ledger, "P-1", debtor, 30_000).await;
    sent_payment(&ledger, "P-2", debtor, 20_000).await;
    sent_payment(&ledger, "P-3", debtor, 5_000).await;

    // One debit of 500.00 for the run: its transactions name P-1 and P-2 by end-to-end id.
    let mut day = statement(debtor, "S1", "2026-11-25", 1_000_000, &[-50_000], 950_000);
    day.entries[0].details = ["P-1", "P-2"]
        .iter()
        .zip([-30_000, -20_000])
        .map(|(id, minor)| ParsedDetail {
            amount: Some(Money::from_minor(minor, Currency::EUR)),
            end_to_end_id: Some(format!("E2E-{id}")),
            ..ParsedDetail::default()
        })
        .collect();
    let report = import(&ledger, "s1.xml", &file(&[day])).await.unwrap();
    assert_eq!((report.payments_settled, report.payments_returned), (2, 0));
    assert_eq!(state_of(&ledger, "P-1").await, PaymentState::Settled);
    assert_eq!(state_of(&ledger, "P-2").await, PaymentState::Settled);
    // A debit of another amount is the reconciliation's to explain.
    assert_eq!(state_of(&ledger, "P-3").await, PaymentState::Sent);

    // The creditor's bank sends P-2 back: the account is closed.
    let mut back = statement(debtor, "S2", "2026-11-26", 950_000, &[20_000], 970_000);
    back.entries[0].details = vec![ParsedDetail {
        amount: Some(Money::from_minor(20_000, Currency::EUR)),
        end_to_end_id: Some("E2E-P-2".into()),
        return_reason: Some("AC04".into()),
        ..ParsedDetail::default()
    }];
    let report = import(&ledger, "s2.xml", &file(&[back])).await.unwrap();
    assert_eq!(report.payments_returned, 1);
    assert_eq!(state_of(&ledger, "P-2").await, PaymentState::Returned);
    let row = cashline_ledger::payment::find_by_id(ledger.pool(), "P-2")
        .await
        .unwrap()
        .unwrap();
    let events = cashline_ledger::payment::events_of(ledger.pool(), &[row.id])
        .await
        .unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.reason_code.as_deref(), Some("AC04"));
    assert_eq!(last.source_file.as_deref(), Some("s2.xml"));
}
