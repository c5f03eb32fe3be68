//! Server-rendered HTML outside the Leptos app: escaping, the language of
//! a request, and the frame of the visitor's no-script pages (booking,
//! groups, letters).
//!
//! Those pages are plain HTML with plain forms, apart from the youth pages'
//! WASM, so they share one frame instead of each keeping a copy: the same
//! language attribute, the quick exit as the first plain link, the skip
//! link, the main stylesheet, `no-store` and the Content-Security-Policy.
//! A change to any of these then reaches every such page at once.

use crate::state::AppState;
use app::i18n::Lang;
use axum::response::{Html, IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};

/// A whole page in the frame every visitor page has (quick exit first).
/// `head` is what a family of pages adds to the head (its own stylesheet or
/// script); `class` names the `main` element's classes after `page`.
pub(crate) fn visitor_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    head: &str,
    class: &str,
    body: &str,
) -> Response {
    let service = state.service.get();
    let t = lang.texts();
    let html = format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"color-scheme\" content=\"light dark\"><meta name=\"referrer\" content=\"no-referrer\">\
<meta name=\"robots\" content=\"noindex\"><title>{name}</title>\
<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\
<link rel=\"stylesheet\" href=\"{css}\"><link rel=\"stylesheet\" href=\"/booking/style.css\">{head}</head>\
<body><header class=\"topbar\"><a class=\"quick-exit\" href=\"{exit}\" rel=\"noreferrer\" title=\"{hint}\">{quick}</a>\
<a class=\"skip-link\" href=\"#main\">{skip}</a></header>\
<main id=\"main\" class=\"page {class}\" tabindex=\"-1\">{body}</main></body></html>",
        code = lang.code(),
        name = esc(&service.name),
        css = stylesheet(state),
        exit = esc(&service.quick_exit_url),
        hint = esc(t.quick_exit_hint),
        quick = esc(t.quick_exit),
        skip = esc(t.skip_to_content),
    );
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&app::security::content_security_policy(None)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// A small static file of these pages (a family's own CSS or script),
/// served apart from the youth pages' bundle and cached for an hour.
pub(crate) fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// The language: the `lang` cookie the switch sets, else `Accept-Language`.
pub(crate) fn lang(headers: &HeaderMap) -> Lang {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix("lang="))
        .find_map(Lang::from_code)
        .unwrap_or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
                .unwrap_or_default()
        })
}

/// Escapes text for HTML content and attributes (a service's name or a
/// visitor's words are text, never markup).
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The main stylesheet's URL (content-hashed in a release build).
pub(crate) fn stylesheet(state: &AppState) -> String {
    let options = &state.leptos_options;
    let mut name = options.output_name.to_string();
    if options.hash_files
        && let Some(hashes) =
            crate::static_files::hash_file().and_then(|f| std::fs::read_to_string(f).ok())
        && let Some(hash) = hashes
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(file, _)| file.trim() == "css")
            .map(|(_, hash)| hash.trim().to_owned())
    {
        name.push('.');
        name.push_str(&hash);
    }
    format!("/{}/{name}.css", options.site_pkg_dir)
}
