//! The service's one audit log: who logged in, who changed an account or a
//! setting, who looked at a chat they were not in, and (from the conversion
//! to treatment on) every create, read, update, export and delete of
//! identifying data.
//!
//! Rows are append-only (database triggers refuse UPDATE and DELETE) and
//! hash-chained: each row's SHA-256 covers the previous row's hash and its
//! own fields, so a changed, removed or reordered row is found by
//! [`verify`]. `prev_hash` is UNIQUE, so two writers (two server nodes) can
//! never fork the chain: the one that loses the race re-reads the head and
//! retries.
//!
//! What goes in a row names staff (they act in their job) and opaque ids
//! (`conversation:17`), never a young person's words or identity.

use crate::db::{Db, now_millis};
use ring::digest;
use sqlx::Row;

/// The `prev_hash` of the first row.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How often an append is retried when another writer took the head or
/// SQLite was busy (PostgreSQL appends queue on a lock instead).
const APPEND_ATTEMPTS: u32 = 20;

/// The transaction-scoped advisory lock that queues PostgreSQL appends, so
/// concurrent writers (on any node) wait for each other instead of racing
/// for the head. Its first half is this constant ("au" in ASCII); its
/// second is the schema's name hashed, because the chain belongs to one
/// schema's table: services (or test runs) in other schemas of the same
/// database never wait for each other.
const APPEND_LOCK: i32 = 0x6175;

/// What happened. The names are stable: they are stored and hashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// A counsellor logged in.
    Login,
    /// A login failed (wrong password, unknown login, wrong second factor).
    LoginFailed,
    /// A counsellor logged out.
    Logout,
    /// A coordinator created an account.
    CounsellorCreated,
    /// A coordinator deactivated an account.
    CounsellorDeactivated,
    /// A coordinator reactivated an account.
    CounsellorReactivated,
    /// A coordinator changed an account's role.
    RoleChanged,
    /// A coordinator changed how many chats an account takes at once.
    MaxChatsChanged,
    /// A coordinator issued a one-time password-reset code.
    PasswordResetIssued,
    /// A counsellor set a new password (with a reset code or the old one).
    PasswordChanged,
    /// A counsellor turned on the second factor.
    TotpEnabled,
    /// The second factor was turned off (by the counsellor or a coordinator).
    TotpDisabled,
    /// A coordinator changed a setting.
    SettingsChanged,
    /// Shared canned replies were changed.
    CannedRepliesChanged,
    /// A coordinator watched a chat they are not in (read-only).
    ChatViewed,
    /// A chat was given to another counsellor or back to the queue.
    ChatReassigned,
    /// A coordinator read the audit log itself.
    AuditViewed,
    /// An anonymous course was converted to a treatment case: identifying
    /// data entered for the first time.
    CaseCreated,
    /// A treatment case (with its identifying data) was opened.
    CaseRead,
    /// A treatment case was changed (consent, identity, entries, counsellors).
    CaseUpdated,
    /// A treatment case became active.
    CaseActivated,
    /// A treatment case was exported (right of access).
    CaseExported,
    /// A treatment case was closed.
    CaseClosed,
    /// A treatment case was deleted (its key first, then its rows).
    CaseDeleted,
    /// Someone not assigned tried to open a treatment case.
    CaseAccessRefused,
}

impl Action {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Logout => "logout",
            Action::CounsellorCreated => "counsellor_created",
            Action::CounsellorDeactivated => "counsellor_deactivated",
            Action::CounsellorReactivated => "counsellor_reactivated",
            Action::RoleChanged => "role_changed",
            Action::MaxChatsChanged => "max_chats_changed",
            Action::PasswordResetIssued => "password_reset_issued",
            Action::PasswordChanged => "password_changed",
            Action::TotpEnabled => "totp_enabled",
            Action::TotpDisabled => "totp_disabled",
            Action::SettingsChanged => "settings_changed",
            Action::CannedRepliesChanged => "canned_replies_changed",
            Action::ChatViewed => "chat_viewed",
            Action::ChatReassigned => "chat_reassigned",
            Action::AuditViewed => "audit_viewed",
            Action::CaseCreated => "case_created",
            Action::CaseRead => "case_read",
            Action::CaseUpdated => "case_updated",
            Action::CaseActivated => "case_activated",
            Action::CaseExported => "case_exported",
            Action::CaseClosed => "case_closed",
            Action::CaseDeleted => "case_deleted",
            Action::CaseAccessRefused => "case_access_refused",
        }
    }
}

/// Who did it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A counsellor or coordinator: id and login.
    Counsellor(i64, String),
    /// Someone not (yet) known: a failed login names only the attempted
    /// login, lowercased and cut to 64 characters.
    Unknown(String),
    /// The service itself (a background job).
    System,
}

impl Actor {
    fn id(&self) -> Option<i64> {
        match self {
            Actor::Counsellor(id, _) => Some(*id),
            _ => None,
        }
    }

    fn label(&self) -> String {
        match self {
            Actor::Counsellor(_, login) => login.clone(),
            Actor::Unknown(attempt) => {
                let cut: String = attempt.trim().to_lowercase().chars().take(64).collect();
                format!("?{cut}")
            }
            Actor::System => "system".to_owned(),
        }
    }
}

/// One stored row.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// Position in the log.
    pub id: i64,
    /// When (Unix milliseconds).
    pub at: i64,
    /// The acting counsellor's id, if known.
    pub actor_id: Option<i64>,
    /// The acting login (or `system`, or `?attempt` for a failed login).
    pub actor: String,
    /// What happened ([`Action::as_str`]).
    pub action: String,
    /// What it concerned, e.g. `counsellor:4`, `conversation:17`.
    pub subject: String,
    /// A short non-identifying detail, e.g. the new role.
    pub detail: String,
    /// The previous row's hash.
    #[serde(skip)]
    pub prev_hash: String,
    /// This row's hash (hex SHA-256).
    pub hash: String,
}

/// Where the chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// A row's hash does not match its fields, or it does not follow the row
    /// before it.
    #[error("the audit log is broken at entry {0}")]
    Broken(i64),
    /// The database failed.
    #[error("audit log storage failed: {0}")]
    Db(String),
}

impl From<sqlx::Error> for AuditError {
    fn from(error: sqlx::Error) -> Self {
        AuditError::Db(error.to_string())
    }
}

/// The hash of a row: SHA-256 over the previous hash and each field,
/// length-prefixed so no two different rows hash the same input.
fn chain_hash(
    prev_hash: &str,
    at: i64,
    actor_id: Option<i64>,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut context = digest::Context::new(&digest::SHA256);
    let actor_id = actor_id.map(|id| id.to_string()).unwrap_or_default();
    let at = at.to_string();
    for field in [prev_hash, &at, &actor_id, actor, action, subject, detail] {
        context.update(&(field.len() as u64).to_be_bytes());
        context.update(field.as_bytes());
    }
    crate::chat::token::hex(context.finish().as_ref())
}

/// One random byte (for retry jitter).
fn ring_random_byte() -> u8 {
    use ring::rand::{SecureRandom, SystemRandom};
    let mut byte = [0u8];
    let _ = SystemRandom::new().fill(&mut byte);
    byte[0]
}

/// Appends one row. Callers that act on identifying data must treat a
/// failure as a failure of the act itself (no access without a record).
pub async fn record(
    db: &Db,
    actor: &Actor,
    action: Action,
    subject: &str,
    detail: &str,
) -> Result<(), AuditError> {
    let (actor_id, label) = (actor.id(), actor.label());
    let mut last_error = None;
    for attempt in 0..APPEND_ATTEMPTS {
        match append_once(db, actor_id, &label, action, subject, detail).await {
            Ok(()) => return Ok(()),
            Err(error) => {
                last_error = Some(error);
                // Another writer took the head (UNIQUE prev_hash) or the
                // database was busy: re-read the head and try again, after
                // a pause that grows and differs between writers.
                let jitter = u64::from(ring_random_byte() % 16);
                let pause = 5 * u64::from(attempt.min(10) + 1) + jitter;
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            }
        }
    }
    let error = last_error.map(AuditError::from);
    tracing::error!(
        action = action.as_str(),
        "could not append to the audit log"
    );
    Err(error.unwrap_or(AuditError::Db("no attempt made".into())))
}

async fn append_once(
    db: &Db,
    actor_id: Option<i64>,
    actor: &str,
    action: Action,
    subject: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool().begin().await?;
    if db.backend() == crate::db::Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))")
            .bind(APPEND_LOCK)
            .execute(&mut *tx)
            .await?;
    }
    let head: Option<String> =
        sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?;
    let prev_hash = head.unwrap_or_else(|| GENESIS.to_owned());
    let at = now_millis();
    let hash = chain_hash(
        &prev_hash,
        at,
        actor_id,
        actor,
        action.as_str(),
        subject,
        detail,
    );
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor, action, subject, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(at)
    .bind(actor_id)
    .bind(actor)
    .bind(action.as_str())
    .bind(subject)
    .bind(detail)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

fn entry_from(row: &sqlx::any::AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor_id: row.try_get("actor_id")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        detail: row.try_get("detail")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

const COLUMNS: &str = "id, at, actor_id, actor, action, subject, detail, prev_hash, hash";

/// The newest entries first, at most `limit`, older than entry `before` when
/// given (for paging back).
pub async fn list(db: &Db, before: Option<i64>, limit: u32) -> Result<Vec<AuditEntry>, AuditError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(before.unwrap_or(i64::MAX))
    .bind(i64::from(limit))
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(entry_from).collect::<Result<_, _>>()?)
}

/// Walks the whole chain from the first row. Returns how many rows were
/// checked, or the first row that does not fit.
pub async fn verify(db: &Db) -> Result<u64, AuditError> {
    const PAGE: i64 = 1000;
    let (mut after, mut expected_prev, mut checked) = (i64::MIN, GENESIS.to_owned(), 0u64);
    loop {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"
        ))
        .bind(after)
        .bind(PAGE)
        .fetch_all(db.pool())
        .await?;
        for row in &rows {
            let entry = entry_from(row)?;
            let hash = chain_hash(
                &entry.prev_hash,
                entry.at,
                entry.actor_id,
                &entry.actor,
                &entry.action,
                &entry.subject,
                &entry.detail,
            );
            if entry.prev_hash != expected_prev || entry.hash != hash {
                return Err(AuditError::Broken(entry.id));
            }
            expected_prev = entry.hash;
            after = entry.id;
            checked += 1;
        }
        if (rows.len() as i64) < PAGE {
            return Ok(checked);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_changes_the_hash() {
        let base = chain_hash(GENESIS, 1, Some(2), "anna", "login", "s", "d");
        let variants = [
            chain_hash(&base, 1, Some(2), "anna", "login", "s", "d"),
            chain_hash(GENESIS, 9, Some(2), "anna", "login", "s", "d"),
            chain_hash(GENESIS, 1, None, "anna", "login", "s", "d"),
            chain_hash(GENESIS, 1, Some(2), "anne", "login", "s", "d"),
            chain_hash(GENESIS, 1, Some(2), "anna", "logout", "s", "d"),
            chain_hash(GENESIS, 1, Some(2), "anna", "login", "t", "d"),
            chain_hash(GENESIS, 1, Some(2), "anna", "login", "s", "e"),
            // Moving a character between fields is a different row too.
            chain_hash(GENESIS, 1, Some(2), "anna", "login", "sd", ""),
        ];
        for variant in variants {
            assert_ne!(variant, base);
        }
        assert_eq!(base.len(), 64);
    }

    #[test]
    fn a_failed_login_names_only_the_cut_attempt() {
        let long = "X".repeat(200);
        let label = Actor::Unknown(long).label();
        assert_eq!(label.chars().count(), 65);
        assert!(label.starts_with("?x"));
        assert_eq!(Actor::System.label(), "system");
        assert_eq!(Actor::Counsellor(3, "mia".into()).id(), Some(3));
    }
}
