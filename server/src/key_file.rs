//! A 32-byte server secret (the resume-code key, the TOTP key) taken from
//! configuration as 64 hexadecimal characters, or else from a file in the
//! data folder that is created with owner-only permissions on first start.
//! Several server nodes must share one configured key.

use ring::rand::{SecureRandom, SystemRandom};
use std::path::{Path, PathBuf};

/// Why no key could be had. Callers turn it into their own error, which
/// names their setting.
#[derive(Debug)]
pub enum KeyFileError {
    /// Not 64 hexadecimal characters (configured, or in the file).
    Invalid,
    /// The file could not be read or written.
    File(PathBuf, std::io::Error),
    /// No randomness for a new key.
    Random,
}

/// 32 bytes from 64 hexadecimal characters (surrounding space ignored).
pub fn parse_hex(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(bytes)
}

/// The configured key, or the one in `data_dir/file_name`, created on first
/// start (and logged as `created a new <what>`).
pub fn configured_or_file(
    configured: Option<&str>,
    data_dir: &Path,
    file_name: &str,
    what: &str,
    rng: &SystemRandom,
) -> Result<[u8; 32], KeyFileError> {
    if let Some(hex) = configured {
        return parse_hex(hex).ok_or(KeyFileError::Invalid);
    }
    let path = data_dir.join(file_name);
    match std::fs::read_to_string(&path) {
        Ok(text) => parse_hex(&text).ok_or(KeyFileError::Invalid),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let mut bytes = [0u8; 32];
            rng.fill(&mut bytes).map_err(|_| KeyFileError::Random)?;
            let hex = crate::chat::token::hex(&bytes);
            write_private(&path, &hex).map_err(|e| KeyFileError::File(path.clone(), e))?;
            tracing::info!(path = %path.display(), "created a new {what}");
            Ok(bytes)
        }
        Err(error) => Err(KeyFileError::File(path, error)),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}
