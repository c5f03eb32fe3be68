//! The visitor's side of the live chat: a model of the conversation (plain
//! signals, testable anywhere) and, in the browser, the WebSocket connection
//! that feeds it, reconnects and keeps unsent messages until they are stored.

mod connection;
mod model;

pub use connection::{delete_now, end, resume_if_any, send_text, start, typing};
pub use model::{ChatModel, MessageStatus, Phase, UiMessage};
