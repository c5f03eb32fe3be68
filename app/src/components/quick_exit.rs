use crate::i18n::use_i18n;
use crate::service::ServiceInfo;
use leptos::prelude::*;

/// One tap leaves for a neutral site and wipes what this site keeps in the
/// tab. Always visible. Works as a plain link before the WASM has loaded.
#[component]
pub fn QuickExit() -> impl IntoView {
    let i18n = use_i18n();
    let url = expect_context::<ServiceInfo>().quick_exit_url;
    let href = url.clone();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        crate::browser::quick_exit(&url);
    };
    view! {
        <a
            class="quick-exit"
            href=href
            rel="noreferrer"
            title=move || format!("{} {}", i18n.t().quick_exit_hint, i18n.t().quick_exit_keys)
            on:click=on_click
        >
            {i18n.text(|t| t.quick_exit)}
        </a>
    }
}
