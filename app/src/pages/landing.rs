use crate::components::{ChatOpenStatus, EmergencyBox};
use crate::i18n::use_i18n;
use crate::service::{ChatHours, ServiceInfo};
use leptos::prelude::*;

/// The front door: who we are, who we are for, and what we promise.
#[component]
pub fn Landing() -> impl IntoView {
    let i18n = use_i18n();
    let service = expect_context::<ServiceInfo>();
    let tagline = service.tagline.clone();
    let open = expect_context::<ChatHours>().open_now;
    view! {
        <section class="hero" aria-labelledby="service-name">
            <h1 id="service-name">{service.name.clone()}</h1>
            <p class="tagline">{move || tagline.get(i18n.lang()).to_owned()}</p>
            <p class="lead">{i18n.text(|t| t.landing_lead)}</p>
            <ChatOpenStatus />
            {open.then(|| view! {
                <p>
                    <a class="button cta" href="/chat">{i18n.text(|t| t.chat_cta)}</a>
                </p>
            })}
            <p class="letter-link">
                {i18n.text(|t| t.letter_lead)} " "
                <a href="/brev">{i18n.text(|t| t.letter_link)}</a>
            </p>
            <p>{i18n.text(|t| t.landing_who)}</p>
            <ul class="promises">
                {(0..3)
                    .map(|i| view! { <li>{move || i18n.t().landing_promises[i]}</li> })
                    .collect_view()}
            </ul>
            <p class="book">
                {i18n.text(|t| t.book_lead)} " "
                <a href="/booking">{i18n.text(|t| t.book_link)}</a>
                " · "
                <a href="/groups">{i18n.text(|t| t.groups_link)}</a>
            </p>
            <p class="small-link">
                <a href="/hvad-vi-gemmer">{i18n.text(|t| t.what_we_store_link)}</a>
            </p>
        </section>
        <EmergencyBox />
    }
}
