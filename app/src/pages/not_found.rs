use crate::components::EmergencyBox;
use crate::i18n::use_i18n;
use crate::request;
use leptos::prelude::*;

/// Shown for any unknown address, with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    request::set_not_found();
    let i18n = use_i18n();
    view! {
        <section class="hero">
            <h1>{i18n.text(|t| t.not_found_heading)}</h1>
            <p>{i18n.text(|t| t.not_found_text)}</p>
            <p>
                <a class="button" href="/">{i18n.text(|t| t.back_to_front_page)}</a>
            </p>
        </section>
        <EmergencyBox />
    }
}
