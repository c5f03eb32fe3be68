//! The treatment cases: the conversion walk-through and the case page.
//!
//! - The walk-through starts from a chat ("Convert to treatment") or from
//!   the cases page with a conversation number. It asks, in order, for the
//!   young person's consent (how; who and when are recorded by the server),
//!   the age group when the course does not say it, the identity (entered
//!   here for the first time), for under-18s the parents' consent and the
//!   municipality's case worker (the case can be saved without them, but
//!   stays pending), and which messages and notes may come along.
//! - The case page shows the identity, the consents, the counsellors, the
//!   data sheet (background, activities, change over time), the session
//!   log and the carried history; it activates, exports (JSON download,
//!   and the browser's print for a paper copy), closes and (coordinators)
//!   deletes.
//!
//! The server decides everything (`/api/cases…`, see
//! `server/src/routes/cases.rs`) and audits every opening; this page only
//! shows its answers and refusals in the counsellor's language.

use super::api;
use super::model::ConsoleModel;
use super::team::{Nav, date_time, focus_later};
use super::texts::fill;
use crate::protocol::Sender;
use crate::protocol::case::{
    AgeGroup, CaseEntry, CaseState, CaseSummary, CaseView, ConsentHow, CourseHistory, EntryKind,
    SESSION_KINDS,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeSet;
use wasm_bindgen::JsValue;

/// One JSON request; the answer decoded, or the server's error code
/// (`unavailable` without an answer).
async fn call<T: serde::de::DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> Result<T, String> {
    let body = body.map(|b| b.to_string());
    let (status, text) = api::request(method, path, body.as_deref())
        .await
        .map_err(|()| "unavailable".to_owned())?;
    let text = if text.is_empty() { "null" } else { &text };
    if (200..300).contains(&status) {
        return serde_json::from_str(text).map_err(|_| "unavailable".to_owned());
    }
    Err(serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "unavailable".to_owned()))
}

fn state_text(lang: super::texts::Lang, state: CaseState) -> &'static str {
    let t = lang.cases();
    match state {
        CaseState::Pending => t.state_pending,
        CaseState::Active => t.state_active,
        CaseState::Closed => t.state_closed,
    }
}

/// The cases page: the list, the walk-through, or one case.
#[component]
pub fn CasesPage() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let nav = expect_context::<Nav>();
    let t = move || model.lang.get().cases();
    let opened = RwSignal::new(None::<i64>);
    view! {
        <section class="page cases" aria-labelledby="cases-heading">
            <h2 id="cases-heading">{move || t().heading}</h2>
            {move || match (opened.get(), nav.convert.get()) {
                (Some(id), _) => view! { <CaseDetail id opened /> }.into_any(),
                (None, Some(start)) => view! { <ConvertForm start opened /> }.into_any(),
                (None, None) => view! { <CaseList opened /> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

/// The cases the counsellor may open; nothing identifying.
#[component]
fn CaseList(opened: RwSignal<Option<i64>>) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let nav = expect_context::<Nav>();
    let lang = move || model.lang.get();
    let t = move || lang().cases();
    let list = RwSignal::new(Vec::<CaseSummary>::new());
    let problem = RwSignal::new(None::<String>);
    spawn_local(async move {
        match call::<Vec<CaseSummary>>("GET", "/api/cases", None).await {
            Ok(all) => list.set(all),
            Err(code) => problem.set(Some(code)),
        }
    });
    view! {
        <p>{move || t().intro}</p>
        <p>
            <button type="button" class="button" on:click=move |_| nav.convert.set(Some(String::new()))>
                {move || t().convert}
            </button>
        </p>
        <p class="form-error" role="alert">{move || problem.get().map(|c| t().error(&c))}</p>
        <h3>{move || t().list_heading}</h3>
        {move || {
            if list.with(Vec::is_empty) {
                return view! { <p class="muted">{t().none}</p> }.into_any();
            }
            view! {
                <ul class="case-list">
                    {list
                        .get()
                        .into_iter()
                        .map(|case| {
                            let id = case.id;
                            view! {
                                <li>
                                    <strong>{fill(t().case_number, "id", &id.to_string())}</strong>
                                    " · " {state_text(lang(), case.state)}
                                    " · " {t().group(case.age_group)}
                                    " · " {date_time(case.created_at)}
                                    " · " {case.counsellors.join(", ")}
                                    " "
                                    <button type="button" class="quiet small" on:click=move |_| opened.set(Some(id))>
                                        {t().open}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
    .into_any()
}

/// The conversion walk-through.
#[component]
fn ConvertForm(start: String, opened: RwSignal<Option<i64>>) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let nav = expect_context::<Nav>();
    let lang = move || model.lang.get();
    let t = move || lang().cases();
    let conversation = RwSignal::new(start.clone());
    let history = RwSignal::new(None::<CourseHistory>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let consent_given = RwSignal::new(false);
    let how = RwSignal::new(ConsentHow::InChat.as_str().to_owned());
    let age = RwSignal::new(String::new());
    let (name, cpr, phone, email, address) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let parents_given = RwSignal::new(false);
    let parents_how = RwSignal::new(ConsentHow::InPerson.as_str().to_owned());
    let given_by = RwSignal::new(String::new());
    let case_worker = RwSignal::new(String::new());
    let messages = RwSignal::new(BTreeSet::<u64>::new());
    let notes = RwSignal::new(BTreeSet::<i64>::new());

    let load = move || {
        problem.set(None);
        let number = conversation.get_untracked().trim().to_owned();
        let Ok(number) = number.parse::<i64>() else {
            problem.set(Some("not_your_conversation".to_owned()));
            return;
        };
        spawn_local(async move {
            match call::<CourseHistory>("GET", &format!("/api/cases/history/{number}"), None).await
            {
                Ok(course) => {
                    age.set(
                        course
                            .age_group
                            .map(|g| g.as_str().to_owned())
                            .unwrap_or_default(),
                    );
                    messages.set(BTreeSet::new());
                    notes.set(BTreeSet::new());
                    history.set(Some(course));
                    focus_later("case-consent");
                }
                Err(code) => problem.set(Some(code)),
            }
        });
    };
    if !start.is_empty() {
        load();
    }
    let known_age = move || history.with(|h| h.as_ref().and_then(|h| h.age_group));
    let minor = move || AgeGroup::parse(&age.get()).is_some_and(AgeGroup::is_minor);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(course) = history.get_untracked() else {
            return;
        };
        if !consent_given.get_untracked() {
            problem.set(Some("consent_missing".to_owned()));
            focus_later("case-consent");
            return;
        }
        let mut body = serde_json::json!({
            "conversation": course.conversation,
            "consent": how.get_untracked(),
            "identity": {
                "name": name.get_untracked(),
                "cpr": cpr.get_untracked(),
                "phone": phone.get_untracked(),
                "email": email.get_untracked(),
                "address": address.get_untracked(),
            },
            "carry_over": {
                "messages": messages.get_untracked(),
                "notes": notes.get_untracked(),
            },
        });
        if known_age().is_none() && !age.get_untracked().is_empty() {
            body["age_group"] = serde_json::Value::from(age.get_untracked());
        }
        if minor() {
            if parents_given.get_untracked() {
                body["parents_consent"] = serde_json::json!({
                    "how": parents_how.get_untracked(),
                    "given_by": given_by.get_untracked(),
                });
            }
            let worker = case_worker.get_untracked();
            if !worker.trim().is_empty() {
                body["case_worker"] = serde_json::Value::from(worker);
            }
        }
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match call::<CaseView>("POST", "/api/cases", Some(body)).await {
                Ok(case) => {
                    nav.convert.set(None);
                    opened.set(Some(case.id));
                }
                Err(code) => problem.set(Some(code)),
            }
            busy.set(false);
        });
    };

    let error_line = move || {
        problem.get().map(|code| {
            if code == "consent_missing" {
                t().consent_missing
            } else {
                t().error(&code)
            }
        })
    };
    let how_options = move |selected: RwSignal<String>| {
        ConsentHow::ALL
            .into_iter()
            .map(|h| {
                view! {
                    <option value=h.as_str() selected=move || selected.get() == h.as_str()>
                        {move || t().how(h)}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <form class="stack-form convert-form" novalidate on:submit=submit aria-labelledby="convert-heading">
            <h3 id="convert-heading">{move || t().convert_heading}</h3>
            <p>{move || t().convert_intro}</p>
            <label for="case-conversation">{move || t().conversation}</label>
            <div class="row">
                <input id="case-conversation" type="text" inputmode="numeric" bind:value=conversation />
                <button type="button" class="quiet" on:click=move |_| load()>{move || t().load_course}</button>
            </div>
            <p class="form-error" role="alert">{error_line}</p>
            {move || history.get().map(|course| view! {
                <fieldset>
                    <legend>{move || t().step_consent}</legend>
                    <label class="check">
                        <input id="case-consent" type="checkbox" bind:checked=consent_given />
                        {move || t().consent_given}
                    </label>
                    <label for="case-consent-how">{move || t().consent_how}</label>
                    <select id="case-consent-how" on:change=move |ev| how.set(event_target_value(&ev))>
                        {how_options(how)}
                    </select>
                    <label for="case-age">{move || t().age_group}</label>
                    {match course.age_group {
                        Some(group) => view! { <p id="case-age">{move || t().group(group)}</p> }.into_any(),
                        None => view! {
                            <p class="hint">{move || t().age_unknown}</p>
                            <select id="case-age" required on:change=move |ev| age.set(event_target_value(&ev))>
                                <option value="" selected=move || age.get().is_empty()>"—"</option>
                                {AgeGroup::ALL.into_iter().map(|g| view! {
                                    <option value=g.as_str() selected=move || age.get() == g.as_str()>{move || t().group(g)}</option>
                                }).collect_view()}
                            </select>
                        }.into_any(),
                    }}
                </fieldset>
                <fieldset>
                    <legend>{move || t().step_identity}</legend>
                    <p class="hint">{move || t().identity_note}</p>
                    <label for="case-name">{move || t().name}</label>
                    <input id="case-name" type="text" autocomplete="off" required bind:value=name />
                    <label for="case-cpr">{move || t().cpr}</label>
                    <input id="case-cpr" type="text" autocomplete="off" inputmode="numeric" required
                        placeholder=move || t().cpr_hint bind:value=cpr />
                    <label for="case-phone">{move || t().phone}</label>
                    <input id="case-phone" type="tel" autocomplete="off" bind:value=phone />
                    <label for="case-email">{move || t().email}</label>
                    <input id="case-email" type="email" autocomplete="off" bind:value=email />
                    <label for="case-address">{move || t().address}</label>
                    <input id="case-address" type="text" autocomplete="off" bind:value=address />
                </fieldset>
                {move || minor().then(|| view! {
                    <fieldset>
                        <legend>{move || t().step_parents}</legend>
                        <p class="hint">{move || t().parents_note}</p>
                        <label class="check">
                            <input id="case-parents" type="checkbox" bind:checked=parents_given />
                            {move || t().parents_given}
                        </label>
                        <label for="case-parents-how">{move || t().consent_how}</label>
                        <select id="case-parents-how" on:change=move |ev| parents_how.set(event_target_value(&ev))>
                            {how_options(parents_how)}
                        </select>
                        <label for="case-given-by">{move || t().given_by}</label>
                        <input id="case-given-by" type="text" autocomplete="off" bind:value=given_by />
                        <label for="case-worker">{move || t().case_worker}</label>
                        <input id="case-worker" type="text" autocomplete="off" bind:value=case_worker />
                    </fieldset>
                })}
                <fieldset>
                    <legend>{move || t().step_history}</legend>
                    <p class="hint">{move || t().history_note}</p>
                    <div class="row">
                        <button type="button" class="quiet small" on:click={
                            let course = course.clone();
                            move |_| {
                                messages.set(course.messages.iter().map(|m| m.seq).collect());
                                notes.set(course.notes.iter().map(|n| n.id).collect());
                            }
                        }>{move || t().all}</button>
                        <button type="button" class="quiet small" on:click=move |_| {
                            messages.set(BTreeSet::new());
                            notes.set(BTreeSet::new());
                        }>{move || t().nothing}</button>
                    </div>
                    <ul class="carry-list">
                        {course.messages.iter().map(|m| {
                            let seq = m.seq;
                            let who = m.from;
                            view! {
                                <li>
                                    <label class="check">
                                        <input type="checkbox"
                                            prop:checked=move || messages.with(|s| s.contains(&seq))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                messages.update(|s| { if on { s.insert(seq); } else { s.remove(&seq); } });
                                            } />
                                        <span class="muted">{move || match who {
                                            Sender::Visitor => t().from_young_person,
                                            Sender::Counsellor => t().from_counsellor,
                                        }} ": "</span>
                                        {m.text.clone()}
                                    </label>
                                </li>
                            }
                        }).collect_view()}
                        {course.notes.iter().map(|n| {
                            let id = n.id;
                            view! {
                                <li>
                                    <label class="check">
                                        <input type="checkbox"
                                            prop:checked=move || notes.with(|s| s.contains(&id))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                notes.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                                            } />
                                        <span class="muted">{move || t().from_note} ": "</span>
                                        {n.text.clone()}
                                    </label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </fieldset>
                <p class="form-error" role="alert">{error_line}</p>
                <div class="row">
                    <button type="submit" class="button" disabled=move || busy.get()>{move || t().save_case}</button>
                    <button type="button" class="quiet" on:click=move |_| nav.convert.set(None)>{move || t().back}</button>
                </div>
            })}
        </form>
    }
    .into_any()
}

/// Midnight UTC of a `YYYY-MM-DD` date input, in Unix ms.
fn date_value(text: &str) -> Option<i64> {
    if text.is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&JsValue::from_str(text)).get_time();
    ms.is_finite().then_some(ms as i64)
}

/// One case: identity, consents, data sheet, sessions, history, actions.
#[component]
fn CaseDetail(id: i64, opened: RwSignal<Option<i64>>) -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let nav = expect_context::<Nav>();
    let lang = move || model.lang.get();
    let t = move || lang().cases();
    let case = RwSignal::new(None::<CaseView>);
    let problem = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<&'static str>);
    let confirm_delete = RwSignal::new(false);
    // Runs one request that answers with the case.
    let act = {
        move |method: &'static str, sub: &'static str, body: Option<serde_json::Value>| {
            let path = format!("/api/cases/{id}{sub}");
            problem.set(None);
            status.set(None);
            spawn_local(async move {
                match call::<CaseView>(method, &path, body).await {
                    Ok(view) => {
                        case.set(Some(view));
                        if !sub.is_empty() {
                            status.set(Some(lang().cases().saved));
                        }
                    }
                    Err(code) => problem.set(Some(code)),
                }
            });
        }
    };
    act("GET", "", None);

    let parents_how = RwSignal::new(ConsentHow::InPerson.as_str().to_owned());
    let given_by = RwSignal::new(String::new());
    let case_worker = RwSignal::new(String::new());
    let record = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut body = serde_json::json!({});
        if case.with_untracked(|c| c.as_ref().is_some_and(|c| c.parents_consent.is_none())) {
            body["parents_consent"] = serde_json::json!({
                "how": parents_how.get_untracked(), "given_by": given_by.get_untracked(),
            });
        }
        let worker = case_worker.get_untracked();
        if !worker.trim().is_empty() {
            body["case_worker"] = serde_json::Value::from(worker);
        }
        act("POST", "/consent", Some(body));
    };
    let entry_kind = RwSignal::new(EntryKind::Background.as_str().to_owned());
    let entry_text = RwSignal::new(String::new());
    let add_entry = move |ev: SubmitEvent| {
        ev.prevent_default();
        let body = serde_json::json!({ "kind": entry_kind.get_untracked(), "text": entry_text.get_untracked() });
        entry_text.set(String::new());
        act("POST", "/entries", Some(body));
    };
    let session_date = RwSignal::new(String::new());
    let session_kind = RwSignal::new(SESSION_KINDS[0].to_owned());
    let session_note = RwSignal::new(String::new());
    let add_session = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut body = serde_json::json!({
            "kind": "session",
            "session_kind": session_kind.get_untracked(),
            "text": session_note.get_untracked(),
        });
        if let Some(at) = date_value(&session_date.get_untracked()) {
            body["at"] = serde_json::Value::from(at);
        }
        session_note.set(String::new());
        act("POST", "/entries", Some(body));
    };
    let delete = {
        move |_| {
            let path = format!("/api/cases/{id}");
            confirm_delete.set(false);
            spawn_local(async move {
                match call::<()>("DELETE", &path, Some(serde_json::json!({}))).await {
                    Ok(()) => {
                        case.set(None);
                        status.set(Some(lang().cases().deleted));
                    }
                    Err(code) => problem.set(Some(code)),
                }
            });
        }
    };
    let is_coordinator = move || nav.is_coordinator();
    let entries_of = move |kind: EntryKind| {
        case.with(|c| {
            c.as_ref()
                .map(|c| {
                    c.entries
                        .iter()
                        .filter(|e| e.kind == kind)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let entry_list = move |list: Vec<CaseEntry>| {
        if list.is_empty() {
            return view! { <p class="muted">{t().empty}</p> }.into_any();
        }
        view! {
            <ul class="case-entries">
                {list.into_iter().map(|e| view! {
                    <li>
                        <span class="muted">{date_time(e.at)} " · " {e.author.clone()}</span>
                        <p>{e.text.clone()}</p>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <article class="case-page" aria-labelledby="case-heading">
            <div class="row no-print">
                <button type="button" class="quiet" on:click=move |_| opened.set(None)>{move || t().back}</button>
            </div>
            <h3 id="case-heading">
                {move || fill(t().case_number, "id", &id.to_string())}
                {move || case.get().map(|c| format!(" · {} · {}", state_text(lang(), c.state), t().group(c.age_group)))}
            </h3>
            <p class="form-error" role="alert">{move || problem.get().map(|c| t().error(&c))}</p>
            <p role="status">{move || status.get()}</p>
            {move || case.get().map(|c| {
                let pending = c.state == CaseState::Pending;
                let closed = c.state == CaseState::Closed;
                let missing = c.missing.clone();
                let parents_missing = c.parents_consent.is_none();
                view! {
                    {(pending && !missing.is_empty()).then(|| view! {
                        <div class="notice case-missing">
                            <p>{t().missing}</p>
                            <ul>{missing.iter().map(|m| view! { <li>{t().error(m)}</li> }).collect_view()}</ul>
                            <form class="stack-form no-print" on:submit=record>
                                {parents_missing.then(|| view! {
                                    <p>{t().parents_given}</p>
                                    <label for="record-parents-how">{t().consent_how}</label>
                                    <select id="record-parents-how" on:change=move |ev| parents_how.set(event_target_value(&ev))>
                                        {ConsentHow::ALL.into_iter().map(|h| view! {
                                            <option value=h.as_str() selected=move || parents_how.get() == h.as_str()>{t().how(h)}</option>
                                        }).collect_view()}
                                    </select>
                                    <label for="record-given-by">{t().given_by}</label>
                                    <input id="record-given-by" type="text" autocomplete="off" bind:value=given_by />
                                })}
                                {c.case_worker.is_none().then(|| view! {
                                    <label for="record-case-worker">{t().case_worker}</label>
                                    <input id="record-case-worker" type="text" autocomplete="off" bind:value=case_worker />
                                })}
                                <button type="submit" class="button">{t().record}</button>
                            </form>
                        </div>
                    })}
                    <div class="row no-print">
                        {pending.then(|| view! {
                            <button type="button" class="button" id="case-activate"
                                on:click=move |_| act("POST", "/activate", Some(serde_json::json!({})))>
                                {t().activate}
                            </button>
                        })}
                        <a class="button quiet" href=format!("/api/cases/{id}/export") download=format!("case-{id}.json")>{t().export_json}</a>
                        <button type="button" class="quiet" on:click=move |_| { let _ = window().print(); }>{t().print}</button>
                        {(!closed).then(|| view! {
                            <button type="button" class="quiet" on:click=move |_| act("POST", "/close", Some(serde_json::json!({})))>{t().close}</button>
                        })}
                        {(closed && is_coordinator()).then(|| view! {
                            <button type="button" class="quiet danger" on:click=move |_| confirm_delete.set(true)>{t().delete}</button>
                        })}
                    </div>
                    {c.delete_after.map(|at| view! { <p class="muted">{fill(t().delete_after, "at", &date_time(at))}</p> })}
                    <section aria-labelledby="case-identity">
                        <h4 id="case-identity">{t().identity_heading}</h4>
                        <dl class="case-identity">
                            <dt>{t().name}</dt><dd>{c.identity.name.clone()}</dd>
                            <dt>{t().cpr}</dt><dd>{c.identity.cpr.clone()}</dd>
                            <dt>{t().phone}</dt><dd>{c.identity.phone.clone()}</dd>
                            <dt>{t().email}</dt><dd>{c.identity.email.clone()}</dd>
                            <dt>{t().address}</dt><dd>{c.identity.address.clone()}</dd>
                            {c.case_worker.clone().map(|w| view! { <dt>{t().case_worker}</dt><dd>{w}</dd> })}
                        </dl>
                    </section>
                    <section aria-labelledby="case-consents">
                        <h4 id="case-consents">{t().consents_heading}</h4>
                        <p>{fill(&fill(&fill(t().consent_line, "how", t().how(c.consent.how)), "at", &date_time(c.consent.at)), "by", &c.consent.recorded_by)}</p>
                        {c.parents_consent.clone().map(|p| view! {
                            <p>{fill(&fill(&fill(&fill(t().parents_line, "how", t().how(p.how)), "at", &date_time(p.at)), "by", &p.recorded_by), "who", &p.given_by)}</p>
                        })}
                    </section>
                    <section aria-labelledby="case-counsellors">
                        <h4 id="case-counsellors">{t().counsellors_heading}</h4>
                        <p>{c.counsellors.iter().map(|c| c.first_name.clone()).collect::<Vec<_>>().join(", ")}</p>
                    </section>
                }
            })}
            {move || case.with(Option::is_some).then(|| view! {
                <section aria-labelledby="case-sheet">
                    <h4 id="case-sheet">{move || t().sheet_heading}</h4>
                    {[EntryKind::Background, EntryKind::Activities, EntryKind::Change].into_iter().enumerate().map(|(i, kind)| view! {
                        <h5>{move || t().kinds[i]}</h5>
                        {move || entry_list(entries_of(kind))}
                    }).collect_view()}
                    <form class="stack-form no-print" on:submit=add_entry>
                        <select aria-label=move || t().sheet_heading on:change=move |ev| entry_kind.set(event_target_value(&ev))>
                            {[EntryKind::Background, EntryKind::Activities, EntryKind::Change].into_iter().enumerate().map(|(i, kind)| view! {
                                <option value=kind.as_str() selected=move || entry_kind.get() == kind.as_str()>{move || t().kinds[i]}</option>
                            }).collect_view()}
                        </select>
                        <textarea rows="3" required aria-label=move || t().sheet_heading bind:value=entry_text></textarea>
                        <button type="submit" class="button">{move || t().add_entry}</button>
                    </form>
                </section>
                <section aria-labelledby="case-sessions">
                    <h4 id="case-sessions">{move || t().sessions_heading}</h4>
                    {move || {
                        let sessions = entries_of(EntryKind::Session);
                        if sessions.is_empty() {
                            return view! { <p class="muted">{t().empty}</p> }.into_any();
                        }
                        view! {
                            <table class="case-sessions">
                                <thead><tr><th>{t().session_date}</th><th>{t().session_kind}</th><th>{t().session_note}</th></tr></thead>
                                <tbody>
                                    {sessions.into_iter().map(|s| view! {
                                        <tr><td>{date_time(s.at)}</td><td>{t().session(&s.detail).to_owned()}</td><td>{s.text.clone()}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                    <form class="stack-form no-print" on:submit=add_session>
                        <label for="session-date">{move || t().session_date}</label>
                        <input id="session-date" type="date" bind:value=session_date />
                        <label for="session-kind">{move || t().session_kind}</label>
                        <select id="session-kind" on:change=move |ev| session_kind.set(event_target_value(&ev))>
                            {SESSION_KINDS.into_iter().map(|k| view! {
                                <option value=k selected=move || session_kind.get() == k>{move || t().session(k).to_owned()}</option>
                            }).collect_view()}
                        </select>
                        <label for="session-note">{move || t().session_note}</label>
                        <textarea id="session-note" rows="2" required bind:value=session_note></textarea>
                        <button type="submit" class="button">{move || t().add_session}</button>
                    </form>
                </section>
                <section aria-labelledby="case-history">
                    <h4 id="case-history">{move || t().history_heading}</h4>
                    {move || {
                        let carried = entries_of(EntryKind::History);
                        if carried.is_empty() {
                            return view! { <p class="muted">{t().empty}</p> }.into_any();
                        }
                        view! {
                            <ul class="case-entries">
                                {carried.into_iter().map(|e| {
                                    let who = match e.detail.as_str() {
                                        "young_person" => t().from_young_person,
                                        "counsellor" => t().from_counsellor,
                                        _ => t().from_note,
                                    };
                                    view! { <li><span class="muted">{date_time(e.at)} " · " {who}</span><p>{e.text.clone()}</p></li> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            })}
            {move || confirm_delete.get().then(|| view! {
                <div class="notice no-print" role="alertdialog" aria-labelledby="delete-question">
                    <p id="delete-question">{t().delete}</p>
                    <button type="button" class="button danger" on:click=delete>{t().delete_confirm}</button>
                    <button type="button" class="quiet" on:click=move |_| confirm_delete.set(false)>{t().back}</button>
                </div>
            })}
        </article>
    }
    .into_any()
}
