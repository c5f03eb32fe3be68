//! The counsellor's side of a session: logging in (with a fresh session id),
//! and [`CurrentCounsellor`], the extractor every counsellor route uses.

use crate::auth::counsellors::{self, Counsellor, CounsellorId, Role};
use crate::db::Db;
use axum::Json;
use axum::extract::{FromRef, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;
use tower_sessions::Session;

/// The session key holding the logged-in counsellor's id. Nothing else about
/// the counsellor is kept in the session: the account is read on each
/// request, so deactivating it takes effect at once.
pub const COUNSELLOR_KEY: &str = "counsellor_id";

/// The session key holding when the login ends at the latest (Unix
/// milliseconds), however active the counsellor is: a shared or forgotten
/// computer does not stay logged in for days.
pub const DEADLINE_KEY: &str = "login_deadline";

/// Marks `session` as belonging to `counsellor` for at most
/// [`crate::auth::SESSION_MAX_AGE`]. The session id is rotated first, so an
/// id planted before login (session fixation) is worthless.
pub async fn log_in(
    session: &Session,
    counsellor: CounsellorId,
) -> Result<(), tower_sessions::session::Error> {
    log_in_for(session, counsellor, crate::auth::SESSION_MAX_AGE).await
}

/// [`log_in`] with a maximum session age of `max_age` (from the settings).
pub async fn log_in_for(
    session: &Session,
    counsellor: CounsellorId,
    max_age: std::time::Duration,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    let max_ms = i64::try_from(max_age.as_millis()).unwrap_or(i64::MAX);
    let deadline = crate::db::now_millis().saturating_add(max_ms);
    session.insert(DEADLINE_KEY, deadline).await?;
    session.insert(COUNSELLOR_KEY, counsellor).await
}

/// Why a counsellor route refused a request. Each answers with a small JSON
/// body `{"error": "<code>"}` the console can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthRejection {
    /// No session, an expired one, or the account was deactivated: 401
    /// `not_logged_in`.
    NotLoggedIn,
    /// Logged in, but the role does not allow this: 403 `forbidden`.
    Forbidden,
    /// The session or account could not be read: 500 `server_error` (the
    /// cause is logged where it happened).
    Unavailable,
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        let (status, code) = match self {
            AuthRejection::NotLoggedIn => (StatusCode::UNAUTHORIZED, "not_logged_in"),
            AuthRejection::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            AuthRejection::Unavailable => (StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
        };
        (status, Json(serde_json::json!({ "error": code }))).into_response()
    }
}

/// The logged-in, active counsellor making this request. Put it in a
/// handler's arguments and the handler only runs for logged-in staff:
///
/// ```ignore
/// async fn queue(counsellor: CurrentCounsellor, State(state): State<AppState>) -> … {
///     counsellor.require_coordinator()?; // only where coordinators alone may act
///     …
/// }
/// ```
///
/// Works with any router state from which a [`Db`] can be taken (such as
/// `AppState`); needs the session layer, which `startup` installs.
#[derive(Clone, Debug)]
pub struct CurrentCounsellor(pub Counsellor);

impl CurrentCounsellor {
    /// The account.
    pub fn counsellor(&self) -> &Counsellor {
        &self.0
    }

    /// Refuses with 403 unless the counsellor is a coordinator (managing
    /// counsellors, opening hours, texts, statistics).
    pub fn require_coordinator(&self) -> Result<(), AuthRejection> {
        if self.0.role == Role::Coordinator {
            Ok(())
        } else {
            Err(AuthRejection::Forbidden)
        }
    }
}

impl<S> FromRequestParts<S> for CurrentCounsellor
where
    S: Send + Sync,
    Db: FromRef<S>,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let session = parts.extensions.get::<Session>().cloned().ok_or_else(|| {
            tracing::error!("CurrentCounsellor used on a route without the session layer");
            AuthRejection::Unavailable
        })?;
        let id: Option<CounsellorId> = session.get(COUNSELLOR_KEY).await.map_err(|error| {
            tracing::error!(%error, "cannot read the session");
            AuthRejection::Unavailable
        })?;
        let id = id.ok_or(AuthRejection::NotLoggedIn)?;
        let deadline: Option<i64> = session.get(DEADLINE_KEY).await.map_err(|error| {
            tracing::error!(%error, "cannot read the session");
            AuthRejection::Unavailable
        })?;
        if deadline.is_some_and(|deadline| crate::db::now_millis() >= deadline) {
            // Past the maximum age: log in again, however active.
            if let Err(error) = session.flush().await {
                tracing::warn!(%error, "cannot end a session past its maximum age");
            }
            return Err(AuthRejection::NotLoggedIn);
        }
        let db = Db::from_ref(state);
        let counsellor = counsellors::find_by_id(&db, id).await.map_err(|error| {
            tracing::error!(%error, "cannot read the counsellor of a session");
            AuthRejection::Unavailable
        })?;
        match counsellor {
            Some(counsellor) if counsellor.active => Ok(CurrentCounsellor(counsellor)),
            _ => {
                // Deactivated or deleted: end the session for good.
                if let Err(error) = session.flush().await {
                    tracing::warn!(%error, "cannot end the session of an inactive account");
                }
                Err(AuthRejection::NotLoggedIn)
            }
        }
    }
}
