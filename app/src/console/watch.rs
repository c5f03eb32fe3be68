//! The coordinator's overview: every active or waiting chat (who has it,
//! how long it has waited, its last activity), watching one read-only (the
//! server records each watch in the audit log) and reassigning one.

use super::connection;
use super::model::ConsoleModel;
use super::texts::fill;
use crate::protocol::console::{ActiveChat, ConsoleClientMsg};
use leptos::prelude::*;

/// Shown to coordinators only.
#[component]
pub fn AllChatsPanel() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let w = move || model.lang.get().work();
    let coordinator = Memo::new(move |_| model.work.rules.with(|r| r.coordinator));
    let refresh = move |_| {
        connection::send_work(&ConsoleClientMsg::ListChats);
    };
    move || {
        coordinator.get().then(|| {
            view! {
                <section class="all-chats" aria-labelledby="all-chats-heading">
                    <h2 id="all-chats-heading">{move || w().all_chats_heading}</h2>
                    <button type="button" class="quiet" on:click=refresh>
                        {move || w().refresh}
                    </button>
                    {move || {
                        let chats = model.work.all_chats.get();
                        if chats.is_empty() {
                            view! { <p class="muted">{move || w().no_live_chats}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="live-chats">
                                    {chats
                                        .into_iter()
                                        .map(|chat| view! { <LiveChat chat /> })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    }}
                </section>
            }
        })
    }
}

/// One live chat in the overview.
#[component]
fn LiveChat(chat: ActiveChat) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let w = move || model.lang.get().work();
    let t = move || model.lang.get().texts();
    let id = chat.entry.conversation;
    let entry = chat.entry.clone();
    let holder = chat.counsellor.clone();
    let target = RwSignal::new(String::new());
    let select_id = format!("reassign-{id}");
    let waited = move || t().waited_for(model.now.get(), entry.waiting_since);
    let last = chat.last_activity;
    view! {
        <li class="queue-item">
            <p>
                <strong>{t().who(&chat.entry)}</strong>
                " · "
                {move || match &holder {
                    Some(name) => fill(w().held_by, "name", name),
                    None => w().in_queue.to_owned(),
                }}
                " · "
                {waited}
                " · "
                {move || {
                    let minutes = model.now.get().saturating_sub(last).max(0) / 60_000;
                    fill(w().last_activity, "min", &minutes.to_string())
                }}
            </p>
            <button
                type="button"
                class="quiet"
                on:click=move |_| {
                    connection::send_work(&ConsoleClientMsg::Watch { conversation: id });
                }
            >
                {move || w().watch}
            </button>
            <label for=select_id.clone() class="sr-only">{move || w().transfer_to}</label>
            <select id=select_id on:change=move |ev| target.set(event_target_value(&ev))>
                <option value="" selected>{move || w().transfer_to_queue}</option>
                {move || {
                    model
                        .work
                        .team
                        .get()
                        .into_iter()
                        .map(|c| view! { <option value=c.id.to_string()>{c.first_name}</option> })
                        .collect_view()
                }}
            </select>
            <button
                type="button"
                class="quiet"
                on:click=move |_| {
                    connection::send_work(&ConsoleClientMsg::Reassign {
                        conversation: id,
                        to: target.get_untracked().parse::<i64>().ok(),
                    });
                }
            >
                {move || w().reassign}
            </button>
        </li>
    }
    .into_any()
}
