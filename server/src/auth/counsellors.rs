//! Counsellor accounts: the staff who answer chats, and the coordinators who
//! also manage the service. Young people never have an account.
//!
//! Logins and first names are parsed into their own types once, at the edge
//! (HTTP, command line); the store functions accept only those types.

use crate::auth::password::{self, NewPassword, Password, PasswordError};
use crate::db::{Db, now_millis};
use serde::Serialize;
use std::fmt;

/// What an account may do. Coordinators manage counsellors and settings on
/// top of everything a counsellor does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Answers chats and bookings.
    Counsellor,
    /// Also manages counsellors, opening hours, texts and statistics.
    Coordinator,
}

impl Role {
    /// The stored and serialised spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Counsellor => "counsellor",
            Role::Coordinator => "coordinator",
        }
    }

    fn from_db(text: &str) -> Result<Role, sqlx::Error> {
        match text {
            "counsellor" => Ok(Role::Counsellor),
            "coordinator" => Ok(Role::Coordinator),
            other => Err(sqlx::Error::Decode(
                format!("unknown counsellor role {other:?}").into(),
            )),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A counsellor's login name: trimmed, lowercased, 1–64 of `a-z 0-9 . _ - @`
/// (so an e-mail address works). Lowercased so `Anna` and `anna` are one
/// account, and the database's unique index sees them as one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Login(String);

/// Longest accepted login name.
pub const MAX_LOGIN_CHARS: usize = 64;

impl Login {
    /// Normalises and checks a typed login name.
    pub fn parse(text: &str) -> Result<Login, CounsellorError> {
        let login = text.trim().to_lowercase();
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-@".contains(c);
        if login.is_empty() || login.len() > MAX_LOGIN_CHARS || !login.chars().all(allowed) {
            return Err(CounsellorError::InvalidLogin);
        }
        Ok(Login(login))
    }
}

impl AsRef<str> for Login {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The first name young people see ("Anna is writing"): trimmed, 1–40
/// characters, no control characters. Only a first name, by design: staff
/// are not fully named to the people they talk to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FirstName(String);

/// Longest accepted first name, in characters.
pub const MAX_FIRST_NAME_CHARS: usize = 40;

impl FirstName {
    /// Checks a typed first name.
    pub fn parse(text: &str) -> Result<FirstName, CounsellorError> {
        let name = text.trim();
        let chars = name.chars().count();
        if chars == 0 || chars > MAX_FIRST_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(CounsellorError::InvalidFirstName);
        }
        Ok(FirstName(name.to_owned()))
    }
}

impl AsRef<str> for FirstName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FirstName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A counsellor's account id: what the session stores and logs carry (a
/// number says nothing about the person).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct CounsellorId(pub i64);

impl fmt::Display for CounsellorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An account, without its password hash (which never leaves this module).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counsellor {
    /// The account id.
    pub id: CounsellorId,
    /// The login name.
    pub login: Login,
    /// The name young people see.
    pub first_name: FirstName,
    /// What the account may do.
    pub role: Role,
    /// Deactivated accounts keep their history but cannot log in.
    pub active: bool,
}

/// What is needed to open an account (the password comes separately).
#[derive(Clone, Debug)]
pub struct NewCounsellor {
    /// The login name.
    pub login: Login,
    /// The name young people see.
    pub first_name: FirstName,
    /// What the account may do.
    pub role: Role,
}

/// Why an account could not be created or read. Messages are safe to show
/// the person who typed the input.
#[derive(Debug, thiserror::Error)]
pub enum CounsellorError {
    /// The login name is empty, too long or has other characters.
    #[error(
        "the login must be 1 to {MAX_LOGIN_CHARS} characters: letters a-z, digits, '.', '_', '-' or '@'"
    )]
    InvalidLogin,
    /// The first name is empty, too long or has control characters.
    #[error("the first name must be 1 to {MAX_FIRST_NAME_CHARS} characters")]
    InvalidFirstName,
    /// Another account already has this login name.
    #[error("a counsellor with this login already exists")]
    DuplicateLogin,
    /// The password breaks the rules or could not be hashed.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

type Row = (i64, String, String, String, i32);

const COLUMNS: &str = "id, login, first_name, role, active";

fn from_row((id, login, first_name, role, active): Row) -> Result<Counsellor, sqlx::Error> {
    Ok(Counsellor {
        id: CounsellorId(id),
        login: Login(login),
        first_name: FirstName(first_name),
        role: Role::from_db(&role)?,
        active: active != 0,
    })
}

/// Opens an account. The password is hashed here (slow on purpose).
pub async fn create(
    db: &Db,
    new: NewCounsellor,
    password: NewPassword,
) -> Result<Counsellor, CounsellorError> {
    let hash = password::hash(password).await?;
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO counsellors (login, first_name, role, password_hash, active, created_at) \
         VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT (login) DO NOTHING RETURNING id",
    )
    .bind(new.login.as_ref())
    .bind(new.first_name.as_ref())
    .bind(new.role.as_str())
    .bind(hash)
    .bind(now_millis())
    .fetch_optional(db.pool())
    .await?;
    let (id,) = inserted.ok_or(CounsellorError::DuplicateLogin)?;
    Ok(Counsellor {
        id: CounsellorId(id),
        login: new.login,
        first_name: new.first_name,
        role: new.role,
        active: true,
    })
}

/// The account with this login, active or not.
pub async fn find_by_login(db: &Db, login: &Login) -> Result<Option<Counsellor>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM counsellors WHERE login = $1"
    ))
    .bind(login.as_ref())
    .fetch_optional(db.pool())
    .await?;
    row.map(from_row).transpose()
}

/// The account with this id, active or not (sessions carry the id).
pub async fn find_by_id(db: &Db, id: CounsellorId) -> Result<Option<Counsellor>, sqlx::Error> {
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM counsellors WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(db.pool())
            .await?;
    row.map(from_row).transpose()
}

/// Every account, in login order (the command line's `list`).
pub async fn list(db: &Db) -> Result<Vec<Counsellor>, sqlx::Error> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM counsellors ORDER BY login"))
            .fetch_all(db.pool())
            .await?;
    rows.into_iter().map(from_row).collect()
}

/// Activates or deactivates an account; `false` when no account has this
/// id. A deactivated counsellor's open sessions stop working at their next
/// request (see `auth::CurrentCounsellor`).
pub async fn set_active(db: &Db, id: CounsellorId, active: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE counsellors SET active = $1 WHERE id = $2")
        .bind(i32::from(active))
        .bind(id.0)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The account behind a login attempt: `Some` only for an active account
/// whose password matches. Every refusal costs one password verification
/// (a dummy one when the login does not exist or is malformed), so the time
/// taken does not tell which logins exist or are active.
pub async fn verify_login(
    db: &Db,
    login: &str,
    password: Password,
) -> Result<Option<Counsellor>, sqlx::Error> {
    let Ok(login) = Login::parse(login) else {
        password::verify_dummy(password).await;
        return Ok(None);
    };
    let row: Option<(i64, String, String, String, i32, String)> = sqlx::query_as(&format!(
        "SELECT {COLUMNS}, password_hash FROM counsellors WHERE login = $1"
    ))
    .bind(login.as_ref())
    .fetch_optional(db.pool())
    .await?;
    let Some((id, login, first_name, role, active, hash)) = row else {
        password::verify_dummy(password).await;
        return Ok(None);
    };
    let matches = password::verify(password, hash).await;
    let counsellor = from_row((id, login, first_name, role, active))?;
    Ok((matches && counsellor.active).then_some(counsellor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_trimmed_lowercased_and_limited_to_plain_characters() {
        let ok = |s: &str| Login::parse(s).map(|l| l.to_string()).ok();
        assert_eq!(ok("anna").as_deref(), Some("anna"));
        assert_eq!(ok("  Anna.B ").as_deref(), Some("anna.b"));
        assert_eq!(ok("anna@kommune.dk").as_deref(), Some("anna@kommune.dk"));
        assert_eq!(ok("a_b-c9").as_deref(), Some("a_b-c9"));
        for bad in ["", "   ", "an na", "anne\nsofie", "søren", "a;drop", "a/b"] {
            assert!(Login::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(Login::parse(&"a".repeat(64)).is_ok());
        assert!(Login::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn first_names_are_trimmed_and_short() {
        assert_eq!(
            FirstName::parse("  Søren ").map(|n| n.to_string()).ok(),
            Some("Søren".to_owned())
        );
        assert!(FirstName::parse("Anne-Sofie").is_ok());
        assert!(FirstName::parse(&"ø".repeat(40)).is_ok());
        for bad in [String::new(), "  ".into(), "A\nB".into(), "ø".repeat(41)] {
            assert!(FirstName::parse(&bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn roles_are_spelled_as_stored() {
        for role in [Role::Counsellor, Role::Coordinator] {
            assert_eq!(Role::from_db(role.as_str()).ok(), Some(role));
            assert_eq!(
                serde_json::to_value(role).ok(),
                Some(serde_json::json!(role.as_str()))
            );
        }
        assert!(Role::from_db("admin").is_err());
    }
}
