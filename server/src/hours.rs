//! Opening hours of the chat: a weekly schedule plus closed dates, in
//! Copenhagen local time.
//!
//! Counsellors are on duty at set hours. Outside them the front door must say
//! that the chat is closed and, so that nobody is left without an answer,
//! *when* it opens next. The schedule is written the way staff and young
//! people think of it, as Danish wall-clock times ("Monday 14:00–20:00"),
//! never as UTC: the same opening is 13:00 UTC in winter and 12:00 UTC in
//! summer, and a schedule kept in UTC would silently move by an hour twice a
//! year.
//!
//! # Configuration
//!
//! The `[opening_hours]` table of the configuration file is read into
//! [`OpeningHoursConfig`] and checked by [`OpeningHours::from_config`]:
//!
//! ```toml
//! [opening_hours]
//! # weekday keys mon..sun; each a list of "HH:MM-HH:MM" ranges in Copenhagen local time
//! mon = ["14:00-20:00"]
//! tue = ["14:00-20:00"]
//! wed = ["14:00-20:00"]
//! thu = ["14:00-20:00"]
//! fri = ["12:00-16:00"]
//! sat = []
//! sun = []
//! closed = ["2026-12-24", "2026-12-25", "2026-12-31"]   # whole local dates closed
//! ```
//!
//! - Every key is optional. A missing weekday keeps its default (the table
//!   above without the closed dates); write `sat = []` to close a day.
//!   Unknown keys (a typo such as `monday`) are rejected rather than ignored,
//!   because an ignored typo would quietly leave the default hours in place.
//! - A range is `"HH:MM-HH:MM"` (an en dash `–` is accepted too). `24:00` is
//!   allowed as an end and means the end of the day.
//! - A range may **not** cross midnight: split `"22:00-02:00"` into
//!   `"22:00-24:00"` on one day and `"00:00-02:00"` on the next. The two halves
//!   are treated as one continuous opening (see
//!   [`OpeningHours::current_window_end`]), so nothing is lost by splitting.
//!   Keeping every range inside its own date means a closed date closes
//!   exactly that date, and each range belongs to one weekday.
//! - Ranges of one day may touch (`"10:00-12:00", "12:00-14:00"`, merged into
//!   one) but not overlap: an overlap is almost always a typing mistake.
//! - `closed` lists whole local dates (`"YYYY-MM-DD"`) on which the chat is
//!   closed all day whatever the weekday says.
//!
//! # Daylight saving
//!
//! Ranges are turned into instants separately on every date, with the
//! Europe/Copenhagen rules of that date (from the tz database compiled into
//! `chrono-tz`). Two local days a year need a rule of their own:
//!
//! - **Spring gap** (last Sunday of March): the clock jumps from 02:00 to 03:00,
//!   so 02:00–02:59 do not exist. A start or end time inside the gap is moved
//!   to the end of the gap, the first moment the wall clock shows a time at or
//!   after it: a range `02:30-05:00` opens at 03:00. A range wholly inside the
//!   gap (`02:10-02:50`) is empty that day and is skipped.
//! - **Autumn fold** (last Sunday of October): the clock goes back from 03:00 to
//!   02:00, so 02:00–02:59 happen twice. A start takes the *earlier* instant and
//!   an end the *later* one, so the chat is open at every moment at which the
//!   wall clock shows a time within the range, and an opening is never cut
//!   short by the clock change.
//!
//! # Times in the API
//!
//! Instants are Unix milliseconds (`i64`), the way the rest of the server keeps
//! time, so callers need no date-time types. [`local_parts`] and
//! [`format_opening`] turn an instant into Copenhagen wall-clock parts or a
//! Danish/English phrase for the page. Instants that no calendar can hold
//! (hundreds of thousands of years away) count as closed.

use std::collections::BTreeSet;

use chrono::offset::LocalResult;
use chrono::{
    DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeDelta, TimeZone, Timelike, Weekday,
};
use chrono_tz::Europe::Copenhagen;

/// How many days ahead [`OpeningHours::next_opening`] and
/// [`OpeningHours::current_window_end`] look. Long enough to get past
/// Christmas, Easter and a summer break of a few weeks; a longer closure
/// shows as "no opening known" rather than costing a search through years.
pub const SEARCH_DAYS: u32 = 60;

/// Minutes in a calendar day; also the value of the end time `24:00`.
const MINUTES_PER_DAY: u16 = 24 * 60;

/// The weekday keys of the configuration, Monday first (index = weekday).
const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

const DA_WEEKDAYS: [&str; 7] = [
    "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
];
const EN_WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const DA_MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The `[opening_hours]` table as written in the configuration file (and
/// on the coordinator's settings page): defined with the wire protocol so
/// the console edits the very type the server checks.
pub use app::protocol::console::OpeningHoursConfig;

/// Why the `[opening_hours]` table was refused. Each variant names the key
/// (`mon`…`sun` or `closed`) and the text as written, so the message points
/// straight at the line to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    /// A range that is not two valid `HH:MM` times joined by `-`.
    #[error(
        "opening_hours.{day}: \"{range}\" is not a valid time range: {reason} (write \"HH:MM-HH:MM\", e.g. \"14:00-20:00\")"
    )]
    BadRange {
        /// The weekday key, `mon`…`sun`.
        day: &'static str,
        /// The range as written.
        range: String,
        /// What is wrong, in words.
        reason: String,
    },
    /// A range whose end is not after its start (also what a range crossing
    /// midnight looks like).
    #[error(
        "opening_hours.{day}: \"{range}\" does not end after it starts; a range cannot cross midnight, so split it into \"…-24:00\" on this day and \"00:00-…\" on the next"
    )]
    EndNotAfterStart {
        /// The weekday key, `mon`…`sun`.
        day: &'static str,
        /// The range as written.
        range: String,
    },
    /// Two ranges of the same day that share some time.
    #[error("opening_hours.{day}: the ranges \"{first}\" and \"{second}\" overlap")]
    Overlapping {
        /// The weekday key, `mon`…`sun`.
        day: &'static str,
        /// The earlier-starting range as written.
        first: String,
        /// The range that starts before `first` ends, as written.
        second: String,
    },
    /// A closed date that is not a real `YYYY-MM-DD` date.
    #[error(
        "opening_hours.closed: \"{date}\" is not a valid date: {reason} (write \"YYYY-MM-DD\", e.g. \"2026-12-24\")"
    )]
    BadDate {
        /// The date as written.
        date: String,
        /// What is wrong, in words.
        reason: &'static str,
    },
}

/// One opening on a local date: minutes after local midnight, `start < end`,
/// `end <= 1440` (24:00).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct DayRange {
    start: u16,
    end: u16,
}

/// An opening as instants: `[start, end)` in Unix milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    start: i64,
    end: i64,
}

impl Window {
    fn contains(self, ms: i64) -> bool {
        self.start <= ms && ms < self.end
    }
}

/// Which instant to take for a wall-clock time the clock shows twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Edge {
    /// The earlier instant: open from the first time the clock shows it.
    Start,
    /// The later instant: open until the last time the clock shows it.
    End,
}

/// A validated schedule. Build it with [`OpeningHours::from_config`] (or
/// [`OpeningHours::default`]); ask it about instants given as Unix
/// milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningHours {
    /// Monday first; each day's ranges sorted, non-overlapping, non-touching.
    week: [Vec<DayRange>; 7],
    /// Local dates closed all day.
    closed: BTreeSet<NaiveDate>,
}

impl Default for OpeningHours {
    /// Monday–Thursday 14:00–20:00, Friday 12:00–16:00, weekends closed: the
    /// schedule of [`OpeningHoursConfig::default`], built without parsing.
    fn default() -> Self {
        let weekday = || {
            vec![DayRange {
                start: 14 * 60,
                end: 20 * 60,
            }]
        };
        OpeningHours {
            week: [
                weekday(),
                weekday(),
                weekday(),
                weekday(),
                vec![DayRange {
                    start: 12 * 60,
                    end: 16 * 60,
                }],
                Vec::new(),
                Vec::new(),
            ],
            closed: BTreeSet::new(),
        }
    }
}

impl OpeningHours {
    /// Checks the configuration and builds the schedule. Fails on the first
    /// bad range or date, saying which key and text and why.
    pub fn from_config(config: &OpeningHoursConfig) -> Result<OpeningHours, HoursError> {
        let days: [&[String]; 7] = [
            &config.mon,
            &config.tue,
            &config.wed,
            &config.thu,
            &config.fri,
            &config.sat,
            &config.sun,
        ];
        let mut week: [Vec<DayRange>; 7] = Default::default();
        for ((slot, key), texts) in week.iter_mut().zip(DAY_KEYS).zip(days) {
            *slot = parse_day(key, texts)?;
        }
        let closed = config
            .closed
            .iter()
            .map(|text| parse_date(text))
            .collect::<Result<BTreeSet<_>, _>>()?;
        Ok(OpeningHours { week, closed })
    }

    /// Whether a local date is listed as closed all day (a bank holiday,
    /// a staff day): the letters' promised answer does not count it.
    pub fn is_closed_date(&self, date: NaiveDate) -> bool {
        self.closed.contains(&date)
    }

    /// Whether the chat is open at `now_ms`. Openings are half-open: open at
    /// the opening instant, closed at the closing instant.
    pub fn is_open(&self, now_ms: i64) -> bool {
        self.windows_around(now_ms, 1)
            .is_some_and(|(windows, _)| windows.iter().any(|w| w.contains(now_ms)))
    }

    /// While open: the instant it closes. Openings that follow each other
    /// without a break (`"20:00-24:00"` on Monday and `"00:00-02:00"` on
    /// Tuesday) count as one, so this is when the chat really closes, not
    /// merely midnight. `None` when closed at `now_ms`, or when it stays
    /// open beyond [`SEARCH_DAYS`].
    pub fn current_window_end(&self, now_ms: i64) -> Option<i64> {
        let (windows, horizon) = self.windows_around(now_ms, SEARCH_DAYS)?;
        let window = windows.iter().find(|w| w.contains(now_ms))?;
        (window.end < horizon).then_some(window.end)
    }

    /// The next instant, strictly after `now_ms`, at which the chat goes from
    /// closed to open, looking [`SEARCH_DAYS`] days ahead; `None` if it does not
    /// open in that time. Meant for when it is closed; while it is open this
    /// is the re-opening after the current opening ends.
    pub fn next_opening(&self, now_ms: i64) -> Option<i64> {
        let (windows, _) = self.windows_around(now_ms, SEARCH_DAYS)?;
        windows
            .iter()
            .map(|w| w.start)
            .find(|&start| start > now_ms)
    }

    /// The week as rows for an "opening hours" table: consecutive days with
    /// the same ranges share a row (`("Mandag–torsdag", "14:00–20:00")`), a
    /// day without ranges reads "Lukket"/"Closed", several ranges are joined
    /// with ", ". The week starts on Monday; closed dates are not included.
    pub fn weekly_summary(&self, danish: bool) -> Vec<(String, String)> {
        // (first weekday, last weekday, ranges) of each run of equal days.
        let mut runs: Vec<(usize, usize, &[DayRange])> = Vec::new();
        for (index, ranges) in self.week.iter().enumerate() {
            match runs.last_mut() {
                Some((_, last, run_ranges)) if *run_ranges == ranges.as_slice() => *last = index,
                _ => runs.push((index, index, ranges)),
            }
        }
        runs.into_iter()
            .map(|(first, last, ranges)| {
                let first_name = capitalised(weekday_name(first, danish));
                let label = if first == last {
                    first_name
                } else {
                    format!("{first_name}–{}", weekday_name(last, danish))
                };
                let hours = if ranges.is_empty() {
                    if danish { "Lukket" } else { "Closed" }.to_owned()
                } else {
                    ranges
                        .iter()
                        .map(|r| format!("{}–{}", clock(r.start), clock(r.end)))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                (label, hours)
            })
            .collect()
    }

    /// The ranges configured for a weekday.
    fn ranges_on(&self, weekday: Weekday) -> &[DayRange] {
        self.week
            .get(weekday.num_days_from_monday() as usize)
            .map_or(&[], Vec::as_slice)
    }

    /// The openings from the local day before `now_ms` through `days_ahead`
    /// days after it, as sorted instants with touching or overlapping ones
    /// merged, and the instant at which that stretch of days ends. Yesterday
    /// is included so an opening that ends exactly at midnight joins one
    /// that starts then.
    fn windows_around(&self, now_ms: i64, days_ahead: u32) -> Option<(Vec<Window>, i64)> {
        let today = local_date(now_ms)?;
        let first = today.pred_opt().unwrap_or(today);
        let day_count = u64::from(days_ahead) + 2;
        let horizon = first
            .checked_add_days(Days::new(day_count))
            .and_then(|after| local_to_ms(after, 0, Edge::Start))
            .unwrap_or(i64::MAX);

        let mut raw = Vec::new();
        for date in first.iter_days().take(usize::try_from(day_count).ok()?) {
            if self.closed.contains(&date) {
                continue;
            }
            for range in self.ranges_on(date.weekday()) {
                let start = local_to_ms(date, range.start, Edge::Start);
                let end = local_to_ms(date, range.end, Edge::End);
                match (start, end) {
                    // An end not after the start: a range inside the spring gap.
                    (Some(start), Some(end)) if end > start => raw.push(Window { start, end }),
                    _ => {}
                }
            }
        }
        raw.sort_by_key(|w| w.start);

        let mut merged: Vec<Window> = Vec::with_capacity(raw.len());
        for window in raw {
            match merged.last_mut() {
                // Touching (midnight) or overlapping (autumn fold): one opening.
                Some(last) if window.start <= last.end => last.end = last.end.max(window.end),
                _ => merged.push(window),
            }
        }
        Some((merged, horizon))
    }
}

/// An instant as Copenhagen wall-clock parts, for callers that build their
/// own text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalTime {
    /// The year, e.g. 2026.
    pub year: i32,
    /// 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
}

/// The Copenhagen wall-clock time at `ms`; `None` only for an instant outside
/// the calendar's range (hundreds of thousands of years away).
pub fn local_parts(ms: i64) -> Option<LocalTime> {
    let local = DateTime::from_timestamp_millis(ms)?.with_timezone(&Copenhagen);
    Some(LocalTime {
        year: local.year(),
        month: u8::try_from(local.month()).ok()?,
        day: u8::try_from(local.day()).ok()?,
        weekday: u8::try_from(local.weekday().num_days_from_monday()).ok()?,
        hour: u8::try_from(local.hour()).ok()?,
        minute: u8::try_from(local.minute()).ok()?,
    })
}

/// When the chat opens, said the way a person would, in Copenhagen time and
/// relative to `now_ms`: "i dag kl. 14:00" / "today at 14:00",
/// "i morgen kl. 14:00" / "tomorrow at 14:00", otherwise
/// "tirsdag 1. december kl. 14:00" / "Tuesday 1 December at 14:00". "Today"
/// and "tomorrow" are Copenhagen dates, not UTC ones (00:30 on a Tuesday is
/// still Monday in UTC). The year is added only when the date is more than
/// half a year from now. An instant outside the calendar gives an empty
/// string.
pub fn format_opening(ms: i64, now_ms: i64, danish: bool) -> String {
    let (Some(at), Some(today)) = (
        DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&Copenhagen)),
        local_date(now_ms),
    ) else {
        return String::new();
    };
    let time = format!("{:02}:{:02}", at.hour(), at.minute());
    let days_away = at.date_naive().signed_duration_since(today).num_days();
    match (days_away, danish) {
        (0, true) => format!("i dag kl. {time}"),
        (0, false) => format!("today at {time}"),
        (1, true) => format!("i morgen kl. {time}"),
        (1, false) => format!("tomorrow at {time}"),
        _ => {
            let weekday = weekday_name(at.weekday().num_days_from_monday() as usize, danish);
            let month = month_name(at.month0() as usize, danish);
            let day = at.day();
            let year = if days_away.abs() > 183 {
                format!(" {}", at.year())
            } else {
                String::new()
            };
            if danish {
                format!("{weekday} {day}. {month}{year} kl. {time}")
            } else {
                format!("{weekday} {day} {month}{year} at {time}")
            }
        }
    }
}

/// The Copenhagen date at `ms`.
fn local_date(ms: i64) -> Option<NaiveDate> {
    Some(
        DateTime::from_timestamp_millis(ms)?
            .with_timezone(&Copenhagen)
            .date_naive(),
    )
}

/// The instant at which the Copenhagen wall clock shows `minute` minutes
/// after midnight on `date` (1440 = the next midnight). Applies the daylight
/// saving rules of the module doc: inside the spring gap, the end of the gap
/// (found by stepping a minute at a time to the first time that exists;
/// Copenhagen's changes fall on whole hours); inside the autumn fold, the
/// earlier instant for [`Edge::Start`] and the later for [`Edge::End`].
pub(crate) fn local_to_ms(date: NaiveDate, minute: u16, edge: Edge) -> Option<i64> {
    let (date, minute) = if minute >= MINUTES_PER_DAY {
        (date.succ_opt()?, minute - MINUTES_PER_DAY)
    } else {
        (date, minute)
    };
    let time = NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)?;
    let step = TimeDelta::try_minutes(1)?;
    let mut local = date.and_time(time);
    // A gap is at most a day long anywhere; in Copenhagen it is one hour.
    for _ in 0..=MINUTES_PER_DAY {
        match Copenhagen.from_local_datetime(&local) {
            LocalResult::Single(instant) => return Some(instant.timestamp_millis()),
            LocalResult::Ambiguous(earlier, later) => {
                let instant = match edge {
                    Edge::Start => earlier,
                    Edge::End => later,
                };
                return Some(instant.timestamp_millis());
            }
            LocalResult::None => local = local.checked_add_signed(step)?,
        }
    }
    None
}

/// Parses one weekday's ranges: each valid, none overlapping; touching ones
/// merged; sorted by start.
fn parse_day(day: &'static str, texts: &[String]) -> Result<Vec<DayRange>, HoursError> {
    let mut parsed = texts
        .iter()
        .map(|text| parse_range(day, text).map(|range| (range, text.trim())))
        .collect::<Result<Vec<_>, _>>()?;
    parsed.sort_by_key(|&(range, _)| range);

    let mut ranges: Vec<DayRange> = Vec::with_capacity(parsed.len());
    let mut previous: Option<(DayRange, &str)> = None;
    for (range, text) in parsed {
        if let Some((before, before_text)) = previous {
            // Sorted and so far disjoint: only the previous range can overlap.
            if range.start < before.end {
                return Err(HoursError::Overlapping {
                    day,
                    first: before_text.to_owned(),
                    second: text.to_owned(),
                });
            }
        }
        match ranges.last_mut() {
            Some(last) if last.end == range.start => last.end = range.end,
            _ => ranges.push(range),
        }
        previous = Some((range, text));
    }
    Ok(ranges)
}

/// Parses `"HH:MM-HH:MM"` (or with an en dash), surrounding spaces allowed.
fn parse_range(day: &'static str, text: &str) -> Result<DayRange, HoursError> {
    let bad = |reason: String| HoursError::BadRange {
        day,
        range: text.trim().to_owned(),
        reason,
    };
    let (start, end) = text
        .trim()
        .split_once(['-', '–'])
        .ok_or_else(|| bad("there is no \"-\" between a start and an end".to_owned()))?;
    let start = parse_clock(start.trim()).map_err(bad)?;
    let end = parse_clock(end.trim()).map_err(bad)?;
    if start >= MINUTES_PER_DAY {
        return Err(bad("24:00 can only end a range".to_owned()));
    }
    if end <= start {
        return Err(HoursError::EndNotAfterStart {
            day,
            range: text.trim().to_owned(),
        });
    }
    Ok(DayRange { start, end })
}

/// Parses `"HH:MM"` (two digits each) into minutes after midnight; `"24:00"`
/// gives 1440.
fn parse_clock(text: &str) -> Result<u16, String> {
    let &[h1, h2, b':', m1, m2] = text.as_bytes() else {
        return Err(format!("\"{text}\" is not a time written HH:MM"));
    };
    if ![h1, h2, m1, m2].iter().all(u8::is_ascii_digit) {
        return Err(format!("\"{text}\" is not a time written HH:MM"));
    }
    let hour = u16::from(h1 - b'0') * 10 + u16::from(h2 - b'0');
    let minute = u16::from(m1 - b'0') * 10 + u16::from(m2 - b'0');
    match (hour, minute) {
        (24, 0) => Ok(MINUTES_PER_DAY),
        (24.., _) => Err(format!(
            "hour {hour:02} does not exist (00–23, or 24:00 to end a range)"
        )),
        (_, 60..) => Err(format!("minute {minute:02} does not exist (00–59)")),
        _ => Ok(hour * 60 + minute),
    }
}

/// Parses a closed date written `"YYYY-MM-DD"` exactly.
fn parse_date(text: &str) -> Result<NaiveDate, HoursError> {
    let bad = |reason| HoursError::BadDate {
        date: text.trim().to_owned(),
        reason,
    };
    let bytes = text.trim().as_bytes();
    let &[y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = bytes else {
        return Err(bad("not written YYYY-MM-DD"));
    };
    let digits = [y1, y2, y3, y4, m1, m2, d1, d2];
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad("not written YYYY-MM-DD"));
    }
    let number = |ds: &[u8]| ds.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
    let year = i32::try_from(number(&[y1, y2, y3, y4])).map_err(|_| bad("year out of range"))?;
    NaiveDate::from_ymd_opt(year, number(&[m1, m2]), number(&[d1, d2]))
        .ok_or_else(|| bad("there is no such day in the calendar"))
}

/// Minutes after midnight as `"HH:MM"` (1440 as `"24:00"`).
fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The weekday's name, 0 = Monday: lower-case Danish or capitalised English,
/// as each language writes it mid-sentence.
pub(crate) fn weekday_name(index: usize, danish: bool) -> &'static str {
    let names = if danish { &DA_WEEKDAYS } else { &EN_WEEKDAYS };
    names.get(index).copied().unwrap_or_default()
}

/// The month's name, 0 = January, written as [`weekday_name`] writes days.
pub(crate) fn month_name(index0: usize, danish: bool) -> &'static str {
    let names = if danish { &DA_MONTHS } else { &EN_MONTHS };
    names.get(index0).copied().unwrap_or_default()
}

/// The text with its first letter in upper case ("mandag" → "Mandag"), for
/// the start of a table cell.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What a page shows about the chat's hours at `now_ms`, in both languages.
pub fn chat_hours(hours: &OpeningHours, now_ms: i64) -> app::service::ChatHours {
    use app::service::Localized;
    let open_now = hours.is_open(now_ms);
    let closes_at = open_now
        .then(|| hours.current_window_end(now_ms))
        .flatten()
        .and_then(local_parts)
        .map(|t| format!("{:02}:{:02}", t.hour, t.minute));
    let next_opening = (!open_now)
        .then(|| hours.next_opening(now_ms))
        .flatten()
        .map(|at| Localized {
            da: format_opening(at, now_ms, true),
            en: format_opening(at, now_ms, false),
        });
    let weekly = hours
        .weekly_summary(true)
        .into_iter()
        .zip(hours.weekly_summary(false))
        .map(|((day_da, time_da), (day_en, time_en))| {
            (
                Localized {
                    da: day_da,
                    en: day_en,
                },
                Localized {
                    da: time_da,
                    en: time_en,
                },
            )
        })
        .collect();
    app::service::ChatHours {
        open_now,
        closes_at,
        next_opening,
        weekly,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// A UTC instant in Unix milliseconds.
    fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> i64 {
        NaiveDate::from_ymd_opt(year, month, day)
            .and_then(|date| date.and_hms_opt(hour, minute, 0))
            .expect("a valid test date")
            .and_utc()
            .timestamp_millis()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    /// The default schedule changed by `change`, which must stay valid.
    fn hours(change: impl FnOnce(&mut OpeningHoursConfig)) -> OpeningHours {
        let mut config = OpeningHoursConfig::default();
        change(&mut config);
        OpeningHours::from_config(&config).expect("a valid test schedule")
    }

    /// Only the given days open (all others closed).
    fn only(days: &[(&str, &[&str])]) -> OpeningHours {
        hours(|c| {
            for day in [
                &mut c.mon, &mut c.tue, &mut c.wed, &mut c.thu, &mut c.fri, &mut c.sat, &mut c.sun,
            ] {
                day.clear();
            }
            for (key, ranges) in days {
                let slot = match *key {
                    "mon" => &mut c.mon,
                    "tue" => &mut c.tue,
                    "wed" => &mut c.wed,
                    "thu" => &mut c.thu,
                    "fri" => &mut c.fri,
                    "sat" => &mut c.sat,
                    "sun" => &mut c.sun,
                    other => panic!("no weekday {other}"),
                };
                *slot = strings(ranges);
            }
        })
    }

    fn error(change: impl FnOnce(&mut OpeningHoursConfig)) -> HoursError {
        let mut config = OpeningHoursConfig::default();
        change(&mut config);
        OpeningHours::from_config(&config).expect_err("the schedule should be refused")
    }

    #[test]
    fn default_config_gives_default_schedule() {
        assert_eq!(
            OpeningHours::from_config(&OpeningHoursConfig::default()),
            Ok(OpeningHours::default())
        );
    }

    #[test]
    fn same_local_time_is_an_hour_earlier_in_utc_in_summer() {
        let h = OpeningHours::default();
        // Monday 23 March 2026, CET (UTC+1): 14:00 local is 13:00 UTC.
        assert_eq!(
            h.next_opening(utc(2026, 3, 23, 8, 0)),
            Some(utc(2026, 3, 23, 13, 0))
        );
        assert!(!h.is_open(utc(2026, 3, 23, 12, 30)));
        assert_eq!(
            h.current_window_end(utc(2026, 3, 23, 13, 30)),
            Some(utc(2026, 3, 23, 19, 0))
        );
        // Monday 30 March 2026, CEST (UTC+2): 14:00 local is 12:00 UTC.
        assert_eq!(
            h.next_opening(utc(2026, 3, 30, 8, 0)),
            Some(utc(2026, 3, 30, 12, 0))
        );
        assert!(h.is_open(utc(2026, 3, 30, 12, 30)));
        assert_eq!(
            h.current_window_end(utc(2026, 3, 30, 12, 30)),
            Some(utc(2026, 3, 30, 18, 0))
        );
    }

    #[test]
    fn open_and_closed_at_the_boundaries() {
        let h = OpeningHours::default();
        // Wednesday 14 January 2026, 14:00–20:00 CET = 13:00–19:00 UTC.
        let opens = utc(2026, 1, 14, 13, 0);
        let closes = utc(2026, 1, 14, 19, 0);
        assert!(!h.is_open(opens - 1));
        assert!(h.is_open(opens));
        assert!(h.is_open(closes - 1));
        assert!(!h.is_open(closes));
        assert_eq!(h.next_opening(opens - 1), Some(opens));
        assert_eq!(h.current_window_end(opens - 1), None);
        assert_eq!(h.current_window_end(opens), Some(closes));
        assert_eq!(h.current_window_end(closes - 1), Some(closes));
        assert_eq!(h.current_window_end(closes), None);
        // After closing, and also while open: the next opening is Thursday's.
        assert_eq!(h.next_opening(closes), Some(utc(2026, 1, 15, 13, 0)));
        assert_eq!(h.next_opening(opens), Some(utc(2026, 1, 15, 13, 0)));
    }

    #[test]
    fn next_opening_skips_the_weekend() {
        let h = OpeningHours::default();
        // Friday 6 March 2026 closes 16:00 CET = 15:00 UTC.
        let friday_close = utc(2026, 3, 6, 15, 0);
        assert!(h.is_open(friday_close - 1));
        assert!(!h.is_open(friday_close));
        assert!(!h.is_open(utc(2026, 3, 7, 14, 0)));
        assert!(!h.is_open(utc(2026, 3, 8, 14, 0)));
        assert_eq!(h.next_opening(friday_close), Some(utc(2026, 3, 9, 13, 0)));
        assert_eq!(
            h.next_opening(utc(2026, 3, 8, 12, 0)),
            Some(utc(2026, 3, 9, 13, 0))
        );
    }

    #[test]
    fn closed_dates_are_closed_and_skipped() {
        let h = hours(|c| c.closed = strings(&["2026-12-24", "2026-12-25", "2026-12-31"]));
        // Wednesday 23 December is an ordinary day.
        assert!(h.is_open(utc(2026, 12, 23, 14, 0)));
        // Thursday 24 December would be open at 15:00 CET but is closed.
        assert!(!h.is_open(utc(2026, 12, 24, 14, 0)));
        assert_eq!(h.current_window_end(utc(2026, 12, 24, 14, 0)), None);
        // From Wednesday's closing: Thu and Fri closed, then the weekend.
        assert_eq!(
            h.next_opening(utc(2026, 12, 23, 19, 0)),
            Some(utc(2026, 12, 28, 13, 0))
        );
        // Thursday 31 December closed: next is Friday 1 January 2027 12:00.
        assert_eq!(
            h.next_opening(utc(2026, 12, 30, 19, 0)),
            Some(utc(2027, 1, 1, 11, 0))
        );
    }

    #[test]
    fn next_opening_across_the_spring_change() {
        let h = OpeningHours::default();
        // Friday 27 March 16:00 CET; clocks go forward on Sunday 29 March.
        assert_eq!(
            h.next_opening(utc(2026, 3, 27, 15, 0)),
            Some(utc(2026, 3, 30, 12, 0))
        );
    }

    #[test]
    fn next_opening_across_the_autumn_change() {
        let h = OpeningHours::default();
        // Friday 23 October 16:00 CEST; clocks go back on Sunday 25 October.
        assert_eq!(
            h.next_opening(utc(2026, 10, 23, 14, 0)),
            Some(utc(2026, 10, 26, 13, 0))
        );
    }

    #[test]
    fn a_start_in_the_spring_gap_opens_at_its_end() {
        let h = only(&[("sun", &["02:30-05:00"])]);
        // Sunday 22 March, CET: 02:30 local is 01:30 UTC.
        assert_eq!(
            h.next_opening(utc(2026, 3, 21, 12, 0)),
            Some(utc(2026, 3, 22, 1, 30))
        );
        // Sunday 29 March: 02:30 does not exist; opens at 03:00 CEST = 01:00 UTC.
        assert_eq!(
            h.next_opening(utc(2026, 3, 28, 12, 0)),
            Some(utc(2026, 3, 29, 1, 0))
        );
        assert!(!h.is_open(utc(2026, 3, 29, 0, 59)));
        assert!(h.is_open(utc(2026, 3, 29, 1, 0)));
        // Closes 05:00 CEST = 03:00 UTC.
        assert_eq!(
            h.current_window_end(utc(2026, 3, 29, 1, 0)),
            Some(utc(2026, 3, 29, 3, 0))
        );
    }

    #[test]
    fn an_end_in_the_spring_gap_closes_at_its_end() {
        let h = only(&[("sun", &["01:00-02:30"])]);
        // Opens 01:00 CET = 00:00 UTC; 02:30 does not exist, so it closes when
        // the clock jumps to 03:00 CEST = 01:00 UTC.
        assert_eq!(
            h.next_opening(utc(2026, 3, 28, 12, 0)),
            Some(utc(2026, 3, 29, 0, 0))
        );
        assert_eq!(
            h.current_window_end(utc(2026, 3, 29, 0, 30)),
            Some(utc(2026, 3, 29, 1, 0))
        );
        assert!(!h.is_open(utc(2026, 3, 29, 1, 0)));
    }

    #[test]
    fn a_range_inside_the_spring_gap_is_skipped_that_day() {
        let h = only(&[("sun", &["02:10-02:50"])]);
        // 22 March: 02:10 CET = 01:10 UTC.
        assert_eq!(
            h.next_opening(utc(2026, 3, 21, 12, 0)),
            Some(utc(2026, 3, 22, 1, 10))
        );
        // 29 March has no 02:10–02:50; next is 5 April, 02:10 CEST = 00:10 UTC.
        assert_eq!(
            h.next_opening(utc(2026, 3, 28, 12, 0)),
            Some(utc(2026, 4, 5, 0, 10))
        );
        assert!(!h.is_open(utc(2026, 3, 29, 1, 0)));
    }

    #[test]
    fn in_the_autumn_fold_a_start_takes_the_first_and_an_end_the_second_pass() {
        // Sunday 25 October: 02:00–02:59 happens first in CEST (00:00–00:59
        // UTC), then again in CET (01:00–01:59 UTC).
        let ends_in_fold = only(&[("sun", &["01:00-02:30"])]);
        // Opens 01:00 CEST = 23:00 UTC the day before.
        assert_eq!(
            ends_in_fold.next_opening(utc(2026, 10, 24, 12, 0)),
            Some(utc(2026, 10, 24, 23, 0))
        );
        // Closes at the second 02:30, CET = 01:30 UTC.
        assert_eq!(
            ends_in_fold.current_window_end(utc(2026, 10, 25, 0, 0)),
            Some(utc(2026, 10, 25, 1, 30))
        );
        assert!(ends_in_fold.is_open(utc(2026, 10, 25, 1, 15)));
        assert!(!ends_in_fold.is_open(utc(2026, 10, 25, 1, 30)));

        let starts_in_fold = only(&[("sun", &["02:30-04:00"])]);
        // Opens at the first 02:30, CEST = 00:30 UTC; closes 04:00 CET = 03:00 UTC.
        assert_eq!(
            starts_in_fold.next_opening(utc(2026, 10, 24, 12, 0)),
            Some(utc(2026, 10, 25, 0, 30))
        );
        assert!(!starts_in_fold.is_open(utc(2026, 10, 25, 0, 29)));
        assert_eq!(
            starts_in_fold.current_window_end(utc(2026, 10, 25, 0, 30)),
            Some(utc(2026, 10, 25, 3, 0))
        );
    }

    #[test]
    fn openings_joined_at_midnight_are_one_opening() {
        let h = only(&[("mon", &["20:00-24:00"]), ("tue", &["00:00-02:00"])]);
        // Monday 12 January 2026, 21:00 CET: open until Tuesday 02:00 CET.
        assert_eq!(
            h.current_window_end(utc(2026, 1, 12, 20, 0)),
            Some(utc(2026, 1, 13, 1, 0))
        );
        assert!(h.is_open(utc(2026, 1, 12, 23, 0)));
        assert!(h.is_open(utc(2026, 1, 12, 22, 59)));
        assert!(!h.is_open(utc(2026, 1, 13, 1, 0)));
        // While open, the next opening is the following Monday's, not midnight.
        assert_eq!(
            h.next_opening(utc(2026, 1, 12, 20, 0)),
            Some(utc(2026, 1, 19, 19, 0))
        );
    }

    #[test]
    fn never_open_and_always_open() {
        let never = only(&[]);
        let now = utc(2026, 6, 1, 12, 0);
        assert!(!never.is_open(now));
        assert_eq!(never.next_opening(now), None);
        assert_eq!(never.current_window_end(now), None);

        let always = hours(|c| {
            for day in [
                &mut c.mon, &mut c.tue, &mut c.wed, &mut c.thu, &mut c.fri, &mut c.sat, &mut c.sun,
            ] {
                *day = strings(&["00:00-24:00"]);
            }
        });
        assert!(always.is_open(now));
        // Open past the search horizon: no closing time known.
        assert_eq!(always.current_window_end(now), None);
        assert_eq!(always.next_opening(now), None);

        let mut with_break = OpeningHoursConfig::default();
        for day in [
            &mut with_break.mon,
            &mut with_break.tue,
            &mut with_break.wed,
            &mut with_break.thu,
            &mut with_break.fri,
            &mut with_break.sat,
            &mut with_break.sun,
        ] {
            *day = strings(&["00:00-24:00"]);
        }
        with_break.closed = strings(&["2026-06-10"]);
        let h = OpeningHours::from_config(&with_break).expect("valid");
        // Closes at midnight CEST before 10 June, opens at midnight after it.
        assert_eq!(h.current_window_end(now), Some(utc(2026, 6, 9, 22, 0)));
        assert_eq!(h.next_opening(now), Some(utc(2026, 6, 10, 22, 0)));
    }

    #[test]
    fn instants_outside_the_calendar_count_as_closed() {
        let h = OpeningHours::default();
        for ms in [i64::MIN, i64::MAX] {
            assert!(!h.is_open(ms));
            assert_eq!(h.next_opening(ms), None);
            assert_eq!(h.current_window_end(ms), None);
            assert_eq!(local_parts(ms), None);
            assert_eq!(format_opening(ms, 0, true), "");
        }
    }

    #[test]
    fn bad_ranges_are_refused_with_day_and_text() {
        let e = error(|c| c.mon = strings(&["25:00-26:00"]));
        assert!(
            matches!(&e, HoursError::BadRange { day: "mon", range, .. } if range == "25:00-26:00")
        );
        let message = e.to_string();
        assert!(message.contains("opening_hours.mon"), "{message}");
        assert!(message.contains("hour 25"), "{message}");

        for text in [
            "14:00",
            "2pm-4pm",
            "14:60-15:00",
            "9:00-12:00",
            "24:00-24:00",
            "24:30-",
        ] {
            let e = error(|c| c.wed = strings(&[text]));
            assert!(
                matches!(e, HoursError::BadRange { day: "wed", .. }),
                "{text}: {e}"
            );
        }

        for text in ["14:00-13:00", "14:00-14:00", "22:00-02:00"] {
            let e = error(|c| c.fri = strings(&[text]));
            assert_eq!(
                e,
                HoursError::EndNotAfterStart {
                    day: "fri",
                    range: text.to_owned()
                }
            );
            assert!(e.to_string().contains("cross midnight"));
        }
    }

    #[test]
    fn overlapping_ranges_are_refused_touching_ones_merged() {
        let e = error(|c| c.tue = strings(&["11:00-13:00", "10:00-12:00"]));
        assert_eq!(
            e,
            HoursError::Overlapping {
                day: "tue",
                first: "10:00-12:00".to_owned(),
                second: "11:00-13:00".to_owned()
            }
        );
        assert!(e.to_string().contains("overlap"));

        let h = hours(|c| c.mon = strings(&[" 12:00 – 14:00 ", "10:00-12:00"]));
        assert_eq!(
            h.weekly_summary(false).first(),
            Some(&("Monday".to_owned(), "10:00–14:00".to_owned()))
        );
    }

    #[test]
    fn bad_dates_are_refused() {
        for text in [
            "2026-02-30",
            "2026-13-01",
            "2026-1-5",
            "26-12-24",
            "24/12/2026",
            "",
        ] {
            let e = error(|c| c.closed = strings(&["2026-12-24", text]));
            assert!(
                matches!(&e, HoursError::BadDate { date, .. } if date == text),
                "{text}: {e}"
            );
            assert!(e.to_string().contains("opening_hours.closed"));
        }
        assert!(
            error(|c| c.closed = strings(&["2026-02-30"]))
                .to_string()
                .contains("no such day")
        );
        // 2028 is a leap year.
        assert!(
            OpeningHours::from_config(&OpeningHoursConfig {
                closed: strings(&["2028-02-29"]),
                ..OpeningHoursConfig::default()
            })
            .is_ok()
        );
    }

    #[derive(Debug, Deserialize)]
    struct ConfigFile {
        opening_hours: OpeningHoursConfig,
    }

    #[test]
    fn the_documented_toml_parses() {
        let text = r#"
[opening_hours]
# weekday keys mon..sun; each a list of "HH:MM-HH:MM" ranges in Copenhagen local time
mon = ["14:00-20:00"]
tue = ["14:00-20:00"]
wed = ["14:00-20:00"]
thu = ["14:00-20:00"]
fri = ["12:00-16:00"]
sat = []
sun = []
closed = ["2026-12-24", "2026-12-25", "2026-12-31"]   # whole local dates closed
"#;
        let file: ConfigFile = toml::from_str(text).expect("the example parses");
        let h = OpeningHours::from_config(&file.opening_hours).expect("the example is valid");
        let expected = OpeningHours {
            closed: ["2026-12-24", "2026-12-25", "2026-12-31"]
                .iter()
                .map(|d| parse_date(d).expect("valid"))
                .collect(),
            ..OpeningHours::default()
        };
        assert_eq!(h, expected);
    }

    #[test]
    fn missing_keys_keep_their_defaults_and_unknown_keys_are_refused() {
        let file: ConfigFile =
            toml::from_str("[opening_hours]\nsat = [\"10:00-14:00\"]\n").expect("parses");
        assert_eq!(file.opening_hours.mon, strings(&["14:00-20:00"]));
        assert_eq!(file.opening_hours.sat, strings(&["10:00-14:00"]));

        let empty: ConfigFile = toml::from_str("[opening_hours]\n").expect("parses");
        assert_eq!(empty.opening_hours, OpeningHoursConfig::default());

        let typo = toml::from_str::<ConfigFile>("[opening_hours]\nmonday = [\"14:00-20:00\"]\n")
            .expect_err("an unknown key is refused");
        assert!(typo.to_string().contains("monday"), "{typo}");
    }

    #[test]
    fn local_parts_are_copenhagen_wall_clock() {
        // Summer: 12:00 UTC is 14:00 CEST, Wednesday 1 July 2026.
        assert_eq!(
            local_parts(utc(2026, 7, 1, 12, 0)),
            Some(LocalTime {
                year: 2026,
                month: 7,
                day: 1,
                weekday: 2,
                hour: 14,
                minute: 0
            })
        );
        // Winter, across midnight: 23:30 UTC on 1 January is 00:30 CET on Friday 2 January.
        assert_eq!(
            local_parts(utc(2026, 1, 1, 23, 30)),
            Some(LocalTime {
                year: 2026,
                month: 1,
                day: 2,
                weekday: 4,
                hour: 0,
                minute: 30
            })
        );
    }

    #[test]
    fn format_opening_today_tomorrow_and_later() {
        // Monday 30 March 2026, 10:00 CEST; opens 14:00 CEST = 12:00 UTC.
        let now = utc(2026, 3, 30, 8, 0);
        let opening = utc(2026, 3, 30, 12, 0);
        assert_eq!(format_opening(opening, now, true), "i dag kl. 14:00");
        assert_eq!(format_opening(opening, now, false), "today at 14:00");

        // Tuesday 31 March 00:30 CEST (still Monday in UTC): Tuesday 14:00 is today.
        let after_midnight = utc(2026, 3, 30, 22, 30);
        let tuesday = utc(2026, 3, 31, 12, 0);
        assert_eq!(
            format_opening(tuesday, after_midnight, true),
            "i dag kl. 14:00"
        );
        assert_eq!(format_opening(tuesday, now, true), "i morgen kl. 14:00");
        assert_eq!(format_opening(tuesday, now, false), "tomorrow at 14:00");

        // Friday 27 November 17:00 CET; Tuesday 1 December 14:00 CET.
        let friday = utc(2026, 11, 27, 16, 0);
        let december = utc(2026, 12, 1, 13, 0);
        assert_eq!(
            format_opening(december, friday, true),
            "tirsdag 1. december kl. 14:00"
        );
        assert_eq!(
            format_opening(december, friday, false),
            "Tuesday 1 December at 14:00"
        );
        // Monday 30 November: in three days, so a weekday, not "tomorrow".
        let monday = utc(2026, 11, 30, 13, 0);
        assert_eq!(
            format_opening(monday, friday, true),
            "mandag 30. november kl. 14:00"
        );
        assert_eq!(
            format_opening(monday, friday, false),
            "Monday 30 November at 14:00"
        );

        // More than half a year away: the year is added.
        let far = utc(2027, 8, 2, 12, 0);
        assert_eq!(
            format_opening(far, friday, true),
            "mandag 2. august 2027 kl. 14:00"
        );
        assert_eq!(
            format_opening(far, friday, false),
            "Monday 2 August 2027 at 14:00"
        );
    }

    #[test]
    fn weekly_summary_merges_consecutive_equal_days() {
        let h = OpeningHours::default();
        let row = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(
            h.weekly_summary(true),
            vec![
                row("Mandag–torsdag", "14:00–20:00"),
                row("Fredag", "12:00–16:00"),
                row("Lørdag–søndag", "Lukket"),
            ]
        );
        assert_eq!(
            h.weekly_summary(false),
            vec![
                row("Monday–Thursday", "14:00–20:00"),
                row("Friday", "12:00–16:00"),
                row("Saturday–Sunday", "Closed"),
            ]
        );

        let split = &["09:00-12:00", "13:00-16:00"][..];
        let mixed = only(&[
            ("mon", split),
            ("tue", split),
            ("wed", &["14:00-20:00"]),
            ("thu", split),
            ("sun", &["10:00-24:00"]),
        ]);
        assert_eq!(
            mixed.weekly_summary(false),
            vec![
                row("Monday–Tuesday", "09:00–12:00, 13:00–16:00"),
                row("Wednesday", "14:00–20:00"),
                row("Thursday", "09:00–12:00, 13:00–16:00"),
                row("Friday–Saturday", "Closed"),
                row("Sunday", "10:00–24:00"),
            ]
        );
        assert_eq!(
            mixed.weekly_summary(true).last(),
            Some(&row("Søndag", "10:00–24:00"))
        );
    }
}
