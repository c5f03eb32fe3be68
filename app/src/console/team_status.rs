//! The counsellor's status selector in the header, and the alerts about
//! chats that left this console (auto-returned, reassigned, handed over).

use super::connection;
use super::model::ConsoleModel;
use super::texts::{WorkTexts, fill};
use crate::protocol::console::{ConsoleClientMsg, CounsellorStatus, ReturnReason};
use leptos::prelude::*;

/// The statuses, in the order the selector lists them.
const STATUSES: [CounsellorStatus; 3] = [
    CounsellorStatus::Available,
    CounsellorStatus::Busy,
    CounsellorStatus::Away,
];

/// A status in words.
pub fn status_text(t: &WorkTexts, status: CounsellorStatus) -> &'static str {
    match status {
        CounsellorStatus::Available => t.status_available,
        CounsellorStatus::Busy => t.status_busy,
        CounsellorStatus::Away => t.status_away,
    }
}

/// Available / busy / away, as the team sees it.
#[component]
pub fn StatusSelect() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let w = move || model.lang.get().work();
    let current = Memo::new(move |_| model.work.my_status());
    view! {
        <label class="status-select">
            <span>{move || w().status_label}</span>
            <select
                id="status"
                on:change=move |ev| {
                    let chosen = event_target_value(&ev).parse::<usize>().ok();
                    if let Some(status) = chosen.and_then(|i| STATUSES.get(i).copied()) {
                        connection::send_work(&ConsoleClientMsg::SetStatus { status });
                    }
                }
            >
                {STATUSES
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let s = *s;
                        view! {
                            <option value=i.to_string() selected=move || current.get() == s>
                                {move || status_text(w(), s)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
    .into_any()
}

/// Chats that left this console, until dismissed (an alert region).
#[component]
pub fn Alerts() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let w = move || model.lang.get().work();
    let t = move || model.lang.get().texts();
    view! {
        <div class="alerts" role="alert" aria-live="assertive">
            {move || {
                model
                    .work
                    .alerts
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, alert)| {
                        let template = match alert.reason {
                            None => w().alert_transferred,
                            Some(ReturnReason::Unanswered) => w().alert_unanswered,
                            Some(ReturnReason::ConsoleGone) => w().alert_console_gone,
                            Some(ReturnReason::Reassigned) => w().alert_reassigned,
                        };
                        view! {
                            <p class="notice">
                                {fill(template, "name", &alert.name)}
                                " "
                                <button
                                    type="button"
                                    class="quiet"
                                    on:click=move |_| {
                                        model.work.alerts.update(|a| {
                                            if i < a.len() {
                                                a.remove(i);
                                            }
                                        })
                                    }
                                >
                                    {move || t().dismiss}
                                </button>
                            </p>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
    .into_any()
}
