//! The HTML shell, the application root and the page table.
//!
//! The front door is a set of separate pages (landing, chat, booking, …),
//! each a full page load rendered on the server first. Routing is a plain
//! match on the path below rather than leptos_router: the visitor pages do
//! not need client-side navigation, and leaving the router out keeps the
//! WASM a third of the size (about 44 KB brotli less), which a phone on a
//! weak connection notices.

use crate::components::Layout;
use crate::i18n::{Lang, provide_i18n};
use crate::pages::{ChatPage, Landing, NotFound, WHAT_WE_STORE_PATH, what_we_store_document};
use crate::request;
use crate::service::{ChatHours, ServiceInfo};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::server::SharedValue;
use leptos_meta::HashedStylesheet;

/// Every page of the site, chosen from the request path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// `/`: the front door.
    Landing,
    /// `/chat`: the anonymous chat.
    Chat,
    /// Anything else: a friendly 404.
    NotFound,
}

impl Page {
    /// The page for a URL path.
    pub fn from_path(path: &str) -> Page {
        match path {
            "/" | "" => Page::Landing,
            "/chat" => Page::Chat,
            _ => Page::NotFound,
        }
    }

    /// The tab title. Neutral on purpose: the service's own name, nothing
    /// about drugs, so a glance at someone's tabs reveals little.
    pub fn title(self, lang: Lang, service_name: &str) -> String {
        match self {
            // The same neutral title on the chat: nothing in the tab list
            // says what the conversation is about.
            Page::Landing | Page::Chat => service_name.to_owned(),
            Page::NotFound => format!("{} · {service_name}", lang.texts().not_found_heading),
        }
    }
}

/// The whole HTML document, rendered on the server for every page request.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    request::secure_page();
    let lang = request::request_lang();
    if request::current_path() == WHAT_WE_STORE_PATH {
        // Text only, without the WASM bundle (see the page's docs).
        let lang = request::query_lang().unwrap_or(lang);
        return Either::Right(what_we_store_document(options, lang));
    }
    let title =
        Page::from_path(&request::current_path()).title(lang, &request::service_info().name);
    Either::Left(view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta name="theme-color" content="#f7f2ea" />
                // Nothing should be sent on to another site.
                <meta name="referrer" content="no-referrer" />
                <title>{title}</title>
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
            </head>
            <body>
                <App />
            </body>
        </html>
    })
}

/// The application root: language, service texts, the page.
#[component]
pub fn App() -> impl IntoView {
    // Decided by the server for this request and handed to the client as is,
    // so hydration sees exactly what was rendered.
    // The language travels as its code ("da"): a plain string decodes with
    // less WASM than the enum.
    let lang = SharedValue::new(|| request::request_lang().code().to_owned()).into_inner();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    let service: ServiceInfo = SharedValue::new(request::service_info).into_inner();
    let hours: ChatHours = SharedValue::new(request::chat_hours).into_inner();
    provide_context(hours);
    let page = Page::from_path(&request::current_path());
    let i18n = provide_i18n(lang);
    let service_name = service.name.clone();
    provide_context(service);

    Effect::new(move |_| {
        let lang = i18n.lang();
        crate::browser::set_document_lang(lang);
        crate::browser::set_title(&page.title(lang, &service_name));
    });

    view! {
        <Layout>
            {match page {
                Page::Landing => EitherOf3::A(view! { <Landing /> }),
                Page::Chat => EitherOf3::B(view! { <ChatPage /> }),
                Page::NotFound => EitherOf3::C(view! { <NotFound /> }),
            }}
        </Layout>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_choose_pages() {
        assert_eq!(Page::from_path("/"), Page::Landing);
        assert_eq!(Page::from_path("/chat"), Page::Chat);
        assert_eq!(Page::from_path("/nope"), Page::NotFound);
        assert_eq!(Page::from_path("/chat/"), Page::NotFound);
    }

    #[test]
    fn titles_are_neutral_and_translated() {
        assert_eq!(Page::Landing.title(Lang::Da, "Ung Linje"), "Ung Linje");
        assert_eq!(
            Page::NotFound.title(Lang::En, "Ung Linje"),
            "Page not found · Ung Linje"
        );
    }
}
