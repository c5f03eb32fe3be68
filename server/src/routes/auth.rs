//! Counsellor login and logout over HTTP, for the console:
//!
//! | request | answer |
//! |---|---|
//! | `POST /api/session` `{"login", "password"}` | 200 `{"first_name", "role"}` and the session cookie; 401 `{"error":"login_failed"}`; 429 `{"error":"too_many_attempts"}` with `Retry-After`; 400 `{"error":"bad_request"}` for a body that is not the JSON above |
//! | `GET /api/session` | 200 `{"first_name", "role"}`; 401 `{"error":"not_logged_in"}` |
//! | `DELETE /api/session` | 204, the session is deleted on the server |
//!
//! `POST` and `DELETE` need `Origin` = this server and a JSON content type
//! (403 `{"error":"forbidden"}` / 415 `{"error":"json_required"}`, see
//! [`crate::auth::csrf`]).

use crate::auth::counsellors::{self, CounsellorId, FirstName, Role};
use crate::auth::csrf::same_origin_json;
use crate::auth::limiter::LoginLimiter;
use crate::auth::password::Password;
use crate::auth::session::{COUNSELLOR_KEY, CurrentCounsellor, log_in};
use crate::routes::client::ClientAddress;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use http::{HeaderValue, StatusCode, header};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The session routes, with their own login limiter and the CSRF guard.
/// `https` is `Settings::https`: the scheme the `Origin` must have.
pub fn router(https: bool) -> Router<AppState> {
    Router::new()
        .route(
            "/api/session",
            get(current_session)
                .post(create_session)
                .delete(delete_session),
        )
        .layer(Extension(Arc::new(LoginLimiter::new())))
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
}

/// Who is logged in, as the console shows it. Deliberately small: the
/// login name and id stay on the server.
#[derive(Debug, Serialize)]
pub struct SessionInfo {
    /// The counsellor's first name.
    pub first_name: FirstName,
    /// `counsellor` or `coordinator`.
    pub role: Role,
}

impl From<&counsellors::Counsellor> for SessionInfo {
    fn from(counsellor: &counsellors::Counsellor) -> Self {
        SessionInfo {
            first_name: counsellor.first_name.clone(),
            role: counsellor.role,
        }
    }
}

fn error(status: StatusCode, code: &'static str) -> Response {
    (status, Json(serde_json::json!({ "error": code }))).into_response()
}

/// `POST /api/session`: log in.
async fn create_session(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<LoginLimiter>>,
    ClientAddress(client): ClientAddress,
    session: tower_sessions::Session,
    body: Bytes,
) -> Response {
    let Ok(request) = serde_json::from_slice::<LoginRequest>(&body) else {
        return error(StatusCode::BAD_REQUEST, "bad_request");
    };
    let attempt = match limiter.attempt(&request.login, client) {
        Ok(attempt) => attempt,
        Err(wait) => {
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
            return response;
        }
    };
    let counsellor =
        match counsellors::verify_login(&state.db, &request.login, request.password).await {
            Ok(Some(counsellor)) => counsellor,
            Ok(None) => return error(StatusCode::UNAUTHORIZED, "login_failed"),
            Err(error_) => {
                tracing::error!(error = %error_, "cannot check a login");
                return error(StatusCode::INTERNAL_SERVER_ERROR, "server_error");
            }
        };
    limiter.succeeded(attempt);
    if let Err(error_) = log_in(&session, counsellor.id).await {
        tracing::error!(error = %error_, "cannot start a counsellor session");
        return error(StatusCode::INTERNAL_SERVER_ERROR, "server_error");
    }
    tracing::info!(counsellor = %counsellor.id, "counsellor logged in");
    Json(SessionInfo::from(&counsellor)).into_response()
}

/// `GET /api/session`: who is logged in (the console asks on start).
async fn current_session(counsellor: CurrentCounsellor) -> Json<SessionInfo> {
    Json(SessionInfo::from(counsellor.counsellor()))
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
        tracing::error!(error = %error_, "cannot end a counsellor session");
        return error(StatusCode::INTERNAL_SERVER_ERROR, "server_error");
    }
    // Open consoles of this session close now, not at their next check.
    if let Some(id) = id {
        state.chat.hub.session_ended(id);
    }
    if let Some(id) = counsellor {
        tracing::info!(counsellor = %id, "counsellor logged out");
    }
    StatusCode::NO_CONTENT.into_response()
}
