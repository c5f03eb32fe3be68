//! `/ws/chat`: the anonymous person's side.
//!
//! The first frame is [`ChatClientMsg::Start`] (a new conversation),
//! [`ChatClientMsg::Resume`] (after a reconnect or reload, with the tab's
//! token) or [`ChatClientMsg::Continue`] (later, on any device, with a resume
//! code). The server answers [`ChatServerMsg::Joined`], then whatever was
//! missed.

use super::{AgeBand, ChatMessage, ErrorCode, Role, Sender, Topic};
use serde::{Deserialize, Serialize};

/// Frames from the anonymous person's browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChatClientMsg {
    /// Opens a new conversation in the queue. Age band and topic are optional.
    Start {
        /// [`super::PROTOCOL_VERSION`] of the client.
        version: u16,
        /// Who is writing.
        role: Role,
        /// Only asked of young people; optional.
        #[serde(default)]
        age_band: Option<AgeBand>,
        /// Optional.
        #[serde(default)]
        topic: Option<Topic>,
        /// Optional name to be called by (at most
        /// [`super::MAX_NICKNAME_CHARS`]); content, like messages.
        #[serde(default)]
        nickname: Option<String>,
    },
    /// Reattaches to an open conversation after a reconnect or reload.
    Resume {
        /// [`super::PROTOCOL_VERSION`] of the client.
        version: u16,
        /// The conversation token from [`ChatServerMsg::Joined`].
        token: String,
        /// The last `seq` this client has; everything after it is resent.
        last_seq: u64,
    },
    /// Continues an anonymous course with its resume code, on any device:
    /// reattaches to the open talk, or reopens an ended one (offered first
    /// to the counsellor of the last talk while they are on duty). A wrong
    /// code gets [`ErrorCode::NotFound`] and close code
    /// [`super::close_code::UNKNOWN_CONVERSATION`]; too many tries
    /// [`ErrorCode::RateLimited`] and [`super::close_code::TOO_FAST`].
    Continue {
        /// [`super::PROTOCOL_VERSION`] of the client.
        version: u16,
        /// The words as typed; case and separators do not matter.
        code: String,
    },
    /// Asks for a resume code (also after the talk has ended). Each request
    /// gives a new code and the earlier one stops working: the server keeps
    /// only a keyed hash, so it can never show a code again.
    RequestCode,
    /// A message; acknowledged with [`ChatServerMsg::Ack`] once stored.
    /// Sending the same `client_id` again stores nothing new.
    Send {
        /// Client-generated id, unique within the conversation.
        client_id: String,
        /// The text.
        text: String,
    },
    /// The person is typing. Relayed, never stored.
    Typing,
    /// The person ends the conversation (it is kept until retention).
    End,
    /// The person ends the conversation and asks for it to be deleted now.
    Delete,
    /// Keep-alive; answered with [`ChatServerMsg::Pong`].
    Ping,
}

/// Where the conversation stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ChatState {
    /// In the queue.
    Waiting,
    /// A counsellor has it.
    Talking {
        /// The counsellor's first name.
        counsellor: String,
    },
    /// Ended by either side.
    Ended,
}

/// Frames to the anonymous person's browser.
///
/// Serialised as an internally tagged object (`{"type": "ack", …}`), but
/// decoded through the flat [`wire::ServerFrame`]: serde's own decoder for
/// internally tagged enums buffers every frame in a generic tree first, and
/// that machinery alone weighs more than a tenth of the youth page's WASM.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    try_from = "wire::ServerFrame"
)]
pub enum ChatServerMsg {
    /// The conversation is open on this socket.
    Joined {
        /// The server's [`super::PROTOCOL_VERSION`].
        version: u16,
        /// Keep this (in sessionStorage) to resume after a reload.
        token: String,
        /// Current state.
        state: ChatState,
        /// Unix milliseconds when the conversation will be deleted if
        /// nothing more happens (retention).
        deleted_after: i64,
    },
    /// Place in the queue while waiting; sent whenever it changes.
    Queue {
        /// 1 = next.
        position: u32,
        /// Honest estimate from recent real waits; `None` when there is no
        /// data yet.
        estimate_secs: Option<u32>,
    },
    /// A counsellor has taken the conversation.
    CounsellorJoined {
        /// The counsellor's first name.
        first_name: String,
    },
    /// A stored message (either side's, the person's own included).
    Message(ChatMessage),
    /// The person's message `client_id` is stored as `seq`.
    Ack {
        /// The id the client gave.
        client_id: String,
        /// Its number in the conversation.
        seq: u64,
    },
    /// The counsellor has read everything up to `up_to`.
    Read {
        /// Highest `seq` read.
        up_to: u64,
    },
    /// The counsellor is typing.
    Typing,
    /// The conversation has ended.
    Ended {
        /// Who ended it.
        by: Sender,
    },
    /// The conversation and its messages are deleted.
    Deleted,
    /// The resume code asked for with [`ChatClientMsg::RequestCode`]. Shown
    /// once; never stored on the device.
    ResumeCode {
        /// Words separated by spaces.
        code: String,
    },
    /// One frame was rejected; the connection stays open.
    Error {
        /// What was wrong.
        code: ErrorCode,
        /// The rejected message's id, when it had one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
    /// Answer to [`ChatClientMsg::Ping`].
    Pong,
}

/// The flat shape [`ChatServerMsg`] is decoded from: every field any frame
/// has, each optional, plus the `type`. Plain structs and unit enums decode
/// straight from the JSON, without buffering.
mod wire {
    use super::{ChatMessage, ChatServerMsg, ChatState, ErrorCode, Sender};
    use serde::Deserialize;

    /// `joined.state`. Names (here and in `type`) are matched as plain
    /// strings: a derived decoder per name list costs more WASM than the
    /// match.
    #[derive(Deserialize)]
    pub(super) struct StateFrame {
        state: String,
        counsellor: Option<String>,
    }

    /// Every field of every server frame.
    #[derive(Deserialize)]
    pub struct ServerFrame {
        #[serde(rename = "type")]
        kind: String,
        version: Option<u16>,
        token: Option<String>,
        state: Option<StateFrame>,
        deleted_after: Option<i64>,
        position: Option<u32>,
        estimate_secs: Option<u32>,
        first_name: Option<String>,
        seq: Option<u64>,
        client_id: Option<String>,
        from: Option<String>,
        text: Option<String>,
        at: Option<i64>,
        up_to: Option<u64>,
        by: Option<String>,
        /// An error's code, or a resume code.
        code: Option<String>,
    }

    /// Why a frame is not a valid server frame.
    const MISSING: &str = "a field this frame needs is missing or invalid";

    /// `visitor` or `counsellor`.
    fn sender(name: Option<String>) -> Result<Sender, &'static str> {
        match name.as_deref() {
            Some("visitor") => Ok(Sender::Visitor),
            Some("counsellor") => Ok(Sender::Counsellor),
            _ => Err(MISSING),
        }
    }

    impl TryFrom<ServerFrame> for ChatServerMsg {
        type Error = &'static str;

        fn try_from(f: ServerFrame) -> Result<Self, &'static str> {
            Ok(match f.kind.as_str() {
                "joined" => ChatServerMsg::Joined {
                    version: f.version.ok_or(MISSING)?,
                    token: f.token.ok_or(MISSING)?,
                    state: {
                        let StateFrame { state, counsellor } = f.state.ok_or(MISSING)?;
                        match state.as_str() {
                            "waiting" => ChatState::Waiting,
                            "talking" => ChatState::Talking {
                                counsellor: counsellor.ok_or(MISSING)?,
                            },
                            "ended" => ChatState::Ended,
                            _ => return Err(MISSING),
                        }
                    },
                    deleted_after: f.deleted_after.ok_or(MISSING)?,
                },
                "queue" => ChatServerMsg::Queue {
                    position: f.position.ok_or(MISSING)?,
                    estimate_secs: f.estimate_secs,
                },
                "counsellor_joined" => ChatServerMsg::CounsellorJoined {
                    first_name: f.first_name.ok_or(MISSING)?,
                },
                "message" => ChatServerMsg::Message(ChatMessage {
                    seq: f.seq.ok_or(MISSING)?,
                    client_id: f.client_id.ok_or(MISSING)?,
                    from: sender(f.from)?,
                    text: f.text.ok_or(MISSING)?,
                    at: f.at.ok_or(MISSING)?,
                }),
                "ack" => ChatServerMsg::Ack {
                    client_id: f.client_id.ok_or(MISSING)?,
                    seq: f.seq.ok_or(MISSING)?,
                },
                "read" => ChatServerMsg::Read {
                    up_to: f.up_to.ok_or(MISSING)?,
                },
                "typing" => ChatServerMsg::Typing,
                "ended" => ChatServerMsg::Ended { by: sender(f.by)? },
                "deleted" => ChatServerMsg::Deleted,
                "resume_code" => ChatServerMsg::ResumeCode {
                    code: f.code.ok_or(MISSING)?,
                },
                "error" => {
                    let code = f.code.as_deref().and_then(ErrorCode::from_wire);
                    let code = code.ok_or(MISSING)?;
                    ChatServerMsg::Error {
                        code,
                        client_id: f.client_id,
                    }
                }
                "pong" => ChatServerMsg::Pong,
                _ => return Err("unknown frame type"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_have_a_stable_json_shape() {
        let start = ChatClientMsg::Start {
            version: 1,
            role: Role::YoungPerson,
            age_band: Some(AgeBand::From15To17),
            topic: None,
            nickname: None,
        };
        assert_eq!(
            serde_json::to_string(&start).ok().as_deref(),
            Some(
                r#"{"type":"start","version":1,"role":"young_person","age_band":"15_17","topic":null,"nickname":null}"#
            )
        );
        assert_eq!(
            serde_json::from_str::<ChatClientMsg>(
                r#"{"type":"start","version":1,"role":"young_person"}"#
            )
            .ok(),
            Some(ChatClientMsg::Start {
                version: 1,
                role: Role::YoungPerson,
                age_band: None,
                topic: None,
                nickname: None
            }),
            "optional fields may be left out"
        );
        let message = ChatServerMsg::Message(ChatMessage {
            seq: 3,
            client_id: "c1".into(),
            from: Sender::Counsellor,
            text: "Hej".into(),
            at: 5,
        });
        assert_eq!(
            serde_json::to_string(&message).ok().as_deref(),
            Some(
                r#"{"type":"message","seq":3,"client_id":"c1","from":"counsellor","text":"Hej","at":5}"#
            )
        );
    }

    #[test]
    fn every_frame_round_trips() {
        let client = [
            ChatClientMsg::Resume {
                version: 1,
                token: "t".into(),
                last_seq: 9,
            },
            ChatClientMsg::Send {
                client_id: "a".into(),
                text: "ø".into(),
            },
            ChatClientMsg::Continue {
                version: 1,
                code: "sol hest kage bro".into(),
            },
            ChatClientMsg::RequestCode,
            ChatClientMsg::Typing,
            ChatClientMsg::End,
            ChatClientMsg::Delete,
            ChatClientMsg::Ping,
        ];
        for msg in client {
            let json = serde_json::to_string(&msg).expect("serialises");
            assert_eq!(serde_json::from_str::<ChatClientMsg>(&json).ok(), Some(msg));
        }
        let server = [
            ChatServerMsg::Joined {
                version: 1,
                token: "t".into(),
                state: ChatState::Talking {
                    counsellor: "Anna".into(),
                },
                deleted_after: 1,
            },
            ChatServerMsg::Queue {
                position: 2,
                estimate_secs: None,
            },
            ChatServerMsg::CounsellorJoined {
                first_name: "Anna".into(),
            },
            ChatServerMsg::Ack {
                client_id: "a".into(),
                seq: 1,
            },
            ChatServerMsg::Read { up_to: 4 },
            ChatServerMsg::Typing,
            ChatServerMsg::Ended {
                by: Sender::Visitor,
            },
            ChatServerMsg::Deleted,
            ChatServerMsg::ResumeCode {
                code: "sol hest kage bro".into(),
            },
            ChatServerMsg::Error {
                code: ErrorCode::RateLimited,
                client_id: Some("a".into()),
            },
            ChatServerMsg::Pong,
        ];
        for msg in server {
            let json = serde_json::to_string(&msg).expect("serialises");
            assert_eq!(serde_json::from_str::<ChatServerMsg>(&json).ok(), Some(msg));
        }
    }

    #[test]
    fn server_frames_with_missing_or_wrong_fields_are_rejected() {
        for bad in [
            r#"{"type":"ack","client_id":"a"}"#,
            r#"{"type":"joined","version":1,"token":"t","state":{"state":"talking"},"deleted_after":1}"#,
            r#"{"type":"error","code":"no_such_code"}"#,
            r#"{"type":"nonsense"}"#,
            r#"{"seq":1}"#,
        ] {
            assert!(serde_json::from_str::<ChatServerMsg>(bad).is_err(), "{bad}");
        }
        // Fields a newer server may add are ignored.
        assert_eq!(
            serde_json::from_str::<ChatServerMsg>(r#"{"type":"pong","extra":1}"#).ok(),
            Some(ChatServerMsg::Pong)
        );
    }

    #[test]
    fn unknown_types_and_fields_are_rejected() {
        for bad in [
            r#"{"type":"launch_missiles"}"#,
            r#"{"type":"send","client_id":"a"}"#,
            r#"{"type":"send","client_id":"a","text":"x","admin":true}"#,
            r#"{"type":"resume","version":1,"token":"t","last_seq":-1}"#,
            r#"{"type":"start","version":1,"role":"king"}"#,
            r#"[1,2,3]"#,
            "",
        ] {
            assert!(serde_json::from_str::<ChatClientMsg>(bad).is_err(), "{bad}");
        }
    }
}
