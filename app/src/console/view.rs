//! The console's components: a header with the connection state, the
//! login form, and the workspace (the queue beside this counsellor's chats,
//! one on screen at a time, each with its messages, composer and end
//! actions). Views read the [`ConsoleModel`] and act through `connection`.

use super::alerts::{self, Sound};
use super::api::{self, LoginError};
use super::connection;
use super::model::{ClaimProblem, ConsoleModel, Ended, Line, Link, Session};
use super::security::SetPasswordForm;
use super::team::{NavBar, Page, Pages, focus_later};
use super::texts::{Lang, OUTCOMES, Texts, fill};
use super::{canned, flags};
use crate::protocol::console::{Outcome, QueueEntry};
use crate::protocol::{ErrorCode, MAX_MESSAGE_CHARS, Sender, valid_text};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// localStorage key of the chosen language (a counsellor's work computer;
/// nothing about any conversation is stored on the device).
const LANG_KEY: &str = "front-door.console.lang";

/// How often waiting times are recomputed.
const CLOCK_EVERY: Duration = Duration::from_secs(30);

/// The composer's element id: one chat is on screen at a time.
const REPLY_ID: &str = "reply";

/// Unsent drafts per chat, kept in memory while switching between chats.
#[derive(Clone, Copy)]
struct Drafts(StoredValue<HashMap<i64, String>>);

/// The page is on screen: only then are messages marked read.
#[derive(Clone, Copy)]
struct Visible(RwSignal<bool>);

fn now() -> i64 {
    js_sys::Date::now() as i64
}

fn stored_lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
        .map(|code| Lang::from_code(&code))
        .unwrap_or_default()
}

fn store_lang(lang: Lang) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(LANG_KEY, lang.code());
    }
}

/// The service's name, from the shell's `<meta name="application-name">`.
fn service_name() -> String {
    document()
        .query_selector(r#"meta[name="application-name"]"#)
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .unwrap_or_default()
}

/// A time of day in the browser's zone, e.g. "14:05".
fn clock(at: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// Whether keyboard focus was lost (its element left the page).
fn focus_is_lost() -> bool {
    let document = document();
    match (document.active_element(), document.body()) {
        (None, _) => true,
        (Some(active), Some(body)) => active == *body,
        (Some(_), None) => false,
    }
}

/// Asks the server who is logged in; retries while it cannot be reached.
fn check_session(model: ConsoleModel) {
    spawn_local(async move {
        match api::current().await {
            Ok(Some(first_name)) => {
                model.session.set(Session::LoggedIn { first_name });
                connection::start(model);
            }
            Ok(None) => model.session.set(Session::LoggedOut { ended: false }),
            Err(()) => set_timeout(move || check_session(model), Duration::from_secs(3)),
        }
    });
}

/// The whole console page. Each component returns its view type-erased
/// (`into_any`): the nested view types of a whole workspace otherwise
/// exceed the compiler's type-depth limit in a release build.
#[component]
pub fn Console() -> impl IntoView {
    let model = ConsoleModel::new(stored_lang(), now());
    provide_context(model);
    let drafts = Drafts(StoredValue::new(HashMap::new()));
    provide_context(drafts);
    provide_context(canned::Picker::new());
    let visible = RwSignal::new(!document().hidden());
    provide_context(Visible(visible));
    let on_visibility = Closure::<dyn FnMut()>::new(move || visible.set(!document().hidden()));
    let _ = document().add_event_listener_with_callback(
        "visibilitychange",
        on_visibility.as_ref().unchecked_ref(),
    );
    // Listens for the page's whole life.
    on_visibility.forget();
    let _clock = set_interval_with_handle(move || model.now.set(now()), CLOCK_EVERY);
    let sound = Sound::load();
    provide_context(sound);
    alerts::ring_on_arrivals(model, sound);
    alerts::listen_for_shortcuts(model);
    check_session(model);
    let nav = super::team::Nav::provide(model);

    let service = service_name();
    let title_service = service.clone();
    // The tab's title counts what waits for the counsellor (the queue and
    // unread messages), so it shows while working in another window.
    Effect::new(move |_| {
        let lang = model.lang.get();
        let t = lang.texts();
        let waiting = model.queue.with(Vec::len) + model.total_unread();
        let base = format!("{} · {title_service}", t.console);
        document().set_title(&if waiting > 0 {
            format!("({waiting}) {base}")
        } else {
            base
        });
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.code());
        }
    });
    let phase = Memo::new(move |_| match model.session.get() {
        Session::Checking => 0,
        Session::LoggedOut { ended: false } => 1,
        Session::LoggedOut { ended: true } => 2,
        Session::LoggedIn { .. } => 3,
    });

    view! {
        <div class="console">
            <Header service />
            <main id="main" class="console-main">
                {move || match phase.get() {
                    0 => view! {
                        <p class="loading">{move || model.lang.get().texts().loading}</p>
                    }
                    .into_any(),
                    1 => view! { <LoginForm ended=false /> }.into_any(),
                    2 => view! { <LoginForm ended=true /> }.into_any(),
                    _ => view! {
                        <Pages />
                        // The chats stay mounted (socket, drafts) behind other pages.
                        <div style:display=move || {
                            if nav.page.get() == Page::Chats { "contents" } else { "none" }
                        }>
                            <Workspace />
                        </div>
                    }
                    .into_any(),
                }}
            </main>
            <div class="sr-only" aria-live="polite" aria-atomic="true">
                {move || model.announcement.get()}
            </div>
        </div>
    }
    .into_any()
}

/// The top bar: service, connection state, who is logged in, language,
/// log out.
#[component]
fn Header(service: String) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let drafts = expect_context::<Drafts>();
    let t = move || model.lang.get().texts();
    let first_name = move || match model.session.get() {
        Session::LoggedIn { first_name } => Some(first_name),
        _ => None,
    };
    let switch = move |_| {
        let next = model.lang.get_untracked().other();
        model.lang.set(next);
        store_lang(next);
    };
    let log_out = move |_| {
        spawn_local(async move {
            api::log_out().await;
            connection::stop();
            drafts.0.set_value(HashMap::new());
            model.clear(Session::LoggedOut { ended: false });
        });
    };
    view! {
        <header class="bar">
            <h1 class="brand">{move || t().console}" · "{service}</h1>
            {move || first_name().map(|_| view! { <NavBar /> })}
            {move || {
                first_name()
                    .map(|_| {
                        let link = move || model.link.get();
                        view! {
                            <p
                                class=move || match link() {
                                    Link::Online => "link online",
                                    Link::Connecting => "link connecting",
                                    Link::Retrying => "link lost",
                                    Link::ReloadNeeded => "link lost",
                                }
                                role="status"
                            >
                                <span class="dot" aria-hidden="true"></span>
                                {move || match link() {
                                    Link::Online => t().link_online,
                                    Link::Connecting => t().link_connecting,
                                    Link::Retrying => t().link_retrying,
                                    Link::ReloadNeeded => t().link_reload,
                                }}
                            </p>
                            {move || {
                                (link() == Link::ReloadNeeded)
                                    .then(|| {
                                        view! {
                                            <button
                                                type="button"
                                                class="button"
                                                on:click=|_| {
                                                    let _ = web_sys::window()
                                                        .map(|w| w.location().reload());
                                                }
                                            >
                                                {move || t().reload}
                                            </button>
                                        }
                                    })
                            }}
                        }
                    })
            }}
            <div class="bar-end">
                {move || first_name().map(|_| view! { <super::team_status::StatusSelect /> })}
                {move || {
                    first_name()
                        .map(|name| {
                            view! {
                                <span class="who">{move || fill(t().logged_in_as, "name", &name)}</span>
                            }
                        })
                }}
                <button
                    type="button"
                    class="quiet"
                    lang=move || model.lang.get().other().code()
                    on:click=switch
                >
                    {move || t().other_language}
                </button>
                {move || {
                    first_name()
                        .map(|_| {
                            view! {
                                <button type="button" class="quiet" on:click=log_out>
                                    {move || t().log_out}
                                </button>
                            }
                        })
                }}
            </div>
        </header>
    }
    .into_any()
}

/// Login with the counsellor's name and password.
#[component]
fn LoginForm(
    /// A session of this page ran out (say so above the form).
    ended: bool,
) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let t = move || model.lang.get().texts();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<LoginError>);
    // The second-factor code, asked for once the server says it is needed.
    let totp = RwSignal::new(None::<String>);
    // Choosing a password with a one-time code instead of logging in.
    // Only whether it is asked for redraws the field (not each keystroke).
    let asks_totp = Memo::new(move |_| totp.with(Option::is_some));
    let with_code = RwSignal::new(false);
    let password_set = RwSignal::new(false);
    focus_later("login");
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        let (name, secret) = (login.get_untracked(), password.get_untracked());
        let code = totp.get_untracked();
        spawn_local(async move {
            match api::log_in(name.trim(), &secret, code.as_deref().map(str::trim)).await {
                Ok(first_name) => {
                    password.set(String::new());
                    model.session.set(Session::LoggedIn { first_name });
                    connection::start(model);
                }
                Err(LoginError::TotpRequired) => {
                    busy.set(false);
                    totp.set(Some(String::new()));
                    focus_later("totp");
                }
                Err(error) => {
                    busy.set(false);
                    problem.set(Some(error));
                    if totp.get_untracked().is_some_and(|c| !c.is_empty()) {
                        // A used or wrong code: ask for the next one.
                        totp.set(Some(String::new()));
                        focus_later("totp");
                    } else {
                        focus_later("password");
                    }
                }
            }
        });
    };
    let problem_text = move || {
        problem.get().map(|p| match p {
            LoginError::Failed => t().login_failed.to_owned(),
            LoginError::TooMany(seconds) => model.lang.get().team().wait_minutes(seconds),
            LoginError::TotpRequired => model.lang.get().team().totp_needed.to_owned(),
            LoginError::Unavailable => t().login_error.to_owned(),
        })
    };
    let done_with_code = Callback::new(move |set: bool| {
        password_set.set(set);
        with_code.set(false);
        focus_later("login");
    });
    move || {
        if with_code.get() {
            return view! { <SetPasswordForm on_done=done_with_code /> }.into_any();
        }
        view! {
        <section class="login" aria-labelledby="login-heading">
            <h2 id="login-heading">{move || t().login_heading}</h2>
            <p class="muted">{move || t().login_intro}</p>
            {ended.then(|| view! { <p class="notice">{move || t().session_ended}</p> })}
            <form on:submit=submit>
                <label for="login">{move || t().login_name}</label>
                <input
                    id="login"
                    name="username"
                    type="text"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                    bind:value=login
                />
                <label for="password">{move || t().password}</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    aria-describedby="login-problem"
                    bind:value=password
                />
                {move || {
                    asks_totp
                        .get()
                        .then(|| {
                            view! {
                                <label for="totp">{move || model.lang.get().team().totp_code}</label>
                                <input
                                    id="totp"
                                    name="totp"
                                    type="text"
                                    inputmode="numeric"
                                    autocomplete="one-time-code"
                                    required
                                    aria-describedby="totp-hint login-problem"
                                    on:input=move |ev| totp.set(Some(event_target_value(&ev)))
                                    prop:value=move || totp.get().unwrap_or_default()
                                />
                                <p id="totp-hint" class="hint">{move || model.lang.get().team().totp_needed}</p>
                            }
                        })
                }}
                <p id="login-problem" class="form-error" role="alert">
                    {problem_text}
                </p>
                <p aria-live="polite">
                    {move || password_set.get().then(|| model.lang.get().team().password_set)}
                </p>
                <button type="submit" class="button" disabled=move || busy.get()>
                    {move || if busy.get() { t().logging_in } else { t().log_in }}
                </button>
                <button type="button" class="link-button" on:click=move |_| with_code.set(true)>
                    {move || model.lang.get().team().have_code}
                </button>
            </form>
        </section>
    }
    .into_any()
    }
}

/// The queue beside this counsellor's chats.
#[component]
fn Workspace() -> impl IntoView {
    canned::load(expect_context::<canned::Picker>());
    view! {
        <super::team_status::Alerts />
        <div class="workspace">
            // The queue, and for coordinators every live chat, share the
            // left column; the chats fill the rest.
            <div class="side">
                <QueuePanel />
                <super::watch::AllChatsPanel />
            </div>
            <ChatsPanel />
        </div>
        <Attention />
    }
    .into_any()
}

/// The chime switch and the list of keyboard shortcuts, below the work.
#[component]
fn Attention() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let sound = expect_context::<Sound>();
    let t = move || model.lang.get().texts();
    view! {
        <div class="attention">
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=move || sound.0.get()
                    on:change=move |ev| sound.set(event_target_checked(&ev))
                />
                " "
                {move || t().sound}
            </label>
            <details class="shortcuts">
                <summary>{move || t().shortcuts}</summary>
                <dl>
                    <dt><kbd>"Alt"</kbd>"+"<kbd>"↓"</kbd>" / "<kbd>"↑"</kbd></dt>
                    <dd>{move || t().shortcut_next}</dd>
                    <dt><kbd>"Alt"</kbd>"+"<kbd>"1"</kbd>"…"<kbd>"9"</kbd></dt>
                    <dd>{move || t().shortcut_nth}</dd>
                    <dt><kbd>"Alt"</kbd>"+"<kbd>"Q"</kbd></dt>
                    <dd>{move || t().shortcut_queue}</dd>
                    <dt><kbd>"Enter"</kbd></dt>
                    <dd>{move || t().shortcut_send}</dd>
                </dl>
            </details>
        </div>
    }
    .into_any()
}

/// Why a claim failed, in words.
fn claim_problem_text(t: &Texts, problem: ClaimProblem) -> &'static str {
    match problem.code {
        ErrorCode::AlreadyTaken => t.taken_by_other,
        ErrorCode::NotAllowed => t.kept_for_last,
        ErrorCode::NotFound => t.no_longer_waiting,
        ErrorCode::RateLimited => t.error_rate,
        ErrorCode::Unavailable => t.error_unavailable,
        _ => t.error_other,
    }
}

/// The live queue.
#[component]
fn QueuePanel() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let t = move || model.lang.get().texts();
    let count = move || model.queue.with(Vec::len);
    // Everyone waiting, though the server lists only the head of a long
    // queue (and not chats kept for a colleague).
    let shown_count = move || model.queue_total.get().to_string();
    view! {
        <section class="queue" aria-labelledby="queue-heading">
            <h2 id="queue-heading">
                {move || t().queue_heading}
                " "
                <span class="count">{shown_count}</span>
            </h2>
            {move || {
                model
                    .claim_problem
                    .get()
                    .map(|problem| {
                        view! {
                            <p class="notice" role="alert">
                                {move || match problem.code {
                                    ErrorCode::TooManyChats => model.lang.get().work().error_too_many_chats,
                                    _ => claim_problem_text(t(), problem),
                                }}
                            </p>
                        }
                    })
            }}
            {move || (count() == 0).then(|| view! { <p class="empty">{move || t().queue_empty}</p> })}
            <ol class="entries">
                <For
                    each=move || model.queue.get()
                    key=|e| {
                        (e.conversation, e.priority, e.talk, e.previous_counsellor.clone(), e.risk_words.clone())
                    }
                    let:entry
                >
                    <QueueItem entry />
                </For>
            </ol>
        </section>
    }
    .into_any()
}

/// One waiting chat: who, what about, how long, and the claim button.
#[component]
fn QueueItem(entry: QueueEntry) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let t = move || model.lang.get().texts();
    let id = entry.conversation;
    let priority = entry.priority > 0;
    let since = entry.waiting_since;
    let entry = StoredValue::new(entry);
    let claiming = move || model.claiming.with(|c| c.contains(&id));
    let name_id = format!("q{id}-name");
    let what_id = format!("q{id}-what");
    let described_by = format!("{name_id} {what_id}");
    view! {
        <li class=if priority { "entry priority" } else { "entry" }>
            <p class="entry-name" id=name_id>
                {move || entry.with_value(|e| t().chat_name(id, Some(e)))}
            </p>
            <p class="entry-what" id=what_id>
                {move || entry.with_value(|e| t().describe(e))}
            </p>
            {move || {
                entry
                    .with_value(|e| t().course(e))
                    .map(|course| view! { <p class="entry-course">{course}</p> })
            }}
            <p class="entry-wait">
                {move || t().waited_for(model.now.get(), since)}
                {priority.then(|| view! { " " <span class="tag">{move || t().priority}</span> })}
            </p>
            {entry.with_value(|e| view! { <flags::RiskWords words=e.risk_words.clone() /> })}
            {entry
                .with_value(|e| {
                    let name = t().chat_name(id, Some(e));
                    view! { <flags::PriorityControl conversation=id priority=e.priority name /> }
                })}
            <button
                type="button"
                class="button small claim"
                aria-describedby=described_by
                disabled=move || claiming() || model.link.get() != Link::Online
                on:click=move |_| connection::claim(model, id)
            >
                {move || if claiming() { t().claiming } else { t().claim }}
            </button>
        </li>
    }
    .into_any()
}

/// This counsellor's chats: one tab each, the chosen one below.
#[component]
fn ChatsPanel() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let t = move || model.lang.get().texts();
    let active = Memo::new(move |_| model.active.get());
    let ids = Memo::new(move |_| {
        model
            .chats
            .with(|chats| chats.iter().map(|c| c.id).collect::<Vec<_>>())
    });
    // A chat that comes on screen because the one in focus went away (taken
    // from the queue, closed) gets the focus in its composer.
    Effect::new(move |previous: Option<Option<i64>>| {
        let current = active.get();
        if previous.is_some() && current.is_some() {
            request_animation_frame(|| {
                if focus_is_lost() {
                    focus_later(REPLY_ID);
                }
            });
        }
        current
    });
    view! {
        <section class="chats" aria-labelledby="chats-heading">
            <h2 id="chats-heading" class="sr-only">{move || t().chats_heading}</h2>
            {move || ids.with(Vec::is_empty).then(|| view! { <p class="empty">{move || t().no_chats}</p> })}
            <ul class="tabs">
                <For each=move || ids.get() key=|id| *id let:id>
                    <Tab id active />
                </For>
            </ul>
            {move || active.get().map(|id| view! { <ChatPanel id /> })}
        </section>
    }
    .into_any()
}

/// A chat's tab: its name, unread count, and whether it has ended.
#[component]
fn Tab(id: i64, active: Memo<Option<i64>>) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let info = Memo::new(move |_| {
        let t = model.lang.get().texts();
        model.chats.with(|chats| {
            chats.iter().find(|c| c.id == id).map(|c| {
                (
                    t.chat_name(id, c.entry.as_ref()),
                    c.unread(),
                    c.ended.is_some(),
                )
            })
        })
    });
    let t = move || model.lang.get().texts();
    view! {
        <li>
            <button
                type="button"
                class="tab"
                aria-current=move || (active.get() == Some(id)).then_some("true")
                aria-controls="chat-panel"
                on:click=move |_| model.active.set(Some(id))
            >
                <span class="tab-name">{move || info.with(|i| i.as_ref().map(|i| i.0.clone()))}</span>
                {move || {
                    let unread = info.with(|i| i.as_ref().map_or(0, |i| i.1));
                    (unread > 0)
                        .then(|| {
                            view! {
                                <span class="badge" aria-hidden="true">{unread}</span>
                                <span class="sr-only">
                                    {move || format!(", {}", fill(t().unread, "n", &unread.to_string()))}
                                </span>
                            }
                        })
                }}
                {move || {
                    info.with(|i| i.as_ref().is_some_and(|i| i.2))
                        .then(|| view! { " " <span class="tag">{move || t().ended_badge}</span> })
                }}
            </button>
        </li>
    }
    .into_any()
}

/// Which end action is unfolded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Panel {
    None,
    Close,
    Block,
}

/// The chat on screen.
#[component]
fn ChatPanel(id: i64) -> impl IntoView {
    let nav = expect_context::<super::team::Nav>();
    let model = expect_context::<ConsoleModel>();
    let drafts = expect_context::<Drafts>();
    let visible = expect_context::<Visible>().0;
    let t = move || model.lang.get().texts();
    let chat = Memo::new(move |_| {
        model
            .chats
            .with(|chats| chats.iter().find(|c| c.id == id).cloned())
    });
    let lines =
        Memo::new(move |_| chat.with(|c| c.as_ref().map(|c| c.lines.clone()).unwrap_or_default()));
    let entry = Memo::new(move |_| chat.with(|c| c.as_ref().and_then(|c| c.entry.clone())));
    let ended = Memo::new(move |_| chat.with(|c| c.as_ref().and_then(|c| c.ended)));
    let ending = Memo::new(move |_| chat.with(|c| c.as_ref().is_some_and(|c| c.ending.is_some())));
    let typing = Memo::new(move |_| chat.with(|c| c.as_ref().is_some_and(|c| c.typing)));
    let error = Memo::new(move |_| chat.with(|c| c.as_ref().and_then(|c| c.error)));
    let watched = Memo::new(move |_| model.work.is_watching(id));
    let open = move || ended.get().is_none() && !ending.get() && !watched.get();
    let name = Memo::new(move |_| t().chat_name(id, entry.get().as_ref()));

    // Shown on screen means read: the person sees "Læst".
    Effect::new(move |_| {
        lines.track();
        if visible.get() {
            connection::read(model, id);
        }
    });

    // Follow new messages unless the counsellor has scrolled up to read.
    let scroller = NodeRef::<html::Div>::new();
    let stick = StoredValue::new(true);
    Effect::new(move |_| {
        lines.track();
        if stick.get_value() {
            request_animation_frame(move || {
                if let Some(element) = scroller.get_untracked() {
                    element.set_scroll_top(element.scroll_height());
                }
            });
        }
    });
    let on_scroll = move |_| {
        if let Some(element) = scroller.get_untracked() {
            let gap = element.scroll_height() - element.scroll_top() - element.client_height();
            stick.set_value(gap < 48);
        }
    };

    let panel = RwSignal::new(Panel::None);
    let draft = RwSignal::new(
        drafts
            .0
            .with_value(|d| d.get(&id).cloned().unwrap_or_default()),
    );
    let remember = move |text: String| {
        drafts.0.update_value(|d| {
            if text.is_empty() {
                d.remove(&id);
            } else {
                d.insert(id, text);
            }
        });
    };
    let send = move || {
        let text = draft.get_untracked();
        if valid_text(&text) && open() {
            stick.set_value(true);
            connection::send_text(model, id, text);
            draft.set(String::new());
            remember(String::new());
        }
    };
    let picker = expect_context::<canned::Picker>();
    let on_keydown = move |ev: KeyboardEvent| {
        let lang = model.lang.get_untracked();
        match picker.key(&ev.key(), &draft.get_untracked(), lang) {
            canned::KeyAction::Insert(text) => {
                ev.prevent_default();
                draft.set(text.clone());
                remember(text);
                return;
            }
            canned::KeyAction::Handled => {
                ev.prevent_default();
                return;
            }
            canned::KeyAction::Pass => {}
        }
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };

    let canned_shown = move || draft.with(|d| picker.options(d, model.lang.get()).len());
    let canned_open = move || (canned_shown() > 0).to_string();
    let canned_active = move || {
        (canned_shown() > 0).then(|| {
            canned::option_id(
                picker
                    .highlighted
                    .get()
                    .min(canned_shown().saturating_sub(1)),
            )
        })
    };
    let ended_text = move || {
        ended.get().map(|reason| match reason {
            Ended::ByPerson => t().ended_by_person,
            Ended::Deleted => t().ended_deleted,
            Ended::Gone => t().ended_gone,
        })
    };
    let error_text = move || {
        error.get().map(|code| match code {
            ErrorCode::RateLimited => t().error_rate,
            ErrorCode::Unavailable => t().error_unavailable,
            ErrorCode::NotAllowed => t().error_not_allowed,
            ErrorCode::TooManyChats => model.lang.get().work().error_too_many_chats,
            ErrorCode::ColleagueUnavailable => model.lang.get().work().error_colleague_unavailable,
            ErrorCode::IdentifyingNote => model.lang.get().work().refuse_cpr,
            _ => t().error_other,
        })
    };

    view! {
        <article
                class="chat"
                id="chat-panel"
                aria-labelledby="chat-title"
                data-conversation=id.to_string()
            >
            <header class="chat-head">
                <div class="chat-who">
                    <h3 id="chat-title">{move || name.get()}</h3>
                    {move || {
                        entry
                            .get()
                            .map(|e| {
                                let course = t().course(&e);
                                let flagged = e.risk_words.clone();
                                view! {
                                    <p class="chat-what">{t().describe(&e)}</p>
                                    {course.map(|c| view! { <p class="chat-course">{c}</p> })}
                                    <flags::RiskWords words=flagged />
                                    <flags::PriorityControl conversation=id priority=e.priority name=name.get() />
                                }
                            })
                    }}
                </div>
                {move || {
                    open()
                        .then(|| {
                            view! {
                                <div class="chat-actions">
                                    <button
                                        type="button"
                                        id="close-toggle"
                                        class="quiet"
                                        aria-expanded=move || (panel.get() == Panel::Close).to_string()
                                        on:click=move |_| {
                                            panel.update(|p| *p = if *p == Panel::Close { Panel::None } else { Panel::Close });
                                            focus_later("outcome");
                                        }
                                    >
                                        {move || t().close_chat}
                                    </button>
                                    <button
                                        type="button"
                                        id="block-toggle"
                                        class="quiet danger"
                                        aria-expanded=move || (panel.get() == Panel::Block).to_string()
                                        on:click=move |_| {
                                            panel.update(|p| *p = if *p == Panel::Block { Panel::None } else { Panel::Block });
                                            focus_later("block-confirm");
                                        }
                                    >
                                        {move || t().block}
                                    </button>
                                    <button
                                        type="button"
                                        id="convert-toggle"
                                        class="quiet"
                                        on:click=move |_| {
                                            nav.convert.set(Some(id.to_string()));
                                            nav.page.set(Page::Cases);
                                        }
                                    >
                                        {move || model.lang.get().cases().convert}
                                    </button>
                                </div>
                            }
                        })
                }}
                {move || ending.get().then(|| view! { <p class="muted" role="status">{move || t().ending}</p> })}
            </header>
            {move || match (open(), panel.get()) {
                (true, Panel::Close) => view! { <CloseForm id panel /> }.into_any(),
                // The person left: the outcome can still be recorded.
                (false, Panel::Close) if ended.get() == Some(Ended::ByPerson) => {
                    view! { <CloseForm id panel /> }.into_any()
                }
                (true, Panel::Block) => view! { <BlockConfirm id panel /> }.into_any(),
                _ => ().into_any(),
            }}
            <div
                class="lines-scroll"
                node_ref=scroller
                on:scroll=on_scroll
                tabindex="0"
                role="region"
                aria-label=move || t().messages_label
            >
                <ol class="lines">
                    <For
                        each=move || lines.get()
                        key=|l| (l.client_id.clone(), l.from == Sender::Visitor)
                        let:line
                    >
                        <LineView id line lines name />
                    </For>
                </ol>
            </div>
            <p class="typing">
                {move || typing.get().then(|| fill(t().typing, "name", &name.get()))}
            </p>
            {move || {
                ended_text()
                    .map(|text| {
                        view! {
                            <div class="ended" role="status">
                                <p>{text}</p>
                                {(ended.get_untracked() == Some(Ended::ByPerson))
                                    .then(|| {
                                        view! {
                                            <button
                                                type="button"
                                                id="close-toggle"
                                                class="quiet"
                                                on:click=move |_| {
                                                    panel.set(Panel::Close);
                                                    focus_later("outcome");
                                                }
                                            >
                                                {move || model.lang.get().work().record_outcome}
                                            </button>
                                        }
                                    })}
                                <button
                                    type="button"
                                    class="quiet"
                                    on:click=move |_| {
                                        drafts.0.update_value(|d| {
                                            d.remove(&id);
                                        });
                                        model.dismiss(id);
                                    }
                                >
                                    {move || t().dismiss}
                                </button>
                            </div>
                        }
                    })
            }}
            {move || error_text().map(|text| view! { <p class="notice" role="alert">{text}</p> })}
            <super::notes::ChatSide id />
            {move || {
                (ended.get().is_none() && !watched.get())
                    .then(|| {
                        view! {
                            <form
                                class="composer"
                                on:submit=move |ev: SubmitEvent| {
                                    ev.prevent_default();
                                    send();
                                }
                            >
                                <label for=REPLY_ID class="sr-only">
                                    {move || fill(t().composer_label, "name", &name.get())}
                                </label>
                                <textarea
                                    id=REPLY_ID
                                    rows="3"
                                    maxlength=MAX_MESSAGE_CHARS.to_string()
                                    aria-describedby="reply-hint"
                                    role="combobox"
                                    aria-autocomplete="list"
                                    aria-controls=canned::LIST_ID
                                    aria-expanded=canned_open
                                    aria-activedescendant=canned_active
                                    disabled=move || !open()
                                    bind:value=draft
                                    on:input=move |_| {
                                        picker.typed();
                                        remember(draft.get_untracked());
                                        connection::typing(id);
                                    }
                                    on:keydown=on_keydown
                                ></textarea>
                                <canned::CannedList draft />
                                <button type="submit" class="button" disabled=move || !open()>
                                    {move || t().send}
                                </button>
                                <p id="reply-hint" class="hint">
                                    {move || t().composer_hint}
                                    " "
                                    {move || model.lang.get().tools().canned_hint}
                                </p>
                            </form>
                        }
                    })
            }}
        </article>
    }
    .into_any()
}

/// One message.
#[component]
fn LineView(id: i64, line: Line, lines: Memo<Vec<Line>>, name: Memo<String>) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let t = move || model.lang.get().texts();
    let mine = line.from == Sender::Counsellor;
    let client_id = line.client_id.clone();
    // The line's own changes (stored, refused) without re-rendering it.
    let state = Memo::new(move |_| {
        lines.with(|all| {
            all.iter()
                .find(|l| l.from == line.from && l.client_id == client_id)
                .map(|l| (l.seq.is_some(), l.at, l.failed))
        })
    });
    let who = move || {
        if mine { t().you.to_owned() } else { name.get() }
    };
    let time = move || state.get().and_then(|(_, at, _)| at).map(clock);
    let status = move || {
        state
            .get()
            .map(|(stored, _, failed)| match (stored, failed) {
                (true, _) => t().status_sent,
                (false, Some(_)) => t().status_failed,
                (false, None) => t().status_sending,
            })
    };
    let failed = move || {
        state
            .get()
            .is_some_and(|(stored, _, f)| !stored && f.is_some())
    };
    let resend_id = StoredValue::new(line.client_id.clone());
    view! {
        <li class=if mine { "line mine" } else { "line theirs" }>
            <p class="line-meta">
                <span class="line-who">{who}</span>
                " "
                <span class="line-time">{time}</span>
            </p>
            <p class="line-text">{line.text}</p>
            {mine
                .then(|| {
                    view! {
                        <p class=move || if failed() { "line-state failed" } else { "line-state" }>
                            {status}
                            {move || {
                                failed()
                                    .then(|| {
                                        view! {
                                            " "
                                            <button
                                                type="button"
                                                class="link-button"
                                                on:click=move |_| {
                                                    connection::resend(model, id, resend_id.get_value());
                                                }
                                            >
                                                {move || t().resend}
                                            </button>
                                        }
                                    })
                            }}
                        </p>
                    }
                })}
        </li>
    }
    .into_any()
}

/// Closes the close/block panel and puts focus back on its toggle.
fn dismiss(panel: RwSignal<Panel>, back_to: &'static str) {
    panel.set(Panel::None);
    focus_later(back_to);
}

/// "Cancel" in the close and block panels.
#[component]
fn CancelButton(panel: RwSignal<Panel>, back_to: &'static str) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    view! {
        <button type="button" class="quiet" on:click=move |_| dismiss(panel, back_to)>
            {move || model.lang.get().texts().cancel}
        </button>
    }
}

/// Closing a chat: the outcome, then confirm.
#[component]
fn CloseForm(id: i64, panel: RwSignal<Panel>) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let t = move || model.lang.get().texts();
    let outcome = RwSignal::new(None::<Outcome>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(outcome) = outcome.get_untracked()
            && connection::close(model, id, outcome)
        {
            panel.set(Panel::None);
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            dismiss(panel, "close-toggle");
        }
    };
    view! {
        <form class="end-form" on:submit=submit on:keydown=on_keydown>
            <label for="outcome">{move || t().outcome_label}</label>
            <select
                id="outcome"
                required
                on:change=move |ev| {
                    let chosen = event_target_value(&ev).parse::<usize>().ok();
                    outcome.set(chosen.and_then(|i| OUTCOMES.get(i).copied()));
                }
            >
                <option value="" selected disabled>
                    "–"
                </option>
                {OUTCOMES
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let o = *o;
                        view! { <option value=i.to_string()>{move || t().outcome(o)}</option> }
                    })
                    .collect_view()}
            </select>
            <button
                type="submit"
                class="button"
                disabled=move || outcome.get().is_none() || model.link.get() != Link::Online
            >
                {move || t().confirm_close}
            </button>
            <CancelButton panel back_to="close-toggle" />
        </form>
    }
    .into_any()
}

/// Blocking a chat: says what it does, then confirm.
#[component]
fn BlockConfirm(id: i64, panel: RwSignal<Panel>) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let t = move || model.lang.get().texts();
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            dismiss(panel, "block-toggle");
        }
    };
    view! {
        <div class="end-form danger" role="group" aria-labelledby="block-explain" on:keydown=on_keydown>
            <p id="block-explain">{move || t().block_explain}</p>
            <button
                type="button"
                id="block-confirm"
                class="button danger"
                disabled=move || model.link.get() != Link::Online
                on:click=move |_| {
                    if connection::block(model, id) {
                        panel.set(Panel::None);
                    }
                }
            >
                {move || t().confirm_block}
            </button>
            <CancelButton panel back_to="block-toggle" />
        </div>
    }
    .into_any()
}
