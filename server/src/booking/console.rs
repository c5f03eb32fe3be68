//! The counsellors' booking routes, JSON for the console. Every route needs
//! a logged-in counsellor (401); course administration a coordinator
//! (403). Merged into [`crate::routes::auth::router`], so state changes
//! pass its CSRF guard. Errors are `{"error": "<code>", "message"}`.
//!
//! | request | answer |
//! |---|---|
//! | `GET /api/booking/agenda?team=1&days=14` | 200 `[AgendaEntry]` from yesterday on; phone numbers only on one's own |
//! | `POST /api/booking/{id}/attended` · `/no-show` | 200 `{}`; 409 `closed` unless booked |
//! | `POST /api/booking/{id}/cancel` `{note}` | 200 `{}`; the booker sees the note with their code |
//! | `POST /api/booking/{id}/reassign` `{counsellor_id}` | 200 `{}`; 409 `taken` when the colleague is busy then |
//! | `POST /api/booking/{id}/video` `{link}` | 200 `{}`; 400 `bad_link` (not `https://…`), `not_video`; 403 `not_yours`; 409 `closed` |
//! | `GET /api/booking/availability` | 200 own `PublishedHours` |
//! | `PUT /api/booking/availability` `PublishedHours` | 200 `{}`; 400 `bad_range` |
//! | `GET /api/groups` | 200 `[Course]` |
//! | `POST /api/groups` `NewCourse` or `{template:"parent_group", name, place, capacity, first_evening:"YYYY-MM-DD", start:"HH:MM"}` | 201 `{id}` (coordinators) |
//! | `GET /api/groups/{id}/evaluations` | 200 `Results` (coordinators) |
//! | `POST /api/groups` `{name, audience, place, capacity, local_sessions:[{day, from, to}]}` | 201 `{id}`: sessions in Copenhagen time (coordinators) |
//! | `GET /api/booking/colleagues` | 200 `[{id, first_name}]`: active counsellors, for reassigning |

use super::groups::{self, Audience, CourseError, NewCourse};
use super::store::{self, PublishError, PublishedHours, VideoLinkError};
use super::{BookingError, MAX_NOTE_CHARS, Refusal};
use crate::auth::session::CurrentCounsellor;
use crate::routes::auth::{bad_body, done, parse_body, refuse, server_fault};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http::StatusCode;
use serde::Deserialize;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/booking/agenda", get(agenda))
        .route("/api/booking/{id}/attended", post(attended))
        .route("/api/booking/{id}/no-show", post(no_show))
        .route("/api/booking/{id}/cancel", post(cancel))
        .route("/api/booking/{id}/reassign", post(reassign))
        .route("/api/booking/{id}/video", post(video_link))
        .route("/api/booking/availability", get(availability).put(publish))
        .route("/api/booking/colleagues", get(colleagues))
        .route("/api/groups", get(courses).post(create_course))
        .route("/api/groups/{id}/evaluations", get(evaluations))
}

/// The JSON answer to a failed booking operation.
pub fn error_response(error: BookingError) -> Response {
    match error {
        BookingError::Refused(refusal) => {
            let (status, code) = match refusal {
                Refusal::Taken => (StatusCode::CONFLICT, "taken"),
                Refusal::Closed => (StatusCode::CONFLICT, "closed"),
                Refusal::Full => (StatusCode::CONFLICT, "full"),
                Refusal::TooManyAttempts => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
                Refusal::UnknownCode | Refusal::UnknownCourse => {
                    (StatusCode::NOT_FOUND, "not_found")
                }
                _ => (StatusCode::BAD_REQUEST, "bad_request"),
            };
            refuse(status, code, refusal.to_string())
        }
        other => server_fault("a booking request failed", other),
    }
}

#[derive(Deserialize)]
struct AgendaQuery {
    #[serde(default)]
    team: u8,
    #[serde(default)]
    days: Option<u16>,
}

/// `GET /api/booking/agenda`.
async fn agenda(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Query(query): Query<AgendaQuery>,
) -> Response {
    let now = crate::db::now_millis();
    let days = i64::from(query.days.unwrap_or(28).clamp(1, 120));
    match store::agenda(
        &state.booking,
        me.counsellor().id.0,
        query.team == 1,
        now - 86_400_000,
        now + days * 86_400_000,
    )
    .await
    {
        Ok(entries) => Json(entries).into_response(),
        Err(error) => error_response(error),
    }
}

async fn attended(
    State(state): State<AppState>,
    _me: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    match store::mark(&state.booking, id, true, crate::db::now_millis()).await {
        Ok(()) => done(),
        Err(error) => error_response(error),
    }
}

async fn no_show(
    State(state): State<AppState>,
    _me: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    match store::mark(&state.booking, id, false, crate::db::now_millis()).await {
        Ok(()) => done(),
        Err(error) => error_response(error),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelRequest {
    #[serde(default)]
    note: String,
}

async fn cancel(
    State(state): State<AppState>,
    _me: CurrentCounsellor,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let request: CancelRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(bad) => return bad_body(bad),
    };
    if request.note.chars().count() > MAX_NOTE_CHARS {
        return error_response(Refusal::MessageTooLong.into());
    }
    match store::cancel_by_counsellor(&state.booking, id, &request.note, crate::db::now_millis())
        .await
    {
        Ok(()) => done(),
        Err(error) => error_response(error),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReassignRequest {
    counsellor_id: i64,
}

async fn reassign(
    State(state): State<AppState>,
    _me: CurrentCounsellor,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let request: ReassignRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(bad) => return bad_body(bad),
    };
    match store::reassign(
        &state.booking,
        id,
        request.counsellor_id,
        crate::db::now_millis(),
    )
    .await
    {
        Ok(()) => done(),
        Err(error) => error_response(error),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VideoLinkRequest {
    link: String,
}

/// `POST /api/booking/{id}/video`: the assigned counsellor gives the link.
async fn video_link(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let request: VideoLinkRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(bad) => return bad_body(bad),
    };
    let Some(link) = super::parse_video_link(&request.link) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "bad_link",
            "Give an https:// address without spaces, at most 300 characters.",
        );
    };
    let now = crate::db::now_millis();
    match store::set_video_link(&state.booking, id, me.counsellor().id.0, &link, now).await {
        Ok(()) => done(),
        Err(VideoLinkError::NotFound) => {
            refuse(StatusCode::NOT_FOUND, "not_found", "No such booking.")
        }
        Err(VideoLinkError::NotYours) => refuse(
            StatusCode::FORBIDDEN,
            "not_yours",
            "Only the counsellor who holds the booking gives its link.",
        ),
        Err(VideoLinkError::NotVideo) => refuse(
            StatusCode::BAD_REQUEST,
            "not_video",
            "Only video calls have a link.",
        ),
        Err(VideoLinkError::Closed) => refuse(
            StatusCode::CONFLICT,
            "closed",
            "The booking is over or cancelled.",
        ),
        Err(VideoLinkError::Failed(error)) => error_response(error),
    }
}

async fn availability(State(state): State<AppState>, me: CurrentCounsellor) -> Response {
    match store::published(&state.booking, me.counsellor().id.0).await {
        Ok(hours) => Json(hours).into_response(),
        Err(error) => error_response(error),
    }
}

async fn publish(State(state): State<AppState>, me: CurrentCounsellor, body: Bytes) -> Response {
    let hours: PublishedHours = match parse_body(&body) {
        Ok(h) => h,
        Err(bad) => return bad_body(bad),
    };
    match store::publish(&state.booking, me.counsellor().id.0, &hours).await {
        Ok(()) => done(),
        Err(PublishError::BadRange) => refuse(
            StatusCode::BAD_REQUEST,
            "bad_range",
            PublishError::BadRange.to_string(),
        ),
        Err(PublishError::Db(error)) => error_response(error.into()),
    }
}

async fn courses(State(state): State<AppState>, _me: CurrentCounsellor) -> Response {
    match groups::courses(&state.booking, None).await {
        Ok(all) => Json(all).into_response(),
        Err(error) => error_response(error.into()),
    }
}

/// The standard parent group, from its first evening.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FromTemplate {
    template: String,
    name: String,
    place: String,
    #[serde(default = "default_capacity")]
    capacity: u16,
    first_evening: String,
    start: String,
}

fn default_capacity() -> u16 {
    10
}

/// A course whose sessions are given as Copenhagen wall-clock times (the
/// console has no time-zone database).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocalCourse {
    name: String,
    audience: Audience,
    place: String,
    capacity: u16,
    local_sessions: Vec<LocalSession>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocalSession {
    day: String,
    from: String,
    to: String,
}

impl LocalSession {
    fn instants(&self) -> Option<groups::Session> {
        let day: chrono::NaiveDate = self.day.parse().ok()?;
        let (from, to) = (
            store::parse_clock(&self.from)?,
            store::parse_clock(&self.to)?,
        );
        Some(groups::Session {
            starts_at: crate::hours::local_to_ms(day, from, crate::hours::Edge::Start)?,
            ends_at: crate::hours::local_to_ms(day, to, crate::hours::Edge::End)?,
        })
    }
}

/// `GET /api/booking/colleagues`: who a booking can be handed to.
async fn colleagues(State(state): State<AppState>, _me: CurrentCounsellor) -> Response {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT id, first_name FROM counsellors WHERE active = 1 ORDER BY first_name, id",
    )
    .fetch_all(state.booking.db.pool())
    .await;
    let list: Result<Vec<serde_json::Value>, sqlx::Error> = rows.and_then(|rows| {
        rows.iter()
            .map(|row| {
                Ok(serde_json::json!({
                    "id": row.try_get::<i64, _>("id")?,
                    "first_name": row.try_get::<String, _>("first_name")?,
                }))
            })
            .collect()
    });
    match list {
        Ok(list) => Json(list).into_response(),
        Err(error) => error_response(error.into()),
    }
}

async fn create_course(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    body: Bytes,
) -> Response {
    if let Err(refused) = me.require_coordinator() {
        return refused.into_response();
    }
    let course = if let Ok(template) = parse_body::<FromTemplate>(&body) {
        let sessions = (template.template == "parent_group")
            .then(|| {
                let first = template.first_evening.parse().ok()?;
                let start = store::parse_clock(&template.start)?;
                groups::parent_group_sessions(first, start)
            })
            .flatten();
        let Some(sessions) = sessions else {
            return refuse(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "template parent_group needs first_evening YYYY-MM-DD and start HH:MM",
            );
        };
        NewCourse {
            name: template.name,
            audience: Audience::Parents,
            place: template.place,
            capacity: template.capacity,
            sessions,
        }
    } else if let Ok(local) = parse_body::<LocalCourse>(&body) {
        let Some(sessions) = local
            .local_sessions
            .iter()
            .map(LocalSession::instants)
            .collect::<Option<Vec<_>>>()
        else {
            return refuse(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "the course's sessions is not valid",
            );
        };
        NewCourse {
            name: local.name,
            audience: local.audience,
            place: local.place,
            capacity: local.capacity,
            sessions,
        }
    } else {
        match parse_body::<NewCourse>(&body) {
            Ok(course) => course,
            Err(bad) => return bad_body(bad),
        }
    };
    match groups::create(&state.booking, &course, crate::db::now_millis()).await {
        Ok(id) => (StatusCode::CREATED, Json(serde_json::json!({ "id": id }))).into_response(),
        Err(CourseError::Invalid(what)) => refuse(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("the course's {what} is not valid"),
        ),
        Err(CourseError::Db(error)) => error_response(error.into()),
    }
}

async fn evaluations(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    Path(id): Path<i64>,
) -> Response {
    if let Err(refused) = me.require_coordinator() {
        return refused.into_response();
    }
    match groups::results(&state.booking, id).await {
        Ok(results) => Json(results).into_response(),
        Err(error) => error_response(error),
    }
}
