//! The console's state as signals, and how each server frame changes it.
//!
//! Pure: no browser calls, so every rule here (ordering, de-duplication,
//! unread counts, what a failed claim means) is unit-tested on the host. The
//! connection feeds frames in with [`ConsoleModel::apply`] and carries out the
//! [`FollowUp`] it gets back; the views only read signals and call the
//! connection.

use super::texts::{Lang, fill};
use crate::protocol::console::{ConsoleServerMsg, Outcome, QueueEntry, ReturnReason};
use crate::protocol::{ChatMessage, ErrorCode, Sender};
use leptos::prelude::*;
use std::collections::HashSet;

/// Messages older than this (by the service's clock) are not announced:
/// after a reload the whole conversation arrives again, and reading it all
/// aloud would drown what is new.
const ANNOUNCE_WITHIN_MS: i64 = 2 * 60_000;

/// Whether the console is logged in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Session {
    /// Asking the server at start.
    Checking,
    /// Not logged in. `ended` when a session this page had ran out, so the
    /// form can say why it is back.
    LoggedOut {
        /// A session of this page ended (expired, logged out elsewhere).
        ended: bool,
    },
    /// Logged in as this counsellor.
    LoggedIn {
        /// The counsellor's first name.
        first_name: String,
    },
}

/// The live socket's state, shown in the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// Opening (first time, or after a reconnect).
    Connecting,
    /// Welcomed by the server: the queue and chats are live.
    Online,
    /// Lost; the next attempt comes after a back-off.
    Retrying,
    /// The server speaks another protocol version: only a reload helps.
    ReloadNeeded,
}

/// One message as the console shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Number in the conversation once stored; `None` while on its way.
    pub seq: Option<u64>,
    /// The sender's id for it (matches acks and echoes to pending lines).
    pub client_id: String,
    /// Who wrote it.
    pub from: Sender,
    /// The text.
    pub text: String,
    /// When the service stored it (Unix ms), once known.
    pub at: Option<i64>,
    /// Why the service refused this console's message, if it did.
    pub failed: Option<ErrorCode>,
}

/// What this console asked for when ending a chat (the server's `ended`
/// frame does not say who ended it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Closed with an outcome.
    Close(Outcome),
    /// Ended and blocked.
    Block,
}

/// Why a chat is over, as far as this console knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// The person ended it.
    ByPerson,
    /// The person ended it and deleted it: its messages are gone.
    Deleted,
    /// It was not open any more when this console came back (it ended
    /// while the page was away or offline).
    Gone,
}

/// One of this counsellor's chats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chat {
    /// The conversation.
    pub id: i64,
    /// Who, what about, nickname, course: known when claimed on this page;
    /// `None` for chats reopened after a reload (the protocol only names
    /// their ids).
    pub entry: Option<QueueEntry>,
    /// Stored messages by `seq`, then this console's pending ones.
    pub lines: Vec<Line>,
    /// Highest `seq` this console has marked read.
    pub read_up_to: u64,
    /// The person is typing (cleared by their next message or a timeout).
    pub typing: bool,
    /// Bumped with each typing frame, so an older timeout cannot clear a
    /// newer "is typing".
    pub typing_generation: u32,
    /// A close or block this console asked for, until the server confirms.
    pub ending: Option<Ending>,
    /// Over, and why; the tab stays until dismissed.
    pub ended: Option<Ended>,
    /// The last error about this chat that is not about one message.
    pub error: Option<ErrorCode>,
}

impl Chat {
    fn new(id: i64, entry: Option<QueueEntry>) -> Chat {
        Chat {
            id,
            entry,
            lines: Vec::new(),
            read_up_to: 0,
            typing: false,
            typing_generation: 0,
            ending: None,
            ended: None,
            error: None,
        }
    }

    /// The highest stored `seq`: what a reopen asks after, and what
    /// reading the chat marks read.
    pub fn last_seq(&self) -> u64 {
        self.lines.iter().filter_map(|l| l.seq).max().unwrap_or(0)
    }

    /// The person's messages this console has not marked read.
    pub fn unread(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| l.from == Sender::Visitor && l.seq.is_some_and(|s| s > self.read_up_to))
            .count()
    }

    /// Whether messages can still be written.
    pub fn is_open(&self) -> bool {
        self.ended.is_none() && self.ending.is_none()
    }

    /// Stores a message once, in `seq` order; an echo of a pending line
    /// completes it instead.
    fn insert(&mut self, message: ChatMessage) {
        if let Some(known) = self.lines.iter_mut().find(|l| l.seq == Some(message.seq)) {
            // Acknowledged earlier: the echo adds the service's time.
            known.at.get_or_insert(message.at);
            return;
        }
        if let Some(own) = self
            .lines
            .iter_mut()
            .find(|l| l.from == message.from && l.client_id == message.client_id)
        {
            own.seq = Some(message.seq);
            own.at = Some(message.at);
            own.failed = None;
        } else {
            self.lines.push(Line {
                seq: Some(message.seq),
                client_id: message.client_id,
                from: message.from,
                text: message.text,
                at: Some(message.at),
                failed: None,
            });
        }
        self.sort();
    }

    /// Stored lines by `seq`; pending ones after them, in writing order
    /// (a stable sort keeps that order).
    fn sort(&mut self) {
        self.lines.sort_by_key(|l| l.seq.unwrap_or(u64::MAX));
    }
}

/// A claim that did not succeed, shown at the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClaimProblem {
    /// The chat that could not be taken.
    pub conversation: i64,
    /// Why (`already_taken`, `not_allowed`: kept for the last counsellor,
    /// `not_found`: no longer waiting, …).
    pub code: ErrorCode,
}

/// What the connection must do after a frame is applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowUp {
    /// Nothing more.
    Nothing,
    /// Welcomed: reopen these chats (each from its [`Chat::last_seq`]) and
    /// send their pending messages again.
    Reopen(Vec<i64>),
    /// The person is typing: clear it after a while unless a newer typing
    /// frame came ([`ConsoleModel::typing_expired`]).
    TypingShown {
        /// Which chat.
        conversation: i64,
        /// The generation to clear.
        generation: u32,
    },
    /// A frame was dropped for speed and the server could not say which:
    /// send pending messages, read marks, closes and blocks again shortly
    /// (all are idempotent).
    Resend,
}

/// The whole console. Cheap to copy; provided as context.
#[derive(Clone, Copy, Debug)]
pub struct ConsoleModel {
    /// Logged in or not.
    pub session: RwSignal<Session>,
    /// The socket's state.
    pub link: RwSignal<Link>,
    /// The waiting queue as the server sorted it (priority, then oldest):
    /// its head only, when it is long.
    pub queue: RwSignal<Vec<QueueEntry>>,
    /// How many chats wait in all, listed or not.
    pub queue_total: RwSignal<u32>,
    /// Claims sent and not yet answered.
    pub claiming: RwSignal<HashSet<i64>>,
    /// The last claim that failed, until the next claim.
    pub claim_problem: RwSignal<Option<ClaimProblem>>,
    /// This counsellor's chats, in the order they were taken.
    pub chats: RwSignal<Vec<Chat>>,
    /// The chat on screen.
    pub active: RwSignal<Option<i64>>,
    /// The latest announcement for screen readers (a polite live region).
    pub announcement: RwSignal<String>,
    /// "Now" (Unix ms) for waiting times; ticks every 30 seconds.
    pub now: RwSignal<i64>,
    /// The console's language.
    pub lang: RwSignal<Lang>,
    /// Counts what should make a sound: a person's new message, a new chat
    /// in the queue. Only its changes matter (see `view::alerts`).
    pub arrivals: RwSignal<u32>,
    /// Queue entries already announced (re-announced if they leave and
    /// come back).
    announced: StoredValue<HashSet<i64>>,
    /// Transfers, status, notes, concerns, the coordinator's view.
    pub work: super::work::WorkModel,
}

impl ConsoleModel {
    /// A fresh console: checking the session, nothing known yet.
    pub fn new(lang: Lang, now: i64) -> Self {
        ConsoleModel {
            session: RwSignal::new(Session::Checking),
            link: RwSignal::new(Link::Connecting),
            queue: RwSignal::new(Vec::new()),
            queue_total: RwSignal::new(0),
            claiming: RwSignal::new(HashSet::new()),
            claim_problem: RwSignal::new(None),
            chats: RwSignal::new(Vec::new()),
            active: RwSignal::new(None),
            announcement: RwSignal::new(String::new()),
            now: RwSignal::new(now),
            lang: RwSignal::new(lang),
            arrivals: RwSignal::new(0),
            announced: StoredValue::new(HashSet::new()),
            work: super::work::WorkModel::new(),
        }
    }

    /// Forgets everything shown (logging out): the next counsellor at this
    /// screen sees nothing of the last one's chats.
    pub fn clear(&self, session: Session) {
        self.session.set(session);
        self.link.set(Link::Connecting);
        self.queue.set(Vec::new());
        self.claiming.set(HashSet::new());
        self.claim_problem.set(None);
        self.chats.set(Vec::new());
        self.active.set(None);
        self.announcement.set(String::new());
        self.announced.set_value(HashSet::new());
        self.work.clear();
    }

    /// Sets the live region's text; the same text twice is made to differ
    /// (a trailing no-break space) so screen readers read it again.
    fn announce(&self, text: String) {
        self.announcement.update(|current| {
            *current = if *current == text {
                format!("{text}\u{a0}")
            } else {
                text
            };
        });
    }

    /// What the console calls chat `id` now.
    pub fn name_of(&self, id: i64) -> String {
        let t = self.lang.get_untracked().texts();
        self.chats.with_untracked(|chats| {
            let entry = chats
                .iter()
                .find(|c| c.id == id)
                .and_then(|c| c.entry.as_ref());
            t.chat_name(id, entry)
        })
    }

    fn with_chat<R>(&self, id: i64, f: impl FnOnce(&mut Chat) -> R) -> Option<R> {
        let mut result = None;
        self.chats.update(|chats| {
            if let Some(chat) = chats.iter_mut().find(|c| c.id == id) {
                result = Some(f(chat));
            }
        });
        result
    }

    /// Applies one frame from the server; `now` is the browser's clock
    /// (Unix ms), used to decide what is new enough to announce.
    pub fn apply(&self, msg: ConsoleServerMsg, now: i64) -> FollowUp {
        let t = self.lang.get_untracked().texts();
        match msg {
            ConsoleServerMsg::Welcome {
                first_name, mine, ..
            } => {
                let session = Session::LoggedIn { first_name };
                // Unchanged after a reconnect: the page must not re-render.
                if self.session.get_untracked() != session {
                    self.session.set(session);
                }
                self.link.set(Link::Online);
                self.chats.update(|chats| {
                    // Chats this console closed while the answer was lost
                    // are done; others ended while the page was away.
                    chats.retain(|c| mine.contains(&c.id) || c.ending.is_none());
                    for chat in chats.iter_mut() {
                        if mine.contains(&chat.id) {
                            // Still open: a close that was on its way when
                            // the connection dropped did not happen.
                            chat.ending = None;
                        } else if chat.ended.is_none() {
                            chat.ended = Some(Ended::Gone);
                            chat.typing = false;
                        }
                    }
                    for id in &mine {
                        if !chats.iter().any(|c| c.id == *id) {
                            chats.push(Chat::new(*id, None));
                        }
                    }
                });
                self.keep_active_valid();
                FollowUp::Reopen(mine)
            }
            ConsoleServerMsg::Queue { waiting, total } => {
                self.now.set(now);
                // An older server sends no total: the list is all there is.
                let listed = u32::try_from(waiting.len()).unwrap_or(u32::MAX);
                self.queue_total.set(total.max(listed));
                let fresh: Vec<&QueueEntry> = self.announced.with_value(|seen| {
                    waiting
                        .iter()
                        .filter(|e| !seen.contains(&e.conversation))
                        .collect()
                });
                if !fresh.is_empty() {
                    self.arrivals.update(|n| *n = n.wrapping_add(1));
                }
                match fresh.as_slice() {
                    [] => {}
                    [one] => self.announce(fill(t.announce_new_chat, "who", &t.who(one))),
                    many => self.announce(fill(t.announce_new_chats, "n", &many.len().to_string())),
                }
                self.announced
                    .set_value(waiting.iter().map(|e| e.conversation).collect());
                self.queue.set(waiting);
                FollowUp::Nothing
            }
            ConsoleServerMsg::Claimed { entry } => {
                let id = entry.conversation;
                self.claiming.update(|c| {
                    c.remove(&id);
                });
                self.queue.update(|q| q.retain(|e| e.conversation != id));
                self.chats.update(|chats| {
                    if let Some(chat) = chats.iter_mut().find(|c| c.id == id) {
                        chat.entry = Some(entry.clone());
                        chat.ended = None;
                        chat.ending = None;
                    } else {
                        chats.push(Chat::new(id, Some(entry.clone())));
                    }
                });
                // Taking a chat is a deliberate act: show it at once.
                self.active.set(Some(id));
                self.announce(fill(t.announce_claimed, "name", &self.name_of(id)));
                FollowUp::Nothing
            }
            ConsoleServerMsg::Reopened { entry } => {
                // Quietly: nothing new happened, the page only forgot.
                let id = entry.conversation;
                self.with_chat(id, |chat| chat.entry = Some(entry));
                FollowUp::Nothing
            }
            ConsoleServerMsg::Message {
                conversation,
                message,
            } => {
                let from_person = message.from == Sender::Visitor;
                let recent = now.saturating_sub(message.at) < ANNOUNCE_WITHIN_MS;
                let text = message.text.clone();
                let inserted = self.with_chat(conversation, |chat| {
                    let before = chat.lines.len();
                    if from_person {
                        chat.typing = false;
                    }
                    chat.insert(message);
                    chat.lines.len() > before
                });
                if inserted == Some(true) && from_person && recent {
                    let name = self.name_of(conversation);
                    let line = if self.active.get_untracked() == Some(conversation) {
                        fill(&fill(t.announce_message, "name", &name), "text", &text)
                    } else {
                        fill(t.announce_message_elsewhere, "name", &name)
                    };
                    self.announce(line);
                    self.arrivals.update(|n| *n = n.wrapping_add(1));
                }
                FollowUp::Nothing
            }
            ConsoleServerMsg::Ack {
                conversation,
                client_id,
                seq,
            } => {
                self.with_chat(conversation, |chat| {
                    if chat.lines.iter().any(|l| l.seq == Some(seq)) {
                        return;
                    }
                    if let Some(own) = chat.lines.iter_mut().find(|l| {
                        l.from == Sender::Counsellor && l.client_id == client_id && l.seq.is_none()
                    }) {
                        own.seq = Some(seq);
                        own.failed = None;
                    }
                    chat.sort();
                });
                FollowUp::Nothing
            }
            ConsoleServerMsg::Typing { conversation } => self
                .with_chat(conversation, |chat| {
                    if chat.ended.is_some() {
                        return FollowUp::Nothing;
                    }
                    chat.typing = true;
                    chat.typing_generation = chat.typing_generation.wrapping_add(1);
                    FollowUp::TypingShown {
                        conversation,
                        generation: chat.typing_generation,
                    }
                })
                .unwrap_or(FollowUp::Nothing),
            ConsoleServerMsg::Ended {
                conversation,
                deleted,
            } => {
                let name = self.name_of(conversation);
                let mine = self
                    .with_chat(conversation, |chat| chat.ending.is_some())
                    .unwrap_or(false);
                if mine && !deleted {
                    // Closed or blocked here: done, the tab goes.
                    self.dismiss(conversation);
                    self.announce(fill(t.announce_closed, "name", &name));
                } else {
                    self.with_chat(conversation, |chat| {
                        chat.typing = false;
                        chat.ending = None;
                        chat.ended = Some(if deleted {
                            Ended::Deleted
                        } else {
                            Ended::ByPerson
                        });
                        if deleted {
                            chat.lines.clear();
                        }
                        for line in chat.lines.iter_mut().filter(|l| l.seq.is_none()) {
                            line.failed.get_or_insert(ErrorCode::NotAllowed);
                        }
                    });
                    self.announce(fill(t.announce_ended, "name", &name));
                }
                FollowUp::Nothing
            }
            ConsoleServerMsg::Error {
                code,
                conversation,
                client_id,
            } => self.on_error(code, conversation, client_id),
            ConsoleServerMsg::Pong => FollowUp::Nothing,
            ConsoleServerMsg::Priority {
                conversation,
                priority,
                risk_words,
            } => {
                let flagged = !risk_words.is_empty();
                let changed = self.with_chat(conversation, |chat| {
                    let entry = chat.entry.as_mut()?;
                    let new_words = risk_words.iter().any(|w| !entry.risk_words.contains(w));
                    entry.priority = priority;
                    entry.risk_words = risk_words;
                    Some(new_words)
                });
                if flagged && changed.flatten() == Some(true) {
                    let tools = self.lang.get_untracked().tools();
                    self.announce(fill(
                        tools.announce_risk,
                        "name",
                        &self.name_of(conversation),
                    ));
                }
                FollowUp::Nothing
            }
            ConsoleServerMsg::TransferredToYou { entry, note, from } => {
                let id = entry.conversation;
                self.work.watching.update(|w| {
                    w.remove(&id);
                });
                self.work.handovers.update(|h| {
                    h.insert(id, (from.clone(), note));
                });
                self.chats.update(|chats| {
                    if let Some(chat) = chats.iter_mut().find(|c| c.id == id) {
                        chat.entry = Some(entry.clone());
                        chat.ended = None;
                        chat.ending = None;
                    } else {
                        chats.push(Chat::new(id, Some(entry.clone())));
                    }
                });
                self.announce(fill(
                    &fill(
                        self.lang.get_untracked().work().announce_transferred_to_you,
                        "name",
                        &self.name_of(id),
                    ),
                    "from",
                    &from,
                ));
                self.keep_active_valid();
                FollowUp::Nothing
            }
            ConsoleServerMsg::TransferredAway { conversation } => {
                self.leave(conversation, None);
                FollowUp::Nothing
            }
            ConsoleServerMsg::ReturnedToQueue {
                conversation,
                reason,
            } => {
                self.leave(conversation, Some(reason));
                FollowUp::Nothing
            }
            ConsoleServerMsg::Watching { entry, .. } => {
                let id = entry.conversation;
                self.work.watching.update(|w| {
                    w.insert(id);
                });
                self.chats.update(|chats| {
                    if !chats.iter().any(|c| c.id == id) {
                        chats.push(Chat::new(id, Some(entry.clone())));
                    }
                });
                self.active.set(Some(id));
                FollowUp::Nothing
            }
            other => {
                self.work.apply(&other);
                FollowUp::Nothing
            }
        }
    }

    /// A chat left this console (given to a colleague, or back to the
    /// queue): its tab goes, and an alert says why.
    fn leave(&self, id: i64, reason: Option<ReturnReason>) {
        let t = self.lang.get_untracked().work();
        let name = self.name_of(id);
        let known = self.chats.with_untracked(|c| c.iter().any(|c| c.id == id));
        self.dismiss(id);
        self.work.forget(id);
        if known {
            let text = match reason {
                None => t.announce_transferred_away,
                Some(_) => t.announce_returned,
            };
            self.announce(fill(text, "name", &name));
            self.work.alert(name, reason);
        }
    }

    fn on_error(
        &self,
        code: ErrorCode,
        conversation: Option<i64>,
        client_id: Option<String>,
    ) -> FollowUp {
        let Some(id) = conversation else {
            if code == ErrorCode::RateLimited {
                // Whatever was dropped is sent again; a dropped claim is
                // simply clicked again.
                self.claiming.set(HashSet::new());
                return FollowUp::Resend;
            }
            return FollowUp::Nothing;
        };
        if self.claiming.with_untracked(|c| c.contains(&id)) {
            self.claiming.update(|c| {
                c.remove(&id);
            });
            self.claim_problem.set(Some(ClaimProblem {
                conversation: id,
                code,
            }));
            return FollowUp::Nothing;
        }
        self.with_chat(id, |chat| {
            match client_id {
                Some(client_id) => {
                    if let Some(line) = chat
                        .lines
                        .iter_mut()
                        .find(|l| l.from == Sender::Counsellor && l.client_id == client_id)
                    {
                        line.failed = Some(code);
                    }
                }
                None if code == ErrorCode::NotFound => {
                    // Reopening, reading or ending a chat the server no
                    // longer has open for us.
                    if chat.ended.is_none() {
                        chat.ended = Some(Ended::Gone);
                        chat.ending = None;
                        chat.typing = false;
                    }
                }
                None => {
                    chat.ending = None;
                    chat.error = Some(code);
                }
            }
        });
        FollowUp::Nothing
    }

    /// Clears "is typing" unless a newer typing frame came since.
    pub fn typing_expired(&self, id: i64, generation: u32) {
        self.with_chat(id, |chat| {
            if chat.typing_generation == generation {
                chat.typing = false;
            }
        });
    }

    /// Shows a message this console just wrote, before it is stored.
    pub fn add_pending(&self, id: i64, client_id: &str, text: &str) {
        self.with_chat(id, |chat| {
            chat.error = None;
            chat.lines.push(Line {
                seq: None,
                client_id: client_id.to_owned(),
                from: Sender::Counsellor,
                text: text.to_owned(),
                at: None,
                failed: None,
            });
        });
    }

    /// Makes a failed message pending again; returns its text to resend.
    pub fn retry(&self, id: i64, client_id: &str) -> Option<String> {
        self.with_chat(id, |chat| {
            chat.lines
                .iter_mut()
                .find(|l| {
                    l.from == Sender::Counsellor && l.client_id == client_id && l.seq.is_none()
                })
                .map(|line| {
                    line.failed = None;
                    line.text.clone()
                })
        })
        .flatten()
    }

    /// This console's messages still waiting for an ack (client id, text),
    /// to send again after a reconnect.
    pub fn pending(&self, id: i64) -> Vec<(String, String)> {
        self.chats.with_untracked(|chats| {
            chats
                .iter()
                .find(|c| c.id == id)
                .map(|chat| {
                    chat.lines
                        .iter()
                        .filter(|l| {
                            l.from == Sender::Counsellor && l.seq.is_none() && l.failed.is_none()
                        })
                        .map(|l| (l.client_id.clone(), l.text.clone()))
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// The highest stored `seq` of chat `id` (0 when it has none).
    pub fn last_seq(&self, id: i64) -> u64 {
        self.chats
            .with_untracked(|chats| chats.iter().find(|c| c.id == id).map_or(0, Chat::last_seq))
    }

    /// Marks chat `id` read up to its last message. Returns the `seq` to
    /// tell the server when that is news, `None` when nothing changed.
    pub fn mark_read(&self, id: i64) -> Option<u64> {
        self.with_chat(id, |chat| {
            let last = chat.last_seq();
            (chat.ended.is_none() && last > chat.read_up_to).then(|| {
                chat.read_up_to = last;
                last
            })
        })
        .flatten()
    }

    /// Open chats' read marks, to send again after a dropped frame.
    pub fn read_marks(&self) -> Vec<(i64, u64)> {
        self.chats.with_untracked(|chats| {
            chats
                .iter()
                .filter(|c| c.ended.is_none() && c.read_up_to > 0)
                .map(|c| (c.id, c.read_up_to))
                .collect()
        })
    }

    /// Closes and blocks sent and not yet confirmed, to send again after
    /// a frame was dropped for speed (a repeat of one that did arrive only
    /// gets `not_found` for a chat that is gone by then).
    pub fn endings(&self) -> Vec<(i64, Ending)> {
        self.chats.with_untracked(|chats| {
            chats
                .iter()
                .filter_map(|c| c.ending.map(|e| (c.id, e)))
                .collect()
        })
    }

    /// Records a claim on its way (its button waits for the answer).
    pub fn claim_sent(&self, id: i64) {
        self.claim_problem.set(None);
        self.claiming.update(|c| {
            c.insert(id);
        });
    }

    /// Records a close or block on its way; the chat takes no more
    /// messages.
    pub fn ending_sent(&self, id: i64, ending: Ending) {
        self.with_chat(id, |chat| {
            chat.ending = Some(ending);
            chat.error = None;
        });
    }

    /// Removes a chat's tab; another chat comes on screen if this one was.
    pub fn dismiss(&self, id: i64) {
        self.chats.update(|chats| chats.retain(|c| c.id != id));
        self.keep_active_valid();
    }

    /// Ensures the chat on screen exists; falls back to the first open one.
    fn keep_active_valid(&self) {
        let chats = self.chats.get_untracked();
        let active = self.active.get_untracked();
        if active.is_some_and(|id| chats.iter().any(|c| c.id == id)) {
            return;
        }
        let next = chats
            .iter()
            .find(|c| c.ended.is_none())
            .or(chats.first())
            .map(|c| c.id);
        self.active.set(next);
    }

    /// The chat `step` places after (or, negative, before) the one on
    /// screen, wrapping around: the keyboard's way between chats. With no
    /// chat on screen, the first (or last) one.
    pub fn neighbour_chat(&self, step: i32) -> Option<i64> {
        let active = self.active.get_untracked();
        self.chats.with_untracked(|chats| {
            let count = i64::try_from(chats.len()).ok().filter(|n| *n > 0)?;
            let index = match active.and_then(|id| chats.iter().position(|c| c.id == id)) {
                Some(at) => (at as i64 + i64::from(step)).rem_euclid(count),
                None if step < 0 => count - 1,
                None => 0,
            };
            chats.get(usize::try_from(index).ok()?).map(|c| c.id)
        })
    }

    /// The `n`th chat (1-based, as the tabs show them), if there is one.
    pub fn nth_chat(&self, n: usize) -> Option<i64> {
        let index = n.checked_sub(1)?;
        self.chats
            .with_untracked(|chats| chats.get(index).map(|c| c.id))
    }

    /// Unread messages over all chats (for the tab title).
    pub fn total_unread(&self) -> usize {
        self.chats
            .with(|chats| chats.iter().map(Chat::unread).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{AgeBand, Role, Topic};

    const NOW: i64 = 1_000_000_000;

    fn entry(id: i64) -> QueueEntry {
        QueueEntry {
            conversation: id,
            role: Role::YoungPerson,
            age_band: Some(AgeBand::From15To17),
            topic: Some(Topic::Cannabis),
            waiting_since: NOW - 5 * 60_000,
            priority: 0,
            nickname: Some("Bo".into()),
            talk: 1,
            previous_counsellor: None,
            risk_words: Vec::new(),
        }
    }

    fn message(id: i64, seq: u64, client_id: &str, from: Sender) -> ConsoleServerMsg {
        ConsoleServerMsg::Message {
            conversation: id,
            message: ChatMessage {
                seq,
                client_id: client_id.into(),
                from,
                text: format!("text {seq}"),
                at: NOW,
            },
        }
    }

    fn welcome(mine: Vec<i64>) -> ConsoleServerMsg {
        ConsoleServerMsg::Welcome {
            version: 1,
            first_name: "Mia".into(),
            mine,
        }
    }

    fn chat(model: &ConsoleModel, id: i64) -> Chat {
        model
            .chats
            .get_untracked()
            .into_iter()
            .find(|c| c.id == id)
            .expect("the chat is there")
    }

    fn claimed(model: &ConsoleModel, id: i64) {
        model.claim_sent(id);
        model.apply(ConsoleServerMsg::Claimed { entry: entry(id) }, NOW);
    }

    #[test]
    fn a_reopened_chat_gets_back_its_person_and_risk_words_quietly() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            model.apply(welcome(vec![4]), NOW);
            assert!(model.chats.get_untracked()[0].entry.is_none());
            let announced = model.announcement.get_untracked();
            let mut reopened = entry(4);
            reopened.priority = 1;
            reopened.risk_words = vec!["overdosis".into()];
            let follow_up = model.apply(ConsoleServerMsg::Reopened { entry: reopened }, NOW);
            assert_eq!(follow_up, FollowUp::Nothing);
            let chat = model.chats.get_untracked()[0].clone();
            let entry = chat.entry.expect("the person is known again");
            assert_eq!(entry.risk_words, vec!["overdosis".to_owned()]);
            assert_eq!(entry.nickname.as_deref(), Some("Bo"));
            assert_eq!(model.announcement.get_untracked(), announced);
        });
    }

    #[test]
    fn a_welcome_logs_in_and_reopens_this_counsellors_chats() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            let follow_up = model.apply(welcome(vec![4, 9]), NOW);
            assert_eq!(follow_up, FollowUp::Reopen(vec![4, 9]));
            assert_eq!(
                model.session.get_untracked(),
                Session::LoggedIn {
                    first_name: "Mia".into()
                }
            );
            assert_eq!(model.link.get_untracked(), Link::Online);
            let ids: Vec<_> = model.chats.get_untracked().iter().map(|c| c.id).collect();
            assert_eq!(ids, [4, 9]);
            assert_eq!(model.active.get_untracked(), Some(4));
            assert_eq!(
                model.name_of(9),
                "Samtale 9",
                "details are unknown after a reload"
            );
        });
    }

    #[test]
    fn after_a_reconnect_chats_that_ended_meanwhile_are_marked_gone() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            model.apply(welcome(vec![]), NOW);
            claimed(&model, 1);
            claimed(&model, 2);
            claimed(&model, 3);
            model.ending_sent(3, Ending::Close(Outcome::AdviceGiven));
            model.apply(message(1, 1, "v1", Sender::Visitor), NOW);
            model.apply(welcome(vec![1]), NOW);
            assert_eq!(chat(&model, 1).ended, None);
            assert_eq!(chat(&model, 1).lines.len(), 1, "what was shown stays");
            assert_eq!(chat(&model, 2).ended, Some(Ended::Gone));
            assert!(
                model.chats.get_untracked().iter().all(|c| c.id != 3),
                "a chat closed here whose answer was lost is simply done"
            );
            assert_eq!(model.last_seq(1), 1, "the reopen asks only for what is new");
        });
    }

    #[test]
    fn new_queue_entries_are_announced_once() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            model.apply(
                ConsoleServerMsg::Queue {
                    waiting: vec![entry(1)],
                    total: 0,
                },
                NOW,
            );
            assert_eq!(
                model.announcement.get_untracked(),
                "Ny i køen: Bo, Ung · 15–17 år · Hash"
            );
            model.announcement.set(String::new());
            model.apply(
                ConsoleServerMsg::Queue {
                    waiting: vec![entry(1)],
                    total: 0,
                },
                NOW + 30_000,
            );
            assert_eq!(
                model.announcement.get_untracked(),
                "",
                "a refresh is not news"
            );
            assert_eq!(model.now.get_untracked(), NOW + 30_000);
            model.apply(
                ConsoleServerMsg::Queue {
                    waiting: vec![entry(1), entry(2), entry(3)],
                    total: 0,
                },
                NOW,
            );
            assert_eq!(model.announcement.get_untracked(), "2 nye i køen");
            assert_eq!(
                model.queue_total.get_untracked(),
                3,
                "without a total, the list is the queue"
            );
            model.apply(
                ConsoleServerMsg::Queue {
                    waiting: vec![entry(1), entry(2), entry(3)],
                    total: 120,
                },
                NOW,
            );
            assert_eq!(
                model.queue_total.get_untracked(),
                120,
                "a long queue counts beyond its head"
            );
        });
    }

    #[test]
    fn a_claim_opens_the_chat_on_screen_and_leaves_the_queue() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            model.apply(
                ConsoleServerMsg::Queue {
                    waiting: vec![entry(1), entry(2)],
                    total: 0,
                },
                NOW,
            );
            model.claim_sent(2);
            assert!(model.claiming.get_untracked().contains(&2));
            model.apply(ConsoleServerMsg::Claimed { entry: entry(2) }, NOW);
            assert!(model.claiming.get_untracked().is_empty());
            assert_eq!(model.active.get_untracked(), Some(2));
            assert_eq!(model.queue.get_untracked().len(), 1);
            assert_eq!(model.name_of(2), "Bo");
            assert_eq!(
                model.announcement.get_untracked(),
                "Du har samtalen med Bo."
            );
        });
    }

    #[test]
    fn risk_words_in_an_open_chat_show_and_are_announced_once() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            model.apply(welcome(vec![]), NOW);
            claimed(&model, 3);
            let flag = |priority: i32, words: &[&str]| ConsoleServerMsg::Priority {
                conversation: 3,
                priority,
                risk_words: words.iter().map(|w| (*w).to_owned()).collect(),
            };
            model.apply(flag(1, &["overdosis"]), NOW);
            let entry = chat(&model, 3).entry.expect("known");
            assert_eq!(
                (entry.priority, entry.risk_words),
                (1, vec!["overdosis".to_owned()])
            );
            assert_eq!(
                model.announcement.get_untracked(),
                "Risikoord i samtalen med Bo."
            );
            model.announcement.set(String::new());
            model.apply(flag(2, &["overdosis"]), NOW);
            assert_eq!(chat(&model, 3).entry.map(|e| e.priority), Some(2));
            assert_eq!(
                model.announcement.get_untracked(),
                "",
                "a priority change alone is not announced again"
            );
            let unknown = ConsoleServerMsg::Priority {
                conversation: 99,
                priority: 2,
                risk_words: vec!["vold".into()],
            };
            assert_eq!(model.apply(unknown, NOW), FollowUp::Nothing);
            assert_eq!(model.announcement.get_untracked(), "");
        });
    }

    #[test]
    fn a_lost_claim_says_why() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            for (id, code) in [(1, ErrorCode::AlreadyTaken), (2, ErrorCode::NotAllowed)] {
                model.claim_sent(id);
                model.apply(
                    ConsoleServerMsg::Error {
                        code,
                        conversation: Some(id),
                        client_id: None,
                    },
                    NOW,
                );
                assert_eq!(
                    model.claim_problem.get_untracked(),
                    Some(ClaimProblem {
                        conversation: id,
                        code
                    })
                );
                assert!(model.claiming.get_untracked().is_empty());
                assert!(model.chats.get_untracked().is_empty());
            }
            model.claim_sent(3);
            assert_eq!(
                model.claim_problem.get_untracked(),
                None,
                "a new try clears it"
            );
        });
    }

    #[test]
    fn own_messages_go_from_pending_to_stored_once_and_in_order() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            claimed(&model, 1);
            model.apply(message(1, 1, "v1", Sender::Visitor), NOW);
            model.add_pending(1, "c1", "hej");
            model.add_pending(1, "c2", "er du der?");
            assert_eq!(
                model.pending(1),
                [
                    ("c1".into(), "hej".into()),
                    ("c2".into(), "er du der?".into())
                ]
            );
            // The person writes in between; then the acks and echoes come.
            model.apply(message(1, 2, "v2", Sender::Visitor), NOW);
            model.apply(
                ConsoleServerMsg::Ack {
                    conversation: 1,
                    client_id: "c1".into(),
                    seq: 3,
                },
                NOW,
            );
            model.apply(message(1, 3, "c1", Sender::Counsellor), NOW);
            model.apply(message(1, 3, "c1", Sender::Counsellor), NOW);
            let lines = chat(&model, 1).lines;
            let order: Vec<_> = lines
                .iter()
                .map(|l| (l.seq, l.client_id.as_str()))
                .collect();
            assert_eq!(
                order,
                [
                    (Some(1), "v1"),
                    (Some(2), "v2"),
                    (Some(3), "c1"),
                    (None, "c2")
                ]
            );
            assert_eq!(lines[2].text, "hej", "the echo completes the pending line");
            assert_eq!(lines[2].at, Some(NOW));
            assert_eq!(model.pending(1), [("c2".into(), "er du der?".into())]);
        });
    }

    #[test]
    fn an_echo_before_its_ack_completes_the_pending_line_too() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            claimed(&model, 1);
            model.add_pending(1, "c1", "hej");
            model.apply(message(1, 1, "c1", Sender::Counsellor), NOW);
            model.apply(
                ConsoleServerMsg::Ack {
                    conversation: 1,
                    client_id: "c1".into(),
                    seq: 1,
                },
                NOW,
            );
            assert_eq!(chat(&model, 1).lines.len(), 1);
            assert!(model.pending(1).is_empty());
        });
    }

    #[test]
    fn unread_counts_the_persons_messages_until_marked_read() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            claimed(&model, 1);
            model.apply(message(1, 1, "v1", Sender::Visitor), NOW);
            model.apply(message(1, 2, "v2", Sender::Visitor), NOW);
            model.add_pending(1, "c1", "hej");
            assert_eq!(chat(&model, 1).unread(), 2);
            assert_eq!(model.total_unread(), 2);
            assert_eq!(model.mark_read(1), Some(2));
            assert_eq!(model.mark_read(1), None, "nothing new to tell the server");
            assert_eq!(chat(&model, 1).unread(), 0);
            model.apply(message(1, 3, "v3", Sender::Visitor), NOW);
            assert_eq!(chat(&model, 1).unread(), 1);
            assert_eq!(model.read_marks(), [(1, 2)]);
        });
    }

    #[test]
    fn typing_shows_until_the_next_message_or_its_own_timeout() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            claimed(&model, 1);
            let first = model.apply(ConsoleServerMsg::Typing { conversation: 1 }, NOW);
            let second = model.apply(ConsoleServerMsg::Typing { conversation: 1 }, NOW);
            let (
                FollowUp::TypingShown { generation: g1, .. },
                FollowUp::TypingShown { generation: g2, .. },
            ) = (first, second)
            else {
                panic!("typing asks for a timeout");
            };
            model.typing_expired(1, g1);
            assert!(
                chat(&model, 1).typing,
                "an older timeout leaves a newer typing"
            );
            model.typing_expired(1, g2);
            assert!(!chat(&model, 1).typing);
            model.apply(ConsoleServerMsg::Typing { conversation: 1 }, NOW);
            model.apply(message(1, 1, "v1", Sender::Visitor), NOW);
            assert!(
                !chat(&model, 1).typing,
                "the message is what was being typed"
            );
        });
    }

    #[test]
    fn messages_are_announced_politely_and_only_when_new() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            claimed(&model, 1);
            claimed(&model, 2);
            model.apply(message(2, 1, "v1", Sender::Visitor), NOW);
            assert_eq!(
                model.announcement.get_untracked(),
                "Bo: text 1",
                "the chat on screen"
            );
            model.apply(message(1, 1, "v1", Sender::Visitor), NOW);
            assert_eq!(model.announcement.get_untracked(), "Ny besked fra Bo");
            model.announcement.set(String::new());
            model.apply(message(1, 1, "v1", Sender::Visitor), NOW);
            assert_eq!(
                model.announcement.get_untracked(),
                "",
                "a repeat is not news"
            );
            model.apply(message(1, 2, "v2", Sender::Visitor), NOW + 10 * 60_000);
            assert_eq!(
                model.announcement.get_untracked(),
                "",
                "an old message replayed after a reload is not read aloud"
            );
            model.apply(message(1, 3, "v3", Sender::Visitor), NOW);
            model.apply(message(1, 4, "v4", Sender::Visitor), NOW);
            assert_eq!(
                model.announcement.get_untracked(),
                "Ny besked fra Bo\u{a0}",
                "the same words twice still change the live region"
            );
        });
    }

    #[test]
    fn the_person_ending_keeps_the_tab_with_the_reason() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            claimed(&model, 1);
            claimed(&model, 2);
            model.apply(message(1, 1, "v1", Sender::Visitor), NOW);
            model.add_pending(1, "c1", "for sent");
            model.apply(
                ConsoleServerMsg::Ended {
                    conversation: 1,
                    deleted: false,
                },
                NOW,
            );
            let ended = chat(&model, 1);
            assert_eq!(ended.ended, Some(Ended::ByPerson));
            assert!(!ended.is_open());
            assert_eq!(ended.lines[1].failed, Some(ErrorCode::NotAllowed));
            assert_eq!(
                model.announcement.get_untracked(),
                "Bo har afsluttet samtalen."
            );
            assert_eq!(model.mark_read(1), None, "an ended chat is not marked read");
            model.apply(
                ConsoleServerMsg::Ended {
                    conversation: 2,
                    deleted: true,
                },
                NOW,
            );
            assert_eq!(chat(&model, 2).ended, Some(Ended::Deleted));
            assert!(
                chat(&model, 2).lines.is_empty(),
                "deleted means gone from screen too"
            );
            model.dismiss(2);
            assert_eq!(model.active.get_untracked(), Some(1));
        });
    }

    #[test]
    fn closing_here_removes_the_tab_when_the_server_confirms() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            claimed(&model, 1);
            claimed(&model, 2);
            assert_eq!(model.active.get_untracked(), Some(2));
            model.ending_sent(2, Ending::Block);
            assert!(!chat(&model, 2).is_open());
            model.apply(
                ConsoleServerMsg::Ended {
                    conversation: 2,
                    deleted: false,
                },
                NOW,
            );
            assert!(model.chats.get_untracked().iter().all(|c| c.id != 2));
            assert_eq!(
                model.active.get_untracked(),
                Some(1),
                "the next chat comes on screen"
            );
            assert_eq!(
                model.announcement.get_untracked(),
                "Samtalen med Bo er afsluttet."
            );
        });
    }

    #[test]
    fn refused_messages_can_be_sent_again() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            claimed(&model, 1);
            model.add_pending(1, "c1", "hej");
            model.apply(
                ConsoleServerMsg::Error {
                    code: ErrorCode::Unavailable,
                    conversation: Some(1),
                    client_id: Some("c1".into()),
                },
                NOW,
            );
            assert_eq!(
                chat(&model, 1).lines[0].failed,
                Some(ErrorCode::Unavailable)
            );
            assert!(model.pending(1).is_empty(), "not resent by itself");
            assert_eq!(model.retry(1, "c1").as_deref(), Some("hej"));
            assert_eq!(model.pending(1).len(), 1);
        });
    }

    #[test]
    fn errors_without_a_message_concern_the_chat_or_the_connection() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            claimed(&model, 1);
            claimed(&model, 2);
            model.ending_sent(1, Ending::Close(Outcome::Other));
            model.apply(
                ConsoleServerMsg::Error {
                    code: ErrorCode::Unavailable,
                    conversation: Some(1),
                    client_id: None,
                },
                NOW,
            );
            assert_eq!(chat(&model, 1).error, Some(ErrorCode::Unavailable));
            assert!(
                chat(&model, 1).is_open(),
                "a failed close can be tried again"
            );
            model.apply(
                ConsoleServerMsg::Error {
                    code: ErrorCode::NotFound,
                    conversation: Some(2),
                    client_id: None,
                },
                NOW,
            );
            assert_eq!(chat(&model, 2).ended, Some(Ended::Gone));
            model.claim_sent(7);
            let follow_up = model.apply(
                ConsoleServerMsg::Error {
                    code: ErrorCode::RateLimited,
                    conversation: None,
                    client_id: None,
                },
                NOW,
            );
            assert_eq!(follow_up, FollowUp::Resend);
            assert!(model.claiming.get_untracked().is_empty());
            model.ending_sent(1, Ending::Block);
            assert_eq!(model.endings(), [(1, Ending::Block)], "sent again");
            assert_eq!(
                model.apply(
                    ConsoleServerMsg::Error {
                        code: ErrorCode::InvalidFrame,
                        conversation: None,
                        client_id: None,
                    },
                    NOW,
                ),
                FollowUp::Nothing
            );
        });
    }

    #[test]
    fn frames_about_unknown_chats_change_nothing() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            model.apply(message(5, 1, "v1", Sender::Visitor), NOW);
            model.apply(ConsoleServerMsg::Typing { conversation: 5 }, NOW);
            model.apply(
                ConsoleServerMsg::Ended {
                    conversation: 5,
                    deleted: true,
                },
                NOW,
            );
            assert!(model.chats.get_untracked().is_empty());
            assert_eq!(model.active.get_untracked(), None);
        });
    }

    #[test]
    fn the_keyboard_moves_between_chats_and_wraps_around() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            model.apply(welcome(vec![]), NOW);
            assert_eq!(model.neighbour_chat(1), None);
            assert_eq!(model.nth_chat(1), None);
            for id in [4, 7, 9] {
                claimed(&model, id);
            }
            model.active.set(Some(7));
            assert_eq!(model.neighbour_chat(1), Some(9));
            assert_eq!(model.neighbour_chat(-1), Some(4));
            model.active.set(Some(9));
            assert_eq!(model.neighbour_chat(1), Some(4));
            model.active.set(None);
            assert_eq!(model.neighbour_chat(1), Some(4));
            assert_eq!(model.neighbour_chat(-1), Some(9));
            assert_eq!(model.nth_chat(2), Some(7));
            assert_eq!(model.nth_chat(0), None);
            assert_eq!(model.nth_chat(4), None);
        });
    }

    #[test]
    fn new_chats_and_the_persons_messages_ring_but_own_ones_do_not() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            model.apply(welcome(vec![]), NOW);
            let queue = |ids: Vec<i64>| ConsoleServerMsg::Queue {
                waiting: ids.into_iter().map(entry).collect(),
                total: 0,
            };
            model.apply(queue(vec![1]), NOW);
            assert_eq!(model.arrivals.get_untracked(), 1);
            // The same queue again is no news.
            model.apply(queue(vec![1]), NOW);
            assert_eq!(model.arrivals.get_untracked(), 1);
            claimed(&model, 1);
            model.apply(message(1, 1, "c-1", Sender::Counsellor), NOW);
            assert_eq!(model.arrivals.get_untracked(), 1);
            model.apply(message(1, 2, "v-1", Sender::Visitor), NOW);
            assert_eq!(model.arrivals.get_untracked(), 2);
            // A replayed message is not new.
            model.apply(message(1, 2, "v-1", Sender::Visitor), NOW);
            assert_eq!(model.arrivals.get_untracked(), 2);
        });
    }

    #[test]
    fn logging_out_forgets_every_chat() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            model.apply(welcome(vec![1]), NOW);
            model.apply(message(1, 1, "v1", Sender::Visitor), NOW);
            model.clear(Session::LoggedOut { ended: false });
            assert!(model.chats.get_untracked().is_empty());
            assert_eq!(model.active.get_untracked(), None);
            assert_eq!(
                model.session.get_untracked(),
                Session::LoggedOut { ended: false }
            );
        });
    }

    #[test]
    fn a_chat_given_by_a_colleague_opens_with_its_handover_note() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            model.apply(welcome(vec![]), NOW);
            model.apply(
                ConsoleServerMsg::TransferredToYou {
                    entry: entry(4),
                    note: "Vil tale om at stoppe".into(),
                    from: "Anna".into(),
                },
                NOW,
            );
            assert_eq!(chat(&model, 4).entry, Some(entry(4)));
            assert_eq!(model.active.get_untracked(), Some(4));
            assert_eq!(
                model.work.handovers.get_untracked().get(&4).cloned(),
                Some(("Anna".into(), "Vil tale om at stoppe".into()))
            );
            assert!(model.announcement.get_untracked().contains("Anna"));
        });
    }

    #[test]
    fn a_chat_that_went_back_to_the_queue_leaves_with_an_alert() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            model.apply(welcome(vec![]), NOW);
            claimed(&model, 2);
            claimed(&model, 3);
            model.apply(
                ConsoleServerMsg::ReturnedToQueue {
                    conversation: 2,
                    reason: ReturnReason::Unanswered,
                },
                NOW,
            );
            let ids: Vec<i64> = model.chats.get_untracked().iter().map(|c| c.id).collect();
            assert_eq!(ids, vec![3]);
            let alerts = model.work.alerts.get_untracked();
            assert_eq!(alerts.len(), 1);
            assert_eq!(alerts[0].reason, Some(ReturnReason::Unanswered));
            model.apply(ConsoleServerMsg::TransferredAway { conversation: 3 }, NOW);
            assert!(model.chats.get_untracked().is_empty());
            assert_eq!(model.work.alerts.get_untracked()[1].reason, None);
            // About a chat this console never showed: no alert.
            model.apply(ConsoleServerMsg::TransferredAway { conversation: 9 }, NOW);
            assert_eq!(model.work.alerts.get_untracked().len(), 2);
        });
    }

    #[test]
    fn a_watched_chat_is_shown_but_not_open_for_writing() {
        Owner::new().with(|| {
            let model = ConsoleModel::new(Lang::Da, NOW);
            model.apply(welcome(vec![]), NOW);
            model.apply(
                ConsoleServerMsg::Watching {
                    entry: entry(6),
                    counsellor: Some("Bo".into()),
                },
                NOW,
            );
            assert!(model.work.is_watching(6));
            assert_eq!(model.active.get_untracked(), Some(6));
            // Given to the watching coordinator: now theirs.
            model.apply(
                ConsoleServerMsg::TransferredToYou {
                    entry: entry(6),
                    note: String::new(),
                    from: "Bo".into(),
                },
                NOW,
            );
            assert!(!model.work.is_watching(6));
        });
    }
}
