//! The visitor's side of the live chat: a model of the conversation (plain
//! signals, testable anywhere) and, in the browser, the WebSocket connection
//! that feeds it, reconnects and keeps unsent messages until they are stored.

mod connection;
mod model;

pub use connection::{
    continue_with_code, delete_now, end, new_chat, request_code, resume_if_any, send_text, start,
    typing,
};
pub use model::{ChatModel, CodeProblem, MessageStatus, Phase, UiMessage};
