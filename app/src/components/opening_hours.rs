use crate::i18n::use_i18n;
use crate::service::ChatHours;
use leptos::prelude::*;

/// Whether the chat is open now and, when it is not, when it opens and the
/// week's hours. The server works it out in Copenhagen time for this page
/// load, so a phone with a wrong clock or time zone still reads it right.
#[component]
pub fn ChatOpenStatus() -> impl IntoView {
    let i18n = use_i18n();
    let hours = expect_context::<ChatHours>();
    let status = {
        let hours = hours.clone();
        move || {
            let t = i18n.t();
            if hours.open_now {
                match &hours.closes_at {
                    Some(time) => t.chat_open_until.replace("{time}", time),
                    None => t.chat_open.to_owned(),
                }
            } else {
                let next = match &hours.next_opening {
                    Some(when) => t.chat_opens.replace("{when}", when.get(i18n.lang())),
                    None => t.chat_opens_unknown.to_owned(),
                };
                format!("{} {next}", t.chat_closed)
            }
        }
    };
    let class = if hours.open_now {
        "open-status open"
    } else {
        "open-status closed"
    };
    let week = (!hours.open_now).then(|| {
        let rows = hours.weekly.clone();
        view! {
            <table class="hours">
                <caption>{i18n.text(|t| t.hours_heading)}</caption>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(days, times)| view! {
                            <tr>
                                <th scope="row">{move || days.get(i18n.lang()).to_owned()}</th>
                                <td>{move || times.get(i18n.lang()).to_owned()}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
    });
    view! {
        <p class=class>{status}</p>
        {week}
    }
}
