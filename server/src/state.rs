//! The state shared by every handler, server function and background task.

use crate::chat::ChatService;
use crate::db::Db;
use app::service::ServiceInfo;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Cheap to clone: everything inside is reference-counted.
#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    /// Where the site is and what the bundle is called.
    pub leptos_options: LeptosOptions,
    /// The database pool.
    pub db: Db,
    /// The service's name, texts and helplines, as every page shows them
    /// (swapped when a coordinator changes them).
    pub service: Arc<crate::settings::Swap<ServiceInfo>>,
    /// The settings pages' own state (the hours as written, one writer).
    pub settings: Arc<crate::settings::Editing>,
    /// The live chat: storage, relay, shutdown signal.
    pub chat: ChatService,
    /// The master key that wraps every conversation's, booking's and case's
    /// own data key.
    pub vault: Arc<crate::crypto::Vault>,
    /// Bookings and group courses: types, manage codes, purge.
    pub booking: crate::booking::BookingService,
    /// Anonymous letters: promise, limits, codes.
    pub letters: crate::letters::LetterService,
    /// What the statistics scale the yearly minimums to.
    pub statistics: crate::statistics::StatisticsConfig,
    /// Served over HTTPS (WebSocket Origin checks expect `https://`).
    pub https: bool,
}
