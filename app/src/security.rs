//! The Content-Security-Policy of the front door, in one place for pages
//! (with a per-response nonce) and for every other response (without).

/// The policy: our own origin only, WASM allowed to compile
/// (`'wasm-unsafe-eval'`, not `'unsafe-eval'`), inline scripts only with this
/// response's nonce, no inline styles, no framing, no third parties.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let script_src = match nonce {
        Some(nonce) => format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'none'; script-src {script_src}; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         manifest-src 'self'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_allows_wasm_but_nothing_inline_without_the_nonce() {
        let with = content_security_policy(Some("abc123"));
        assert!(with.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        let without = content_security_policy(None);
        for policy in [&with, &without] {
            assert!(!policy.contains("unsafe-inline"));
            assert!(!policy.contains("'unsafe-eval'"));
            assert!(policy.contains("frame-ancestors 'none'"));
            assert!(policy.starts_with("default-src 'none';"));
        }
    }
}
