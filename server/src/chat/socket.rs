//! What both live sockets (the visitor's and the counsellor's) share: how a
//! socket ends, its first frame, the shutdown signal and read errors.

use super::HELLO_TIMEOUT;
use app::protocol::close_code;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};

/// What ends a socket's loop, and how the socket is closed.
pub enum Exit {
    /// Close with this code and reason.
    Close(u16, &'static str),
    /// The client went away (or the socket broke): nothing to send.
    Gone,
}

/// Sends the close frame an [`Exit`] calls for.
pub async fn finish(socket: &mut WebSocket, exit: Exit) {
    if let Exit::Close(code, reason) = exit {
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        };
        let _ = socket.send(Message::Close(Some(frame))).await;
    }
}

/// The first frame, which must be text and come within [`HELLO_TIMEOUT`].
pub async fn first_text(socket: &mut WebSocket) -> Result<Utf8Bytes, Exit> {
    match tokio::time::timeout(HELLO_TIMEOUT, socket.recv()).await {
        Err(_) => Err(Exit::Close(close_code::BAD_HELLO, "no hello")),
        Ok(Some(Ok(Message::Text(text)))) => Ok(text),
        Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => Err(Exit::Gone),
        Ok(Some(Ok(_))) => Err(Exit::Close(close_code::BAD_HELLO, "expected a text hello")),
    }
}

/// Resolves once the server starts shutting down.
pub async fn stopping(shutdown: &mut tokio::sync::watch::Receiver<bool>) {
    // An error means the sender is gone: the server is stopping too.
    let _ = shutdown.wait_for(|stopping| *stopping).await;
}

/// A broken read: a frame over the size limit is answered with 1009 (the
/// client learns why); anything else means the client is gone.
pub fn read_failed(error: &axum::Error) -> Exit {
    use std::error::Error as _;
    use tokio_tungstenite::tungstenite::Error as WsError;
    match error
        .source()
        .and_then(|source| source.downcast_ref::<WsError>())
    {
        Some(WsError::Capacity(_)) => Exit::Close(close_code::TOO_BIG, "frame too large"),
        _ => Exit::Gone,
    }
}
