//! The coordinator's settings pages: the service's name and texts, opening
//! hours and closed dates, and risk words. Checked like the configuration
//! file, applied at once without a restart, audited; bad input changes
//! nothing.

use crate::helpers::TestApp;
use crate::live::*;
use crate::on_both_databases;
use app::protocol::ErrorCode;
use app::protocol::chat::ChatServerMsg;
use app::protocol::console::SettingsView;
use server::audit;
use server::auth::counsellors::{self, FirstName, Login, NewCounsellor, Role};
use server::auth::password::{NewPassword, Password};
use server::db::now_millis;
use server::hours::local_parts;

on_both_databases!(
    only_coordinators_see_and_change_the_settings,
    bad_settings_are_refused_by_name_and_change_nothing,
    changed_opening_hours_apply_to_the_next_chat_without_a_restart,
    a_changed_service_name_shows_at_once,
    changed_risk_words_flag_the_next_message,
);

/// Creates an account with `role` and logs in; returns the session cookie.
pub async fn log_in_as(app: &TestApp, login: &str, first_name: &str, role: Role) -> String {
    counsellors::create(
        &app.db,
        NewCounsellor {
            login: Login::parse(login).expect("valid login"),
            first_name: FirstName::parse(first_name).expect("valid name"),
            role,
        },
        NewPassword::parse(Password::new(PASSWORD.to_owned())).expect("valid password"),
    )
    .await
    .expect("account created");
    let response = app
        .client
        .post(format!("{}/api/session", app.address))
        .header("origin", app.address.clone())
        .json(&serde_json::json!({ "login": login, "password": PASSWORD }))
        .send()
        .await
        .expect("login answered");
    assert_eq!(response.status(), 200, "login works");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    cookie.split(';').next().expect("name=value").to_owned()
}

/// A JSON request with this site's Origin and the cookie (a `DELETE` sends
/// `{}`, as the CSRF guard wants JSON on every change).
pub async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    cookie: &str,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let changes = method != reqwest::Method::GET;
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.address))
        .header("origin", app.address.clone())
        .header("cookie", cookie);
    match body {
        Some(body) => request = request.json(&body),
        None if changes => request = request.json(&serde_json::json!({})),
        None => {}
    }
    request.send().await.expect("answered")
}

/// How many audit entries of `action` there are.
pub async fn audited(app: &TestApp, action: &str) -> usize {
    audit::list(&app.db, None, 1000)
        .await
        .expect("audit log readable")
        .iter()
        .filter(|entry| entry.action == action)
        .count()
}

async fn settings(app: &TestApp, cookie: &str) -> SettingsView {
    let response = call(app, reqwest::Method::GET, "/api/settings", cookie, None).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("settings JSON")
}

/// A Copenhagen date `days` from now as `YYYY-MM-DD`.
fn local_date(days: i64) -> String {
    let t = local_parts(now_millis() + days * 24 * 3_600_000).expect("a representable time");
    format!("{:04}-{:02}-{:02}", t.year, t.month, t.day)
}

async fn only_coordinators_see_and_change_the_settings(app: TestApp) {
    let counsellor = log_in_as(&app, "bo", "Bo", Role::Counsellor).await;
    let get = call(
        &app,
        reqwest::Method::GET,
        "/api/settings",
        &counsellor,
        None,
    )
    .await;
    assert_eq!(get.status(), 403);
    let put = call(
        &app,
        reqwest::Method::PUT,
        "/api/settings/service",
        &counsellor,
        Some(serde_json::json!({ "name": "Bo's service", "quick_exit_url": "https://dr.dk" })),
    )
    .await;
    assert_eq!(put.status(), 403);
    let nobody = app
        .client
        .get(format!("{}/api/settings", app.address))
        .send()
        .await
        .expect("answered");
    assert_eq!(nobody.status(), 401);

    let coordinator = log_in_as(&app, "anna", "Anna", Role::Coordinator).await;
    let view = settings(&app, &coordinator).await;
    assert_eq!(view.service.name, "Snak Om Det");
    assert!(view.risk.da.iter().any(|w| w == "selvmord"));
    // A cross-site form cannot change anything.
    let forged = app
        .client
        .put(format!("{}/api/settings/service", app.address))
        .header("origin", "https://evil.example")
        .header("cookie", &coordinator)
        .json(&serde_json::json!({ "name": "Evil", "quick_exit_url": "https://dr.dk" }))
        .send()
        .await
        .expect("answered");
    assert_eq!(forged.status(), 403);
    assert_eq!(settings(&app, &coordinator).await, view);
}

async fn bad_settings_are_refused_by_name_and_change_nothing(app: TestApp) {
    let coordinator = log_in_as(&app, "anna", "Anna", Role::Coordinator).await;
    let before = settings(&app, &coordinator).await;
    let cases = [
        (
            "opening_hours",
            serde_json::json!({ "mon": ["14:00-13:00"] }),
            "opening_hours.mon",
        ),
        (
            "opening_hours",
            serde_json::json!({ "closed": ["2026-02-30"] }),
            "opening_hours.closed",
        ),
        (
            "opening_hours",
            serde_json::json!({ "mo": [] }),
            "opening_hours",
        ),
        (
            "service",
            serde_json::json!({ "name": "  ", "quick_exit_url": "https://dr.dk" }),
            "service.name",
        ),
        (
            "service",
            serde_json::json!({ "name": "Ung", "quick_exit_url": "http://dr.dk" }),
            "service.quick_exit_url",
        ),
        (
            "risk",
            serde_json::json!({ "da": ["vold", " "] }),
            "risk.da",
        ),
        ("risk", serde_json::json!({ "en": "suicide" }), "risk"),
    ];
    for (section, body, field) in cases {
        let response = call(
            &app,
            reqwest::Method::PUT,
            &format!("/api/settings/{section}"),
            &coordinator,
            Some(body.clone()),
        )
        .await;
        assert_eq!(response.status(), 400, "{body}");
        let answer: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(answer["error"], "invalid");
        assert_eq!(answer["field"], field, "{answer}");
        assert!(
            !answer["message"].as_str().unwrap_or_default().is_empty(),
            "a clear message: {answer}"
        );
    }
    let unknown = call(
        &app,
        reqwest::Method::PUT,
        "/api/settings/colours",
        &coordinator,
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(settings(&app, &coordinator).await, before);
    assert_eq!(audited(&app, "settings_changed").await, 0);
    // The chat stays open, as before.
    let mut visitor = start_chat(&app).await;
    visitor_says(&mut visitor, "c1", "hej").await;
}

async fn changed_opening_hours_apply_to_the_next_chat_without_a_restart(app: TestApp) {
    let coordinator = log_in_as(&app, "anna", "Anna", Role::Coordinator).await;
    let mut hours = settings(&app, &coordinator).await.opening_hours;
    hours.closed = vec![local_date(0), local_date(1)];
    let response = call(
        &app,
        reqwest::Method::PUT,
        "/api/settings/opening_hours",
        &coordinator,
        Some(serde_json::to_value(&hours).expect("JSON")),
    )
    .await;
    assert_eq!(response.status(), 200);
    let view: SettingsView = response.json().await.expect("JSON");
    assert_eq!(view.opening_hours, hours);

    let mut socket = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(&mut socket, &start_frame()).await;
    let error = expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Error { code, .. } => Some(*code),
        _ => None,
    })
    .await;
    assert_eq!(error, ErrorCode::Closed, "closed today, as just set");
    let html = app.get("/", &[]).await.text().await.expect("body");
    assert!(html.contains("Chatten er lukket lige nu."), "{html}");
    assert_eq!(audited(&app, "settings_changed").await, 1);
    let entry = audit::list(&app.db, None, 10).await.expect("readable");
    assert!(entry.iter().any(|e| e.action == "settings_changed"
        && e.subject == "settings:opening_hours"
        && e.actor == "anna"));
    let stored: (String,) =
        sqlx::query_as("SELECT value FROM settings WHERE key = 'opening_hours'")
            .fetch_one(app.db.pool())
            .await
            .expect("stored for the next start");
    assert!(stored.0.contains(&local_date(1)));
}

async fn a_changed_service_name_shows_at_once(app: TestApp) {
    let coordinator = log_in_as(&app, "anna", "Anna", Role::Coordinator).await;
    let mut service = settings(&app, &coordinator).await.service;
    service.name = "  Ung Linje ".into();
    service.tagline.da = "Skriv til os – du behøver ikke sige hvem du er".into();
    let response = call(
        &app,
        reqwest::Method::PUT,
        "/api/settings/service",
        &coordinator,
        Some(serde_json::to_value(&service).expect("JSON")),
    )
    .await;
    assert_eq!(response.status(), 200);
    let manifest = app
        .get("/manifest.webmanifest", &[])
        .await
        .text()
        .await
        .expect("body");
    assert!(manifest.contains("\"Ung Linje\""), "{manifest}");
    let html = app.get("/", &[]).await.text().await.expect("body");
    assert!(html.contains("Skriv til os – du behøver ikke sige hvem du er"));
    assert_eq!(settings(&app, &coordinator).await.service.name, "Ung Linje");
}

async fn changed_risk_words_flag_the_next_message(app: TestApp) {
    let coordinator = log_in_as(&app, "anna", "Anna", Role::Coordinator).await;
    let response = call(
        &app,
        reqwest::Method::PUT,
        "/api/settings/risk",
        &coordinator,
        Some(serde_json::json!({ "da": ["  ingen  udvej "], "en": ["no way out"] })),
    )
    .await;
    assert_eq!(response.status(), 200);
    let view: SettingsView = response.json().await.expect("JSON");
    assert_eq!(view.risk.da, vec!["ingen udvej"], "spaces tidied");

    let mut visitor = start_chat(&app).await;
    visitor_says(&mut visitor, "c1", "overdosis").await;
    visitor_says(&mut visitor, "c2", "Der er INGEN udvej").await;
    visitor_says(&mut visitor, "c3", "hej").await;
    let waiting = app.chat_store().waiting(10).await.expect("queue");
    assert_eq!(waiting[0].risk_words, vec!["ingen udvej"]);
    assert_eq!(audited(&app, "settings_changed").await, 1);
}
