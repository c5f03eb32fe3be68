//! Treatment cases over HTTP (`/api/cases…`, server/src/routes/cases.rs):
//! the explicit, consented conversion of an anonymous course, and the case
//! page. JSON bodies; shared by the console and the server.
//!
//! Only here does identifying data (name, CPR number, contact details)
//! cross the wire, and only to assigned counsellors and coordinators. The
//! types that carry it print redacted in debug output.

use super::{AgeBand, ChatMessage, Sender, console::CourseNote};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest name, phone, e-mail, case worker reference or consent giver.
pub const MAX_SHORT_CHARS: usize = 200;
/// Longest address.
pub const MAX_ADDRESS_CHARS: usize = 400;
/// Longest entry on the data sheet or in the session log.
pub const MAX_ENTRY_CHARS: usize = 8000;

/// How a consent was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentHow {
    /// Written in the chat.
    InChat,
    /// Said at a meeting.
    InPerson,
    /// Said on the phone.
    ByPhone,
    /// Signed on paper or digitally.
    InWriting,
}

impl ConsentHow {
    /// Every way, in the order the form shows them.
    pub const ALL: [ConsentHow; 4] = [
        ConsentHow::InChat,
        ConsentHow::InPerson,
        ConsentHow::ByPhone,
        ConsentHow::InWriting,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentHow::InChat => "in_chat",
            ConsentHow::InPerson => "in_person",
            ConsentHow::ByPhone => "by_phone",
            ConsentHow::InWriting => "in_writing",
        }
    }

    /// Reads [`ConsentHow::as_str`].
    pub fn parse(text: &str) -> Option<ConsentHow> {
        ConsentHow::ALL.into_iter().find(|how| how.as_str() == text)
    }
}

/// The age group of the young person in treatment: decides which law
/// applies and whether the parents must consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AgeGroup {
    /// Under 13.
    #[serde(rename = "under_13")]
    Under13,
    /// 13–14.
    #[serde(rename = "13_14")]
    From13To14,
    /// 15–17.
    #[serde(rename = "15_17")]
    From15To17,
    /// 18 or over.
    #[serde(rename = "18_plus")]
    Adult,
}

impl AgeGroup {
    /// Every group, in the order the form shows them.
    pub const ALL: [AgeGroup; 4] = [
        AgeGroup::Under13,
        AgeGroup::From13To14,
        AgeGroup::From15To17,
        AgeGroup::Adult,
    ];

    /// Under 18: the parents' consent and the case worker are needed.
    pub fn is_minor(self) -> bool {
        self != AgeGroup::Adult
    }

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            AgeGroup::Under13 => "under_13",
            AgeGroup::From13To14 => "13_14",
            AgeGroup::From15To17 => "15_17",
            AgeGroup::Adult => "18_plus",
        }
    }

    /// Reads [`AgeGroup::as_str`].
    pub fn parse(text: &str) -> Option<AgeGroup> {
        AgeGroup::ALL.into_iter().find(|g| g.as_str() == text)
    }

    /// The group an anonymous course's age band says; `None` when the band
    /// was not given (then the counsellor states it).
    pub fn from_band(band: Option<AgeBand>) -> Option<AgeGroup> {
        match band? {
            AgeBand::Under13 => Some(AgeGroup::Under13),
            AgeBand::From13To14 => Some(AgeGroup::From13To14),
            AgeBand::From15To17 => Some(AgeGroup::From15To17),
            AgeBand::From18To21 | AgeBand::From22To25 | AgeBand::Over25 => Some(AgeGroup::Adult),
            AgeBand::NotSaid => None,
        }
    }
}

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Saved, not yet in treatment (under 18: waiting for the parents'
    /// consent or the case worker).
    Pending,
    /// In treatment.
    Active,
    /// Ended; deleted when its retention runs out.
    Closed,
}

impl CaseState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Pending => "pending",
            CaseState::Active => "active",
            CaseState::Closed => "closed",
        }
    }

    /// Reads [`CaseState::as_str`] (unknown text reads as closed: shown,
    /// never worked on).
    pub fn parse(text: &str) -> CaseState {
        match text {
            "pending" => CaseState::Pending,
            "active" => CaseState::Active,
            _ => CaseState::Closed,
        }
    }
}

/// What an entry of the case is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Data sheet: the young person's background.
    Background,
    /// Data sheet: activities (school, work, leisure, treatment activities).
    Activities,
    /// Data sheet: change and effect over time.
    Change,
    /// The log of sessions: one talk, with its kind in `detail`.
    Session,
    /// A message or note carried over from the anonymous course, with its
    /// origin in `detail` (`young_person`, `counsellor`, `note`).
    History,
}

impl EntryKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Background => "background",
            EntryKind::Activities => "activities",
            EntryKind::Change => "change",
            EntryKind::Session => "session",
            EntryKind::History => "history",
        }
    }

    /// Reads [`EntryKind::as_str`].
    pub fn parse(text: &str) -> Option<EntryKind> {
        [
            EntryKind::Background,
            EntryKind::Activities,
            EntryKind::Change,
            EntryKind::Session,
            EntryKind::History,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// The kinds of session the log offers.
pub const SESSION_KINDS: [&str; 5] = ["talk", "walk", "phone", "family", "network"];

/// The identifying data of a case: entered only at the conversion (or
/// later on the case page), sealed under the case's key. Debug output
/// names the fields, never their values.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Full name.
    pub name: String,
    /// CPR number, `DDMMYY-SSSS` (validated by the server).
    pub cpr: String,
    /// Phone number (may be empty).
    #[serde(default)]
    pub phone: String,
    /// E-mail (may be empty).
    #[serde(default)]
    pub email: String,
    /// Address (may be empty).
    #[serde(default)]
    pub address: String,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Identity(..)")
    }
}

/// The parents' consent to treatment of an under-18.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentsConsent {
    /// How it was given.
    pub how: ConsentHow,
    /// Who gave it (e.g. "mother and father", a name): identifying, sealed.
    #[serde(default)]
    pub given_by: String,
}

impl fmt::Debug for ParentsConsent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ParentsConsent({:?}, ..)", self.how)
    }
}

/// Which parts of the anonymous history the young person agreed to carry
/// into the case (the rest stays anonymous and is deleted by retention).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarryOver {
    /// Message numbers (`seq`).
    #[serde(default)]
    pub messages: Vec<u64>,
    /// Course note ids.
    #[serde(default)]
    pub notes: Vec<i64>,
}

/// `POST /api/cases`: the conversion of an anonymous course.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    /// The anonymous course (a conversation the counsellor has or had).
    pub conversation: i64,
    /// Required when the course's age band does not say it.
    #[serde(default)]
    pub age_group: Option<AgeGroup>,
    /// How the young person consented (recorded with who and when).
    pub consent: ConsentHow,
    /// The identifying data, entered here for the first time.
    pub identity: Identity,
    /// Under 18: may come later, but the case stays pending without it.
    #[serde(default)]
    pub parents_consent: Option<ParentsConsent>,
    /// Under 18: the municipality's case worker reference (same rule).
    #[serde(default)]
    pub case_worker: Option<String>,
    /// What to carry over.
    #[serde(default)]
    pub carry_over: CarryOver,
}

/// `GET /api/cases/history/{conversation}`: what could be carried over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseHistory {
    /// The conversation.
    pub conversation: i64,
    /// The age group its age band says, if it says one.
    pub age_group: Option<AgeGroup>,
    /// The messages, oldest first.
    pub messages: Vec<ChatMessage>,
    /// The course notes, oldest first.
    pub notes: Vec<CourseNote>,
}

/// `POST /api/cases/{id}/consent`: the parents' consent and/or the case
/// worker, recorded later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentUpdate {
    /// The parents' consent, if recorded now.
    #[serde(default)]
    pub parents_consent: Option<ParentsConsent>,
    /// The case worker reference, if recorded now.
    #[serde(default)]
    pub case_worker: Option<String>,
}

/// `POST /api/cases/{id}/entries`: one entry on the data sheet or in the
/// session log.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    /// Background, activities, change or session (history is only carried).
    pub kind: EntryKind,
    /// For sessions: one of [`SESSION_KINDS`].
    #[serde(default)]
    pub session_kind: Option<String>,
    /// When it happened (Unix ms; the session's date). Defaults to now.
    #[serde(default)]
    pub at: Option<i64>,
    /// The text.
    pub text: String,
}

impl fmt::Debug for NewEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NewEntry({:?}, ..)", self.kind)
    }
}

/// A case in the list: nothing identifying (opening it is the audited read).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    /// The case number.
    pub id: i64,
    /// Where it stands.
    pub state: CaseState,
    /// Age group.
    pub age_group: AgeGroup,
    /// Converted (Unix ms).
    pub created_at: i64,
    /// The assigned counsellors' first names.
    pub counsellors: Vec<String>,
}

/// A recorded consent.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    /// How.
    pub how: ConsentHow,
    /// When (Unix ms).
    pub at: i64,
    /// The counsellor who recorded it (first name).
    pub recorded_by: String,
    /// Who gave it (the parents' consent only).
    #[serde(default)]
    pub given_by: String,
}

impl fmt::Debug for ConsentRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConsentRecord({:?}, {}, ..)", self.how, self.at)
    }
}

/// An assigned counsellor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseCounsellor {
    /// Account id.
    pub id: i64,
    /// First name.
    pub first_name: String,
}

/// One entry of the case.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEntry {
    /// Entry id.
    pub id: i64,
    /// What it is.
    pub kind: EntryKind,
    /// Session kind, or the origin of carried history.
    pub detail: String,
    /// When it happened (Unix ms).
    pub at: i64,
    /// Who wrote it into the case (first name).
    pub author: String,
    /// The text.
    pub text: String,
}

impl fmt::Debug for CaseEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CaseEntry({}, {:?}, ..)", self.id, self.kind)
    }
}

/// A whole case, as the case page shows it and the export gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    /// The case number.
    pub id: i64,
    /// Where it stands.
    pub state: CaseState,
    /// Age group.
    pub age_group: AgeGroup,
    /// Under 18.
    pub minor: bool,
    /// Converted (Unix ms).
    pub created_at: i64,
    /// Became active (Unix ms).
    pub activated_at: Option<i64>,
    /// Closed (Unix ms).
    pub closed_at: Option<i64>,
    /// Deleted after (Unix ms), once closed.
    pub delete_after: Option<i64>,
    /// The young person's consent.
    pub consent: ConsentRecord,
    /// The parents' consent (under 18).
    pub parents_consent: Option<ConsentRecord>,
    /// The municipality's case worker reference (under 18).
    pub case_worker: Option<String>,
    /// Name, CPR number, contact details.
    pub identity: Identity,
    /// Who may open the case (besides coordinators).
    pub counsellors: Vec<CaseCounsellor>,
    /// Data sheet, sessions and carried history, oldest first.
    pub entries: Vec<CaseEntry>,
    /// What is still missing before activation (error codes, see the
    /// server): empty when the case can become active.
    pub missing: Vec<String>,
}

/// The origin of a carried message.
pub fn origin_of(from: Sender) -> &'static str {
    match from {
        Sender::Visitor => "young_person",
        Sender::Counsellor => "counsellor",
    }
}
