//! Each role held to its rights through the service layer, which every front calls: the same
//! command is refused with `forbidden` to a role without the right, and gets past the check
//! (to its own answer, or to a `not_found` for a subject that does not exist) to one with it.

use std::path::Path;
use std::sync::Arc;

use chrono::{TimeZone, Utc};

use cashline_domain::{FixedClock, Right, Role};
use cashline_service::request::{
    AuditQuery, ExceptionComment, ImportOptions, LearntId, MatchId, Reveal, UserAdd, UserChange,
};
use cashline_service::{Service, ServiceConfig, ServiceError};

const RUN: &str = "id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference
P1,E2E-P1,DE89370400440532013000,Fabrikam,NL91ABNA0417164300,ABNANL2A,500.00,EUR,2026-11-24,INV-1
";

/// A service over a fresh plain ledger (no keychain needed), opened by `admin`, with one user
/// of every other role.
async fn team(dir: &Path) -> Service {
    let path = dir.join("ledger.sqlite");
    cashline_ledger::Ledger::open(&path)
        .await
        .unwrap()
        .close()
        .await;
    let admin = Service::open(ServiceConfig {
        db_path: path,
        user: "admin".into(),
        clock: Arc::new(FixedClock(
            Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
        )),
    })
    .await
    .unwrap();
    for role in ["viewer", "preparer", "approver", "controller"] {
        admin
            .user_add(&UserAdd {
                name: role.into(),
                role: role.into(),
            })
            .await
            .unwrap();
    }
    admin
}

fn forbidden<T: std::fmt::Debug>(result: &Result<T, ServiceError>) -> bool {
    matches!(result, Err(e) if e.code() == "forbidden")
}

/// One command needing `right`, on subjects that need not exist: what matters is whether the
/// role check lets it through.
async fn attempt(service: &Service, right: Right, dir: &Path) -> bool {
    match right {
        Right::Import => {
            let report = service
                .import_bytes("day.sta", b":20:X\r\n", &ImportOptions::default())
                .await;
            report.files[0].error_code != Some("forbidden")
        }
        Right::Prepare => !forbidden(&service.payments_cancel("NOPE", "test").await),
        Right::Approve => !forbidden(&service.payments_approve(&["NOPE".into()]).await),
        Right::Reconcile => !forbidden(&service.recon_confirm(MatchId { id: "999".into() }).await),
        Right::WorkExceptions => !forbidden(
            &service
                .exception_comment(ExceptionComment {
                    id: "999".into(),
                    text: "looked at it".into(),
                })
                .await,
        ),
        Right::Rules => !forbidden(
            &service
                .recon_alias_remove(LearntId { id: "999".into() })
                .await,
        ),
        Right::Configure => !forbidden(&service.set_inbox_folder(Some(dir)).await),
        Right::ManageUsers => !forbidden(
            &service
                .user_add(&UserAdd {
                    name: format!("new-{}", service.user()),
                    role: "viewer".into(),
                })
                .await,
        ),
        Right::Reveal => !forbidden(
            &service
                .reveal(&Reveal {
                    view: "positions".into(),
                })
                .await,
        ),
    }
}

#[tokio::test]
async fn every_role_may_do_what_its_rights_say_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let admin = team(dir.path()).await;
    for role in Role::ALL {
        let service = admin.acting_as(role.as_str()).await.unwrap();
        for right in Right::ALL {
            assert_eq!(
                attempt(&service, right, dir.path()).await,
                role.may(right),
                "{role} and {right:?}"
            );
        }
        // Everybody reads.
        service.positions(Default::default()).await.unwrap();
        service.users().await.unwrap();
    }
}

#[tokio::test]
async fn a_preparer_cannot_approve_and_an_approver_cannot_approve_their_own_run() {
    let dir = tempfile::tempdir().unwrap();
    let admin = team(dir.path()).await;
    let run = dir.path().join("run.csv");
    std::fs::write(&run, RUN).unwrap();
    let preparer = admin.acting_as("preparer").await.unwrap();
    // The debtor account must be one the ledger knows: its statement first.
    let statement = include_bytes!("../../../tests/fixtures/camt053/demo-single.xml");
    let imported = preparer
        .import_bytes("demo.xml", statement, &ImportOptions::default())
        .await;
    assert_eq!(
        imported.files[0].status, "imported",
        "{:?}",
        imported.files[0].error
    );
    let report = preparer.payments_import(&run).await.unwrap();
    assert_eq!(report.with_issues, 0, "{report:?}");
    let refused = preparer.payments_approve(&["P1".into()]).await.unwrap_err();
    assert_eq!(refused.code(), "forbidden");
    assert!(
        refused
            .to_string()
            .contains("preparer is a preparer and may not approve payments"),
        "{refused}"
    );

    let approver = admin.acting_as("approver").await.unwrap();
    let report = approver.payments_approve(&["P1".into()]).await.unwrap();
    assert_eq!(report.payments[0].status, "approved");

    // An approver who prepares is held to four eyes like anyone else.
    let run2 = dir.path().join("run2.csv");
    std::fs::write(&run2, RUN.replace("P1,E2E-P1", "P2,E2E-P2")).unwrap();
    approver.payments_import(&run2).await.unwrap();
    let own = approver.payments_approve(&["P2".into()]).await.unwrap_err();
    assert!(
        own.to_string().contains("another person must approve it"),
        "{own}"
    );
}

#[tokio::test]
async fn a_role_changed_or_a_user_disabled_holds_at_the_next_command() {
    let dir = tempfile::tempdir().unwrap();
    let admin = team(dir.path()).await;
    let controller = admin.acting_as("controller").await.unwrap();
    assert!(attempt(&controller, Right::Reconcile, dir.path()).await);
    admin
        .user_change(&UserChange {
            name: "controller".into(),
            role: Some("viewer".into()),
            disabled: None,
        })
        .await
        .unwrap();
    // The same service, already acting: the new role holds from its next command.
    assert!(!attempt(&controller, Right::Reconcile, dir.path()).await);
    admin
        .user_change(&UserChange {
            name: "controller".into(),
            role: None,
            disabled: Some(true),
        })
        .await
        .unwrap();
    let gone = controller.whoami().await.unwrap_err();
    assert!(gone.to_string().contains("disabled"), "{gone}");
    assert!(admin.acting_as("controller").await.is_err());
    assert!(matches!(admin.acting_as("nobody").await, Err(e) if e.code() == "forbidden"));
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_and_every_user_change_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let admin = team(dir.path()).await;
    let refused = admin
        .user_change(&UserChange {
            name: "admin".into(),
            role: Some("viewer".into()),
            disabled: None,
        })
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("last admin"), "{refused}");
    assert_eq!(admin.whoami().await.unwrap().role, "admin");
    let bad = admin
        .user_add(&UserAdd {
            name: "eve\u{1b}[2J".into(),
            role: "viewer".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), "bad_request");
    let unknown_role = admin
        .user_add(&UserAdd {
            name: "eve".into(),
            role: "root".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown_role.code(), "bad_request");

    let audit = admin.audit_verify().await.unwrap();
    assert!(audit.ok, "{:?}", audit.problem);
    // The first admin and four users added: five `users.add` records, nothing for refusals.
    let adds = admin
        .audit_log(&AuditQuery {
            action: Some("users".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = adds.records.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["users.add"; 5]);
    assert!(adds.records.iter().all(|r| r.actor == "admin"));
}

#[tokio::test]
async fn a_reveal_is_for_a_screen_with_account_numbers_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let admin = team(dir.path()).await;
    let controller = admin.acting_as("controller").await.unwrap();
    let granted = controller
        .reveal(&Reveal {
            view: "accounts".into(),
        })
        .await
        .unwrap();
    assert_eq!(granted.user, "controller");
    let unknown = controller
        .reveal(&Reveal {
            view: "settings".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), "bad_request");
    let viewer = admin.acting_as("viewer").await.unwrap();
    let refused = viewer
        .reveal(&Reveal {
            view: "accounts".into(),
        })
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("may not reveal full account numbers"),
        "{refused}"
    );
    let log = admin
        .audit_log(&AuditQuery {
            action: Some("accounts.reveal".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let who: Vec<(&str, &str)> = log
        .records
        .iter()
        .map(|r| (r.actor.as_str(), r.subject.as_str()))
        .collect();
    assert_eq!(who, [("controller", "accounts")]);
}
