//! Counsellor login and logout: `/api/session`, the login limiter, the CSRF
//! guard and the `counsellor` command that makes the first account.

use crate::helpers::{Database, TestApp, logs, spawn_with, test_settings};
use crate::on_both_databases;
use server::auth::DbSessionStore;
use server::auth::counsellors::{self, Counsellor, FirstName, Login, NewCounsellor, Role};
use server::auth::limiter::MAX_FAILURES;
use server::auth::password::{NewPassword, Password};
use std::io::Write;
use std::process::{Command, Stdio};
use time::{Duration, OffsetDateTime};
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};

on_both_databases!(
    a_counsellor_logs_in_with_a_fresh_http_only_strict_session_cookie,
    logging_out_ends_the_session_on_the_server,
    a_wrong_password_and_an_unknown_login_get_the_same_answer,
    an_inactive_account_cannot_log_in_and_its_sessions_end,
    state_changing_requests_need_this_servers_origin_and_json,
    repeated_failed_logins_are_slowed_down,
    logging_out_closes_the_open_consoles_of_that_login,
);

const PASSWORD: &str = "lang og hemmelig sætning";

async fn add_counsellor(app: &TestApp, login: &str, role: Role) -> Counsellor {
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

/// POST /api/session as the console would send it, with an optional cookie.
async fn log_in(
    app: &TestApp,
    login: &str,
    password: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/api/session", app.address))
        .header("origin", &app.address)
        .json(&serde_json::json!({ "login": login, "password": password }));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("login answered")
}

async fn who_am_i(app: &TestApp, cookie: &str) -> reqwest::Response {
    app.client
        .get(format!("{}/api/session", app.address))
        .header("cookie", cookie)
        .send()
        .await
        .expect("answered")
}

async fn log_out(app: &TestApp, cookie: &str) -> reqwest::Response {
    app.client
        .delete(format!("{}/api/session", app.address))
        .header("origin", &app.address)
        .header("content-type", "application/json")
        .header("cookie", cookie)
        .send()
        .await
        .expect("answered")
}

/// The `Set-Cookie` header of a response, if any.
fn set_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().expect("ascii").to_owned())
}

/// `name=value` of a `Set-Cookie` header.
fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().expect("name=value").to_owned()
}

async fn a_counsellor_logs_in_with_a_fresh_http_only_strict_session_cookie(app: TestApp) {
    let anna = add_counsellor(&app, "anna", Role::Coordinator).await;
    // A session planted before login (session fixation): it must not become
    // the logged-in session.
    let store = DbSessionStore::new(app.db.clone());
    let mut planted = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: OffsetDateTime::now_utc() + Duration::hours(1),
    };
    store.create(&mut planted).await.expect("planted");
    let planted_cookie = format!("session={}", planted.id);

    let response = log_in(&app, " Anna ", PASSWORD, Some(&planted_cookie)).await;

    assert_eq!(response.status(), 200);
    let header = set_cookie(&response).expect("a session cookie is set at login");
    let lower = header.to_ascii_lowercase();
    assert!(lower.contains("httponly"), "{header}");
    assert!(lower.contains("samesite=strict"), "{header}");
    assert!(lower.contains("path=/"), "{header}");
    let cookie = pair(&header);
    assert!(cookie.starts_with("session="), "{cookie}");
    assert_ne!(cookie, planted_cookie, "the session id is rotated at login");
    assert!(
        store.load(&planted.id).await.expect("load").is_none(),
        "the planted session is gone"
    );
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(
        body,
        serde_json::json!({ "first_name": "Anna", "role": "coordinator" })
    );

    let me = who_am_i(&app, &cookie).await;
    assert_eq!(me.status(), 200);
    assert_eq!(me.json::<serde_json::Value>().await.expect("json"), body);
    assert_eq!(who_am_i(&app, &planted_cookie).await.status(), 401);

    let logs = logs();
    assert!(
        logs.contains(&format!("counsellor={}", anna.id)) && logs.contains("counsellor logged in"),
        "the login is logged with the id: {logs}"
    );
    assert!(!logs.contains(PASSWORD), "the password reached the logs");
}

async fn logging_out_ends_the_session_on_the_server(app: TestApp) {
    add_counsellor(&app, "anna", Role::Counsellor).await;
    let response = log_in(&app, "anna", PASSWORD, None).await;
    assert_eq!(response.status(), 200);
    let cookie = pair(&set_cookie(&response).expect("cookie"));
    assert_eq!(who_am_i(&app, &cookie).await.status(), 200);

    let response = log_out(&app, &cookie).await;

    assert_eq!(response.status(), 204);
    // A copy of the old cookie (another tab, a stolen copy) no longer works.
    let again = who_am_i(&app, &cookie).await;
    assert_eq!(again.status(), 401);
    assert_eq!(
        again.json::<serde_json::Value>().await.expect("json"),
        serde_json::json!({ "error": "not_logged_in" })
    );
    // Logging out twice is harmless.
    assert_eq!(log_out(&app, &cookie).await.status(), 204);
}

async fn a_wrong_password_and_an_unknown_login_get_the_same_answer(app: TestApp) {
    add_counsellor(&app, "anna", Role::Counsellor).await;
    let mut answers = Vec::new();
    for (login, password) in [
        ("anna", "not the password at all"),
        ("nobody", PASSWORD),
        ("not a valid login!", PASSWORD),
        ("anna", ""),
    ] {
        let response = log_in(&app, login, password, None).await;
        assert_eq!(response.status(), 401, "{login}");
        assert!(set_cookie(&response).is_none(), "no session for a failure");
        answers.push(response.text().await.expect("body"));
    }
    assert!(
        answers.iter().all(|a| a == r#"{"error":"login_failed"}"#),
        "{answers:?}"
    );
    assert_eq!(who_am_i(&app, "session=made-up").await.status(), 401);
}

async fn an_inactive_account_cannot_log_in_and_its_sessions_end(app: TestApp) {
    let bo = add_counsellor(&app, "bo", Role::Counsellor).await;
    let response = log_in(&app, "bo", PASSWORD, None).await;
    assert_eq!(response.status(), 200);
    let cookie = pair(&set_cookie(&response).expect("cookie"));

    assert!(
        counsellors::set_active(&app.db, bo.id, false)
            .await
            .expect("deactivated")
    );

    assert_eq!(who_am_i(&app, &cookie).await.status(), 401);
    let response = log_in(&app, "bo", PASSWORD, None).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.text().await.expect("body"),
        r#"{"error":"login_failed"}"#
    );
}

async fn state_changing_requests_need_this_servers_origin_and_json(app: TestApp) {
    add_counsellor(&app, "anna", Role::Counsellor).await;
    let url = format!("{}/api/session", app.address);
    let body = serde_json::json!({ "login": "anna", "password": PASSWORD }).to_string();
    let port = app.address.rsplit(':').next().expect("port");
    let cases: Vec<(Option<String>, Option<&str>, u16)> = vec![
        (None, Some("application/json"), 403),
        (
            Some("http://evil.example".into()),
            Some("application/json"),
            403,
        ),
        (Some("null".into()), Some("application/json"), 403),
        (
            Some(format!("https://127.0.0.1:{port}")),
            Some("application/json"),
            403,
        ),
        (
            Some(format!("http://127.0.0.1:{port}.evil.example")),
            Some("application/json"),
            403,
        ),
        (Some(app.address.clone()), Some("text/plain"), 415),
        (
            Some(app.address.clone()),
            Some("application/x-www-form-urlencoded"),
            415,
        ),
        (Some(app.address.clone()), None, 415),
    ];
    for (origin, content_type, status) in cases {
        let mut request = app.client.post(&url).body(body.clone());
        if let Some(origin) = &origin {
            request = request.header("origin", origin);
        }
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.expect("answered");
        assert_eq!(
            response.status().as_u16(),
            status,
            "{origin:?} {content_type:?}"
        );
        assert!(
            set_cookie(&response).is_none(),
            "{origin:?} {content_type:?}"
        );
    }
    // Logout is state-changing too.
    let response = app
        .client
        .delete(&url)
        .header("origin", "http://evil.example")
        .header("content-type", "application/json")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 403);
    // Reading needs neither.
    assert_eq!(
        app.client
            .get(&url)
            .send()
            .await
            .expect("answered")
            .status(),
        401
    );
}

async fn repeated_failed_logins_are_slowed_down(app: TestApp) {
    add_counsellor(&app, "anna", Role::Counsellor).await;
    for _ in 0..MAX_FAILURES {
        let response = log_in(&app, "anna", "a wrong guess here", None).await;
        assert_eq!(response.status(), 401);
    }

    // Even the right password waits now: guessing cannot continue.
    let response = log_in(&app, "Anna", PASSWORD, None).await;

    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["error"], "too_many_attempts");
    assert_eq!(body["retry_after"], retry_after);
    // The same address is also blocked for other logins.
    assert_eq!(log_in(&app, "bo", PASSWORD, None).await.status(), 429);
}

/// Runs the built `counsellor` command with `database_url` and `stdin`.
fn counsellor_command(database_url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_counsellor"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env_remove("FRONT_DOOR_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("password written");
    child.wait_with_output().expect("the command ends")
}

/// The first coordinator is made on the command line (password on stdin)
/// and can then log in to the running service.
#[tokio::test]
async fn the_counsellor_command_creates_an_account_that_can_log_in() {
    let (mut settings, _) = test_settings(Database::Sqlite).await;
    std::fs::create_dir_all(&settings.data_dir).expect("data folder");
    let url = format!(
        "sqlite://{}?mode=rwc",
        settings.data_dir.join("cli.db").display()
    );
    settings.database_url = Some(url.clone());
    let add = [
        "add",
        "--login",
        "Anna",
        "--first-name",
        "Anna",
        "--coordinator",
    ];

    let output = counsellor_command(&url, &add, &format!("{PASSWORD}\n"));

    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert_eq!(stdout.trim(), "created counsellor anna (coordinator)");
    assert!(!stdout.contains(PASSWORD) && !stderr.contains(PASSWORD));

    let duplicate = counsellor_command(&url, &add, &format!("{PASSWORD}\n"));
    assert!(!duplicate.status.success());
    let message = String::from_utf8_lossy(&duplicate.stderr);
    assert!(message.contains("already exists"), "{message}");

    let short = counsellor_command(
        &url,
        &["add", "--login", "bo", "--first-name", "Bo"],
        "kort\n",
    );
    assert!(!short.status.success());
    let message = String::from_utf8_lossy(&short.stderr);
    assert!(message.contains("at least 12 characters"), "{message}");

    let in_argv = counsellor_command(
        &url,
        &[
            "add",
            "--login",
            "bo",
            "--first-name",
            "Bo",
            "--password",
            PASSWORD,
        ],
        "",
    );
    assert_eq!(in_argv.status.code(), Some(2));

    // The most chats at once can be set as the account is made (and a
    // wrong number creates nothing).
    let busy = [
        "add",
        "--login",
        "cai",
        "--first-name",
        "Cai",
        "--max-chats",
    ];
    let eleven = counsellor_command(
        &url,
        &[&busy[..], &["11"]].concat(),
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(eleven.status.code(), Some(2));
    let message = String::from_utf8_lossy(&eleven.stderr);
    assert!(message.contains("from 1 to 10"), "{message}");
    let five = counsellor_command(
        &url,
        &[&busy[..], &["5"]].concat(),
        &format!("{PASSWORD}\n"),
    );
    assert!(
        five.status.success(),
        "{}",
        String::from_utf8_lossy(&five.stderr)
    );

    let list = counsellor_command(&url, &["list"], "");
    assert!(list.status.success());
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.contains("anna\tAnna\tcoordinator\tactive"),
        "{listed}"
    );
    assert!(!listed.contains("bo"), "{listed}");
    assert!(listed.contains("cai\tCai\tcounsellor\tactive"), "{listed}");

    let app = spawn_with(settings, None).await;
    let max: Vec<(String, i64)> =
        sqlx::query_as("SELECT login, max_chats FROM counsellors ORDER BY login")
            .fetch_all(app.db.pool())
            .await
            .expect("read back");
    assert_eq!(max, [("anna".to_owned(), 3), ("cai".to_owned(), 5)]);
    let response = log_in(&app, "anna", PASSWORD, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<serde_json::Value>().await.expect("json"),
        serde_json::json!({ "first_name": "Anna", "role": "coordinator" })
    );
}

/// A console socket lives no longer than its login: logging out closes it at
/// once (the login is only checked at the upgrade otherwise), and a console
/// of another login of the same counsellor stays open.
async fn logging_out_closes_the_open_consoles_of_that_login(app: TestApp) {
    use crate::live::{PASSWORD, close_code, log_in_counsellor, open_console};
    let cookie = log_in_counsellor(&app, "mia", "Mia").await;
    let mut console = open_console(&app, &cookie).await;
    // A second login of Mia's (another browser).
    let response = app
        .client
        .post(format!("{}/api/session", app.address))
        .header("origin", app.address.clone())
        .json(&serde_json::json!({ "login": "mia", "password": PASSWORD }))
        .send()
        .await
        .expect("login answered");
    let other_cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("name=value")
        .to_owned();
    let mut other = open_console(&app, &other_cookie).await;

    assert_eq!(log_out(&app, &cookie).await.status(), 204);
    assert_eq!(
        close_code::<app::protocol::console::ConsoleServerMsg>(&mut console).await,
        Some(app::protocol::close_code::NOT_LOGGED_IN)
    );
    // The other login's console still answers.
    crate::live::send(&mut other, &app::protocol::console::ConsoleClientMsg::Ping).await;
    crate::live::expect(
        &mut other,
        |m: &app::protocol::console::ConsoleServerMsg| {
            matches!(m, app::protocol::console::ConsoleServerMsg::Pong).then_some(())
        },
    )
    .await;
}
