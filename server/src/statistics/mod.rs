//! The activity statistics a service must report every month (DOMAIN.md,
//! "What a service must document"): contacts in anonymous counselling,
//! unique anonymous persons and course lengths, treatment, consultant
//! tasks, parent groups, evaluations, service quality, and progress
//! towards the yearly minimums.
//!
//! Every figure comes from `activity_events`, the non-identifying events
//! recorded as things happen (chat: `chat::store`; booked talks and group
//! courses: `booking`; treatment cases: `cases`; letters: channel
//! `letter`). Conversations, bookings and cases may be long deleted: the
//! figures stay. An event's course token is random and, once its course is
//! deleted, stored nowhere else, so counting distinct tokens counts persons
//! without naming any.
//!
//! Periods are Copenhagen calendar months (or years): a month runs from
//! local midnight on its first day to local midnight on the next month's
//! first day, whatever daylight saving does in between. Events are stored
//! to the hour, and Copenhagen's offsets are whole hours, so an event's
//! hour never straddles a month boundary.
//!
//! # Layout
//! - [`events`]: recording an event in the same transaction as its change.
//! - this module: periods, loading a period's events, computing figures.
//! - [`export`]: the figures as cells with small-number suppression, the
//!   CSV (RFC 4180) and the printable report.
//! - [`routes`]: the coordinators' routes.

pub mod events;
pub mod export;
pub mod routes;

use crate::db::Db;
use app::protocol::statistics::{
    AGE_BANDS, CHANNELS, COURSE_LENGTHS, Count, MINIMUMS, Mean, Progress, QUESTIONS, ROLES, Report,
    Spread, TOPICS,
};
use chrono::{Datelike, NaiveDate, TimeZone};
use chrono_tz::Europe::Copenhagen;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The counsellors the yearly minimums (set per three counsellors) are
/// scaled to, from the configuration's `counsellors`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatisticsConfig {
    /// Counsellors in the team (full-time equivalents).
    pub counsellors: u32,
}

impl Default for StatisticsConfig {
    fn default() -> Self {
        StatisticsConfig { counsellors: 3 }
    }
}

/// A calendar month or year in Copenhagen time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// One month (1–12).
    Month {
        /// The year.
        year: i32,
        /// The month, 1–12.
        month: u32,
    },
    /// A whole year.
    Year(i32),
}

/// Years a report may ask for: the service did not run before, and a
/// typo of a far year should be refused, not computed.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

impl Period {
    /// Reads `YYYY-MM` (a month) or `YYYY` (a year); `None` for anything
    /// else, a month outside 1–12 or a year outside 2000–2100.
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let period = match text.split_once('-') {
            Some((year, month)) if year.len() == 4 && month.len() == 2 => {
                if !digits(year) || !digits(month) {
                    return None;
                }
                Period::Month {
                    year: year.parse().ok()?,
                    month: month.parse().ok().filter(|m| (1..=12).contains(m))?,
                }
            }
            None if text.len() == 4 && digits(text) => Period::Year(text.parse().ok()?),
            _ => return None,
        };
        YEARS.contains(&period.year()).then_some(period)
    }

    /// The period as [`Period::parse`] reads it.
    pub fn key(self) -> String {
        match self {
            Period::Month { year, month } => format!("{year:04}-{month:02}"),
            Period::Year(year) => format!("{year:04}"),
        }
    }

    /// The year the period is in.
    pub fn year(self) -> i32 {
        match self {
            Period::Month { year, .. } | Period::Year(year) => year,
        }
    }

    /// The first local day.
    pub fn first_day(self) -> Option<NaiveDate> {
        match self {
            Period::Month { year, month } => NaiveDate::from_ymd_opt(year, month, 1),
            Period::Year(year) => NaiveDate::from_ymd_opt(year, 1, 1),
        }
    }

    /// The first local day after the period.
    fn day_after(self) -> Option<NaiveDate> {
        match self {
            Period::Month { year, month: 12 } | Period::Year(year) => {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            }
            Period::Month { year, month } => NaiveDate::from_ymd_opt(year, month + 1, 1),
        }
    }

    /// The last local day.
    pub fn last_day(self) -> Option<NaiveDate> {
        self.day_after()?.pred_opt()
    }

    /// The period as Unix ms: from the first day's local midnight to the
    /// local midnight after the last day.
    pub fn bounds(self) -> Option<(i64, i64)> {
        Some((
            local_midnight(self.first_day()?)?,
            local_midnight(self.day_after()?)?,
        ))
    }

    /// Local midnight on 1 January of the period's year.
    pub fn year_start(self) -> Option<i64> {
        local_midnight(NaiveDate::from_ymd_opt(self.year(), 1, 1)?)
    }

    /// Months of the year gone by at the period's end.
    pub fn months_elapsed(self) -> u32 {
        match self {
            Period::Month { month, .. } => month,
            Period::Year(_) => 12,
        }
    }

    /// The month before (a year for a year).
    pub fn previous(self) -> Period {
        match self {
            Period::Month { year, month: 1 } => Period::Month {
                year: year - 1,
                month: 12,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month - 1,
            },
            Period::Year(year) => Period::Year(year - 1),
        }
    }

    /// The Copenhagen month an instant is in.
    pub fn month_of(ms: i64) -> Option<Period> {
        let local = chrono::DateTime::from_timestamp_millis(ms)?.with_timezone(&Copenhagen);
        Some(Period::Month {
            year: local.year(),
            month: local.month(),
        })
    }
}

/// Copenhagen midnight at the start of `day`, as Unix ms. Midnight is never
/// skipped or repeated there (the clocks change at 02:00 and 03:00).
fn local_midnight(day: NaiveDate) -> Option<i64> {
    Copenhagen
        .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.timestamp_millis())
}

/// One stored event, as the figures read it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventRow {
    /// What happened.
    pub kind: String,
    /// The hour (Unix ms).
    pub at: i64,
    /// `chat`, `letter`, `booking`, `group`, `treatment`.
    pub channel: String,
    /// The role word.
    pub role: Option<String>,
    /// The age band (a case's age group for treatment).
    pub age_band: Option<String>,
    /// The topic.
    pub topic: Option<String>,
    /// A duration (ms).
    pub wait_ms: Option<i64>,
    /// The vocabulary word saying more.
    pub outcome: Option<String>,
    /// The course token (`group:<id>` for group courses).
    pub course: Option<String>,
    /// A contact that continued a course with a resume code.
    pub returned: bool,
    /// A measured number.
    pub amount: Option<i64>,
}

/// What one period's figures are computed from.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// The period's start (Unix ms, inclusive).
    pub start: i64,
    /// Its end (exclusive).
    pub end: i64,
    /// 1 January of its year (year-to-date figures start here).
    pub year_start: i64,
    /// Every event from `year_start` to `end`.
    pub events: Vec<EventRow>,
    /// Every treatment event before `end`: (kind, outcome, at).
    pub treatment: Vec<(String, Option<String>, i64)>,
    /// Per course token with a contact in the period: its contacts ever,
    /// up to the period's end.
    pub course_totals: HashMap<String, u64>,
}

/// Reads what `period`'s figures need. `None` for a period outside the
/// calendar (refused by [`Period::parse`] already).
pub async fn load(db: &Db, period: Period) -> Result<Option<Inputs>, sqlx::Error> {
    let (Some((start, end)), Some(year_start)) = (period.bounds(), period.year_start()) else {
        return Ok(None);
    };
    let rows = sqlx::query(
        "SELECT kind, at, channel, role, age_band, topic, wait_ms, outcome, course, returned, \
         amount FROM activity_events WHERE at >= $1 AND at < $2",
    )
    .bind(year_start.min(start))
    .bind(end)
    .fetch_all(db.pool())
    .await?;
    let events = rows
        .iter()
        .map(|row| {
            Ok(EventRow {
                kind: row.try_get("kind")?,
                at: row.try_get("at")?,
                channel: row.try_get("channel")?,
                role: row.try_get("role")?,
                age_band: row.try_get("age_band")?,
                topic: row.try_get("topic")?,
                wait_ms: row.try_get("wait_ms")?,
                outcome: row.try_get("outcome")?,
                course: row.try_get("course")?,
                returned: row.try_get::<i64, _>("returned")? != 0,
                amount: row.try_get("amount")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let treatment = sqlx::query(
        "SELECT kind, outcome, at FROM activity_events WHERE channel = 'treatment' AND at < $1",
    )
    .bind(end)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|row| {
        Ok((
            row.try_get("kind")?,
            row.try_get("outcome")?,
            row.try_get("at")?,
        ))
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let course_totals = sqlx::query(
        "SELECT course, COUNT(*) AS talks FROM activity_events \
         WHERE kind = 'contact_started' AND course IS NOT NULL AND at < $2 AND course IN \
         (SELECT course FROM activity_events WHERE kind = 'contact_started' \
          AND course IS NOT NULL AND at >= $1 AND at < $2) GROUP BY course",
    )
    .bind(start)
    .bind(end)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|row| {
        let talks: i64 = row.try_get("talks")?;
        Ok((row.try_get("course")?, u64::try_from(talks).unwrap_or(0)))
    })
    .collect::<Result<HashMap<String, u64>, sqlx::Error>>()?;
    Ok(Some(Inputs {
        start,
        end,
        year_start,
        events,
        treatment,
        course_totals,
    }))
}

/// Whether an event is a contact in anonymous counselling: a chat or a
/// letter started (or resumed with a code), a talk booked.
fn is_contact(event: &EventRow) -> bool {
    match event.channel.as_str() {
        "chat" | "letter" => event.kind == "contact_started",
        "booking" => event.kind == "booked",
        _ => false,
    }
}

/// Counts `keys` in the order of `vocabulary`; a key outside it counts as
/// `fallback` when given (and is dropped otherwise).
fn breakdown<'a>(
    vocabulary: &[&str],
    fallback: Option<&str>,
    keys: impl Iterator<Item = Option<&'a str>>,
) -> Vec<Count> {
    let mut counts: Vec<Count> = vocabulary
        .iter()
        .map(|key| Count {
            key: (*key).to_owned(),
            n: 0,
        })
        .collect();
    for key in keys {
        let key = match key {
            Some(k) if vocabulary.contains(&k) => Some(k),
            _ => fallback,
        };
        if let Some(count) = key.and_then(|k| counts.iter_mut().find(|c| c.key == k)) {
            count.n += 1;
        }
    }
    counts
}

/// Unique anonymous persons among contacts: distinct course tokens, and
/// every contact without one counted once.
fn unique_persons<'a>(contacts: impl Iterator<Item = &'a EventRow>) -> u64 {
    let mut tokens = BTreeSet::new();
    let mut without = 0;
    for contact in contacts {
        match &contact.course {
            Some(token) => {
                tokens.insert(token.as_str());
            }
            None => without += 1,
        }
    }
    tokens.len() as u64 + without
}

/// Median and 90th percentile by nearest rank (a value that occurred, no
/// interpolation).
pub fn spread(mut values: Vec<i64>) -> Spread {
    values.sort_unstable();
    let n = values.len();
    let rank = |num: usize, den: usize| -> Option<i64> {
        // The smallest value with at least num/den of the values at or below it.
        let rank = (num * n).div_ceil(den).max(1);
        values.get(rank - 1).copied()
    };
    Spread {
        n: n as u64,
        median_ms: rank(1, 2),
        p90_ms: rank(9, 10),
    }
}

/// Groups run and their participants, from `group_session` events of one
/// audience: (groups, participants, sessions). A group's participants are
/// the most enrolled at any of its sessions counted.
fn groups<'a>(sessions: impl Iterator<Item = &'a EventRow>, role: &str) -> (u64, u64, u64) {
    let mut most: BTreeMap<&str, i64> = BTreeMap::new();
    let mut held = 0;
    for session in sessions.filter(|e| e.role.as_deref() == Some(role)) {
        held += 1;
        let group = session.course.as_deref().unwrap_or_default();
        let enrolled = session.amount.unwrap_or(0).max(0);
        let entry = most.entry(group).or_insert(0);
        *entry = (*entry).max(enrolled);
    }
    let participants = most.values().map(|n| u64::try_from(*n).unwrap_or(0)).sum();
    (most.len() as u64, participants, held)
}

/// Treatment cases active at some time in `[start, end)`: activated before
/// the end, less those closed (after being active) before the start.
fn cases_in_treatment(treatment: &[(String, Option<String>, i64)], start: i64, end: i64) -> u64 {
    let activated = treatment
        .iter()
        .filter(|(kind, _, at)| kind == "activated" && *at < end)
        .count();
    let closed = treatment
        .iter()
        .filter(|(kind, outcome, at)| {
            kind == "closed" && outcome.as_deref() == Some("active") && *at < start
        })
        .count();
    activated.saturating_sub(closed) as u64
}

/// The figures of one period.
pub fn compute(period: Period, inputs: &Inputs, config: StatisticsConfig) -> Report {
    let in_period: Vec<&EventRow> = inputs
        .events
        .iter()
        .filter(|e| e.at >= inputs.start && e.at < inputs.end)
        .collect();
    let year_to_date: Vec<&EventRow> = inputs
        .events
        .iter()
        .filter(|e| e.at >= inputs.year_start && e.at < inputs.end)
        .collect();
    let of = |channel: &str, kind: &str| {
        in_period
            .iter()
            .filter(|e| e.channel == channel && e.kind == kind)
            .count() as u64
    };
    let waits = |channel: &str, kind: &str| {
        spread(
            in_period
                .iter()
                .filter(|e| e.channel == channel && e.kind == kind)
                .filter_map(|e| e.wait_ms)
                .collect(),
        )
    };

    let contacts: Vec<&EventRow> = in_period
        .iter()
        .copied()
        .filter(|e| is_contact(e))
        .collect();
    let professional = |e: &&&EventRow| e.role.as_deref() == Some("professional");
    let consultant: Vec<&&EventRow> = contacts.iter().filter(professional).collect();

    let mut course_lengths = breakdown(&COURSE_LENGTHS, None, std::iter::empty());
    let tokens: BTreeSet<&str> = contacts
        .iter()
        .filter_map(|e| e.course.as_deref())
        .collect();
    for token in tokens {
        let talks = inputs.course_totals.get(token).copied().unwrap_or(1).max(1);
        let index = usize::try_from(talks.min(5)).unwrap_or(5) - 1;
        course_lengths[index].n += 1;
    }

    let sessions = || {
        in_period
            .iter()
            .copied()
            .filter(|e| e.channel == "group" && e.kind == "group_session")
    };
    let (parent_groups, parent_participants, parent_sessions) =
        groups(sessions(), "parent_or_relative");
    let (youth_groups, youth_participants, youth_sessions) = groups(sessions(), "young_person");

    let answers = |question: &str| -> Vec<i64> {
        in_period
            .iter()
            .filter(|e| e.channel == "group" && e.kind == "evaluation")
            .filter(|e| e.outcome.as_deref() == Some(question))
            .filter_map(|e| e.amount)
            .collect()
    };
    let evaluation_means = QUESTIONS
        .iter()
        .map(|question| {
            let scores = answers(question);
            Mean {
                key: (*question).to_owned(),
                n: scores.len() as u64,
                mean: (!scores.is_empty())
                    .then(|| scores.iter().sum::<i64>() as f64 / scores.len() as f64),
            }
        })
        .collect();

    let treatment = &inputs.treatment;
    let treatment_of = |kind: &str| {
        treatment
            .iter()
            .filter(|(k, _, at)| k == kind && *at >= inputs.start && *at < inputs.end)
            .count() as u64
    };

    // Year to date, for the yearly minimums.
    let contacts_ytd = || year_to_date.iter().copied().filter(|e| is_contact(e));
    let done = |key: &str| match key {
        "treatment_cases" => cases_in_treatment(treatment, inputs.year_start, inputs.end),
        "unique_persons" => unique_persons(contacts_ytd()),
        "parent_groups" => {
            groups(
                year_to_date
                    .iter()
                    .copied()
                    .filter(|e| e.channel == "group" && e.kind == "group_session"),
                "parent_or_relative",
            )
            .0
        }
        _ => contacts_ytd()
            .filter(|e| e.role.as_deref() == Some("professional"))
            .count() as u64,
    };
    let counsellors = u64::from(config.counsellors.max(1));
    let progress = MINIMUMS
        .iter()
        .map(|(key, per_three)| {
            let target = (per_three * counsellors).div_ceil(3);
            Progress {
                key: (*key).to_owned(),
                target,
                done: done(key),
                due: (target * u64::from(period.months_elapsed())).div_ceil(12),
            }
        })
        .collect();

    Report {
        period: period.key(),
        from: period
            .first_day()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        to: period.last_day().map(|d| d.to_string()).unwrap_or_default(),
        counsellors: config.counsellors,
        contacts: contacts.len() as u64,
        by_channel: breakdown(
            &CHANNELS,
            None,
            contacts.iter().map(|e| Some(e.channel.as_str())),
        ),
        by_role: breakdown(&ROLES, None, contacts.iter().map(|e| e.role.as_deref())),
        by_age_band: breakdown(
            &AGE_BANDS,
            Some("not_stated"),
            contacts.iter().map(|e| e.age_band.as_deref()),
        ),
        by_topic: breakdown(
            &TOPICS,
            Some("not_stated"),
            contacts.iter().map(|e| e.topic.as_deref()),
        ),
        new_contacts: contacts.iter().filter(|e| !e.returned).count() as u64,
        returning_contacts: contacts.iter().filter(|e| e.returned).count() as u64,
        unique_persons: unique_persons(contacts.iter().copied()),
        course_lengths,
        conversions: treatment_of("converted"),
        activated: treatment_of("activated"),
        closed: treatment_of("closed"),
        active_cases: cases_in_treatment(treatment, inputs.end, inputs.end),
        cases_in_treatment: cases_in_treatment(treatment, inputs.start, inputs.end),
        consultant_tasks: consultant.len() as u64,
        consultant_by_channel: breakdown(
            &CHANNELS,
            None,
            consultant.iter().map(|e| Some(e.channel.as_str())),
        ),
        parent_groups,
        parent_participants,
        youth_groups,
        youth_participants,
        group_sessions: parent_sessions + youth_sessions,
        evaluations: answers("helpful").len() as u64,
        evaluation_means,
        queue_wait: waits("chat", "taken"),
        left_waiting: of("chat", "left_waiting"),
        reply_time: waits("chat", "reply_time"),
        letter_wait: waits("letter", "letter_answered"),
        booked: of("booking", "booked"),
        attended: of("booking", "attended"),
        no_show: of("booking", "no_show"),
        cancelled: of("booking", "cancelled"),
        progress,
    }
}

/// Records every group session that has ended and is not yet counted (see
/// `booking::groups::count_held_sessions`), then computes `period`.
pub async fn report(
    db: &Db,
    booking: &crate::booking::BookingService,
    period: Period,
    config: StatisticsConfig,
    now: i64,
) -> Result<Option<Report>, crate::booking::BookingError> {
    crate::booking::groups::count_held_sessions(booking, now).await?;
    Ok(load(db, period)
        .await?
        .map(|inputs| compute(period, &inputs, config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_years_are_read_strictly() {
        assert_eq!(
            Period::parse("2026-10"),
            Some(Period::Month {
                year: 2026,
                month: 10
            })
        );
        assert_eq!(Period::parse("2026"), Some(Period::Year(2026)));
        for bad in [
            "",
            "2026-13",
            "2026-00",
            "2026-1",
            "26-10",
            "2026-10-01",
            "abcd",
            "1999",
            "2101",
            "+202-10",
            "2026-+1",
            "２０２６",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad:?} is refused");
        }
    }

    #[test]
    fn a_month_runs_from_local_midnight_to_local_midnight_across_daylight_saving() {
        // October 2026: summer time (UTC+2) at the start, winter time (UTC+1)
        // from the 25th on; so 31 days and one hour.
        let (start, end) = Period::Month {
            year: 2026,
            month: 10,
        }
        .bounds()
        .expect("in the calendar");
        let utc = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .expect("a time")
                .timestamp_millis()
        };
        assert_eq!(start, utc("2026-09-30T22:00:00Z"));
        assert_eq!(end, utc("2026-10-31T23:00:00Z"));
        assert_eq!(end - start, (31 * 24 + 1) * 3_600_000);
        // March 2026 loses an hour.
        let (start, end) = Period::Month {
            year: 2026,
            month: 3,
        }
        .bounds()
        .expect("in the calendar");
        assert_eq!(start, utc("2026-02-28T23:00:00Z"));
        assert_eq!(end, utc("2026-03-31T22:00:00Z"));
        assert_eq!(
            Period::month_of(utc("2026-10-31T23:30:00Z")),
            Some(Period::Month {
                year: 2026,
                month: 11
            })
        );
        let (start, end) = Period::Year(2026).bounds().expect("in the calendar");
        assert_eq!(start, utc("2025-12-31T23:00:00Z"));
        assert_eq!(end, utc("2026-12-31T23:00:00Z"));
    }

    #[test]
    fn median_and_90th_percentile_are_values_that_occurred() {
        assert_eq!(spread(vec![]), Spread::default());
        let s = spread(vec![50, 10, 40, 20, 30]);
        assert_eq!((s.n, s.median_ms, s.p90_ms), (5, Some(30), Some(50)));
        let s = spread((1..=10).collect());
        assert_eq!((s.median_ms, s.p90_ms), (Some(5), Some(9)));
        let s = spread(vec![7]);
        assert_eq!((s.median_ms, s.p90_ms), (Some(7), Some(7)));
    }

    #[test]
    fn the_yearly_minimums_scale_with_the_counsellors() {
        let inputs = Inputs::default();
        let report = compute(
            Period::Month {
                year: 2026,
                month: 6,
            },
            &inputs,
            StatisticsConfig { counsellors: 5 },
        );
        let target = |key: &str| {
            report
                .progress
                .iter()
                .find(|p| p.key == key)
                .map(|p| (p.target, p.due))
        };
        // 24 × 5 / 3 = 40, half of it due by the end of June.
        assert_eq!(target("treatment_cases"), Some((40, 20)));
        assert_eq!(target("unique_persons"), Some((125, 63)));
        assert_eq!(target("parent_groups"), Some((4, 2)));
        assert_eq!(target("consultant_tasks"), Some((60, 30)));
    }

    #[test]
    fn cases_in_treatment_count_those_active_at_any_time_in_the_period() {
        let event = |kind: &str, outcome: Option<&str>, at| {
            (kind.to_owned(), outcome.map(str::to_owned), at)
        };
        let treatment = vec![
            event("activated", None, 10),
            event("closed", Some("active"), 20),
            event("activated", None, 30),
            event("closed", Some("pending"), 35),
            event("activated", None, 50),
        ];
        assert_eq!(cases_in_treatment(&treatment, 25, 40), 1);
        assert_eq!(cases_in_treatment(&treatment, 15, 40), 2);
        assert_eq!(cases_in_treatment(&treatment, 60, 60), 2, "active at 60");
    }
}
