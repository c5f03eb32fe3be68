//! Course notes: non-identifying notes a counsellor attaches to an anonymous
//! course, shown again when the person returns with a resume code. They are
//! content of the conversation (deleted with it, by `ON DELETE CASCADE`) and
//! screened by [`app::protocol::screening`] before they are stored.

use crate::db::{Db, now_millis};
use app::protocol::console::CourseNote;
use sqlx::Row;

/// Stores a note (already screened).
pub async fn add(db: &Db, conversation: i64, author: i64, text: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO course_notes (conversation_id, author_id, body, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(conversation)
    .bind(author)
    .bind(text)
    .bind(now_millis())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A course's notes, oldest first, with their authors' first names.
pub async fn of(db: &Db, conversation: i64) -> Result<Vec<CourseNote>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT n.id, n.body, n.created_at, COALESCE(c.first_name, '') AS author \
         FROM course_notes n LEFT JOIN counsellors c ON c.id = n.author_id \
         WHERE n.conversation_id = $1 ORDER BY n.id",
    )
    .bind(conversation)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CourseNote {
                id: row.try_get("id")?,
                author: row.try_get("author")?,
                text: row.try_get("body")?,
                at: row.try_get("created_at")?,
            })
        })
        .collect()
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
