use crate::protocol::chat::{ChatServerMsg, ChatState};
use crate::protocol::{ChatMessage, Sender};
use leptos::prelude::*;

/// Where the visitor is in the chat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Choosing who they are (nothing sent yet).
    Choose,
    /// Opening the conversation.
    Connecting,
    /// In the queue or talking.
    Open,
    /// The conversation has ended.
    Ended,
    /// The conversation was deleted at the person's request.
    Deleted,
    /// The page is older than the server (after a deploy): reload.
    ReloadNeeded,
}

/// Why a resume code did not open a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    /// No course has that code.
    Wrong,
    /// Too many tries from here, or too many wrong codes overall.
    TooMany,
    /// The course was ended for good by a counsellor.
    Ended,
}

/// Delivery of the visitor's own message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageStatus {
    /// Kept on the device, not yet stored by the service.
    Sending,
    /// Stored by the service.
    Sent,
    /// Read by the counsellor.
    Read,
}

/// A message as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UiMessage {
    /// Number in the conversation once stored.
    pub seq: Option<u64>,
    /// The sender's id for it.
    pub client_id: String,
    /// Who wrote it.
    pub from: Sender,
    /// The text.
    pub text: String,
}

/// The conversation as signals. Cheap to copy; provided as context.
#[derive(Clone, Copy, Debug)]
pub struct ChatModel {
    /// Where the visitor is.
    pub phase: RwSignal<Phase>,
    /// Place in the queue and estimate (seconds), while waiting.
    pub queue: RwSignal<Option<(u32, Option<u32>)>>,
    /// The counsellor's first name, once one has the chat.
    pub counsellor: RwSignal<Option<String>>,
    /// Every message, oldest first.
    pub messages: RwSignal<Vec<UiMessage>>,
    /// The socket is open and joined.
    pub online: RwSignal<bool>,
    /// The counsellor is typing (cleared by the next message).
    pub typing: RwSignal<bool>,
    /// Highest `seq` the counsellor has read.
    pub read_up_to: RwSignal<u64>,
    /// When the conversation will be deleted (Unix ms).
    pub deleted_after: RwSignal<Option<i64>>,
    /// The visitor wrote a risk word: the emergency numbers stand beside
    /// the chat. Decided in the browser, never sent.
    pub serious: RwSignal<bool>,
    /// A resume code just issued: shown once, never stored on the device.
    pub code: RwSignal<Option<String>>,
    /// Why the last resume code did not work.
    pub code_problem: RwSignal<Option<CodeProblem>>,
    /// The server said the chat closed (opening hours) since the page loaded.
    pub closed: RwSignal<bool>,
    /// A new chat was refused: too many started from this address just now.
    pub start_refused: RwSignal<bool>,
}

impl Default for ChatModel {
    fn default() -> Self {
        ChatModel::new()
    }
}

impl ChatModel {
    /// A fresh model: nothing chosen yet.
    pub fn new() -> Self {
        ChatModel {
            phase: RwSignal::new(Phase::Choose),
            queue: RwSignal::new(None),
            counsellor: RwSignal::new(None),
            messages: RwSignal::new(Vec::new()),
            online: RwSignal::new(false),
            typing: RwSignal::new(false),
            read_up_to: RwSignal::new(0),
            deleted_after: RwSignal::new(None),
            serious: RwSignal::new(false),
            code: RwSignal::new(None),
            code_problem: RwSignal::new(None),
            closed: RwSignal::new(false),
            start_refused: RwSignal::new(false),
        }
    }

    /// The highest stored `seq` this page has (what a resume asks after).
    pub fn last_seq(&self) -> u64 {
        self.messages
            .with_untracked(|m| m.iter().filter_map(|m| m.seq).max().unwrap_or(0))
    }

    /// The status of one of the visitor's own messages.
    pub fn status(&self, message: &UiMessage) -> MessageStatus {
        match message.seq {
            None => MessageStatus::Sending,
            Some(seq) if seq <= self.read_up_to.get() => MessageStatus::Read,
            Some(_) => MessageStatus::Sent,
        }
    }

    /// Shows a message the visitor just wrote, before it is stored.
    pub fn add_pending(&self, client_id: &str, text: &str) {
        self.messages.update(|messages| {
            if !messages
                .iter()
                .any(|m| m.client_id == client_id && m.from == Sender::Visitor)
            {
                messages.push(UiMessage {
                    seq: None,
                    client_id: client_id.to_owned(),
                    from: Sender::Visitor,
                    text: text.to_owned(),
                });
            }
        });
    }

    fn store(&self, message: ChatMessage) {
        self.messages.update(|messages| {
            if messages.iter().any(|m| m.seq == Some(message.seq)) {
                return;
            }
            if let Some(own) = messages.iter_mut().find(|m| {
                m.seq.is_none() && m.from == message.from && m.client_id == message.client_id
            }) {
                own.seq = Some(message.seq);
                return;
            }
            messages.push(UiMessage {
                seq: Some(message.seq),
                client_id: message.client_id,
                from: message.from,
                text: message.text,
            });
            // Keep the stored ones in order; pending ones stay last.
            messages.sort_by_key(|m| m.seq.unwrap_or(u64::MAX));
        });
    }

    /// Applies one frame from the server. Returns the client id of the
    /// visitor's message that is now stored, if any (to drop from the outbox).
    pub fn apply(&self, msg: ChatServerMsg) -> Option<String> {
        match msg {
            ChatServerMsg::Joined {
                state,
                deleted_after,
                ..
            } => {
                self.online.set(true);
                self.deleted_after.set(Some(deleted_after));
                match state {
                    ChatState::Waiting => self.phase.set(Phase::Open),
                    ChatState::Talking { counsellor } => {
                        self.queue.set(None);
                        self.counsellor.set(Some(counsellor));
                        self.phase.set(Phase::Open);
                    }
                    ChatState::Ended => self.phase.set(Phase::Ended),
                }
                None
            }
            ChatServerMsg::Queue {
                position,
                estimate_secs,
            } => {
                if self.counsellor.get_untracked().is_none() {
                    self.queue.set(Some((position, estimate_secs)));
                }
                None
            }
            ChatServerMsg::CounsellorJoined { first_name } => {
                self.queue.set(None);
                self.counsellor.set(Some(first_name));
                None
            }
            ChatServerMsg::Message(message) => {
                self.typing.set(false);
                let own = (message.from == Sender::Visitor).then(|| message.client_id.clone());
                self.store(message);
                own
            }
            ChatServerMsg::Ack { client_id, seq } => {
                self.messages.update(|messages| {
                    if let Some(own) = messages.iter_mut().find(|m| {
                        m.from == Sender::Visitor && m.client_id == client_id && m.seq.is_none()
                    }) {
                        own.seq = Some(seq);
                    }
                    messages.sort_by_key(|m| m.seq.unwrap_or(u64::MAX));
                });
                Some(client_id)
            }
            ChatServerMsg::Read { up_to } => {
                self.read_up_to.update(|r| *r = (*r).max(up_to));
                None
            }
            ChatServerMsg::Typing => {
                self.typing.set(true);
                None
            }
            ChatServerMsg::Ended { .. } => {
                self.typing.set(false);
                self.phase.set(Phase::Ended);
                None
            }
            ChatServerMsg::Deleted => {
                self.messages.set(Vec::new());
                self.code.set(None);
                self.phase.set(Phase::Deleted);
                None
            }
            ChatServerMsg::ResumeCode { code } => {
                self.code.set(Some(code));
                None
            }
            ChatServerMsg::Error { .. } | ChatServerMsg::Pong => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(seq: u64, client_id: &str, from: Sender) -> ChatServerMsg {
        ChatServerMsg::Message(ChatMessage {
            seq,
            client_id: client_id.into(),
            from,
            text: "t".into(),
            at: 0,
        })
    }

    #[test]
    fn an_own_message_goes_from_sending_to_sent_to_read() {
        Owner::new().with(|| {
            let model = ChatModel::new();
            model.add_pending("a", "hej");
            let shown = model.messages.get_untracked()[0].clone();
            assert_eq!(model.status(&shown), MessageStatus::Sending);
            assert_eq!(
                model.apply(ChatServerMsg::Ack {
                    client_id: "a".into(),
                    seq: 1
                }),
                Some("a".into())
            );
            let shown = model.messages.get_untracked()[0].clone();
            assert_eq!(model.status(&shown), MessageStatus::Sent);
            model.apply(ChatServerMsg::Read { up_to: 1 });
            assert_eq!(model.status(&shown), MessageStatus::Read);
        });
    }

    #[test]
    fn resent_and_echoed_messages_are_shown_once_and_in_order() {
        Owner::new().with(|| {
            let model = ChatModel::new();
            model.add_pending("a", "hej");
            model.apply(message(2, "c", Sender::Counsellor));
            model.apply(message(1, "a", Sender::Visitor));
            model.apply(ChatServerMsg::Ack {
                client_id: "a".into(),
                seq: 1,
            });
            model.apply(message(2, "c", Sender::Counsellor));
            let seqs: Vec<_> = model
                .messages
                .get_untracked()
                .iter()
                .map(|m| m.seq)
                .collect();
            assert_eq!(seqs, [Some(1), Some(2)]);
            assert_eq!(model.last_seq(), 2);
        });
    }

    #[test]
    fn a_resume_code_is_shown_until_the_conversation_is_deleted() {
        Owner::new().with(|| {
            let model = ChatModel::new();
            model.apply(ChatServerMsg::ResumeCode {
                code: "sol hest kage bro".into(),
            });
            assert_eq!(
                model.code.get_untracked().as_deref(),
                Some("sol hest kage bro")
            );
            model.apply(ChatServerMsg::Deleted);
            assert_eq!(model.code.get_untracked(), None);
        });
    }

    #[test]
    fn a_counsellor_joining_ends_the_wait() {
        Owner::new().with(|| {
            let model = ChatModel::new();
            model.apply(ChatServerMsg::Queue {
                position: 2,
                estimate_secs: None,
            });
            assert_eq!(model.queue.get_untracked(), Some((2, None)));
            model.apply(ChatServerMsg::CounsellorJoined {
                first_name: "Anna".into(),
            });
            assert_eq!(model.queue.get_untracked(), None);
            assert_eq!(model.counsellor.get_untracked().as_deref(), Some("Anna"));
        });
    }
}
