//! The payment lifecycle's one door: every move checked by the state machine in every build,
//! refusals recorded and not applied, older bank statuses never moving a payment back.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use cashline_domain::{Currency, Money, PaymentSource, PaymentState, StatusCode};
use cashline_engine::payment::{self, move_payment, Move, Moved, RunIn, RunSource};
use cashline_erp::payments::PaymentInstruction;
use cashline_ledger::payment as ledger_payment;
use cashline_ledger::{account, Ledger};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()
}

fn instruction(id: &str) -> PaymentInstruction {
    PaymentInstruction {
        external_id: id.into(),
        end_to_end_id: format!("E2E-{id}"),
        debtor_iban: DEBTOR.into(),
        creditor_name: "Fabrikam GmbH".into(),
        creditor_iban: "NL91ABNA0417164300".into(),
        creditor_bic: None,
        amount: Money::from_minor(125_000, Currency::EUR),
        requested_date: NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
        reference: Some(format!("INV-{id}")),
        payment_info_id: None,
        instruction_id: None,
    }
}

const DEBTOR: &str = "DE89370400440532013000";

/// A ledger that knows the company's EUR account (as a statement of it would have told it).
async fn ledger() -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite"))
        .await
        .unwrap();
    let mut tx = ledger.begin().await.unwrap();
    account::ensure(
        &mut tx,
        &account::AccountSeen {
            account_key: DEBTOR,
            iban: Some(DEBTOR),
            bic: Some("COBADEFFXXX"),
            currency: "EUR",
            name: None,
            bank_id: None,
        },
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (dir, ledger)
}

async fn store(
    ledger: &Ledger,
    name: &str,
    payments: &[PaymentInstruction],
) -> payment::PaymentsImported {
    let run = RunIn {
        source: RunSource::Csv,
        name,
        message_id: None,
        source_file_id: None,
    };
    payment::store(ledger, &run, payments, "ana", now())
        .await
        .unwrap()
}

/// A payment imported by `ana` and approved by `ben`.
async fn approved(ledger: &Ledger, id: &str) -> ledger_payment::PaymentRow {
    store(ledger, "run.csv", &[instruction(id)]).await;
    payment::approve(ledger, &[id.to_string()], "ben", now())
        .await
        .unwrap();
    row(ledger, id).await
}

async fn row(ledger: &Ledger, id: &str) -> ledger_payment::PaymentRow {
    ledger_payment::find_by_id(ledger.pool(), id)
        .await
        .unwrap()
        .expect("the payment")
}

async fn events(ledger: &Ledger, payment_id: i64) -> Vec<(PaymentState, bool, PaymentSource)> {
    ledger_payment::events_of(ledger.pool(), &[payment_id])
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.state, e.applied, e.source))
        .collect()
}

fn bank_move<'a>(
    row: &'a ledger_payment::PaymentRow,
    to: PaymentState,
    status: StatusCode,
    at: DateTime<Utc>,
) -> Move<'a> {
    Move {
        payment_id: row.id,
        from: row.state,
        to,
        status: Some(status),
        reason_code: None,
        reason_text: None,
        status_at: Some(at),
        held_status_at: row.status_at.as_deref(),
        source: PaymentSource::Pain002,
        source_file_id: None,
        correlation_id: "test",
        recorded_by: "bank",
        approved_by: None,
    }
}

async fn apply(ledger: &Ledger, step: &Move<'_>) -> Moved {
    let mut tx = ledger.begin().await.unwrap();
    let moved = move_payment(&mut tx, step, now()).await.unwrap();
    tx.commit().await.unwrap();
    moved
}

#[tokio::test]
async fn a_move_the_machine_does_not_allow_is_recorded_and_not_applied() {
    let (_dir, ledger) = ledger().await;
    let payment = approved(&ledger, "P-1").await;
    // Settled straight from approved: the payment was never sent.
    let moved = apply(
        &ledger,
        &bank_move(&payment, PaymentState::Settled, StatusCode::Acsc, now()),
    )
    .await;
    assert_eq!(
        moved,
        Moved::Refused("a payment that is approved cannot become settled".into())
    );
    assert_eq!(row(&ledger, "P-1").await.state, PaymentState::Approved);
    assert_eq!(
        events(&ledger, payment.id).await,
        [
            (PaymentState::Imported, true, PaymentSource::Csv),
            (PaymentState::Validated, true, PaymentSource::Csv),
            (PaymentState::Approved, true, PaymentSource::User),
            (PaymentState::Settled, false, PaymentSource::Pain002),
        ]
    );
}

#[tokio::test]
async fn an_older_status_does_not_move_a_payment_back() {
    let (_dir, ledger) = ledger().await;
    let payment = approved(&ledger, "P-2").await;
    let sent = Move {
        source: PaymentSource::Export,
        status: None,
        status_at: None,
        ..bank_move(&payment, PaymentState::Sent, StatusCode::Rcvd, now())
    };
    assert_eq!(apply(&ledger, &sent).await, Moved::Applied);
    let payment = row(&ledger, "P-2").await;
    let later = now() + Duration::hours(2);
    assert_eq!(
        apply(
            &ledger,
            &bank_move(&payment, PaymentState::Accepted, StatusCode::Acsp, later)
        )
        .await,
        Moved::Applied
    );
    let payment = row(&ledger, "P-2").await;
    // A rejection the bank wrote an hour before its acceptance arrives late.
    let earlier = now() + Duration::hours(1);
    let moved = apply(
        &ledger,
        &bank_move(&payment, PaymentState::Rejected, StatusCode::Rjct, earlier),
    )
    .await;
    assert!(
        matches!(&moved, Moved::Refused(why) if why.contains("older than the one the payment holds")),
        "{moved:?}"
    );
    assert_eq!(row(&ledger, "P-2").await.state, PaymentState::Accepted);
    let timeline = ledger_payment::events_of(ledger.pool(), &[payment.id])
        .await
        .unwrap();
    let last = timeline.last().unwrap();
    assert_eq!(
        (last.state, last.applied, last.status),
        (PaymentState::Rejected, false, Some(StatusCode::Rjct))
    );
}

#[tokio::test]
async fn approving_as_the_preparer_is_refused_and_on_the_timeline() {
    let (_dir, ledger) = ledger().await;
    store(&ledger, "run.csv", &[instruction("P-3")]).await;
    let error = payment::approve(&ledger, &["P-3".to_string()], "ana", now())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("prepared by ana; another person must approve it"),
        "{error}"
    );
    let payment = row(&ledger, "P-3").await;
    assert_eq!(payment.state, PaymentState::Validated);
    assert_eq!(payment.approved_by, None);
    assert_eq!(
        events(&ledger, payment.id).await.last(),
        Some(&(PaymentState::Approved, false, PaymentSource::User))
    );
}

#[tokio::test]
async fn one_refused_payment_refuses_the_whole_approval() {
    let (_dir, ledger) = ledger().await;
    store(
        &ledger,
        "run.csv",
        &[instruction("P-4"), instruction("P-5")],
    )
    .await;
    payment::approve(&ledger, &["P-4".to_string()], "ben", now())
        .await
        .unwrap();
    // P-4 is approved already: approving both moves neither.
    let error = payment::approve(&ledger, &["P-5".into(), "P-4".into()], "ben", now())
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("'P-4' is approved"), "{error}");
    assert_eq!(row(&ledger, "P-5").await.state, PaymentState::Validated);
}

#[tokio::test]
async fn a_person_cancels_before_sending_and_the_bank_after() {
    let (_dir, ledger) = ledger().await;
    let payment = approved(&ledger, "P-6").await;
    let error = payment::cancel(&ledger, "P-6", "  ", "ana", now())
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("needs a reason"), "{error}");
    payment::cancel(&ledger, "P-6", "the invoice was credited", "ana", now())
        .await
        .unwrap();
    let cancelled = row(&ledger, "P-6").await;
    assert_eq!(cancelled.state, PaymentState::Cancelled);
    let timeline = ledger_payment::events_of(ledger.pool(), &[payment.id])
        .await
        .unwrap();
    assert_eq!(
        timeline.last().unwrap().reason_text.as_deref(),
        Some("the invoice was credited")
    );

    let sent = approved(&ledger, "P-7").await;
    let step = Move {
        source: PaymentSource::Export,
        status: None,
        status_at: None,
        ..bank_move(&sent, PaymentState::Sent, StatusCode::Rcvd, now())
    };
    assert_eq!(apply(&ledger, &step).await, Moved::Applied);
    let error = payment::cancel(&ledger, "P-7", "changed my mind", "ana", now())
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("only the bank can cancel it now"), "{error}");
    assert_eq!(row(&ledger, "P-7").await.state, PaymentState::Sent);
    assert_eq!(
        events(&ledger, sent.id).await.last(),
        Some(&(PaymentState::Cancelled, false, PaymentSource::User))
    );
    // A cancellation the bank confirms is a move the machine allows.
    let sent = row(&ledger, "P-7").await;
    assert_eq!(
        apply(
            &ledger,
            &bank_move(&sent, PaymentState::Cancelled, StatusCode::Canc, now())
        )
        .await,
        Moved::Applied
    );
}

#[tokio::test]
async fn every_run_is_kept_with_its_payments() {
    let (_dir, ledger) = ledger().await;
    store(
        &ledger,
        "monday.csv",
        &[instruction("R-1"), instruction("R-2")],
    )
    .await;
    payment::approve(&ledger, &["R-1".to_string()], "ben", now())
        .await
        .unwrap();
    let runs = ledger_payment::runs(ledger.pool()).await.unwrap();
    let states: Vec<(String, Option<PaymentState>, u64, i64)> = runs
        .iter()
        .map(|r| (r.name.clone(), r.state, r.count, r.amount_minor))
        .collect();
    assert_eq!(
        states,
        [
            (
                "monday.csv".into(),
                Some(PaymentState::Approved),
                1,
                125_000
            ),
            (
                "monday.csv".into(),
                Some(PaymentState::Validated),
                1,
                125_000
            ),
        ]
    );
}

#[tokio::test]
async fn a_payment_with_issues_stays_imported_with_each_reason() {
    let (_dir, ledger) = ledger().await;
    let mut bad = instruction("V-1");
    bad.creditor_iban = "NL91ABNA0417164301".into();
    bad.creditor_name = "Müller".into();
    let report = store(&ledger, "run.csv", &[bad, instruction("V-2")]).await;
    assert_eq!((report.validated, report.with_issues), (1, 1));
    let payment = row(&ledger, "V-1").await;
    assert_eq!(payment.state, PaymentState::Imported);
    let issues = ledger_payment::issues_of(ledger.pool(), &[payment.id])
        .await
        .unwrap();
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["creditor_iban", "creditor_name"]);
    let error = payment::approve(&ledger, &["V-1".to_string()], "ben", now())
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("validation issues"), "{error}");
}

#[tokio::test]
async fn a_possible_duplicate_waits_for_a_decision() {
    let (_dir, ledger) = ledger().await;
    store(&ledger, "monday.csv", &[instruction("D-1")]).await;
    // The ERP's rerun a day later: another id, same creditor, amount and reference.
    let mut again = instruction("D-2");
    again.reference = Some("INV-D-1".into());
    again.requested_date = again.requested_date.pred_opt().unwrap();
    let report = store(&ledger, "tuesday.csv", &[again]).await;
    assert_eq!(report.held_as_duplicates, 1);
    let error = payment::approve(&ledger, &["D-2".to_string()], "ben", now())
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("possible duplicate"), "{error}");
    // The earlier one is not held.
    payment::approve(&ledger, &["D-1".to_string()], "ben", now())
        .await
        .unwrap();
    let error = payment::release(&ledger, "D-2", "ana", now())
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("another person must release it"), "{error}");
    payment::release(&ledger, "D-2", "ben", now())
        .await
        .unwrap();
    payment::approve(&ledger, &["D-2".to_string()], "cleo", now())
        .await
        .unwrap();
    assert_eq!(row(&ledger, "D-2").await.state, PaymentState::Approved);
}

#[tokio::test]
async fn cancelling_a_held_duplicate_decides_it() {
    let (_dir, ledger) = ledger().await;
    store(&ledger, "monday.csv", &[instruction("C-1")]).await;
    let mut again = instruction("C-2");
    again.reference = Some("INV-C-1".into());
    store(&ledger, "tuesday.csv", &[again]).await;
    payment::cancel(&ledger, "C-2", "a duplicate of C-1", "ben", now())
        .await
        .unwrap();
    let open = cashline_ledger::exception::list(
        ledger.pool(),
        Some(cashline_domain::ExceptionKind::PaymentDuplicate),
        Some(cashline_domain::ExceptionState::Open),
    )
    .await
    .unwrap();
    assert!(open.is_empty(), "{open:?}");
}

#[tokio::test]
async fn above_the_limit_two_different_people_approve() {
    let (_dir, ledger) = ledger().await;
    payment::set_limit(
        &ledger,
        Currency::EUR,
        Some(Money::from_minor(100_000, Currency::EUR)),
        "admin",
        now(),
    )
    .await
    .unwrap();
    store(&ledger, "run.csv", &[instruction("L-1")]).await;
    let first = payment::approve(&ledger, &["L-1".to_string()], "ben", now())
        .await
        .unwrap();
    assert_eq!(first.awaiting_second, ["L-1"]);
    assert_eq!(row(&ledger, "L-1").await.state, PaymentState::Validated);
    let error = payment::approve(&ledger, &["L-1".to_string()], "ben", now())
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("a second, different approver"), "{error}");
    let second = payment::approve(&ledger, &["L-1".to_string()], "cleo", now())
        .await
        .unwrap();
    assert_eq!(second.approved, ["L-1"]);
    let payment = row(&ledger, "L-1").await;
    assert_eq!(payment.state, PaymentState::Approved);
    assert_eq!(payment.approved_by.as_deref(), Some("ben and cleo"));
}

#[tokio::test]
async fn approving_after_the_banks_cutoff_opens_cutoff_missed_with_the_next_date() {
    let (_dir, ledger) = ledger().await;
    payment::cutoff::set(
        &ledger,
        "COBADEFF",
        Currency::EUR,
        "14:00",
        "Europe/Berlin",
        "admin",
        now(),
    )
    .await
    .unwrap();
    let mut today = instruction("T-1");
    today.requested_date = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let mut late = instruction("T-2");
    late.requested_date = today.requested_date;
    store(&ledger, "run.csv", &[today, late]).await;
    // 09:00 UTC is 10:00 in Frankfurt: in time.
    let early = payment::approve(&ledger, &["T-1".to_string()], "ben", now())
        .await
        .unwrap();
    assert!(early.missed_cutoff.is_empty());
    // 15:00 UTC is 16:00 in Frankfurt: Thursday's cut-off has passed.
    let afternoon = now() + Duration::hours(6);
    let late = payment::approve(&ledger, &["T-2".to_string()], "ben", afternoon)
        .await
        .unwrap();
    assert_eq!(
        late.missed_cutoff,
        [(
            "T-2".to_string(),
            NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
        )]
    );
    let cases = cashline_ledger::exception::list(
        ledger.pool(),
        Some(cashline_domain::ExceptionKind::CutoffMissed),
        None,
    )
    .await
    .unwrap();
    assert_eq!(cases.len(), 1);
    assert!(
        cases[0]
            .subject
            .contains("after the 14:00 Europe/Berlin cut-off of COBADEFF"),
        "{}",
        cases[0].subject
    );
}

mod status_reports {
    use super::*;
    use cashline_engine::payment::status::{apply, BatchStatus, Report, Status, TransactionStatus};

    async fn sent(ledger: &Ledger, id: &str) {
        let payment = approved(ledger, id).await;
        let step = Move {
            source: PaymentSource::Export,
            status: None,
            status_at: None,
            ..bank_move(&payment, PaymentState::Sent, StatusCode::Rcvd, now())
        };
        assert_eq!(apply_move(ledger, &step).await, Moved::Applied);
    }

    async fn apply_move(ledger: &Ledger, step: &Move<'_>) -> Moved {
        let mut tx = ledger.begin().await.unwrap();
        let moved = move_payment(&mut tx, step, now()).await.unwrap();
        tx.commit().await.unwrap();
        moved
    }

    fn transaction(id: &str, code: StatusCode, reason: Option<&str>) -> TransactionStatus {
        TransactionStatus {
            original_instruction_id: None,
            original_end_to_end_id: Some(format!("E2E-{id}")),
            original_debtor_iban: None,
            status: Status {
                code,
                reason_code: reason.map(str::to_string),
                reason_text: None,
            },
            place: format!("line for {id}"),
        }
    }

    fn report(at: DateTime<Utc>, transactions: Vec<TransactionStatus>) -> Report {
        Report {
            message_id: "STATUS-1".into(),
            created_at: at,
            original_message_id: None,
            group: None,
            batches: vec![BatchStatus {
                original_payment_info_id: None,
                status: None,
                transactions,
            }],
        }
    }

    #[tokio::test]
    async fn a_partial_acceptance_moves_each_payment_by_its_own_status() {
        let (_dir, ledger) = ledger().await;
        sent(&ledger, "S-1").await;
        sent(&ledger, "S-2").await;
        let at = now() + Duration::hours(1);
        let applied = apply(
            &ledger,
            &report(
                at,
                vec![
                    transaction("S-1", StatusCode::Acsp, None),
                    transaction("S-2", StatusCode::Rjct, Some("AC04")),
                ],
            ),
            PaymentSource::Pain002,
            None,
            "status.xml",
            "bank",
            now(),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!((applied.moved, applied.refused), (2, 0));
        assert_eq!(row(&ledger, "S-1").await.state, PaymentState::Accepted);
        let rejected = row(&ledger, "S-2").await;
        assert_eq!(rejected.state, PaymentState::Rejected);
        let last = ledger_payment::events_of(ledger.pool(), &[rejected.id])
            .await
            .unwrap()
            .pop()
            .unwrap();
        assert_eq!(
            (last.status, last.reason_code.as_deref()),
            (Some(StatusCode::Rjct), Some("AC04"))
        );
        // A report the bank wrote before the acceptance does not move S-1 back.
        let older = apply(
            &ledger,
            &report(
                now(),
                vec![transaction("S-1", StatusCode::Rjct, Some("MS03"))],
            ),
            PaymentSource::Pain002,
            None,
            "late.xml",
            "bank",
            now(),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!((older.moved, older.refused), (0, 1));
        assert_eq!(row(&ledger, "S-1").await.state, PaymentState::Accepted);
    }

    #[tokio::test]
    async fn a_report_naming_an_unknown_payment_changes_nothing() {
        let (_dir, ledger) = ledger().await;
        sent(&ledger, "U-1").await;
        let before = ledger_payment::events_of(ledger.pool(), &[row(&ledger, "U-1").await.id])
            .await
            .unwrap()
            .len();
        let error = apply(
            &ledger,
            &report(
                now(),
                vec![
                    transaction("U-1", StatusCode::Acsc, None),
                    transaction("NOBODY", StatusCode::Acsc, None),
                ],
            ),
            PaymentSource::Pain002,
            None,
            "status.xml",
            "bank",
            now(),
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(error.contains("does not know"), "{error}");
        assert!(error.contains("E2E-NOBODY"), "{error}");
        let payment = row(&ledger, "U-1").await;
        assert_eq!(payment.state, PaymentState::Sent);
        assert_eq!(
            ledger_payment::events_of(ledger.pool(), &[payment.id])
                .await
                .unwrap()
                .len(),
            before
        );
    }

    #[tokio::test]
    async fn a_pending_status_is_noted_without_a_move() {
        let (_dir, ledger) = ledger().await;
        sent(&ledger, "N-1").await;
        let applied = apply(
            &ledger,
            &report(now(), vec![transaction("N-1", StatusCode::Pdng, None)]),
            PaymentSource::Pain002,
            None,
            "status.xml",
            "bank",
            now(),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!((applied.moved, applied.noted), (0, 1));
        assert_eq!(row(&ledger, "N-1").await.state, PaymentState::Sent);
    }
}
