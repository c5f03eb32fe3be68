//! `/ws/console`: a logged-in counsellor's side. The socket is authorised by
//! the counsellor's session cookie at the upgrade.

use super::{AgeBand, ChatMessage, ErrorCode, Role, Topic};
use serde::{Deserialize, Serialize};

/// How a talk ended: feeds the monthly statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Advice or information given.
    AdviceGiven,
    /// A talk was booked.
    BookedTalk,
    /// Referred to another service.
    ReferredElsewhere,
    /// Converted to treatment (the conversion itself is its own act).
    ConvertedToTreatment,
    /// The person left.
    PersonLeft,
    /// Anything else.
    Other,
}

/// Most queue entries in one [`ConsoleServerMsg::Queue`] frame (a few
/// kilobytes of JSON). Nobody works through more than the head of a queue.
pub const QUEUE_FRAME_ENTRIES: usize = 50;

/// A conversation in the queue, as the console lists it. Nothing here
/// identifies the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    /// The conversation's id (opaque to the person, never shown to them).
    pub conversation: i64,
    /// Who is writing.
    pub role: Role,
    /// Age band, if given.
    pub age_band: Option<AgeBand>,
    /// Topic, if given.
    pub topic: Option<Topic>,
    /// When the person entered the queue (Unix milliseconds).
    pub waiting_since: i64,
    /// Higher first; raised by risk words or by hand.
    pub priority: i32,
    /// The name the person asked to be called by, if any.
    #[serde(default)]
    pub nickname: Option<String>,
    /// Which talk of the anonymous course this is (1 = first contact; more
    /// when the person came back with a resume code).
    #[serde(default = "first_talk")]
    pub talk: u32,
    /// Who talked with the person last time (returning people only).
    #[serde(default)]
    pub previous_counsellor: Option<String>,
    /// The configured risk words the person's messages or nickname matched,
    /// as configured (shown as text beside the priority, not colour alone).
    #[serde(default)]
    pub risk_words: Vec<String>,
}

fn first_talk() -> u32 {
    1
}

/// Frames from a counsellor's console.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ConsoleClientMsg {
    /// First frame.
    Hello {
        /// [`super::PROTOCOL_VERSION`] of the client.
        version: u16,
    },
    /// Take a waiting conversation. Exactly one counsellor wins.
    Claim {
        /// Which.
        conversation: i64,
    },
    /// (Re)open a conversation this counsellor has, receiving what came
    /// after `last_seq`.
    Open {
        /// Which.
        conversation: i64,
        /// The last `seq` this console has.
        last_seq: u64,
    },
    /// A message to the person.
    Send {
        /// Which conversation.
        conversation: i64,
        /// Client-generated id, unique within the conversation.
        client_id: String,
        /// The text.
        text: String,
    },
    /// The counsellor is typing (never stored).
    Typing {
        /// Which conversation.
        conversation: i64,
    },
    /// The counsellor has read up to `up_to`.
    Read {
        /// Which conversation.
        conversation: i64,
        /// Highest `seq` read.
        up_to: u64,
    },
    /// Ends the talk with an outcome.
    Close {
        /// Which conversation.
        conversation: i64,
        /// How it ended.
        outcome: Outcome,
    },
    /// Ends an abusive conversation at once; it cannot be resumed.
    Block {
        /// Which conversation.
        conversation: i64,
    },
    /// Keep-alive.
    Ping,
    /// Sets a chat's priority by hand (waiting chats and this counsellor's
    /// own), within [`MIN_PRIORITY`]..=[`MAX_PRIORITY`].
    SetPriority {
        /// Which conversation.
        conversation: i64,
        /// The new priority.
        priority: i32,
    },
    /// Gives a chat this counsellor has to a named colleague (`to`), or back
    /// to the queue (`None`) at its original place, with a handover note the
    /// person never sees. The person's conversation goes on without a gap.
    Transfer {
        /// Which conversation.
        conversation: i64,
        /// The colleague's counsellor id; `None` = back to the queue.
        to: Option<i64>,
        /// For the colleague only (screened like course notes; may be empty).
        note: String,
        /// The counsellor saw the screening warnings and saves anyway.
        #[serde(default)]
        confirmed: bool,
    },
    /// Sets this counsellor's status (for the whole team to see).
    SetStatus {
        /// The new status.
        status: CounsellorStatus,
    },
    /// Adds a non-identifying note to the anonymous course.
    AddNote {
        /// Which conversation (course).
        conversation: i64,
        /// The note ([`super::screening`] rules apply).
        text: String,
        /// The counsellor saw the screening warnings and saves anyway.
        #[serde(default)]
        confirmed: bool,
    },
    /// Records a concern about the person (non-identifying); the console
    /// then shows the emergency procedure (and for under-18s the duty to
    /// notify the municipality).
    Concern {
        /// Which conversation.
        conversation: i64,
        /// What worries the counsellor ([`super::screening`] rules apply).
        note: String,
        /// The counsellor saw the screening warnings and saves anyway.
        #[serde(default)]
        confirmed: bool,
    },
    /// Coordinators: list every active and waiting chat.
    ListChats,
    /// Coordinators: follow a chat read-only (recorded in the audit log).
    Watch {
        /// Which conversation.
        conversation: i64,
    },
    /// Coordinators: give a chat to another counsellor (`to`) or back to
    /// the queue (`None`); the same rules as [`ConsoleClientMsg::Transfer`].
    Reassign {
        /// Which conversation.
        conversation: i64,
        /// The counsellor id; `None` = back to the queue.
        to: Option<i64>,
    },
}

/// Frames to a counsellor's console.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConsoleServerMsg {
    /// The console is connected as this counsellor.
    Welcome {
        /// The server's [`super::PROTOCOL_VERSION`].
        version: u16,
        /// The counsellor's first name.
        first_name: String,
        /// Conversations this counsellor has open (to reopen after a reload).
        mine: Vec<i64>,
    },
    /// The head of the waiting queue, sorted (priority, then oldest first):
    /// at most [`QUEUE_FRAME_ENTRIES`] entries, so the frame stays small
    /// however long the queue grows. Sent on connect, whenever the queue
    /// changes, and every 30 s.
    Queue {
        /// Waiting conversations this counsellor may take.
        waiting: Vec<QueueEntry>,
        /// How many conversations wait in all (also those not listed: past
        /// the head, or kept for a returning person's last counsellor).
        #[serde(default)]
        total: u32,
    },
    /// This counsellor now has the conversation.
    Claimed {
        /// What was claimed.
        entry: QueueEntry,
    },
    /// One of this counsellor's chats, opened again after a reload or a
    /// reconnect: who it is with, its priority and the risk words matched
    /// so far, which a reloaded console otherwise would not know.
    Reopened {
        /// The chat as the queue described it, brought up to date.
        entry: QueueEntry,
    },
    /// A stored message in one of this counsellor's conversations.
    Message {
        /// Which conversation.
        conversation: i64,
        /// The message.
        message: ChatMessage,
    },
    /// This counsellor's message is stored.
    Ack {
        /// Which conversation.
        conversation: i64,
        /// The id the console gave.
        client_id: String,
        /// Its number.
        seq: u64,
    },
    /// The person is typing.
    Typing {
        /// Which conversation.
        conversation: i64,
    },
    /// The conversation has ended (by the person, or by this console).
    Ended {
        /// Which conversation.
        conversation: i64,
        /// The person deleted it: its messages are gone.
        deleted: bool,
    },
    /// One frame was rejected; the connection stays open.
    Error {
        /// What was wrong.
        code: ErrorCode,
        /// The conversation concerned, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conversation: Option<i64>,
        /// The rejected message's id, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
    /// Answer to [`ConsoleClientMsg::Ping`].
    Pong,
    /// The priority or risk words of one of this counsellor's open chats
    /// changed (a risk word in a new message, or a priority set by hand).
    Priority {
        /// Which conversation.
        conversation: i64,
        /// Its priority now.
        priority: i32,
        /// Every risk word matched so far.
        risk_words: Vec<String>,
    },
    /// What the console needs to screen notes and explain concerns: sent
    /// once after [`ConsoleServerMsg::Welcome`].
    Rules {
        /// Names the note editor warns about.
        names: Vec<String>,
        /// The service's emergency procedure (`None`: the console's default).
        emergency_procedure: Option<String>,
        /// Guidance on the duty to notify the municipality for under-18s
        /// (`None`: the console's default).
        duty_to_notify: Option<String>,
        /// This login is a coordinator (may watch and reassign).
        coordinator: bool,
        /// This counsellor's own id (to tell self from colleagues).
        me: i64,
    },
    /// The counsellors on duty: sent on connect and whenever a status, a
    /// load or who is on duty changes.
    Team {
        /// On-duty counsellors, by first name.
        counsellors: Vec<Colleague>,
    },
    /// A colleague (or a coordinator) gave this counsellor a chat: its full
    /// history follows as [`ConsoleServerMsg::Message`] frames.
    TransferredToYou {
        /// The chat.
        entry: QueueEntry,
        /// The handover note (may be empty).
        note: String,
        /// Who gave it (first name).
        from: String,
    },
    /// A chat this console had was given to someone else (by this
    /// counsellor, or by a coordinator): it is closed here.
    TransferredAway {
        /// Which conversation.
        conversation: i64,
    },
    /// A chat this console had went back to the queue: an alert.
    ReturnedToQueue {
        /// Which conversation.
        conversation: i64,
        /// Why.
        reason: ReturnReason,
    },
    /// The handover note of a chat just claimed from the queue.
    Handover {
        /// Which conversation.
        conversation: i64,
        /// The note.
        note: String,
        /// Who wrote it (first name).
        from: String,
    },
    /// The anonymous course's notes (sent when a chat is claimed, opened
    /// or given, and after a note is added).
    Notes {
        /// Which conversation.
        conversation: i64,
        /// Oldest first.
        notes: Vec<CourseNote>,
    },
    /// A note (or handover note, or concern) was not saved: it may
    /// identify the person. Send it again with `confirmed` to save anyway.
    NoteWarnings {
        /// Which conversation.
        conversation: i64,
        /// What looked identifying.
        warnings: Vec<super::screening::NoteWarning>,
    },
    /// A concern was recorded: show the emergency procedure (and, when
    /// `under_18`, the duty to notify) from [`ConsoleServerMsg::Rules`].
    ConcernRecorded {
        /// Which conversation.
        conversation: i64,
        /// The person said they are under 18.
        under_18: bool,
    },
    /// Coordinators: every chat that is active or waiting.
    AllChats {
        /// Oldest first.
        chats: Vec<ActiveChat>,
    },
    /// Coordinators: a chat is now followed read-only; its history follows
    /// as [`ConsoleServerMsg::Message`] frames, then live messages.
    Watching {
        /// The chat.
        entry: QueueEntry,
        /// Who has it (first name), if anyone.
        counsellor: Option<String>,
    },
}

/// Lowest priority a counsellor can set: "low" (after normal chats).
pub const MIN_PRIORITY: i32 = -1;
/// The normal priority of a new chat.
pub const NORMAL_PRIORITY: i32 = 0;
/// The priority a risk word raises a chat to, at least ("raised").
pub const RISK_PRIORITY: i32 = 1;
/// Highest priority a counsellor can set: "urgent", above risk-word chats,
/// because the counsellor's judgement outranks a word list.
pub const MAX_PRIORITY: i32 = 2;

/// A canned reply as `GET /api/canned` lists it: shared by the team or the
/// counsellor's own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedReply {
    /// Its id (for `PUT`/`DELETE /api/canned/<id>`).
    pub id: i64,
    /// Shared by the whole team (coordinators change these) or personal.
    pub shared: bool,
    /// `"da"` or `"en"`.
    pub lang: String,
    /// What is typed after `/`: lowercase letters, digits and dashes.
    pub shortcut: String,
    /// The text inserted into the composer (at most
    /// [`MAX_CANNED_REPLY_CHARS`] characters).
    pub text: String,
}

/// What `POST /api/canned` and `PUT /api/canned/<id>` take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CannedReplyInput {
    /// Shared by the team (coordinators only); ignored by `PUT`.
    #[serde(default)]
    pub shared: bool,
    /// `"da"` or `"en"`.
    pub lang: String,
    /// Lowercase letters, digits and dashes, 1–[`MAX_SHORTCUT_CHARS`]; a
    /// leading `/` is allowed and dropped.
    pub shortcut: String,
    /// 1–[`MAX_CANNED_REPLY_CHARS`] characters.
    pub text: String,
}

/// Longest canned reply text, in characters.
pub const MAX_CANNED_REPLY_CHARS: usize = 2000;
/// Longest shortcut, in characters.
pub const MAX_SHORTCUT_CHARS: usize = 30;

/// The `[opening_hours]` table as written in the configuration file and on
/// the coordinator's settings page: plain strings, checked by the server
/// (`server::hours::OpeningHours::from_config`). Strings rather than typed
/// times so that a mistake is reported with the weekday and the text the
/// person wrote, not as a generic deserialisation error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpeningHoursConfig {
    /// Monday's ranges, `"HH:MM-HH:MM"` in Copenhagen local time.
    pub mon: Vec<String>,
    /// Tuesday's ranges.
    pub tue: Vec<String>,
    /// Wednesday's ranges.
    pub wed: Vec<String>,
    /// Thursday's ranges.
    pub thu: Vec<String>,
    /// Friday's ranges.
    pub fri: Vec<String>,
    /// Saturday's ranges.
    pub sat: Vec<String>,
    /// Sunday's ranges.
    pub sun: Vec<String>,
    /// Whole local dates (`"YYYY-MM-DD"`) on which the chat is closed.
    pub closed: Vec<String>,
}

impl Default for OpeningHoursConfig {
    /// Monday–Thursday 14:00–20:00, Friday 12:00–16:00, weekends closed, no
    /// closed dates.
    fn default() -> Self {
        let weekday = || vec!["14:00-20:00".to_owned()];
        OpeningHoursConfig {
            mon: weekday(),
            tue: weekday(),
            wed: weekday(),
            thu: weekday(),
            fri: vec!["12:00-16:00".to_owned()],
            sat: Vec::new(),
            sun: Vec::new(),
            closed: Vec::new(),
        }
    }
}

/// The risk word lists (`[risk]` in the configuration file, or the
/// coordinator's settings page): words and phrases that raise a chat's
/// priority when the person writes them. Transparent on purpose: plain
/// lists, matched as whole words, case-folded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskWords {
    /// Danish words and phrases.
    pub da: Vec<String>,
    /// English words and phrases.
    pub en: Vec<String>,
}

impl Default for RiskWords {
    /// Suicide, self-harm, overdose, violence and abuse, in everyday words.
    fn default() -> Self {
        let list = |words: &[&str]| words.iter().map(|w| (*w).to_owned()).collect();
        RiskWords {
            da: list(&[
                "selvmord",
                "selvmordstanker",
                "tage mit liv",
                "tage mit eget liv",
                "slå mig ihjel",
                "slå mig selv ihjel",
                "ikke leve mere",
                "vil dø",
                "skade mig selv",
                "cutter",
                "skærer i mig selv",
                "overdosis",
                "vold",
                "slår mig",
                "sparker mig",
                "truer mig",
                "overgreb",
                "misbruger mig",
                "voldtaget",
                "voldtægt",
            ]),
            en: list(&[
                "suicide",
                "suicidal",
                "kill myself",
                "end my life",
                "want to die",
                "hurt myself",
                "self harm",
                "cutting myself",
                "overdose",
                "overdosed",
                "violence",
                "beats me",
                "hits me",
                "threatens me",
                "abuse",
                "abused",
                "raped",
                "rape",
            ]),
        }
    }
}

/// The coordinator's settings as `GET /api/settings` returns them; each
/// section is replaced with `PUT /api/settings/<section>` (`service`,
/// `opening_hours`, `risk`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    /// Name, tagline, quick-exit address, helplines.
    pub service: crate::service::ServiceInfo,
    /// The weekly schedule and closed dates.
    pub opening_hours: OpeningHoursConfig,
    /// The risk word lists.
    pub risk: RiskWords,
}

/// A counsellor's availability, chosen by themself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CounsellorStatus {
    /// Takes new chats.
    #[default]
    Available,
    /// On duty, but no new chats please.
    Busy,
    /// Away from the console: no chats can be given to them.
    Away,
}

/// A colleague on duty, as the transfer dialog lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    /// Counsellor id (the transfer target).
    pub id: i64,
    /// First name.
    pub first_name: String,
    /// Their status.
    pub status: CounsellorStatus,
    /// Chats they have now.
    pub chats: u32,
    /// Most chats they take at once.
    pub max_chats: u32,
}

/// Why a chat went back to the queue by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    /// Claimed, but no counsellor reply in the configured time.
    Unanswered,
    /// The counsellor's console was gone longer than the grace period.
    ConsoleGone,
    /// A coordinator (or this counsellor in another tab) returned it.
    Reassigned,
}

/// One non-identifying note of an anonymous course.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseNote {
    /// Note id.
    pub id: i64,
    /// Who wrote it (first name).
    pub author: String,
    /// The note.
    pub text: String,
    /// When (Unix milliseconds).
    pub at: i64,
}

/// A chat as the coordinator's overview lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveChat {
    /// The chat.
    pub entry: QueueEntry,
    /// Who has it (first name); `None` while it waits.
    pub counsellor: Option<String>,
    /// Their id.
    pub counsellor_id: Option<i64>,
    /// Last message or state change (Unix milliseconds).
    pub last_activity: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_frames_round_trip() {
        let entry = QueueEntry {
            conversation: 7,
            role: Role::Professional,
            age_band: None,
            topic: Some(Topic::Alcohol),
            waiting_since: 1,
            priority: 0,
            nickname: Some("Bo".into()),
            talk: 2,
            previous_counsellor: Some("Mia".into()),
            risk_words: vec!["overdosis".into()],
        };
        let server = [
            ConsoleServerMsg::Welcome {
                version: 1,
                first_name: "Anna".into(),
                mine: vec![7],
            },
            ConsoleServerMsg::Queue {
                waiting: vec![entry.clone()],
                total: 3,
            },
            ConsoleServerMsg::Claimed { entry },
            ConsoleServerMsg::Ended {
                conversation: 7,
                deleted: true,
            },
            ConsoleServerMsg::Error {
                code: ErrorCode::AlreadyTaken,
                conversation: Some(7),
                client_id: None,
            },
            ConsoleServerMsg::Priority {
                conversation: 7,
                priority: RISK_PRIORITY,
                risk_words: vec!["vold".into()],
            },
        ];
        for msg in server {
            let json = serde_json::to_string(&msg).expect("serialises");
            assert_eq!(
                serde_json::from_str::<ConsoleServerMsg>(&json).ok(),
                Some(msg)
            );
        }
        let client = [
            ConsoleClientMsg::Hello { version: 1 },
            ConsoleClientMsg::Claim { conversation: 7 },
            ConsoleClientMsg::Close {
                conversation: 7,
                outcome: Outcome::BookedTalk,
            },
            ConsoleClientMsg::Read {
                conversation: 7,
                up_to: 3,
            },
            ConsoleClientMsg::SetPriority {
                conversation: 7,
                priority: MAX_PRIORITY,
            },
        ];
        for msg in client {
            let json = serde_json::to_string(&msg).expect("serialises");
            assert_eq!(
                serde_json::from_str::<ConsoleClientMsg>(&json).ok(),
                Some(msg)
            );
        }
    }
}
