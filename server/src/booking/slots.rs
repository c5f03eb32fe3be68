//! Free times from counsellors' availability, in Copenhagen wall-clock time.
//!
//! A counsellor publishes weekly hours ("Tuesday 15:00–18:00") plus
//! exceptions on single dates: extra hours, or an absence that removes
//! hours (a whole day off is an absence 00:00–24:00). Times are offered on
//! a grid of `cell_minutes` from local midnight; since Copenhagen's offsets
//! are whole hours, the grid is the same in UTC, and a booking's cells are
//! plain instants.
//!
//! Daylight saving follows [`crate::hours`]: each date's ranges become
//! instants with that date's rules. A start whose wall-clock time does not
//! exist (the spring gap) is not offered; in the autumn fold a start takes
//! the earlier instant. A talk must end by the instant its range ends, so
//! its real length is always the type's length.

use crate::hours::{Edge, local_parts, local_to_ms};
use chrono::{DateTime, Datelike, Days, NaiveDate};
use chrono_tz::Europe::Copenhagen;
use std::collections::BTreeSet;

/// A range of local minutes on one date (end exclusive, 1440 = midnight).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Minutes {
    /// From.
    pub start: u16,
    /// Until.
    pub end: u16,
}

impl Minutes {
    /// A valid range, or `None`.
    pub fn new(start: u16, end: u16) -> Option<Minutes> {
        (start < end && end <= 1440).then_some(Minutes { start, end })
    }
}

/// One counsellor's published availability.
#[derive(Clone, Debug, Default)]
pub struct Availability {
    /// Weekly hours: (weekday 0 = Monday, range).
    pub weekly: Vec<(u8, Minutes)>,
    /// Exceptions: (date, range, available). `false` removes hours.
    pub exceptions: Vec<(NaiveDate, Minutes, bool)>,
}

impl Availability {
    /// The ranges a counsellor is available on `date`: weekly hours and extra
    /// hours, minus absences, merged and sorted.
    pub fn ranges_on(&self, date: NaiveDate) -> Vec<Minutes> {
        let weekday = date.weekday().num_days_from_monday() as u8;
        let mut minutes = [false; 1440];
        let mut mark = |range: Minutes, value: bool| {
            for slot in &mut minutes[usize::from(range.start)..usize::from(range.end)] {
                *slot = value;
            }
        };
        for &(day, range) in &self.weekly {
            if day == weekday {
                mark(range, true);
            }
        }
        for &(day, range, available) in &self.exceptions {
            if day == date && available {
                mark(range, true);
            }
        }
        for &(day, range, available) in &self.exceptions {
            if day == date && !available {
                mark(range, false);
            }
        }
        let mut ranges = Vec::new();
        let mut start = None;
        for (minute, &on) in minutes.iter().enumerate() {
            match (on, start) {
                (true, None) => start = Some(minute as u16),
                (false, Some(from)) => {
                    ranges.push(Minutes {
                        start: from,
                        end: minute as u16,
                    });
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(from) = start {
            ranges.push(Minutes {
                start: from,
                end: 1440,
            });
        }
        ranges
    }
}

/// The Copenhagen date at an instant.
pub fn local_date(ms: i64) -> Option<NaiveDate> {
    Some(
        DateTime::from_timestamp_millis(ms)?
            .with_timezone(&Copenhagen)
            .date_naive(),
    )
}

/// The start instants (Unix ms) at which a talk of `minutes` fits inside
/// `availability` and none of its cells is in `busy`, from `from_ms`
/// (inclusive) to `to_ms` (exclusive), in order.
pub fn free_starts(
    availability: &Availability,
    busy: &BTreeSet<i64>,
    from_ms: i64,
    to_ms: i64,
    minutes: u16,
    cell_minutes: u16,
) -> Vec<i64> {
    let mut starts = Vec::new();
    let (Some(mut date), Some(last)) = (local_date(from_ms), local_date(to_ms)) else {
        return starts;
    };
    let cell_ms = i64::from(cell_minutes.max(1)) * 60_000;
    let length_ms = i64::from(minutes) * 60_000;
    while date <= last {
        for range in availability.ranges_on(date) {
            let Some(range_end) = local_to_ms(date, range.end, Edge::End) else {
                continue;
            };
            // Times sit on the grid from local midnight.
            let first = range.start.div_ceil(cell_minutes.max(1)) * cell_minutes.max(1);
            let mut minute = first;
            while minute + minutes <= range.end {
                if let Some(start) = local_to_ms(date, minute, Edge::Start)
                    && shows(start, minute)
                    && start >= from_ms
                    && start < to_ms
                    && start + length_ms <= range_end
                    && cells(start, length_ms, cell_ms).all(|cell| !busy.contains(&cell))
                {
                    starts.push(start);
                }
                minute += cell_minutes.max(1);
            }
        }
        let Some(next) = date.checked_add_days(Days::new(1)) else {
            break;
        };
        date = next;
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// Whether the wall clock at `ms` shows `minute` (false inside the spring
/// gap, where [`local_to_ms`] moved the time on).
fn shows(ms: i64, minute: u16) -> bool {
    local_parts(ms).is_some_and(|t| u16::from(t.hour) * 60 + u16::from(t.minute) == minute)
}

/// The grid cells a talk from `start` lasting `length_ms` occupies.
pub fn cells(start: i64, length_ms: i64, cell_ms: i64) -> impl Iterator<Item = i64> {
    let count = (length_ms + cell_ms - 1) / cell_ms.max(1);
    (0..count).map(move |i| start + i * cell_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDateTime, TimeZone};

    fn utc(text: &str) -> i64 {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
            .expect("a date-time")
            .and_utc()
            .timestamp_millis()
    }

    fn copenhagen(text: &str) -> i64 {
        let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("a date-time");
        Copenhagen
            .from_local_datetime(&naive)
            .earliest()
            .expect("exists")
            .timestamp_millis()
    }

    fn sundays_one_to_four() -> Availability {
        Availability {
            weekly: vec![(6, Minutes::new(60, 240).expect("range"))],
            exceptions: vec![],
        }
    }

    #[test]
    fn a_winter_afternoon_is_offered_in_copenhagen_time() {
        let tuesdays = Availability {
            weekly: vec![(1, Minutes::new(15 * 60, 17 * 60).expect("range"))],
            exceptions: vec![],
        };
        // Tuesday 1 December 2026: Copenhagen is UTC+1.
        let starts = free_starts(
            &tuesdays,
            &BTreeSet::new(),
            utc("2026-11-30 00:00"),
            utc("2026-12-02 00:00"),
            60,
            30,
        );
        assert_eq!(
            starts,
            vec![
                utc("2026-12-01 14:00"),
                utc("2026-12-01 14:30"),
                utc("2026-12-01 15:00")
            ]
        );
    }

    #[test]
    fn the_spring_gap_offers_no_time_that_does_not_exist() {
        // Sunday 29 March 2026, 02:00 → 03:00.
        let starts = free_starts(
            &sundays_one_to_four(),
            &BTreeSet::new(),
            utc("2026-03-28 00:00"),
            utc("2026-03-30 00:00"),
            60,
            30,
        );
        // 01:00 and 01:30 CET, then 03:00 CEST; 01:30 + 1 h = 03:30 CEST fits,
        // 03:30 + 1 h = 04:30 does not.
        assert_eq!(
            starts,
            vec![
                copenhagen("2026-03-29 01:00"),
                copenhagen("2026-03-29 01:30"),
                copenhagen("2026-03-29 03:00"),
            ]
        );
        for start in &starts {
            assert!(start + 3_600_000 <= copenhagen("2026-03-29 04:00"));
        }
    }

    #[test]
    fn the_autumn_fold_keeps_every_talk_its_real_length() {
        // Sunday 25 October 2026, 03:00 → 02:00: the range 01:00–04:00 lasts
        // four real hours.
        let starts = free_starts(
            &sundays_one_to_four(),
            &BTreeSet::new(),
            utc("2026-10-24 00:00"),
            utc("2026-10-26 00:00"),
            60,
            30,
        );
        assert_eq!(starts.first(), Some(&utc("2026-10-24 23:00")));
        let end = utc("2026-10-25 03:00");
        assert!(starts.iter().all(|s| s + 3_600_000 <= end));
        // Every wall-clock half hour from 01:00 to 03:00 is offered once.
        assert_eq!(starts.len(), 5);
        assert_eq!(starts.last(), Some(&utc("2026-10-25 02:00")));
    }

    #[test]
    fn a_summer_week_is_offered_an_hour_earlier_in_utc() {
        let mondays = Availability {
            weekly: vec![(0, Minutes::new(9 * 60, 10 * 60).expect("range"))],
            exceptions: vec![],
        };
        let winter = free_starts(
            &mondays,
            &BTreeSet::new(),
            utc("2026-03-23 00:00"),
            utc("2026-03-24 00:00"),
            60,
            30,
        );
        let summer = free_starts(
            &mondays,
            &BTreeSet::new(),
            utc("2026-03-30 00:00"),
            utc("2026-03-31 00:00"),
            60,
            30,
        );
        assert_eq!(winter, vec![utc("2026-03-23 08:00")]);
        assert_eq!(summer, vec![utc("2026-03-30 07:00")]);
    }

    #[test]
    fn busy_cells_absences_and_extra_hours_shape_the_offer() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        let mut availability = Availability {
            weekly: vec![(1, Minutes::new(10 * 60, 12 * 60).expect("range"))],
            exceptions: vec![
                (date, Minutes::new(11 * 60, 12 * 60).expect("range"), false),
                (date, Minutes::new(16 * 60, 17 * 60).expect("range"), true),
            ],
        };
        let from = utc("2026-12-01 00:00");
        let to = utc("2026-12-02 00:00");
        let busy: BTreeSet<i64> = [utc("2026-12-01 09:30")].into();
        assert_eq!(
            free_starts(&availability, &busy, from, to, 30, 30),
            vec![
                utc("2026-12-01 09:00"),
                utc("2026-12-01 15:00"),
                utc("2026-12-01 15:30")
            ]
        );
        // A whole day off.
        availability.exceptions = vec![(date, Minutes::new(0, 1440).expect("range"), false)];
        assert!(free_starts(&availability, &busy, from, to, 30, 30).is_empty());
    }

    #[test]
    fn a_talk_occupies_whole_cells() {
        assert_eq!(
            cells(0, 3_600_000, 1_800_000).collect::<Vec<_>>(),
            vec![0, 1_800_000]
        );
        assert_eq!(cells(0, 1_800_000, 1_800_000).count(), 1);
    }
}
