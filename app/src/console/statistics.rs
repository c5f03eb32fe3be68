//! The coordinators' statistics dashboard: a month (or a whole year)
//! picked with a month field, a year field or the previous/next buttons;
//! the figures as bar charts drawn in SVG, each beside a table with the
//! same numbers (a screen reader reads the table; the chart itself has a
//! one-line summary as its name); links to the CSV and the printable
//! report. The figures here are exact: this is the coordinators' own view.
//! The exports suppress small numbers (the server does that).

use super::api::{self, ApiError};
use super::model::ConsoleModel;
use super::stats_texts::{duration, period_name, word};
use super::texts::{Lang, fill};
use crate::protocol::statistics::{Count, Report, Spread, step_period};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

/// The current month in the browser's time, `YYYY-MM`.
fn this_month() -> String {
    let now = js_sys::Date::new(&JsValue::from_f64(js_sys::Date::now()));
    format!("{:04}-{:02}", now.get_full_year(), now.get_month() + 1)
}

/// Why the figures are not shown.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Problem {
    BadPeriod,
    Failed,
}

/// The dashboard.
#[component]
pub fn StatisticsPage() -> impl IntoView {
    let model = expect_context::<ConsoleModel>();
    let lang = move || model.lang.get();
    let t = move || lang().stats();
    let period = RwSignal::new(this_month());
    let report = RwSignal::new(None::<Report>);
    let problem = RwSignal::new(None::<Problem>);
    let loading = RwSignal::new(false);

    Effect::new(move |_| {
        let wanted = period.get();
        loading.set(true);
        problem.set(None);
        spawn_local(async move {
            let path = format!("/api/statistics?period={wanted}");
            let answer = api::call("GET", &path, None)
                .await
                .and_then(api::decode::<Report>);
            // An answer for a period no longer asked for is dropped.
            if period.get_untracked() != wanted {
                return;
            }
            loading.set(false);
            match answer {
                Ok(found) => report.set(Some(found)),
                Err(ApiError { code, .. }) => {
                    report.set(None);
                    problem.set(Some(if code == "bad_period" {
                        Problem::BadPeriod
                    } else {
                        Problem::Failed
                    }));
                }
            }
        });
    });

    let is_year = move || period.with(|p| !p.contains('-'));
    let step = move |delta: i32| {
        if let Some(next) = step_period(&period.get_untracked(), delta) {
            period.set(next);
        }
    };
    let set_kind = move |year: bool| {
        let current = period.get_untracked();
        let year_part = current.get(..4).unwrap_or("2026").to_owned();
        period.set(if year {
            year_part
        } else if current.contains('-') {
            current
        } else {
            format!("{year_part}-01")
        });
    };
    let status = move || {
        if loading.get() {
            Some(t().loading.to_owned())
        } else {
            problem.get().map(|p| match p {
                Problem::BadPeriod => t().bad_period.to_owned(),
                Problem::Failed => t().failed.to_owned(),
            })
        }
    };
    let csv_href = move || {
        format!(
            "/api/statistics/csv?period={}&lang={}",
            period.get(),
            lang().code()
        )
    };
    let report_href = move || {
        format!(
            "/api/statistics/report?period={}&lang={}",
            period.get(),
            lang().code()
        )
    };

    view! {
        <section class="page stats" aria-labelledby="stats-heading">
            <h2 id="stats-heading">{move || t().heading}</h2>
            <form class="stats-period" on:submit=|ev| ev.prevent_default()>
                <fieldset>
                    <legend>{move || t().period_legend}</legend>
                    <label class="check">
                        <input type="radio" name="stats-kind" prop:checked=move || !is_year()
                            on:change=move |_| set_kind(false) />
                        {move || t().kind_month}
                    </label>
                    <label class="check">
                        <input type="radio" name="stats-kind" prop:checked=is_year
                            on:change=move |_| set_kind(true) />
                        {move || t().kind_year}
                    </label>
                </fieldset>
                {move || if is_year() {
                    view! {
                        <label for="stats-year">{move || t().year_field}</label>
                        <input id="stats-year" type="number" min="2000" max="2100" required
                            prop:value=move || period.get()
                            on:change=move |ev| {
                                let value = event_target_value(&ev);
                                if value.len() == 4 { period.set(value) }
                            } />
                    }.into_any()
                } else {
                    view! {
                        <label for="stats-month">{move || t().month_field}</label>
                        <input id="stats-month" type="month" min="2000-01" max="2100-12" required
                            prop:value=move || period.get()
                            on:change=move |ev| {
                                let value = event_target_value(&ev);
                                if step_period(&value, 0).is_some() { period.set(value) }
                            } />
                    }.into_any()
                }}
                <div class="row-actions">
                    <button type="button" class="quiet" on:click=move |_| step(-1)>
                        <span aria-hidden="true">"← "</span>{move || t().previous}
                    </button>
                    <button type="button" class="quiet" on:click=move |_| step(1)>
                        {move || t().next}<span aria-hidden="true">" →"</span>
                    </button>
                </div>
            </form>
            <p class="stats-links">
                <a class="button" href=csv_href download>{move || t().csv}</a>
                <a class="quiet link-button" href=report_href target="_blank" rel="noopener">
                    {move || t().printable}
                </a>
            </p>
            <p class="form-status" role="status" aria-live="polite">{status}</p>
            {move || report.get().map(|r| view! { <Figures report=r lang=lang() /> })}
            <p class="note">{move || t().exact_note}</p>
        </section>
    }
    .into_any()
}

/// Every figure of one report.
#[component]
fn Figures(report: Report, lang: Lang) -> impl IntoView {
    let t = lang.stats();
    let title = format!(
        "{} · {}",
        period_name(lang, &report.period),
        fill(&fill(t.span, "from", &report.from), "to", &report.to)
    );
    let named = |counts: &[Count]| -> Vec<(String, u64)> {
        counts.iter().map(|c| (word(lang, &c.key), c.n)).collect()
    };
    let key_figures = [
        ("contacts", report.contacts),
        ("unique_persons", report.unique_persons),
        ("conversions", report.conversions),
        ("active_cases", report.active_cases),
        ("consultant_tasks", report.consultant_tasks),
        ("parent_groups", report.parent_groups),
    ];
    let spread = |spread: &Spread| -> [String; 2] {
        let show = |ms: Option<i64>| ms.map_or_else(|| t.none.to_owned(), |ms| duration(lang, ms));
        [show(spread.median_ms), show(spread.p90_ms)]
    };
    let [wait_median, wait_p90] = spread(&report.queue_wait);
    let [reply_median, reply_p90] = spread(&report.reply_time);
    let [letter_median, letter_p90] = spread(&report.letter_wait);
    let quality = vec![
        ("queue_taken", report.queue_wait.n.to_string()),
        ("queue_wait_median", wait_median),
        ("queue_wait_p90", wait_p90),
        ("left_waiting", report.left_waiting.to_string()),
        ("reply_talks", report.reply_time.n.to_string()),
        ("reply_median", reply_median),
        ("reply_p90", reply_p90),
        ("letters_answered", report.letter_wait.n.to_string()),
        ("letter_wait_median", letter_median),
        ("letter_wait_p90", letter_p90),
    ];
    let mean = |value: Option<f64>| {
        value.map_or_else(
            || t.none.to_owned(),
            |m| {
                let text = format!("{m:.1}");
                if lang == Lang::Da {
                    text.replace('.', ",")
                } else {
                    text
                }
            },
        )
    };
    let groups = vec![
        ("parent_groups", report.parent_groups.to_string()),
        (
            "parent_participants",
            report.parent_participants.to_string(),
        ),
        ("youth_groups", report.youth_groups.to_string()),
        ("youth_participants", report.youth_participants.to_string()),
        ("group_sessions", report.group_sessions.to_string()),
        ("evaluations", report.evaluations.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (word(lang, k), v))
    .chain(report.evaluation_means.iter().map(|m| {
        (
            format!("{}: {}", word(lang, "evaluation_mean"), word(lang, &m.key)),
            mean(m.mean),
        )
    }))
    .collect::<Vec<_>>();
    let treatment = [
        ("conversions", report.conversions),
        ("activated", report.activated),
        ("closed", report.closed),
        ("active_cases", report.active_cases),
        ("cases_in_treatment", report.cases_in_treatment),
    ];
    let bookings = vec![
        (word(lang, "booked"), report.booked),
        (word(lang, "attended"), report.attended),
        (word(lang, "no_show"), report.no_show),
        (word(lang, "cancelled"), report.cancelled),
    ];
    let new_returning = vec![
        (word(lang, "new"), report.new_contacts),
        (word(lang, "returning"), report.returning_contacts),
    ];
    view! {
        <h3 class="stats-title">{title}</h3>
        <dl class="stats-keys">
            {key_figures.into_iter().map(|(key, n)| view! {
                <div><dt>{word(lang, key)}</dt><dd>{n}</dd></div>
            }).collect_view()}
        </dl>
        <h3>{word(lang, "section_contacts")}</h3>
        <div class="stats-charts">
            <BarChart id="by-channel" title=word(lang, "by_channel") rows=named(&report.by_channel) lang=lang />
            <BarChart id="by-role" title=word(lang, "by_role") rows=named(&report.by_role) lang=lang />
            <BarChart id="by-age" title=word(lang, "by_age_band") rows=named(&report.by_age_band) lang=lang />
            <BarChart id="by-topic" title=word(lang, "by_topic") rows=named(&report.by_topic) lang=lang />
            <BarChart id="new-returning" title=word(lang, "new_returning") rows=new_returning lang=lang />
            <BarChart id="course-lengths" title=word(lang, "course_lengths") rows=named(&report.course_lengths) lang=lang />
            <BarChart id="consultant" title=word(lang, "consultant_by_channel") rows=named(&report.consultant_by_channel) lang=lang />
            <BarChart id="bookings" title=word(lang, "section_quality") rows=bookings lang=lang />
        </div>
        <ProgressChart report=report.clone() lang=lang />
        <div class="stats-tables">
            <FactTable id="treatment" title=word(lang, "section_treatment")
                rows=treatment.iter().map(|(k, n)| (word(lang, k), n.to_string())).collect() lang=lang />
            <FactTable id="groups" title=word(lang, "section_groups") rows=groups lang=lang />
            <FactTable id="quality" title=word(lang, "section_quality")
                rows=quality.into_iter().map(|(k, v)| (word(lang, k), v)).collect() lang=lang />
        </div>
    }
}

/// A horizontal bar chart in SVG with the same numbers in a table beside
/// it. The SVG's name summarises it for screen readers; the table is the
/// accessible detail.
#[component]
fn BarChart(
    /// Unique on the page (ids of the caption).
    id: &'static str,
    /// The chart's title.
    title: String,
    /// Label and count, in order.
    rows: Vec<(String, u64)>,
    /// The language of the table's headings.
    lang: Lang,
) -> impl IntoView {
    let t = lang.stats();
    const ROW: f64 = 26.0;
    const LABEL: f64 = 170.0;
    const BARS: f64 = 190.0;
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let height = ROW * rows.len() as f64 + 4.0;
    let summary = format!(
        "{title}: {}",
        rows.iter()
            .map(|(label, n)| format!("{label} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let caption = format!("chart-{id}");
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, (label, n))| {
            let y = ROW * i as f64 + 2.0;
            let width = if *n == 0 { 0.0 } else { (BARS * *n as f64 / max).max(2.0) };
            view! {
                <text class="chart-label" x=LABEL - 8.0 y=y + ROW / 2.0 text-anchor="end" dominant-baseline="middle">{label.clone()}</text>
                <rect class="chart-bar" x=LABEL y=y + 4.0 width=width height=ROW - 8.0 rx="3" />
                <text class="chart-value" x=LABEL + width + 6.0 y=y + ROW / 2.0 dominant-baseline="middle">{*n}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption id=caption>{title.clone()}</figcaption>
            <div class="chart-body">
                <svg class="chart-svg" viewBox=format!("0 0 400 {height}") role="img" aria-label=summary
                    preserveAspectRatio="xMinYMin meet">
                    {bars}
                </svg>
                <table class="table chart-table">
                    <thead><tr>
                        <th scope="col">{t.column_what}</th>
                        <th scope="col" class="number">{t.column_count}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(label, n)| view! {
                            <tr><th scope="row">{label}</th><td class="number">{n}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </figure>
    }
}

/// The yearly minimums: per minimum a track (the minimum), the bar done so
/// far this year and a mark where the year should be by now; and the table.
#[component]
fn ProgressChart(report: Report, lang: Lang) -> impl IntoView {
    let t = lang.stats();
    const ROW: f64 = 34.0;
    const LABEL: f64 = 170.0;
    const BARS: f64 = 200.0;
    let title = fill(t.progress_heading, "n", &report.counsellors.to_string());
    let height = ROW * report.progress.len() as f64 + 4.0;
    let summary = format!(
        "{title}: {}",
        report
            .progress
            .iter()
            .map(|p| format!("{} {} / {}", word(lang, &p.key), p.done, p.target))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let bars = report
        .progress
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let y = ROW * i as f64 + 2.0;
            let scale = |n: u64| BARS * (n as f64 / p.target.max(1) as f64).min(1.0);
            let done = scale(p.done);
            let due = LABEL + scale(p.due);
            view! {
                <text class="chart-label" x=LABEL - 8.0 y=y + ROW / 2.0 text-anchor="end" dominant-baseline="middle">{word(lang, &p.key)}</text>
                <rect class="chart-track" x=LABEL y=y + 7.0 width=BARS height=ROW - 14.0 rx="3" />
                <rect class="chart-bar" x=LABEL y=y + 7.0 width=done height=ROW - 14.0 rx="3" />
                <line class="chart-due" x1=due x2=due y1=y + 3.0 y2=y + ROW - 3.0 />
                <text class="chart-value" x=LABEL + BARS + 6.0 y=y + ROW / 2.0 dominant-baseline="middle">{format!("{}/{}", p.done, p.target)}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart progress">
            <figcaption id="chart-progress">{title.clone()}</figcaption>
            <div class="chart-body">
                <svg class="chart-svg" viewBox=format!("0 0 430 {height}") role="img" aria-label=summary
                    preserveAspectRatio="xMinYMin meet">
                    {bars}
                </svg>
                <table class="table chart-table">
                    <thead><tr>
                        <th scope="col">{t.column_what}</th>
                        <th scope="col" class="number">{t.column_target}</th>
                        <th scope="col" class="number">{t.column_due}</th>
                        <th scope="col" class="number">{t.column_done}</th>
                    </tr></thead>
                    <tbody>
                        {report.progress.iter().map(|p| view! {
                            <tr>
                                <th scope="row">{word(lang, &p.key)}</th>
                                <td class="number">{p.target}</td>
                                <td class="number">{p.due}</td>
                                <td class="number">{p.done}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </figure>
    }
}

/// A titled table of figures.
#[component]
fn FactTable(
    /// Unique on the page.
    id: &'static str,
    /// The heading.
    title: String,
    /// Label and value.
    rows: Vec<(String, String)>,
    /// The language of the headings.
    lang: Lang,
) -> impl IntoView {
    let t = lang.stats();
    let heading = format!("facts-{id}");
    let labelled_by = heading.clone();
    view! {
        <section class="stats-facts" aria-labelledby=labelled_by>
            <h3 id=heading>{title}</h3>
            <table class="table">
                <thead><tr>
                    <th scope="col">{t.column_what}</th>
                    <th scope="col" class="number">{t.column_count}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|(label, value)| view! {
                        <tr><th scope="row">{label}</th><td class="number">{value}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
