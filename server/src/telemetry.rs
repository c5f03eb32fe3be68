//! Logging. Log lines carry what operators need (route, status, timing,
//! errors) and never what identifies a person: no client address, no user
//! agent, no query string, no message text. The request span records the
//! *matched route* (`/manage/{code}`), never the raw path with its values.

use axum::extract::MatchedPath;
use http::Request;
use tracing::Span;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once. `RUST_LOG` overrides the default
/// filter (`info`, with request lines at `info` too).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,sqlx=warn"));
    // Ignore "already set": tests call this more than once.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

/// The span of one HTTP request: method and route template only.
pub fn request_span<B>(request: &Request<B>) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str);
    tracing::info_span!("request", method = %request.method(), route = %route)
}
