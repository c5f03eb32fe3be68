use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    liveness_answers_without_asking_the_database,
    readiness_reports_a_reachable_database,
    readiness_fails_when_the_database_is_gone,
);

async fn liveness_answers_without_asking_the_database(app: TestApp) {
    app.db.close().await;
    let response = app.get("/healthz", &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("body"), "ok");
}

async fn readiness_reports_a_reachable_database(app: TestApp) {
    let response = app.get("/readyz", &[]).await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json body");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["backend"], app.db.backend().name());
}

async fn readiness_fails_when_the_database_is_gone(app: TestApp) {
    app.db.close().await;
    let response = app.get("/readyz", &[]).await;
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.expect("json body");
    assert_eq!(body["database"], "unreachable");
}
