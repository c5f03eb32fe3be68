//! The coordinators' team page and the console's small page navigation.
//!
//! - [`NavBar`] in the header switches between the chats, the own security
//!   page and (for coordinators) the team page. The chats stay mounted
//!   while another page is shown, so no draft or socket is lost.
//! - The team page lists every account, creates one (its one-time code is
//!   shown once, with a copy button and a warning), deactivates and
//!   reactivates, changes roles, issues new one-time codes, turns a lost
//!   phone's second factor off, and shows and verifies the audit log.
//!
//! Everything goes through `api` (`/api/admin/…`); the server decides who
//! may do what, this page only hides what a counsellor could not use.

use super::api::{self, Account, ApiError, AuditEntry, OneTimeCode};
use super::model::{ConsoleModel, Session};
use super::texts::{Lang, fill};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

/// Which page the console shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// The queue and the chats.
    Chats,
    /// The own password and second factor.
    Security,
    /// Accounts and the audit log (coordinators).
    Team,
    /// Canned replies for everyone; the service's settings for
    /// coordinators.
    Settings,
    /// Treatment cases: the conversion walk-through and the case pages.
    Cases,
    /// The bookings of the coming weeks.
    Agenda,
    /// Anonymous letters waiting for an answer.
    Letters,
    /// Own published hours for booking.
    Hours,
    /// Group courses and their evaluations (coordinators).
    Courses,
    /// The monthly activity statistics (coordinators).
    Statistics,
}

/// The navigation state, shared through context.
#[derive(Clone, Copy)]
pub struct Nav {
    /// The page on screen.
    pub page: RwSignal<Page>,
    /// The logged-in counsellor's role and second factor, once known.
    pub me: RwSignal<Option<api::Me>>,
    /// The conversion walk-through, when open: the conversation number
    /// it starts from (empty when started from the cases page).
    pub convert: RwSignal<Option<String>>,
}

impl Nav {
    /// Creates and provides the navigation state; the chats first. Reloads
    /// who is logged in whenever a login starts, and forgets it at logout.
    pub fn provide(model: ConsoleModel) -> Nav {
        let nav = Nav {
            page: RwSignal::new(Page::Chats),
            me: RwSignal::new(None),
            convert: RwSignal::new(None),
        };
        provide_context(nav);
        Effect::new(move |_| {
            if matches!(model.session.get(), Session::LoggedIn { .. }) {
                nav.reload_me();
            } else {
                nav.page.set(Page::Chats);
                nav.me.set(None);
                nav.convert.set(None);
            }
        });
        nav
    }

    /// Asks the server who is logged in (role, second factor).
    pub fn reload_me(self) {
        spawn_local(async move {
            if let Ok(me) = api::me().await {
                self.me.set(Some(me));
            }
        });
    }

    /// Whether the logged-in account is a coordinator (to hide what a
    /// counsellor could not use; the server decides).
    pub fn is_coordinator(self) -> bool {
        self.me
            .with(|me| me.as_ref().is_some_and(|m| m.role == "coordinator"))
    }
}

/// The text for a failed request, in `lang`.
pub fn error_text(lang: Lang, error: &ApiError) -> String {
    let t = lang.team();
    if error.code == "too_many_attempts" {
        return t.wait_minutes(error.retry_after.unwrap_or(60));
    }
    t.error(&error.code).to_owned()
}

/// A date and time in the browser's zone, e.g. "2026-11-26 14:05".
pub fn date_time(at: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at as f64));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// Focuses the element with `id` after the next render.
pub fn focus_later(id: &'static str) {
    super::alerts::focus_soon(format!("#{id}"));
}

/// Copies `text` to the clipboard; `true` when the browser did.
async fn copy_to_clipboard(text: &str) -> bool {
    let global = js_sys::global();
    let Ok(navigator) = js_sys::Reflect::get(&global, &JsValue::from_str("navigator")) else {
        return false;
    };
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")) else {
        return false;
    };
    let Some(write) = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return false;
    };
    let Ok(promise) = write.call1(&clipboard, &JsValue::from_str(text)) else {
        return false;
    };
    let Ok(promise) = promise.dyn_into::<js_sys::Promise>() else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// The header's page switch.
#[component]
pub fn NavBar() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let nav = expect_context::<Nav>();
    let t = move || model.lang.get().team();
    let item = move |page: Page, label: fn(Lang) -> &'static str| {
        view! {
            <button
                type="button"
                class="quiet"
                aria-current=move || (nav.page.get() == page).then_some("page")
                on:click=move |_| nav.page.set(page)
            >
                {move || label(model.lang.get())}
            </button>
        }
    };
    view! {
        <nav class="pages" aria-label=move || t().nav_label>
            {item(Page::Chats, |l| l.team().nav_chats)}
            {item(Page::Letters, |l| l.letters().nav_letters)}
            {item(Page::Cases, |l| l.team().nav_cases)}
            {item(Page::Agenda, |l| l.booking().nav_agenda)}
            {item(Page::Hours, |l| l.booking().nav_hours)}
            {item(Page::Security, |l| l.team().nav_security)}
            {item(Page::Settings, |l| l.team().nav_settings)}
            {move || nav.is_coordinator().then(|| item(Page::Courses, |l| l.booking().nav_courses))}
            {move || nav.is_coordinator().then(|| item(Page::Statistics, |l| l.stats().nav))}
            {move || nav.is_coordinator().then(|| item(Page::Team, |l| l.team().nav_team))}
        </nav>
    }
    .into_any()
}

/// The page chosen in [`NavBar`], when it is not the chats.
#[component]
pub fn Pages() -> impl IntoView {
    let nav = expect_context::<Nav>();
    move || match nav.page.get() {
        Page::Chats => ().into_any(),
        Page::Security => view! { <super::security::SecurityPage /> }.into_any(),
        Page::Team => view! { <TeamPage /> }.into_any(),
        Page::Settings => view! { <super::settings::SettingsPage /> }.into_any(),
        Page::Cases => view! { <super::cases::CasesPage /> }.into_any(),
        Page::Agenda => view! { <super::agenda::AgendaPage /> }.into_any(),
        Page::Letters => view! { <super::letters::LettersPage /> }.into_any(),
        Page::Hours => view! { <super::availability::AvailabilityPage /> }.into_any(),
        Page::Courses => view! { <super::courses::CoursesPage /> }.into_any(),
        Page::Statistics => view! { <super::statistics::StatisticsPage /> }.into_any(),
    }
}

/// A pending confirmation on the team page.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Confirm {
    Deactivate(Account),
    Reset(Account),
}

/// The coordinators' page: accounts, a new account, the audit log.
#[component]
fn TeamPage() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let lang = move || model.lang.get();
    let t = move || lang().team();
    let accounts = RwSignal::new(Vec::<Account>::new());
    let problem = RwSignal::new(None::<ApiError>);
    let status = RwSignal::new(String::new());
    let shown_code = RwSignal::new(None::<(String, OneTimeCode)>);
    let confirm = RwSignal::new(None::<Confirm>);
    let refresh = move || {
        spawn_local(async move {
            match api::accounts().await {
                Ok(list) => accounts.set(list),
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    refresh();
    // Runs one account action, then reloads the list.
    let act =
        move |work: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ApiError>>>>| {
            problem.set(None);
            status.set(String::new());
            spawn_local(async move {
                match work.await {
                    Ok(()) => status.set(t().saved.to_owned()),
                    Err(error) => problem.set(Some(error)),
                }
                refresh();
            });
        };
    let do_confirm = move |_| {
        let Some(pending) = confirm.get_untracked() else {
            return;
        };
        confirm.set(None);
        match pending {
            Confirm::Deactivate(account) => act(Box::pin(api::set_active(account.id, false))),
            Confirm::Reset(account) => {
                problem.set(None);
                spawn_local(async move {
                    match api::reset_password(account.id).await {
                        Ok(code) => shown_code.set(Some((account.login.clone(), code))),
                        Err(error) => problem.set(Some(error)),
                    }
                    refresh();
                });
            }
        }
    };
    let row = move |account: Account| {
        let role_text = if account.role == "coordinator" {
            t().role_coordinator
        } else {
            t().role_counsellor
        };
        let state_text = if !account.active {
            t().inactive
        } else if !account.password_set {
            t().awaiting_password
        } else {
            t().active
        };
        let (a1, a2, a3, a4) = (
            account.clone(),
            account.clone(),
            account.clone(),
            account.clone(),
        );
        let label = format!("{} ({})", account.first_name, account.login);
        let (id, max) = (account.id, account.max_chats);
        let max_label = fill(t().max_chats_of, "name", &account.first_name);
        view! {
            <tr>
                <th scope="row">{account.login.clone()}</th>
                <td>{account.first_name.clone()}</td>
                <td>{role_text}</td>
                <td>{state_text}</td>
                <td>{if account.totp { t().totp_on } else { t().totp_off }}</td>
                <td>
                    <select
                        aria-label=max_label
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                                act(Box::pin(api::set_max_chats(id, n)));
                            }
                        }
                    >
                        {(1..=10u32)
                            .map(|n| view! { <option value=n.to_string() selected=n == max>{n}</option> })
                            .collect_view()}
                    </select>
                </td>
                <td>{date_time(account.created_at)}</td>
                <td class="row-actions" aria-label=label>
                    <button
                        type="button"
                        class="quiet small"
                        on:click=move |_| {
                            if a1.active {
                                confirm.set(Some(Confirm::Deactivate(a1.clone())));
                                focus_later("team-confirm");
                            } else {
                                act(Box::pin(api::set_active(a1.id, true)));
                            }
                        }
                    >
                        {if account.active { t().deactivate } else { t().reactivate }}
                    </button>
                    <button
                        type="button"
                        class="quiet small"
                        on:click=move |_| {
                            let role = if a2.role == "coordinator" { "counsellor" } else { "coordinator" };
                            act(Box::pin(api::set_role(a2.id, role)));
                        }
                    >
                        {if account.role == "coordinator" { t().make_counsellor } else { t().make_coordinator }}
                    </button>
                    <button
                        type="button"
                        class="quiet small"
                        on:click=move |_| {
                            confirm.set(Some(Confirm::Reset(a3.clone())));
                            focus_later("team-confirm");
                        }
                    >
                        {t().reset_password}
                    </button>
                    {a4.totp
                        .then(|| {
                            let id = a4.id;
                            view! {
                                <button
                                    type="button"
                                    class="quiet small danger"
                                    on:click=move |_| act(Box::pin(api::disable_totp_of(id)))
                                >
                                    {t().turn_totp_off}
                                </button>
                            }
                        })}
                </td>
            </tr>
        }
        .into_any()
    };
    view! {
        <section class="page team" aria-labelledby="team-heading">
            <h2 id="team-heading">{move || t().team_heading}</h2>
            <p class="form-error" role="alert">
                {move || problem.get().map(|e| error_text(lang(), &e))}
            </p>
            <p class="sr-only" aria-live="polite">{move || status.get()}</p>
            {move || shown_code.get().map(|(login, code)| view! { <CodeShownOnce login code shown_code /> })}
            {move || {
                confirm
                    .get()
                    .map(|pending| {
                        let text = match &pending {
                            Confirm::Deactivate(a) => fill(t().confirm_deactivate, "name", &a.first_name),
                            Confirm::Reset(a) => fill(t().confirm_reset, "name", &a.first_name),
                        };
                        view! {
                            <div class="confirm" role="group" aria-labelledby="team-confirm-text">
                                <p id="team-confirm-text">{text}</p>
                                <button id="team-confirm" type="button" class="button danger" on:click=do_confirm>
                                    {t().confirm}
                                </button>
                                <button type="button" class="quiet" on:click=move |_| confirm.set(None)>
                                    {t().cancel}
                                </button>
                            </div>
                        }
                    })
            }}
            <h3>{move || t().accounts_heading}</h3>
            <div class="table-scroll">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">{move || t().col_login}</th>
                            <th scope="col">{move || t().col_first_name}</th>
                            <th scope="col">{move || t().col_role}</th>
                            <th scope="col">{move || t().col_state}</th>
                            <th scope="col">{move || t().col_totp}</th>
                            <th scope="col">{move || t().col_max_chats}</th>
                            <th scope="col">{move || t().col_created}</th>
                            <th scope="col">{move || t().col_actions}</th>
                        </tr>
                    </thead>
                    <tbody>{move || accounts.get().into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
            <CreateForm problem shown_code on_created=Callback::new(move |()| refresh()) />
            <AuditLog />
        </section>
    }
    .into_any()
}

/// The one-time code, shown once: a clear warning, a copy button, and a
/// button that hides it for good.
#[component]
fn CodeShownOnce(
    login: String,
    code: OneTimeCode,
    shown_code: RwSignal<Option<(String, OneTimeCode)>>,
) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let t = move || model.lang.get().team();
    let copied = RwSignal::new(false);
    let text = code.code.clone();
    let shown = code.code.clone();
    let expires_at = code.expires_at;
    focus_later("one-time-code");
    view! {
        <div class="once" role="region" aria-labelledby="once-heading">
            <h3 id="once-heading">{move || fill(t().code_for, "login", &login)}</h3>
            <p class="notice"><strong>{move || t().code_once}</strong></p>
            <p>
                <code id="one-time-code" class="code" tabindex="-1">{shown}</code>
            </p>
            <p class="muted">{move || fill(t().code_expires, "time", &date_time(expires_at))}</p>
            <button
                type="button"
                class="button small"
                on:click=move |_| {
                    let text = text.clone();
                    spawn_local(async move { copied.set(copy_to_clipboard(&text).await) });
                }
            >
                {move || t().copy}
            </button>
            <button type="button" class="quiet" on:click=move |_| shown_code.set(None)>
                {move || t().code_done}
            </button>
            <p aria-live="polite">{move || copied.get().then(|| t().copied)}</p>
        </div>
    }
    .into_any()
}

/// The new-account form.
#[component]
fn CreateForm(
    problem: RwSignal<Option<ApiError>>,
    shown_code: RwSignal<Option<(String, OneTimeCode)>>,
    on_created: Callback<()>,
) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let t = move || model.lang.get().team();
    let login = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let role = RwSignal::new("counsellor".to_owned());
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        let (l, f, r) = (
            login.get_untracked(),
            first_name.get_untracked(),
            role.get_untracked(),
        );
        spawn_local(async move {
            match api::create_account(l.trim(), f.trim(), &r).await {
                Ok(code) => {
                    shown_code.set(Some((l.trim().to_lowercase(), code)));
                    login.set(String::new());
                    first_name.set(String::new());
                    on_created.run(());
                }
                Err(error) => problem.set(Some(error)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="stack-form" on:submit=submit aria-labelledby="create-heading">
            <h3 id="create-heading">{move || t().create_heading}</h3>
            <label for="new-login">{move || t().col_login}</label>
            <input id="new-login" type="text" autocomplete="off" autocapitalize="none" spellcheck="false" required bind:value=login />
            <label for="new-first-name">{move || t().col_first_name}</label>
            <input id="new-first-name" type="text" autocomplete="off" required bind:value=first_name />
            <label for="new-role">{move || t().col_role}</label>
            <select id="new-role" on:change=move |ev| role.set(event_target_value(&ev)) prop:value=move || role.get()>
                <option value="counsellor">{move || t().role_counsellor}</option>
                <option value="coordinator">{move || t().role_coordinator}</option>
            </select>
            <button type="submit" class="button" disabled=move || busy.get()>{move || t().create}</button>
        </form>
    }
    .into_any()
}

/// The audit log: shown on request (reading it is itself recorded), paged
/// back, and verified.
#[component]
fn AuditLog() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let lang = move || model.lang.get();
    let t = move || lang().team();
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let next = RwSignal::new(None::<i64>);
    let loaded = RwSignal::new(false);
    let problem = RwSignal::new(None::<ApiError>);
    let verdict = RwSignal::new(None::<Result<u64, i64>>);
    let load = move |before: Option<i64>| {
        problem.set(None);
        spawn_local(async move {
            match api::audit(before).await {
                Ok(page) => {
                    if before.is_none() {
                        entries.set(page.entries);
                    } else {
                        entries.update(|all| all.extend(page.entries));
                    }
                    next.set(page.next_before);
                    loaded.set(true);
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let verify = move |_| {
        problem.set(None);
        spawn_local(async move {
            match api::verify_audit().await {
                Ok(result) => verdict.set(Some(result)),
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let row = move |entry: AuditEntry| {
        let l = lang();
        view! {
            <tr>
                <td>{date_time(entry.at)}</td>
                <td>{entry.actor.clone()}</td>
                <td>{l.team().action(l, &entry.action).to_owned()}</td>
                <td>{entry.subject.clone()}</td>
                <td>{entry.detail.clone()}</td>
            </tr>
        }
    };
    view! {
        <section class="audit" aria-labelledby="audit-heading">
            <h3 id="audit-heading">{move || t().audit_heading}</h3>
            <p class="muted">{move || t().audit_intro}</p>
            <p class="form-error" role="alert">
                {move || problem.get().map(|e| error_text(lang(), &e))}
            </p>
            <button type="button" class="button small" on:click=move |_| load(None)>
                {move || t().show_log}
            </button>
            <button type="button" class="quiet" on:click=verify>{move || t().verify}</button>
            <p aria-live="polite" class=move || match verdict.get() {
                Some(Err(_)) => "form-error",
                _ => "",
            }>
                {move || verdict.get().map(|v| match v {
                    Ok(n) => fill(t().verify_ok, "n", &n.to_string()),
                    Err(at) => fill(t().verify_broken, "n", &at.to_string()),
                })}
            </p>
            {move || loaded.get().then(|| view! {
                <div class="table-scroll">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">{move || t().col_when}</th>
                                <th scope="col">{move || t().col_who}</th>
                                <th scope="col">{move || t().col_what}</th>
                                <th scope="col">{move || t().col_subject}</th>
                                <th scope="col">{move || t().col_detail}</th>
                            </tr>
                        </thead>
                        <tbody>{move || entries.get().into_iter().map(row).collect_view()}</tbody>
                    </table>
                </div>
            })}
            {move || next.get().map(|before| view! {
                <button type="button" class="quiet" on:click=move |_| load(Some(before))>
                    {move || t().older}
                </button>
            })}
        </section>
    }
    .into_any()
}
