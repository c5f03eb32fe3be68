//! `GET /console`: the HTML shell of the counsellor console. The console
//! itself is a client-side rendered WASM app in a bundle of its own
//! (`/pkg/console.js`, `/pkg/console_bg.wasm`, `/pkg/console.css`, built by
//! `scripts/build-site`), so the youth pages never download it.
//!
//! The shell starts the bundle with a small inline module script, allowed
//! by this response's own CSP nonce. It is never cached (`no-store`: it is
//! the counsellors' door, and a new deploy must reach them at once) and
//! kept out of search engines.

use crate::chat::token::hex;
use crate::routes::html::esc;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use ring::rand::SecureRandom;

/// `GET /console`.
pub async fn console_page(State(state): State<AppState>) -> Response {
    let mut bytes = [0u8; 16];
    if state.chat.rng.fill(&mut bytes).is_err() {
        tracing::error!("no randomness for a script nonce");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let nonce = hex(&bytes);
    let policy = app::security::content_security_policy(Some(&nonce));
    let mut response = Html(shell(&state.service.get().name, &nonce)).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    response
}

/// The page: Danish by default (the console switches itself), the
/// service's name in the title and for the console's header, the styles,
/// and the script that loads the bundle and starts the console.
fn shell(service: &str, nonce: &str) -> String {
    // The service's name is configuration, not markup.
    let service = esc(service);
    format!(
        r#"<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="application-name" content="{service}">
<title>Konsol · {service}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/pkg/console.css">
<link rel="modulepreload" href="/pkg/console.js">
<link rel="preload" href="/pkg/console_bg.wasm" as="fetch" type="application/wasm" crossorigin>
</head>
<body>
<noscript><p class="noscript">Konsollen kræver JavaScript. · The console needs JavaScript.</p></noscript>
<script type="module" nonce="{nonce}">
import init, {{ console_main }} from "/pkg/console.js";
await init({{ module_or_path: "/pkg/console_bg.wasm" }});
console_main();
</script>
</body>
</html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_name_cannot_break_out_of_the_page() {
        let page = shell(r#"Snak & "Om" <Det>"#, "n0nce");
        assert!(page.contains("<title>Konsol · Snak &amp; &quot;Om&quot; &lt;Det&gt;</title>"));
        assert!(!page.contains("<Det>"));
        assert!(page.contains(r#"<script type="module" nonce="n0nce">"#));
    }
}
