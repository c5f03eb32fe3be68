//! Cross-site request forgery protection for cookie-authenticated routes.
//!
//! The session cookie is `SameSite=Strict` already; on top of that, every
//! state-changing request must (1) carry an `Origin` header naming this very
//! server and (2) be JSON. Browsers always send `Origin` on cross-origin
//! requests and cannot send JSON cross-origin without a CORS preflight we
//! never grant, so a foreign page cannot act with a counsellor's cookie.

use axum::Json;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, Method, StatusCode, Uri, header};

/// Middleware (`axum::middleware::from_fn_with_state(https, same_origin_json)`,
/// `https` from `Settings::https`): lets safe methods (GET, HEAD, OPTIONS)
/// through; anything else needs an `Origin` equal to `http(s)://<Host>`
/// (else 403 `{"error":"forbidden"}`) and `Content-Type: application/json`
/// (else 415 `{"error":"json_required"}`).
pub async fn same_origin_json(State(https): State<bool>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    if !is_same_origin(request.headers(), request.uri(), https) {
        return refuse(StatusCode::FORBIDDEN, "forbidden");
    }
    if !is_json(request.headers()) {
        return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, "json_required");
    }
    next.run(request).await
}

fn refuse(status: StatusCode, code: &'static str) -> Response {
    (status, Json(serde_json::json!({ "error": code }))).into_response()
}

/// Whether `Origin` is `http(s)://host`, `host` being the `Host` header (or
/// the request target's authority under HTTP/2). Behind a reverse proxy the
/// proxy must pass the original `Host` on. Also guards WebSocket upgrades.
/// More than one `Origin` header is refused rather than guessed at.
pub fn is_same_origin(headers: &HeaderMap, uri: &Uri, https: bool) -> bool {
    if headers.get_all(header::ORIGIN).iter().count() != 1 {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| uri.authority().map(http::uri::Authority::as_str));
    let Some(host) = host.filter(|h| !h.is_empty()) else {
        return false;
    };
    let scheme = if https { "https://" } else { "http://" };
    origin.len() == scheme.len() + host.len()
        && origin.starts_with(scheme)
        && origin[scheme.len()..].eq_ignore_ascii_case(host)
}

/// Whether the body is declared as JSON (`application/json`, parameters
/// such as `; charset=utf-8` allowed).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.clone(), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn only_this_servers_own_origin_is_accepted() {
        let uri = Uri::from_static("/api/session");
        let with = |origin: &'static str, https: bool| {
            is_same_origin(
                &headers(&[(header::HOST, "chat.example.dk"), (header::ORIGIN, origin)]),
                &uri,
                https,
            )
        };
        assert!(with("http://chat.example.dk", false));
        assert!(with("http://CHAT.example.dk", false));
        assert!(with("https://chat.example.dk", true));
        assert!(!with("http://chat.example.dk", true));
        assert!(!with("https://chat.example.dk", false));
        assert!(!with("http://evil.example", false));
        assert!(!with("http://chat.example.dk.evil.example", false));
        assert!(!with("http://chat.example.dk:8080", false));
        assert!(!with("null", false));
        let no_origin = headers(&[(header::HOST, "chat.example.dk")]);
        assert!(!is_same_origin(&no_origin, &uri, false));
        let no_host = headers(&[(header::ORIGIN, "http://chat.example.dk")]);
        assert!(!is_same_origin(&no_host, &uri, false));
    }

    #[test]
    fn json_may_carry_parameters_but_nothing_else_counts() {
        let json = |ct: &'static str| is_json(&headers(&[(header::CONTENT_TYPE, ct)]));
        assert!(json("application/json"));
        assert!(json("Application/JSON; charset=utf-8"));
        assert!(!json("text/plain"));
        assert!(!json("application/x-www-form-urlencoded"));
        assert!(!json("multipart/form-data; boundary=x"));
        assert!(!json("application/jsonx"));
        assert!(!is_json(&HeaderMap::new()));
    }
}
