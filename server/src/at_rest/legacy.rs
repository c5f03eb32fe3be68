//! Plaintext written before content was encrypted at rest.
//!
//! The migration that made content columns binary could not seal anything
//! (SQL has no master key), so it moved the old plaintext aside into
//! `legacy_*` tables. At the next start, before anything is served, this
//! step gives every conversation that has no data key one, seals its old
//! texts into the ordinary tables, deletes the plaintext, and finally drops
//! the `legacy_*` tables. Each conversation is one transaction; a second
//! node starting at the same moment skips what the first has done. Once the
//! tables are gone the step only checks that they are.

use crate::chat::store::{
    ConversationStore, StoreError, concern_context, handover_context, key_owner, message_context,
    nickname_context, risk_words_context,
};
use crate::console::notes::note_context;
use crate::crypto::DataKey;
use crate::db::Backend;
use sqlx::{Any, Transaction};

/// The tables the migration moved plaintext into.
const LEGACY_TABLES: [&str; 4] = [
    "legacy_messages",
    "legacy_course_notes",
    "legacy_concerns",
    "legacy_conversation_texts",
];

/// Seals legacy plaintext (see the module docs); returns how many
/// conversations were given a key.
pub async fn seal_legacy(store: &ConversationStore) -> Result<usize, StoreError> {
    if !legacy_tables_exist(store).await? {
        return Ok(0);
    }
    let keyless: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM conversations WHERE NOT EXISTS (SELECT 1 FROM conversation_keys k \
         WHERE k.conversation_id = conversations.id) ORDER BY id",
    )
    .fetch_all(store.db().pool())
    .await?;
    let mut sealed = 0;
    for (id,) in keyless {
        if seal_conversation(store, id).await? {
            sealed += 1;
        }
    }
    // What is left belongs to conversations that no longer exist.
    for table in LEGACY_TABLES {
        sqlx::query(&format!("DROP TABLE IF EXISTS {table}"))
            .execute(store.db().pool())
            .await?;
    }
    tracing::info!(
        conversations = sealed,
        "content stored before encryption at rest is now sealed"
    );
    Ok(sealed)
}

async fn legacy_tables_exist(store: &ConversationStore) -> Result<bool, sqlx::Error> {
    let sql = match store.db().backend() {
        Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'legacy_messages'"
        }
        Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = 'legacy_messages'"
        }
    };
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(store.db().pool()).await?;
    Ok(n > 0)
}

/// One conversation: a key, its texts sealed, its plaintext gone. `false`
/// when another node got there first.
async fn seal_conversation(store: &ConversationStore, id: i64) -> Result<bool, StoreError> {
    let (key, wrapped) = store.vault().new_data_key(&key_owner(id))?;
    let mut tx = store.db().pool().begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO conversation_keys (conversation_id, wrapped) VALUES ($1, $2) \
         ON CONFLICT (conversation_id) DO NOTHING",
    )
    .bind(id)
    .bind(wrapped)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    seal_messages(&mut tx, &key, id).await?;
    for (table, kind) in [("course_notes", Kind::Note), ("concerns", Kind::Concern)] {
        seal_notes(&mut tx, &key, id, table, kind).await?;
    }
    seal_conversation_texts(&mut tx, &key, id).await?;
    tx.commit().await?;
    Ok(true)
}

async fn seal_messages(
    tx: &mut Transaction<'_, Any>,
    key: &DataKey,
    id: i64,
) -> Result<(), StoreError> {
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT seq, client_id, sender, body, created_at FROM legacy_messages \
         WHERE conversation_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    for (seq, client_id, sender, body, at) in rows {
        sqlx::query(
            "INSERT INTO messages (conversation_id, seq, client_id, sender, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(seq)
        .bind(client_id)
        .bind(sender)
        .bind(key.seal_text(&message_context(id, seq), &body)?)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("DELETE FROM legacy_messages WHERE conversation_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Course notes and concerns have the same shape.
#[derive(Clone, Copy)]
enum Kind {
    Note,
    Concern,
}

async fn seal_notes(
    tx: &mut Transaction<'_, Any>,
    key: &DataKey,
    id: i64,
    table: &str,
    kind: Kind,
) -> Result<(), StoreError> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(&format!(
        "SELECT author_id, body, created_at FROM legacy_{table} \
         WHERE conversation_id = $1 ORDER BY id"
    ))
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    for (author, body, at) in rows {
        let (row,): (i64,) = sqlx::query_as(&format!(
            "INSERT INTO {table} (conversation_id, author_id, body, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id"
        ))
        .bind(id)
        .bind(author)
        .bind(Vec::<u8>::new())
        .bind(at)
        .fetch_one(&mut **tx)
        .await?;
        let place = match kind {
            Kind::Note => note_context(id, row),
            Kind::Concern => concern_context(id, row),
        };
        sqlx::query(&format!("UPDATE {table} SET body = $2 WHERE id = $1"))
            .bind(row)
            .bind(key.seal_text(&place, &body)?)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query(&format!(
        "DELETE FROM legacy_{table} WHERE conversation_id = $1"
    ))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn seal_conversation_texts(
    tx: &mut Transaction<'_, Any>,
    key: &DataKey,
    id: i64,
) -> Result<(), StoreError> {
    let texts: Option<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT nickname, handover_note, risk_words FROM legacy_conversation_texts \
         WHERE conversation_id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((nickname, handover, risk_words)) = texts else {
        return Ok(());
    };
    let seal = |text: Option<String>, place: Vec<u8>| {
        text.filter(|t| !t.is_empty())
            .map(|t| key.seal_text(&place, &t))
            .transpose()
    };
    sqlx::query(
        "UPDATE conversations SET nickname = $2, handover_note = $3, risk_words = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(seal(nickname, nickname_context(id))?)
    .bind(seal(handover, handover_context(id))?)
    .bind(seal(
        risk_words.filter(|w| w != "[]"),
        risk_words_context(id),
    )?)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM legacy_conversation_texts WHERE conversation_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
