//! The settings pages, reached from the console's header: for coordinators
//! the service's name and texts, opening hours and closed dates, risk words
//! and the shared canned replies; for every counsellor their own canned
//! replies. Each section is saved on its own; the server checks it as it
//! checks the configuration file and answers a refusal with the field and
//! the reason, which is shown as it comes (nothing was changed).
//!
//! The text conversions (a line of ranges, a list of lines) are pure and
//! unit-tested on the host; the page itself is in the console bundle only.

/// Splits "14:00-16:00, 18:00-20:00" into ranges (blank parts dropped).
pub fn ranges(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One entry per non-blank line.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The server's refusal (`{"error":"invalid","field","message"}`) as
/// (field, message); `None` for anything else.
pub fn refusal(body: &str) -> Option<(String, String)> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let field = value.get("field")?.as_str()?.to_owned();
    let message = value
        .get("message")
        .and_then(|m| m.as_str())
        .unwrap_or_default()
        .to_owned();
    Some((field, message))
}

#[cfg(feature = "console")]
mod browser {
    use super::*;
    use crate::console::api;
    use crate::console::canned::Picker;
    use crate::console::model::ConsoleModel;
    use crate::console::texts::{ToolTexts, fill};
    use crate::protocol::console::{CannedReply, OpeningHoursConfig, RiskWords, SettingsView};
    use crate::service::ServiceInfo;
    use leptos::ev::SubmitEvent;
    use leptos::prelude::*;
    use leptos::task::spawn_local;

    /// How a save went, shown beside the section's button.
    #[derive(Clone, Debug, PartialEq, Eq)]
    enum Saved {
        Idle,
        Done,
        Refused(String, String),
        Failed,
    }

    fn saved_text(tools: &ToolTexts, saved: &Saved) -> String {
        match saved {
            Saved::Idle => String::new(),
            Saved::Done => tools.saved.to_owned(),
            Saved::Refused(field, message) => {
                fill(&fill(tools.refused, "field", field), "message", message)
            }
            Saved::Failed => tools.save_failed.to_owned(),
        }
    }

    /// Sends one section; on success the page shows what the server kept.
    fn save(
        section: &'static str,
        body: String,
        status: RwSignal<Saved>,
        view: RwSignal<Option<SettingsView>>,
    ) {
        spawn_local(async move {
            let path = format!("/api/settings/{section}");
            let result = api::request("PUT", &path, Some(&body)).await;
            status.set(match result {
                Ok((200, body)) => {
                    if let Ok(new) = serde_json::from_str::<SettingsView>(&body) {
                        view.set(Some(new));
                    }
                    Saved::Done
                }
                Ok((_, body)) => match refusal(&body) {
                    Some((field, message)) => Saved::Refused(field, message),
                    None => Saved::Failed,
                },
                Err(()) => Saved::Failed,
            });
        });
    }

    /// A section's status line (read out when it changes).
    #[component]
    fn Status(status: RwSignal<Saved>) -> impl IntoView {
        let model = expect_context::<ConsoleModel>();
        view! {
            <p
                class=move || match status.get() {
                    Saved::Refused(..) | Saved::Failed => "notice",
                    _ => "muted",
                }
                role="status"
            >
                {move || saved_text(model.lang.get().tools(), &status.get())}
            </p>
        }
    }

    /// The settings page.
    #[component]
    pub fn SettingsPage() -> impl IntoView {
        let model = expect_context::<ConsoleModel>();
        let tools = move || model.lang.get().tools();
        // None: loading or not a coordinator; `forbidden` tells which.
        let view_signal = RwSignal::new(None::<SettingsView>);
        let problem = RwSignal::new(None::<&'static str>);
        let loaded = Memo::new(move |_| view_signal.with(Option::is_some));
        spawn_local(async move {
            match api::request("GET", "/api/settings", None).await {
                Ok((200, body)) => match serde_json::from_str::<SettingsView>(&body) {
                    Ok(view) => view_signal.set(Some(view)),
                    Err(_) => problem.set(Some("unavailable")),
                },
                Ok((403, _)) => problem.set(Some("forbidden")),
                _ => problem.set(Some("unavailable")),
            }
        });
        view! {
            <div class="settings">
                <h2>{move || tools().settings_heading}</h2>
                {move || {
                    problem
                        .get()
                        .map(|p| {
                            let text = move || {
                                if p == "forbidden" {
                                    tools().settings_coordinators_only
                                } else {
                                    tools().settings_unavailable
                                }
                            };
                            view! { <p class="notice">{text}</p> }
                        })
                }}
                {move || {
                    // Rendered once loaded: a save must not rebuild the
                    // forms (and lose their status lines).
                    loaded
                        .get()
                        .then(|| view_signal.get_untracked())
                        .flatten()
                        .map(|current| {
                            view! {
                                <ServiceForm current=current.service.clone() view=view_signal />
                                <HoursForm current=current.opening_hours.clone() view=view_signal />
                                <RiskForm current=current.risk.clone() view=view_signal />
                            }
                        })
                }}
                <CannedForm coordinator=Signal::derive(move || view_signal.with(Option::is_some)) />
            </div>
        }
        .into_any()
    }

    /// Name, taglines, quick-exit address.
    #[component]
    fn ServiceForm(current: ServiceInfo, view: RwSignal<Option<SettingsView>>) -> impl IntoView {
        let model = expect_context::<ConsoleModel>();
        let tools = move || model.lang.get().tools();
        let name = RwSignal::new(current.name.clone());
        let tagline_da = RwSignal::new(current.tagline.da.clone());
        let tagline_en = RwSignal::new(current.tagline.en.clone());
        let quick_exit = RwSignal::new(current.quick_exit_url.clone());
        let status = RwSignal::new(Saved::Idle);
        let base = StoredValue::new(current);
        let submit = move |ev: SubmitEvent| {
            ev.prevent_default();
            let mut service = base.get_value();
            service.name = name.get_untracked();
            service.tagline.da = tagline_da.get_untracked();
            service.tagline.en = tagline_en.get_untracked();
            service.quick_exit_url = quick_exit.get_untracked();
            let body = serde_json::to_string(&service).unwrap_or_default();
            save("service", body, status, view);
        };
        view! {
            <form class="settings-section" on:submit=submit>
                <h3>{move || tools().service_heading}</h3>
                <label>{move || tools().service_name}<input type="text" required bind:value=name /></label>
                <label>{move || tools().tagline_da}<input type="text" lang="da" bind:value=tagline_da /></label>
                <label>{move || tools().tagline_en}<input type="text" lang="en" bind:value=tagline_en /></label>
                <label>{move || tools().quick_exit}<input type="url" bind:value=quick_exit /></label>
                <button type="submit" class="button">{move || tools().save}</button>
                <Status status />
            </form>
        }
    }

    /// The weekly schedule and closed dates.
    #[component]
    fn HoursForm(
        current: OpeningHoursConfig,
        view: RwSignal<Option<SettingsView>>,
    ) -> impl IntoView {
        let model = expect_context::<ConsoleModel>();
        let tools = move || model.lang.get().tools();
        let days = [
            &current.mon,
            &current.tue,
            &current.wed,
            &current.thu,
            &current.fri,
            &current.sat,
            &current.sun,
        ]
        .map(|list| RwSignal::new(list.join(", ")));
        let closed = RwSignal::new(current.closed.join("\n"));
        let status = RwSignal::new(Saved::Idle);
        let submit = move |ev: SubmitEvent| {
            ev.prevent_default();
            let day = |i: usize| ranges(&days[i].get_untracked());
            let config = OpeningHoursConfig {
                mon: day(0),
                tue: day(1),
                wed: day(2),
                thu: day(3),
                fri: day(4),
                sat: day(5),
                sun: day(6),
                closed: lines(&closed.get_untracked()),
            };
            let body = serde_json::to_string(&config).unwrap_or_default();
            save("opening_hours", body, status, view);
        };
        view! {
            <form class="settings-section" on:submit=submit>
                <h3>{move || tools().hours_heading}</h3>
                <p class="hint" id="hours-hint">{move || tools().hours_hint}</p>
                {days
                    .into_iter()
                    .enumerate()
                    .map(|(i, value)| {
                        view! {
                            <label>
                                {move || tools().weekdays[i]}
                                <input type="text" aria-describedby="hours-hint" bind:value=value />
                            </label>
                        }
                    })
                    .collect_view()}
                <label>
                    {move || tools().closed_dates}
                    <textarea rows="4" aria-describedby="closed-hint" bind:value=closed></textarea>
                </label>
                <p class="hint" id="closed-hint">{move || tools().closed_hint}</p>
                <button type="submit" class="button">{move || tools().save}</button>
                <Status status />
            </form>
        }
    }

    /// The risk word lists, one word or phrase per line.
    #[component]
    fn RiskForm(current: RiskWords, view: RwSignal<Option<SettingsView>>) -> impl IntoView {
        let model = expect_context::<ConsoleModel>();
        let tools = move || model.lang.get().tools();
        let da = RwSignal::new(current.da.join("\n"));
        let en = RwSignal::new(current.en.join("\n"));
        let status = RwSignal::new(Saved::Idle);
        let submit = move |ev: SubmitEvent| {
            ev.prevent_default();
            let words = RiskWords {
                da: lines(&da.get_untracked()),
                en: lines(&en.get_untracked()),
            };
            let body = serde_json::to_string(&words).unwrap_or_default();
            save("risk", body, status, view);
        };
        view! {
            <form class="settings-section" on:submit=submit>
                <h3>{move || tools().risk_heading}</h3>
                <p class="hint" id="risk-hint">{move || tools().risk_hint}</p>
                <label>
                    {move || tools().risk_da}
                    <textarea rows="8" lang="da" aria-describedby="risk-hint" bind:value=da></textarea>
                </label>
                <label>
                    {move || tools().risk_en}
                    <textarea rows="8" lang="en" aria-describedby="risk-hint" bind:value=en></textarea>
                </label>
                <button type="submit" class="button">{move || tools().save}</button>
                <Status status />
            </form>
        }
    }

    /// Canned replies: the list (with delete) and a form to add one.
    #[component]
    fn CannedForm(coordinator: Signal<bool>) -> impl IntoView {
        let model = expect_context::<ConsoleModel>();
        let picker = expect_context::<Picker>();
        let tools = move || model.lang.get().tools();
        let lang = RwSignal::new("da".to_owned());
        let shortcut = RwSignal::new(String::new());
        let text = RwSignal::new(String::new());
        let shared = RwSignal::new(false);
        let status = RwSignal::new(Saved::Idle);
        let reload = move || crate::console::canned::load(picker);
        reload();
        let submit = move |ev: SubmitEvent| {
            ev.prevent_default();
            let body = serde_json::json!({
                "shared": shared.get_untracked(),
                "lang": lang.get_untracked(),
                "shortcut": shortcut.get_untracked(),
                "text": text.get_untracked(),
            })
            .to_string();
            spawn_local(async move {
                let result = api::request("POST", "/api/canned", Some(&body)).await;
                status.set(match result {
                    Ok((201, _)) => {
                        shortcut.set(String::new());
                        text.set(String::new());
                        reload();
                        Saved::Done
                    }
                    Ok((_, body)) => match refusal(&body) {
                        Some((field, message)) => Saved::Refused(field, message),
                        None => Saved::Failed,
                    },
                    Err(()) => Saved::Failed,
                });
            });
        };
        let delete = move |reply: CannedReply| {
            spawn_local(async move {
                let path = format!("/api/canned/{}", reply.id);
                let result = api::request("DELETE", &path, Some("{}")).await;
                status.set(match result {
                    Ok((204, _)) => {
                        reload();
                        Saved::Done
                    }
                    _ => Saved::Failed,
                });
            });
        };
        view! {
            <section class="settings-section" aria-labelledby="canned-heading">
                <h3 id="canned-heading">{move || tools().canned_heading}</h3>
                <ul class="canned-all">
                    {move || {
                        picker
                            .replies
                            .get()
                            .into_iter()
                            .map(|reply| {
                                let label = fill(tools().canned_delete, "shortcut", &reply.shortcut);
                                let can_delete = !reply.shared || coordinator.get();
                                let badge = if reply.shared { tools().canned_shared } else { tools().canned_own };
                                let item = reply.clone();
                                view! {
                                    <li>
                                        <span class="shortcut">"/"{reply.shortcut.clone()}</span>
                                        " "
                                        <span class="tag">{reply.lang.clone()}</span>
                                        " "
                                        <span class="muted">{badge}</span>
                                        <p class="canned-text">{reply.text.clone()}</p>
                                        {can_delete
                                            .then(|| {
                                                view! {
                                                    <button
                                                        type="button"
                                                        class="quiet small"
                                                        on:click=move |_| delete(item.clone())
                                                    >
                                                        {label}
                                                    </button>
                                                }
                                            })}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <form on:submit=submit>
                    <label>
                        {move || tools().canned_lang}
                        <select
                            prop:value=move || lang.get()
                            on:change=move |ev| lang.set(event_target_value(&ev))
                        >
                            <option value="da">{move || tools().languages[0]}</option>
                            <option value="en">{move || tools().languages[1]}</option>
                        </select>
                    </label>
                    <label>
                        {move || tools().canned_shortcut}
                        <input type="text" required maxlength="31" bind:value=shortcut />
                    </label>
                    <label>
                        {move || tools().canned_text}
                        <textarea rows="3" required maxlength="2000" bind:value=text></textarea>
                    </label>
                    {move || {
                        coordinator
                            .get()
                            .then(|| {
                                view! {
                                    <label class="check">
                                        <input type="checkbox" bind:checked=shared />
                                        {move || tools().canned_make_shared}
                                    </label>
                                }
                            })
                    }}
                    <button type="submit" class="button">{move || tools().canned_add}</button>
                    <Status status />
                </form>
            </section>
        }
    }
}

#[cfg(feature = "console")]
pub use browser::{SettingsPage, SettingsPageProps};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_of_ranges_becomes_the_days_list() {
        assert_eq!(
            ranges(" 14:00-16:00, 18:00-20:00 ,"),
            vec!["14:00-16:00", "18:00-20:00"]
        );
        assert!(ranges("  ").is_empty(), "empty: closed that day");
    }

    #[test]
    fn one_entry_per_non_blank_line() {
        assert_eq!(
            lines("selvmord\n\n  tage mit liv  \n"),
            vec!["selvmord", "tage mit liv"]
        );
    }

    #[test]
    fn a_refusal_names_the_field_and_the_reason() {
        let body = r#"{"error":"invalid","field":"opening_hours.mon","message":"bad"}"#;
        assert_eq!(
            refusal(body),
            Some(("opening_hours.mon".into(), "bad".into()))
        );
        assert_eq!(refusal(r#"{"error":"forbidden"}"#), None);
        assert_eq!(refusal("not json"), None);
    }
}
