//! Treatment cases over HTTP, for the console's conversion walk-through and
//! case page ([`app::protocol::case`] has the bodies). Every route needs a
//! logged-in counsellor (401 `not_logged_in`); state changes pass the CSRF
//! guard of [`crate::routes::auth::router`], which this router is merged
//! into. Errors are `{"error": "<code>", "message"}`; no error ever repeats
//! the identifying data it refused.
//!
//! | request | answer |
//! |---|---|
//! | `GET /api/cases` | 200 `[CaseSummary]`: the cases I may open (nothing identifying) |
//! | `GET /api/cases/history/{conversation}` | 200 `CourseHistory`: what may be carried over; 403 `not_your_conversation` |
//! | `POST /api/cases` `NewCase` | 201 `CaseView` (pending); 400 `invalid_cpr`, `invalid_cpr_date`, `age_group_required`, … |
//! | `GET /api/cases/{id}` | 200 `CaseView`; 403 `forbidden` (audited) |
//! | `POST /api/cases/{id}/consent` `ConsentUpdate` | 200 `CaseView` |
//! | `POST /api/cases/{id}/identity` `Identity` | 200 `CaseView` |
//! | `POST /api/cases/{id}/activate` | 200 `CaseView`; 409 `parents_consent_required` / `case_worker_required` |
//! | `POST /api/cases/{id}/entries` `NewEntry` | 201 `CaseView` |
//! | `POST /api/cases/{id}/counsellors` `{counsellor}` | 200 `CaseView` |
//! | `GET /api/cases/{id}/export` | 200 `CaseView` as a JSON download (right of access) |
//! | `POST /api/cases/{id}/close` | 200 `CaseView` with its deletion date |
//! | `DELETE /api/cases/{id}` | 204: key shredded, rows deleted (coordinators, closed cases only) |
//!
//! Only the case's assigned counsellors and coordinators pass; a refused
//! attempt is audited. Every create, read, update, export and delete is
//! audited with who and when, never the data: reads, exports and deletes
//! are recorded *before* they happen, so there is no access without a
//! record.

use crate::audit::{self, Action};
use crate::auth::counsellors::{Counsellor, Role};
use crate::auth::session::CurrentCounsellor;
use crate::cases::{self, CaseError, subject};
use crate::routes::auth::{actor, refuse};
use crate::state::AppState;
use app::protocol::case::{ConsentUpdate, Identity, NewCase, NewEntry};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;

/// The case routes (layers come from the session router).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/cases", get(list).post(create))
        .route("/api/cases/history/{conversation}", get(history))
        .route("/api/cases/{id}", get(read).delete(remove))
        .route("/api/cases/{id}/consent", post(consent))
        .route("/api/cases/{id}/identity", post(identity))
        .route("/api/cases/{id}/activate", post(activate))
        .route("/api/cases/{id}/entries", post(add_entry))
        .route("/api/cases/{id}/counsellors", post(assign))
        .route("/api/cases/{id}/export", get(export))
        .route("/api/cases/{id}/close", post(close))
}

/// The answer to a refused or failed case operation.
fn case_error(error: CaseError) -> Response {
    let status = match &error {
        CaseError::NotFound => StatusCode::NOT_FOUND,
        CaseError::Forbidden | CaseError::NotYourConversation => StatusCode::FORBIDDEN,
        CaseError::Invalid(..) => StatusCode::BAD_REQUEST,
        CaseError::ParentsConsentRequired
        | CaseError::CaseWorkerRequired
        | CaseError::Closed
        | CaseError::NotClosed => StatusCode::CONFLICT,
        CaseError::Crypto(_) | CaseError::Audit | CaseError::Db(_) => {
            // The error names the failure, never the data.
            tracing::error!(error = %error, "a case request failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    refuse(status, error.code(), error.to_string())
}

/// A JSON body, or `None`: then [`bad_form`] answers without repeating it
/// (serde's messages may quote a value, and a value here may be a CPR
/// number).
fn body<T: serde::de::DeserializeOwned>(bytes: &Bytes) -> Option<T> {
    serde_json::from_slice(bytes).ok()
}

/// The 400 answer to a body that is not the expected JSON.
fn bad_form() -> Response {
    refuse(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "the form was not understood; check the fields and try again",
    )
}

/// Records an audit entry; a failure fails the act.
async fn record(
    state: &AppState,
    me: &Counsellor,
    action: Action,
    case: i64,
    detail: &str,
) -> Result<(), Response> {
    audit::record(&state.db, &actor(me), action, &subject(case), detail)
        .await
        .map_err(|_| case_error(CaseError::Audit))
}

/// Lets the case's counsellors and coordinators through; anyone else gets
/// 403, and the attempt is audited.
async fn guard(state: &AppState, me: &Counsellor, case: i64) -> Result<(), Response> {
    match cases::may_open(&state.db, case, me).await {
        Ok(true) => Ok(()),
        Ok(false) => {
            record(state, me, Action::CaseAccessRefused, case, "not assigned").await?;
            Err(case_error(CaseError::Forbidden))
        }
        Err(error) => Err(case_error(error)),
    }
}

/// The case as the answer to a change (the change's audit entry covers it).
async fn view(state: &AppState, case: i64, status: StatusCode) -> Response {
    match cases::load(&state.db, &state.vault, case).await {
        Ok(view) => (status, Json(view)).into_response(),
        Err(error) => case_error(error),
    }
}

/// The guard first (a refused attempt is audited, whatever it sent), then
/// the request's JSON body.
async fn guarded_body<T: serde::de::DeserializeOwned>(
    state: &AppState,
    me: &Counsellor,
    case: i64,
    bytes: &Bytes,
) -> Result<T, Response> {
    guard(state, me, case).await?;
    body(bytes).ok_or_else(bad_form)
}

/// Records the act in the audit log (a failure fails it), then answers with
/// the case as it now is.
async fn recorded_view(
    state: &AppState,
    me: &Counsellor,
    action: Action,
    case: i64,
    detail: &str,
    status: StatusCode,
) -> Response {
    if let Err(refused) = record(state, me, action, case, detail).await {
        return refused;
    }
    view(state, case, status).await
}

/// `GET /api/cases`.
async fn list(State(state): State<AppState>, me: CurrentCounsellor) -> Response {
    match cases::list_for(&state.db, me.counsellor()).await {
        Ok(list) => Json(list).into_response(),
        Err(error) => case_error(error),
    }
}

/// `GET /api/cases/history/{conversation}`: the anonymous history the young
/// person may agree to carry over (content of the course, not identifying).
async fn history(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(conversation): Path<i64>,
) -> Response {
    let store = &state.chat.store;
    let course = match cases::course_of(store, conversation, me.counsellor()).await {
        Ok(course) => course,
        Err(error) => return case_error(error),
    };
    match cases::history(store, &course).await {
        Ok(history) => Json(history).into_response(),
        Err(error) => case_error(error),
    }
}

/// `POST /api/cases`: the conversion.
async fn create(State(state): State<AppState>, me: CurrentCounsellor, bytes: Bytes) -> Response {
    let request: NewCase = match body(&bytes) {
        Some(request) => request,
        None => return bad_form(),
    };
    let me = me.counsellor();
    let (case, carried) =
        match cases::convert(&state.db, &state.vault, &state.chat.store, me, &request).await {
            Ok(done) => done,
            Err(error) => return case_error(error),
        };
    let detail = format!(
        "from conversation:{} consent {} carried {carried}",
        request.conversation,
        request.consent.as_str()
    );
    recorded_view(
        &state,
        me,
        Action::CaseCreated,
        case,
        &detail,
        StatusCode::CREATED,
    )
    .await
}

/// `GET /api/cases/{id}`: the audited read.
async fn read(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    let me = me.counsellor();
    if let Err(refused) = guard(&state, me, id).await {
        return refused;
    }
    recorded_view(&state, me, Action::CaseRead, id, "", StatusCode::OK).await
}

/// `POST /api/cases/{id}/consent`.
async fn consent(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
    bytes: Bytes,
) -> Response {
    let me = me.counsellor();
    let update: ConsentUpdate = match guarded_body(&state, me, id, &bytes).await {
        Ok(update) => update,
        Err(refused) => return refused,
    };
    let recorded = match cases::record_consent(&state.db, &state.vault, id, me, &update).await {
        Ok(recorded) => recorded,
        Err(error) => return case_error(error),
    };
    recorded_view(
        &state,
        me,
        Action::CaseUpdated,
        id,
        &recorded.join(" "),
        StatusCode::OK,
    )
    .await
}

/// `POST /api/cases/{id}/identity`.
async fn identity(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
    bytes: Bytes,
) -> Response {
    let me = me.counsellor();
    let identity: Identity = match guarded_body(&state, me, id, &bytes).await {
        Ok(identity) => identity,
        Err(refused) => return refused,
    };
    if let Err(error) = cases::update_identity(&state.db, &state.vault, id, &identity).await {
        return case_error(error);
    }
    recorded_view(
        &state,
        me,
        Action::CaseUpdated,
        id,
        "identity",
        StatusCode::OK,
    )
    .await
}

/// `POST /api/cases/{id}/activate`.
async fn activate(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    let me = me.counsellor();
    if let Err(refused) = guard(&state, me, id).await {
        return refused;
    }
    if let Err(error) = cases::activate(&state.db, id).await {
        return case_error(error);
    }
    recorded_view(&state, me, Action::CaseActivated, id, "", StatusCode::OK).await
}

/// `POST /api/cases/{id}/entries`.
async fn add_entry(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
    bytes: Bytes,
) -> Response {
    let me = me.counsellor();
    let entry: NewEntry = match guarded_body(&state, me, id, &bytes).await {
        Ok(entry) => entry,
        Err(refused) => return refused,
    };
    let entry_id = match cases::add_entry(&state.db, &state.vault, id, me, &entry).await {
        Ok(entry_id) => entry_id,
        Err(error) => return case_error(error),
    };
    let detail = format!("entry:{entry_id} {}", entry.kind.as_str());
    recorded_view(
        &state,
        me,
        Action::CaseUpdated,
        id,
        &detail,
        StatusCode::CREATED,
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignRequest {
    counsellor: i64,
}

/// `POST /api/cases/{id}/counsellors`.
async fn assign(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
    bytes: Bytes,
) -> Response {
    let me = me.counsellor();
    let request: AssignRequest = match guarded_body(&state, me, id, &bytes).await {
        Ok(request) => request,
        Err(refused) => return refused,
    };
    if let Err(error) = cases::assign(&state.db, id, request.counsellor).await {
        return case_error(error);
    }
    let detail = format!("assigned counsellor:{}", request.counsellor);
    recorded_view(&state, me, Action::CaseUpdated, id, &detail, StatusCode::OK).await
}

/// `GET /api/cases/{id}/export`: everything stored about the young person,
/// as a JSON download (the console's printable page reads it too).
async fn export(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    let me = me.counsellor();
    if let Err(refused) = guard(&state, me, id).await {
        return refused;
    }
    if let Err(refused) = record(&state, me, Action::CaseExported, id, "json").await {
        return refused;
    }
    let mut response = view(&state, id, StatusCode::OK).await;
    if response.status() == StatusCode::OK {
        let disposition = format!("attachment; filename=\"case-{id}.json\"");
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, value);
        }
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// `POST /api/cases/{id}/close`: treatment ended; the retention clock runs.
async fn close(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    let me = me.counsellor();
    if let Err(refused) = guard(&state, me, id).await {
        return refused;
    }
    if let Err(error) = cases::close(&state.db, id, cases::CLOSED_CASE_RETENTION_MS).await {
        return case_error(error);
    }
    recorded_view(&state, me, Action::CaseClosed, id, "", StatusCode::OK).await
}

/// `DELETE /api/cases/{id}`: a coordinator deletes a closed case at once
/// (the young person's right to erasure, or the end of retention).
async fn remove(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    let me = me.counsellor();
    if let Err(refused) = guard(&state, me, id).await {
        return refused;
    }
    if me.role != Role::Coordinator {
        return refuse(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only a coordinator can delete a case",
        );
    }
    match cases::may_delete(&state.db, id).await {
        Ok(()) => {}
        Err(error) => return case_error(error),
    }
    if let Err(refused) = record(&state, me, Action::CaseDeleted, id, "by coordinator").await {
        return refused;
    }
    match cases::delete(&state.db, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => case_error(error),
    }
}
