//! Booking a first conversation, and signing up for group courses, without
//! giving identity.
//!
//! A parent (or a young person, or a professional) picks a conversation
//! type, a free time and leaves only an alias; they get a **manage code**
//! (four words, like resume codes) to see, move or cancel it, and an .ics
//! file for their calendar. Nothing is sent by e-mail or SMS.
//!
//! - [`slots`]: counsellors' weekly hours and exceptions → free times, in
//!   Copenhagen wall-clock time across daylight saving.
//! - [`store`]: bookings in the database. Double booking is impossible by
//!   construction: a live booking holds the grid cells of its time in
//!   `booking_cells`, whose primary key is (counsellor, cell).
//! - [`groups`]: group courses, sign-ups with a waiting list, evaluations.
//! - [`ics`]: the RFC 5545 calendar file.
//! - [`pages`]: the visitor's pages, plain server-rendered HTML forms (no
//!   WASM: they cost the youth bundle nothing and work without script).
//! - [`console`]: the counsellors' JSON routes (agenda, availability,
//!   courses), behind the session and CSRF guard.
//!
//! # Encryption
//!
//! Everything a visitor types is content. Each row below has its own data
//! key, wrapped under the master key; a master-key rotation re-wraps them
//! all ([`WRAPPED_KEYS`]).

pub mod console;
pub mod groups;
pub mod ics;
pub mod pages;
pub mod slots;
pub mod store;

use crate::chat::code::{CodeKey, CodeRefused};
use crate::chat::limit::{CodeGuesses, PerAddress};
use crate::crypto::Vault;
use crate::db::Db;
use serde::Deserialize;
use std::sync::Arc;

/// Where wrapped data keys live, for the master-key rotation: (table, id
/// column, wrapped-key column, owner context kind). The owner is
/// `crypto::context(kind, &[id])`.
pub const WRAPPED_KEYS: [(&str, &str, &str, &str); 3] = [
    ("bookings", "id", "data_key", "booking"),
    ("group_participants", "id", "data_key", "group-participant"),
    ("group_evaluations", "id", "data_key", "group-evaluation"),
];

/// The window for [`BookingConfig::bookings_per_address`] (the refusal
/// says "wait a quarter of an hour").
pub const NEW_BOOKING_WINDOW: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Longest alias a visitor may give (characters).
pub const MAX_ALIAS_CHARS: usize = 40;
/// Longest booking message or evaluation comment (characters).
pub const MAX_MESSAGE_CHARS: usize = 1000;
/// Longest counsellor note to a booker (characters).
pub const MAX_NOTE_CHARS: usize = 500;
/// Longest video-call link (characters).
pub const MAX_LINK_CHARS: usize = 300;

/// Checks a video-call link a counsellor gives: an `https://` address with
/// a host, no spaces or control characters, at most [`MAX_LINK_CHARS`].
/// Anything else (a `javascript:` link, a typo with a space) would reach a
/// worried parent's screen as a link, so it is refused.
pub fn parse_video_link(text: &str) -> Option<String> {
    let link = text.trim();
    let rest = link.strip_prefix("https://")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let fine = link.chars().count() <= MAX_LINK_CHARS
        && !host.is_empty()
        && !host.starts_with('.')
        && host.contains('.')
        && !link.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\' | '`')
        });
    fine.then(|| link.to_owned())
}

/// Who books: the front door's three roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BookerRole {
    /// A parent or other relative.
    Parent,
    /// A young person.
    YoungPerson,
    /// A professional: their booking is a consultant task.
    Professional,
}

impl BookerRole {
    /// Every role, in the order the form shows them.
    pub const ALL: [BookerRole; 3] = [
        BookerRole::Parent,
        BookerRole::YoungPerson,
        BookerRole::Professional,
    ];

    /// The stored and posted name.
    pub fn as_str(self) -> &'static str {
        match self {
            BookerRole::Parent => "parent",
            BookerRole::YoungPerson => "young_person",
            BookerRole::Professional => "professional",
        }
    }

    /// Reads a stored or posted name.
    pub fn parse(text: &str) -> Option<BookerRole> {
        BookerRole::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// A conversation type the service offers.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationType {
    /// Stable key, stored with each booking (`in_person`, `phone`, …).
    pub key: String,
    /// The name in Danish.
    pub name_da: String,
    /// The name in English.
    pub name_en: String,
    /// Length in minutes (a multiple of the slot grid).
    pub minutes: u16,
    /// Who may book it.
    pub roles: Vec<BookerRole>,
    /// A phone call: the booker gives the number to call.
    #[serde(default)]
    pub phone: bool,
    /// A walk-and-talk: the booker picks a meeting place.
    #[serde(default)]
    pub meeting_place: bool,
    /// A video call: the assigned counsellor gives the link later, and the
    /// booker reads it with the manage code.
    #[serde(default)]
    pub video: bool,
}

/// A meeting place for walk-and-talks.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingPlace {
    /// Stable key, stored with each booking.
    pub key: String,
    /// Where, in Danish.
    pub name_da: String,
    /// Where, in English.
    pub name_en: String,
}

/// The `[booking]` settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BookingConfig {
    /// Minutes of the slot grid: times start on it and bookings occupy
    /// whole cells of it.
    pub cell_minutes: u16,
    /// How many weeks ahead the booking page shows.
    pub weeks_ahead: u16,
    /// The earliest a talk can be booked, in minutes from now (a counsellor
    /// must have time to see it).
    pub notice_minutes: u32,
    /// Days a booking (its alias and message) is kept after its time.
    pub retention_days: u32,
    /// New bookings and group sign-ups one client address may make per
    /// quarter of an hour: plenty for a parent, a school's shared address
    /// or a mistake corrected; too few for a script to fill the calendar.
    pub bookings_per_address: u32,
    /// The conversation types.
    pub types: Vec<ConversationType>,
    /// Meeting places for walk-and-talks.
    pub places: Vec<MeetingPlace>,
}

fn kind(
    key: &str,
    da: &str,
    en: &str,
    minutes: u16,
    roles: &[BookerRole],
    phone: bool,
    place: bool,
) -> ConversationType {
    ConversationType {
        key: key.to_owned(),
        name_da: da.to_owned(),
        name_en: en.to_owned(),
        minutes,
        roles: roles.to_vec(),
        phone,
        meeting_place: place,
        video: false,
    }
}

fn place(key: &str, da: &str, en: &str) -> MeetingPlace {
    MeetingPlace {
        key: key.to_owned(),
        name_da: da.to_owned(),
        name_en: en.to_owned(),
    }
}

impl Default for BookingConfig {
    fn default() -> Self {
        use BookerRole::{Parent, Professional, YoungPerson};
        BookingConfig {
            cell_minutes: 30,
            weeks_ahead: 3,
            notice_minutes: 120,
            retention_days: 30,
            bookings_per_address: 6,
            types: vec![
                kind(
                    "in_person",
                    "Samtale hos os",
                    "A talk at our place",
                    60,
                    &[Parent, YoungPerson, Professional],
                    false,
                    false,
                ),
                kind(
                    "phone",
                    "Telefonsamtale",
                    "Phone call",
                    30,
                    &[Parent, YoungPerson, Professional],
                    true,
                    false,
                ),
                kind(
                    "walk",
                    "Gå-tur og snak",
                    "Walk and talk",
                    60,
                    &[Parent, YoungPerson],
                    false,
                    true,
                ),
                ConversationType {
                    video: true,
                    ..kind(
                        "video",
                        "Videosamtale",
                        "Video call",
                        60,
                        &[Parent, Professional],
                        false,
                        false,
                    )
                },
            ],
            places: vec![
                place("park", "Ved indgangen til parken", "At the park entrance"),
                place("library", "Foran biblioteket", "Outside the library"),
                place("station", "Ved stationen", "By the station"),
            ],
        }
    }
}

impl BookingConfig {
    /// The type with this key.
    pub fn kind(&self, key: &str) -> Option<&ConversationType> {
        self.types.iter().find(|t| t.key == key)
    }

    /// The meeting place with this key.
    pub fn place(&self, key: &str) -> Option<&MeetingPlace> {
        self.places.iter().find(|p| p.key == key)
    }

    /// The grid in milliseconds.
    pub fn cell_ms(&self) -> i64 {
        i64::from(self.cell_minutes.max(5)) * 60_000
    }
}

/// What booking needs at run time; part of [`crate::state::AppState`]
/// through [`crate::chat::ChatService`]'s code key.
#[derive(Clone, Debug)]
pub struct BookingService {
    /// The database.
    pub db: Db,
    /// Wraps each booking's own data key.
    pub vault: Arc<Vault>,
    /// Keys the hashes of manage codes (the resume-code key).
    pub code_key: Arc<CodeKey>,
    /// Limits manage-code guessing (addresses in memory only).
    pub guesses: Arc<CodeGuesses>,
    /// Limits new bookings and sign-ups per address, so a script cannot
    /// fill the calendar or a course (addresses in memory only).
    pub new_bookings: Arc<PerAddress>,
    /// Types, places, grid.
    pub config: Arc<BookingConfig>,
    /// Randomness for manage codes.
    pub rng: ring::rand::SystemRandom,
}

/// Why a visitor's booking request was refused. Each is shown as a clear
/// sentence in the visitor's language; nothing was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No such conversation type, or not for this role.
    #[error("no such conversation type for this role")]
    UnknownType,
    /// The alias is empty or too long.
    #[error("the alias is empty or too long")]
    BadAlias,
    /// The message is too long.
    #[error("the message is too long")]
    MessageTooLong,
    /// A phone call without a usable number.
    #[error("no usable phone number")]
    BadPhone,
    /// A walk-and-talk without a listed meeting place.
    #[error("no listed meeting place")]
    BadPlace,
    /// The time is in the past or too soon.
    #[error("the time has passed")]
    Past,
    /// Nobody is free at that time (taken meanwhile, or never offered).
    #[error("the time is taken")]
    Taken,
    /// Not a manage code, or no booking has it (any more).
    #[error("unknown code")]
    UnknownCode,
    /// Too many code attempts.
    #[error("too many attempts")]
    TooManyAttempts,
    /// The booking is over or cancelled: it cannot be changed.
    #[error("the booking can no longer be changed")]
    Closed,
    /// The course is full (signing up puts you on the waiting list; this is
    /// for moving between lists).
    #[error("the course is full")]
    Full,
    /// No such course, or it has begun.
    #[error("no such course open for sign-up")]
    UnknownCourse,
    /// The evaluation is not open (course not over) or already given.
    #[error("no evaluation possible")]
    NoEvaluation,
    /// A score outside 1–5.
    #[error("a score outside 1-5")]
    BadScore,
}

impl From<CodeRefused> for Refusal {
    /// A malformed code is, to the visitor, just an unknown one.
    fn from(refused: CodeRefused) -> Self {
        match refused {
            CodeRefused::TooManyAttempts => Refusal::TooManyAttempts,
            CodeRefused::Malformed => Refusal::UnknownCode,
        }
    }
}

/// A store operation failed: a refusal to show, or a server fault.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// Shown to the visitor; nothing changed.
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// Sealing or opening content failed.
    #[error("crypto: {0}")]
    Crypto(#[from] crate::crypto::CryptoError),
    /// No randomness for a code.
    #[error("no randomness")]
    Random,
}

/// Trims and checks an alias.
pub fn parse_alias(text: &str) -> Result<String, Refusal> {
    let alias = text.trim();
    if alias.is_empty() || alias.chars().count() > MAX_ALIAS_CHARS {
        return Err(Refusal::BadAlias);
    }
    Ok(alias.to_owned())
}

/// Trims and checks an optional message (empty = none).
pub fn parse_message(text: &str, max: usize) -> Result<Option<String>, Refusal> {
    let message = text.trim();
    if message.chars().count() > max {
        return Err(Refusal::MessageTooLong);
    }
    Ok((!message.is_empty()).then(|| message.to_owned()))
}

/// A phone number as people write it: digits, spaces, `+`, `-`, `(`, `)`;
/// 8 to 15 digits.
pub fn parse_phone(text: &str) -> Result<String, Refusal> {
    let phone = text.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
    if !allowed || !(8..=15).contains(&digits) || phone.len() > 25 {
        return Err(Refusal::BadPhone);
    }
    Ok(phone.to_owned())
}

/// The background task: every few minutes, deletes phone numbers of talks
/// that are over and whole bookings past retention.
pub async fn keep_tidy(service: BookingService) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(5 * 60));
    loop {
        tick.tick().await;
        let now = crate::db::now_millis();
        if let Err(error) = store::purge(&service, now).await {
            tracing::error!(%error, "booking purge failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_messages_and_phone_numbers_are_checked() {
        assert_eq!(parse_alias("  Mor til T ").as_deref(), Ok("Mor til T"));
        assert_eq!(parse_alias("   "), Err(Refusal::BadAlias));
        assert_eq!(parse_alias(&"x".repeat(41)), Err(Refusal::BadAlias));
        assert_eq!(parse_message("  ", 10), Ok(None));
        assert_eq!(
            parse_message(&"x".repeat(11), 10),
            Err(Refusal::MessageTooLong)
        );
        assert_eq!(
            parse_phone("+45 12 34 56 78").as_deref(),
            Ok("+45 12 34 56 78")
        );
        assert_eq!(parse_phone("1234"), Err(Refusal::BadPhone));
        assert_eq!(parse_phone("12345678; DROP"), Err(Refusal::BadPhone));
    }

    #[test]
    fn the_default_types_fit_the_grid_and_roles() {
        let config = BookingConfig::default();
        for kind in &config.types {
            assert_eq!(kind.minutes % config.cell_minutes, 0, "{}", kind.key);
            assert!(!kind.roles.is_empty());
        }
        assert!(config.kind("walk").is_some_and(|k| k.meeting_place));
        assert!(config.kind("phone").is_some_and(|k| k.phone));
        assert!(config.kind("video").is_some_and(|k| k.video));
        for role in BookerRole::ALL {
            assert_eq!(BookerRole::parse(role.as_str()), Some(role));
        }
    }

    #[test]
    fn only_a_plain_https_link_is_given_to_a_booker() {
        assert_eq!(
            parse_video_link("  https://video.example.dk/rum/42?k=1 ").as_deref(),
            Some("https://video.example.dk/rum/42?k=1")
        );
        for bad in [
            "",
            "http://video.example.dk/rum",
            "javascript:alert(1)",
            "https://",
            "https:///rum",
            "https://localhost/rum",
            "https://video.example.dk/rum 42",
            "https://video.example.dk/\"><script>",
        ] {
            assert_eq!(parse_video_link(bad), None, "{bad}");
        }
        let long = format!("https://video.example.dk/{}", "x".repeat(MAX_LINK_CHARS));
        assert_eq!(parse_video_link(&long), None);
    }
}
