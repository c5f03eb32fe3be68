//! Risk flags and priority on screen: the matched risk words as text (never
//! colour alone) and buttons to raise or lower a chat's priority, on queue
//! items and in an open chat's header.

use super::connection;
use super::model::ConsoleModel;
use super::texts::fill;
use crate::protocol::console::{MAX_PRIORITY, MIN_PRIORITY};
use leptos::prelude::*;

/// The risk words a chat matched, if any: "Risikoord: overdosis, vold".
#[component]
pub fn RiskWords(words: Vec<String>) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let tools = move || model.lang.get().tools();
    (!words.is_empty()).then(|| {
        let list = words.join(", ");
        view! {
            <p class="risk">
                <strong>{move || tools().risk_words}</strong>
                " "
                <span>{list}</span>
            </p>
        }
    })
}

/// The priority in words, and buttons to lower or raise it. `name` is how
/// the console calls the chat (for the buttons' labels).
#[component]
pub fn PriorityControl(conversation: i64, priority: i32, name: String) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let tools = move || model.lang.get().tools();
    let raise_label = {
        let name = name.clone();
        move || fill(tools().raise, "name", &name)
    };
    let lower_label = move || fill(tools().lower, "name", &name);
    let offline = move || model.link.get() != super::model::Link::Online;
    let lowest = priority <= MIN_PRIORITY;
    let highest = priority >= MAX_PRIORITY;
    view! {
        <p class="priority-control">
            <span>{move || tools().priority_label}" "<strong>{move || tools().priority(priority)}</strong></span>
            " "
            <button
                type="button"
                class="quiet small"
                aria-label=lower_label.clone()
                title=lower_label
                disabled=move || offline() || lowest
                on:click=move |_| {
                    connection::set_priority(conversation, priority - 1);
                }
            >
                "▼"
            </button>
            <button
                type="button"
                class="quiet small"
                aria-label=raise_label.clone()
                title=raise_label
                disabled=move || offline() || highest
                on:click=move |_| {
                    connection::set_priority(conversation, priority + 1);
                }
            >
                "▲"
            </button>
        </p>
    }
}
