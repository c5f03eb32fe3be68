//! The client bundle (`/pkg`: WASM, JS, CSS). With hashed file names (a
//! release build) each file's name changes with its content, so browsers may
//! keep it for a year; brotli and gzip copies made at build time are served
//! when present, and anything else is compressed on the fly by the router.

use axum::Router;
use http::{HeaderValue, header};
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The `hash.txt` that cargo-leptos writes beside the server binary when
/// files are hashed. Leptos reads it there to name the bundle in each page.
pub fn hash_file() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let file = exe.parent()?.join("hash.txt");
    file.is_file().then_some(file)
}

/// A router serving `site_root/pkg` at `/pkg`.
pub fn pkg_router<S: Clone + Send + Sync + 'static>(site_root: &Path, hashed: bool) -> Router<S> {
    let cache = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        // Unhashed (development) names: always revalidate.
        "no-cache"
    };
    let files = ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache),
        ))
}
