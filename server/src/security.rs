//! Security and privacy headers on every response.

use axum::extract::State;
use axum::response::Response;
use http::{HeaderValue, header};

/// Sets the headers every response carries, unless a handler chose its own:
/// a Content-Security-Policy (pages set one with their script nonce), no
/// sniffing, no referrer, no framing, no powerful browser features, HSTS over
/// HTTPS, and `no-store` on everything but static assets, so a shared
/// phone's cache or back button does not show someone else's conversation.
pub async fn security_headers(State(https): State<bool>, mut response: Response) -> Response {
    let is_asset = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_asset_type);
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = app::security::content_security_policy(None);
        if let Ok(value) = HeaderValue::from_str(&policy) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        let policy = if is_asset {
            "public, max-age=3600"
        } else {
            "no-store"
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// Icons, styles, scripts, fonts and the manifest: the same for everyone.
fn is_asset_type(content_type: &str) -> bool {
    [
        "image/",
        "font/",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/wasm",
        "application/manifest+json",
    ]
    .iter()
    .any(|prefix| content_type.starts_with(prefix))
}
