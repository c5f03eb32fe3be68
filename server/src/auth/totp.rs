//! The optional second factor: time-based one-time passwords (RFC 6238,
//! HMAC-SHA1, 6 digits, 30-second steps), as every authenticator app makes
//! them.
//!
//! - A code is accepted for the current step and one step either side (a
//!   phone's clock may be a little off), and never twice: the caller stores
//!   the last accepted step and refuses codes from that step or before.
//! - The shared secret is a credential: it is stored encrypted with
//!   AES-256-GCM under a [`TotpKey`] kept apart from the database (a
//!   configured key or a 0600 file in the data folder), bound to its account
//!   by the associated data, so a copied database alone does not give the
//!   second factor away.
//! - Enrolment shows the secret in base32 (RFC 4648) and as an
//!   `otpauth://` URI, which authenticator apps accept as text.

use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use std::path::Path;

/// Seconds per step.
pub const STEP_SECONDS: u64 = 30;

/// Digits in a code.
pub const DIGITS: u32 = 6;

/// Bytes of a new secret (160 bits, as RFC 4226 recommends for SHA-1).
pub const SECRET_BYTES: usize = 20;

/// The HOTP value (RFC 4226) of `secret` at `counter`, `digits` long. The
/// generic form the RFC test vectors exercise.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let tag = hmac::sign(&key, &counter.to_be_bytes());
    let mac = tag.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let binary = (u32::from(mac[offset] & 0x7f) << 24)
        | (u32::from(mac[offset + 1]) << 16)
        | (u32::from(mac[offset + 2]) << 8)
        | u32::from(mac[offset + 3]);
    let modulus = 10u64.pow(digits);
    format!(
        "{:0width$}",
        u64::from(binary) % modulus,
        width = digits as usize
    )
}

/// The step a Unix time (seconds) falls in.
pub fn step_at(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// The TOTP code (RFC 6238) of `secret` at `unix_seconds`, `digits` long.
pub fn totp(secret: &[u8], unix_seconds: u64, digits: u32) -> String {
    hotp(secret, step_at(unix_seconds), digits)
}

/// The step whose 6-digit code `typed` is, among the current step and one
/// either side; `None` when it fits none. Spaces in the typed code are
/// ignored (apps show `123 456`). Every candidate is computed, so the time
/// taken does not say which step matched.
pub fn matching_step(secret: &[u8], typed: &str, unix_seconds: u64) -> Option<u64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_seconds);
    let mut found = None;
    for step in [now.saturating_sub(1), now, now + 1] {
        let code = hotp(secret, step, DIGITS);
        let same = code
            .bytes()
            .zip(typed.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        if same && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// The current Unix time in seconds.
pub fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// A fresh random secret.
pub fn new_secret(rng: &SystemRandom) -> Result<Vec<u8>, ring::error::Unspecified> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rng.fill(&mut secret)?;
    Ok(secret)
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32, without padding (as authenticator apps take it).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buffer = [0u8; 5];
        buffer[..chunk.len()].copy_from_slice(chunk);
        let bits = buffer
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let symbols = (chunk.len() * 8).div_ceil(5);
        for i in 0..symbols {
            let index = (bits >> (35 - 5 * i)) & 0x1f;
            out.push(char::from(BASE32[index as usize]));
        }
    }
    out
}

/// Reads RFC 4648 base32: case, spaces, dashes and trailing `=` are
/// forgiven; `None` for any other character or leftover bits that are not
/// zero.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = text
        .trim_end_matches('=')
        .bytes()
        .filter(|b| !b" -".contains(b))
        .map(|b| b.to_ascii_uppercase())
        .collect();
    let mut out = Vec::with_capacity(symbols.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for symbol in symbols {
        let value = BASE32.iter().position(|&c| c == symbol)? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    (buffer == 0 && bits < 5).then_some(out)
}

/// The `otpauth://` URI authenticator apps read: the account shows as
/// `issuer:login`.
pub fn otpauth_uri(issuer: &str, login: &str, secret: &[u8]) -> String {
    let label = percent_encode(&format!("{issuer}:{login}"));
    format!(
        "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        base32_encode(secret),
        percent_encode(issuer)
    )
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    use std::fmt::Write;
    text.bytes().fold(String::new(), |mut out, b| {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
        out
    })
}

/// The key that encrypts stored TOTP secrets (AES-256-GCM).
pub struct TotpKey(LessSafeKey);

impl std::fmt::Debug for TotpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpKey(…)")
    }
}

/// Why the key could not be had, or a stored secret not read.
#[derive(Debug, thiserror::Error)]
pub enum TotpKeyError {
    /// The configured key is not 64 hexadecimal characters.
    #[error("FRONT_DOOR_TOTP_KEY must be 64 hexadecimal characters (32 random bytes)")]
    Invalid,
    /// The key file could not be read or written.
    #[error("the TOTP key file {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// No randomness for a new key or nonce.
    #[error("no randomness available")]
    Random,
    /// A stored secret does not decrypt under this key (a different key, or
    /// a changed row).
    #[error("a stored TOTP secret cannot be decrypted")]
    Undecryptable,
}

impl TotpKey {
    /// A key from 32 secret bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> TotpKey {
        match UnboundKey::new(&aead::AES_256_GCM, bytes) {
            Ok(key) => TotpKey(LessSafeKey::new(key)),
            // 32 bytes is exactly AES-256's key length.
            Err(_) => unreachable!("AES-256 takes 32-byte keys"),
        }
    }

    /// A key from 64 hexadecimal characters.
    pub fn from_hex(text: &str) -> Result<TotpKey, TotpKeyError> {
        crate::key_file::parse_hex(text)
            .map(|bytes| TotpKey::from_bytes(&bytes))
            .ok_or(TotpKeyError::Invalid)
    }

    /// The configured key, or the one in `data_dir/totp.key`, created (with
    /// mode 0600) on first start. Several server nodes must be given the
    /// same key through configuration.
    pub fn configured_or_file(
        configured: Option<&str>,
        data_dir: &Path,
        rng: &SystemRandom,
    ) -> Result<TotpKey, TotpKeyError> {
        use crate::key_file::{KeyFileError, configured_or_file};
        match configured_or_file(configured, data_dir, "totp.key", "TOTP key", rng) {
            Ok(bytes) => Ok(TotpKey::from_bytes(&bytes)),
            Err(KeyFileError::Invalid) => Err(TotpKeyError::Invalid),
            Err(KeyFileError::Random) => Err(TotpKeyError::Random),
            Err(KeyFileError::File(path, source)) => Err(TotpKeyError::File {
                path: path.display().to_string(),
                source,
            }),
        }
    }

    /// Encrypts `secret` for the account `counsellor`: standard base64 of
    /// nonce || ciphertext || tag.
    pub fn seal(
        &self,
        rng: &SystemRandom,
        counsellor: i64,
        secret: &[u8],
    ) -> Result<String, TotpKeyError> {
        let mut nonce = [0u8; aead::NONCE_LEN];
        rng.fill(&mut nonce).map_err(|_| TotpKeyError::Random)?;
        let mut data = secret.to_vec();
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(counsellor.to_be_bytes()),
                &mut data,
            )
            .map_err(|_| TotpKeyError::Random)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok(crate::auth::password::base64_encode(&out))
    }

    /// Decrypts what [`TotpKey::seal`] made for the same account.
    pub fn open(&self, counsellor: i64, stored: &str) -> Result<Vec<u8>, TotpKeyError> {
        let bytes =
            crate::auth::password::base64_decode(stored).ok_or(TotpKeyError::Undecryptable)?;
        if bytes.len() < aead::NONCE_LEN + aead::AES_256_GCM.tag_len() {
            return Err(TotpKeyError::Undecryptable);
        }
        let (nonce, sealed) = bytes.split_at(aead::NONCE_LEN);
        let nonce =
            Nonce::try_assume_unique_for_key(nonce).map_err(|_| TotpKeyError::Undecryptable)?;
        let mut sealed = sealed.to_vec();
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(counsellor.to_be_bytes()), &mut sealed)
            .map_err(|_| TotpKeyError::Undecryptable)?;
        Ok(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B: the SHA-1 seed and its 8-digit codes.
    const RFC_SEED: &[u8] = b"12345678901234567890";
    const RFC_VECTORS: &[(u64, &str)] = &[
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        for (time, expected) in RFC_VECTORS {
            assert_eq!(totp(RFC_SEED, *time, 8), *expected, "T = {time}");
        }
    }

    #[test]
    fn six_digit_codes_are_the_last_six_digits_and_match_rfc_4226() {
        // RFC 4226 Appendix D, counters 0..=3.
        let expected = ["755224", "287082", "359152", "969429"];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(hotp(RFC_SEED, counter as u64, 6), *code);
        }
        assert_eq!(totp(RFC_SEED, 59, 6), "287082");
    }

    #[test]
    fn a_code_fits_its_step_and_one_either_side_only() {
        let time = 1_234_567_890;
        let step = step_at(time);
        let code = hotp(RFC_SEED, step, DIGITS);
        assert_eq!(matching_step(RFC_SEED, &code, time), Some(step));
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(matching_step(RFC_SEED, &spaced, time), Some(step));
        assert_eq!(
            matching_step(RFC_SEED, &code, time + STEP_SECONDS),
            Some(step)
        );
        assert_eq!(
            matching_step(RFC_SEED, &code, time - STEP_SECONDS),
            Some(step)
        );
        assert_eq!(
            matching_step(RFC_SEED, &code, time + 2 * STEP_SECONDS),
            None
        );
        for bad in ["", "12345", "1234567", "abcdef", "12 34 5x"] {
            assert_eq!(matching_step(RFC_SEED, bad, time), None, "{bad:?}");
        }
    }

    #[test]
    fn base32_matches_rfc_4648() {
        let cases = [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
            assert_eq!(
                base32_decode(encoded).as_deref(),
                Some(plain.as_bytes()),
                "{encoded}"
            );
        }
        assert_eq!(
            base32_decode("mzxw 6ytb-oi======").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(base32_encode(RFC_SEED), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert!(base32_decode("MZXW1").is_none(), "1 is not base32");
        assert!(base32_decode("MZ").is_none(), "leftover bits must be zero");
        assert!(base32_decode("MB").is_none(), "leftover bits must be zero");
    }

    #[test]
    fn the_uri_names_issuer_and_login_and_carries_the_secret() {
        let uri = otpauth_uri("Snak Om Det", "anna@kommune.dk", RFC_SEED);
        assert_eq!(
            uri,
            "otpauth://totp/Snak%20Om%20Det%3Aanna%40kommune.dk?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Snak%20Om%20Det&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn secrets_are_sealed_per_account_and_key() {
        let rng = SystemRandom::new();
        let key = TotpKey::from_bytes(&[7; 32]);
        let sealed = key.seal(&rng, 4, RFC_SEED).expect("sealed");
        assert!(!sealed.contains("12345678901234567890"));
        assert_eq!(key.open(4, &sealed).expect("opens"), RFC_SEED);
        assert!(key.open(5, &sealed).is_err(), "bound to its account");
        let other = TotpKey::from_bytes(&[8; 32]);
        assert!(other.open(4, &sealed).is_err(), "needs the same key");
        assert!(key.open(4, "not base64!").is_err());
        assert_ne!(key.seal(&rng, 4, RFC_SEED).expect("sealed"), sealed);
    }

    #[test]
    fn keys_come_from_hex_or_a_private_file() {
        assert!(TotpKey::from_hex("00").is_err());
        assert!(TotpKey::from_hex(&"zz".repeat(32)).is_err());
        assert!(TotpKey::from_hex(&"ab".repeat(32)).is_ok());
        let dir = std::env::temp_dir().join(format!("totp-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let rng = SystemRandom::new();
        let first = TotpKey::configured_or_file(None, &dir, &rng).expect("created");
        let again = TotpKey::configured_or_file(None, &dir, &rng).expect("read back");
        let sealed = first.seal(&rng, 1, b"secret").expect("sealed");
        assert_eq!(again.open(1, &sealed).expect("same key"), b"secret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("totp.key"))
                .expect("file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
