use super::{LanguageSwitch, QuickExit};
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The frame of every visitor page: quick exit first (so one Tab reaches it),
/// the language switch, then the page itself.
#[component]
pub fn Layout<C: IntoView + 'static>(children: TypedChildren<C>) -> impl IntoView {
    // TypedChildren, not Children: type-erased views cost the WASM ~20 KB.
    let children = children.into_inner();
    // Escape three times within two seconds leaves at once, like the button.
    let exit_url = expect_context::<crate::service::ServiceInfo>().quick_exit_url;
    let presses = StoredValue::new(Vec::<f64>::new());
    let _ = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() != "Escape" {
            return;
        }
        let now = ev.time_stamp();
        presses.update_value(|times| {
            times.retain(|t| now - t < 2000.0);
            times.push(now);
        });
        if presses.with_value(Vec::len) >= 3 {
            crate::browser::quick_exit(&exit_url);
        }
    });
    let i18n = use_i18n();
    view! {
        <header class="topbar">
            <QuickExit />
            <a class="skip-link" href="#main">{i18n.text(|t| t.skip_to_content)}</a>
            <LanguageSwitch />
        </header>
        <main id="main" class="page" tabindex="-1">
            {children()}
        </main>
    }
}
