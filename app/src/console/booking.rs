//! The booking pages' data: the agenda, the published hours and the group
//! courses as the server's JSON gives them, and the pure logic the pages
//! use (grouping by day, reading the hours form). Unit-tested on the host;
//! the pages are `agenda`, `availability` and `courses` (browser).

use serde::{Deserialize, Serialize};

/// A booking in the agenda (`GET /api/booking/agenda`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct AgendaEntry {
    /// The booking's id.
    pub id: i64,
    /// The conversation type's key.
    pub kind: String,
    /// Its Danish name.
    #[serde(default)]
    pub kind_da: String,
    /// Its English name.
    #[serde(default)]
    pub kind_en: String,
    /// `parent`, `young_person` or `professional`.
    pub role: String,
    /// Who holds it.
    pub counsellor_id: i64,
    /// Their first name.
    pub counsellor: String,
    /// Copenhagen date, `YYYY-MM-DD`.
    #[serde(default)]
    pub day: String,
    /// Copenhagen start, `HH:MM`.
    #[serde(default)]
    pub from: String,
    /// Copenhagen end, `HH:MM`.
    #[serde(default)]
    pub to: String,
    /// Meeting place, Danish.
    #[serde(default)]
    pub place_da: Option<String>,
    /// Meeting place, English.
    #[serde(default)]
    pub place_en: Option<String>,
    /// booked, cancelled, attended, no_show.
    pub state: String,
    /// The booker's alias.
    pub alias: String,
    /// The booker's message.
    #[serde(default)]
    pub message: Option<String>,
    /// The number to call (only on one's own).
    #[serde(default)]
    pub phone: Option<String>,
    /// The note given when cancelling.
    #[serde(default)]
    pub cancel_note: Option<String>,
    /// Held by the asking counsellor.
    pub mine: bool,
    /// A video call (its holder gives the link).
    #[serde(default)]
    pub video: bool,
    /// The video-call link, once given.
    #[serde(default)]
    pub video_link: Option<String>,
}

/// One day of the agenda: its date and its bookings in order.
pub type AgendaDay = (String, Vec<AgendaEntry>);

/// The entries by Copenhagen day, in the server's order (by start), keeping
/// only one's own unless `team`.
pub fn by_day(entries: &[AgendaEntry], team: bool) -> Vec<AgendaDay> {
    let mut days: Vec<AgendaDay> = Vec::new();
    for entry in entries.iter().filter(|e| team || e.mine) {
        match days.last_mut() {
            Some((day, list)) if *day == entry.day => list.push(entry.clone()),
            _ => days.push((entry.day.clone(), vec![entry.clone()])),
        }
    }
    days
}

/// The weekday of a `YYYY-MM-DD` date, 0 = Monday; `None` when unreadable.
pub fn weekday(day: &str) -> Option<usize> {
    if !is_date(day) {
        return None;
    }
    let mut parts = day.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    // Sakamoto's method: 0 = Sunday.
    const T: [i64; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    let month = usize::try_from(m - 1).ok()?;
    let sunday_first = (y + y / 4 - y / 100 + y / 400 + T[month] + d).rem_euclid(7);
    usize::try_from((sunday_first + 6) % 7).ok()
}

/// A colleague a booking can be handed to.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Colleague {
    /// Their id.
    pub id: i64,
    /// Their first name.
    pub first_name: String,
}

/// A weekly row of published hours; weekday 0 = Monday.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct WeeklyHours {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    /// `HH:MM`.
    pub from: String,
    /// `HH:MM`.
    pub to: String,
}

/// A dated exception: extra hours (`available`) or an absence.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct ExceptionHours {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `HH:MM`.
    pub from: String,
    /// `HH:MM`.
    pub to: String,
    /// Extra hours (`true`) or absent (`false`).
    pub available: bool,
}

/// Own published hours (`GET|PUT /api/booking/availability`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct PublishedHours {
    /// Weekly rows.
    pub weekly: Vec<WeeklyHours>,
    /// Dated rows.
    pub exceptions: Vec<ExceptionHours>,
}

/// `HH:MM` → minutes after midnight (`24:00` allowed), as the server reads
/// it.
pub fn clock_minutes(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Whether `text` looks like a `YYYY-MM-DD` date.
pub fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    matches!(parts.as_slice(), [y, m, d]
        if y.len() == 4 && m.len() == 2 && d.len() == 2
            && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
            && (1..=12).contains(&m.parse::<u8>().unwrap_or(0))
            && (1..=31).contains(&d.parse::<u8>().unwrap_or(0)))
}

/// Which row of the hours form is wrong, before anything is sent: the
/// weekly rows are numbered from 0, then the exceptions after them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowProblem {
    /// A weekly row's times are unreadable or end before they start.
    Weekly(usize),
    /// An exception's date or times are wrong.
    Exception(usize),
}

/// Checks the form the way the server will (`bad_range`), so the counsellor
/// sees which row to fix.
pub fn check_hours(hours: &PublishedHours) -> Result<(), RowProblem> {
    let range_ok = |from: &str, to: &str| matches!((clock_minutes(from), clock_minutes(to)), (Some(a), Some(b)) if a < b);
    for (i, row) in hours.weekly.iter().enumerate() {
        if row.weekday > 6 || !range_ok(&row.from, &row.to) {
            return Err(RowProblem::Weekly(i));
        }
    }
    for (i, row) in hours.exceptions.iter().enumerate() {
        if !is_date(&row.day) || !range_ok(&row.from, &row.to) {
            return Err(RowProblem::Exception(i));
        }
    }
    Ok(())
}

/// Who a course is for.
pub const AUDIENCES: [&str; 2] = ["parents", "young_people"];

/// A session in Copenhagen time.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct LocalSession {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `HH:MM`.
    pub from: String,
    /// `HH:MM`.
    pub to: String,
}

/// A group course (`GET /api/groups`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Course {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// `parents` or `young_people`.
    pub audience: String,
    /// Where.
    pub place: String,
    /// Seats.
    pub capacity: i64,
    /// Enrolled now.
    pub enrolled: i64,
    /// On the waiting list now.
    pub waiting: i64,
    /// The sessions in Copenhagen time.
    #[serde(default)]
    pub local_sessions: Vec<LocalSession>,
}

/// A course's evaluations (`GET /api/groups/{id}/evaluations`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Results {
    /// How many answered.
    pub answers: i64,
    /// Average of "it helped" (1–5).
    pub helpful: f64,
    /// Average of "I felt understood".
    pub understood: f64,
    /// Average of "I would recommend it".
    pub recommend: f64,
    /// The free-text comments.
    pub comments: Vec<String>,
}

/// An average for display: one decimal, a comma in Danish.
pub fn average(value: f64, danish: bool) -> String {
    let text = format!("{value:.1}");
    if danish { text.replace('.', ",") } else { text }
}

/// Reads the course form's sessions: one per line, `YYYY-MM-DD HH:MM-HH:MM`
/// (an en dash works too). `Err` gives the 1-based line that is wrong.
pub fn parse_sessions(text: &str) -> Result<Vec<LocalSession>, usize> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let session = line.split_once(' ').and_then(|(day, times)| {
            let times = times.trim().replace('–', "-");
            let (from, to) = times.split_once('-')?;
            let (from, to) = (from.trim(), to.trim());
            let ok = is_date(day)
                && matches!((clock_minutes(from), clock_minutes(to)), (Some(a), Some(b)) if a < b);
            ok.then(|| LocalSession {
                day: day.to_owned(),
                from: from.to_owned(),
                to: to.to_owned(),
            })
        });
        out.push(session.ok_or(i + 1)?);
    }
    if out.is_empty() {
        return Err(1);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, day: &str, mine: bool) -> AgendaEntry {
        AgendaEntry {
            id,
            kind: "phone".into(),
            kind_da: "Telefon".into(),
            kind_en: "Phone".into(),
            role: "parent".into(),
            counsellor_id: 1,
            counsellor: "Bo".into(),
            day: day.into(),
            from: "10:00".into(),
            to: "10:45".into(),
            place_da: None,
            place_en: None,
            state: "booked".into(),
            alias: "Mor".into(),
            message: None,
            phone: None,
            cancel_note: None,
            mine,
            video: false,
            video_link: None,
        }
    }

    #[test]
    fn the_agenda_groups_by_day_in_order_and_hides_the_team_unless_asked() {
        let entries = [
            entry(1, "2026-12-01", true),
            entry(2, "2026-12-01", false),
            entry(3, "2026-12-02", false),
            entry(4, "2026-12-03", true),
        ];
        let own = by_day(&entries, false);
        assert_eq!(own.len(), 2);
        assert_eq!(own[0].0, "2026-12-01");
        assert_eq!(own[0].1.iter().map(|e| e.id).collect::<Vec<_>>(), [1]);
        let team = by_day(&entries, true);
        assert_eq!(
            team.iter()
                .map(|(d, l)| (d.as_str(), l.len()))
                .collect::<Vec<_>>(),
            [("2026-12-01", 2), ("2026-12-02", 1), ("2026-12-03", 1)]
        );
    }

    #[test]
    fn the_agenda_entry_reads_the_servers_json() {
        let json = r#"{"id":7,"kind":"walk","role":"parent","counsellor_id":2,
            "counsellor":"Bo","starts_at":1,"ends_at":2,"place":"lake","state":"booked",
            "cancelled_by":null,"cancel_note":null,"alias":"Mor","message":"hej",
            "phone":null,"mine":true,"day":"2026-12-01","from":"10:00","to":"10:45",
            "kind_da":"Gåtur","kind_en":"Walk","place_da":"Søen","place_en":"The lake"}"#;
        let e: AgendaEntry = serde_json::from_str(json).expect("the server's shape");
        assert_eq!((e.id, e.from.as_str(), e.mine), (7, "10:00", true));
        assert_eq!(e.place_en.as_deref(), Some("The lake"));
    }

    #[test]
    fn a_day_knows_its_weekday() {
        assert_eq!(weekday("2026-11-30"), Some(0), "a Monday");
        assert_eq!(weekday("2030-03-31"), Some(6), "a Sunday");
        assert_eq!(weekday("2028-02-29"), Some(1), "a leap day, Tuesday");
        assert_eq!(weekday("soon"), None);
    }

    #[test]
    fn clock_times_are_read_as_the_server_reads_them() {
        assert_eq!(clock_minutes("09:30"), Some(570));
        assert_eq!(clock_minutes("24:00"), Some(1440));
        assert_eq!(clock_minutes("24:30"), None);
        assert_eq!(clock_minutes("9:30"), None);
        assert!(is_date("2026-12-01"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("1/12/2026"));
    }

    #[test]
    fn the_hours_form_names_the_row_to_fix() {
        let mut hours = PublishedHours {
            weekly: vec![WeeklyHours {
                weekday: 0,
                from: "09:00".into(),
                to: "12:00".into(),
            }],
            exceptions: vec![ExceptionHours {
                day: "2026-12-24".into(),
                from: "00:00".into(),
                to: "24:00".into(),
                available: false,
            }],
        };
        assert_eq!(check_hours(&hours), Ok(()));
        hours.exceptions[0].day = "24-12-2026".into();
        assert_eq!(check_hours(&hours), Err(RowProblem::Exception(0)));
        hours.weekly[0].to = "08:00".into();
        assert_eq!(check_hours(&hours), Err(RowProblem::Weekly(0)));
    }

    #[test]
    fn course_sessions_are_read_one_a_line() {
        let parsed = parse_sessions("2026-12-01 18:00-21:30\n\n2026-12-15 18:00–21:30\n")
            .expect("two sessions");
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[1].to, "21:30");
        assert_eq!(parse_sessions("2026-12-01 18:00-21:30\nnext week"), Err(2));
        assert_eq!(parse_sessions("  "), Err(1));
        assert_eq!(average(4.26, true), "4,3");
        assert_eq!(average(4.0, false), "4.0");
    }
}
