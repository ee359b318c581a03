//! Roles through the local API: a session logged in as a user acts as that user, held to
//! that user's rights by the service (as the CLI and the window are), and named in the audit
//! log; a session token that is unknown, ended or whose user was disabled is refused.

use crate::http::{json_request, json_request_as, start};
use crate::support::{add_user, Workspace};

fn login(server: &crate::http::Server, user: &str) -> String {
    let (status, body) = json_request(
        server,
        "POST",
        "/api/session",
        &format!(r#"{{"user":"{user}"}}"#),
    );
    assert_eq!(status, 200, "{body}");
    let started: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(started["session"]["user"], user);
    started["token"].as_str().unwrap().to_string()
}

/// A write: its method, path and body, the sessions refused it and those let through.
type Case<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a [&'a String],
    &'a [&'a String],
);

fn code(body: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    value["code"].as_str().unwrap_or_default().to_string()
}

#[test]
fn each_session_is_held_to_its_users_role_and_named_in_the_audit_log() {
    let workspace = Workspace::new();
    // `tester` opens the ledger first (its admin); the others are added by them.
    let server = start(&workspace);
    for (name, role) in [
        ("vera", "viewer"),
        ("paul", "preparer"),
        ("ada", "approver"),
        ("carl", "controller"),
    ] {
        add_user(workspace.dir.path(), name, role);
    }
    let viewer = login(&server, "vera");
    let preparer = login(&server, "paul");
    let approver = login(&server, "ada");
    let controller = login(&server, "carl");

    let (status, body) = json_request_as(&server, &viewer, "GET", "/api/session", "");
    assert_eq!(status, 200);
    let session: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(session["role"], "viewer");
    assert_eq!(session["rights"], serde_json::json!([]));

    // Reads are everybody's.
    for token in [&viewer, &preparer, &approver, &controller] {
        let (status, body) = json_request_as(&server, token, "GET", "/api/positions", "");
        assert_eq!(status, 200, "{body}");
    }
    // Each write, refused (403 forbidden) to the roles without its right, past the check
    // (to its own answer) for a role with it.
    let cases: [Case; 5] = [
        (
            "PUT",
            "/api/settings",
            r#"{"inbox_folder":""}"#,
            &[&viewer, &preparer, &approver, &controller],
            &[],
        ),
        (
            "POST",
            "/api/payments/approve",
            r#"{"ids":["NOPE"]}"#,
            &[&viewer, &preparer, &controller],
            &[&approver],
        ),
        (
            "POST",
            "/api/payments/cancel",
            r#"{"id":"NOPE","reason":"x"}"#,
            &[&viewer, &controller],
            &[&preparer, &approver],
        ),
        (
            "POST",
            "/api/recon/confirm",
            r#"{"id":"999"}"#,
            &[&viewer, &preparer, &approver],
            &[&controller],
        ),
        (
            "POST",
            "/api/users",
            r#"{"name":"mallory","role":"admin"}"#,
            &[&viewer, &preparer, &approver, &controller],
            &[],
        ),
    ];
    for (method, path, body, refused, allowed) in cases {
        for token in refused {
            let (status, answer) = json_request_as(&server, token, method, path, body);
            assert_eq!(
                (status, code(&answer).as_str()),
                (403, "forbidden"),
                "{path}: {answer}"
            );
        }
        for token in allowed {
            let (status, answer) = json_request_as(&server, token, method, path, body);
            assert_ne!(status, 403, "{path}: {answer}");
            assert!(status < 500, "{path}: {answer}");
        }
    }
    // The server's own token acts as whoever started it: tester, the admin.
    let (status, body) = json_request(&server, "PUT", "/api/settings", r#"{"inbox_folder":""}"#);
    assert_eq!(status, 200, "{body}");

    // The audit log names the session's user, not the server's.
    let (status, body) =
        json_request_as(&server, &controller, "GET", "/api/audit?action=setting", "");
    assert_eq!(status, 200, "{body}");
    let log: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(log["records"][0]["actor"], "tester", "{log}");
    let (status, body) = json_request_as(&server, &controller, "POST", "/api/recon/run", "{}");
    assert_eq!(status, 200, "{body}");
    let (_, body) = json_request_as(&server, &viewer, "GET", "/api/audit?action=recon", "");
    let log: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(log["records"][0]["actor"], "carl", "{log}");
    let (status, _) = json_request_as(
        &server,
        &approver,
        "POST",
        "/api/payments/approve",
        r#"{"ids":["NOPE"]}"#,
    );
    assert_eq!(status, 400);

    // A disabled user's session is refused at its next request; an ended one is unknown.
    let (status, body) = json_request(
        &server,
        "POST",
        "/api/users/change",
        r#"{"name":"paul","disabled":true}"#,
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = json_request_as(&server, &preparer, "GET", "/api/positions", "");
    assert_eq!((status, code(&body).as_str()), (403, "forbidden"), "{body}");
    let (status, _) = json_request_as(&server, &preparer, "GET", "/api/positions", "");
    assert_eq!(status, 401, "the refused session is ended");
    let (status, _) = json_request_as(&server, &viewer, "DELETE", "/api/session", "");
    assert_eq!(status, 204);
    let (status, _) = json_request_as(&server, &viewer, "GET", "/api/positions", "");
    assert_eq!(status, 401);
    let (status, _) = json_request_as(
        &server,
        "forgedforgedforgedforgedforged12",
        "GET",
        "/api/positions",
        "",
    );
    assert_eq!(status, 401);

    // Nobody logs in as a name the ledger does not know, or a disabled user.
    for body in [r#"{"user":"nobody"}"#, r#"{"user":"paul"}"#] {
        let (status, answer) = json_request(&server, "POST", "/api/session", body);
        assert_eq!(
            (status, code(&answer).as_str()),
            (403, "forbidden"),
            "{answer}"
        );
    }
    let (status, answer) =
        json_request(&server, "POST", "/api/session", "{\"user\":\"a\\u0007b\"}");
    assert_eq!(
        (status, code(&answer).as_str()),
        (400, "bad_request"),
        "{answer}"
    );
}
