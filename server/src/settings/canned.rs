//! Canned replies: short texts a counsellor inserts with a `/shortcut` and
//! edits before sending. Shared ones belong to the team (coordinators change
//! them, audited); personal ones to one counsellor.
//!
//! | request | answer |
//! |---|---|
//! | `GET /api/canned` | 200 `[CannedReply]`: shared and own, by language and shortcut |
//! | `POST /api/canned` [`CannedReplyInput`] | 201 the reply; 400 `{"error":"invalid","field","message"}`; 403 a shared one by a counsellor; 409 `{"error":"duplicate_shortcut"}` |
//! | `PUT /api/canned/<id>` [`CannedReplyInput`] | 200 the reply; 404 not yours to see; 403 shared and not a coordinator |
//! | `DELETE /api/canned/<id>` | 204; 404; 403 as `PUT` |

use crate::audit::{self, Action, Actor};
use crate::auth::session::CurrentCounsellor;
use crate::db::{Db, now_millis};
use crate::state::AppState;
use app::protocol::console::{
    CannedReply, CannedReplyInput, MAX_CANNED_REPLY_CHARS, MAX_SHORTCUT_CHARS,
};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use http::StatusCode;
use sqlx::Row;

/// The owner id of shared replies.
const SHARED: i64 = 0;

/// The canned-reply routes (the CSRF guard is added by [`super::router`]).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/canned", get(list).post(create))
        .route("/api/canned/{id}", put(update).delete(remove))
}

/// A checked reply: language, shortcut without `/`, trimmed text.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckedReply {
    lang: &'static str,
    shortcut: String,
    text: String,
}

/// Checks a reply; the error names the field.
pub fn check(input: &CannedReplyInput) -> Result<CheckedReply, (&'static str, String)> {
    let lang = match input.lang.as_str() {
        "da" => "da",
        "en" => "en",
        _ => return Err(("lang", "must be \"da\" or \"en\"".to_owned())),
    };
    let shortcut = input.shortcut.trim();
    let shortcut = shortcut.strip_prefix('/').unwrap_or(shortcut);
    if shortcut.is_empty()
        || shortcut.chars().count() > MAX_SHORTCUT_CHARS
        || !shortcut
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err((
            "shortcut",
            format!(
                "use 1 to {MAX_SHORTCUT_CHARS} lowercase letters a-z, digits or dashes, e.g. /velkommen"
            ),
        ));
    }
    let text = input.text.trim();
    if text.is_empty() || text.chars().count() > MAX_CANNED_REPLY_CHARS {
        return Err((
            "text",
            format!("write 1 to {MAX_CANNED_REPLY_CHARS} characters"),
        ));
    }
    Ok(CheckedReply {
        lang,
        shortcut: shortcut.to_owned(),
        text: text.to_owned(),
    })
}

fn answer(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

fn invalid(field: &str, message: &str) -> Response {
    answer(
        StatusCode::BAD_REQUEST,
        serde_json::json!({ "error": "invalid", "field": field, "message": message }),
    )
}

fn failed(error: &sqlx::Error) -> Response {
    tracing::error!(%error, "canned replies unavailable");
    answer(
        StatusCode::INTERNAL_SERVER_ERROR,
        serde_json::json!({ "error": "server_error" }),
    )
}

fn not_found() -> Response {
    answer(
        StatusCode::NOT_FOUND,
        serde_json::json!({ "error": "not_found" }),
    )
}

fn forbidden() -> Response {
    answer(
        StatusCode::FORBIDDEN,
        serde_json::json!({ "error": "forbidden" }),
    )
}

fn reply_from_row(row: &sqlx::any::AnyRow) -> Result<CannedReply, sqlx::Error> {
    let owner: i64 = row.try_get("owner_id")?;
    Ok(CannedReply {
        id: row.try_get("id")?,
        shared: owner == SHARED,
        lang: row.try_get("lang")?,
        shortcut: row.try_get("shortcut")?,
        text: row.try_get("body")?,
    })
}

/// Shared replies and `counsellor`'s own, by language and shortcut.
pub async fn visible_to(db: &Db, counsellor: i64) -> Result<Vec<CannedReply>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, owner_id, lang, shortcut, body FROM canned_replies \
         WHERE owner_id = $1 OR owner_id = 0 ORDER BY lang, shortcut, owner_id DESC",
    )
    .bind(counsellor)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(reply_from_row).collect()
}

/// The owner of a reply `counsellor` can see (`None`: none such).
async fn owner_of(db: &Db, id: i64, counsellor: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT owner_id FROM canned_replies WHERE id = $1 AND (owner_id = $2 OR owner_id = 0)",
    )
    .bind(id)
    .bind(counsellor)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(owner,)| owner))
}

fn parse(body: &Bytes) -> Result<CannedReplyInput, Box<Response>> {
    serde_json::from_slice(body).map_err(|error| Box::new(invalid("body", &error.to_string())))
}

async fn audit_shared(db: &Db, counsellor: &CurrentCounsellor, subject: String, detail: &str) {
    let me = counsellor.counsellor();
    let actor = Actor::Counsellor(me.id.0, me.login.to_string());
    if let Err(error) =
        audit::record(db, &actor, Action::CannedRepliesChanged, &subject, detail).await
    {
        tracing::error!(%error, "a shared canned reply change was not audited");
    }
}

fn is_duplicate(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

fn duplicate() -> Response {
    answer(
        StatusCode::CONFLICT,
        serde_json::json!({ "error": "duplicate_shortcut", "field": "shortcut",
            "message": "this shortcut is already used in this language" }),
    )
}

/// `GET /api/canned`.
async fn list(counsellor: CurrentCounsellor, State(state): State<AppState>) -> Response {
    match visible_to(&state.db, counsellor.counsellor().id.0).await {
        Ok(replies) => Json(replies).into_response(),
        Err(error) => failed(&error),
    }
}

/// `POST /api/canned`.
async fn create(
    counsellor: CurrentCounsellor,
    State(state): State<AppState>,
    body: Bytes,
) -> Response {
    let input = match parse(&body) {
        Ok(input) => input,
        Err(refusal) => return *refusal,
    };
    if input.shared && counsellor.require_coordinator().is_err() {
        return forbidden();
    }
    let reply = match check(&input) {
        Ok(reply) => reply,
        Err((field, message)) => return invalid(field, &message),
    };
    let owner = if input.shared {
        SHARED
    } else {
        counsellor.counsellor().id.0
    };
    let row = sqlx::query(
        "INSERT INTO canned_replies (owner_id, lang, shortcut, body, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id, owner_id, lang, shortcut, body",
    )
    .bind(owner)
    .bind(reply.lang)
    .bind(&reply.shortcut)
    .bind(&reply.text)
    .bind(now_millis())
    .fetch_one(state.db.pool())
    .await;
    let created = match row.and_then(|row| reply_from_row(&row)) {
        Ok(created) => created,
        Err(error) if is_duplicate(&error) => return duplicate(),
        Err(error) => return failed(&error),
    };
    if created.shared {
        audit_shared(
            &state.db,
            &counsellor,
            format!("canned:{}", created.id),
            "created",
        )
        .await;
    }
    (StatusCode::CREATED, Json(created)).into_response()
}

/// `PUT /api/canned/<id>`.
async fn update(
    counsellor: CurrentCounsellor,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let input = match parse(&body) {
        Ok(input) => input,
        Err(refusal) => return *refusal,
    };
    let me = counsellor.counsellor().id.0;
    let owner = match owner_of(&state.db, id, me).await {
        Ok(Some(owner)) => owner,
        Ok(None) => return not_found(),
        Err(error) => return failed(&error),
    };
    if owner == SHARED && counsellor.require_coordinator().is_err() {
        return forbidden();
    }
    let reply = match check(&input) {
        Ok(reply) => reply,
        Err((field, message)) => return invalid(field, &message),
    };
    let row = sqlx::query(
        "UPDATE canned_replies SET lang = $2, shortcut = $3, body = $4 WHERE id = $1 \
         RETURNING id, owner_id, lang, shortcut, body",
    )
    .bind(id)
    .bind(reply.lang)
    .bind(&reply.shortcut)
    .bind(&reply.text)
    .fetch_optional(state.db.pool())
    .await;
    let updated = match row {
        Ok(Some(row)) => match reply_from_row(&row) {
            Ok(updated) => updated,
            Err(error) => return failed(&error),
        },
        Ok(None) => return not_found(),
        Err(error) if is_duplicate(&error) => return duplicate(),
        Err(error) => return failed(&error),
    };
    if updated.shared {
        audit_shared(&state.db, &counsellor, format!("canned:{id}"), "changed").await;
    }
    Json(updated).into_response()
}

/// `DELETE /api/canned/<id>`.
async fn remove(
    counsellor: CurrentCounsellor,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Response {
    let me = counsellor.counsellor().id.0;
    let owner = match owner_of(&state.db, id, me).await {
        Ok(Some(owner)) => owner,
        Ok(None) => return not_found(),
        Err(error) => return failed(&error),
    };
    if owner == SHARED && counsellor.require_coordinator().is_err() {
        return forbidden();
    }
    if let Err(error) = sqlx::query("DELETE FROM canned_replies WHERE id = $1")
        .bind(id)
        .execute(state.db.pool())
        .await
    {
        return failed(&error);
    }
    if owner == SHARED {
        audit_shared(&state.db, &counsellor, format!("canned:{id}"), "deleted").await;
    }
    StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(lang: &str, shortcut: &str, text: &str) -> CannedReplyInput {
        CannedReplyInput {
            shared: false,
            lang: lang.into(),
            shortcut: shortcut.into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_shortcut_is_lowercase_letters_digits_and_dashes() {
        let ok = check(&input("da", "/tryg-nu2", " Er du tryg? ")).expect("valid");
        assert_eq!(ok.shortcut, "tryg-nu2");
        assert_eq!(ok.text, "Er du tryg?");
        for bad in ["", "/", "Velkommen", "hej du", "æble", &"a".repeat(31)] {
            assert_eq!(
                check(&input("da", bad, "x")).err().map(|e| e.0),
                Some("shortcut"),
                "{bad}"
            );
        }
    }

    #[test]
    fn language_and_text_are_checked() {
        assert_eq!(
            check(&input("de", "hallo", "x")).err().map(|e| e.0),
            Some("lang")
        );
        assert_eq!(
            check(&input("en", "hi", "  ")).err().map(|e| e.0),
            Some("text")
        );
        let long = "x".repeat(MAX_CANNED_REPLY_CHARS + 1);
        assert_eq!(
            check(&input("en", "hi", &long)).err().map(|e| e.0),
            Some("text")
        );
    }
}
