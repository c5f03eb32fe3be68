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
//! - [`accounts`]: team administration: one-time codes, roles, ending
//!   sessions, the second factor's stored state.
//! - [`totp`]: RFC 6238 codes and the key that seals their secrets.

pub mod accounts;
pub mod counsellors;
pub mod csrf;
pub mod limiter;
pub mod password;
pub mod session;
mod session_store;
pub mod totp;

pub use session::{AuthRejection, CurrentCounsellor};
pub use session_store::DbSessionStore;

use time::Duration;
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

/// How long a counsellor stays logged in without any request.
pub const SESSION_IDLE_TIMEOUT: Duration = Duration::hours(1);

/// How long a login lasts at most, however active (the default of
/// `Settings::session_max_secs`).
pub const SESSION_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(12 * 3600);

/// What the login and team routes need beyond the database: the key that
/// seals TOTP secrets, randomness, the name authenticator apps show, and
/// the maximum session age. Built once at startup.
#[derive(Debug)]
pub struct AuthSettings {
    /// Seals and opens stored TOTP secrets.
    pub totp_key: totp::TotpKey,
    /// Randomness for codes, secrets and nonces.
    pub rng: ring::rand::SystemRandom,
    /// The issuer authenticator apps show (the service's name).
    pub issuer: String,
    /// How long a login lasts at most.
    pub session_max_age: std::time::Duration,
}

impl AuthSettings {
    /// Reads (or creates) the TOTP key as configured.
    pub fn from_settings(settings: &crate::config::Settings) -> Result<Self, totp::TotpKeyError> {
        let rng = ring::rand::SystemRandom::new();
        let totp_key = totp::TotpKey::configured_or_file(
            settings.totp_key.as_deref(),
            &settings.data_dir,
            &rng,
        )?;
        Ok(AuthSettings {
            totp_key,
            rng,
            issuer: settings.service.name.clone(),
            session_max_age: std::time::Duration::from_secs(settings.session_max_secs),
        })
    }
}

/// The session layer with the idle timeout from the settings.
pub fn session_layer_for(
    store: DbSessionStore,
    settings: &crate::config::Settings,
) -> SessionManagerLayer<DbSessionStore> {
    let idle = Duration::seconds(i64::try_from(settings.session_idle_secs).unwrap_or(i64::MAX));
    session_layer(store, settings.https).with_expiry(Expiry::OnInactivity(idle))
}

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
