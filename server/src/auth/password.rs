//! Counsellor passwords: PBKDF2-HMAC-SHA256 (ring) with 600,000 iterations,
//! as OWASP recommends, stored as a self-describing string
//! `pbkdf2-sha256$<iterations>$<salt>$<hash>` (standard base64, no padding).
//!
//! The iteration count is read back from each stored string, so it can be
//! raised later without invalidating existing passwords. Hashing is CPU-heavy
//! on purpose: it runs on the blocking pool, and at most one hash per core
//! runs at a time, so a burst of login attempts cannot starve the live chat.

use ring::rand::{SecureRandom, SystemRandom};
use ring::{digest, pbkdf2};
use serde::Deserialize;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// Iterations for new hashes (OWASP 2023 for PBKDF2-HMAC-SHA256).
pub const ITERATIONS: u32 = 600_000;

/// Shortest accepted new password, in characters. Length beats complexity
/// rules; 12 is the usual floor for staff accounts without a second factor.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Longest accepted new password, in characters: long passphrases are
/// welcome, megabyte "passwords" are not.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The scheme name at the front of every stored hash.
const SCHEME: &str = "pbkdf2-sha256";
const CURRENT_ITERATIONS: NonZeroU32 = match NonZeroU32::new(ITERATIONS) {
    Some(n) => n,
    None => panic!("ITERATIONS is not zero"),
};
const SALT_LEN: usize = 16;
const HASH_LEN: usize = digest::SHA256_OUTPUT_LEN;
/// Upper bound accepted when reading a stored hash, so a corrupted row cannot
/// make one verification run for minutes.
const MAX_ITERATIONS: u32 = 100_000_000;

/// A password as someone typed it (a login attempt). It is secret: it has no
/// `Serialize`, and its `Debug` output is redacted, so it cannot end up in a
/// log line or a response by accident.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    /// Wraps typed text. No rules apply here: a login attempt is checked
    /// against the stored hash, whatever rules were in force when it was set.
    pub fn new(text: String) -> Password {
        Password(text)
    }

    fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(redacted)")
    }
}

/// A password that meets the rules for new passwords (12 to 1024
/// characters); the only kind [`hash`] accepts.
#[derive(Clone)]
pub struct NewPassword(Password);

impl NewPassword {
    /// Checks the length rules.
    pub fn parse(password: Password) -> Result<NewPassword, PasswordError> {
        let chars = password.0.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            Err(PasswordError::TooShort)
        } else if chars > MAX_PASSWORD_CHARS {
            Err(PasswordError::TooLong)
        } else {
            Ok(NewPassword(password))
        }
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(redacted)")
    }
}

/// Why a password could not be set or hashed. The messages are meant for the
/// person choosing the password and never contain it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    /// More than [`MAX_PASSWORD_CHARS`] characters.
    #[error("the password must have at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    /// The system's random number generator failed (no salt, no hash).
    #[error("no randomness available for the password salt")]
    NoRandomness,
    /// The hashing task died (the runtime is shutting down).
    #[error("password hashing was interrupted")]
    Interrupted,
}

/// A stored hash, parsed. Kept apart from the string so the iteration count
/// can be inspected (and raised for old hashes later).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash {
    iterations: NonZeroU32,
    salt: Vec<u8>,
    hash: [u8; HASH_LEN],
}

impl PasswordHash {
    /// Reads `pbkdf2-sha256$<iterations>$<salt>$<hash>`; `None` for anything
    /// else (a corrupted or foreign value never panics and never verifies).
    pub fn parse(stored: &str) -> Option<PasswordHash> {
        let mut parts = stored.split('$');
        let (scheme, iterations, salt, hash) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if scheme != SCHEME || parts.next().is_some() {
            return None;
        }
        // Digits only: `u32::from_str` would also take a leading `+`.
        if iterations.is_empty() || !iterations.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let iterations = iterations
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_ITERATIONS)
            .and_then(NonZeroU32::new)?;
        let salt = base64::decode(salt).filter(|s| !s.is_empty())?;
        let hash = base64::decode(hash)?.try_into().ok()?;
        Some(PasswordHash {
            iterations,
            salt,
            hash,
        })
    }

    /// How many iterations this hash was made with; lower than
    /// [`ITERATIONS`] means it should be re-hashed at the next login.
    pub fn iterations(&self) -> u32 {
        self.iterations.get()
    }

    /// A hash no password matches, costing as much to check as a real one:
    /// checked when a login does not exist, so the answer takes as long.
    fn dummy() -> PasswordHash {
        PasswordHash {
            iterations: CURRENT_ITERATIONS,
            salt: vec![0; SALT_LEN],
            hash: [0; HASH_LEN],
        }
    }

    fn matches(&self, password: &Password) -> bool {
        pbkdf2::verify(
            pbkdf2::PBKDF2_HMAC_SHA256,
            self.iterations,
            &self.salt,
            password.as_bytes(),
            &self.hash,
        )
        .is_ok()
    }
}

impl fmt::Display for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{SCHEME}${}${}${}",
            self.iterations,
            base64::encode(&self.salt),
            base64::encode(&self.hash)
        )
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The hash is not the password, but it would allow offline guessing.
        write!(f, "PasswordHash({SCHEME}, {} iterations)", self.iterations)
    }
}

/// One permit per core: hashing never takes every core from the chat.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
});

/// Runs `work` on the blocking pool once a hashing permit is free.
async fn on_hashing_pool<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PasswordError> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|_| PasswordError::Interrupted)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| PasswordError::Interrupted)
}

/// Hashes a new password with a fresh random salt and [`ITERATIONS`]; the
/// result is the string to store.
pub async fn hash(password: NewPassword) -> Result<String, PasswordError> {
    hash_with_iterations(password, CURRENT_ITERATIONS).await
}

async fn hash_with_iterations(
    password: NewPassword,
    iterations: NonZeroU32,
) -> Result<String, PasswordError> {
    let mut salt = vec![0u8; SALT_LEN];
    SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| PasswordError::NoRandomness)?;
    on_hashing_pool(move || {
        let mut hash = [0u8; HASH_LEN];
        pbkdf2::derive(
            pbkdf2::PBKDF2_HMAC_SHA256,
            iterations,
            &salt,
            password.0.as_bytes(),
            &mut hash,
        );
        PasswordHash {
            iterations,
            salt,
            hash,
        }
        .to_string()
    })
    .await
}

/// Whether `password` matches the `stored` hash, compared in constant time.
/// A malformed stored value is a mismatch (and a warning), never a panic.
pub async fn verify(password: Password, stored: String) -> bool {
    if stored == NO_PASSWORD {
        // Not set yet: the owner must use their one-time code.
        return verify_dummy(password).await;
    }
    let Some(hash) = PasswordHash::parse(&stored) else {
        tracing::warn!("a stored password hash is malformed; the login is refused");
        return verify_dummy(password).await;
    };
    on_hashing_pool(move || hash.matches(&password))
        .await
        .unwrap_or(false)
}

/// Spends the time of one verification and answers no: used when a login
/// does not exist, so response times do not reveal which logins exist.
pub async fn verify_dummy(password: Password) -> bool {
    let hash = PasswordHash::dummy();
    let _ = on_hashing_pool(move || hash.matches(&password)).await;
    false
}

/// Standard base64 without padding (the stored hash's spelling), for other
/// stored secrets in `auth` (the sealed TOTP secret).
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    base64::encode(bytes)
}

/// Reads [`base64_encode`]'s output; `None` for anything else.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    base64::decode(text)
}

/// The hash stored for an account whose password is not set yet (a new
/// account, or one whose password was reset): it never parses, so no
/// password verifies against it.
pub const NO_PASSWORD: &str = "!";

/// Standard base64 without padding: the handful of lines the hash format
/// needs, rather than one more dependency.
mod base64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub(super) fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..=chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out
    }

    fn value(c: u8) -> Option<u32> {
        ALPHABET.iter().position(|a| *a == c).map(|p| p as u32)
    }

    /// `None` for padding, foreign characters, impossible lengths and
    /// non-zero leftover bits (so each byte string has one spelling).
    pub(super) fn decode(text: &str) -> Option<Vec<u8>> {
        let bytes = text.as_bytes();
        if bytes.len() % 4 == 1 {
            return None;
        }
        let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
        for chunk in bytes.chunks(4) {
            let mut n = 0u32;
            for (i, c) in chunk.iter().enumerate() {
                n |= value(*c)? << (18 - 6 * i);
            }
            let produced = chunk.len() - 1;
            let all = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            if all[produced..].iter().any(|b| *b != 0) {
                return None;
            }
            out.extend_from_slice(&all[..produced]);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: NonZeroU32 = NonZeroU32::new(1_000).expect("not zero");

    fn new_password(text: &str) -> NewPassword {
        NewPassword::parse(Password::new(text.to_owned())).expect("a valid new password")
    }

    #[tokio::test]
    async fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let stored = hash(new_password("correct horse battery"))
            .await
            .expect("hash");
        assert!(stored.starts_with("pbkdf2-sha256$600000$"), "{stored}");
        assert!(
            verify(
                Password::new("correct horse battery".into()),
                stored.clone()
            )
            .await
        );
        assert!(
            !verify(
                Password::new("correct horse batterY".into()),
                stored.clone()
            )
            .await
        );
        assert!(!verify(Password::new(String::new()), stored).await);
    }

    #[tokio::test]
    async fn the_same_password_gets_a_different_salt_each_time() {
        let a = hash_with_iterations(new_password("the same password"), CHEAP).await;
        let b = hash_with_iterations(new_password("the same password"), CHEAP).await;
        assert_ne!(a.expect("hash"), b.expect("hash"));
    }

    #[tokio::test]
    async fn the_iteration_count_is_read_from_the_stored_string() {
        let stored = hash_with_iterations(new_password("an older, cheaper hash"), CHEAP)
            .await
            .expect("hash");
        let parsed = PasswordHash::parse(&stored).expect("parses");
        assert_eq!(parsed.iterations(), 1_000);
        assert_eq!(parsed.to_string(), stored);
        assert!(verify(Password::new("an older, cheaper hash".into()), stored).await);
    }

    #[tokio::test]
    async fn tampered_stored_hashes_are_refused_without_panicking() {
        let password = "a perfectly fine password";
        let stored = hash_with_iterations(new_password(password), CHEAP)
            .await
            .expect("hash");
        let parts: Vec<&str> = stored.split('$').collect();
        let tampered = [
            String::new(),
            "garbage".to_owned(),
            stored.replace("pbkdf2-sha256", "pbkdf2-sha1"),
            format!("{}$0${}${}", parts[0], parts[2], parts[3]),
            format!("{}$-5${}${}", parts[0], parts[2], parts[3]),
            format!("{}$+1000${}${}", parts[0], parts[2], parts[3]),
            format!("{}$1001${}${}", parts[0], parts[2], parts[3]),
            format!("{}$99999999999${}${}", parts[0], parts[2], parts[3]),
            format!("{}${}$${}", parts[0], parts[1], parts[3]),
            format!("{}${}$!!${}", parts[0], parts[1], parts[3]),
            format!("{}${}${}$AAAA", parts[0], parts[1], parts[2]),
            format!("{stored}$extra"),
            stored[..stored.len() - 1].to_owned(),
            format!("{stored}A"),
            stored.replace('$', "$$"),
        ];
        for value in tampered {
            assert!(
                !verify(Password::new(password.into()), value.clone()).await,
                "{value} verified"
            );
        }
    }

    #[test]
    fn new_passwords_need_12_to_1024_characters() {
        let parse = |s: String| NewPassword::parse(Password::new(s)).map(|_| ());
        assert_eq!(parse("elleve tegn".into()), Err(PasswordError::TooShort));
        assert_eq!(parse("tolv tegn ok".into()), Ok(()));
        // Characters, not bytes: twelve Danish letters are enough.
        assert_eq!(parse("æøåæøåæøåæøå".into()), Ok(()));
        assert_eq!(parse("x".repeat(1024)), Ok(()));
        assert_eq!(parse("x".repeat(1025)), Err(PasswordError::TooLong));
    }

    #[test]
    fn passwords_never_show_in_debug_output() {
        let password = Password::new("hemmelig-kode-123".into());
        assert!(!format!("{password:?}").contains("hemmelig"));
        let new = NewPassword::parse(password).expect("valid");
        assert!(!format!("{new:?}").contains("hemmelig"));
    }

    #[tokio::test]
    async fn the_dummy_verification_never_succeeds() {
        assert!(!verify_dummy(Password::new(String::new())).await);
    }

    #[test]
    fn base64_matches_the_standard_alphabet_without_padding() {
        let cases: &[(&[u8], &str)] = &[
            (b"", ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"foobar", "Zm9vYmFy"),
            (&[0xfb, 0xff, 0xbf], "+/+/"),
        ];
        for (bytes, text) in cases {
            assert_eq!(base64::encode(bytes), *text);
            assert_eq!(base64::decode(text).as_deref(), Some(*bytes));
        }
        for bad in ["Zg==", "Z", "Zh", "Zm9v!", "Zm-v", "Zm_v"] {
            assert_eq!(base64::decode(bad), None, "{bad}");
        }
    }
}
