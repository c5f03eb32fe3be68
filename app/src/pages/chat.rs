use crate::chat::{self, ChatModel, CodeProblem, MessageStatus, Phase};
use crate::components::{ChatOpenStatus, EmergencyBox};
use crate::i18n::{Texts, use_i18n};
use crate::protocol::{AgeBand, Role, Sender, Topic};
use crate::service::{ChatHours, ServiceInfo};
use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;

/// The anonymous chat: choose who you are (two taps), wait with a visible
/// place in the queue, then talk. Server-rendered as the chooser; a tab that
/// already has a conversation reattaches to it once the WASM runs.
#[component]
pub fn ChatPage() -> impl IntoView {
    let i18n = use_i18n();
    let model = ChatModel::new();
    provide_context(model);
    let open = expect_context::<ChatHours>().open_now;
    Effect::new(move |_| chat::resume_if_any(model));
    view! {
        <section class="chat" aria-labelledby="chat-heading">
            <h1 id="chat-heading">{i18n.text(|t| t.chat_page_title)}</h1>
            {move || match model.phase.get() {
                // Closed: a letter can be written now and answered later.
                Phase::Choose if !open => EitherOf4::A(view! {
                    <ChatOpenStatus />
                    <p class="letter-link">
                        {i18n.text(|t| t.letter_lead)} " "
                        <a class="button" href="/brev">{i18n.text(|t| t.letter_link)}</a>
                    </p>
                }),
                Phase::Choose if model.closed.get() => EitherOf4::B(notice(|t| t.chat_closed)),
                Phase::Choose => EitherOf4::C(view! { <Chooser /> }),
                Phase::ReloadNeeded => EitherOf4::B(notice(|t| t.reload_needed)),
                _ => EitherOf4::D(view! { <Conversation /> }),
            }}
        </section>
        <EmergencyBox />
    }
}

/// Picks one text out of the translation table.
type TextOf = fn(&Texts) -> &'static str;

/// A notice that needs the person's attention.
fn notice(text: TextOf) -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="notice" role="alert">{move || text(i18n.t())}</p> }
}

/// Who is writing, and optionally age band and topic.
#[component]
fn Chooser() -> impl IntoView {
    let i18n = use_i18n();
    let model = expect_context::<ChatModel>();
    let role = RwSignal::new(None::<Role>);
    let age = RwSignal::new(None::<AgeBand>);
    let topic = RwSignal::new(None::<Topic>);
    let nickname = RwSignal::new(String::new());
    let roles: [(Role, TextOf); 3] = [
        (Role::YoungPerson, |t| t.role_young_person),
        (Role::ParentOrRelative, |t| t.role_parent),
        (Role::Professional, |t| t.role_professional),
    ];
    let start = move |_| {
        if let Some(role) = role.get_untracked() {
            let age_band = if role == Role::YoungPerson {
                age.get_untracked()
            } else {
                None
            };
            let nickname = nickname.get_untracked().trim().to_owned();
            let nickname = (!nickname.is_empty()).then_some(nickname);
            chat::start(model, role, age_band, topic.get_untracked(), nickname);
        }
    };
    view! {
        <fieldset class="choices">
            <legend>{i18n.text(|t| t.who_are_you)}</legend>
            {roles
                .into_iter()
                .map(|(value, label)| view! {
                    <button
                        type="button"
                        class="choice"
                        aria-pressed=move || (role.get() == Some(value)).to_string()
                        on:click=move |_| role.set(Some(value))
                    >
                        {move || label(i18n.t())}
                    </button>
                })
                .collect_view()}
        </fieldset>
        {move || (role.get() == Some(Role::YoungPerson)).then(|| view! {
            <fieldset class="chips">
                <legend>{i18n.text(|t| t.age_label)}</legend>
                {AgeBand::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, band)| {
                        let band = *band;
                        view! {
                            <button
                                type="button"
                                class="chip"
                                aria-pressed=move || (age.get() == Some(band)).to_string()
                                on:click=move |_| age.update(|a| *a = if *a == Some(band) { None } else { Some(band) })
                            >
                                {move || i18n.t().age_bands[i]}
                            </button>
                        }
                    })
                    .collect_view()}
            </fieldset>
        })}
        <fieldset class="chips">
            <legend>{i18n.text(|t| t.topic_label)}</legend>
            {Topic::ALL
                .iter()
                .enumerate()
                .map(|(i, value)| {
                    let value = *value;
                    view! {
                        <button
                            type="button"
                            class="chip"
                            aria-pressed=move || (topic.get() == Some(value)).to_string()
                            on:click=move |_| topic.update(|t| *t = if *t == Some(value) { None } else { Some(value) })
                        >
                            {move || i18n.t().topics[i]}
                        </button>
                    }
                })
                .collect_view()}
        </fieldset>
        <div class="field">
            <label for="nickname">{i18n.text(|t| t.nickname_label)}</label>
            <input
                id="nickname"
                type="text"
                maxlength="40"
                autocomplete="off"
                aria-describedby="nickname-hint"
                bind:value=nickname
            />
            <p id="nickname-hint" class="hint">{i18n.text(|t| t.nickname_hint)}</p>
        </div>
        {move || model.start_refused.get().then(|| view! {
            <p class="notice" role="alert">
                {i18n.text(|t| t.start_too_many)} " "
                <a href="/brev">{i18n.text(|t| t.letter_link)}</a>
            </p>
        })}
        <button type="button" class="button start" disabled=move || role.get().is_none() on:click=start>
            {i18n.text(|t| t.start_chat)}
        </button>
        <CodeForm />
    }
}

/// Continue an anonymous course on any device with its resume code.
#[component]
fn CodeForm() -> impl IntoView {
    let i18n = use_i18n();
    let model = expect_context::<ChatModel>();
    let code = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = code.get_untracked();
        if !typed.trim().is_empty() {
            chat::continue_with_code(model, typed);
        }
    };
    let problem = move || {
        model.code_problem.get().map(|problem| {
            let t = i18n.t();
            match problem {
                CodeProblem::Wrong => t.code_wrong,
                CodeProblem::TooMany => t.code_too_many,
                CodeProblem::Ended => t.code_ended,
            }
        })
    };
    view! {
        <details class="code-form" open=move || model.code_problem.get().is_some()>
            <summary>{i18n.text(|t| t.have_code)}</summary>
            <form on:submit=submit>
                <label for="resume-code">{i18n.text(|t| t.code_label)}</label>
                <input
                    id="resume-code"
                    type="text"
                    autocomplete="off"
                    autocapitalize="none"
                    spellcheck="false"
                    maxlength="100"
                    aria-invalid=move || model.code_problem.get().is_some().to_string()
                    aria-describedby="code-problem"
                    bind:value=code
                />
                <p id="code-problem" class="form-error" role="alert">{problem}</p>
                <button type="submit" class="button">{i18n.text(|t| t.continue_chat)}</button>
            </form>
        </details>
    }
}

/// A resume code just issued, shown once.
#[component]
fn CodeCard() -> impl IntoView {
    let i18n = use_i18n();
    let model = expect_context::<ChatModel>();
    move || {
        model.code.get().map(|code| {
            view! {
                <section class="code-card" aria-labelledby="code-heading">
                    <h2 id="code-heading">{i18n.text(|t| t.code_heading)}</h2>
                    <p class="code" data-testid="resume-code">{code}</p>
                    <p>{i18n.text(|t| t.code_explain)}</p>
                </section>
            }
        })
    }
}

/// Replaces `{key}` in a translated template.
fn fill(template: &str, key: &str, value: &str) -> String {
    template.replace(&format!("{{{key}}}"), value)
}

/// The conversation itself: status, messages, composer.
#[component]
fn Conversation() -> impl IntoView {
    let i18n = use_i18n();
    let model = expect_context::<ChatModel>();
    let draft = RwSignal::new(String::new());
    let ended = move || matches!(model.phase.get(), Phase::Ended | Phase::Deleted);

    let status = move || {
        let t = i18n.t();
        if model.phase.get() == Phase::Deleted {
            return t.deleted.to_owned();
        }
        if model.phase.get() == Phase::Ended {
            return t.ended.to_owned();
        }
        if !model.online.get() {
            return if model.phase.get() == Phase::Connecting {
                t.connecting
            } else {
                t.reconnecting
            }
            .to_owned();
        }
        if let Some(name) = model.counsellor.get() {
            return fill(t.counsellor_joined, "name", &name);
        }
        match model.queue.get() {
            Some((position, estimate)) => {
                let place = fill(t.queue_position, "n", &position.to_string());
                let wait = match estimate {
                    Some(secs) => {
                        fill(t.queue_estimate, "m", &secs.div_ceil(60).max(1).to_string())
                    }
                    None => t.queue_no_estimate.to_owned(),
                };
                format!("{place} {wait} {}", t.queue_meanwhile)
            }
            None => t.connecting.to_owned(),
        }
    };

    let service = StoredValue::new(expect_context::<ServiceInfo>());
    let send = move || {
        let text = draft.get_untracked();
        if !text.trim().is_empty() && crate::protocol::valid_text(&text) {
            if service.with_value(|s| s.mentions_risk(&text)) {
                model.serious.set(true);
            }
            chat::send_text(model, text);
            draft.set(String::new());
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send();
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() {
            ev.prevent_default();
            send();
        }
    };
    let retention = move || {
        model.deleted_after.get().map(|at| {
            let date = crate::browser::format_date(at, i18n.lang());
            fill(i18n.t().deleted_after, "date", &date)
        })
    };

    view! {
        <p class="chat-status" role="status" aria-live="polite">{status}</p>
        <ol class="messages" aria-label=i18n.text(|t| t.messages_label) aria-live="polite">
            <For
                each=move || model.messages.get()
                key=|m| (m.client_id.clone(), m.from == Sender::Visitor)
                let:message
            >
                {
                    let own = message.from == Sender::Visitor;
                    let text = message.text.clone();
                    let shown = message.clone();
                    let who = move || {
                        if own { i18n.t().you.to_owned() } else { model.counsellor.get().unwrap_or_default() }
                    };
                    let state = move || {
                        let current = model
                            .messages
                            .with(|all| all.iter().find(|m| m.client_id == shown.client_id && m.from == shown.from).cloned())
                            .unwrap_or_else(|| shown.clone());
                        match model.status(&current) {
                            MessageStatus::Sending => i18n.t().status_sending,
                            MessageStatus::Sent => i18n.t().status_sent,
                            MessageStatus::Read => i18n.t().status_read,
                        }
                    };
                    view! {
                        <li class=if own { "bubble own" } else { "bubble theirs" }>
                            <span class="sr-only">{who}": "</span>
                            <span class="text">{text}</span>
                            {own.then(|| view! { <span class="delivery">{state}</span> })}
                        </li>
                    }
                }
            </For>
        </ol>
        // Plain optional views, not <Show>: its type-erased children cost
        // the WASM several kilobytes each.
        {move || model.serious.get().then(|| view! { <EmergencyBox serious=true /> })}
        {move || model.typing.get().then(|| view! {
            <p class="typing">{move || fill(i18n.t().typing, "name", &model.counsellor.get().unwrap_or_default())}</p>
        })}
        <CodeCard />
        {move || if ended() {
            let offer = move || {
                (model.phase.get() == Phase::Ended && model.online.get() && model.code.get().is_none())
                    .then(|| view! {
                        <p class="code-offer">
                            {i18n.text(|t| t.code_offer)}" "
                            <button type="button" class="button secondary" on:click=move |_| chat::request_code()>
                                {i18n.text(|t| t.get_code)}
                            </button>
                        </p>
                    })
            };
            Either::Left(view! {
                {offer}
                <p>
                    <button type="button" class="button" on:click=move |_| chat::new_chat(model)>
                        {i18n.text(|t| t.new_chat)}
                    </button>
                </p>
            })
        } else {
            Either::Right(view! {
                <form class="composer" on:submit=submit>
                    <label for="composer-text" class="sr-only">{i18n.text(|t| t.composer_label)}</label>
                    <textarea
                        id="composer-text"
                        rows="2"
                        maxlength="4000"
                        bind:value=draft
                        on:keydown=on_keydown
                        on:input=move |_| chat::typing()
                    ></textarea>
                    <button type="submit" class="button">{i18n.text(|t| t.send)}</button>
                </form>
                <p class="retention">
                    {retention} " "
                    <a href="/hvad-vi-gemmer" target="_blank" rel="noopener">{i18n.text(|t| t.what_we_store_link)}</a>
                </p>
                <div class="chat-actions">
                    {move || model.code.get().is_none().then(|| view! {
                        <button type="button" class="link-button" on:click=move |_| chat::request_code()>
                            {i18n.text(|t| t.get_code)}
                        </button>
                    })}
                    <button type="button" class="link-button" on:click=move |_| chat::end()>
                        {i18n.text(|t| t.end_chat)}
                    </button>
                    <button type="button" class="link-button" on:click=move |_| chat::delete_now()>
                        {i18n.text(|t| t.delete_chat)}
                    </button>
                </div>
            })
        }}
    }
}
