//! The agenda ("Aftaler"): the coming weeks' bookings by Copenhagen day,
//! one's own or the whole team's, with the counsellor's actions: attended,
//! no-show, cancel with a note to the booker, reassign to a colleague.
//!
//! The server gives the times as Copenhagen wall-clock text and the phone
//! number only on one's own bookings; this page shows what it gets.

use super::api::{self, ApiError};
use super::booking::{AgendaEntry, Colleague, by_day, weekday};
use super::model::ConsoleModel;
use super::team::focus_later;
use super::texts::{Lang, fill};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The text for a failed booking request.
pub fn booking_error(lang: Lang, error: &ApiError) -> String {
    if error.code == "too_many_attempts" {
        return lang.team().wait_minutes(error.retry_after.unwrap_or(60));
    }
    lang.booking().error(lang, &error.code).to_owned()
}

async fn load(team: bool) -> Result<Vec<AgendaEntry>, ApiError> {
    let path = format!("/api/booking/agenda?team={}&days=28", u8::from(team));
    api::decode(api::call("GET", &path, None).await?)
}

async fn colleagues() -> Result<Vec<Colleague>, ApiError> {
    api::decode(api::call("GET", "/api/booking/colleagues", None).await?)
}

async fn act(id: i64, action: &str, body: serde_json::Value) -> Result<(), ApiError> {
    api::call("POST", &format!("/api/booking/{id}/{action}"), Some(body))
        .await
        .map(drop)
}

/// The form open under a booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Cancel(i64),
    Reassign(i64),
    VideoLink(i64),
}

/// The agenda page.
#[component]
pub fn AgendaPage() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let lang = move || model.lang.get();
    let t = move || lang().booking();
    let team = RwSignal::new(false);
    let entries = RwSignal::new(Vec::<AgendaEntry>::new());
    let loaded = RwSignal::new(false);
    let problem = RwSignal::new(None::<ApiError>);
    let status = RwSignal::new(String::new());
    let open = RwSignal::new(None::<Open>);
    let others = RwSignal::new(Vec::<Colleague>::new());
    let note = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let link = RwSignal::new(String::new());
    let refresh = move || {
        let team = team.get_untracked();
        spawn_local(async move {
            match load(team).await {
                Ok(list) => {
                    entries.set(list);
                    problem.set(None);
                }
                Err(error) => problem.set(Some(error)),
            }
            loaded.set(true);
        });
    };
    Effect::new(move |_| {
        team.track();
        refresh();
    });
    spawn_local(async move {
        if let Ok(list) = colleagues().await {
            others.set(list);
        }
    });
    // Runs an action on a booking; on success announces `done` and reloads,
    // on failure shows why; the focus goes to the page's message.
    let run = move |id: i64,
                    action: &'static str,
                    body: serde_json::Value,
                    done: fn(Lang) -> &'static str| {
        problem.set(None);
        status.set(String::new());
        spawn_local(async move {
            match act(id, action, body).await {
                Ok(()) => {
                    open.set(None);
                    status.set(done(lang()).to_owned());
                    focus_later("agenda-status");
                    refresh();
                }
                // No reload after a refusal: nothing changed, and a reload
                // would clear the message before it is read.
                Err(error) => {
                    problem.set(Some(error));
                    focus_later("agenda-problem");
                }
            }
        });
    };
    let entry_view = move |entry: AgendaEntry| {
        let id = entry.id;
        let booked = entry.state == "booked";
        let da = lang() == Lang::Da;
        let kind = if da {
            entry.kind_da.clone()
        } else {
            entry.kind_en.clone()
        };
        let place = if da {
            entry.place_da.clone()
        } else {
            entry.place_en.clone()
        };
        let time = format!("{}–{}", entry.from, entry.to);
        let what = format!("{} {} {}", entry.alias, entry.day, entry.from);
        let heading_id = format!("booking-{id}");
        let labelled_by = heading_id.clone();
        let counsellor_id = entry.counsellor_id;
        let gives_link = booked && entry.mine && entry.video;
        let current_link = entry.video_link.clone();
        let submit_link = move |ev: SubmitEvent| {
            ev.prevent_default();
            run(
                id,
                "video",
                serde_json::json!({ "link": link.get_untracked() }),
                |l| l.booking().done_video_link,
            );
        };
        let submit_cancel = move |ev: SubmitEvent| {
            ev.prevent_default();
            run(
                id,
                "cancel",
                serde_json::json!({ "note": note.get_untracked() }),
                |l| l.booking().done_cancelled,
            );
        };
        let submit_reassign = move |ev: SubmitEvent| {
            ev.prevent_default();
            let Ok(to) = target.get_untracked().parse::<i64>() else {
                return;
            };
            run(
                id,
                "reassign",
                serde_json::json!({ "counsellor_id": to }),
                |l| l.booking().done_reassigned,
            );
        };
        view! {
            <li class="booking" class:mine=entry.mine aria-labelledby=labelled_by>
                <h4 id=heading_id>
                    <span class="booking-time">{time}</span>
                    " "
                    <span class="booking-alias">{entry.alias.clone()}</span>
                </h4>
                <dl class="booking-facts">
                    <dt>{move || t().label_kind}</dt>
                    <dd>{kind}</dd>
                    <dt>{move || t().label_role}</dt>
                    <dd>{{ let role = entry.role.clone(); move || t().role(&role).to_owned() }}</dd>
                    {place.map(|p| view! { <dt>{move || t().label_place}</dt><dd>{p}</dd> })}
                    {entry.phone.clone().map(|p| {
                        let href = format!("tel:{}", p.replace(' ', ""));
                        view! { <dt>{move || t().label_phone}</dt><dd><a href=href>{p}</a></dd> }
                    })}
                    {entry.video.then(|| {
                        let shown = entry.video_link.clone();
                        view! {
                            <dt>{move || t().label_video_link}</dt>
                            <dd class="booking-video">{match shown {
                                Some(l) => {
                                    let href = l.clone();
                                    view! { <a href=href rel="noreferrer noopener" target="_blank">{l}</a> }.into_any()
                                }
                                None => view! { <span>{move || t().video_link_missing}</span> }.into_any(),
                            }}</dd>
                        }
                    })}
                    {entry.message.clone().filter(|m| !m.is_empty()).map(|m| view! {
                        <dt>{move || t().label_message}</dt><dd class="booking-message">{m}</dd>
                    })}
                    <dt>{move || t().label_counsellor}</dt>
                    <dd>{entry.counsellor.clone()}</dd>
                    <dt>{move || t().label_state}</dt>
                    <dd class="booking-state">{{ let state = entry.state.clone(); move || t().state(&state).to_owned() }}</dd>
                </dl>
                {booked.then(|| {
                    let what = what.clone();
                    view! {
                        <div class="row-actions" role="group" aria-label=move || fill(t().actions_for, "what", &what)>
                            <button type="button" class="quiet small"
                                on:click=move |_| run(id, "attended", serde_json::json!({}), |l| l.booking().done_attended)>
                                {move || t().attended}
                            </button>
                            <button type="button" class="quiet small"
                                on:click=move |_| run(id, "no-show", serde_json::json!({}), |l| l.booking().done_no_show)>
                                {move || t().no_show}
                            </button>
                            {gives_link.then(|| {
                                let current = current_link.clone();
                                view! {
                                    <button type="button" class="quiet small"
                                        aria-expanded=move || (open.get() == Some(Open::VideoLink(id))).to_string()
                                        on:click=move |_| {
                                            link.set(current.clone().unwrap_or_default());
                                            open.set(Some(Open::VideoLink(id)));
                                            focus_later("agenda-video-link");
                                        }>
                                        {move || t().give_video_link}
                                    </button>
                                }
                            })}
                            <button type="button" class="quiet small"
                                aria-expanded=move || (open.get() == Some(Open::Reassign(id))).to_string()
                                on:click=move |_| {
                                    target.set(String::new());
                                    open.set(Some(Open::Reassign(id)));
                                    focus_later("agenda-reassign-to");
                                }>
                                {move || t().reassign}
                            </button>
                            <button type="button" class="quiet small danger"
                                aria-expanded=move || (open.get() == Some(Open::Cancel(id))).to_string()
                                on:click=move |_| {
                                    note.set(String::new());
                                    open.set(Some(Open::Cancel(id)));
                                    focus_later("agenda-cancel-note");
                                }>
                                {move || t().cancel}
                            </button>
                        </div>
                    }
                })}
                {move || match open.get() {
                    Some(Open::Cancel(which)) if which == id => view! {
                        <form class="booking-form" on:submit=submit_cancel>
                            <label for="agenda-cancel-note">{move || t().cancel_note}</label>
                            <textarea id="agenda-cancel-note" maxlength="500" rows="3"
                                prop:value=move || note.get()
                                on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                            <button type="submit" class="button danger">{move || t().confirm_cancel}</button>
                            <button type="button" class="quiet" on:click=move |_| {
                                open.set(None);
                                focus_later("agenda-heading");
                            }>{move || t().back}</button>
                        </form>
                    }.into_any(),
                    Some(Open::Reassign(which)) if which == id => view! {
                        <form class="booking-form" on:submit=submit_reassign>
                            <label for="agenda-reassign-to">{move || t().reassign_to}</label>
                            <select id="agenda-reassign-to" required
                                on:change=move |ev| target.set(event_target_value(&ev))>
                                <option value="" selected=move || target.get().is_empty()>"—"</option>
                                {move || others.get().into_iter()
                                    .filter(|c| c.id != counsellor_id)
                                    .map(|c| view! { <option value=c.id.to_string()>{c.first_name}</option> })
                                    .collect_view()}
                            </select>
                            <button type="submit" class="button">{move || t().confirm_reassign}</button>
                            <button type="button" class="quiet" on:click=move |_| {
                                open.set(None);
                                focus_later("agenda-heading");
                            }>{move || t().back}</button>
                        </form>
                    }.into_any(),
                    Some(Open::VideoLink(which)) if which == id => view! {
                        <form class="booking-form" novalidate on:submit=submit_link>
                            <label for="agenda-video-link">{move || t().video_link_field}</label>
                            <input id="agenda-video-link" type="url" required maxlength="300"
                                placeholder="https://" autocomplete="off" spellcheck="false"
                                aria-describedby="agenda-video-link-hint"
                                prop:value=move || link.get()
                                on:input=move |ev| link.set(event_target_value(&ev)) />
                            <p id="agenda-video-link-hint" class="hint">{move || t().video_link_hint}</p>
                            <button type="submit" class="button">{move || t().save_video_link}</button>
                            <button type="button" class="quiet" on:click=move |_| {
                                open.set(None);
                                focus_later("agenda-heading");
                            }>{move || t().back}</button>
                        </form>
                    }.into_any(),
                    _ => ().into_any(),
                }}
            </li>
        }
        .into_any()
    };
    view! {
        <section class="page agenda" aria-labelledby="agenda-heading">
            <h2 id="agenda-heading" tabindex="-1">{move || t().agenda_heading}</h2>
            <div class="agenda-controls">
                <label class="check">
                    <input type="checkbox" prop:checked=move || team.get()
                        on:change=move |ev| team.set(event_target_checked(&ev)) />
                    {move || t().show_team}
                </label>
                <button type="button" class="quiet small" on:click=move |_| refresh()>{move || t().refresh}</button>
            </div>
            <p id="agenda-problem" class="form-error" role="alert" tabindex="-1">
                {move || problem.get().map(|e| booking_error(lang(), &e))}
            </p>
            <p id="agenda-status" class="form-status" aria-live="polite" tabindex="-1">{move || status.get()}</p>
            {move || {
                let days = by_day(&entries.get(), team.get());
                if days.is_empty() {
                    return loaded.get().then(|| view! { <p>{move || t().empty}</p> }).into_any();
                }
                days.into_iter()
                    .map(|(day, list)| {
                        let heading = match weekday(&day) {
                            Some(w) => format!("{} {day}", t().weekdays[w]),
                            None => day.clone(),
                        };
                        let label = heading.clone();
                        view! {
                        <section class="agenda-day" aria-label=label>
                            <h3>{heading}</h3>
                            <ul class="bookings">{list.into_iter().map(entry_view).collect_view()}</ul>
                        </section>
                    }})
                    .collect_view()
                    .into_any()
            }}
        </section>
    }
    .into_any()
}
