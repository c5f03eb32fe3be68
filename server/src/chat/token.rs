//! Conversation tokens: 256 random bits that reattach a browser tab to its
//! conversation. The browser keeps the token (sessionStorage); the server
//! keeps only its SHA-256, so a copy of the database cannot reattach anyone.

use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};

/// A fresh token as 64 lowercase hex characters.
pub fn new_token(rng: &SystemRandom) -> Result<String, ring::error::Unspecified> {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes)?;
    Ok(hex(&bytes))
}

/// What the database stores and looks up: SHA-256 of the token's text.
/// (A token has 256 bits of entropy, so no key or stretching is needed.)
pub fn token_hash(token: &str) -> Vec<u8> {
    digest(&SHA256, token.as_bytes()).as_ref().to_vec()
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let rng = SystemRandom::new();
        let a = new_token(&rng).expect("random");
        let b = new_token(&rng).expect("random");
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
        assert_eq!(token_hash(&a).len(), 32);
    }

    #[test]
    fn hex_encodes_every_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }
}
