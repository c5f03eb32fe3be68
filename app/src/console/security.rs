//! The counsellor's own security: changing the password with the current
//! one, and the optional second factor (TOTP). Also the login page's
//! "choose a password with a one-time code" form.
//!
//! Enrolment shows the secret as text in groups of four and the
//! `otpauth://` link as text (no QR code library in the bundle); the second
//! factor is on only once a code from the app is confirmed.

use super::api::{self, ApiError, TotpSetup};
use super::model::ConsoleModel;
use super::team::{Nav, error_text, focus_later};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A base32 secret in groups of four, as people copy it into an app.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The security page: own password and second factor.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let t = move || model.lang.get().team();
    view! {
        <section class="page security" aria-labelledby="security-heading">
            <h2 id="security-heading">{move || t().security_heading}</h2>
            <PasswordChange />
            <TotpSection />
        </section>
    }
    .into_any()
}

/// Changing the own password with the current one.
#[component]
fn PasswordChange() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let lang = move || model.lang.get();
    let t = move || lang().team();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        done.set(false);
        let (old, fresh) = (current.get_untracked(), new.get_untracked());
        spawn_local(async move {
            match api::change_password(&old, &fresh).await {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    done.set(true);
                }
                Err(error) => {
                    problem.set(Some(error));
                    focus_later("current-password");
                }
            }
            busy.set(false);
        });
    };
    view! {
        <form class="stack-form" on:submit=submit aria-labelledby="password-heading">
            <h3 id="password-heading">{move || t().password_heading}</h3>
            <label for="current-password">{move || t().current_password}</label>
            <input id="current-password" type="password" autocomplete="current-password" required bind:value=current />
            <label for="new-password">{move || t().new_password}</label>
            <input
                id="new-password"
                type="password"
                autocomplete="new-password"
                minlength="12"
                required
                aria-describedby="new-password-rules password-problem"
                bind:value=new
            />
            <p id="new-password-rules" class="hint">{move || t().password_rules}</p>
            <p id="password-problem" class="form-error" role="alert">
                {move || problem.get().map(|e| error_text(lang(), &e))}
            </p>
            <p aria-live="polite">{move || done.get().then(|| t().password_changed)}</p>
            <button type="submit" class="button" disabled=move || busy.get()>
                {move || t().change_password}
            </button>
        </form>
    }
    .into_any()
}

/// Turning the second factor on (enrol, confirm) or off (with a code).
#[component]
fn TotpSection() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let nav = expect_context::<Nav>();
    let lang = move || model.lang.get();
    let t = move || lang().team();
    let setup = RwSignal::new(None::<TotpSetup>);
    let code = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<ApiError>);
    let status = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let is_on = move || nav.me.with(|me| me.as_ref().is_some_and(|m| m.totp));
    let start = move |_| {
        problem.set(None);
        status.set(None);
        spawn_local(async move {
            match api::totp_setup().await {
                Ok(new) => {
                    setup.set(Some(new));
                    focus_later("totp-code");
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        let typed = code.get_untracked();
        let turning_off = is_on();
        spawn_local(async move {
            let result = if turning_off {
                api::totp_disable(typed.trim()).await
            } else {
                api::totp_confirm(typed.trim()).await
            };
            match result {
                Ok(()) => {
                    code.set(String::new());
                    setup.set(None);
                    status.set(Some(if turning_off {
                        t().totp_disabled
                    } else {
                        t().totp_enabled
                    }));
                    nav.me.update(|me| {
                        if let Some(me) = me {
                            me.totp = !turning_off;
                        }
                    });
                }
                Err(error) => {
                    problem.set(Some(error));
                    focus_later("totp-code");
                }
            }
            busy.set(false);
        });
    };
    let code_form = move || {
        view! {
            <form class="stack-form" on:submit=submit>
                <label for="totp-code">{move || t().totp_code}</label>
                <input
                    id="totp-code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    pattern="[0-9 ]{6,7}"
                    required
                    aria-describedby="totp-problem"
                    bind:value=code
                />
                <p id="totp-problem" class="form-error" role="alert">
                    {move || problem.get().map(|e| error_text(lang(), &e))}
                </p>
                <button type="submit" class="button" disabled=move || busy.get()>
                    {move || if is_on() { t().totp_disable } else { t().totp_confirm }}
                </button>
            </form>
        }
    };
    view! {
        <section aria-labelledby="totp-heading">
            <h3 id="totp-heading">{move || t().totp_heading}</h3>
            <p class="muted">{move || t().totp_intro}</p>
            <p aria-live="polite">{move || status.get()}</p>
            {move || {
                if is_on() {
                    view! {
                        <p><strong>{move || t().totp_is_on}</strong></p>
                        {code_form()}
                    }
                    .into_any()
                } else if let Some(new) = setup.get() {
                    view! {
                        <p>{move || t().totp_add_secret}</p>
                        <dl class="secret">
                            <dt>{move || t().totp_secret}</dt>
                            <dd><code class="code">{grouped(&new.secret)}</code></dd>
                            <dt>{move || t().totp_uri}</dt>
                            <dd><code class="uri">{new.uri.clone()}</code></dd>
                        </dl>
                        {code_form()}
                    }
                    .into_any()
                } else {
                    view! {
                        <p class="form-error" role="alert">
                            {move || problem.get().map(|e| error_text(lang(), &e))}
                        </p>
                        <button type="button" class="button" on:click=start>
                            {move || t().totp_start}
                        </button>
                    }
                    .into_any()
                }
            }}
        </section>
    }
    .into_any()
}

/// Choosing a password with a one-time code (before the first login, or
/// after a reset). `on_done` goes back to the login form.
#[component]
pub fn SetPasswordForm(on_done: Callback<bool>) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let lang = move || model.lang.get();
    let t = move || lang().team();
    let login = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<ApiError>);
    focus_later("code-login");
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        let (l, c, p) = (
            login.get_untracked(),
            code.get_untracked(),
            new.get_untracked(),
        );
        spawn_local(async move {
            match api::set_password_with_code(l.trim(), c.trim(), &p).await {
                Ok(()) => on_done.run(true),
                Err(error) => {
                    busy.set(false);
                    problem.set(Some(error));
                    focus_later("one-time-code-input");
                }
            }
        });
    };
    view! {
        <section class="login" aria-labelledby="set-password-heading">
            <h2 id="set-password-heading">{move || t().set_password_heading}</h2>
            <p class="muted">{move || t().set_password_intro}</p>
            <form on:submit=submit>
                <label for="code-login">{move || lang().texts().login_name}</label>
                <input id="code-login" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required bind:value=login />
                <label for="one-time-code-input">{move || t().one_time_code}</label>
                <input id="one-time-code-input" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" required bind:value=code />
                <label for="code-new-password">{move || t().new_password}</label>
                <input
                    id="code-new-password"
                    type="password"
                    autocomplete="new-password"
                    minlength="12"
                    required
                    aria-describedby="code-password-rules code-problem"
                    bind:value=new
                />
                <p id="code-password-rules" class="hint">{move || t().password_rules}</p>
                <p id="code-problem" class="form-error" role="alert">
                    {move || problem.get().map(|e| error_text(lang(), &e))}
                </p>
                <button type="submit" class="button" disabled=move || busy.get()>
                    {move || t().set_password}
                </button>
                <button type="button" class="link-button" on:click=move |_| on_done.run(false)>
                    {move || t().back_to_login}
                </button>
            </form>
        </section>
    }
    .into_any()
}
