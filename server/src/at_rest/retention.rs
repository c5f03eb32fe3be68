//! Retention: anonymous conversations and letter threads are deleted a
//! configured number of days (default 30) after their last activity; closed
//! treatment cases after theirs (see `cases::purge_expired`; bookings keep
//! tidy in `booking`).
//!
//! Each purge goes through [`ConversationStore::delete`], which deletes the
//! conversation's data key first and then its rows, so what is left in any
//! copy (a backup, the database file's free pages) is ciphertext nobody can
//! open. The statistics events stay: they hold no content and no token.
//!
//! The clock is a parameter ([`purge_expired`] takes "now"), so tests move
//! time forward instead of sleeping.

use crate::chat::ChatService;
use crate::chat::store::StoreError;
use crate::db::now_millis;
use std::time::Duration;

/// How often the job looks for conversations past their retention.
pub const PURGE_EVERY: Duration = Duration::from_secs(10 * 60);

/// How many conversations one query picks up; the job loops until none are
/// left.
const BATCH: u32 = 200;

/// Runs until the task is aborted at shutdown: a purge at start, then every
/// `every`.
pub async fn keep_purging(chat: ChatService, every: Duration) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match purge_expired(&chat, now_millis()).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "conversations deleted after their retention"),
            // Not fatal: the next round tries again.
            Err(error) => tracing::warn!(%error, "cannot delete conversations past retention"),
        }
        // Letter threads, by the same retention as conversations, key first.
        match purge_letters(&chat, now_millis()).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "letter threads deleted after their retention"),
            Err(error) => tracing::warn!(%error, "cannot delete letter threads past retention"),
        }
        // Closed treatment cases past their own retention, key first too.
        match crate::cases::purge_expired(chat.store.db(), now_millis()).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "closed cases deleted after their retention"),
            Err(error) => tracing::warn!(%error, "cannot delete closed cases past retention"),
        }
    }
}

/// Deletes every letter thread whose last activity is older than the
/// retention at `now` (Unix ms), data key first; returns how many.
pub async fn purge_letters(chat: &ChatService, now: i64) -> Result<u64, sqlx::Error> {
    let retention = i64::try_from(chat.retention.as_millis()).unwrap_or(i64::MAX);
    crate::letters::store::purge_inactive(chat.store.db(), now.saturating_sub(retention)).await
}

/// Deletes every conversation whose last activity is older than the
/// retention at `now` (Unix ms); returns how many.
pub async fn purge_expired(chat: &ChatService, now: i64) -> Result<usize, StoreError> {
    let retention = i64::try_from(chat.retention.as_millis()).unwrap_or(i64::MAX);
    let before = now.saturating_sub(retention);
    let mut purged = 0;
    let mut queue_changed = false;
    loop {
        let expired = chat.store.inactive_since(before, BATCH).await?;
        if expired.is_empty() {
            break;
        }
        for id in expired {
            let waiting = chat
                .store
                .get(id)
                .await?
                .is_some_and(|c| c.state == crate::chat::store::State::Waiting);
            chat.store.delete(id).await?;
            queue_changed |= waiting;
            purged += 1;
        }
    }
    if queue_changed {
        chat.hub.queue_changed();
    }
    Ok(purged)
}
