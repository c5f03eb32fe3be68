//! The transfer dialog: a colleague on duty (with status and load) or back
//! to the queue, and a handover note the person never sees. The note is
//! screened live like course notes.

use super::connection;
use super::model::{ConsoleModel, Link};
use super::notes::Warnings;
use super::team_status::status_text;
use super::texts::fill;
use crate::protocol::console::ConsoleClientMsg;
use crate::protocol::screening::MAX_NOTE_CHARS;
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;

/// The dialog for chat `id`; `close` hides it.
#[component]
pub fn TransferDialog(id: i64, close: Callback<()>) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let w = move || model.lang.get().work();
    // "" = back to the queue; otherwise a counsellor id.
    let target = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let confirmed = RwSignal::new(false);
    let screening = Memo::new(move |_| model.work.screen(&note.get()));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let found = screening.get_untracked();
        if found.cpr || (!found.warnings.is_empty() && !confirmed.get_untracked()) {
            return;
        }
        let sent = connection::send_work(&ConsoleClientMsg::Transfer {
            conversation: id,
            to: target.get_untracked().parse::<i64>().ok(),
            note: note.get_untracked(),
            confirmed: confirmed.get_untracked(),
        });
        if sent {
            close.run(());
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            close.run(());
        }
    };
    view! {
        <form class="end-form" on:submit=submit on:keydown=on_keydown aria-labelledby="transfer-heading">
            <h4 id="transfer-heading">{move || w().transfer_heading}</h4>
            <label for="transfer-to">{move || w().transfer_to}</label>
            <select id="transfer-to" on:change=move |ev| target.set(event_target_value(&ev))>
                <option value="" selected>{move || w().transfer_to_queue}</option>
                {move || {
                    model
                        .work
                        .transfer_targets()
                        .into_iter()
                        .map(|c| {
                            let text = fill(
                                &fill(
                                    &fill(
                                        &fill(w().colleague, "name", &c.first_name),
                                        "status",
                                        status_text(w(), c.status),
                                    ),
                                    "chats",
                                    &c.chats.to_string(),
                                ),
                                "max",
                                &c.max_chats.to_string(),
                            );
                            view! { <option value=c.id.to_string()>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
            {move || {
                model
                    .work
                    .transfer_targets()
                    .is_empty()
                    .then(|| view! { <p class="hint">{move || w().no_colleagues}</p> })
            }}
            <label for="handover-note">{move || w().handover_note}</label>
            <textarea
                id="handover-note"
                rows="3"
                maxlength=MAX_NOTE_CHARS.to_string()
                aria-describedby="handover-warnings"
                bind:value=note
                on:input=move |_| confirmed.set(false)
            ></textarea>
            <Warnings id="handover-warnings" screening=screening />
            {move || {
                (!screening.get().warnings.is_empty())
                    .then(|| {
                        view! {
                            <label class="confirm">
                                <input type="checkbox" bind:checked=confirmed />
                                {move || w().save_anyway}
                            </label>
                        }
                    })
            }}
            <button
                type="submit"
                class="button"
                disabled=move || {
                    screening.get().cpr
                        || (!screening.get().warnings.is_empty() && !confirmed.get())
                        || model.link.get() != Link::Online
                }
            >
                {move || w().transfer_send}
            </button>
            <button type="button" class="quiet" on:click=move |_| close.run(())>
                {move || model.lang.get().texts().cancel}
            </button>
        </form>
    }
    .into_any()
}
