//! The few things the client does to the browser itself. Compiled to real
//! calls in the WASM bundle and to nothing on the server, where these are
//! never reached (they run from event handlers and effects only).

#[cfg(feature = "hydrate")]
mod imp {
    use crate::i18n::Lang;
    use wasm_bindgen::JsCast;

    thread_local! {
        static CLIENT_IDS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    /// `ws(s)://<this host><path>`: the live socket on this page's origin,
    /// encrypted when the page is.
    pub fn socket_url(path: &str) -> Option<String> {
        let location = web_sys::window()?.location();
        let scheme = if location.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        Some(format!("{scheme}://{}{path}", location.host().ok()?))
    }

    /// A message id unique enough within a conversation: `prefix` (whose
    /// side), the time, a counter and noise.
    pub fn new_client_id(prefix: char) -> String {
        let n = CLIENT_IDS.with(|c| {
            c.set(c.get() + 1);
            c.get()
        });
        let random = (js_sys::Math::random() * 1e9) as u64;
        format!("{prefix}{}-{n}-{random}", js_sys::Date::now() as u64)
    }

    /// Sets the tab title (after a language switch).
    pub fn set_title(title: &str) {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(title);
        }
    }

    /// A date in the page's language, e.g. "25. december 2026".
    pub fn format_date(unix_millis: i64, lang: Lang) -> String {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_millis as f64));
        let options = js_sys::Object::new();
        for (key, value) in [("day", "numeric"), ("month", "long"), ("year", "numeric")] {
            let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
        }
        date.to_locale_date_string(lang.code(), &options).into()
    }

    /// The path of the page being shown.
    pub fn current_path() -> String {
        web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_else(|| "/".to_owned())
    }

    /// Sets `<html lang>`, so screen readers pronounce the page correctly.
    pub fn set_document_lang(lang: Lang) {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            // Failing to set an attribute only costs pronunciation.
            let _ = root.set_attribute("lang", lang.code());
        }
    }

    /// Remembers the chosen language on this device for the next visit. The
    /// cookie holds only the language code and is never stored by the server.
    pub fn remember_lang(lang: Lang) {
        let document = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok());
        if let Some(document) = document {
            let _ = document.set_cookie(&format!(
                "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
                lang.code()
            ));
        }
    }

    /// Leaves for `url` at once: forgets everything this site keeps in the
    /// tab and replaces the history entry, so "back" does not return here.
    pub fn quick_exit(url: &str) {
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Ok(Some(storage)) = window.session_storage() {
            let _ = storage.clear();
        }
        if let Ok(Some(storage)) = window.local_storage() {
            let _ = storage.clear();
        }
        let _ = window.location().replace(url);
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    use crate::i18n::Lang;

    /// Server build: the shell renders the title.
    pub fn set_title(_title: &str) {}

    /// Server build: dates are shown once the page runs (no time zone here).
    pub fn format_date(_unix_millis: i64, _lang: Lang) -> String {
        String::new()
    }

    /// Server build: the path comes from the request instead (unused there).
    #[allow(dead_code)]
    pub fn current_path() -> String {
        "/".to_owned()
    }

    /// Server build: there is no document to change.
    pub fn set_document_lang(_lang: Lang) {}

    /// Server build: the cookie is written by the browser only.
    pub fn remember_lang(_lang: Lang) {}

    /// Server build: the link's own `href` does the work without WASM.
    pub fn quick_exit(_url: &str) {}
}

pub use imp::{format_date, quick_exit, remember_lang, set_document_lang, set_title};
// The live sockets' helpers: only the browser opens sockets.
#[cfg(feature = "hydrate")]
pub use imp::{new_client_id, socket_url};
// Read by the client build only; the server takes the path from the request.
#[allow(unused_imports)]
pub use imp::current_path;
