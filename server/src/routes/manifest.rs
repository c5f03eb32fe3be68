//! The web app manifest, made from the configured service name so that a
//! phone's "add to home screen" shows the municipality's own name.

use crate::state::AppState;
use axum::extract::State;
use axum::response::IntoResponse;
use http::header;

/// `GET /manifest.webmanifest`.
pub async fn manifest(State(state): State<AppState>) -> impl IntoResponse {
    let service = state.service.get();
    let name = &service.name;
    let short_name: String = name.chars().take(12).collect();
    let body = serde_json::json!({
        "name": name,
        "short_name": short_name.trim_end(),
        "start_url": "/",
        "display": "standalone",
        "background_color": "#f7f2ea",
        "theme_color": "#f7f2ea",
        "icons": [{ "src": "/favicon.svg", "sizes": "any", "type": "image/svg+xml" }],
    });
    (
        [(header::CONTENT_TYPE, "application/manifest+json")],
        body.to_string(),
    )
}
