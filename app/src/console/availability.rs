//! Own hours ("Mine tider"): the weekly hours and the dated exceptions
//! (extra hours or absences) a counsellor publishes for booking, loaded
//! from and saved to `/api/booking/availability`. Each row is checked
//! before sending (`booking::check_hours`), so the error names the row; the
//! server's own refusal is shown by the form too.

use super::agenda::booking_error;
use super::api::{self, ApiError};
use super::booking::{ExceptionHours, PublishedHours, RowProblem, WeeklyHours, check_hours};
use super::model::ConsoleModel;
use super::team::focus_later;
use super::texts::fill;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What went wrong with the form.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Problem {
    Row(RowProblem),
    Api(ApiError),
}

/// The own-hours page.
#[component]
pub fn AvailabilityPage() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let lang = move || model.lang.get();
    let t = move || lang().booking();
    let weekly = RwSignal::new(Vec::<WeeklyHours>::new());
    let exceptions = RwSignal::new(Vec::<ExceptionHours>::new());
    let problem = RwSignal::new(None::<Problem>);
    // The rows re-render only when one is added or removed, so a typed
    // change never takes the focus away from the next field.
    let weekly_len = Memo::new(move |_| weekly.with(Vec::len));
    let exceptions_len = Memo::new(move |_| exceptions.with(Vec::len));
    let status = RwSignal::new(String::new());
    spawn_local(async move {
        match api::call("GET", "/api/booking/availability", None)
            .await
            .and_then(api::decode::<PublishedHours>)
        {
            Ok(hours) => {
                weekly.set(hours.weekly);
                exceptions.set(hours.exceptions);
            }
            Err(error) => problem.set(Some(Problem::Api(error))),
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        status.set(String::new());
        let hours = PublishedHours {
            weekly: weekly.get_untracked(),
            exceptions: exceptions.get_untracked(),
        };
        if let Err(row) = check_hours(&hours) {
            problem.set(Some(Problem::Row(row)));
            focus_later("hours-problem");
            return;
        }
        problem.set(None);
        spawn_local(async move {
            let body = serde_json::to_value(&hours).unwrap_or_default();
            match api::call("PUT", "/api/booking/availability", Some(body)).await {
                Ok(_) => {
                    status.set(t().hours_saved.to_owned());
                    focus_later("hours-status");
                }
                Err(error) => {
                    problem.set(Some(Problem::Api(error)));
                    focus_later("hours-problem");
                }
            }
        });
    };
    let problem_text = move || {
        problem.get().map(|p| match p {
            Problem::Row(RowProblem::Weekly(i)) => fill(t().weekly_bad, "n", &(i + 1).to_string()),
            Problem::Row(RowProblem::Exception(i)) => {
                fill(t().exception_bad, "n", &(i + 1).to_string())
            }
            Problem::Api(error) => booking_error(lang(), &error),
        })
    };
    let bad_weekly = move |i: usize| problem.get() == Some(Problem::Row(RowProblem::Weekly(i)));
    let bad_exception =
        move |i: usize| problem.get() == Some(Problem::Row(RowProblem::Exception(i)));
    let weekly_row = move |i: usize, row: WeeklyHours| {
        let n = (i + 1).to_string();
        let (n1, n2, n3, n4) = (n.clone(), n.clone(), n.clone(), n);
        let set = move |f: &dyn Fn(&mut WeeklyHours)| {
            weekly.update(|rows| {
                if let Some(r) = rows.get_mut(i) {
                    f(r);
                }
            })
        };
        view! {
            <li class="hours-row">
                <select aria-label=move || fill(t().field_weekday, "n", &n1)
                    on:change=move |ev| {
                        let day = event_target_value(&ev).parse().unwrap_or(0);
                        set(&|r| r.weekday = day);
                    }>
                    {(0u8..7).map(|d| view! {
                        <option value=d.to_string() selected=row.weekday == d>
                            {move || t().weekdays[usize::from(d)]}
                        </option>
                    }).collect_view()}
                </select>
                <input type="text" class="clock" inputmode="numeric" size="5" placeholder="09:00" required value=row.from.clone()
                    aria-label=move || fill(t().field_from, "n", &n2)
                    aria-invalid=move || bad_weekly(i).to_string()
                    on:input=move |ev| { let v = event_target_value(&ev); set(&|r| r.from = v.clone()); } />
                <input type="text" class="clock" inputmode="numeric" size="5" placeholder="09:00" required value=row.to.clone()
                    aria-label=move || fill(t().field_to, "n", &n3)
                    aria-invalid=move || bad_weekly(i).to_string()
                    on:input=move |ev| { let v = event_target_value(&ev); set(&|r| r.to = v.clone()); } />
                <button type="button" class="quiet small"
                    aria-label=move || fill(t().remove_row, "n", &n4)
                    on:click=move |_| {
                        weekly.update(|rows| { if i < rows.len() { rows.remove(i); } });
                        focus_later("hours-add-weekly");
                    }>"✕"</button>
            </li>
        }
    };
    let exception_row = move |i: usize, row: ExceptionHours| {
        let n = (i + 1).to_string();
        let (n1, n2, n3, n4, n5) = (n.clone(), n.clone(), n.clone(), n.clone(), n);
        let set = move |f: &dyn Fn(&mut ExceptionHours)| {
            exceptions.update(|rows| {
                if let Some(r) = rows.get_mut(i) {
                    f(r);
                }
            })
        };
        view! {
            <li class="hours-row">
                <input type="date" required value=row.day.clone()
                    aria-label=move || fill(t().field_date, "n", &n1)
                    aria-invalid=move || bad_exception(i).to_string()
                    on:input=move |ev| { let v = event_target_value(&ev); set(&|r| r.day = v.clone()); } />
                <input type="text" class="clock" inputmode="numeric" size="5" placeholder="09:00" required value=row.from.clone()
                    aria-label=move || fill(t().field_from, "n", &n2)
                    aria-invalid=move || bad_exception(i).to_string()
                    on:input=move |ev| { let v = event_target_value(&ev); set(&|r| r.from = v.clone()); } />
                <input type="text" class="clock" inputmode="numeric" size="5" placeholder="09:00" required value=row.to.clone()
                    aria-label=move || fill(t().field_to, "n", &n3)
                    aria-invalid=move || bad_exception(i).to_string()
                    on:input=move |ev| { let v = event_target_value(&ev); set(&|r| r.to = v.clone()); } />
                <select aria-label=move || fill(t().field_available, "n", &n4)
                    on:change=move |ev| {
                        let available = event_target_value(&ev) == "extra";
                        set(&|r| r.available = available);
                    }>
                    <option value="absent" selected=!row.available>{move || t().absent}</option>
                    <option value="extra" selected=row.available>{move || t().extra_hours}</option>
                </select>
                <button type="button" class="quiet small"
                    aria-label=move || fill(t().remove_row, "n", &n5)
                    on:click=move |_| {
                        exceptions.update(|rows| { if i < rows.len() { rows.remove(i); } });
                        focus_later("hours-add-exception");
                    }>"✕"</button>
            </li>
        }
    };
    view! {
        <section class="page hours" aria-labelledby="hours-heading">
            <h2 id="hours-heading">{move || t().hours_heading}</h2>
            <p>{move || t().hours_intro}</p>
            <form on:submit=submit novalidate>
                <h3 id="hours-weekly">{move || t().weekly_heading}</h3>
                <ul class="hours-rows" aria-labelledby="hours-weekly">
                    {move || (0..weekly_len.get()).filter_map(|i| weekly.with_untracked(|r| r.get(i).cloned()).map(|r| weekly_row(i, r))).collect_view()}
                </ul>
                {move || weekly.with(Vec::is_empty).then(|| view! { <p>{move || t().no_rows}</p> })}
                <button id="hours-add-weekly" type="button" class="quiet"
                    on:click=move |_| {
                        weekly.update(|rows| rows.push(WeeklyHours {
                            weekday: 0, from: "09:00".into(), to: "15:00".into(),
                        }));
                    }>{move || t().add_weekly}</button>
                <h3 id="hours-exceptions">{move || t().exceptions_heading}</h3>
                <ul class="hours-rows" aria-labelledby="hours-exceptions">
                    {move || (0..exceptions_len.get()).filter_map(|i| exceptions.with_untracked(|r| r.get(i).cloned()).map(|r| exception_row(i, r))).collect_view()}
                </ul>
                {move || exceptions.with(Vec::is_empty).then(|| view! { <p>{move || t().no_rows}</p> })}
                <button id="hours-add-exception" type="button" class="quiet"
                    on:click=move |_| {
                        exceptions.update(|rows| rows.push(ExceptionHours {
                            day: String::new(), from: "00:00".into(), to: "24:00".into(), available: false,
                        }));
                    }>{move || t().add_exception}</button>
                <p id="hours-problem" class="form-error" role="alert" tabindex="-1">{problem_text}</p>
                <p id="hours-status" class="form-status" aria-live="polite" tabindex="-1">{move || status.get()}</p>
                <button type="submit" class="button">{move || t().save_hours}</button>
            </form>
        </section>
    }
    .into_any()
}
