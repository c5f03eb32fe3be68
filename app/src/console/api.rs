//! The console's HTTP calls to the login API (`server/src/routes/auth.rs`).
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
    /// Network or server trouble.
    Unavailable,
}

/// What the API says about a logged-in counsellor.
#[derive(Deserialize)]
struct SessionInfo {
    first_name: String,
}

async fn fetch(method: &str, body: Option<&str>) -> Result<Response, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        let headers = Headers::new()?;
        headers.set("content-type", "application/json")?;
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(body));
    }
    let response = JsFuture::from(window.fetch_with_str_and_init(SESSION, &init)).await?;
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

/// Logs in; returns the counsellor's first name.
pub async fn log_in(login: &str, password: &str) -> Result<String, LoginError> {
    let body = serde_json::json!({ "login": login, "password": password }).to_string();
    let response = fetch("POST", Some(&body))
        .await
        .map_err(|_| LoginError::Unavailable)?;
    match response.status() {
        200 => first_name(&response).await.ok_or(LoginError::Unavailable),
        401 => Err(LoginError::Failed),
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

/// A same-origin JSON request to another console API (`/api/canned`,
/// `/api/settings`): the status and the body text, or `Err` when the server
/// cannot be reached.
pub async fn request(method: &str, path: &str, body: Option<&str>) -> Result<(u16, String), ()> {
    let window = web_sys::window().ok_or(())?;
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        let headers = Headers::new().map_err(|_| ())?;
        headers
            .set("content-type", "application/json")
            .map_err(|_| ())?;
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(body));
    }
    let response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| ())?
        .dyn_into::<Response>()
        .map_err(|_| ())?;
    let text = JsFuture::from(response.text().map_err(|_| ())?)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    Ok((response.status(), text))
}
