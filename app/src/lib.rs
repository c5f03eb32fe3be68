//! The front door's Leptos application, compiled twice: with `ssr` into the
//! server (which renders every page first, so the first screen never waits for
//! WASM) and with `hydrate` into the WASM bundle that makes it interactive.
//!
//! # Layout
//! - [`app`]: the HTML shell, the router and the per-request set-up
//!   (language, service texts, content-security nonce).
//! - [`i18n`]: every text a visitor sees, in Danish (default) and English.
//! - [`service`]: the service's own name, texts and helplines (configuration,
//!   not code: each municipality names its own service).
//! - [`pages`]: one routed page per file.
//! - [`components`]: presentational pieces shared by pages.
//! - `console` (feature `console` only): the counsellor console, a
//!   client-side rendered app in a WASM bundle of its own (`/console`).

// The console's case page nests deep views; their types exceed the default
// depth when the release build lays out its async hydration blocks.
#![recursion_limit = "256"]

pub mod app;
mod browser;
pub mod chat;
pub mod components;
/// The counsellor console: compiled only into its own bundle (feature
/// `console`), so the youth page's WASM never carries it. Its model and
/// texts also compile for the host's unit tests, and for the server
/// (`ssr`), whose statistics exports label figures from the console's
/// translation table.
#[cfg(any(test, feature = "console", feature = "ssr"))]
pub mod console;
pub mod i18n;
pub mod pages;
pub mod protocol;
mod request;
pub mod security;
pub mod service;

pub use app::{App, shell};

/// Entry point of the WASM bundle: takes over the server-rendered page.
/// Not exported from the console's bundle, which would otherwise carry every
/// youth page as well.
#[cfg(all(feature = "hydrate", not(feature = "console")))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
}
