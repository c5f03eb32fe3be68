//! The monthly (or yearly) activity statistics a service must report, as
//! the coordinators' console receives them (`GET /api/statistics`).
//!
//! Every figure is computed on the server from the non-identifying
//! activity events, never from conversations, so it survives their
//! deletion. The console gets exact numbers (it is the coordinators' own
//! view); exports (CSV, the printable report) suppress small numbers.

use serde::{Deserialize, Serialize};

/// One bar of a breakdown: a vocabulary key (`chat`, `young_person`,
/// `15_17`, `cannabis`, `5+`, …) and how many.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// The key, in the wire vocabulary (`not_stated` when none was given).
    pub key: String,
    /// How many.
    pub n: u64,
}

/// A spread of durations: how many were measured, their median and 90th
/// percentile (nearest rank), in milliseconds; `None` when none were.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spread {
    /// How many durations.
    pub n: u64,
    /// The median.
    pub median_ms: Option<i64>,
    /// The 90th percentile.
    pub p90_ms: Option<i64>,
}

/// The mean of one evaluation question (1–5).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Mean {
    /// `helpful`, `understood` or `recommend`.
    pub key: String,
    /// How many answers.
    pub n: u64,
    /// The mean score, `None` without answers.
    pub mean: Option<f64>,
}

/// Progress towards one yearly minimum, year to date.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// `treatment_cases`, `unique_persons`, `parent_groups` or
    /// `consultant_tasks`.
    pub key: String,
    /// The yearly minimum, scaled to the configured counsellors.
    pub target: u64,
    /// Done from 1 January to the end of the period.
    pub done: u64,
    /// The share of the minimum due by the end of the period (months / 12).
    pub due: u64,
}

/// Every figure of one period. Breakdowns always list every key of their
/// vocabulary, in the order the forms show them, zeros included.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// `YYYY-MM` for a month, `YYYY` for a year.
    pub period: String,
    /// The first local (Copenhagen) day of the period, `YYYY-MM-DD`.
    pub from: String,
    /// The last local day of the period, `YYYY-MM-DD`.
    pub to: String,
    /// The number of counsellors the yearly minimums are scaled to.
    pub counsellors: u32,

    /// Contacts in anonymous counselling: a chat or letter started (or
    /// resumed), a talk booked.
    pub contacts: u64,
    /// By channel: `chat`, `letter`, `booking`.
    pub by_channel: Vec<Count>,
    /// By role: `young_person`, `parent_or_relative`, `professional`.
    pub by_role: Vec<Count>,
    /// By age band (`not_stated` when none was given).
    pub by_age_band: Vec<Count>,
    /// By topic (`not_stated` when none was given).
    pub by_topic: Vec<Count>,
    /// First contacts of a course.
    pub new_contacts: u64,
    /// Contacts that continued a course with a resume code.
    pub returning_contacts: u64,
    /// Distinct anonymous courses (course tokens) with a contact in the
    /// period, plus every contact without a token.
    pub unique_persons: u64,
    /// Courses with a contact in the period by their talks so far: `1`,
    /// `2`, `3`, `4`, `5+`.
    pub course_lengths: Vec<Count>,

    /// Anonymous courses converted to treatment in the period.
    pub conversions: u64,
    /// Treatment cases made active in the period.
    pub activated: u64,
    /// Treatment cases closed in the period.
    pub closed: u64,
    /// Active treatment cases at the end of the period.
    pub active_cases: u64,
    /// Treatment cases active at some time in the period.
    pub cases_in_treatment: u64,

    /// Consultant tasks: contacts from professionals.
    pub consultant_tasks: u64,
    /// Consultant tasks by channel.
    pub consultant_by_channel: Vec<Count>,

    /// Parent groups with a session held in the period.
    pub parent_groups: u64,
    /// Their participants (per group, the most enrolled at a session held
    /// in the period).
    pub parent_participants: u64,
    /// Young people's groups with a session held in the period.
    pub youth_groups: u64,
    /// Their participants.
    pub youth_participants: u64,
    /// Group sessions held.
    pub group_sessions: u64,
    /// Group evaluations given.
    pub evaluations: u64,
    /// The evaluations' mean scores.
    pub evaluation_means: Vec<Mean>,

    /// Chats taken from the queue, and how long they waited.
    pub queue_wait: Spread,
    /// Chats that ended while waiting in the queue.
    pub left_waiting: u64,
    /// Counsellors' reply time in chats: per talk the mean time from a
    /// person's message to the counsellor's next one; `n` counts talks.
    pub reply_time: Spread,
    /// Letters answered, and how long they waited for the answer.
    pub letter_wait: Spread,
    /// Talks booked.
    pub booked: u64,
    /// Booked talks held.
    pub attended: u64,
    /// Booked talks the person did not come to.
    pub no_show: u64,
    /// Booked talks cancelled.
    pub cancelled: u64,

    /// Year to date against the yearly minimums.
    pub progress: Vec<Progress>,
}

/// The channels, in report order.
pub const CHANNELS: [&str; 3] = ["chat", "letter", "booking"];
/// The roles, in report order.
pub const ROLES: [&str; 3] = ["young_person", "parent_or_relative", "professional"];
/// The age bands, in report order.
pub const AGE_BANDS: [&str; 8] = [
    "under_13",
    "13_14",
    "15_17",
    "18_21",
    "22_25",
    "over_25",
    "not_said",
    "not_stated",
];
/// The topics, in report order.
pub const TOPICS: [&str; 8] = [
    "cannabis",
    "alcohol",
    "party_drugs",
    "other_drugs",
    "someone_close",
    "school_work_home",
    "other",
    "not_stated",
];
/// Course lengths, in report order.
pub const COURSE_LENGTHS: [&str; 5] = ["1", "2", "3", "4", "5+"];
/// The evaluation questions.
pub const QUESTIONS: [&str; 3] = ["helpful", "understood", "recommend"];
/// The yearly minimums per three counsellors (DOMAIN.md).
pub const MINIMUMS: [(&str, u64); 4] = [
    ("treatment_cases", 24),
    ("unique_persons", 75),
    ("parent_groups", 2),
    ("consultant_tasks", 36),
];

/// The period `delta` months (or years, for a year) from `period` (`YYYY-MM`
/// or `YYYY`); `None` for text that is neither.
pub fn step_period(period: &str, delta: i32) -> Option<String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match period.split_once('-') {
        Some((year, month)) if year.len() == 4 && month.len() == 2 => {
            if !digits(year) || !digits(month) {
                return None;
            }
            let month: i32 = month.parse().ok().filter(|m| (1..=12).contains(m))?;
            let index = year.parse::<i32>().ok()? * 12 + month - 1 + delta;
            Some(format!(
                "{:04}-{:02}",
                index.div_euclid(12),
                index.rem_euclid(12) + 1
            ))
        }
        None if period.len() == 4 && digits(period) => {
            Some(format!("{:04}", period.parse::<i32>().ok()? + delta))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_step_across_the_turn_of_the_year() {
        assert_eq!(step_period("2026-12", 1).as_deref(), Some("2027-01"));
        assert_eq!(step_period("2026-01", -1).as_deref(), Some("2025-12"));
        assert_eq!(step_period("2026-10", -1).as_deref(), Some("2026-09"));
        assert_eq!(step_period("2026", 1).as_deref(), Some("2027"));
        assert_eq!(step_period("2026-13", 1), None);
        assert_eq!(step_period("oct", 1), None);
    }

    #[test]
    fn the_vocabularies_match_the_protocols_wire_names() {
        for band in crate::protocol::AgeBand::ALL {
            let key = serde_json::to_value(band).expect("serialises");
            assert!(AGE_BANDS.contains(&key.as_str().expect("a string")));
        }
        for topic in crate::protocol::Topic::ALL {
            let key = serde_json::to_value(topic).expect("serialises");
            assert!(TOPICS.contains(&key.as_str().expect("a string")));
        }
    }
}
