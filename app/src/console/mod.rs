//! The counsellor console at `/console`: the live queue, claiming chats,
//! answering several at once, closing them with an outcome, and blocking an
//! abusive one.
//!
//! A client-side rendered app in a WASM bundle of its own (feature
//! `console`, built by `scripts/build-site`), so the youth page's bundle
//! stays within its size budget. The server only serves a small HTML shell
//! (`server/src/routes/console_page.rs`); everything else comes over the
//! existing login API and the `/ws/console` socket.
//!
//! # Layout
//! - [`model`]: the console's state as signals and how server frames change
//!   it. Pure, unit-tested on the host.
//! - [`texts`]: every console text, Danish and English.
//! - [`work`]: transfers, team status, course notes, concerns, the
//!   coordinator's view (state; pure, unit-tested on the host).
//! - `api` (browser): log in, who am I, log out.
//! - `connection` (browser): the socket, reconnects, keep-alive.
//! - `view` (browser): the components.
//! - `team_status`, `transfer`, `notes`, `watch` (browser): the status
//!   selector and alerts, the transfer dialog, the chat's side panel (notes,
//!   handover note, concern), the coordinator's overview.

pub mod model;
pub mod texts;
pub mod work;

#[cfg(feature = "console")]
mod api;
#[cfg(feature = "console")]
mod connection;
#[cfg(feature = "console")]
mod notes;
#[cfg(feature = "console")]
mod team_status;
#[cfg(feature = "console")]
mod transfer;
#[cfg(feature = "console")]
mod view;
#[cfg(feature = "console")]
mod watch;

/// Entry point of the console bundle: renders the console into `<body>`.
/// Called by the shell's module script after the WASM is initialised.
#[cfg(feature = "console")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn console_main() {
    leptos::mount::mount_to_body(view::Console);
}
