//! Health checks for the process supervisor and the load balancer.

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use http::StatusCode;
use serde::Serialize;

/// Liveness: the process answers. Never touches the database, so a database
/// outage does not make the supervisor restart healthy nodes.
pub async fn live() -> &'static str {
    "ok"
}

/// What `/readyz` reports.
#[derive(Debug, Serialize)]
pub struct Readiness {
    /// `ok` or `unreachable`.
    pub database: &'static str,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
}

/// Readiness: the database answers. A load balancer sends no traffic to a
/// node that answers 503 here.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let backend = state.db.backend().name();
    match state.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Readiness {
                database: "ok",
                backend,
            }),
        ),
        Err(error) => {
            tracing::warn!(%error, "readiness check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Readiness {
                    database: "unreachable",
                    backend,
                }),
            )
        }
    }
}
