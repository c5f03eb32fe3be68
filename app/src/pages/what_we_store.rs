//! "What we store" (`/hvad-vi-gemmer`): in plain Danish and English, what
//! the service keeps, for how long, and what it never keeps, generated from
//! the running configuration ([`StoragePolicy`]).
//!
//! Rendered on the server only, as a whole document without the WASM
//! bundle: it is text to read, and the youth bundle has no room to spare.
//! So the language switch is two plain links (`?lang=da`, `?lang=en`) and
//! the quick exit is its plain-link form.

use crate::components::{EmergencyBox, QuickExit};
use crate::i18n::what_we_store::what_we_store_texts;
use crate::i18n::{Lang, provide_i18n};
use crate::service::StoragePolicy;
use leptos::prelude::*;
use leptos_meta::HashedStylesheet;

/// Where the page is.
pub const WHAT_WE_STORE_PATH: &str = "/hvad-vi-gemmer";

/// The whole document of the page (see the module docs).
pub fn what_we_store_document(options: LeptosOptions, lang: Lang) -> impl IntoView {
    let texts = what_we_store_texts(lang);
    let policy = use_context::<StoragePolicy>().unwrap_or_default();
    let service = crate::request::service_info();
    // The shared components (quick exit, emergency box) read these.
    provide_i18n(lang);
    provide_context(service.clone());
    let title = format!("{} · {}", texts.title, service.name);
    let switch = Lang::ALL.map(|other| {
        view! {
            <a
                href=format!("{WHAT_WE_STORE_PATH}?lang={}", other.code())
                lang=other.code()
                aria-current=(other == lang).then_some("page")
            >
                {other.texts().language_name}
            </a>
        }
    });
    let list = |items: &'static [&'static str]| {
        items
            .iter()
            .map(|item| view! { <li>{*item}</li> })
            .collect_view()
    };
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta name="theme-color" content="#f7f2ea" />
                <meta name="referrer" content="no-referrer" />
                <title>{title}</title>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options id="leptos" />
            </head>
            <body>
                <header class="topbar">
                    <QuickExit />
                    <a class="skip-link" href="#main">{lang.texts().skip_to_content}</a>
                    <nav class="lang-switch" aria-label=lang.texts().language_nav>
                        {switch.into_iter().collect_view()}
                    </nav>
                </header>
                <main id="main" class="page what-we-store" tabindex="-1">
                    <section class="hero">
                        <h1>{texts.title}</h1>
                        <p class="lead">{texts.lead}</p>
                    </section>
                    <section aria-labelledby="kept">
                        <h2 id="kept">{texts.kept_heading}</h2>
                        <ul>{list(&texts.kept)}</ul>
                    </section>
                    <section aria-labelledby="deleted">
                        <h2 id="deleted">{texts.deleted_heading}</h2>
                        <ul>
                            <li>{(texts.deleted_after)(policy.retention_days)}</li>
                            {list(&texts.deleted)}
                        </ul>
                    </section>
                    <section aria-labelledby="never">
                        <h2 id="never">{texts.never_heading}</h2>
                        <ul>{list(&texts.never)}</ul>
                    </section>
                    <section aria-labelledby="device">
                        <h2 id="device">{texts.device_heading}</h2>
                        <p>{texts.device}</p>
                    </section>
                    <p>
                        <a class="button" href="/chat">{texts.to_chat}</a>
                        " "
                        <a href="/">{lang.texts().back_to_front_page}</a>
                    </p>
                    <EmergencyBox />
                </main>
            </body>
        </html>
    }
}
