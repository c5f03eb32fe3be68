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
//! - [`canned`]: the composer's `/` picker of canned replies.
//! - [`booking`]: the booking pages' data and pure logic (agenda by day,
//!   the hours form's checks, course sessions). `agenda`, `availability`,
//!   `courses` (browser): the agenda with its actions, own hours, and the
//!   coordinators' group courses with their evaluations.
//! - [`settings`]: the settings pages (service, hours, risk words, canned
//!   replies).
//! - `flags` (browser): risk words and priority buttons.
//! - `api` (browser): log in, who am I, log out, other JSON calls.
//! - `connection` (browser): the socket, reconnects, keep-alive.
//! - `view` (browser): the components.
//! - `alerts` (browser): the optional chime and the keyboard shortcuts.
//! - `team` (browser): the page navigation and the coordinators' team page
//!   (accounts, one-time codes, the audit log).
//! - `security` (browser): own password, second factor, and choosing a
//!   password with a one-time code.
//! - [`work`]: transfers, team status, course notes, concerns, the
//!   coordinator's view (state; pure, unit-tested on the host).
//! - `team_status`, `transfer`, `notes`, `watch` (browser): the status
//!   selector and alerts, the transfer dialog, the chat's side panel (notes,
//!   handover note, concern), the coordinator's overview.
//! - `cases` (browser): the conversion to treatment and the case pages.
//! - `letters` (browser): anonymous letters: the queue by deadline, the
//!   thread, drafts, review and sending.
//! - [`stats_texts`]: the statistics' texts (also the server's CSV and
//!   printable report); `statistics` (browser): the coordinators'
//!   dashboard with its SVG charts, each beside its table.

pub mod booking;
pub mod canned;
pub mod model;
pub mod settings;
pub mod stats_texts;
pub mod texts;
pub mod work;

#[cfg(feature = "console")]
mod agenda;
#[cfg(feature = "console")]
mod alerts;
#[cfg(feature = "console")]
mod api;
#[cfg(feature = "console")]
mod availability;
#[cfg(feature = "console")]
mod cases;
#[cfg(feature = "console")]
mod connection;
#[cfg(feature = "console")]
mod courses;
#[cfg(feature = "console")]
mod flags;
#[cfg(feature = "console")]
mod letters;
#[cfg(feature = "console")]
mod notes;
#[cfg(feature = "console")]
mod security;
#[cfg(feature = "console")]
mod statistics;
#[cfg(feature = "console")]
mod team;
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
    // A fault in the console shows its message and place in the browser's
    // console (a counsellor's report can quote it) instead of a bare
    // "unreachable". The console bundle has no size budget; the youth
    // bundle keeps the default.
    std::panic::set_hook(Box::new(|info| {
        leptos::logging::error!("console fault: {info}");
    }));
    leptos::mount::mount_to_body(view::Console);
}
