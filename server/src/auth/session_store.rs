use crate::db::{Db, now_millis};
use async_trait::async_trait;
use std::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// tower-sessions store on our own database (SQLite or PostgreSQL through
/// the same pool), so sessions survive restarts and are shared by nodes.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    /// A store on `db`; the table comes from the migrations.
    pub fn new(db: Db) -> Self {
        DbSessionStore { db }
    }

    /// Deletes expired sessions; returns how many.
    pub async fn delete_expired(&self) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM counsellor_sessions WHERE expires_at <= $1")
            .bind(now_millis())
            .execute(self.db.pool())
            .await?;
        Ok(done.rows_affected())
    }

    /// Runs [`DbSessionStore::delete_expired`] every `period`, starting one
    /// period from now, until the task is dropped. Errors are logged and
    /// retried next period. (Expired sessions are never loaded anyway: this
    /// only keeps the table small.)
    pub async fn delete_expired_every(self, period: Duration) {
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            ticker.tick().await;
            if let Err(error) = self.delete_expired().await {
                tracing::warn!(%error, "could not delete expired sessions");
            }
        }
    }
}

fn backend(error: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

/// When the row expires: the session's own (idle) expiry, but never after
/// the login's maximum age, so every reader of the store (the console
/// socket's check too) sees it end.
fn expiry_millis(record: &Record) -> i64 {
    let idle = (record.expiry_date.unix_timestamp_nanos() / 1_000_000) as i64;
    let deadline = record
        .data
        .get(crate::auth::session::DEADLINE_KEY)
        .and_then(serde_json::Value::as_i64);
    deadline.map_or(idle, |deadline| idle.min(deadline))
}

/// The counsellor a session belongs to, kept in a column of its own so an
/// account's sessions can be ended at once (deactivation, password reset).
fn counsellor_of(record: &Record) -> Option<i64> {
    record
        .data
        .get(crate::auth::session::COUNSELLOR_KEY)
        .and_then(serde_json::Value::as_i64)
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data =
            serde_json::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        // A fresh random 128-bit id practically never collides; if it does,
        // draw again rather than overwrite someone else's session.
        loop {
            let inserted = sqlx::query(
                "INSERT INTO counsellor_sessions (id, data, expires_at, counsellor_id) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
            )
            .bind(record.id.to_string())
            .bind(data.clone())
            .bind(expiry_millis(record))
            .bind(counsellor_of(record))
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data =
            serde_json::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        sqlx::query(
            "INSERT INTO counsellor_sessions (id, data, expires_at, counsellor_id) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET data = excluded.data, \
             expires_at = excluded.expires_at, counsellor_id = excluded.counsellor_id",
        )
        .bind(record.id.to_string())
        .bind(data)
        .bind(expiry_millis(record))
        .bind(counsellor_of(record))
        .execute(self.db.pool())
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(Vec<u8>,)> = sqlx::query_as(
            "SELECT data FROM counsellor_sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(id.to_string())
        .bind(now_millis())
        .fetch_optional(self.db.pool())
        .await
        .map_err(backend)?;
        row.map(|(data,)| {
            serde_json::from_slice(&data).map_err(|e| session_store::Error::Decode(e.to_string()))
        })
        .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM counsellor_sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}
