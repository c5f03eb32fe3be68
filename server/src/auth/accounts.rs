//! Team administration on the account store: accounts opened without a
//! password and a one-time code instead, password resets, roles with the
//! last-coordinator guard, ending an account's sessions, and the stored
//! state of the TOTP second factor.
//!
//! One-time codes are shown once to the coordinator, who hands them over in
//! person or by phone; only their SHA-256 is stored. They are 80 random bits,
//! expire after [`CODE_LIFETIME_MS`] and work once. Guessing is also slowed
//! by the login limiter at the HTTP edge.

use crate::auth::counsellors::{
    self, Counsellor, CounsellorError, CounsellorId, FirstName, Login, NewCounsellor, Role,
};
use crate::auth::password::{self, NO_PASSWORD, NewPassword, Password, PasswordError};
use crate::auth::totp::{self, TotpKey};
use crate::db::{Db, now_millis};
use ring::digest;
use ring::rand::{SecureRandom, SystemRandom};
use serde::Serialize;

/// How long a one-time password code works: a day, long enough to reach
/// the new counsellor, short enough that a forgotten note is harmless.
pub const CODE_LIFETIME_MS: i64 = 24 * 3600 * 1000;

/// An account as the coordinator's team page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountSummary {
    /// The account id.
    pub id: i64,
    /// The login name.
    pub login: String,
    /// The name young people see.
    pub first_name: String,
    /// What the account may do.
    pub role: Role,
    /// Whether it can log in.
    pub active: bool,
    /// Whether the second factor is on.
    pub totp: bool,
    /// Whether a password has been set (false until the one-time code is used).
    pub password_set: bool,
    /// When it was opened (Unix milliseconds).
    pub created_at: i64,
    /// How many chats it takes at once ([`MaxChats`]).
    pub max_chats: u32,
}

/// A one-time password code, to be shown exactly once.
#[derive(Clone, Debug, Serialize)]
pub struct OneTimeCode {
    /// The code, in groups of four (`ABCD-EFGH-JKLM-NPQR`).
    pub code: String,
    /// When it stops working (Unix milliseconds).
    pub expires_at: i64,
}

/// Why a team action could not be done. Messages are safe to show.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// No account has this id.
    #[error("no such counsellor")]
    NotFound,
    /// The action would leave the service without an active coordinator.
    #[error("the last active coordinator cannot be demoted or deactivated")]
    LastCoordinator,
    /// The code is wrong, used, expired, or the login does not exist.
    #[error("the code is wrong, used or expired")]
    InvalidCode,
    /// The current password given does not match.
    #[error("the current password is wrong")]
    WrongPassword,
    /// The new password is the login name.
    #[error("the password must not be the login name")]
    PasswordIsLogin,
    /// The new password breaks the length rules.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// Login or first name invalid, or the login is taken.
    #[error(transparent)]
    Counsellor(#[from] CounsellorError),
    /// No randomness for a code or secret.
    #[error("no randomness available")]
    Random,
    /// The stored second factor cannot be read (key changed?).
    #[error(transparent)]
    TotpKey(#[from] totp::TotpKeyError),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

type SummaryRow = (
    i64,
    String,
    String,
    String,
    i32,
    Option<String>,
    String,
    i64,
    i64,
);

const SUMMARY_COLUMNS: &str =
    "id, login, first_name, role, active, totp_secret, password_hash, created_at, max_chats";

fn summary_from(row: SummaryRow) -> Result<AccountSummary, sqlx::Error> {
    let (id, login, first_name, role, active, totp_secret, hash, created_at, max_chats) = row;
    let role = match role.as_str() {
        "coordinator" => Role::Coordinator,
        "counsellor" => Role::Counsellor,
        other => {
            return Err(sqlx::Error::Decode(
                format!("unknown counsellor role {other:?}").into(),
            ));
        }
    };
    Ok(AccountSummary {
        id,
        login,
        first_name,
        role,
        active: active != 0,
        totp: totp_secret.is_some(),
        password_set: hash != NO_PASSWORD,
        created_at,
        max_chats: u32::try_from(max_chats).unwrap_or(0),
    })
}

/// Every account, in login order.
pub async fn summaries(db: &Db) -> Result<Vec<AccountSummary>, sqlx::Error> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM counsellors ORDER BY login"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(summary_from).collect()
}

/// One account.
pub async fn summary(db: &Db, id: CounsellorId) -> Result<Option<AccountSummary>, sqlx::Error> {
    let row: Option<SummaryRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM counsellors WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(db.pool())
    .await?;
    row.map(summary_from).transpose()
}

/// A fresh code: what to show, and the hash to store.
fn new_code(rng: &SystemRandom) -> Result<(String, String), AccountError> {
    let mut bytes = [0u8; 10];
    rng.fill(&mut bytes).map_err(|_| AccountError::Random)?;
    let plain = totp::base32_encode(&bytes);
    let shown = plain
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-");
    Ok((shown, code_hash(&plain)))
}

/// The stored form of a code as typed: case, spaces and dashes do not count.
fn code_hash(typed: &str) -> String {
    let canonical: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    use std::fmt::Write;
    digest::digest(&digest::SHA256, canonical.as_bytes())
        .as_ref()
        .iter()
        .fold(String::with_capacity(64), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// Opens an account without a password and returns the one-time code its
/// owner sets one with.
pub async fn create_with_code(
    db: &Db,
    rng: &SystemRandom,
    new: NewCounsellor,
) -> Result<(AccountSummary, OneTimeCode), AccountError> {
    let (shown, hash) = new_code(rng)?;
    let now = now_millis();
    let expires_at = now + CODE_LIFETIME_MS;
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO counsellors \
         (login, first_name, role, password_hash, active, created_at, reset_code_hash, reset_code_expires_at) \
         VALUES ($1, $2, $3, $4, 1, $5, $6, $7) ON CONFLICT (login) DO NOTHING RETURNING id",
    )
    .bind(new.login.as_ref())
    .bind(new.first_name.as_ref())
    .bind(new.role.as_str())
    .bind(NO_PASSWORD)
    .bind(now)
    .bind(hash)
    .bind(expires_at)
    .fetch_optional(db.pool())
    .await?;
    let (id,) = inserted.ok_or(CounsellorError::DuplicateLogin)?;
    let summary = summary(db, CounsellorId(id))
        .await?
        .ok_or(AccountError::NotFound)?;
    Ok((
        summary,
        OneTimeCode {
            code: shown,
            expires_at,
        },
    ))
}

/// Issues a new one-time code for an account. The old password stops
/// working at once (a reset is often because it leaked); an earlier code is
/// replaced.
pub async fn issue_reset_code(
    db: &Db,
    rng: &SystemRandom,
    id: CounsellorId,
) -> Result<OneTimeCode, AccountError> {
    let (shown, hash) = new_code(rng)?;
    let expires_at = now_millis() + CODE_LIFETIME_MS;
    let done = sqlx::query(
        "UPDATE counsellors SET password_hash = $1, reset_code_hash = $2, \
         reset_code_expires_at = $3 WHERE id = $4",
    )
    .bind(NO_PASSWORD)
    .bind(hash)
    .bind(expires_at)
    .bind(id.0)
    .execute(db.pool())
    .await?;
    if done.rows_affected() != 1 {
        return Err(AccountError::NotFound);
    }
    Ok(OneTimeCode {
        code: shown,
        expires_at,
    })
}

/// Checks a new password: the length rules, and not the login name.
fn new_password_for(
    login: &str,
    password: Password,
    text: &str,
) -> Result<NewPassword, AccountError> {
    if text.trim().eq_ignore_ascii_case(login.trim()) {
        return Err(AccountError::PasswordIsLogin);
    }
    Ok(NewPassword::parse(password)?)
}

/// Sets a password with a one-time code; the code is used up. Returns the
/// account. A wrong, used or expired code, an unknown login and an
/// inactive account all answer [`AccountError::InvalidCode`].
pub async fn set_password_with_code(
    db: &Db,
    login: &str,
    code: &str,
    new_password: String,
) -> Result<Counsellor, AccountError> {
    let login = Login::parse(login).map_err(|_| AccountError::InvalidCode)?;
    let new = new_password_for(
        login.as_ref(),
        Password::new(new_password.clone()),
        &new_password,
    )?;
    let row: Option<(i64, Option<String>, Option<i64>, i32)> = sqlx::query_as(
        "SELECT id, reset_code_hash, reset_code_expires_at, active FROM counsellors WHERE login = $1",
    )
    .bind(login.as_ref())
    .fetch_optional(db.pool())
    .await?;
    let typed = code_hash(code);
    let Some((id, Some(stored), Some(expires_at), 1)) = row else {
        return Err(AccountError::InvalidCode);
    };
    let same = stored
        .bytes()
        .zip(typed.bytes())
        .fold(stored.len() ^ typed.len(), |acc, (a, b)| {
            acc | usize::from(a ^ b)
        })
        == 0;
    if !same || now_millis() >= expires_at {
        return Err(AccountError::InvalidCode);
    }
    let hash = password::hash(new).await?;
    // Single use even when two requests race: only one finds the code.
    let done = sqlx::query(
        "UPDATE counsellors SET password_hash = $1, reset_code_hash = NULL, \
         reset_code_expires_at = NULL WHERE id = $2 AND reset_code_hash = $3",
    )
    .bind(hash)
    .bind(id)
    .bind(&stored)
    .execute(db.pool())
    .await?;
    if done.rows_affected() != 1 {
        return Err(AccountError::InvalidCode);
    }
    counsellors::find_by_id(db, CounsellorId(id))
        .await?
        .ok_or(AccountError::NotFound)
}

/// A logged-in counsellor changes their own password with the current one.
pub async fn change_password(
    db: &Db,
    counsellor: &Counsellor,
    current: Password,
    new_password: String,
) -> Result<(), AccountError> {
    let new = new_password_for(
        counsellor.login.as_ref(),
        Password::new(new_password.clone()),
        &new_password,
    )?;
    let stored: Option<(String,)> =
        sqlx::query_as("SELECT password_hash FROM counsellors WHERE id = $1")
            .bind(counsellor.id.0)
            .fetch_optional(db.pool())
            .await?;
    let (stored,) = stored.ok_or(AccountError::NotFound)?;
    if !password::verify(current, stored).await {
        return Err(AccountError::WrongPassword);
    }
    let hash = password::hash(new).await?;
    sqlx::query("UPDATE counsellors SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(counsellor.id.0)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// "Another active coordinator than `$n` exists", for the guards below.
const ANOTHER_COORDINATOR: &str = "EXISTS (SELECT 1 FROM counsellors c2 \
     WHERE c2.role = 'coordinator' AND c2.active = 1 AND c2.id <> $2)";

async fn exists(db: &Db, id: CounsellorId) -> Result<bool, sqlx::Error> {
    Ok(counsellors::find_by_id(db, id).await?.is_some())
}

/// The transaction-scoped advisory lock ("co") that queues PostgreSQL's
/// role and activation changes: under READ COMMITTED two coordinators
/// demoting each other at once would each still see the other as a
/// coordinator and both succeed. SQLite has one writer at a time already.
const COORDINATOR_LOCK: i32 = 0x636f;

/// Runs one guarded UPDATE of the team inside a transaction that, on
/// PostgreSQL, holds [`COORDINATOR_LOCK`] for this schema.
async fn guarded_update(db: &Db, sql: &str, binds: &[Bind<'_>]) -> Result<u64, sqlx::Error> {
    let mut tx = db.pool().begin().await?;
    if db.backend() == crate::db::Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))")
            .bind(COORDINATOR_LOCK)
            .execute(&mut *tx)
            .await?;
    }
    let mut query = sqlx::query(sql);
    for bind in binds {
        query = match bind {
            Bind::Text(text) => query.bind(*text),
            Bind::Int(n) => query.bind(*n),
        };
    }
    let done = query.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// A value bound into [`guarded_update`]'s statement.
enum Bind<'a> {
    Text(&'a str),
    Int(i64),
}

/// Changes an account's role. Demoting the last active coordinator is
/// refused, in the same statement that would do it.
pub async fn set_role(db: &Db, id: CounsellorId, role: Role) -> Result<(), AccountError> {
    let done = guarded_update(
        db,
        &format!(
            "UPDATE counsellors SET role = $1 WHERE id = $2 AND \
             ($3 = 'coordinator' OR role <> 'coordinator' OR active = 0 OR {ANOTHER_COORDINATOR})"
        ),
        &[
            Bind::Text(role.as_str()),
            Bind::Int(id.0),
            Bind::Text(role.as_str()),
        ],
    )
    .await?;
    if done == 1 {
        Ok(())
    } else if exists(db, id).await? {
        Err(AccountError::LastCoordinator)
    } else {
        Err(AccountError::NotFound)
    }
}

/// Deactivates or reactivates an account. Deactivating the last active
/// coordinator is refused, in the same statement that would do it.
pub async fn set_active(db: &Db, id: CounsellorId, active: bool) -> Result<(), AccountError> {
    let done = if active {
        sqlx::query("UPDATE counsellors SET active = 1 WHERE id = $1")
            .bind(id.0)
            .execute(db.pool())
            .await?
            .rows_affected()
    } else {
        guarded_update(
            db,
            &format!(
                "UPDATE counsellors SET active = 0 WHERE id = $1 AND \
                 (role <> 'coordinator' OR {})",
                ANOTHER_COORDINATOR.replace("$2", "$1")
            ),
            &[Bind::Int(id.0)],
        )
        .await?
    };
    if done == 1 {
        Ok(())
    } else if exists(db, id).await? {
        Err(AccountError::LastCoordinator)
    } else {
        Err(AccountError::NotFound)
    }
}

/// How many chats a counsellor takes at once: a claim or a transfer past it
/// is refused. Between 1 and [`MaxChats::HIGHEST`]: more than that many
/// parallel conversations with worried young people is not counselling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxChats(u32);

impl MaxChats {
    /// The highest setting.
    pub const HIGHEST: u32 = 10;

    /// Reads the setting as typed.
    pub fn parse(typed: &str) -> Result<MaxChats, String> {
        match typed.trim().parse::<u32>() {
            Ok(n) if (1..=Self::HIGHEST).contains(&n) => Ok(MaxChats(n)),
            _ => Err(format!(
                "the most chats at once is a number from 1 to {}, not {typed:?}",
                Self::HIGHEST
            )),
        }
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// Sets how many chats the account takes at once. Chats it holds already
/// stay; only new claims and transfers count against the new maximum.
pub async fn set_max_chats(db: &Db, id: CounsellorId, max: MaxChats) -> Result<(), AccountError> {
    let done = sqlx::query("UPDATE counsellors SET max_chats = $1 WHERE id = $2")
        .bind(i64::from(max.get()))
        .bind(id.0)
        .execute(db.pool())
        .await?
        .rows_affected();
    if done == 1 {
        Ok(())
    } else {
        Err(AccountError::NotFound)
    }
}

/// Deletes every session of an account (except `keep`, the caller's own)
/// and returns their ids, so open consoles can be told at once.
pub async fn end_sessions(
    db: &Db,
    id: CounsellorId,
    keep: Option<&str>,
) -> Result<Vec<String>, sqlx::Error> {
    let keep = keep.unwrap_or("");
    let ids: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM counsellor_sessions WHERE counsellor_id = $1 AND id <> $2")
            .bind(id.0)
            .bind(keep)
            .fetch_all(db.pool())
            .await?;
    sqlx::query("DELETE FROM counsellor_sessions WHERE counsellor_id = $1 AND id <> $2")
        .bind(id.0)
        .bind(keep)
        .execute(db.pool())
        .await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Whether the account has the second factor on.
pub async fn totp_enabled(db: &Db, id: CounsellorId) -> Result<bool, sqlx::Error> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT totp_secret FROM counsellors WHERE id = $1")
            .bind(id.0)
            .fetch_optional(db.pool())
            .await?;
    Ok(matches!(row, Some((Some(_),))))
}

/// What a typed second-factor code came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpCheck {
    /// The account has no second factor.
    Off,
    /// The code fits a step not used before; that step is now used.
    Accepted,
    /// Wrong, outside the window, or already used.
    Refused,
}

/// Checks `typed` against the account's active secret and uses up its step,
/// so the same code never works twice.
pub async fn check_totp(
    db: &Db,
    key: &TotpKey,
    id: CounsellorId,
    typed: &str,
) -> Result<TotpCheck, AccountError> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT totp_secret FROM counsellors WHERE id = $1")
            .bind(id.0)
            .fetch_optional(db.pool())
            .await?;
    let Some((Some(sealed),)) = row else {
        return Ok(TotpCheck::Off);
    };
    let secret = key.open(id.0, &sealed)?;
    let Some(step) = totp::matching_step(&secret, typed, totp::now_seconds()) else {
        return Ok(TotpCheck::Refused);
    };
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let done = sqlx::query(
        "UPDATE counsellors SET totp_last_step = $1 WHERE id = $2 \
         AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $3)",
    )
    .bind(step)
    .bind(id.0)
    .bind(step)
    .execute(db.pool())
    .await?;
    Ok(if done.rows_affected() == 1 {
        TotpCheck::Accepted
    } else {
        TotpCheck::Refused
    })
}

/// Starts enrolment: a new secret is stored (sealed) as pending and
/// returned, for the counsellor's app. The second factor is not on yet.
pub async fn begin_totp(
    db: &Db,
    key: &TotpKey,
    rng: &SystemRandom,
    id: CounsellorId,
) -> Result<Vec<u8>, AccountError> {
    let secret = totp::new_secret(rng).map_err(|_| AccountError::Random)?;
    let sealed = key.seal(rng, id.0, &secret)?;
    sqlx::query("UPDATE counsellors SET totp_pending = $1 WHERE id = $2")
        .bind(sealed)
        .bind(id.0)
        .execute(db.pool())
        .await?;
    Ok(secret)
}

/// Finishes enrolment: when `typed` fits the pending secret, it becomes the
/// active one (and its step counts as used). `false` when it does not fit
/// or no enrolment was started.
pub async fn confirm_totp(
    db: &Db,
    key: &TotpKey,
    id: CounsellorId,
    typed: &str,
) -> Result<bool, AccountError> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT totp_pending FROM counsellors WHERE id = $1")
            .bind(id.0)
            .fetch_optional(db.pool())
            .await?;
    let Some((Some(pending),)) = row else {
        return Ok(false);
    };
    let secret = key.open(id.0, &pending)?;
    let Some(step) = totp::matching_step(&secret, typed, totp::now_seconds()) else {
        return Ok(false);
    };
    let done = sqlx::query(
        "UPDATE counsellors SET totp_secret = totp_pending, totp_pending = NULL, \
         totp_last_step = $1 WHERE id = $2 AND totp_pending = $3",
    )
    .bind(i64::try_from(step).unwrap_or(i64::MAX))
    .bind(id.0)
    .bind(&pending)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Turns the second factor off (the counsellor with a current code, or a
/// coordinator for a lost phone). `false` when no account has this id.
pub async fn disable_totp(db: &Db, id: CounsellorId) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE counsellors SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL \
         WHERE id = $1",
    )
    .bind(id.0)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Parses the fields of a new account from the coordinator's form.
pub fn parse_new(login: &str, first_name: &str, role: Role) -> Result<NewCounsellor, AccountError> {
    Ok(NewCounsellor {
        login: Login::parse(login)?,
        first_name: FirstName::parse(first_name)?,
        role,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_and_typing_is_forgiving() {
        let rng = SystemRandom::new();
        let (shown, hash) = new_code(&rng).expect("a code");
        assert_eq!(shown.len(), 19, "{shown}");
        assert_eq!(shown.matches('-').count(), 3);
        assert_eq!(code_hash(&shown), hash);
        assert_eq!(code_hash(&shown.to_lowercase().replace('-', " ")), hash);
        assert_ne!(code_hash("AAAA-AAAA-AAAA-AAAA"), hash);
        let (other, _) = new_code(&rng).expect("a code");
        assert_ne!(other, shown);
    }

    #[test]
    fn a_password_may_not_be_the_login() {
        let check = |login: &str, text: &str| {
            new_password_for(login, Password::new(text.to_owned()), text).map(|_| ())
        };
        assert!(matches!(
            check("anna.berg.kommune", " Anna.Berg.Kommune"),
            Err(AccountError::PasswordIsLogin)
        ));
        assert!(matches!(
            check("anna", "short"),
            Err(AccountError::Password(PasswordError::TooShort))
        ));
        assert!(check("anna", "a long enough sentence").is_ok());
    }

    #[test]
    fn the_most_chats_at_once_is_between_one_and_ten() {
        assert_eq!(MaxChats::parse("1").map(MaxChats::get), Ok(1));
        assert_eq!(MaxChats::parse(" 10 ").map(MaxChats::get), Ok(10));
        for wrong in ["0", "11", "-1", "three", "", "3.5"] {
            let refused = MaxChats::parse(wrong).expect_err(wrong);
            assert!(refused.contains("from 1 to 10"), "{refused}");
        }
    }
}
