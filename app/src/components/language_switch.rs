use crate::i18n::{Lang, use_i18n};
use leptos::prelude::*;

/// Switches between Danish and English on the spot, without a reload.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let buttons = Lang::ALL.map(|lang| {
        let choose = move |_| {
            i18n.set_lang(lang);
            crate::browser::remember_lang(lang);
        };
        view! {
            <button
                type="button"
                lang=lang.code()
                aria-pressed=move || (i18n.lang() == lang).to_string()
                on:click=choose
            >
                {lang.texts().language_name}
            </button>
        }
    });
    view! {
        <nav class="lang-switch" aria-label=i18n.text(|t| t.language_nav)>
            {buttons.into_iter().collect_view()}
        </nav>
    }
}
