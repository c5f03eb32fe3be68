//! Course notes: non-identifying notes a counsellor attaches to an anonymous
//! course, shown again when the person returns with a resume code. They are
//! content of the conversation: sealed with its data key (associated data:
//! conversation and note id), deleted with it, and screened by
//! [`app::protocol::screening`] before they are stored.

use crate::chat::store::{ConversationStore, StoreError};
use crate::crypto::context;
use crate::db::{Db, now_millis};
use app::protocol::console::CourseNote;
use sqlx::Row;

/// Where note `id` of `conversation` belongs (its associated data).
pub fn note_context(conversation: i64, id: i64) -> Vec<u8> {
    context("course_note", &[conversation, id])
}

/// Stores a note (already screened), sealed.
pub async fn add(
    store: &ConversationStore,
    conversation: i64,
    author: i64,
    text: &str,
) -> Result<(), StoreError> {
    let key = store.data_key(conversation).await?;
    let mut tx = store.db().pool().begin().await?;
    // The row's id is part of where the text belongs: insert, then seal.
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO course_notes (conversation_id, author_id, body, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(conversation)
    .bind(author)
    .bind(Vec::<u8>::new())
    .bind(now_millis())
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE course_notes SET body = $2 WHERE id = $1")
        .bind(id)
        .bind(key.seal_text(&note_context(conversation, id), text)?)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A course's notes, oldest first, with their authors' first names. A note
/// whose ciphertext does not authenticate is reported (ids only) and left
/// out.
pub async fn of(
    store: &ConversationStore,
    conversation: i64,
) -> Result<Vec<CourseNote>, StoreError> {
    let rows = sqlx::query(
        "SELECT n.id, n.body, n.created_at, COALESCE(c.first_name, '') AS author \
         FROM course_notes n LEFT JOIN counsellors c ON c.id = n.author_id \
         WHERE n.conversation_id = $1 ORDER BY n.id",
    )
    .bind(conversation)
    .fetch_all(store.db().pool())
    .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let key = store.data_key(conversation).await?;
    let mut notes = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let sealed: Vec<u8> = row.try_get("body")?;
        match key.open_text(&note_context(conversation, id), &sealed) {
            Ok(text) => notes.push(CourseNote {
                id,
                author: row.try_get("author")?,
                text,
                at: row.try_get("created_at")?,
            }),
            Err(error) => tracing::error!(
                conversation,
                note = id,
                %error,
                "stored content failed authentication: not shown"
            ),
        }
    }
    Ok(notes)
}

/// The most chats a counsellor takes at once (their account's setting;
/// 3 for an unknown account).
pub async fn max_chats(db: &Db, counsellor: i64) -> Result<u32, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT max_chats FROM counsellors WHERE id = $1")
        .bind(counsellor)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map_or(3, |(n,)| u32::try_from(n).unwrap_or(0)))
}
