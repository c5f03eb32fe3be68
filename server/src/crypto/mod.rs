//! Envelope encryption for everything a person types, and for identifying
//! data after conversion.
//!
//! Each anonymous conversation (and each booking, letter thread or treatment
//! case) gets its own random **data key**. Content is sealed under that key
//! with AES-256-GCM; the associated data binds each ciphertext to where it
//! belongs (say `chat` / conversation id / sequence number), so a ciphertext
//! copied into another row fails to open. The data key itself is stored only
//! **wrapped** (sealed) under the **master key** from configuration, with the
//! owner's identity as associated data.
//!
//! Deleting a wrapped data key makes every ciphertext under it unreadable,
//! in backups too ("crypto-shredding"): that is how retention purges.
//!
//! Rotation: a [`Vault`] knows the current master key and any number of
//! previous ones. Wrapped keys carry the fingerprint of the master key that
//! wrapped them, so nodes given the new key (and the old one as previous)
//! read both while a rotation command re-wraps every stored data key with
//! [`Vault::rewrap`]; afterwards the old key can be dropped.
//!
//! Formats (all binary, stored as BLOB / BYTEA):
//! - wrapped key: `version (1) || fingerprint (8) || nonce (12) || sealed key (32) || tag (16)`
//! - sealed content: `version (1) || nonce (12) || ciphertext || tag (16)`

use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::digest;
use ring::rand::{SecureRandom, SystemRandom};
use std::fmt;

/// The first byte of every wrapped key and sealed text; a later format
/// would take another number.
const FORMAT: u8 = 1;
const FINGERPRINT_LEN: usize = 8;
const KEY_LEN: usize = 32;
/// Length of a wrapped key: format, fingerprint, nonce, key, tag.
pub const WRAPPED_LEN: usize = 1 + FINGERPRINT_LEN + aead::NONCE_LEN + KEY_LEN + 16;

/// Why something could not be sealed or opened. Deliberately says nothing
/// about the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The system had no randomness to give.
    #[error("no randomness available")]
    Random,
    /// Not something this module made (too short, unknown format).
    #[error("not a sealed value of a known format")]
    Malformed,
    /// Wrapped under a master key this server was not given.
    #[error("wrapped under an unknown master key (fingerprint {0})")]
    UnknownMasterKey(Fingerprint),
    /// Tampered with, moved to another row, or under another key.
    #[error("authentication failed")]
    Tampered,
}

/// The first 8 bytes of SHA-256 over a master key: names it in wrapped keys
/// and in logs without revealing it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; FINGERPRINT_LEN]);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

struct MasterKey {
    fingerprint: Fingerprint,
    key: LessSafeKey,
}

impl MasterKey {
    fn new(bytes: &[u8; KEY_LEN]) -> MasterKey {
        let hash = digest::digest(&digest::SHA256, bytes);
        let mut fingerprint = [0u8; FINGERPRINT_LEN];
        fingerprint.copy_from_slice(&hash.as_ref()[..FINGERPRINT_LEN]);
        MasterKey {
            fingerprint: Fingerprint(fingerprint),
            key: aes_key(bytes),
        }
    }
}

fn aes_key(bytes: &[u8; KEY_LEN]) -> LessSafeKey {
    match UnboundKey::new(&aead::AES_256_GCM, bytes) {
        Ok(key) => LessSafeKey::new(key),
        // 32 bytes is exactly AES-256's key length.
        Err(_) => unreachable!("AES-256 takes 32-byte keys"),
    }
}

/// The master key (and any previous ones during a rotation). Cheap to share
/// behind an `Arc`; never printed.
pub struct Vault {
    current: MasterKey,
    previous: Vec<MasterKey>,
    rng: SystemRandom,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("current", &self.current.fingerprint)
            .field(
                "previous",
                &self
                    .previous
                    .iter()
                    .map(|k| k.fingerprint)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Vault {
    /// A vault that wraps new keys under `current` and still unwraps keys
    /// wrapped under any of `previous`.
    pub fn new(current: &[u8; KEY_LEN], previous: &[[u8; KEY_LEN]]) -> Vault {
        Vault {
            current: MasterKey::new(current),
            previous: previous.iter().map(MasterKey::new).collect(),
            rng: SystemRandom::new(),
        }
    }

    /// The fingerprint of the key new data keys are wrapped under.
    pub fn fingerprint(&self) -> Fingerprint {
        self.current.fingerprint
    }

    /// A fresh random data key, and its wrapped form to store. `owner` is
    /// the associated data (say `b"chat:42"`): the wrapped key opens only
    /// for the same owner.
    pub fn new_data_key(&self, owner: &[u8]) -> Result<(DataKey, Vec<u8>), CryptoError> {
        let mut bytes = [0u8; KEY_LEN];
        self.rng.fill(&mut bytes).map_err(|_| CryptoError::Random)?;
        let wrapped = self.wrap(&bytes, owner)?;
        Ok((DataKey::from_bytes(&bytes, self.rng.clone()), wrapped))
    }

    /// Opens a wrapped data key for `owner`.
    pub fn unwrap(&self, wrapped: &[u8], owner: &[u8]) -> Result<DataKey, CryptoError> {
        let bytes = self.unwrap_bytes(wrapped, owner)?;
        Ok(DataKey::from_bytes(&bytes, self.rng.clone()))
    }

    /// For a rotation: the data key re-wrapped under the current master key,
    /// or `None` when it already is.
    pub fn rewrap(&self, wrapped: &[u8], owner: &[u8]) -> Result<Option<Vec<u8>>, CryptoError> {
        if fingerprint_of(wrapped)? == self.current.fingerprint {
            return Ok(None);
        }
        let bytes = self.unwrap_bytes(wrapped, owner)?;
        self.wrap(&bytes, owner).map(Some)
    }

    /// Which master key wrapped this data key.
    pub fn wrapped_by(wrapped: &[u8]) -> Result<Fingerprint, CryptoError> {
        fingerprint_of(wrapped)
    }

    fn wrap(&self, bytes: &[u8; KEY_LEN], owner: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut nonce = [0u8; aead::NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| CryptoError::Random)?;
        let mut sealed = bytes.to_vec();
        self.current
            .key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(owner),
                &mut sealed,
            )
            .map_err(|_| CryptoError::Random)?;
        let mut out = Vec::with_capacity(WRAPPED_LEN);
        out.push(FORMAT);
        out.extend_from_slice(&self.current.fingerprint.0);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    fn unwrap_bytes(&self, wrapped: &[u8], owner: &[u8]) -> Result<[u8; KEY_LEN], CryptoError> {
        if wrapped.len() != WRAPPED_LEN {
            return Err(CryptoError::Malformed);
        }
        let fingerprint = fingerprint_of(wrapped)?;
        let master = std::iter::once(&self.current)
            .chain(self.previous.iter())
            .find(|k| k.fingerprint == fingerprint)
            .ok_or(CryptoError::UnknownMasterKey(fingerprint))?;
        let nonce_at = 1 + FINGERPRINT_LEN;
        let nonce =
            Nonce::try_assume_unique_for_key(&wrapped[nonce_at..nonce_at + aead::NONCE_LEN])
                .map_err(|_| CryptoError::Malformed)?;
        let mut sealed = wrapped[nonce_at + aead::NONCE_LEN..].to_vec();
        let plain = master
            .key
            .open_in_place(nonce, Aad::from(owner), &mut sealed)
            .map_err(|_| CryptoError::Tampered)?;
        let mut bytes = [0u8; KEY_LEN];
        bytes.copy_from_slice(plain);
        Ok(bytes)
    }
}

fn fingerprint_of(wrapped: &[u8]) -> Result<Fingerprint, CryptoError> {
    if wrapped.len() < 1 + FINGERPRINT_LEN || wrapped[0] != FORMAT {
        return Err(CryptoError::Malformed);
    }
    let mut fingerprint = [0u8; FINGERPRINT_LEN];
    fingerprint.copy_from_slice(&wrapped[1..1 + FINGERPRINT_LEN]);
    Ok(Fingerprint(fingerprint))
}

/// Why no master key could be had.
#[derive(Debug, thiserror::Error)]
pub enum MasterKeyError {
    /// Not 64 hexadecimal characters (configured, or in the file).
    #[error("the master key must be 64 hexadecimal characters (32 random bytes)")]
    Invalid,
    /// The key file could not be read or written.
    #[error("cannot use the master key file {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// No randomness for a new key.
    #[error("no randomness for a new master key")]
    Random,
    /// Production mode and no configured key.
    #[error("production mode needs FRONT_DOOR_MASTER_KEY")]
    Missing,
}

impl Vault {
    /// The vault the settings describe: the configured master key (and
    /// previous keys), or in development mode the one in
    /// `data_dir/master.key`, created on first start.
    pub fn from_settings(settings: &crate::config::Settings) -> Result<Vault, MasterKeyError> {
        use crate::key_file::{KeyFileError, configured_or_file, parse_hex};
        if settings.mode == crate::config::Mode::Production && settings.master_key.is_none() {
            return Err(MasterKeyError::Missing);
        }
        let current = match configured_or_file(
            settings.master_key.as_deref(),
            &settings.data_dir,
            "master.key",
            "master key (keep it apart from backups)",
            &SystemRandom::new(),
        ) {
            Ok(bytes) => bytes,
            Err(KeyFileError::Invalid) => return Err(MasterKeyError::Invalid),
            Err(KeyFileError::Random) => return Err(MasterKeyError::Random),
            Err(KeyFileError::File(path, source)) => {
                return Err(MasterKeyError::File {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        let previous = settings
            .master_key_previous
            .iter()
            .map(|hex| parse_hex(hex).ok_or(MasterKeyError::Invalid))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Vault::new(&current, &previous))
    }
}

/// One conversation's (booking's, case's) own key, unwrapped in memory only
/// for as long as it is needed.
pub struct DataKey {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    fn from_bytes(bytes: &[u8; KEY_LEN], rng: SystemRandom) -> DataKey {
        DataKey {
            key: aes_key(bytes),
            rng,
        }
    }

    /// Seals `plaintext`; `context` (see [`context`]) must be given again to
    /// open it.
    pub fn seal(&self, context: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut nonce = [0u8; aead::NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| CryptoError::Random)?;
        let mut out = Vec::with_capacity(1 + aead::NONCE_LEN + plaintext.len() + 16);
        out.push(FORMAT);
        out.extend_from_slice(&nonce);
        let mut sealed = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                &mut sealed,
            )
            .map_err(|_| CryptoError::Random)?;
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Seals a text.
    pub fn seal_text(&self, context: &[u8], text: &str) -> Result<Vec<u8>, CryptoError> {
        self.seal(context, text.as_bytes())
    }

    /// Opens what [`DataKey::seal`] made with the same context.
    pub fn open(&self, context: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < 1 + aead::NONCE_LEN + 16 || sealed[0] != FORMAT {
            return Err(CryptoError::Malformed);
        }
        let nonce = Nonce::try_assume_unique_for_key(&sealed[1..1 + aead::NONCE_LEN])
            .map_err(|_| CryptoError::Malformed)?;
        let mut data = sealed[1 + aead::NONCE_LEN..].to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(context), &mut data)
            .map_err(|_| CryptoError::Tampered)?;
        let len = plain.len();
        data.truncate(len);
        Ok(data)
    }

    /// Opens a sealed text (invalid UTF-8 counts as tampering).
    pub fn open_text(&self, context: &[u8], sealed: &[u8]) -> Result<String, CryptoError> {
        String::from_utf8(self.open(context, sealed)?).map_err(|_| CryptoError::Tampered)
    }
}

/// Associated data from a kind and numbers, unambiguous (the kind is
/// length-prefixed, numbers are fixed-width): `context("chat", &[42, 7])`
/// is where message 7 of conversation 42 belongs.
pub fn context(kind: &str, ids: &[i64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + kind.len() + 8 * ids.len());
    out.push(kind.len().min(255) as u8);
    out.extend_from_slice(&kind.as_bytes()[..kind.len().min(255)]);
    for id in ids {
        out.extend_from_slice(&id.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(byte: u8) -> Vault {
        Vault::new(&[byte; 32], &[])
    }

    #[test]
    fn content_opens_only_with_its_key_and_context() {
        let vault = vault(1);
        let owner = context("chat", &[42]);
        let (key, wrapped) = vault.new_data_key(&owner).unwrap();
        assert_eq!(wrapped.len(), WRAPPED_LEN);
        let here = context("chat", &[42, 7]);
        let sealed = key.seal_text(&here, "jeg ryger hver dag").unwrap();
        assert!(!sealed.windows(5).any(|w| w == b"ryger"));
        let again = vault.unwrap(&wrapped, &owner).unwrap();
        assert_eq!(
            again.open_text(&here, &sealed).unwrap(),
            "jeg ryger hver dag"
        );
        // Moved to another message or conversation: refused.
        assert_eq!(
            again.open_text(&context("chat", &[42, 8]), &sealed),
            Err(CryptoError::Tampered)
        );
        assert_eq!(
            again.open_text(&context("chat", &[43, 7]), &sealed),
            Err(CryptoError::Tampered)
        );
        // Another conversation's key: refused.
        let (other, _) = vault.new_data_key(&context("chat", &[43])).unwrap();
        assert_eq!(other.open_text(&here, &sealed), Err(CryptoError::Tampered));
    }

    #[test]
    fn every_flipped_bit_is_detected() {
        let vault = vault(2);
        let (key, _) = vault.new_data_key(b"chat:1").unwrap();
        let sealed = key.seal(b"ctx", b"hello").unwrap();
        for at in 1..sealed.len() {
            let mut bad = sealed.clone();
            bad[at] ^= 0x01;
            assert_eq!(
                key.open(b"ctx", &bad),
                Err(CryptoError::Tampered),
                "byte {at}"
            );
        }
        assert_eq!(key.open(b"ctx", &sealed[..10]), Err(CryptoError::Malformed));
        let mut other_format = sealed.clone();
        other_format[0] = 9;
        assert_eq!(key.open(b"ctx", &other_format), Err(CryptoError::Malformed));
    }

    #[test]
    fn a_wrapped_key_opens_only_for_its_owner_and_master_key() {
        let vault = vault(3);
        let (_, wrapped) = vault.new_data_key(b"chat:1").unwrap();
        assert_eq!(
            vault.unwrap(&wrapped, b"chat:2").unwrap_err(),
            CryptoError::Tampered
        );
        let stranger = Vault::new(&[4; 32], &[]);
        assert!(matches!(
            stranger.unwrap(&wrapped, b"chat:1").unwrap_err(),
            CryptoError::UnknownMasterKey(f) if f == vault.fingerprint()
        ));
        let mut bad = wrapped.clone();
        bad[WRAPPED_LEN - 1] ^= 0x80;
        assert_eq!(
            vault.unwrap(&bad, b"chat:1").unwrap_err(),
            CryptoError::Tampered
        );
        assert_eq!(
            vault.unwrap(&wrapped[..20], b"chat:1").unwrap_err(),
            CryptoError::Malformed
        );
    }

    #[test]
    fn rotation_rewraps_under_the_new_key_and_keeps_content_readable() {
        let old = vault(5);
        let (key, wrapped) = old.new_data_key(b"case:9").unwrap();
        let sealed = key.seal_text(b"case:9:name", "Kim Testesen").unwrap();

        let rotating = Vault::new(&[6; 32], &[[5; 32]]);
        assert_eq!(Vault::wrapped_by(&wrapped).unwrap(), old.fingerprint());
        let rewrapped = rotating.rewrap(&wrapped, b"case:9").unwrap().unwrap();
        assert_eq!(
            Vault::wrapped_by(&rewrapped).unwrap(),
            rotating.fingerprint()
        );
        assert_eq!(rotating.rewrap(&rewrapped, b"case:9").unwrap(), None);

        // After the rotation the old key is no longer needed.
        let new_only = vault(6);
        let key = new_only.unwrap(&rewrapped, b"case:9").unwrap();
        assert_eq!(
            key.open_text(b"case:9:name", &sealed).unwrap(),
            "Kim Testesen"
        );
        assert!(new_only.unwrap(&wrapped, b"case:9").is_err());
    }

    #[test]
    fn contexts_are_unambiguous() {
        assert_ne!(context("chat", &[1, 23]), context("chat", &[12, 3]));
        assert_ne!(context("chat", &[1]), context("chat1", &[]));
        assert_ne!(context("a", &[1]), context("b", &[1]));
        let vault = vault(7);
        let debug = format!("{vault:?}");
        assert!(debug.contains("Fingerprint("), "{debug}");
        let (key, _) = vault.new_data_key(b"x").unwrap();
        assert_eq!(format!("{key:?}"), "DataKey(..)");
    }
}
