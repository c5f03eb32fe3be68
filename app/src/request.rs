//! What the server learns from the incoming request while rendering a page,
//! and what it sets on the response. Nothing here is stored or logged: the
//! language headers only choose the page's language for this response.

#[cfg(feature = "ssr")]
mod imp {
    use crate::i18n::Lang;
    use crate::service::ServiceInfo;
    use http::{HeaderValue, StatusCode, header, request::Parts};
    use leptos::prelude::*;

    /// The language for this response: the `lang` cookie set by the
    /// language switch, else the browser's `Accept-Language`, else Danish.
    pub fn request_lang() -> Lang {
        let Some(parts) = use_context::<Parts>() else {
            return Lang::default();
        };
        let from_cookie = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().strip_prefix("lang="))
            .find_map(Lang::from_code);
        from_cookie.unwrap_or_else(|| {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
                .unwrap_or_default()
        })
    }

    /// A language asked for in the address (`?lang=en`): the plain-link
    /// language switch of the pages rendered without WASM.
    pub fn query_lang() -> Option<Lang> {
        let parts = use_context::<Parts>()?;
        parts
            .uri
            .query()?
            .split('&')
            .find_map(|pair| pair.strip_prefix("lang="))
            .and_then(Lang::from_code)
    }

    /// The service's configuration, provided by the server for each request.
    pub fn service_info() -> ServiceInfo {
        use_context::<ServiceInfo>().unwrap_or_default()
    }

    /// Whether the chat is open now, provided by the server per request.
    pub fn chat_hours() -> crate::service::ChatHours {
        use_context::<crate::service::ChatHours>().unwrap_or_default()
    }

    /// The requested path (chooses the page).
    pub fn current_path() -> String {
        use_context::<Parts>().map_or_else(|| "/".to_owned(), |parts| parts.uri.path().to_owned())
    }

    /// Generates this response's script nonce and sets the page's
    /// Content-Security-Policy, which allows only our own scripts, the WASM
    /// bundle and the inline hydration scripts carrying the nonce.
    pub fn secure_page() {
        leptos::nonce::provide_nonce();
        let nonce = leptos::nonce::use_nonce();
        let policy = crate::security::content_security_policy(nonce.as_deref());
        if let (Some(response), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            HeaderValue::from_str(&policy),
        ) {
            response.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }

    /// Marks the response as "404 Not Found" (the page still renders).
    pub fn set_not_found() {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(StatusCode::NOT_FOUND);
        }
    }
}

#[cfg(not(feature = "ssr"))]
mod imp {
    use crate::i18n::Lang;
    use crate::service::ServiceInfo;

    /// Client build: the language comes from the server at hydration.
    pub fn request_lang() -> Lang {
        Lang::default()
    }

    /// Client build: pages rendered without WASM are the server's business.
    pub fn query_lang() -> Option<Lang> {
        None
    }

    /// Client build: the service info comes from the server at hydration.
    pub fn service_info() -> ServiceInfo {
        ServiceInfo::empty()
    }

    /// Client build: the hours come from the server at hydration.
    pub fn chat_hours() -> crate::service::ChatHours {
        crate::service::ChatHours::default()
    }

    /// Client build: the browser's location.
    pub fn current_path() -> String {
        crate::browser::current_path()
    }

    /// Client build: headers are the server's business.
    pub fn secure_page() {}

    /// Client build: status codes are the server's business.
    pub fn set_not_found() {}
}

pub use imp::{
    chat_hours, current_path, query_lang, request_lang, secure_page, service_info, set_not_found,
};
