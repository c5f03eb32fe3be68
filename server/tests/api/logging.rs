use crate::helpers::{Database, logs, spawn_app};

/// Request logs name the route template, never the raw path, the query, the
/// user agent or the client's address.
#[tokio::test]
async fn request_logs_carry_no_identifying_detail() {
    let app = spawn_app(Database::Sqlite).await;
    let response = app
        .get(
            "/someones-secret-words?code=hemmelig-kode",
            &[
                ("user-agent", "UniqueAgent/9.9 (Fingerprint)"),
                ("x-forwarded-for", "203.0.113.77"),
            ],
        )
        .await;
    assert_eq!(response.status(), 404);
    let response = app
        .get(
            "/healthz",
            &[("user-agent", "UniqueAgent/9.9 (Fingerprint)")],
        )
        .await;
    assert_eq!(response.status(), 200);

    let logs = logs();
    assert!(
        logs.contains("route=/healthz"),
        "the route is logged: {logs}"
    );
    for secret in [
        "someones-secret-words",
        "hemmelig-kode",
        "UniqueAgent",
        "203.0.113.77",
    ] {
        assert!(!logs.contains(secret), "{secret} reached the logs:\n{logs}");
    }
}
