//! The coordinators' team administration over HTTP, for the console's team
//! page. Every route needs a logged-in coordinator (401 `not_logged_in`,
//! 403 `forbidden`); state changes pass the CSRF guard of
//! [`crate::routes::auth::router`], which this router is merged into.
//! Errors are `{"error": "<code>", "message"}`.
//!
//! | request | answer |
//! |---|---|
//! | `GET /api/admin/counsellors` | 200 `[{id, login, first_name, role, active, totp, password_set, created_at}]` |
//! | `POST /api/admin/counsellors` `{login, first_name, role}` | 201 `{counsellor, code, expires_at}`: the one-time code, shown once |
//! | `POST /api/admin/counsellors/{id}/deactivate` | 200 the account; its sessions end |
//! | `POST /api/admin/counsellors/{id}/reactivate` | 200 the account |
//! | `POST /api/admin/counsellors/{id}/role` `{role}` | 200 the account |
//! | `POST /api/admin/counsellors/{id}/max-chats` `{max_chats}` | 200 the account; 400 `invalid_max_chats` outside 1–10 |
//! | `POST /api/admin/counsellors/{id}/password-reset` | 200 `{code, expires_at}`; the password stops working and sessions end |
//! | `DELETE /api/admin/counsellors/{id}/totp` | 200 the account, second factor off (lost phone) |
//! | `GET /api/admin/audit?before=ID` | 200 `{entries, next_before}`, newest first, 50 a page |
//! | `GET /api/admin/audit/verify` | 200 `{ok: true, entries}` or `{ok: false, broken_at}` |
//!
//! A coordinator cannot deactivate or demote themselves (409 `not_yourself`),
//! and the last active coordinator cannot be removed (409
//! `last_coordinator`). Every action, and reading the log, is audited.

use crate::audit::{self, Action, AuditError};
use crate::auth::AuthSettings;
use crate::auth::accounts::{self, AccountSummary, MaxChats};
use crate::auth::counsellors::{CounsellorId, Role};
use crate::auth::session::{AuthRejection, CurrentCounsellor};
use crate::routes::auth::{
    account_error, actor, announce_ended, audit, bad_body, parse_body, refuse, server_fault,
};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http::StatusCode;
use serde::Deserialize;
use std::sync::Arc;

/// Entries per page of the audit log.
pub const AUDIT_PAGE: u32 = 50;

/// The team routes (layers come from the session router).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/admin/counsellors", get(list).post(create))
        .route("/api/admin/counsellors/{id}/deactivate", post(deactivate))
        .route("/api/admin/counsellors/{id}/reactivate", post(reactivate))
        .route("/api/admin/counsellors/{id}/role", post(change_role))
        .route(
            "/api/admin/counsellors/{id}/max-chats",
            post(change_max_chats),
        )
        .route(
            "/api/admin/counsellors/{id}/password-reset",
            post(reset_password),
        )
        .route(
            "/api/admin/counsellors/{id}/totp",
            axum::routing::delete(disable_totp),
        )
        .route("/api/admin/audit", get(audit_log))
        .route("/api/admin/audit/verify", get(audit_verify))
}

/// The logged-in coordinator, or the refusal.
fn coordinator(counsellor: CurrentCounsellor) -> Result<CurrentCounsellor, AuthRejection> {
    counsellor.require_coordinator()?;
    Ok(counsellor)
}

/// The logged-in coordinator and their request's JSON body, or the answer
/// that refuses it (401/403, or 400 for a body that is not the request).
fn coordinator_asking<T: serde::de::DeserializeOwned>(
    counsellor: CurrentCounsellor,
    body: &Bytes,
) -> Result<(CurrentCounsellor, T), Box<Response>> {
    let me = coordinator(counsellor).map_err(|refused| Box::new(refused.into_response()))?;
    let request = parse_body(body).map_err(|bad| Box::new(bad_body(bad)))?;
    Ok((me, request))
}

fn database_error(error: impl std::fmt::Display) -> Response {
    server_fault("a team request failed", error)
}

/// The account's current row, as the answer to a change.
async fn answer(state: &AppState, id: CounsellorId) -> Response {
    match accounts::summary(&state.db, id).await {
        Ok(Some(summary)) => Json(summary).into_response(),
        Ok(None) => refuse(StatusCode::NOT_FOUND, "not_found", "no such counsellor"),
        Err(error) => database_error(error),
    }
}

/// `GET /api/admin/counsellors`.
async fn list(State(state): State<AppState>, counsellor: CurrentCounsellor) -> Response {
    if let Err(refused) = coordinator(counsellor) {
        return refused.into_response();
    }
    match accounts::summaries(&state.db).await {
        Ok(all) => Json::<Vec<AccountSummary>>(all).into_response(),
        Err(error) => database_error(error),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateRequest {
    login: String,
    first_name: String,
    role: RoleField,
}

/// A role as the console sends it.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RoleField {
    Counsellor,
    Coordinator,
}

impl From<RoleField> for Role {
    fn from(role: RoleField) -> Role {
        match role {
            RoleField::Counsellor => Role::Counsellor,
            RoleField::Coordinator => Role::Coordinator,
        }
    }
}

/// `POST /api/admin/counsellors`: a new account and its one-time code.
async fn create(
    State(state): State<AppState>,
    Extension(auth): Extension<Arc<AuthSettings>>,
    counsellor: CurrentCounsellor,
    body: Bytes,
) -> Response {
    let (me, request) = match coordinator_asking::<CreateRequest>(counsellor, &body) {
        Ok(asked) => asked,
        Err(refused) => return *refused,
    };
    let new = match accounts::parse_new(&request.login, &request.first_name, request.role.into()) {
        Ok(new) => new,
        Err(error) => return account_error(error),
    };
    match accounts::create_with_code(&state.db, &auth.rng, new).await {
        Ok((summary, code)) => {
            let detail = format!("{} {}", summary.login, summary.role);
            let id = CounsellorId(summary.id);
            audit_account(&state, &me, Action::CounsellorCreated, id, &detail).await;
            let body = serde_json::json!({
                "counsellor": summary,
                "code": code.code,
                "expires_at": code.expires_at,
            });
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Err(error) => account_error(error),
    }
}

/// Audits what the coordinator `me` did to counsellor `id`'s account.
async fn audit_account(
    state: &AppState,
    me: &CurrentCounsellor,
    action: Action,
    id: CounsellorId,
    detail: &str,
) {
    let subject = format!("counsellor:{id}");
    audit(state, &actor(me.counsellor()), action, &subject, detail).await;
}

fn not_yourself() -> Response {
    refuse(
        StatusCode::CONFLICT,
        "not_yourself",
        "You cannot deactivate or demote your own account; ask another coordinator.",
    )
}

/// `POST /api/admin/counsellors/{id}/deactivate`: the account stops working
/// and its sessions end at once.
async fn deactivate(
    State(state): State<AppState>,
    counsellor: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    let me = match coordinator(counsellor) {
        Ok(me) => me,
        Err(refused) => return refused.into_response(),
    };
    let id = CounsellorId(id);
    if me.counsellor().id == id {
        return not_yourself();
    }
    if let Err(error) = accounts::set_active(&state.db, id, false).await {
        return account_error(error);
    }
    match accounts::end_sessions(&state.db, id, None).await {
        Ok(ended) => announce_ended(&state, ended),
        Err(error) => return database_error(error),
    }
    audit_account(&state, &me, Action::CounsellorDeactivated, id, "").await;
    answer(&state, id).await
}

/// `POST /api/admin/counsellors/{id}/reactivate`.
async fn reactivate(
    State(state): State<AppState>,
    counsellor: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    let me = match coordinator(counsellor) {
        Ok(me) => me,
        Err(refused) => return refused.into_response(),
    };
    let id = CounsellorId(id);
    if let Err(error) = accounts::set_active(&state.db, id, true).await {
        return account_error(error);
    }
    audit_account(&state, &me, Action::CounsellorReactivated, id, "").await;
    answer(&state, id).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleRequest {
    role: RoleField,
}

/// `POST /api/admin/counsellors/{id}/role`.
async fn change_role(
    State(state): State<AppState>,
    counsellor: CurrentCounsellor,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let (me, request) = match coordinator_asking::<RoleRequest>(counsellor, &body) {
        Ok(asked) => asked,
        Err(refused) => return *refused,
    };
    let id = CounsellorId(id);
    let role = Role::from(request.role);
    if me.counsellor().id == id && role != Role::Coordinator {
        return not_yourself();
    }
    if let Err(error) = accounts::set_role(&state.db, id, role).await {
        return account_error(error);
    }
    audit_account(&state, &me, Action::RoleChanged, id, role.as_str()).await;
    answer(&state, id).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MaxChatsRequest {
    max_chats: serde_json::Value,
}

/// `POST /api/admin/counsellors/{id}/max-chats`: how many chats the account
/// takes at once. Chats it holds stay; the next claim or transfer counts
/// against the new number, on every node (the check reads the database).
async fn change_max_chats(
    State(state): State<AppState>,
    counsellor: CurrentCounsellor,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let (me, request) = match coordinator_asking::<MaxChatsRequest>(counsellor, &body) {
        Ok(asked) => asked,
        Err(refused) => return *refused,
    };
    let max = match MaxChats::parse(&request.max_chats.to_string()) {
        Ok(max) => max,
        Err(why) => return refuse(StatusCode::BAD_REQUEST, "invalid_max_chats", why),
    };
    let id = CounsellorId(id);
    if let Err(error) = accounts::set_max_chats(&state.db, id, max).await {
        return account_error(error);
    }
    // The team sees the new number at once where the counsellor is on duty
    // on this node.
    state.chat.hub.set_max_chats(id.0, max.get());
    audit_account(
        &state,
        &me,
        Action::MaxChatsChanged,
        id,
        &max.get().to_string(),
    )
    .await;
    answer(&state, id).await
}

/// `POST /api/admin/counsellors/{id}/password-reset`: a new one-time code;
/// the old password and every session of the account stop working.
async fn reset_password(
    State(state): State<AppState>,
    Extension(auth): Extension<Arc<AuthSettings>>,
    counsellor: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    let me = match coordinator(counsellor) {
        Ok(me) => me,
        Err(refused) => return refused.into_response(),
    };
    let id = CounsellorId(id);
    let code = match accounts::issue_reset_code(&state.db, &auth.rng, id).await {
        Ok(code) => code,
        Err(error) => return account_error(error),
    };
    match accounts::end_sessions(&state.db, id, None).await {
        Ok(ended) => announce_ended(&state, ended),
        Err(error) => return database_error(error),
    }
    audit_account(&state, &me, Action::PasswordResetIssued, id, "").await;
    Json(code).into_response()
}

/// `DELETE /api/admin/counsellors/{id}/totp`: the second factor off, for a
/// counsellor who lost their phone.
async fn disable_totp(
    State(state): State<AppState>,
    counsellor: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    let me = match coordinator(counsellor) {
        Ok(me) => me,
        Err(refused) => return refused.into_response(),
    };
    let id = CounsellorId(id);
    match accounts::disable_totp(&state.db, id).await {
        Ok(true) => {}
        Ok(false) => return refuse(StatusCode::NOT_FOUND, "not_found", "no such counsellor"),
        Err(error) => return database_error(error),
    }
    audit_account(&state, &me, Action::TotpDisabled, id, "by_coordinator").await;
    answer(&state, id).await
}

#[derive(Deserialize)]
struct AuditQuery {
    before: Option<i64>,
}

/// `GET /api/admin/audit?before=ID`: a page of the log, newest first.
/// Reading it is itself recorded first: no reading without a record.
async fn audit_log(
    State(state): State<AppState>,
    counsellor: CurrentCounsellor,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let me = match coordinator(counsellor) {
        Ok(me) => me,
        Err(refused) => return refused.into_response(),
    };
    let Ok(Query(query)) = query else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "before must be an entry number",
        );
    };
    let detail = query
        .before
        .map(|b| format!("before {b}"))
        .unwrap_or_default();
    if let Err(error) = audit::record(
        &state.db,
        &actor(me.counsellor()),
        Action::AuditViewed,
        "audit_log",
        &detail,
    )
    .await
    {
        return database_error(error);
    }
    match audit::list(&state.db, query.before, AUDIT_PAGE).await {
        Ok(entries) => {
            let next_before = if entries.len() == AUDIT_PAGE as usize {
                entries.last().map(|e| e.id)
            } else {
                None
            };
            Json(serde_json::json!({ "entries": entries, "next_before": next_before }))
                .into_response()
        }
        Err(error) => database_error(error),
    }
}

/// `GET /api/admin/audit/verify`: walks the whole hash chain.
async fn audit_verify(State(state): State<AppState>, counsellor: CurrentCounsellor) -> Response {
    if let Err(refused) = coordinator(counsellor) {
        return refused.into_response();
    }
    match audit::verify(&state.db).await {
        Ok(entries) => Json(serde_json::json!({ "ok": true, "entries": entries })).into_response(),
        Err(AuditError::Broken(at)) => {
            Json(serde_json::json!({ "ok": false, "broken_at": at })).into_response()
        }
        Err(error) => database_error(error),
    }
}
