use crate::i18n::use_i18n;
use crate::service::ServiceInfo;
use leptos::prelude::*;

/// The emergency number and the service's helplines. Chat is not an emergency
/// service, and the page says so wherever someone might need more.
#[component]
pub fn EmergencyBox(
    /// Shown beside the chat after a risk word: a calmer, closer text.
    #[prop(optional)]
    serious: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let helplines = expect_context::<ServiceInfo>().helplines;
    let heading_id = if serious {
        "serious-heading"
    } else {
        "emergency-heading"
    };
    view! {
        <aside class=if serious { "emergency serious" } else { "emergency" } aria-labelledby=heading_id>
            <h2 id=heading_id>{i18n.text(|t| t.emergency_heading)}</h2>
            <p>{move || if serious { i18n.t().serious_notice } else { i18n.t().emergency_text }}</p>
            <ul class="helplines">
                <li>
                    <a class="helpline" href="tel:112">
                        <span class="helpline-name">{i18n.text(|t| t.emergency_112)}</span>
                        <span class="helpline-number">"112"</span>
                    </a>
                </li>
                {helplines
                    .into_iter()
                    .map(|line| {
                        let href = line.tel_href();
                        let number = line.number.clone();
                        let name = line.name.clone();
                        let hours = line.hours.clone();
                        view! {
                            <li>
                                <a class="helpline" href=href>
                                    <span class="helpline-name">
                                        {move || name.get(i18n.lang()).to_owned()}
                                    </span>
                                    <span class="helpline-number">{number}</span>
                                    <span class="helpline-hours">
                                        {move || hours.get(i18n.lang()).to_owned()}
                                    </span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </aside>
    }
}
