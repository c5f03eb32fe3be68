//! The counsellors' letter routes, JSON for the console. Every route needs
//! a logged-in counsellor (401). Merged into [`crate::routes::auth::router`],
//! so state changes pass its CSRF guard. Errors are
//! `{"error": "<code>", "message"}`.
//!
//! | request | answer |
//! |---|---|
//! | `GET /api/letters` | 200 `{queue, answered, review_before_send, me}`: threads waiting for an answer, nearest deadline first (no letter text), and one's own answered threads |
//! | `GET /api/letters/{id}` | 200 the thread with its letters and the draft |
//! | `POST /api/letters/{id}/claim` · `/release` | 200 `{}`; 409 `taken` when a colleague has it |
//! | `PUT /api/letters/{id}/draft` `{text}` | 200 `{}`: saved; colleagues see "being answered by" |
//! | `POST /api/letters/{id}/send` `{text}` | 200 `{sent: "sent" \| "for_review"}`; 409 `nothing_to_answer` |
//! | `POST /api/letters/{id}/approve` | 200 `{}`: a colleague's reviewed draft is sent; 409 `no_review` for one's own |

use super::store;
use super::{LetterError, Refusal, parse_text};
use crate::auth::session::CurrentCounsellor;
use crate::routes::auth::{bad_body, done, parse_body, refuse, server_fault};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use http::StatusCode;
use serde::Deserialize;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/letters", get(queue))
        .route("/api/letters/{id}", get(thread))
        .route("/api/letters/{id}/claim", post(claim))
        .route("/api/letters/{id}/release", post(release))
        .route("/api/letters/{id}/draft", put(draft))
        .route("/api/letters/{id}/send", post(send))
        .route("/api/letters/{id}/approve", post(approve))
}

/// The JSON answer to a failed letter operation.
pub fn error_response(error: LetterError) -> Response {
    match error {
        LetterError::Refused(refusal) => {
            let (status, code) = match refusal {
                Refusal::Empty => (StatusCode::BAD_REQUEST, "empty"),
                Refusal::TooLong => (StatusCode::BAD_REQUEST, "too_long"),
                Refusal::Taken => (StatusCode::CONFLICT, "taken"),
                Refusal::NothingToAnswer => (StatusCode::CONFLICT, "nothing_to_answer"),
                Refusal::ReviewRequired => (StatusCode::CONFLICT, "review_required"),
                Refusal::NoReview => (StatusCode::CONFLICT, "no_review"),
                Refusal::NotFound | Refusal::UnknownCode => (StatusCode::NOT_FOUND, "not_found"),
                Refusal::TooManyAttempts => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
                Refusal::BadChoice => (StatusCode::BAD_REQUEST, "bad_request"),
            };
            refuse(status, code, refusal.to_string())
        }
        other => server_fault("a letter request failed", other),
    }
}

/// `GET /api/letters`.
async fn queue(State(state): State<AppState>, me: CurrentCounsellor) -> Response {
    let me = me.counsellor().id.0;
    let waiting = match store::queue(&state.letters).await {
        Ok(list) => list,
        Err(error) => return error_response(error),
    };
    let answered = match store::answered_by(&state.letters, me).await {
        Ok(list) => list,
        Err(error) => return error_response(error),
    };
    Json(serde_json::json!({
        "queue": waiting,
        "answered": answered,
        "review_before_send": state.letters.config.review_before_send,
        "max_chars": state.letters.config.max_chars,
        "me": me,
    }))
    .into_response()
}

/// `GET /api/letters/{id}`.
async fn thread(
    State(state): State<AppState>,
    _me: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    match store::thread(&state.letters, id).await {
        Ok(view) => Json(view).into_response(),
        Err(error) => error_response(error),
    }
}

async fn claim(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    match store::claim(&state.letters, id, me.counsellor().id.0).await {
        Ok(()) => done(),
        Err(error) => error_response(error),
    }
}

async fn release(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    match store::release(&state.letters, id, me.counsellor().id.0).await {
        Ok(()) => done(),
        Err(error) => error_response(error),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextRequest {
    text: String,
}

/// Reads and checks `{text}`: not empty, within the letters' limit.
fn text_of(state: &AppState, body: &Bytes) -> Result<String, Box<Response>> {
    let request: TextRequest = parse_body(body).map_err(|bad| Box::new(bad_body(bad)))?;
    parse_text(&request.text, state.letters.config.max_chars)
        .map_err(|refusal| Box::new(error_response(refusal.into())))
}

async fn draft(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let text = match text_of(&state, &body) {
        Ok(text) => text,
        Err(refused) => return *refused,
    };
    let now = crate::db::now_millis();
    match store::save_draft(&state.letters, id, me.counsellor().id.0, &text, now).await {
        Ok(()) => done(),
        Err(error) => error_response(error),
    }
}

async fn send(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let text = match text_of(&state, &body) {
        Ok(text) => text,
        Err(refused) => return *refused,
    };
    let now = crate::db::now_millis();
    match store::send(&state.letters, id, me.counsellor().id.0, &text, now).await {
        Ok(sent) => Json(serde_json::json!({ "sent": sent })).into_response(),
        Err(error) => error_response(error),
    }
}

async fn approve(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    let now = crate::db::now_millis();
    match store::approve(&state.letters, id, me.counsellor().id.0, now).await {
        Ok(()) => done(),
        Err(error) => error_response(error),
    }
}

#[cfg(test)]
mod tests {
    use super::store::Sent;

    #[test]
    fn what_was_sent_is_named_on_the_wire() {
        assert_eq!(
            serde_json::to_value(Sent::ForReview).ok(),
            Some(serde_json::json!("for_review"))
        );
    }
}
