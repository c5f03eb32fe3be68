//! The front door's server: renders and hydrates the Leptos pages, serves the
//! WASM bundle, keeps the data and (from the chat on) relays live messages.
//!
//! Privacy is built in, not reviewed in: no client address, user agent or
//! message text is logged, and nothing identifying is stored before a
//! counsellor explicitly converts a case to treatment.
//!
//! # Layout
//! - [`config`]: typed settings from environment variables and a file.
//! - [`startup`]: [`startup::Application`] builds the router, binds, runs.
//! - [`state`]: the shared [`state::AppState`].
//! - [`db`]: the database (SQLite by default, PostgreSQL by URL) and migrations.
//! - [`audit`]: the append-only, hash-chained audit log.
//! - [`auth`]: counsellor accounts and sessions stored in the database.
//! - [`booking`]: booked first conversations and group courses (manage
//!   codes, .ics, availability, waiting lists, evaluations).
//! - [`cases`]: treatment cases: the consented conversion, identifying
//!   data sealed under each case's own key.
//! - [`chat`]: anonymous conversations: storage, relay, the visitor's socket.
//! - [`console`]: the counsellor's live socket.
//! - [`crypto`]: envelope encryption (per-conversation data keys under a
//!   master key) and crypto-shredding.
//! - [`key_file`]: server secrets from configuration or a private file.
//! - [`letters`]: anonymous letters: written any time, answered later,
//!   read with a code (pages, console routes, storage).
//! - [`hours`]: the chat's opening hours in Copenhagen time.
//! - [`settings`]: what coordinators change live (texts, hours, risk words,
//!   canned replies).
//! - [`routes`]: plain HTTP routes (health checks).
//! - [`security`]: security headers for every response.
//! - [`statistics`]: the monthly activity statistics from non-identifying
//!   events (figures, CSV, the printable report, coordinators' routes).
//! - [`static_files`]: the compressed, long-cached WASM/JS/CSS bundle.
//! - [`telemetry`]: logging that never carries identifying data.
//! - [`shutdown`]: graceful shutdown on SIGTERM / Ctrl-C.

pub mod at_rest;
pub mod audit;
pub mod auth;
pub mod booking;
pub mod cases;
pub mod chat;
pub mod config;
pub mod console;
pub mod crypto;
pub mod db;
pub mod hours;
pub mod key_file;
pub mod letters;
pub mod routes;
pub mod security;
pub mod settings;
pub mod shutdown;
pub mod startup;
pub mod state;
pub mod static_files;
pub mod statistics;
pub mod telemetry;
