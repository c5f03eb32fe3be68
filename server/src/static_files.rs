//! The client bundle (`/pkg`: WASM, JS, CSS). With hashed file names (a
//! release build) each file's name changes with its content, so browsers may
//! keep it for a year; brotli and gzip copies made at build time are served
//! when present, and anything else is compressed on the fly by the router.
//!
//! The counsellor console's bundle (`console.js`, `console_bg.wasm`,
//! `console.css`) is built outside cargo-leptos and keeps its names, so it
//! is always revalidated (`no-cache`: a 304 when unchanged) instead of being
//! kept for a year: after a deploy the console picks up the new bundle on
//! its next load.

use axum::Router;
use axum::extract::Request;
use axum::middleware::Next;
use http::{HeaderValue, header};
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;

/// Files whose names start with this are not content-hashed (the console's
/// bundle, see the module docs).
const UNHASHED_PREFIX: &str = "console";

/// The `hash.txt` that cargo-leptos writes beside the server binary when
/// files are hashed. Leptos reads it there to name the bundle in each page.
pub fn hash_file() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let file = exe.parent()?.join("hash.txt");
    file.is_file().then_some(file)
}

/// A router serving `site_root/pkg` at `/pkg`.
pub fn pkg_router<S: Clone + Send + Sync + 'static>(site_root: &Path, hashed: bool) -> Router<S> {
    let files = ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .fallback_service(files)
        .layer(axum::middleware::from_fn(
            move |request: Request, next: Next| async move {
                let policy = cache_control(request.uri().path(), hashed);
                let mut response = next.run(request).await;
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
                response
            },
        ))
}

/// How long browsers may keep the file at `path`: a year for hashed names,
/// otherwise revalidate on every use.
fn cache_control(path: &str, hashed: bool) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or_default();
    if hashed && !name.starts_with(UNHASHED_PREFIX) {
        "public, max-age=31536000, immutable"
    } else {
        // Unhashed names (development, or the console's bundle).
        "no-cache"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    #[test]
    fn only_hashed_names_are_kept_for_a_year() {
        let year = "public, max-age=31536000, immutable";
        assert_eq!(cache_control("/front-door.d9zu2LvfEW.js", true), year);
        assert_eq!(cache_control("/front-door.js", false), "no-cache");
        for console in ["/console.js", "/console_bg.wasm", "/console.css"] {
            assert_eq!(cache_control(console, true), "no-cache", "{console}");
        }
    }

    #[tokio::test]
    async fn the_console_bundle_is_revalidated_even_in_a_hashed_site() {
        let root = std::env::temp_dir().join(format!("pkg-cache-{}", std::process::id()));
        let pkg = root.join("pkg");
        std::fs::create_dir_all(&pkg).expect("pkg folder");
        std::fs::write(pkg.join("console.js"), "export default 1;").expect("write");
        std::fs::write(pkg.join("front-door.abc123.js"), "export default 2;").expect("write");
        let router: Router = pkg_router(&root, true);
        for (path, expected) in [
            ("/console.js", "no-cache"),
            (
                "/front-door.abc123.js",
                "public, max-age=31536000, immutable",
            ),
        ] {
            let request = Request::builder()
                .uri(path)
                .body(Body::empty())
                .expect("request");
            let response = router.clone().oneshot(request).await.expect("response");
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(
                response.headers()[header::CACHE_CONTROL],
                expected,
                "{path}"
            );
        }
        let _ = std::fs::remove_dir_all(root);
    }
}
