//! The HTML shell and the application root.

use crate::components::Layout;
use crate::i18n::provide_i18n;
use crate::pages::{Landing, NotFound};
use crate::request;
use crate::service::ServiceInfo;
use leptos::prelude::*;
use leptos::server::SharedValue;
use leptos_meta::{HashedStylesheet, Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The whole HTML document, rendered on the server for every page request.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    request::secure_page();
    let lang = request::request_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                // Nothing here should be found by a search engine's cache
                // of someone's browsing, nor sent on to another site.
                <meta name="referrer" content="no-referrer" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application root: language, service texts, routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Decided by the server for this request and handed to the client as is,
    // so hydration sees exactly what was rendered.
    let lang = SharedValue::new(request::request_lang).into_inner();
    let service: ServiceInfo = SharedValue::new(request::service_info).into_inner();
    let i18n = provide_i18n(lang);
    let service_name = service.name.clone();
    provide_context(service);

    Effect::new(move |_| crate::browser::set_document_lang(i18n.lang()));

    view! {
        <Title formatter=move |page: String| {
            if page.is_empty() { service_name.clone() } else { format!("{page} · {service_name}") }
        } />
        <Meta name="theme-color" content="#f4efe6" />
        <Link rel="manifest" href="/manifest.webmanifest" />
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("") view=Landing />
                </Routes>
            </Layout>
        </Router>
    }
}
