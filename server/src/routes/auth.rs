//! Counsellor login and logout over HTTP, for the console:
//!
//! | request | answer |
//! |---|---|
//! | `POST /api/session` `{"login", "password", "totp"?}` | 200 `{"first_name", "role", "totp"}` and the session cookie; 401 `{"error":"login_failed"}`; 401 `{"error":"totp_required"}` when the password fits and a second-factor code is needed (a wrong code is `login_failed`); 429 `{"error":"too_many_attempts", "message", "retry_after"}` with `Retry-After`; 400 `{"error":"bad_request"}` for a body that is not the JSON above |
//! | `GET /api/session` | 200 `{"first_name", "role", "totp"}`; 401 `{"error":"not_logged_in"}` |
//! | `DELETE /api/session` | 204, the session is deleted on the server |
//! | `POST /api/session/password` `{"login", "code", "new_password"}` | 204: the password is set with a one-time code (limited like logins); 400 `invalid_code` / `weak_password` |
//! | `POST /api/session/password/change` `{"current_password", "new_password"}` | 204; 400 `wrong_password` / `weak_password`; the counsellor's other sessions end |
//! | `POST /api/session/totp/setup` | 200 `{"secret", "uri"}`: a new secret to enrol (not on yet); 409 `totp_already_on` |
//! | `POST /api/session/totp/confirm` `{"code"}` | 204: the second factor is on; 400 `invalid_totp` |
//! | `DELETE /api/session/totp` `{"code"}` | 204: off again; 400 `invalid_totp` |
//!
//! The coordinators' team routes are in [`crate::routes::admin`] and share
//! this router's guards. `POST` and `DELETE` need `Origin` = this server and
//! a JSON content type (403 `{"error":"forbidden"}` / 415
//! `{"error":"json_required"}`, see [`crate::auth::csrf`]). Every login,
//! failed login, logout and change is written to the audit log.

use crate::audit::{self, Action, Actor};
use crate::auth::AuthSettings;
use crate::auth::accounts::{self, AccountError, TotpCheck};
use crate::auth::counsellors::{self, Counsellor, CounsellorId, FirstName, Role};
use crate::auth::csrf::same_origin_json;
use crate::auth::limiter::LoginLimiter;
use crate::auth::password::Password;
use crate::auth::session::{COUNSELLOR_KEY, CurrentCounsellor, log_in_for};
use crate::auth::totp;
use crate::routes::client::ClientAddress;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http::{HeaderValue, StatusCode, header};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The session routes and the team routes, with one login limiter, the
/// auth settings and the CSRF guard. `https` is `Settings::https`: the
/// scheme the `Origin` must have.
pub fn router(https: bool, auth: Arc<AuthSettings>) -> Router<AppState> {
    Router::new()
        .route(
            "/api/session",
            get(current_session)
                .post(create_session)
                .delete(delete_session),
        )
        .route("/api/session/password", post(set_password_with_code))
        .route("/api/session/password/change", post(change_password))
        .route("/api/session/totp/setup", post(totp_setup))
        .route("/api/session/totp/confirm", post(totp_confirm))
        .route("/api/session/totp", axum::routing::delete(totp_disable))
        .merge(crate::routes::admin::router())
        .merge(crate::booking::console::router())
        .merge(crate::letters::console::router())
        .merge(crate::routes::cases::router())
        .merge(crate::statistics::routes::router())
        .layer(Extension(Arc::new(LoginLimiter::new())))
        .layer(Extension(auth))
        .layer(axum::middleware::from_fn_with_state(
            https,
            same_origin_json,
        ))
}

/// What the console sends to log in.
#[derive(Deserialize)]
struct LoginRequest {
    login: String,
    password: Password,
    /// The second-factor code, when the account has one.
    #[serde(default)]
    totp: Option<String>,
}

/// Who is logged in, as the console shows it. Deliberately small: the
/// login name and id stay on the server.
#[derive(Debug, Serialize)]
pub struct SessionInfo {
    /// The counsellor's first name.
    pub first_name: FirstName,
    /// `counsellor` or `coordinator`.
    pub role: Role,
    /// Whether the second factor is on (the security page shows it);
    /// left out when off.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub totp: bool,
}

impl SessionInfo {
    fn of(counsellor: &Counsellor, totp: bool) -> Self {
        SessionInfo {
            first_name: counsellor.first_name.clone(),
            role: counsellor.role,
            totp,
        }
    }
}

impl From<&counsellors::Counsellor> for SessionInfo {
    fn from(counsellor: &counsellors::Counsellor) -> Self {
        SessionInfo::of(counsellor, false)
    }
}

fn error(status: StatusCode, code: &'static str) -> Response {
    (status, Json(serde_json::json!({ "error": code }))).into_response()
}

/// An error with a message for people: `{"error": code, "message"}`.
pub(crate) fn refuse(
    status: StatusCode,
    code: &'static str,
    message: impl Into<String>,
) -> Response {
    let body = serde_json::json!({ "error": code, "message": message.into() });
    (status, Json(body)).into_response()
}

/// A fault (not a refusal) in a console request: logged (the error only,
/// never content) and answered as `server_error` with a sentence for people.
/// The booking, letter and team routes share it so they answer alike.
pub(crate) fn server_fault(what: &str, error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "{what}");
    refuse(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server_error",
        "The server could not do this; try again.",
    )
}

/// The answer `{}` to a console action that was done.
pub(crate) fn done() -> Response {
    Json(serde_json::json!({})).into_response()
}

fn server_error(what: &'static str, cause: impl std::fmt::Display) -> Response {
    tracing::error!(error = %cause, "{what}");
    error(StatusCode::INTERNAL_SERVER_ERROR, "server_error")
}

/// 429 with the wait in a header and in words ("try again in 12 minutes").
fn too_many(wait: std::time::Duration) -> Response {
    let seconds = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
    let minutes = seconds.div_ceil(60);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    let body = serde_json::json!({
        "error": "too_many_attempts",
        "message": format!("Too many failed attempts. Try again in {minutes} {unit}."),
        "retry_after": seconds,
    });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// Appends to the audit log; a failure is logged (the act already happened
/// and must not be undone because its record could not be written).
pub(crate) async fn audit(
    state: &AppState,
    actor: &Actor,
    action: Action,
    subject: &str,
    detail: &str,
) {
    if let Err(error) = audit::record(&state.db, actor, action, subject, detail).await {
        tracing::error!(%error, action = action.as_str(), "audit entry not written");
    }
}

/// The audit actor for a counsellor.
pub(crate) fn actor(counsellor: &Counsellor) -> Actor {
    Actor::Counsellor(counsellor.id.0, counsellor.login.to_string())
}

/// Tells open consoles of the ended sessions to close now.
pub(crate) fn announce_ended(state: &AppState, ids: Vec<String>) {
    for id in ids {
        if let Ok(id) = id.parse::<tower_sessions::session::Id>() {
            state.chat.hub.session_ended(id);
        }
    }
}

/// `POST /api/session`: log in.
async fn create_session(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<LoginLimiter>>,
    Extension(auth): Extension<Arc<AuthSettings>>,
    ClientAddress(client): ClientAddress,
    session: tower_sessions::Session,
    body: Bytes,
) -> Response {
    let Ok(request) = serde_json::from_slice::<LoginRequest>(&body) else {
        return error(StatusCode::BAD_REQUEST, "bad_request");
    };
    let attempt = match limiter.attempt(&request.login, client) {
        Ok(attempt) => attempt,
        Err(wait) => return too_many(wait),
    };
    let failed = Actor::Unknown(request.login.clone());
    let counsellor =
        match counsellors::verify_login(&state.db, &request.login, request.password).await {
            Ok(Some(counsellor)) => counsellor,
            Ok(None) => {
                audit(&state, &failed, Action::LoginFailed, "session", "password").await;
                return error(StatusCode::UNAUTHORIZED, "login_failed");
            }
            Err(error_) => return server_error("cannot check a login", error_),
        };
    let totp_on = match accounts::totp_enabled(&state.db, counsellor.id).await {
        Ok(on) => on,
        Err(error_) => return server_error("cannot read a second factor", error_),
    };
    if totp_on {
        // The attempt stays counted as a failure until the code fits.
        let Some(code) = request.totp.as_deref().filter(|c| !c.trim().is_empty()) else {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "totp_required",
                "Enter the 6-digit code from your authenticator app.",
            );
        };
        match accounts::check_totp(&state.db, &auth.totp_key, counsellor.id, code).await {
            Ok(TotpCheck::Accepted | TotpCheck::Off) => {}
            Ok(TotpCheck::Refused) => {
                audit(
                    &state,
                    &failed,
                    Action::LoginFailed,
                    "session",
                    "second_factor",
                )
                .await;
                return error(StatusCode::UNAUTHORIZED, "login_failed");
            }
            Err(error_) => return server_error("cannot check a second factor", error_),
        }
    }
    limiter.succeeded(attempt);
    if let Err(error_) = log_in_for(&session, counsellor.id, auth.session_max_age).await {
        return server_error("cannot start a counsellor session", error_);
    }
    tracing::info!(counsellor = %counsellor.id, "counsellor logged in");
    audit(&state, &actor(&counsellor), Action::Login, "session", "").await;
    Json(SessionInfo::of(&counsellor, totp_on)).into_response()
}

/// `GET /api/session`: who is logged in (the console asks on start).
async fn current_session(State(state): State<AppState>, counsellor: CurrentCounsellor) -> Response {
    match accounts::totp_enabled(&state.db, counsellor.counsellor().id).await {
        Ok(totp) => Json(SessionInfo::of(counsellor.counsellor(), totp)).into_response(),
        Err(error_) => server_error("cannot read a second factor", error_),
    }
}

/// `DELETE /api/session`: log out. The session is deleted on the server, so
/// a copied cookie stops working too. Answers 204 even when nobody was
/// logged in: the result is the same.
async fn delete_session(
    State(state): State<AppState>,
    session: tower_sessions::Session,
) -> Response {
    let counsellor = session
        .get::<CounsellorId>(COUNSELLOR_KEY)
        .await
        .ok()
        .flatten();
    let id = session.id();
    if let Err(error_) = session.flush().await {
        return server_error("cannot end a counsellor session", error_);
    }
    // Open consoles of this session close now, not at their next check.
    if let Some(id) = id {
        state.chat.hub.session_ended(id);
    }
    if let Some(id) = counsellor {
        tracing::info!(counsellor = %id, "counsellor logged out");
        let login = match counsellors::find_by_id(&state.db, id).await {
            Ok(Some(c)) => c.login.to_string(),
            _ => String::new(),
        };
        audit(
            &state,
            &Actor::Counsellor(id.0, login),
            Action::Logout,
            "session",
            "",
        )
        .await;
    }
    StatusCode::NO_CONTENT.into_response()
}

/// The answer to a password or code that could not be used.
pub(crate) fn account_error(error_: AccountError) -> Response {
    let message = error_.to_string();
    match error_ {
        AccountError::NotFound => refuse(StatusCode::NOT_FOUND, "not_found", message),
        AccountError::LastCoordinator => refuse(StatusCode::CONFLICT, "last_coordinator", message),
        AccountError::InvalidCode => refuse(StatusCode::BAD_REQUEST, "invalid_code", message),
        AccountError::WrongPassword => refuse(StatusCode::BAD_REQUEST, "wrong_password", message),
        AccountError::PasswordIsLogin
        | AccountError::Password(
            crate::auth::password::PasswordError::TooShort
            | crate::auth::password::PasswordError::TooLong,
        ) => refuse(StatusCode::BAD_REQUEST, "weak_password", message),
        AccountError::Counsellor(counsellors::CounsellorError::InvalidLogin) => {
            refuse(StatusCode::BAD_REQUEST, "invalid_login", message)
        }
        AccountError::Counsellor(counsellors::CounsellorError::InvalidFirstName) => {
            refuse(StatusCode::BAD_REQUEST, "invalid_first_name", message)
        }
        AccountError::Counsellor(counsellors::CounsellorError::DuplicateLogin) => {
            refuse(StatusCode::CONFLICT, "duplicate_login", message)
        }
        other => server_error("a team action failed", other),
    }
}

/// Why a JSON body could not be read, for [`bad_body`].
pub(crate) struct BadBody(String);

/// A JSON body of type `T`, or why not.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, BadBody> {
    serde_json::from_slice(body).map_err(|e| BadBody(e.to_string()))
}

/// The 400 answer to a body that is not the expected JSON.
pub(crate) fn bad_body(BadBody(why): BadBody) -> Response {
    refuse(
        StatusCode::BAD_REQUEST,
        "bad_request",
        format!("the request body is not valid: {why}"),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeRequest {
    login: String,
    code: String,
    new_password: String,
}

/// `POST /api/session/password`: set a password with a one-time code.
/// Public (the new counsellor is not logged in), so limited like logins.
async fn set_password_with_code(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<LoginLimiter>>,
    ClientAddress(client): ClientAddress,
    body: Bytes,
) -> Response {
    let request: CodeRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(bad) => return bad_body(bad),
    };
    let attempt = match limiter.attempt(&request.login, client) {
        Ok(attempt) => attempt,
        Err(wait) => return too_many(wait),
    };
    match accounts::set_password_with_code(
        &state.db,
        &request.login,
        &request.code,
        request.new_password,
    )
    .await
    {
        Ok(counsellor) => {
            limiter.succeeded(attempt);
            audit(
                &state,
                &actor(&counsellor),
                Action::PasswordChanged,
                &format!("counsellor:{}", counsellor.id),
                "one_time_code",
            )
            .await;
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error_) => {
            if matches!(error_, AccountError::InvalidCode) {
                let failed = Actor::Unknown(request.login.clone());
                audit(
                    &state,
                    &failed,
                    Action::LoginFailed,
                    "password_code",
                    "code",
                )
                .await;
            }
            account_error(error_)
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeRequest {
    current_password: Password,
    new_password: String,
}

/// `POST /api/session/password/change`: a counsellor changes their own
/// password. Their other sessions end (this one stays).
async fn change_password(
    State(state): State<AppState>,
    counsellor: CurrentCounsellor,
    session: tower_sessions::Session,
    body: Bytes,
) -> Response {
    let request: ChangeRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(bad) => return bad_body(bad),
    };
    let me = counsellor.counsellor();
    if let Err(error_) = accounts::change_password(
        &state.db,
        me,
        request.current_password,
        request.new_password,
    )
    .await
    {
        return account_error(error_);
    }
    let keep = session.id().map(|id| id.to_string());
    match accounts::end_sessions(&state.db, me.id, keep.as_deref()).await {
        Ok(ended) => announce_ended(&state, ended),
        Err(error_) => tracing::error!(error = %error_, "cannot end the other sessions"),
    }
    let subject = format!("counsellor:{}", me.id);
    audit(&state, &actor(me), Action::PasswordChanged, &subject, "own").await;
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Serialize)]
struct TotpSetup {
    /// Base32, for typing into an app.
    secret: String,
    /// `otpauth://` URI, for apps that take a link.
    uri: String,
}

/// `POST /api/session/totp/setup`: a new secret to enrol.
async fn totp_setup(
    State(state): State<AppState>,
    Extension(auth): Extension<Arc<AuthSettings>>,
    counsellor: CurrentCounsellor,
) -> Response {
    let me = counsellor.counsellor();
    match accounts::totp_enabled(&state.db, me.id).await {
        Ok(false) => {}
        Ok(true) => {
            return refuse(
                StatusCode::CONFLICT,
                "totp_already_on",
                "The second factor is already on; turn it off first.",
            );
        }
        Err(error_) => return server_error("cannot read a second factor", error_),
    }
    match accounts::begin_totp(&state.db, &auth.totp_key, &auth.rng, me.id).await {
        Ok(secret) => Json(TotpSetup {
            secret: totp::base32_encode(&secret),
            uri: totp::otpauth_uri(&auth.issuer, me.login.as_ref(), &secret),
        })
        .into_response(),
        Err(error_) => account_error(error_),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TotpCode {
    code: String,
}

fn invalid_totp() -> Response {
    refuse(
        StatusCode::BAD_REQUEST,
        "invalid_totp",
        "The code does not fit. Check the time on your phone and try the next code.",
    )
}

/// `POST /api/session/totp/confirm`: turns the enrolled secret on.
async fn totp_confirm(
    State(state): State<AppState>,
    Extension(auth): Extension<Arc<AuthSettings>>,
    counsellor: CurrentCounsellor,
    body: Bytes,
) -> Response {
    let request: TotpCode = match parse_body(&body) {
        Ok(request) => request,
        Err(bad) => return bad_body(bad),
    };
    let me = counsellor.counsellor();
    match accounts::confirm_totp(&state.db, &auth.totp_key, me.id, &request.code).await {
        Ok(true) => {
            let subject = format!("counsellor:{}", me.id);
            audit(&state, &actor(me), Action::TotpEnabled, &subject, "").await;
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(false) => invalid_totp(),
        Err(error_) => account_error(error_),
    }
}

/// `DELETE /api/session/totp`: turns the second factor off, with a current
/// code (so a forgotten open console alone cannot do it).
async fn totp_disable(
    State(state): State<AppState>,
    Extension(auth): Extension<Arc<AuthSettings>>,
    counsellor: CurrentCounsellor,
    body: Bytes,
) -> Response {
    let request: TotpCode = match parse_body(&body) {
        Ok(request) => request,
        Err(bad) => return bad_body(bad),
    };
    let me = counsellor.counsellor();
    match accounts::check_totp(&state.db, &auth.totp_key, me.id, &request.code).await {
        Ok(TotpCheck::Accepted) => {}
        Ok(TotpCheck::Off | TotpCheck::Refused) => return invalid_totp(),
        Err(error_) => return account_error(error_),
    }
    if let Err(error_) = accounts::disable_totp(&state.db, me.id).await {
        return server_error("cannot turn a second factor off", error_);
    }
    let subject = format!("counsellor:{}", me.id);
    audit(&state, &actor(me), Action::TotpDisabled, &subject, "own").await;
    StatusCode::NO_CONTENT.into_response()
}
