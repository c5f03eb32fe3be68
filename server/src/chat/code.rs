//! Resume codes: a few common Danish words ("sol hest kage bro") that let a
//! person continue an anonymous course later, on any device.
//!
//! - Four words from a list of 2,048 give 44 bits of entropy; guessing is
//!   rate-limited ([`super::limit::CodeGuesses`]), so a code cannot be found
//!   by trying.
//! - The server keeps only an HMAC-SHA256 of the normalised code, keyed with
//!   a secret from configuration (or a key file in the data folder): a copy
//!   of the database alone cannot test candidate codes.
//! - Typing is forgiving: any case, any separators, and `ae`/`oe`/`aa` for
//!   `æ`/`ø`/`å` on a keyboard without Danish letters. The word list is
//!   chosen so that this folding never makes two words equal.

use super::limit::CodeGuesses;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::LazyLock;

/// The word list: 2,048 lines, one word each.
const WORD_FILE: &str = include_str!("words_da.txt");

/// Words in a code.
pub const WORDS_PER_CODE: usize = 4;

/// Bits per word: the list has exactly `1 << BITS_PER_WORD` words.
const BITS_PER_WORD: u32 = 11;

const fn count_lines(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut lines = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            lines += 1;
        }
        i += 1;
    }
    lines
}

// The entropy promise (≥ 44 bits) is checked when the server is compiled.
const _: () = assert!(count_lines(WORD_FILE) == 1 << BITS_PER_WORD);

static WORDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| WORD_FILE.lines().map(str::trim).collect());

/// Folded spelling → the list's word.
static BY_FOLDED: LazyLock<HashMap<String, &'static str>> =
    LazyLock::new(|| WORDS.iter().map(|word| (fold(word), *word)).collect());

/// Lowercases and spells `æ`, `ø`, `å` as `ae`, `oe`, `aa`.
fn fold(word: &str) -> String {
    let mut folded = String::with_capacity(word.len() + 2);
    for c in word.chars().flat_map(char::to_lowercase) {
        match c {
            'æ' => folded.push_str("ae"),
            'ø' => folded.push_str("oe"),
            'å' => folded.push_str("aa"),
            other => folded.push(other),
        }
    }
    folded
}

/// A fresh code: [`WORDS_PER_CODE`] words separated by spaces.
pub fn new_code(rng: &SystemRandom) -> Result<String, ring::error::Unspecified> {
    let mut bytes = [0u8; 8];
    rng.fill(&mut bytes)?;
    let mut bits = u64::from_le_bytes(bytes);
    let mask = (1u64 << BITS_PER_WORD) - 1;
    let mut words = Vec::with_capacity(WORDS_PER_CODE);
    for _ in 0..WORDS_PER_CODE {
        let index = usize::try_from(bits & mask).unwrap_or_default();
        words.push(WORDS.get(index).copied().unwrap_or_default());
        bits >>= BITS_PER_WORD;
    }
    Ok(words.join(" "))
}

/// The canonical form of what a person typed, or `None` when it is not a
/// code (wrong number of words, or a word not on the list).
pub fn normalise(typed: &str) -> Option<String> {
    if typed.len() > 200 {
        return None;
    }
    let words: Vec<&str> = typed
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(|w| BY_FOLDED.get(&fold(w)).copied())
        .collect::<Option<_>>()?;
    (words.len() == WORDS_PER_CODE).then(|| words.join(" "))
}

/// The secret that keys code hashes.
#[derive(Clone)]
pub struct CodeKey(hmac::Key);

impl std::fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeKey(…)")
    }
}

/// Why the key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum CodeKeyError {
    /// The configured key is not 64 hexadecimal characters.
    #[error("FRONT_DOOR_CODE_KEY must be 64 hexadecimal characters (32 random bytes)")]
    Invalid,
    /// The key file could not be read or written.
    #[error("the resume-code key file {path}: {source}")]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No randomness for a new key.
    #[error("no randomness for a new key")]
    Random,
}

impl CodeKey {
    /// A key from 32 secret bytes.
    pub fn from_bytes(bytes: &[u8]) -> CodeKey {
        CodeKey(hmac::Key::new(hmac::HMAC_SHA256, bytes))
    }

    /// A key from 64 hexadecimal characters.
    pub fn from_hex(text: &str) -> Result<CodeKey, CodeKeyError> {
        crate::key_file::parse_hex(text)
            .map(|bytes| CodeKey::from_bytes(&bytes))
            .ok_or(CodeKeyError::Invalid)
    }

    /// The configured key, or the one in `data_dir/code.key`, created (with
    /// owner-only permissions) on first start. Several server nodes must be
    /// given the same key through configuration.
    pub fn configured_or_file(
        configured: Option<&str>,
        data_dir: &Path,
        rng: &SystemRandom,
    ) -> Result<CodeKey, CodeKeyError> {
        use crate::key_file::{KeyFileError, configured_or_file};
        match configured_or_file(configured, data_dir, "code.key", "resume-code key", rng) {
            Ok(bytes) => Ok(CodeKey::from_bytes(&bytes)),
            Err(KeyFileError::Invalid) => Err(CodeKeyError::Invalid),
            Err(KeyFileError::Random) => Err(CodeKeyError::Random),
            Err(KeyFileError::File(path, source)) => Err(CodeKeyError::File { path, source }),
        }
    }

    /// What the database stores for a canonical code.
    pub fn hash(&self, canonical: &str) -> Vec<u8> {
        hmac::sign(&self.0, canonical.as_bytes()).as_ref().to_vec()
    }
}

/// Why a typed code gives no hash to look up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeRefused {
    /// Too many attempts: the code was not even checked.
    TooManyAttempts,
    /// Not a code at all (counted as a wrong guess).
    Malformed,
}

/// Checks a typed code against the guessing limit and returns its keyed
/// hash; a code that is not even well-formed counts as wrong. Booking's
/// manage codes and letter codes are both resume codes under the same key,
/// so they share this one check (a lookup that finds nothing is the
/// caller's wrong guess to count).
pub fn checked_hash(
    key: &CodeKey,
    guesses: &CodeGuesses,
    typed: &str,
    client: Option<IpAddr>,
) -> Result<Vec<u8>, CodeRefused> {
    if !guesses.attempt(client) {
        return Err(CodeRefused::TooManyAttempts);
    }
    match normalise(typed) {
        Some(code) => Ok(key.hash(&code)),
        None => {
            guesses.wrong(client);
            Err(CodeRefused::Malformed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_list_has_2048_distinct_words_that_fold_apart() {
        assert_eq!(WORDS.len(), 2048);
        let distinct: HashSet<_> = WORDS.iter().collect();
        assert_eq!(distinct.len(), 2048);
        assert_eq!(BY_FOLDED.len(), 2048, "folding makes two words equal");
        for word in WORDS.iter() {
            assert!(
                !word.is_empty() && word.chars().all(|c| c.is_lowercase()),
                "{word:?}"
            );
        }
    }

    #[test]
    fn codes_are_four_list_words_and_differ() {
        let rng = SystemRandom::new();
        let codes: HashSet<String> = (0..200).map(|_| new_code(&rng).expect("random")).collect();
        assert!(codes.len() > 195, "codes repeat far too often");
        for code in &codes {
            assert_eq!(normalise(code).as_deref(), Some(code.as_str()));
            assert_eq!(code.split(' ').count(), WORDS_PER_CODE);
        }
    }

    #[test]
    fn typing_is_forgiving_but_exact_about_words() {
        let words: Vec<&str> = WORDS.iter().copied().take(4).collect();
        let canonical = words.join(" ");
        let shouted = format!(
            "  {}-{}, {}.{} ",
            words[0].to_uppercase(),
            words[1],
            words[2],
            words[3]
        );
        assert_eq!(normalise(&shouted).as_deref(), Some(canonical.as_str()));
        let danish = WORDS
            .iter()
            .find(|w| w.contains(['æ', 'ø', 'å']))
            .expect("the list has Danish letters");
        let code = format!("{danish} {} {} {}", words[1], words[2], words[3]);
        let ascii = fold(&code);
        assert_eq!(normalise(&ascii), normalise(&code));
        assert!(normalise(&code).is_some());
        assert_eq!(normalise(&words[..3].join(" ")), None, "too few words");
        assert_eq!(normalise(&format!("{canonical} {}", words[0])), None);
        assert_eq!(normalise("xyzzy plugh quux frob"), None);
        assert_eq!(normalise(""), None);
        assert_eq!(normalise(&"a ".repeat(500)), None);
    }

    #[test]
    fn hashes_are_keyed() {
        let a = CodeKey::from_bytes(&[1; 32]);
        let b = CodeKey::from_bytes(&[2; 32]);
        assert_eq!(a.hash("sol hest"), a.hash("sol hest"));
        assert_ne!(a.hash("sol hest"), b.hash("sol hest"));
        assert_ne!(a.hash("sol hest"), a.hash("sol heste"));
    }

    #[test]
    fn keys_come_from_hex_or_a_private_file() {
        assert!(CodeKey::from_hex("00").is_err());
        assert!(CodeKey::from_hex(&"zz".repeat(32)).is_err());
        assert!(CodeKey::from_hex(&"ab".repeat(32)).is_ok());
        let dir = std::env::temp_dir().join(format!("code-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let rng = SystemRandom::new();
        let first = CodeKey::configured_or_file(None, &dir, &rng).expect("created");
        let again = CodeKey::configured_or_file(None, &dir, &rng).expect("read back");
        assert_eq!(first.hash("x"), again.hash("x"), "the file is reused");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("code.key"))
                .expect("file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "readable by the owner only");
        }
        std::fs::remove_dir_all(&dir).expect("cleaned up");
    }
}
