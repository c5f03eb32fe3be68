//! The coordinators' team administration (`/api/admin/…`), one-time
//! password codes, the TOTP second factor, login throttling, the session
//! timeouts and the audit log of it all.

use crate::helpers::{Database, TestApp, spawn_with, test_settings};
use crate::on_both_databases;
use serde_json::{Value, json};
use server::auth::accounts::{self, AccountError};
use server::auth::counsellors::{self, Counsellor, FirstName, Login, NewCounsellor, Role};
use server::auth::limiter::MAX_FAILURES;
use server::auth::password::{NewPassword, Password};
use server::auth::totp;

on_both_databases!(
    only_coordinators_manage_the_team,
    a_new_counsellor_sets_a_password_with_a_one_time_code_and_logs_in,
    a_one_time_code_works_once_and_expires,
    a_password_reset_ends_the_old_password_and_every_session,
    deactivating_ends_the_sessions_and_blocks_the_login,
    a_coordinator_cannot_remove_themselves_or_the_last_coordinator,
    two_coordinators_demoting_each_other_at_once_leave_one,
    a_role_change_takes_effect_at_the_next_request,
    bad_input_gets_a_clear_error_and_changes_nothing,
    a_counsellor_changes_their_own_password_with_the_old_one,
    totp_enrolment_then_login_needs_a_fresh_code,
    a_counsellor_turns_totp_off_with_a_current_code,
    failed_logins_and_code_guesses_are_throttled_with_a_clear_message,
    every_login_and_team_action_is_in_a_verifiable_audit_log,
);

const PASSWORD: &str = "en lang og hemmelig sætning";
const NEW_PASSWORD: &str = "a brand new long passphrase";

async fn add(app: &TestApp, login: &str, role: Role) -> Counsellor {
    counsellors::create(
        &app.db,
        NewCounsellor {
            login: Login::parse(login).expect("valid login"),
            first_name: FirstName::parse("Anna").expect("valid name"),
            role,
        },
        NewPassword::parse(Password::new(PASSWORD.to_owned())).expect("valid password"),
    )
    .await
    .expect("account created")
}

async fn login_request(app: &TestApp, body: Value) -> reqwest::Response {
    app.client
        .post(format!("{}/api/session", app.address))
        .header("origin", &app.address)
        .json(&body)
        .send()
        .await
        .expect("answered")
}

fn cookie_of(response: &reqwest::Response) -> String {
    response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("name=value")
        .to_owned()
}

/// Logs in and returns the session cookie; panics unless it works.
async fn log_in(app: &TestApp, login: &str, password: &str) -> String {
    let response = login_request(app, json!({ "login": login, "password": password })).await;
    assert_eq!(response.status(), 200, "{login} logs in");
    cookie_of(&response)
}

/// A coordinator, logged in.
async fn coordinator(app: &TestApp) -> (Counsellor, String) {
    let account = add(app, "kim", Role::Coordinator).await;
    let cookie = log_in(app, "kim", PASSWORD).await;
    (account, cookie)
}

async fn get(app: &TestApp, cookie: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.address));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("answered")
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    cookie: Option<&str>,
    path: &str,
    body: Value,
) -> reqwest::Response {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.address))
        .header("origin", &app.address)
        .json(&body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("answered")
}

/// A same-origin POST of the console (logged in when `cookie` is given).
pub(crate) async fn post(
    app: &TestApp,
    cookie: Option<&str>,
    path: &str,
    body: Value,
) -> reqwest::Response {
    send(app, reqwest::Method::POST, cookie, path, body).await
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("a JSON body")
}

/// Creates an account through the API; returns its id and one-time code.
async fn create(app: &TestApp, cookie: &str, login: &str, role: &str) -> (i64, String) {
    let response = post(
        app,
        Some(cookie),
        "/api/admin/counsellors",
        json!({ "login": login, "first_name": "Bo", "role": role }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let body = json_of(response).await;
    let id = body["counsellor"]["id"].as_i64().expect("an id");
    let code = body["code"].as_str().expect("a code").to_owned();
    (id, code)
}

async fn set_password(app: &TestApp, login: &str, code: &str, password: &str) -> reqwest::Response {
    post(
        app,
        None,
        "/api/session/password",
        json!({ "login": login, "code": code, "new_password": password }),
    )
    .await
}

async fn only_coordinators_manage_the_team(app: TestApp) {
    add(&app, "mia", Role::Counsellor).await;
    let counsellor = log_in(&app, "mia", PASSWORD).await;
    let (_, coordinator) = coordinator(&app).await;
    let new = json!({ "login": "bo", "first_name": "Bo", "role": "counsellor" });

    for path in [
        "/api/admin/counsellors",
        "/api/admin/audit",
        "/api/admin/audit/verify",
    ] {
        assert_eq!(get(&app, None, path).await.status(), 401, "{path}");
        let refused = get(&app, Some(&counsellor), path).await;
        assert_eq!(refused.status(), 403, "{path}");
        assert_eq!(json_of(refused).await["error"], "forbidden");
        assert_eq!(get(&app, Some(&coordinator), path).await.status(), 200);
    }
    let path = "/api/admin/counsellors";
    assert_eq!(post(&app, None, path, new.clone()).await.status(), 401);
    assert_eq!(
        post(&app, Some(&counsellor), path, new.clone())
            .await
            .status(),
        403
    );
    // The CSRF guard: a foreign page cannot use the coordinator's cookie.
    let forged = app
        .client
        .post(format!("{}{path}", app.address))
        .header("origin", "http://evil.example")
        .header("cookie", &coordinator)
        .json(&new)
        .send()
        .await
        .expect("answered");
    assert_eq!(forged.status(), 403);
    assert!(
        counsellors::find_by_login(&app.db, &Login::parse("bo").expect("valid"))
            .await
            .expect("read")
            .is_none(),
        "nothing was created"
    );
}

async fn a_new_counsellor_sets_a_password_with_a_one_time_code_and_logs_in(app: TestApp) {
    let (_, cookie) = coordinator(&app).await;
    let (id, code) = create(&app, &cookie, "Bo", "counsellor").await;
    assert_eq!(code.len(), 19, "four groups of four: {code}");

    // No password works before one is set.
    for guess in ["", PASSWORD, "!", &code] {
        let response = login_request(&app, json!({ "login": "bo", "password": guess })).await;
        assert_eq!(response.status(), 401, "{guess:?}");
    }
    let listed = json_of(get(&app, Some(&cookie), "/api/admin/counsellors").await).await;
    let bo = listed
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["id"] == id)
        .expect("listed")
        .clone();
    assert_eq!(bo["login"], "bo");
    assert_eq!(bo["role"], "counsellor");
    assert_eq!(bo["active"], true);
    assert_eq!(bo["totp"], false);
    assert_eq!(bo["password_set"], false);
    assert!(bo["created_at"].as_i64().expect("a time") > 0);

    let weak = set_password(&app, "bo", &code, "too short").await;
    assert_eq!(weak.status(), 400);
    let body = json_of(weak).await;
    assert_eq!(body["error"], "weak_password");
    assert!(body["message"].as_str().expect("a message").contains("12"));
    let as_login = set_password(&app, "bo", &code, "bo").await;
    assert_eq!(json_of(as_login).await["error"], "weak_password");
    let wrong = set_password(&app, "bo", "AAAA-AAAA-AAAA-AAAA", NEW_PASSWORD).await;
    assert_eq!(wrong.status(), 400);
    assert_eq!(json_of(wrong).await["error"], "invalid_code");

    // Typed in lower case without dashes still counts.
    let typed = code.to_lowercase().replace('-', " ");
    assert_eq!(
        set_password(&app, " Bo ", &typed, NEW_PASSWORD)
            .await
            .status(),
        204
    );
    log_in(&app, "bo", NEW_PASSWORD).await;
}

async fn a_one_time_code_works_once_and_expires(app: TestApp) {
    let (_, cookie) = coordinator(&app).await;
    let (_, code) = create(&app, &cookie, "bo", "counsellor").await;
    assert_eq!(
        set_password(&app, "bo", &code, NEW_PASSWORD).await.status(),
        204
    );
    let again = set_password(&app, "bo", &code, "someone else's password").await;
    assert_eq!(again.status(), 400);
    assert_eq!(json_of(again).await["error"], "invalid_code");
    log_in(&app, "bo", NEW_PASSWORD).await;

    let (carl, code) = create(&app, &cookie, "carl", "counsellor").await;
    sqlx::query("UPDATE counsellors SET reset_code_expires_at = $1 WHERE id = $2")
        .bind(server::db::now_millis() - 1)
        .bind(carl)
        .execute(app.db.pool())
        .await
        .expect("code aged");
    let expired = set_password(&app, "carl", &code, NEW_PASSWORD).await;
    assert_eq!(expired.status(), 400);
    assert_eq!(json_of(expired).await["error"], "invalid_code");

    // Only the hash is stored.
    let (stored,): (Option<String>,) =
        sqlx::query_as("SELECT reset_code_hash FROM counsellors WHERE id = $1")
            .bind(carl)
            .fetch_one(app.db.pool())
            .await
            .expect("read");
    let stored = stored.expect("a hash");
    assert!(!stored.contains(&code.replace('-', "")), "{stored}");
}

async fn a_password_reset_ends_the_old_password_and_every_session(app: TestApp) {
    let (_, coordinator) = coordinator(&app).await;
    let bo = add(&app, "bo", Role::Counsellor).await;
    let session = log_in(&app, "bo", PASSWORD).await;
    let mut console = crate::live::open_console(&app, &session).await;

    let response = post(
        &app,
        Some(&coordinator),
        &format!("/api/admin/counsellors/{}/password-reset", bo.id),
        json!({}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let body = json_of(response).await;
    let code = body["code"].as_str().expect("a code").to_owned();
    let expires_at = body["expires_at"].as_i64().expect("an expiry");
    let day = server::db::now_millis() + accounts::CODE_LIFETIME_MS;
    assert!((day - 60_000..=day).contains(&expires_at));

    assert_eq!(
        get(&app, Some(&session), "/api/session").await.status(),
        401
    );
    assert_eq!(
        crate::live::close_code::<app::protocol::console::ConsoleServerMsg>(&mut console).await,
        Some(app::protocol::close_code::NOT_LOGGED_IN)
    );
    let old = login_request(&app, json!({ "login": "bo", "password": PASSWORD })).await;
    assert_eq!(old.status(), 401);
    assert_eq!(
        set_password(&app, "bo", &code, NEW_PASSWORD).await.status(),
        204
    );
    log_in(&app, "bo", NEW_PASSWORD).await;
}

async fn deactivating_ends_the_sessions_and_blocks_the_login(app: TestApp) {
    let (_, coordinator) = coordinator(&app).await;
    let bo = add(&app, "bo", Role::Counsellor).await;
    let session = log_in(&app, "bo", PASSWORD).await;
    let mut console = crate::live::open_console(&app, &session).await;

    let path = format!("/api/admin/counsellors/{}/deactivate", bo.id);
    let response = post(&app, Some(&coordinator), &path, json!({})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await["active"], false);

    assert_eq!(
        crate::live::close_code::<app::protocol::console::ConsoleServerMsg>(&mut console).await,
        Some(app::protocol::close_code::NOT_LOGGED_IN)
    );
    let (left,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM counsellor_sessions WHERE counsellor_id = $1")
            .bind(bo.id.0)
            .fetch_one(app.db.pool())
            .await
            .expect("count");
    assert_eq!(left, 0, "the session rows are gone");
    let refused = login_request(&app, json!({ "login": "bo", "password": PASSWORD })).await;
    assert_eq!(refused.status(), 401);

    let path = format!("/api/admin/counsellors/{}/reactivate", bo.id);
    let response = post(&app, Some(&coordinator), &path, json!({})).await;
    assert_eq!(json_of(response).await["active"], true);
    log_in(&app, "bo", PASSWORD).await;

    let missing = post(
        &app,
        Some(&coordinator),
        "/api/admin/counsellors/999999/deactivate",
        json!({}),
    )
    .await;
    assert_eq!(missing.status(), 404);
    assert_eq!(json_of(missing).await["error"], "not_found");
}

async fn a_coordinator_cannot_remove_themselves_or_the_last_coordinator(app: TestApp) {
    let (kim, cookie) = coordinator(&app).await;
    let own = format!("/api/admin/counsellors/{}", kim.id);
    let response = post(&app, Some(&cookie), &format!("{own}/deactivate"), json!({})).await;
    assert_eq!(response.status(), 409);
    assert_eq!(json_of(response).await["error"], "not_yourself");
    let response = post(
        &app,
        Some(&cookie),
        &format!("{own}/role"),
        json!({ "role": "counsellor" }),
    )
    .await;
    assert_eq!(response.status(), 409);
    assert_eq!(json_of(response).await["error"], "not_yourself");
    assert_eq!(
        get(&app, Some(&cookie), "/api/admin/counsellors")
            .await
            .status(),
        200
    );

    // Whoever asks, the store never leaves the service without one.
    assert!(matches!(
        accounts::set_role(&app.db, kim.id, Role::Counsellor).await,
        Err(AccountError::LastCoordinator)
    ));
    assert!(matches!(
        accounts::set_active(&app.db, kim.id, false).await,
        Err(AccountError::LastCoordinator)
    ));
    // With a second active coordinator, either may go.
    let lea = add(&app, "lea", Role::Coordinator).await;
    accounts::set_active(&app.db, kim.id, false)
        .await
        .expect("another coordinator remains");
    assert!(matches!(
        accounts::set_role(&app.db, lea.id, Role::Counsellor).await,
        Err(AccountError::LastCoordinator)
    ));
}

async fn two_coordinators_demoting_each_other_at_once_leave_one(app: TestApp) {
    // Under PostgreSQL's READ COMMITTED each UPDATE alone would still see
    // the other coordinator; the guard must serialise them. Several rounds,
    // because a race lost once proves nothing.
    for round in 0..8 {
        let a = add(&app, &format!("a{round}"), Role::Coordinator).await;
        let b = add(&app, &format!("b{round}"), Role::Coordinator).await;
        // Everyone else steps down first, so a and b are the only two.
        sqlx::query("UPDATE counsellors SET role = 'counsellor' WHERE id <> $1 AND id <> $2")
            .bind(a.id.0)
            .bind(b.id.0)
            .execute(app.db.pool())
            .await
            .expect("demote the rest");
        let (first, second) = if round % 2 == 0 {
            tokio::join!(
                accounts::set_role(&app.db, a.id, Role::Counsellor),
                accounts::set_active(&app.db, b.id, false),
            )
        } else {
            tokio::join!(
                accounts::set_active(&app.db, a.id, false),
                accounts::set_role(&app.db, b.id, Role::Counsellor),
            )
        };
        let succeeded = [first.is_ok(), second.is_ok()];
        assert_eq!(
            succeeded.iter().filter(|ok| **ok).count(),
            1,
            "round {round}: exactly one of the two may step down: {succeeded:?}"
        );
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM counsellors WHERE role = 'coordinator' AND active = 1",
        )
        .fetch_one(app.db.pool())
        .await
        .expect("count");
        assert_eq!(left, 1, "round {round}");
    }
}

async fn a_role_change_takes_effect_at_the_next_request(app: TestApp) {
    let (_, coordinator) = coordinator(&app).await;
    let bo = add(&app, "bo", Role::Counsellor).await;
    let session = log_in(&app, "bo", PASSWORD).await;
    let path = format!("/api/admin/counsellors/{}/role", bo.id);

    let response = post(
        &app,
        Some(&coordinator),
        &path,
        json!({ "role": "coordinator" }),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await["role"], "coordinator");
    assert_eq!(
        get(&app, Some(&session), "/api/admin/counsellors")
            .await
            .status(),
        200
    );

    post(
        &app,
        Some(&coordinator),
        &path,
        json!({ "role": "counsellor" }),
    )
    .await;
    assert_eq!(
        get(&app, Some(&session), "/api/admin/counsellors")
            .await
            .status(),
        403
    );
}

async fn bad_input_gets_a_clear_error_and_changes_nothing(app: TestApp) {
    let (_, cookie) = coordinator(&app).await;
    let path = "/api/admin/counsellors";
    let cases = [
        (
            json!({ "login": "bo bo", "first_name": "Bo", "role": "counsellor" }),
            400,
            "invalid_login",
        ),
        (
            json!({ "login": "bo", "first_name": " ", "role": "counsellor" }),
            400,
            "invalid_first_name",
        ),
        (
            json!({ "login": "bo", "first_name": "Bo", "role": "admin" }),
            400,
            "bad_request",
        ),
        (
            json!({ "login": "bo", "first_name": "Bo" }),
            400,
            "bad_request",
        ),
        (
            json!({ "login": "kim", "first_name": "Kim", "role": "counsellor" }),
            409,
            "duplicate_login",
        ),
    ];
    for (body, status, code) in cases {
        let response = post(&app, Some(&cookie), path, body.clone()).await;
        assert_eq!(response.status(), status, "{body}");
        let answer = json_of(response).await;
        assert_eq!(answer["error"], code, "{body}");
        assert!(
            !answer["message"].as_str().unwrap_or_default().is_empty(),
            "{body}"
        );
    }
    let all = json_of(get(&app, Some(&cookie), path).await).await;
    assert_eq!(all.as_array().map(Vec::len), Some(1), "{all}");
    let response = get(&app, Some(&cookie), "/api/admin/audit?before=yesterday").await;
    assert_eq!(response.status(), 400);
}

async fn a_counsellor_changes_their_own_password_with_the_old_one(app: TestApp) {
    add(&app, "bo", Role::Counsellor).await;
    let session = log_in(&app, "bo", PASSWORD).await;
    let other = log_in(&app, "bo", PASSWORD).await;
    let path = "/api/session/password/change";

    let wrong = post(
        &app,
        Some(&session),
        path,
        json!({ "current_password": "not my password", "new_password": NEW_PASSWORD }),
    )
    .await;
    assert_eq!(wrong.status(), 400);
    assert_eq!(json_of(wrong).await["error"], "wrong_password");
    let weak = post(
        &app,
        Some(&session),
        path,
        json!({ "current_password": PASSWORD, "new_password": "short" }),
    )
    .await;
    assert_eq!(json_of(weak).await["error"], "weak_password");

    let changed = post(
        &app,
        Some(&session),
        path,
        json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD }),
    )
    .await;
    assert_eq!(changed.status(), 204);
    assert_eq!(
        get(&app, Some(&session), "/api/session").await.status(),
        200
    );
    assert_eq!(get(&app, Some(&other), "/api/session").await.status(), 401);
    log_in(&app, "bo", NEW_PASSWORD).await;
    let old = login_request(&app, json!({ "login": "bo", "password": PASSWORD })).await;
    assert_eq!(old.status(), 401);
}

/// Enrols `cookie`'s counsellor; returns the secret and the step whose code
/// confirmed it.
async fn enrol(app: &TestApp, cookie: &str) -> (Vec<u8>, u64) {
    let setup = post(app, Some(cookie), "/api/session/totp/setup", json!({})).await;
    assert_eq!(setup.status(), 200);
    let setup = json_of(setup).await;
    let shown = setup["secret"].as_str().expect("a secret");
    let secret = totp::base32_decode(shown).expect("base32");
    assert_eq!(secret.len(), totp::SECRET_BYTES);
    let uri = setup["uri"].as_str().expect("a uri");
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains(&format!("secret={shown}")), "{uri}");
    assert!(uri.contains("issuer="), "{uri}");

    let confirm = "/api/session/totp/confirm";
    let wrong = post(app, Some(cookie), confirm, json!({ "code": "000000" })).await;
    let not_yet = json_of(get(app, Some(cookie), "/api/session").await).await;
    assert!(not_yet.get("totp").is_none(), "not on before a code fits");
    assert_eq!(
        wrong.status(),
        400,
        "000000 is (almost surely) not the code"
    );
    assert_eq!(json_of(wrong).await["error"], "invalid_totp");
    let now = totp::now_seconds();
    let step = totp::step_at(now);
    let code = totp::hotp(&secret, step, totp::DIGITS);
    assert_eq!(
        post(app, Some(cookie), confirm, json!({ "code": code }))
            .await
            .status(),
        204
    );
    (secret, step)
}

async fn totp_enrolment_then_login_needs_a_fresh_code(app: TestApp) {
    let (_, coordinator) = coordinator(&app).await;
    let bo = add(&app, "bo", Role::Counsellor).await;
    let session = log_in(&app, "bo", PASSWORD).await;
    let (secret, step) = enrol(&app, &session).await;
    let info = json_of(get(&app, Some(&session), "/api/session").await).await;
    assert_eq!(info["totp"], true);

    // The secret is stored encrypted, never in the clear.
    let (stored,): (Option<String>,) =
        sqlx::query_as("SELECT totp_secret FROM counsellors WHERE id = $1")
            .bind(bo.id.0)
            .fetch_one(app.db.pool())
            .await
            .expect("read");
    let stored = stored.expect("stored");
    assert!(!stored.contains(&totp::base32_encode(&secret)));
    assert!(!stored.as_bytes().windows(secret.len()).any(|w| w == secret));

    // Password alone: the console is asked for the code.
    let response = login_request(&app, json!({ "login": "bo", "password": PASSWORD })).await;
    assert_eq!(response.status(), 401);
    assert_eq!(json_of(response).await["error"], "totp_required");
    // The code that confirmed enrolment was used: replaying it fails.
    let used = totp::hotp(&secret, step, totp::DIGITS);
    let body = json!({ "login": "bo", "password": PASSWORD, "totp": used });
    let response = login_request(&app, body).await;
    assert_eq!(response.status(), 401);
    assert_eq!(json_of(response).await["error"], "login_failed");
    // The next step's code is fresh (and within the window).
    let fresh = totp::hotp(&secret, step + 1, totp::DIGITS);
    let body = json!({ "login": "bo", "password": PASSWORD, "totp": fresh });
    assert_eq!(login_request(&app, body.clone()).await.status(), 200);
    // …once.
    assert_eq!(login_request(&app, body).await.status(), 401);
    // A wrong password with a code is refused as any wrong password.
    let body = json!({ "login": "bo", "password": "wrong wrong wrong", "totp": fresh });
    assert_eq!(
        json_of(login_request(&app, body).await).await["error"],
        "login_failed"
    );

    // Lost phone: a coordinator turns it off.
    let path = format!("/api/admin/counsellors/{}/totp", bo.id);
    let response = send(
        &app,
        reqwest::Method::DELETE,
        Some(&coordinator),
        &path,
        json!({}),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await["totp"], false);
    log_in(&app, "bo", PASSWORD).await;
}

async fn a_counsellor_turns_totp_off_with_a_current_code(app: TestApp) {
    add(&app, "bo", Role::Counsellor).await;
    let session = log_in(&app, "bo", PASSWORD).await;
    let (secret, step) = enrol(&app, &session).await;
    let again = post(&app, Some(&session), "/api/session/totp/setup", json!({})).await;
    assert_eq!(again.status(), 409);
    assert_eq!(json_of(again).await["error"], "totp_already_on");

    let path = "/api/session/totp";
    let wrong = send(
        &app,
        reqwest::Method::DELETE,
        Some(&session),
        path,
        json!({ "code": "12" }),
    )
    .await;
    assert_eq!(wrong.status(), 400);
    assert_eq!(json_of(wrong).await["error"], "invalid_totp");
    let code = totp::hotp(&secret, step + 1, totp::DIGITS);
    let off = send(
        &app,
        reqwest::Method::DELETE,
        Some(&session),
        path,
        json!({ "code": code }),
    )
    .await;
    assert_eq!(off.status(), 204);
    log_in(&app, "bo", PASSWORD).await;
}

async fn failed_logins_and_code_guesses_are_throttled_with_a_clear_message(app: TestApp) {
    add(&app, "bo", Role::Counsellor).await;
    for _ in 0..MAX_FAILURES {
        let body = json!({ "login": "bo", "password": "a wrong guess" });
        assert_eq!(login_request(&app, body).await.status(), 401);
    }
    let blocked = login_request(&app, json!({ "login": "bo", "password": PASSWORD })).await;
    assert_eq!(blocked.status(), 429);
    let body = json_of(blocked).await;
    assert_eq!(body["error"], "too_many_attempts");
    let message = body["message"].as_str().expect("a message");
    assert!(message.contains("15 minutes"), "{message}");
    assert!(body["retry_after"].as_u64().expect("seconds") > 14 * 60);

    // Setting a password with a code is limited the same way (the address
    // has used up its failures too).
    let guess = set_password(&app, "carl", "AAAA-AAAA-AAAA-AAAA", NEW_PASSWORD).await;
    assert_eq!(guess.status(), 429);
    assert_eq!(json_of(guess).await["error"], "too_many_attempts");
}

async fn every_login_and_team_action_is_in_a_verifiable_audit_log(app: TestApp) {
    let failed = json!({ "login": "Nobody", "password": "wrong wrong" });
    assert_eq!(login_request(&app, failed).await.status(), 401);
    let (kim, cookie) = coordinator(&app).await;
    let (bo, code) = create(&app, &cookie, "bo", "counsellor").await;
    let admin = format!("/api/admin/counsellors/{bo}");
    post(
        &app,
        Some(&cookie),
        &format!("{admin}/role"),
        json!({ "role": "coordinator" }),
    )
    .await;
    post(
        &app,
        Some(&cookie),
        &format!("{admin}/deactivate"),
        json!({}),
    )
    .await;
    post(
        &app,
        Some(&cookie),
        &format!("{admin}/reactivate"),
        json!({}),
    )
    .await;
    post(
        &app,
        Some(&cookie),
        &format!("{admin}/password-reset"),
        json!({}),
    )
    .await;
    let other = get(&app, Some(&cookie), "/api/admin/counsellors").await;
    assert_eq!(other.status(), 200);
    assert_eq!(
        set_password(&app, "bo", &code, NEW_PASSWORD).await.status(),
        400
    );
    let bo_cookie = {
        // The reset code replaced the first one.
        let response = post(
            &app,
            Some(&cookie),
            &format!("{admin}/password-reset"),
            json!({}),
        )
        .await;
        let code = json_of(response).await["code"]
            .as_str()
            .expect("code")
            .to_owned();
        assert_eq!(
            set_password(&app, "bo", &code, NEW_PASSWORD).await.status(),
            204
        );
        log_in(&app, "bo", NEW_PASSWORD).await
    };
    enrol(&app, &bo_cookie).await;
    send(
        &app,
        reqwest::Method::DELETE,
        Some(&cookie),
        &format!("{admin}/totp"),
        json!({}),
    )
    .await;
    send(
        &app,
        reqwest::Method::DELETE,
        Some(&bo_cookie),
        "/api/session",
        json!({}),
    )
    .await;

    let page = json_of(get(&app, Some(&cookie), "/api/admin/audit").await).await;
    let entries = page["entries"].as_array().expect("entries").clone();
    let ids: Vec<i64> = entries
        .iter()
        .map(|e| e["id"].as_i64().expect("id"))
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let newest = &entries[0];
    assert_eq!(
        newest["action"], "audit_viewed",
        "reading is recorded first"
    );
    assert_eq!(newest["actor"], "kim");
    let has = |action: &str, actor: &str, subject: &str| {
        entries.iter().any(|e| {
            e["action"] == action
                && e["actor"] == actor
                && e["subject"]
                    .as_str()
                    .is_some_and(|s| s.starts_with(subject))
        })
    };
    let bo_subject = format!("counsellor:{bo}");
    let expected = [
        ("login_failed", "?nobody", "session"),
        ("login", "kim", "session"),
        ("counsellor_created", "kim", bo_subject.as_str()),
        ("role_changed", "kim", bo_subject.as_str()),
        ("counsellor_deactivated", "kim", bo_subject.as_str()),
        ("counsellor_reactivated", "kim", bo_subject.as_str()),
        ("password_reset_issued", "kim", bo_subject.as_str()),
        ("login_failed", "?bo", "password_code"),
        ("password_changed", "bo", bo_subject.as_str()),
        ("login", "bo", "session"),
        ("totp_enabled", "bo", bo_subject.as_str()),
        ("totp_disabled", "kim", bo_subject.as_str()),
        ("logout", "bo", "session"),
    ];
    for (action, actor, subject) in expected {
        assert!(
            has(action, actor, subject),
            "{action} by {actor}: {entries:#?}"
        );
    }
    let kim_login = entries
        .iter()
        .find(|e| e["action"] == "login" && e["actor"] == "kim")
        .expect("kim's login");
    assert_eq!(kim_login["actor_id"], kim.id.0);
    assert!(
        !entries.iter().any(|e| e.to_string().contains(PASSWORD)
            || e.to_string().contains(NEW_PASSWORD)
            || e.to_string().contains(&code)),
        "no secrets in the log"
    );

    // Paging back from the oldest entry shown.
    let oldest = ids.last().expect("entries");
    let older = json_of(
        get(
            &app,
            Some(&cookie),
            &format!("/api/admin/audit?before={oldest}"),
        )
        .await,
    )
    .await;
    assert!(
        older["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .all(|e| e["id"].as_i64().expect("id") < *oldest)
    );

    let verified = json_of(get(&app, Some(&cookie), "/api/admin/audit/verify").await).await;
    assert_eq!(verified["ok"], true, "{verified}");
    assert!(verified["entries"].as_u64().expect("count") as usize >= entries.len());
}

/// A login lasts at most `session_max_secs`, however active.
#[tokio::test]
async fn a_login_ends_at_its_maximum_age_however_active() {
    for database in [Database::Sqlite, Database::Postgres] {
        let (mut settings, schema) = test_settings(database).await;
        settings.session_max_secs = 2;
        let app = spawn_with(settings, schema).await;
        add(&app, "bo", Role::Counsellor).await;
        let cookie = log_in(&app, "bo", PASSWORD).await;
        for _ in 0..3 {
            assert_eq!(get(&app, Some(&cookie), "/api/session").await.status(), 200);
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        let response = get(&app, Some(&cookie), "/api/session").await;
        assert_eq!(response.status(), 401, "{database:?}");
        assert_eq!(json_of(response).await["error"], "not_logged_in");
    }
}

/// A login ends after `session_idle_secs` without a request.
#[tokio::test]
async fn a_login_ends_after_the_idle_timeout() {
    let (mut settings, schema) = test_settings(Database::Sqlite).await;
    settings.session_idle_secs = 1;
    let app = spawn_with(settings, schema).await;
    add(&app, "bo", Role::Counsellor).await;
    let cookie = log_in(&app, "bo", PASSWORD).await;
    assert_eq!(get(&app, Some(&cookie), "/api/session").await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(get(&app, Some(&cookie), "/api/session").await.status(), 401);
}
