use super::{LanguageSwitch, QuickExit};
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The frame of every visitor page: quick exit first (so one Tab reaches it),
/// the language switch, then the page itself.
#[component]
pub fn Layout<C: IntoView + 'static>(children: TypedChildren<C>) -> impl IntoView {
    // TypedChildren, not Children: type-erased views cost the WASM ~20 KB.
    let children = children.into_inner();
    let i18n = use_i18n();
    view! {
        <header class="topbar">
            <QuickExit />
            <a class="skip-link" href="#main">{move || i18n.t().skip_to_content}</a>
            <LanguageSwitch />
        </header>
        <main id="main" class="page" tabindex="-1">
            {children()}
        </main>
    }
}
