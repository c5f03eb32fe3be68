//! The live protocol between browsers and the server: JSON text frames, one
//! serde enum per direction per endpoint, shared by the WASM client, the
//! server and the tests. No Leptos, no `cfg`: this module compiles the same
//! everywhere.
//!
//! Two endpoints:
//! - `/ws/chat` ([`chat`]): a young person, parent or professional, anonymous.
//! - `/ws/console` ([`console`]): a logged-in counsellor.
//!
//! Guarantees (see `docs/protocol.md`): every message a client sends carries a
//! client-generated id; the server stores it once and acknowledges only after
//! it is durably stored; messages are numbered per conversation (`seq`, from
//! 1); a reconnecting client names the last `seq` it saw and receives exactly
//! what it missed.

pub mod case;
pub mod chat;
pub mod console;
pub mod screening;
pub mod statistics;

use serde::{Deserialize, Serialize};

/// Bumped on any incompatible change. A client with another version is told
/// so ([`close_code::VERSION_MISMATCH`]) and keeps its unsent messages.
pub const PROTOCOL_VERSION: u16 = 1;

/// Longest chat message, in characters (Unicode scalar values).
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// Largest text frame the server reads, in bytes (a full message in JSON
/// with escapes fits comfortably).
pub const MAX_FRAME_BYTES: usize = 32 * 1024;

/// Longest optional nickname, in characters.
pub const MAX_NICKNAME_CHARS: usize = 40;

/// Longest client message id, in bytes.
pub const MAX_CLIENT_ID_BYTES: usize = 64;

/// WebSocket close codes the server uses (4000–4999 are for applications).
pub mod close_code {
    /// The client speaks another protocol version: reload the page.
    pub const VERSION_MISMATCH: u16 = 4000;
    /// The first frame was not a valid hello.
    pub const BAD_HELLO: u16 = 4001;
    /// The chat is closed now (outside opening hours): no new talks.
    pub const CLOSED: u16 = 4003;
    /// The conversation token is unknown or the conversation was deleted.
    pub const UNKNOWN_CONVERSATION: u16 = 4004;
    /// Too many frames too fast, repeatedly.
    pub const TOO_FAST: u16 = 4008;
    /// No frame (not even a ping) for too long.
    pub const IDLE: u16 = 4009;
    /// The counsellor ended the conversation and blocked it.
    pub const BLOCKED: u16 = 4010;
    /// Not logged in as a counsellor (console only).
    pub const NOT_LOGGED_IN: u16 = 4401;
    /// The server is restarting: reconnect shortly (standard code).
    pub const SERVICE_RESTART: u16 = 1012;
    /// A frame larger than [`super::MAX_FRAME_BYTES`] (standard code).
    pub const TOO_BIG: u16 = 1009;
}

/// Why the server rejected one frame; the connection stays open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, or not a message of this protocol.
    InvalidFrame,
    /// A binary frame: this protocol is text only.
    BinaryFrame,
    /// The message text is empty or longer than [`MAX_MESSAGE_CHARS`].
    InvalidText,
    /// The client id is empty or longer than [`MAX_CLIENT_ID_BYTES`].
    InvalidClientId,
    /// Sent too fast: slow down; the frame was not processed.
    RateLimited,
    /// Not possible in the conversation's current state (e.g. closed).
    NotAllowed,
    /// Someone else took it first (console: claiming a chat).
    AlreadyTaken,
    /// Unknown conversation or code.
    NotFound,
    /// The chat is closed now (outside opening hours).
    Closed,
    /// The server could not store it; retry later (nothing was lost).
    Unavailable,
    /// Console: the counsellor already has their maximum number of chats.
    TooManyChats,
    /// Console: the colleague is not on duty, away, or not a counsellor.
    ColleagueUnavailable,
    /// Console: a note holds a CPR-like number; it is never stored.
    IdentifyingNote,
}

impl ErrorCode {
    /// Every code, for tests and documentation.
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::InvalidFrame,
        ErrorCode::BinaryFrame,
        ErrorCode::InvalidText,
        ErrorCode::InvalidClientId,
        ErrorCode::RateLimited,
        ErrorCode::NotAllowed,
        ErrorCode::AlreadyTaken,
        ErrorCode::NotFound,
        ErrorCode::Closed,
        ErrorCode::Unavailable,
        ErrorCode::TooManyChats,
        ErrorCode::ColleagueUnavailable,
        ErrorCode::IdentifyingNote,
    ];

    /// The code for its wire name (`"rate_limited"`). The browser decodes
    /// error frames with this plain match rather than serde's derived
    /// decoder, which costs the phone two kilobytes more; a test checks both
    /// agree for every code.
    pub fn from_wire(name: &str) -> Option<ErrorCode> {
        Some(match name {
            "invalid_frame" => ErrorCode::InvalidFrame,
            "binary_frame" => ErrorCode::BinaryFrame,
            "invalid_text" => ErrorCode::InvalidText,
            "invalid_client_id" => ErrorCode::InvalidClientId,
            "rate_limited" => ErrorCode::RateLimited,
            "not_allowed" => ErrorCode::NotAllowed,
            "already_taken" => ErrorCode::AlreadyTaken,
            "not_found" => ErrorCode::NotFound,
            "closed" => ErrorCode::Closed,
            "unavailable" => ErrorCode::Unavailable,
            "too_many_chats" => ErrorCode::TooManyChats,
            "colleague_unavailable" => ErrorCode::ColleagueUnavailable,
            "identifying_note" => ErrorCode::IdentifyingNote,
            _ => return None,
        })
    }
}

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sender {
    /// The anonymous person who started the chat.
    Visitor,
    /// A counsellor.
    Counsellor,
}

/// One stored message, as both sides see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Number within the conversation, from 1, without gaps.
    pub seq: u64,
    /// The id the sending client gave it (lets the sender match its ack).
    pub client_id: String,
    /// Who wrote it.
    pub from: Sender,
    /// The text, as written.
    pub text: String,
    /// When the service stored it (Unix milliseconds).
    pub at: i64,
}

/// Who is writing to the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A young person, about themselves.
    YoungPerson,
    /// A parent or other relative (partner, sibling, friend).
    ParentOrRelative,
    /// A professional asking for sparring (a consultant task).
    Professional,
}

/// Age bands (young people only); reports can split at 18.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeBand {
    /// Under 13.
    #[serde(rename = "under_13")]
    Under13,
    /// 13–14.
    #[serde(rename = "13_14")]
    From13To14,
    /// 15–17.
    #[serde(rename = "15_17")]
    From15To17,
    /// 18–21.
    #[serde(rename = "18_21")]
    From18To21,
    /// 22–25.
    #[serde(rename = "22_25")]
    From22To25,
    /// Over 25.
    #[serde(rename = "over_25")]
    Over25,
    /// Chose not to say.
    #[serde(rename = "not_said")]
    NotSaid,
}

impl AgeBand {
    /// Every band, in the order the form shows them.
    pub const ALL: [AgeBand; 7] = [
        AgeBand::Under13,
        AgeBand::From13To14,
        AgeBand::From15To17,
        AgeBand::From18To21,
        AgeBand::From22To25,
        AgeBand::Over25,
        AgeBand::NotSaid,
    ];

    /// Under 18 (parents' consent and the duty to notify apply);
    /// `None` when not said.
    pub fn is_minor(self) -> Option<bool> {
        match self {
            AgeBand::Under13 | AgeBand::From13To14 | AgeBand::From15To17 => Some(true),
            AgeBand::From18To21 | AgeBand::From22To25 | AgeBand::Over25 => Some(false),
            AgeBand::NotSaid => None,
        }
    }
}

/// What the conversation is about (optional; the defaults from the design).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// Cannabis.
    Cannabis,
    /// Alcohol.
    Alcohol,
    /// Party drugs.
    PartyDrugs,
    /// Other drugs or medicine.
    OtherDrugs,
    /// Someone close to me.
    SomeoneClose,
    /// School, work or home.
    SchoolWorkHome,
    /// Something else.
    Other,
}

impl Topic {
    /// Every topic, in the order the form shows them.
    pub const ALL: [Topic; 7] = [
        Topic::Cannabis,
        Topic::Alcohol,
        Topic::PartyDrugs,
        Topic::OtherDrugs,
        Topic::SomeoneClose,
        Topic::SchoolWorkHome,
        Topic::Other,
    ];
}

/// Checks a message text: not blank, at most [`MAX_MESSAGE_CHARS`].
pub fn valid_text(text: &str) -> bool {
    !text.trim().is_empty() && text.chars().count() <= MAX_MESSAGE_CHARS
}

/// Checks an optional nickname: at most [`MAX_NICKNAME_CHARS`], no line
/// breaks or other control characters.
pub fn valid_nickname(nickname: &str) -> bool {
    nickname.chars().count() <= MAX_NICKNAME_CHARS && !nickname.chars().any(char::is_control)
}

/// Checks a client message id: 1..=[`MAX_CLIENT_ID_BYTES`] printable ASCII.
pub fn valid_client_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_CLIENT_ID_BYTES && id.bytes().all(|b| b.is_ascii_graphic())
}

/// Decodes one text frame: bounded in size, then parsed as `T`. Never
/// panics, whatever the input (property-tested below).
pub fn decode<T: serde::de::DeserializeOwned>(frame: &str) -> Result<T, ErrorCode> {
    if frame.len() > MAX_FRAME_BYTES {
        return Err(ErrorCode::InvalidFrame);
    }
    serde_json::from_str(frame).map_err(|_| ErrorCode::InvalidFrame)
}

/// Encodes one frame. Our own types always serialise; the fallback keeps
/// this infallible for callers.
pub fn encode<T: Serialize>(msg: &T) -> String {
    serde_json::to_string(msg)
        .unwrap_or_else(|_| r#"{"type":"error","code":"unavailable"}"#.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decoding_arbitrary_text_never_panics(frame in any::<String>()) {
            let _ = decode::<chat::ChatClientMsg>(&frame);
            let _ = decode::<console::ConsoleClientMsg>(&frame);
        }

        #[test]
        fn decoding_json_like_noise_never_panics(frame in r#"[\[\]{}":,a-z0-9_ .\-\\]{0,200}"#) {
            let _ = decode::<chat::ChatClientMsg>(&frame);
            let _ = decode::<console::ConsoleClientMsg>(&frame);
        }

        #[test]
        fn any_send_frame_round_trips(client_id in "[!-~]{1,64}", text in any::<String>()) {
            let msg = chat::ChatClientMsg::Send { client_id, text };
            prop_assert_eq!(decode::<chat::ChatClientMsg>(&encode(&msg)), Ok(msg));
        }
    }

    #[test]
    fn oversized_frames_are_refused_before_parsing() {
        let frame = format!(
            r#"{{"type":"send","client_id":"a","text":"{}"}}"#,
            "x".repeat(MAX_FRAME_BYTES)
        );
        assert_eq!(
            decode::<chat::ChatClientMsg>(&frame),
            Err(ErrorCode::InvalidFrame)
        );
    }

    #[test]
    fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
        let frame = "[".repeat(20_000);
        assert_eq!(
            decode::<chat::ChatClientMsg>(&frame),
            Err(ErrorCode::InvalidFrame)
        );
    }

    #[test]
    fn message_text_limits() {
        assert!(valid_text("hej"));
        assert!(!valid_text(""));
        assert!(!valid_text(" \n\t "));
        assert!(valid_text(&"æ".repeat(MAX_MESSAGE_CHARS)));
        assert!(!valid_text(&"æ".repeat(MAX_MESSAGE_CHARS + 1)));
    }

    #[test]
    fn error_codes_decode_from_their_wire_names() {
        for code in ErrorCode::ALL {
            // A new code must go into ALL and from_wire: this match stops
            // compiling until it is listed here too.
            match code {
                ErrorCode::InvalidFrame
                | ErrorCode::BinaryFrame
                | ErrorCode::InvalidText
                | ErrorCode::InvalidClientId
                | ErrorCode::RateLimited
                | ErrorCode::NotAllowed
                | ErrorCode::AlreadyTaken
                | ErrorCode::NotFound
                | ErrorCode::Closed
                | ErrorCode::Unavailable
                | ErrorCode::TooManyChats
                | ErrorCode::ColleagueUnavailable
                | ErrorCode::IdentifyingNote => {}
            }
            let name = serde_json::to_value(code).expect("serialises");
            let name = name.as_str().expect("a name");
            assert_eq!(ErrorCode::from_wire(name), Some(code), "{name}");
        }
        assert_eq!(ErrorCode::from_wire("launch_missiles"), None);
    }

    #[test]
    fn nickname_limits() {
        assert!(valid_nickname("Bo"));
        assert!(valid_nickname(&"ø".repeat(MAX_NICKNAME_CHARS)));
        assert!(!valid_nickname(&"ø".repeat(MAX_NICKNAME_CHARS + 1)));
        assert!(!valid_nickname("two\nlines"));
    }

    #[test]
    fn client_id_limits() {
        assert!(valid_client_id("m-1a2b3c"));
        assert!(!valid_client_id(""));
        assert!(!valid_client_id("has space"));
        assert!(!valid_client_id(&"x".repeat(MAX_CLIENT_ID_BYTES + 1)));
        assert!(!valid_client_id("ø"));
    }

    #[test]
    fn vocabulary_is_snake_case_on_the_wire() {
        assert_eq!(
            serde_json::to_string(&Role::ParentOrRelative)
                .ok()
                .as_deref(),
            Some("\"parent_or_relative\"")
        );
        assert_eq!(
            serde_json::to_string(&AgeBand::From15To17).ok().as_deref(),
            Some("\"15_17\"")
        );
        assert_eq!(
            serde_json::to_string(&Topic::PartyDrugs).ok().as_deref(),
            Some("\"party_drugs\"")
        );
    }

    #[test]
    fn minors_are_the_bands_under_18() {
        let minors: Vec<_> = AgeBand::ALL
            .iter()
            .filter(|b| b.is_minor() == Some(true))
            .collect();
        assert_eq!(minors.len(), 3);
        assert_eq!(AgeBand::NotSaid.is_minor(), None);
    }
}
