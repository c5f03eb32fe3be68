//! Anonymous letters: a young person (or a parent, or a professional)
//! writes any time, gets a code of four words and a promise of when the
//! answer comes, and reads the answer later with the code on any device.
//! The exchange goes on as a thread; while the chat is open and the
//! thread's counsellor is on duty, it can move into a live chat with them.
//!
//! - [`store`]: threads and their letters in the database, sealed under
//!   each thread's own data key; the console's queue, claims, drafts,
//!   review and sending; the statistics events; the retention purge.
//! - [`pages`]: the writer's pages, plain server-rendered HTML forms (no
//!   WASM: the youth bundle is at its size budget, and a letter written on
//!   an old phone at night must work without script).
//! - [`console`]: the counsellors' JSON routes, behind the session and
//!   CSRF guard.
//!
//! # Privacy
//!
//! No notifications (a push subscription is a device identifier), no
//! e-mail, no phone number: the page says when to come back. The code is
//! stored only as a keyed hash (the resume-code key) and guessing is
//! rate-limited per address in memory. The letter is stored before its code
//! is shown, so a code on screen always finds its letter.

pub mod console;
pub mod pages;
pub mod store;

use crate::chat::code::{CodeKey, CodeRefused};
use crate::chat::limit::CodeGuesses;
use crate::crypto::Vault;
use crate::db::Db;
use app::service::Localized;
use serde::Deserialize;
use std::sync::Arc;

/// Where wrapped data keys live, for the master-key rotation: (table, id
/// column, wrapped-key column, owner context kind).
pub const WRAPPED_KEYS: [(&str, &str, &str, &str); 1] =
    [("letter_threads", "id", "data_key", "letter-thread")];

/// The `[letters]` settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LettersConfig {
    /// The promised answer: within this many working days (Monday to
    /// Friday), counted from the day after the letter was written.
    pub answer_within_working_days: u16,
    /// The longest letter or answer, in characters.
    pub max_chars: usize,
    /// A colleague reviews each answer before it is sent.
    pub review_before_send: bool,
    /// The promise in words; default "within N working days".
    pub promise: Option<Localized>,
}

impl Default for LettersConfig {
    fn default() -> Self {
        LettersConfig {
            answer_within_working_days: 3,
            max_chars: 10_000,
            review_before_send: false,
            promise: None,
        }
    }
}

impl LettersConfig {
    /// The promise as the pages say it, in Danish and English.
    pub fn promise(&self) -> Localized {
        self.promise.clone().unwrap_or_else(|| {
            let days = self.answer_within_working_days;
            Localized {
                da: if days == 1 {
                    "inden for 1 hverdag".to_owned()
                } else {
                    format!("inden for {days} hverdage")
                },
                en: if days == 1 {
                    "within 1 working day".to_owned()
                } else {
                    format!("within {days} working days")
                },
            }
        })
    }
}

/// What letters need at run time; part of [`crate::state::AppState`].
#[derive(Clone, Debug)]
pub struct LetterService {
    /// The database.
    pub db: Db,
    /// Wraps each thread's own data key.
    pub vault: Arc<Vault>,
    /// Keys the hashes of letter codes (the resume-code key).
    pub code_key: Arc<CodeKey>,
    /// Limits letter-code guessing (addresses in memory only).
    pub guesses: Arc<CodeGuesses>,
    /// Promise, limits, review.
    pub config: Arc<LettersConfig>,
    /// The service's opening hours (shared with the chat): their closed
    /// dates are not working days for the promised answer.
    pub hours: Arc<crate::settings::Swap<crate::hours::OpeningHours>>,
    /// Randomness for codes and course tokens.
    pub rng: ring::rand::SystemRandom,
}

impl LetterService {
    /// The promised answer's deadline for a letter written at `written`
    /// (Unix ms): the configured working days, closed dates skipped.
    pub fn deadline(&self, written: i64) -> i64 {
        let hours = self.hours.get();
        deadline(written, self.config.answer_within_working_days, |date| {
            hours.is_closed_date(date)
        })
    }
}

/// Why a request about letters was refused. Each is shown as a clear
/// sentence in the writer's language (or a code in the console); nothing
/// was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The letter is empty.
    #[error("the letter is empty")]
    Empty,
    /// The letter is longer than the limit.
    #[error("the letter is too long")]
    TooLong,
    /// No role chosen, or an unknown age band or topic.
    #[error("choose who you are")]
    BadChoice,
    /// Not a code, or no thread has it (any more).
    #[error("unknown code")]
    UnknownCode,
    /// Too many code attempts.
    #[error("too many attempts")]
    TooManyAttempts,
    /// No such thread (console).
    #[error("no such letter")]
    NotFound,
    /// Another counsellor has taken the letter.
    #[error("another counsellor has this letter")]
    Taken,
    /// Nothing waits for an answer.
    #[error("nothing to answer")]
    NothingToAnswer,
    /// The service reviews answers before they are sent: ask a colleague.
    #[error("a colleague must review the answer first")]
    ReviewRequired,
    /// One does not review one's own answer, or there is nothing to review.
    #[error("no answer to review by this counsellor")]
    NoReview,
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

/// A letter operation failed: a refusal to show, or a server fault.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    /// Shown to the writer or counsellor; nothing changed.
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

/// Checks a letter's text: not blank, at most `max` characters. Kept as
/// written (line breaks matter in a letter), only trimmed at the ends.
pub fn parse_text(text: &str, max: usize) -> Result<String, Refusal> {
    // Browsers send a textarea's line breaks as CRLF but count them as one
    // character against `maxlength`: count as the writer saw it.
    let text = text.replace("\r\n", "\n");
    let text = text.trim();
    if text.is_empty() {
        return Err(Refusal::Empty);
    }
    if text.chars().count() > max {
        return Err(Refusal::TooLong);
    }
    Ok(text.to_owned())
}

/// The end of the `days`th working day (Monday to Friday, Copenhagen
/// time, not a `closed` date) after the day of `written` (Unix ms): the
/// promised answer's deadline. A letter written on Thursday with 3 days is
/// due by the end of Tuesday; written the Tuesday before Christmas, with
/// the 24th and 25th closed, by the end of the Tuesday after.
pub fn deadline(written: i64, days: u16, closed: impl Fn(chrono::NaiveDate) -> bool) -> i64 {
    use chrono::{Datelike, Days, TimeZone, Weekday};
    use chrono_tz::Europe::Copenhagen;
    let Some(at) = chrono::DateTime::from_timestamp_millis(written) else {
        return written;
    };
    let mut day = at.with_timezone(&Copenhagen).date_naive();
    let mut left = days.max(1);
    // Closed dates are a finite list, but a year of them would still be a
    // configuration slip: past a year the plain working days count.
    let mut looked = 0;
    while left > 0 {
        day = day.checked_add_days(Days::new(1)).unwrap_or(day);
        looked += 1;
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        if !weekend && (looked > 366 || !closed(day)) {
            left -= 1;
        }
    }
    // The end of that day: the start of the next, in Copenhagen time.
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    next.and_hms_opt(0, 0, 0)
        .and_then(|midnight| Copenhagen.from_local_datetime(&midnight).earliest())
        .map_or(written, |t| t.timestamp_millis() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copenhagen(y: i32, m: u32, d: u32, h: u32) -> i64 {
        use chrono::TimeZone;
        chrono_tz::Europe::Copenhagen
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .earliest()
            .expect("a valid time")
            .timestamp_millis()
    }

    #[test]
    fn the_deadline_counts_working_days_from_the_next_day() {
        // Thursday 26 November 2026, evening: Friday, Monday, Tuesday.
        let open = |_| false;
        let thursday = copenhagen(2026, 11, 26, 22);
        assert_eq!(deadline(thursday, 3, open), copenhagen(2026, 12, 2, 0) - 1);
        // Saturday night: Monday, Tuesday, Wednesday.
        let saturday = copenhagen(2026, 11, 28, 2);
        assert_eq!(deadline(saturday, 3, open), copenhagen(2026, 12, 3, 0) - 1);
        // Across the change to summer time the day still ends at midnight.
        let friday = copenhagen(2027, 3, 26, 12);
        assert_eq!(deadline(friday, 1, open), copenhagen(2027, 3, 30, 0) - 1);
    }

    #[test]
    fn closed_dates_are_not_working_days() {
        let christmas = |d: chrono::NaiveDate| {
            use chrono::Datelike;
            d.month() == 12 && matches!(d.day(), 24 | 25)
        };
        // Tuesday 22 December: Wednesday 23, (24, 25 closed, weekend)
        // Monday 28, Tuesday 29.
        let tuesday = copenhagen(2026, 12, 22, 10);
        assert_eq!(
            deadline(tuesday, 3, christmas),
            copenhagen(2026, 12, 30, 0) - 1
        );
        assert_eq!(
            deadline(tuesday, 3, |_| false),
            copenhagen(2026, 12, 26, 0) - 1,
            "without the closed dates: Wednesday, Thursday, Friday"
        );
        // Everything closed (a configuration slip) still ends: after a
        // year the plain working days count.
        let due = deadline(tuesday, 3, |_| true);
        assert!(due > copenhagen(2027, 12, 22, 0) && due < copenhagen(2028, 1, 1, 0));
    }

    #[test]
    fn letters_are_checked_for_empty_and_too_long() {
        assert_eq!(
            parse_text("  Hej\r\nmed dig ", 11).as_deref(),
            Ok("Hej\nmed dig")
        );
        assert_eq!(parse_text(" \n ", 10), Err(Refusal::Empty));
        assert_eq!(parse_text(&"æ".repeat(11), 10), Err(Refusal::TooLong));
        assert!(parse_text(&"æ".repeat(10), 10).is_ok());
    }

    #[test]
    fn the_promise_follows_the_configured_days() {
        let config = LettersConfig::default();
        assert_eq!(config.promise().da, "inden for 3 hverdage");
        assert_eq!(config.promise().en, "within 3 working days");
    }
}
