//! The letters page ("Breve"): anonymous letters waiting for an answer,
//! the nearest deadline first, with the time left, risk words and who is
//! answering; a thread with its letters, the draft (saved, so colleagues
//! see "being answered by …"), sending, and a colleague's review where the
//! service wants one.
//!
//! Everything goes through `/api/letters` (`server/src/letters/console.rs`);
//! the server decides who may do what.

use super::api::{self, ApiError};
use super::flags::RiskWords;
use super::model::ConsoleModel;
use super::team::{date_time, focus_later};
use super::texts::{Lang, fill};
use crate::protocol::{AgeBand, Role, Topic};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;

/// A thread as the letters API gives it (no text in the queue).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Thread {
    /// Its id.
    pub id: i64,
    /// Who writes.
    pub role: Role,
    /// Optional age band.
    pub age_band: Option<AgeBand>,
    /// Optional topic.
    pub topic: Option<Topic>,
    /// `waiting` or `answered`.
    pub state: String,
    /// The promised answer's deadline (Unix ms).
    pub due_at: Option<i64>,
    /// Who took it.
    pub counsellor_id: Option<i64>,
    /// Their first name.
    pub counsellor: Option<String>,
    /// Who drafts an answer.
    pub drafting: Option<String>,
    /// Their id.
    pub draft_by: Option<i64>,
    /// The draft waits for review.
    pub review: bool,
    /// Matched risk words.
    pub risk_words: Vec<String>,
    /// Last activity (Unix ms).
    pub last_activity_at: i64,
    /// Letters in the thread (queue only).
    #[serde(default)]
    pub letters: i64,
}

/// One letter.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Letter {
    /// `writer` or `counsellor`.
    pub from: String,
    /// The answering counsellor.
    pub counsellor: Option<String>,
    /// The text (`None`: could not be opened).
    pub text: Option<String>,
    /// When (Unix ms).
    pub at: i64,
}

/// A thread with its letters and draft.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ThreadView {
    /// The thread.
    #[serde(flatten)]
    pub thread: Thread,
    /// Oldest first.
    #[serde(rename = "letters")]
    pub all: Vec<Letter>,
    /// The answer being written.
    pub draft: Option<String>,
}

/// The page's list.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
struct Lists {
    queue: Vec<Thread>,
    answered: Vec<Thread>,
    review_before_send: bool,
    max_chars: usize,
    me: i64,
}

async fn load() -> Result<Lists, ApiError> {
    api::decode(api::call("GET", "/api/letters", None).await?)
}

async fn load_thread(id: i64) -> Result<ThreadView, ApiError> {
    api::decode(api::call("GET", &format!("/api/letters/{id}"), None).await?)
}

async fn act(
    method: &str,
    id: i64,
    action: &str,
    body: serde_json::Value,
) -> Result<serde_json::Value, ApiError> {
    api::call(method, &format!("/api/letters/{id}/{action}"), Some(body)).await
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// Who has the thread, in words.
fn holder(lang: Lang, thread: &Thread) -> String {
    let t = lang.letters();
    match (&thread.drafting, &thread.counsellor) {
        (Some(name), _) if thread.review => fill(t.in_review, "name", name),
        (Some(name), _) => fill(t.being_answered_by, "name", name),
        (None, Some(name)) => fill(t.taken_by, "name", name),
        (None, None) => t.unclaimed.to_owned(),
    }
}

/// The letters page.
#[component]
pub fn LettersPage() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let lang = move || model.lang.get();
    let t = move || lang().letters();
    let lists = RwSignal::new(Lists::default());
    let loaded = RwSignal::new(false);
    let open = RwSignal::new(None::<ThreadView>);
    let answer = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    let refresh = move || {
        spawn_local(async move {
            match load().await {
                Ok(list) => lists.set(list),
                Err(error) => problem.set(Some(lang().letters().error(&error.code).to_owned())),
            }
            loaded.set(true);
        });
    };
    refresh();
    let show = move |id: i64| {
        problem.set(None);
        spawn_local(async move {
            match load_thread(id).await {
                Ok(view) => {
                    answer.set(view.draft.clone().unwrap_or_default());
                    open.set(Some(view));
                    focus_later("letter-heading");
                }
                Err(error) => {
                    problem.set(Some(lang().letters().error(&error.code).to_owned()));
                    focus_later("letters-problem");
                }
            }
        });
    };
    // Runs an action on the open thread; announces `done` and reloads.
    let run = move |method: &'static str,
                    action: &'static str,
                    body: serde_json::Value,
                    done: fn(Lang, &serde_json::Value) -> &'static str| {
        let Some(id) = open.with_untracked(|o| o.as_ref().map(|v| v.thread.id)) else {
            return;
        };
        problem.set(None);
        status.set(String::new());
        spawn_local(async move {
            match act(method, id, action, body).await {
                Ok(answered) => {
                    status.set(done(lang(), &answered).to_owned());
                    focus_later("letters-status");
                }
                Err(error) => {
                    problem.set(Some(lang().letters().error(&error.code).to_owned()));
                    focus_later("letters-problem");
                }
            }
            if let Ok(view) = load_thread(id).await {
                open.set(Some(view));
            }
            refresh();
        });
    };
    let item = move |thread: Thread| {
        let id = thread.id;
        let counsellor_id = thread.counsellor_id;
        let last_activity = thread.last_activity_at;
        let words = thread.risk_words.clone();
        let heading_id = format!("letter-{id}");
        let labelled = heading_id.clone();
        let due = thread.due_at;
        let facts = {
            let thread = thread.clone();
            move || {
                let texts = lang().texts();
                let mut parts = vec![texts.role(thread.role).to_owned()];
                if let Some(band) = thread.age_band {
                    parts.push(texts.age_band(band).to_owned());
                }
                if let Some(topic) = thread.topic {
                    parts.push(texts.topic(topic).to_owned());
                }
                parts.join(" · ")
            }
        };
        let who = {
            let thread = thread.clone();
            move || holder(lang(), &thread)
        };
        let count = thread.letters;
        view! {
            <li class="booking letter-item" class:mine=move || counsellor_id == Some(lists.with(|l| l.me)) aria-labelledby=labelled>
                <h4 id=heading_id>
                    {move || match due {
                        Some(due) => t().time_left(now(), due),
                        None => date_time(last_activity),
                    }}
                </h4>
                <p>{facts}</p>
                <RiskWords words=words />
                <p class="letter-holder">{who}" · "{move || fill(t().letters_count, "n", &count.to_string())}</p>
                {due.map(|due| view! { <p class="muted">{move || fill(t().due, "date", &date_time(due))}</p> })}
                <p><button type="button" class="button small" on:click=move |_| show(id)>{move || t().open}</button></p>
            </li>
        }
    };
    let thread_view = move |view: ThreadView| {
        let thread = view.thread.clone();
        let me = lists.with(|l| l.me);
        let review = lists.with(|l| l.review_before_send);
        let max = lists.with(|l| l.max_chars).max(1);
        let waiting = thread.state == "waiting";
        let mine_or_free = thread.counsellor_id.is_none_or(|c| c == me);
        let can_approve = thread.review && thread.draft_by.is_some_and(|d| d != me) && waiting;
        let heading = {
            let thread = thread.clone();
            move || {
                let texts = lang().texts();
                let mut parts = vec![texts.role(thread.role).to_owned()];
                if let Some(topic) = thread.topic {
                    parts.push(texts.topic(topic).to_owned());
                }
                parts.join(" · ")
            }
        };
        let facts = {
            let thread = thread.clone();
            move || {
                let texts = lang().texts();
                let none = t().not_given;
                view! {
                    <dl class="booking-facts">
                        <dt>{t().label_role}</dt><dd>{texts.role(thread.role)}</dd>
                        <dt>{t().label_age}</dt><dd>{thread.age_band.map_or(none, |b| texts.age_band(b))}</dd>
                        <dt>{t().label_topic}</dt><dd>{thread.topic.map_or(none, |x| texts.topic(x))}</dd>
                    </dl>
                }
            }
        };
        let who = {
            let thread = thread.clone();
            move || holder(lang(), &thread)
        };
        let letters = view
            .all
            .iter()
            .map(|letter| {
                let own = letter.from == "writer";
                let at = date_time(letter.at);
                let name = letter.counsellor.clone().unwrap_or_default();
                let header = move || {
                    if own {
                        fill(t().writer_wrote, "date", &at)
                    } else {
                        fill(&fill(t().counsellor_wrote, "name", &name), "date", &at)
                    }
                };
                let text = letter.text.clone();
                view! {
                    <li class=if own { "letter-text writer" } else { "letter-text counsellor" }>
                        <p class="letter-meta">{header}</p>
                        <p class="letter-body">{move || text.clone().unwrap_or_else(|| t().unreadable.to_owned())}</p>
                    </li>
                }
            })
            .collect_view();
        let submit = move |ev: SubmitEvent| {
            ev.prevent_default();
            run(
                "POST",
                "send",
                serde_json::json!({ "text": answer.get_untracked() }),
                |l, answered| {
                    if answered["sent"] == "for_review" {
                        l.letters().sent_for_review
                    } else {
                        l.letters().sent
                    }
                },
            );
        };
        let colleague_draft = (!mine_or_free).then(|| view.draft.clone()).flatten();
        view! {
            <article class="letter-thread" aria-labelledby="letter-heading">
                <p><button type="button" class="quiet" on:click=move |_| {
                    open.set(None);
                    focus_later("letters-heading");
                }>{move || t().back}</button></p>
                <h3 id="letter-heading" tabindex="-1">{heading}</h3>
                {facts}
                <RiskWords words=thread.risk_words.clone() />
                <p class="letter-holder">{who}</p>
                <ol class="letter-texts" aria-label=move || t().heading>{letters}</ol>
                {colleague_draft.map(|draft| view! {
                    <section class="letter-draft" aria-label=move || t().colleague_draft>
                        <h4>{move || t().colleague_draft}</h4>
                        <p class="letter-body">{draft}</p>
                    </section>
                })}
                {(can_approve).then(|| view! {
                    <p><button type="button" class="button" on:click=move |_| run("POST", "approve", serde_json::json!({}), |l, _| l.letters().approved)>
                        {move || t().approve}
                    </button></p>
                })}
                {(waiting && thread.counsellor_id.is_none()).then(|| view! {
                    <p><button type="button" class="button secondary" on:click=move |_| run("POST", "claim", serde_json::json!({}), |l, _| l.letters().claimed)>
                        {move || t().claim}
                    </button></p>
                })}
                {(waiting && mine_or_free).then(|| view! {
                    <form class="booking-form letter-answer" on:submit=submit>
                        <label for="letter-answer">{move || t().answer_label}</label>
                        {review.then(|| view! { <p class="hint" id="letter-review-hint">{move || t().review_hint}</p> })}
                        <textarea id="letter-answer" rows="12" maxlength=max.to_string()
                            aria-describedby="letter-answer-count"
                            prop:value=move || answer.get()
                            on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
                        <p class="hint" id="letter-answer-count">
                            {move || fill(&fill(t().counter, "n", &answer.with(|a| a.chars().count()).to_string()), "max", &max.to_string())}
                        </p>
                        <div class="row-actions">
                            <button type="button" class="quiet" on:click=move |_| run(
                                "PUT", "draft", serde_json::json!({ "text": answer.get_untracked() }), |l, _| l.letters().saved,
                            )>{move || t().save_draft}</button>
                            <button type="submit" class="button">
                                {move || if review { t().send_for_review } else { t().send }}
                            </button>
                            {(thread.counsellor_id == Some(me)).then(|| view! {
                                <button type="button" class="quiet" on:click=move |_| run(
                                    "POST", "release", serde_json::json!({}), |l, _| l.letters().released,
                                )>{move || t().release}</button>
                            })}
                        </div>
                    </form>
                })}
            </article>
        }
    };
    view! {
        <section class="page letters" aria-labelledby="letters-heading">
            <h2 id="letters-heading" tabindex="-1">{move || t().heading}</h2>
            <div class="agenda-controls">
                <button type="button" class="quiet small" on:click=move |_| refresh()>{move || t().refresh}</button>
            </div>
            <p id="letters-problem" class="form-error" role="alert" tabindex="-1">{move || problem.get()}</p>
            <p id="letters-status" class="form-status" aria-live="polite" tabindex="-1">{move || status.get()}</p>
            {move || match open.get() {
                Some(view) => thread_view(view).into_any(),
                None => view! {
                    <h3>{move || t().queue_heading}</h3>
                    {move || {
                        let queue = lists.with(|l| l.queue.clone());
                        if queue.is_empty() {
                            loaded.get().then(|| view! { <p>{move || t().empty}</p> }).into_any()
                        } else {
                            view! { <ul class="bookings">{queue.into_iter().map(item).collect_view()}</ul> }.into_any()
                        }
                    }}
                    {move || {
                        let answered = lists.with(|l| l.answered.clone());
                        (!answered.is_empty()).then(|| view! {
                            <h3>{move || t().answered_heading}</h3>
                            <ul class="bookings">{answered.into_iter().map(item).collect_view()}</ul>
                        })
                    }}
                }.into_any(),
            }}
        </section>
    }
    .into_any()
}
