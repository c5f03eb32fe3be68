//! The two WebSocket endpoints. The handlers only check the upgrade (Origin,
//! login) and size the socket; the sessions live in `chat` and `console`.

use crate::auth::csrf::is_same_origin;
use crate::auth::session::CurrentCounsellor;
use crate::routes::client::ClientAddress;
use crate::state::AppState;
use app::protocol::MAX_FRAME_BYTES;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, Uri};

/// Read buffer per socket, allocated when the socket opens. tungstenite's
/// default (128 KiB) would cost about 1.3 GB per 10,000 idle sockets. What
/// people send is short (a chat line, a ping); a longer frame is read in
/// several steps and the buffer grows while it is read.
const READ_BUFFER_BYTES: usize = 1024;

/// Write buffer per socket (flushed after every frame).
const WRITE_BUFFER_BYTES: usize = 4 * 1024;

/// Most bytes queued to a socket that does not read: beyond it the socket
/// is dropped instead of growing memory.
const MAX_WRITE_BUFFER_BYTES: usize = 256 * 1024;

fn sized(upgrade: WebSocketUpgrade) -> WebSocketUpgrade {
    upgrade
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .max_write_buffer_size(MAX_WRITE_BUFFER_BYTES)
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
}

/// `GET /ws/chat`: an anonymous visitor's socket.
pub async fn chat(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    uri: Uri,
    upgrade: WebSocketUpgrade,
) -> Response {
    // Only a page of this very site may open a socket: another site's page,
    // or a missing Origin, is refused before upgrading.
    if !is_same_origin(&headers, &uri, state.https) {
        return (StatusCode::FORBIDDEN, "cross-origin WebSocket refused").into_response();
    }
    let chat = state.chat.clone();
    // `client` is used in memory only, to limit new chats per address.
    sized(upgrade).on_upgrade(move |socket| crate::chat::session::run(socket, chat, client))
}

/// `GET /ws/console`: a logged-in counsellor's socket.
pub async fn console(
    State(state): State<AppState>,
    counsellor: CurrentCounsellor,
    session: tower_sessions::Session,
    headers: HeaderMap,
    uri: Uri,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !is_same_origin(&headers, &uri, state.https) {
        return (StatusCode::FORBIDDEN, "cross-origin WebSocket refused").into_response();
    }
    let chat = state.chat.clone();
    let counsellor = counsellor.0;
    // The socket lives only as long as this login (see console::session).
    let Some(session) = session.id() else {
        return (StatusCode::UNAUTHORIZED, "not logged in").into_response();
    };
    sized(upgrade)
        .on_upgrade(move |socket| crate::console::session::run(socket, chat, counsellor, session))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, http::HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_this_sites_own_pages_may_open_a_socket() {
        let ok = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        let uri = Uri::from_static("/ws/chat");
        assert!(is_same_origin(&ok, &uri, false));
        assert!(
            !is_same_origin(&ok, &uri, true),
            "https expects an https origin"
        );
        for bad in [
            headers(&[("host", "127.0.0.1:3000")]),
            headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000"),
            ]),
            headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]),
            headers(&[
                ("origin", "http://127.0.0.1:3000.evil.example"),
                ("host", "127.0.0.1:3000"),
            ]),
            headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000"),
            ]),
        ] {
            assert!(!is_same_origin(&bad, &uri, false), "{bad:?}");
        }
    }
}
