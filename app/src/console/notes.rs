//! The side panel of an open chat: the handover note it came with, the
//! anonymous course's notes, a note editor that screens live (a CPR-like
//! number is refused; e-mail addresses, phone numbers and listed names need
//! "save anyway"), and the concern dialog with the service's procedure.

use super::connection;
use super::model::{ConsoleModel, Link};
use super::texts::{WorkTexts, fill};
use crate::protocol::console::ConsoleClientMsg;
use crate::protocol::screening::{MAX_NOTE_CHARS, NoteWarning, Screening, valid_note};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;

/// One warning in words.
fn warning_text(w: &WorkTexts, warning: &NoteWarning) -> String {
    match warning {
        NoteWarning::Email => w.warn_email.to_owned(),
        NoteWarning::Phone => w.warn_phone.to_owned(),
        NoteWarning::Name { name } => fill(w.warn_name, "name", name),
    }
}

/// What the live screening found, as visible text in a polite live region.
#[component]
pub fn Warnings(id: &'static str, screening: Memo<Screening>) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let w = move || model.lang.get().work();
    view! {
        <div id=id class="screening" aria-live="polite">
            {move || {
                let found = screening.get();
                if found.cpr {
                    view! { <p class="notice">{w().refuse_cpr}</p> }.into_any()
                } else if found.warnings.is_empty() {
                    ().into_any()
                } else {
                    let list = found
                        .warnings
                        .iter()
                        .map(|x| warning_text(w(), x))
                        .collect::<Vec<_>>()
                        .join(", ");
                    view! { <p class="notice">{w().warnings_intro}" "{list}</p> }.into_any()
                }
            }}
        </div>
    }
    .into_any()
}

/// Which dialog of the side panel is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialog {
    None,
    Transfer,
    Concern,
}

/// Transfer and concern actions, the handover note, and the course notes
/// of chat `id` (for a chat this counsellor has; watched chats show the
/// notes they have, read-only).
#[component]
pub fn ChatSide(id: i64) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let w = move || model.lang.get().work();
    let watching = Memo::new(move |_| model.work.is_watching(id));
    let dialog = RwSignal::new(Dialog::None);
    // Keyboard users land in the dialog's first field, and back in the
    // reply field when it closes (Escape, sent, or toggled off).
    let close = Callback::new(move |()| {
        dialog.set(Dialog::None);
        super::team::focus_later("reply");
    });
    let toggle = move |which: Dialog| {
        let opening = dialog.get_untracked() != which;
        dialog.set(if opening { which } else { Dialog::None });
        match (opening, which) {
            (true, Dialog::Transfer) => super::team::focus_later("transfer-to"),
            (true, Dialog::Concern) => super::team::focus_later("concern-text"),
            _ => {}
        }
    };
    let handover = Memo::new(move |_| model.work.handovers.with(|h| h.get(&id).cloned()));
    let notes = Memo::new(move |_| {
        model
            .work
            .notes
            .with(|n| n.get(&id).cloned().unwrap_or_default())
    });
    view! {
        <aside class="chat-side" aria-label=move || w().notes_heading>
            {move || {
                watching
                    .get()
                    .then(|| view! { <p class="notice" role="status">{move || w().watching}</p> })
            }}
            {move || {
                (!watching.get())
                    .then(|| {
                        view! {
                            <div class="chat-actions">
                                <button
                                    type="button"
                                    class="quiet"
                                    aria-expanded=move || (dialog.get() == Dialog::Transfer).to_string()
                                    on:click=move |_| toggle(Dialog::Transfer)
                                >
                                    {move || w().transfer}
                                </button>
                                <button
                                    type="button"
                                    class="quiet danger"
                                    aria-expanded=move || (dialog.get() == Dialog::Concern).to_string()
                                    on:click=move |_| toggle(Dialog::Concern)
                                >
                                    {move || w().concern}
                                </button>
                            </div>
                        }
                    })
            }}
            {move || match dialog.get() {
                Dialog::Transfer => view! { <super::transfer::TransferDialog id close /> }.into_any(),
                Dialog::Concern => view! { <ConcernDialog id close /> }.into_any(),
                Dialog::None => ().into_any(),
            }}
            <ConcernProcedure id />
            {move || {
                handover
                    .get()
                    .map(|(from, note)| {
                        view! {
                            <section class="handover">
                                <h4>{move || fill(w().handover_from, "from", &from)}</h4>
                                <p>{note}</p>
                            </section>
                        }
                    })
            }}
            <section class="notes">
                <h4>{move || w().notes_heading}</h4>
                {move || {
                    let list = notes.get();
                    if list.is_empty() {
                        view! { <p class="muted">{move || w().no_notes}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="note-list">
                                {list
                                    .into_iter()
                                    .map(|n| view! { <li><strong>{n.author}</strong>" "{n.text}</li> })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                }}
                {move || (!watching.get()).then(|| view! { <NoteEditor id /> })}
            </section>
        </aside>
    }
    .into_any()
}

/// Writing a course note, screened while typing.
#[component]
fn NoteEditor(id: i64) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let w = move || model.lang.get().work();
    let text = RwSignal::new(String::new());
    let screening = Memo::new(move |_| model.work.screen(&text.get()));
    let submit = move |confirmed: bool| {
        let note = text.get_untracked();
        let found = screening.get_untracked();
        if !valid_note(&note) || found.cpr || (!found.warnings.is_empty() && !confirmed) {
            return;
        }
        if connection::send_work(&ConsoleClientMsg::AddNote {
            conversation: id,
            text: note,
            confirmed,
        }) {
            text.set(String::new());
        }
    };
    view! {
        <form
            class="note-editor"
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                submit(false);
            }
        >
            <label for="note-text">{move || w().note_label}</label>
            <textarea
                id="note-text"
                rows="3"
                maxlength=MAX_NOTE_CHARS.to_string()
                aria-describedby="note-warnings"
                bind:value=text
            ></textarea>
            <Warnings id="note-warnings" screening=screening />
            <button
                type="submit"
                class="button"
                disabled=move || {
                    screening.get().cpr || !screening.get().warnings.is_empty()
                        || !valid_note(&text.get()) || model.link.get() != Link::Online
                }
            >
                {move || w().note_save}
            </button>
            {move || {
                (!screening.get().cpr && !screening.get().warnings.is_empty())
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                id="note-save-anyway"
                                class="button"
                                on:click=move |_| submit(true)
                            >
                                {move || w().save_anyway}
                            </button>
                        }
                    })
            }}
        </form>
    }
    .into_any()
}

/// Recording a concern: a short non-identifying note.
#[component]
fn ConcernDialog(id: i64, close: Callback<()>) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let w = move || model.lang.get().work();
    let text = RwSignal::new(String::new());
    let confirmed = RwSignal::new(false);
    let screening = Memo::new(move |_| model.work.screen(&text.get()));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let found = screening.get_untracked();
        let note = text.get_untracked();
        if !valid_note(&note)
            || found.cpr
            || (!found.warnings.is_empty() && !confirmed.get_untracked())
        {
            return;
        }
        if connection::send_work(&ConsoleClientMsg::Concern {
            conversation: id,
            note,
            confirmed: confirmed.get_untracked(),
        }) {
            close.run(());
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            close.run(());
        }
    };
    view! {
        <form class="end-form danger" on:submit=submit on:keydown=on_keydown aria-labelledby="concern-heading">
            <h4 id="concern-heading">{move || w().concern_heading}</h4>
            <label for="concern-text">{move || w().concern_label}</label>
            <textarea
                id="concern-text"
                rows="3"
                maxlength=MAX_NOTE_CHARS.to_string()
                aria-describedby="concern-warnings"
                bind:value=text
                on:input=move |_| confirmed.set(false)
            ></textarea>
            <Warnings id="concern-warnings" screening=screening />
            {move || {
                (!screening.get().cpr && !screening.get().warnings.is_empty())
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
                class="button danger"
                disabled=move || {
                    screening.get().cpr || !valid_note(&text.get())
                        || (!screening.get().warnings.is_empty() && !confirmed.get())
                        || model.link.get() != Link::Online
                }
            >
                {move || w().concern_record}
            </button>
            <button type="button" class="quiet" on:click=move |_| close.run(())>
                {move || model.lang.get().texts().cancel}
            </button>
        </form>
    }
    .into_any()
}

/// The service's procedure after a concern was recorded in chat `id` (and
/// the duty to notify for under-18s), until dismissed.
#[component]
fn ConcernProcedure(id: i64) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let w = move || model.lang.get().work();
    let shown = Memo::new(move |_| model.work.concern.get().filter(|c| c.conversation == id));
    move || {
        shown.get().map(|concern| {
            let rules = model.work.rules.get();
            let procedure = rules
                .emergency_procedure
                .unwrap_or_else(|| w().emergency_default.to_owned());
            let duty = rules
                .duty_to_notify
                .unwrap_or_else(|| w().duty_default.to_owned());
            view! {
                <section class="procedure" role="alert">
                    <h4>{move || w().emergency_heading}</h4>
                    <p>{procedure}</p>
                    {concern
                        .under_18
                        .then(|| {
                            view! {
                                <h4>{move || w().duty_heading}</h4>
                                <p>{duty}</p>
                            }
                        })}
                    <button type="button" class="quiet" on:click=move |_| model.work.concern.set(None)>
                        {move || model.lang.get().texts().dismiss}
                    </button>
                </section>
            }
        })
    }
}
