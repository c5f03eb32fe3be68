//! Group courses (coordinators): the list with seats and waiting lists,
//! creating a course (from the standard parent-group template or with own
//! sessions in Copenhagen time), and each course's evaluation results.

use super::agenda::booking_error;
use super::api::{self, ApiError};
use super::booking::{AUDIENCES, Course, Results, average, parse_sessions};
use super::model::ConsoleModel;
use super::team::focus_later;
use super::texts::{Lang, fill};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What went wrong: a session line that cannot be read, or the server.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Problem {
    Line(usize),
    Api(ApiError),
}

/// The courses page.
#[component]
pub fn CoursesPage() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let lang = move || model.lang.get();
    let t = move || lang().booking();
    let courses = RwSignal::new(Vec::<Course>::new());
    let problem = RwSignal::new(None::<Problem>);
    let status = RwSignal::new(String::new());
    let results = RwSignal::new(None::<(String, Results)>);
    let refresh = move || {
        spawn_local(async move {
            match api::call("GET", "/api/groups", None)
                .await
                .and_then(api::decode::<Vec<Course>>)
            {
                Ok(list) => courses.set(list),
                Err(error) => problem.set(Some(Problem::Api(error))),
            }
        });
    };
    refresh();
    let show_results = move |course: Course| {
        problem.set(None);
        spawn_local(async move {
            let path = format!("/api/groups/{}/evaluations", course.id);
            match api::call("GET", &path, None)
                .await
                .and_then(api::decode::<Results>)
            {
                Ok(found) => {
                    results.set(Some((course.name, found)));
                    focus_later("course-results");
                }
                Err(error) => {
                    problem.set(Some(Problem::Api(error)));
                    focus_later("courses-problem");
                }
            }
        });
    };
    // The form.
    let name = RwSignal::new(String::new());
    let audience = RwSignal::new(AUDIENCES[0].to_owned());
    let place = RwSignal::new(String::new());
    let capacity = RwSignal::new("10".to_owned());
    let template = RwSignal::new(true);
    let first = RwSignal::new(String::new());
    let start = RwSignal::new("18:00".to_owned());
    let sessions = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        status.set(String::new());
        let seats: u16 = capacity.get_untracked().trim().parse().unwrap_or(0);
        let body = if template.get_untracked() {
            serde_json::json!({
                "template": "parent_group",
                "name": name.get_untracked(),
                "place": place.get_untracked(),
                "capacity": seats,
                "first_evening": first.get_untracked().trim(),
                "start": start.get_untracked().trim(),
            })
        } else {
            match parse_sessions(&sessions.get_untracked()) {
                Ok(list) => serde_json::json!({
                    "name": name.get_untracked(),
                    "audience": audience.get_untracked(),
                    "place": place.get_untracked(),
                    "capacity": seats,
                    "local_sessions": list,
                }),
                Err(line) => {
                    problem.set(Some(Problem::Line(line)));
                    focus_later("courses-problem");
                    return;
                }
            }
        };
        problem.set(None);
        spawn_local(async move {
            match api::call("POST", "/api/groups", Some(body)).await {
                Ok(_) => {
                    status.set(t().created.to_owned());
                    name.set(String::new());
                    place.set(String::new());
                    sessions.set(String::new());
                    focus_later("courses-status");
                    refresh();
                }
                Err(error) => {
                    problem.set(Some(Problem::Api(error)));
                    focus_later("courses-problem");
                }
            }
        });
    };
    let audience_name = move |key: &str| {
        if key == AUDIENCES[1] {
            t().audiences[1]
        } else {
            t().audiences[0]
        }
    };
    let row = move |course: Course| {
        let seats = fill(
            &fill(
                &fill(t().seats, "enrolled", &course.enrolled.to_string()),
                "capacity",
                &course.capacity.to_string(),
            ),
            "waiting",
            &course.waiting.to_string(),
        );
        let dates = course
            .local_sessions
            .iter()
            .map(|s| format!("{} {}–{}", s.day, s.from, s.to))
            .collect::<Vec<_>>();
        let label = format!("{}: {}", t().show_results, course.name);
        let for_results = course.clone();
        view! {
            <tr>
                <th scope="row">{course.name.clone()}</th>
                <td>{audience_name(&course.audience)}</td>
                <td>{course.place.clone()}</td>
                <td>{seats}</td>
                <td><ul class="plain">{dates.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul></td>
                <td>
                    <button type="button" class="quiet small" aria-label=label
                        on:click=move |_| show_results(for_results.clone())>
                        {move || t().show_results}
                    </button>
                </td>
            </tr>
        }
    };
    let problem_text = move || {
        problem.get().map(|p| match p {
            Problem::Line(n) => fill(t().session_line_bad, "n", &n.to_string()),
            Problem::Api(error) => booking_error(lang(), &error),
        })
    };
    view! {
        <section class="page courses" aria-labelledby="courses-heading">
            <h2 id="courses-heading">{move || t().courses_heading}</h2>
            <p id="courses-problem" class="form-error" role="alert" tabindex="-1">{problem_text}</p>
            <p id="courses-status" class="form-status" aria-live="polite" tabindex="-1">{move || status.get()}</p>
            {move || if courses.with(Vec::is_empty) {
                view! { <p>{move || t().no_courses}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="table">
                            <thead><tr>
                                {move || t().columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
                            </tr></thead>
                            <tbody>{move || courses.get().into_iter().map(row).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {move || results.get().map(|(course, found)| {
                let da = lang() == Lang::Da;
                view! {
                    <section class="course-results" aria-labelledby="course-results">
                        <h3 id="course-results" tabindex="-1">{fill(t().results_heading, "name", &course)}</h3>
                        <p>{fill(t().answers, "n", &found.answers.to_string())}</p>
                        {if found.answers == 0 {
                            view! { <p>{move || t().no_answers}</p> }.into_any()
                        } else {
                            view! {
                                <dl class="booking-facts">
                                    <dt>{t().scales[0]}</dt><dd>{average(found.helpful, da)}</dd>
                                    <dt>{t().scales[1]}</dt><dd>{average(found.understood, da)}</dd>
                                    <dt>{t().scales[2]}</dt><dd>{average(found.recommend, da)}</dd>
                                </dl>
                                <h4>{t().comments}</h4>
                                <ul>{found.comments.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
                            }.into_any()
                        }}
                    </section>
                }
            })}
            <form class="stack-form course-form" on:submit=submit novalidate>
                <h3>{move || t().create_heading}</h3>
                <label for="course-name">{move || t().field_name}</label>
                <input id="course-name" type="text" required maxlength="100"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <label for="course-place">{move || t().field_place}</label>
                <input id="course-place" type="text" required maxlength="200"
                    prop:value=move || place.get() on:input=move |ev| place.set(event_target_value(&ev)) />
                <label for="course-capacity">{move || t().field_capacity}</label>
                <input id="course-capacity" type="number" min="1" max="100" required
                    prop:value=move || capacity.get() on:input=move |ev| capacity.set(event_target_value(&ev)) />
                <fieldset>
                    <legend>{move || t().sessions_legend}</legend>
                    <label class="check">
                        <input type="radio" name="course-how" prop:checked=move || template.get()
                            on:change=move |_| template.set(true) />
                        {move || t().use_template}
                    </label>
                    <label class="check">
                        <input type="radio" name="course-how" prop:checked=move || !template.get()
                            on:change=move |_| template.set(false) />
                        {move || t().own_sessions}
                    </label>
                </fieldset>
                {move || if template.get() {
                    view! {
                        <label for="course-first">{move || t().field_first_evening}</label>
                        <input id="course-first" type="date" required
                            prop:value=move || first.get() on:input=move |ev| first.set(event_target_value(&ev)) />
                        <label for="course-start">{move || t().field_start}</label>
                        <input id="course-start" type="text" inputmode="numeric" size="5" required
                            prop:value=move || start.get() on:input=move |ev| start.set(event_target_value(&ev)) />
                    }.into_any()
                } else {
                    view! {
                        <label for="course-audience">{move || t().field_audience}</label>
                        <select id="course-audience" on:change=move |ev| audience.set(event_target_value(&ev))>
                            {AUDIENCES.iter().map(|a| view! {
                                <option value=*a selected=move || audience.get() == *a>{move || audience_name(a)}</option>
                            }).collect_view()}
                        </select>
                        <label for="course-sessions">{move || t().field_sessions}</label>
                        <textarea id="course-sessions" rows="6"
                            prop:value=move || sessions.get() on:input=move |ev| sessions.set(event_target_value(&ev))></textarea>
                    }.into_any()
                }}
                <button type="submit" class="button">{move || t().create}</button>
            </form>
        </section>
    }
    .into_any()
}
