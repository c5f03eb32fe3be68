//! The console's HTTP calls to the login API (`server/src/routes/auth.rs`)
//! and the coordinators' team API (`server/src/routes/admin.rs`).
//! A same-origin `fetch` sends the `Origin` header and the session cookie,
//! which the server's CSRF guard and session layer expect.

use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

const SESSION: &str = "/api/session";

/// Why a login did not succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginError {
    /// Wrong login or password.
    Failed,
    /// Too many attempts: try again after this many seconds.
    TooMany(u64),
    /// The password fits; the second-factor code is needed (or was missing).
    TotpRequired,
    /// Network or server trouble.
    Unavailable,
}

/// What the API says about a logged-in counsellor.
#[derive(Deserialize)]
struct SessionInfo {
    first_name: String,
}

async fn fetch(method: &str, body: Option<&str>) -> Result<Response, JsValue> {
    fetch_at(SESSION, method, body).await
}

async fn fetch_at(path: &str, method: &str, body: Option<&str>) -> Result<Response, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        let headers = Headers::new()?;
        headers.set("content-type", "application/json")?;
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(body));
    }
    let response = JsFuture::from(window.fetch_with_str_and_init(path, &init)).await?;
    response.dyn_into::<Response>()
}

async fn first_name(response: &Response) -> Option<String> {
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    serde_json::from_str::<SessionInfo>(&text)
        .ok()
        .map(|info| info.first_name)
}

/// Who is logged in: `Ok(Some(first name))`, `Ok(None)` when nobody is, `Err`
/// when the server cannot be asked.
pub async fn current() -> Result<Option<String>, ()> {
    let response = fetch("GET", None).await.map_err(|_| ())?;
    match response.status() {
        200 => first_name(&response).await.map(Some).ok_or(()),
        401 => Ok(None),
        _ => Err(()),
    }
}

/// Logs in (with the second-factor code when the account needs one);
/// returns the counsellor's first name.
pub async fn log_in(login: &str, password: &str, totp: Option<&str>) -> Result<String, LoginError> {
    let mut body = serde_json::json!({ "login": login, "password": password });
    if let Some(code) = totp {
        body["totp"] = serde_json::Value::from(code);
    }
    let response = fetch("POST", Some(&body.to_string()))
        .await
        .map_err(|_| LoginError::Unavailable)?;
    match response.status() {
        200 => first_name(&response).await.ok_or(LoginError::Unavailable),
        401 => {
            let code = text(&response)
                .await
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|v| v["error"].as_str().map(str::to_owned));
            if code.as_deref() == Some("totp_required") {
                Err(LoginError::TotpRequired)
            } else {
                Err(LoginError::Failed)
            }
        }
        429 => {
            let seconds = response
                .headers()
                .get("retry-after")
                .ok()
                .flatten()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(60);
            Err(LoginError::TooMany(seconds))
        }
        _ => Err(LoginError::Unavailable),
    }
}

/// Logs out: the server deletes the session. `false` when the server could
/// not be reached (the page forgets everything anyway).
pub async fn log_out() -> bool {
    matches!(fetch("DELETE", Some("{}")).await, Ok(r) if r.status() == 204)
}

async fn text(response: &Response) -> Option<String> {
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

/// Why a team or security request did not succeed: the server's error code
/// (`weak_password`, `invalid_code`, `last_coordinator`, …; `unavailable`
/// when the server could not be reached), which the view turns into text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status (0 without an answer).
    pub status: u16,
    /// The `error` field of the answer.
    pub code: String,
    /// Seconds to wait, for `too_many_attempts`.
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn unavailable() -> ApiError {
        ApiError {
            status: 0,
            code: "unavailable".to_owned(),
            retry_after: None,
        }
    }
}

/// One JSON request; the answer's body as JSON (`null` for 204).
pub(super) async fn call(
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> Result<serde_json::Value, ApiError> {
    let body = body.map(|b| b.to_string());
    let response = fetch_at(path, method, body.as_deref())
        .await
        .map_err(|_| ApiError::unavailable())?;
    let status = response.status();
    let answer = text(&response)
        .await
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .unwrap_or(serde_json::Value::Null);
    if (200..300).contains(&status) {
        return Ok(answer);
    }
    Err(ApiError {
        status,
        code: answer["error"].as_str().unwrap_or("unavailable").to_owned(),
        retry_after: answer["retry_after"].as_u64(),
    })
}

pub(super) fn decode<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|_| ApiError::unavailable())
}

/// What the session API says about the logged-in counsellor.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Me {
    /// Their first name.
    pub first_name: String,
    /// `counsellor` or `coordinator`.
    pub role: String,
    /// Whether their second factor is on.
    #[serde(default)]
    pub totp: bool,
}

/// Who is logged in, with role and second factor.
pub async fn me() -> Result<Me, ApiError> {
    decode(call("GET", SESSION, None).await?)
}

/// An account on the team page.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Account {
    /// Its id.
    pub id: i64,
    /// Login name.
    pub login: String,
    /// The name young people see.
    pub first_name: String,
    /// `counsellor` or `coordinator`.
    pub role: String,
    /// Can log in.
    pub active: bool,
    /// Second factor on.
    pub totp: bool,
    /// A password has been set.
    pub password_set: bool,
    /// Opened (Unix ms).
    pub created_at: i64,
    /// How many chats it takes at once.
    pub max_chats: u32,
}

/// A one-time password code, shown once.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct OneTimeCode {
    /// The code.
    pub code: String,
    /// When it stops working (Unix ms).
    pub expires_at: i64,
}

/// Every account.
pub async fn accounts() -> Result<Vec<Account>, ApiError> {
    decode(call("GET", "/api/admin/counsellors", None).await?)
}

/// Opens an account; returns its one-time code.
pub async fn create_account(
    login: &str,
    first_name: &str,
    role: &str,
) -> Result<OneTimeCode, ApiError> {
    let body = serde_json::json!({ "login": login, "first_name": first_name, "role": role });
    decode(call("POST", "/api/admin/counsellors", Some(body)).await?)
}

/// One of the account actions: `deactivate`, `reactivate`, `password-reset`.
async fn account_action(
    id: i64,
    action: &str,
    body: serde_json::Value,
) -> Result<serde_json::Value, ApiError> {
    call(
        "POST",
        &format!("/api/admin/counsellors/{id}/{action}"),
        Some(body),
    )
    .await
}

/// Deactivates (`false`) or reactivates an account.
pub async fn set_active(id: i64, active: bool) -> Result<(), ApiError> {
    let action = if active { "reactivate" } else { "deactivate" };
    account_action(id, action, serde_json::json!({}))
        .await
        .map(drop)
}

/// Changes an account's role.
pub async fn set_role(id: i64, role: &str) -> Result<(), ApiError> {
    account_action(id, "role", serde_json::json!({ "role": role }))
        .await
        .map(drop)
}

/// How many chats an account takes at once (1 to 10).
pub async fn set_max_chats(id: i64, max_chats: u32) -> Result<(), ApiError> {
    account_action(
        id,
        "max-chats",
        serde_json::json!({ "max_chats": max_chats }),
    )
    .await
    .map(drop)
}

/// A new one-time code for an account.
pub async fn reset_password(id: i64) -> Result<OneTimeCode, ApiError> {
    decode(account_action(id, "password-reset", serde_json::json!({})).await?)
}

/// Turns an account's second factor off (lost phone).
pub async fn disable_totp_of(id: i64) -> Result<(), ApiError> {
    call(
        "DELETE",
        &format!("/api/admin/counsellors/{id}/totp"),
        Some(serde_json::json!({})),
    )
    .await
    .map(drop)
}

/// One audit log entry.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the log.
    pub id: i64,
    /// When (Unix ms).
    pub at: i64,
    /// Who (login, `?attempt`, or `system`).
    pub actor: String,
    /// What.
    pub action: String,
    /// About what.
    pub subject: String,
    /// A short detail.
    pub detail: String,
}

/// A page of the audit log, newest first.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct AuditPage {
    /// The entries.
    pub entries: Vec<AuditEntry>,
    /// Where the next (older) page starts, if there is one.
    pub next_before: Option<i64>,
}

/// A page of the audit log, older than entry `before` when given.
pub async fn audit(before: Option<i64>) -> Result<AuditPage, ApiError> {
    let path = match before {
        Some(before) => format!("/api/admin/audit?before={before}"),
        None => "/api/admin/audit".to_owned(),
    };
    decode(call("GET", &path, None).await?)
}

/// The verification of the audit log's chain: `Ok(entries checked)` or
/// `Err(first broken entry)`.
pub async fn verify_audit() -> Result<Result<u64, i64>, ApiError> {
    let answer = call("GET", "/api/admin/audit/verify", None).await?;
    Ok(if answer["ok"] == serde_json::Value::Bool(true) {
        Ok(answer["entries"].as_u64().unwrap_or_default())
    } else {
        Err(answer["broken_at"].as_i64().unwrap_or_default())
    })
}

/// Sets a password with a one-time code (not logged in).
pub async fn set_password_with_code(
    login: &str,
    code: &str,
    new_password: &str,
) -> Result<(), ApiError> {
    let body = serde_json::json!({ "login": login, "code": code, "new_password": new_password });
    call("POST", "/api/session/password", Some(body))
        .await
        .map(drop)
}

/// Changes the logged-in counsellor's password.
pub async fn change_password(current: &str, new_password: &str) -> Result<(), ApiError> {
    let body = serde_json::json!({ "current_password": current, "new_password": new_password });
    call("POST", "/api/session/password/change", Some(body))
        .await
        .map(drop)
}

/// A secret to enrol in an authenticator app.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct TotpSetup {
    /// Base32.
    pub secret: String,
    /// `otpauth://` URI.
    pub uri: String,
}

/// Starts enrolling the second factor.
pub async fn totp_setup() -> Result<TotpSetup, ApiError> {
    decode(
        call(
            "POST",
            "/api/session/totp/setup",
            Some(serde_json::json!({})),
        )
        .await?,
    )
}

/// Confirms enrolment with a code from the app.
pub async fn totp_confirm(code: &str) -> Result<(), ApiError> {
    call(
        "POST",
        "/api/session/totp/confirm",
        Some(serde_json::json!({ "code": code })),
    )
    .await
    .map(drop)
}

/// Turns the own second factor off with a current code.
pub async fn totp_disable(code: &str) -> Result<(), ApiError> {
    call(
        "DELETE",
        "/api/session/totp",
        Some(serde_json::json!({ "code": code })),
    )
    .await
    .map(drop)
}

/// A same-origin JSON request to another console API (`/api/canned`,
/// `/api/settings`): the status and the body text, or `Err` when the server
/// cannot be reached.
pub async fn request(method: &str, path: &str, body: Option<&str>) -> Result<(u16, String), ()> {
    let response = fetch_at(path, method, body).await.map_err(|_| ())?;
    Ok((response.status(), text(&response).await.unwrap_or_default()))
}
