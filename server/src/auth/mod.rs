//! Counsellor authentication. Young people, parents and professionals never
//! log in; only staff have sessions. Sessions live in the database so that a
//! login works on every server node.
//!
//! # Layout
//! - [`password`]: PBKDF2 hashing and constant-time verification.
//! - [`counsellors`]: the accounts and the login check.
//! - [`session`]: logging in with a rotated session id; [`CurrentCounsellor`].
//! - [`limiter`]: in-memory limits on failed logins.
//! - [`csrf`]: same-origin JSON guard for state-changing requests.

pub mod counsellors;
pub mod csrf;
pub mod limiter;
pub mod password;
pub mod session;
mod session_store;

pub use session::{AuthRejection, CurrentCounsellor};
pub use session_store::DbSessionStore;

use time::Duration;
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

/// How long a counsellor stays logged in without any request.
pub const SESSION_IDLE_TIMEOUT: Duration = Duration::hours(1);

/// The session layer for the whole router. It sets a cookie only once a
/// session is written (a counsellor logs in), so anonymous visitors get none.
pub fn session_layer(store: DbSessionStore, https: bool) -> SessionManagerLayer<DbSessionStore> {
    // `__Host-` pins the cookie to this host and path and requires Secure.
    let name = if https { "__Host-session" } else { "session" };
    SessionManagerLayer::new(store)
        .with_name(name)
        .with_secure(https)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(SESSION_IDLE_TIMEOUT))
}
