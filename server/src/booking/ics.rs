//! The calendar file a booker downloads (RFC 5545, iCalendar).
//!
//! Written by hand because it is small, and because every detail matters
//! to some calendar app: CRLF line ends, lines folded at 75 octets (never
//! inside a UTF-8 character), TEXT values escaped (`\\`, `\;`, `\,`, `\n`),
//! times in UTC (`…Z`, so no VTIMEZONE is needed and daylight saving cannot
//! go wrong), a DTSTAMP and a UID that stays the same when the booking is
//! moved (so a calendar updates the event instead of adding another).
//!
//! The file holds nothing identifying: the alias the booker chose, the
//! type, the time and (for a walk-and-talk) the meeting place.

use chrono::DateTime;

/// What goes into the event.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    /// Stable across moves: `booking-<id>@<host>`.
    pub uid: String,
    /// When the file is made (Unix ms).
    pub stamp_ms: i64,
    /// Start (Unix ms).
    pub start_ms: i64,
    /// End (Unix ms).
    pub end_ms: i64,
    /// The title.
    pub summary: &'a str,
    /// The meeting place, if any.
    pub location: Option<&'a str>,
    /// A longer note.
    pub description: &'a str,
    /// Cancelled bookings are sent as cancelled events.
    pub cancelled: bool,
}

/// The whole file.
pub fn calendar(event: &Event<'_>) -> String {
    let mut out = String::new();
    let mut line = |text: String| push_folded(&mut out, &text);
    line("BEGIN:VCALENDAR".to_owned());
    line("VERSION:2.0".to_owned());
    line("PRODID:-//Snak Om Det//booking//EN".to_owned());
    line("CALSCALE:GREGORIAN".to_owned());
    line(format!(
        "METHOD:{}",
        if event.cancelled { "CANCEL" } else { "PUBLISH" }
    ));
    line("BEGIN:VEVENT".to_owned());
    line(format!("UID:{}", escape(&event.uid)));
    line(format!("DTSTAMP:{}", utc(event.stamp_ms)));
    line(format!("DTSTART:{}", utc(event.start_ms)));
    line(format!("DTEND:{}", utc(event.end_ms)));
    line(format!("SUMMARY:{}", escape(event.summary)));
    if let Some(location) = event.location {
        line(format!("LOCATION:{}", escape(location)));
    }
    line(format!("DESCRIPTION:{}", escape(event.description)));
    line(format!(
        "STATUS:{}",
        if event.cancelled {
            "CANCELLED"
        } else {
            "CONFIRMED"
        }
    ));
    line("TRANSP:OPAQUE".to_owned());
    line("END:VEVENT".to_owned());
    line("END:VCALENDAR".to_owned());
    out
}

/// `YYYYMMDDTHHMMSSZ`.
fn utc(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// Escapes a TEXT value (RFC 5545 §3.3.11). Carriage returns are dropped;
/// other control characters are not allowed in TEXT and become spaces.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded so no line exceeds 75 octets (the CRLF
/// not counted); continuation lines start with one space (RFC 5545 §3.1).
fn push_folded(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A strict reader: CRLF only, no line over 75 octets, unfolds, and
    /// returns (name, value) pairs with TEXT unescaped.
    fn parse(file: &str) -> Vec<(String, String)> {
        assert!(file.ends_with("\r\n"));
        let mut unfolded: Vec<String> = Vec::new();
        for line in file.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(
                !line.contains('\n') && !line.contains('\r'),
                "bare line end"
            );
            assert!(line.len() <= 75, "line of {} octets: {line}", line.len());
            if let Some(rest) = line.strip_prefix(' ') {
                unfolded
                    .last_mut()
                    .expect("a line to continue")
                    .push_str(rest);
            } else {
                unfolded.push(line.to_owned());
            }
        }
        unfolded
            .into_iter()
            .map(|l| {
                let (name, value) = l.split_once(':').expect("NAME:value");
                let mut text = String::new();
                let mut chars = value.chars();
                while let Some(c) = chars.next() {
                    if c == '\\' {
                        match chars.next() {
                            Some('n') | Some('N') => text.push('\n'),
                            Some(other) => text.push(other),
                            None => panic!("dangling escape"),
                        }
                    } else {
                        assert!(c != ';' && c != ',' || name != "SUMMARY", "unescaped");
                        text.push(c);
                    }
                }
                (name.to_owned(), text)
            })
            .collect()
    }

    #[test]
    fn the_file_is_valid_icalendar_and_reads_back() {
        let summary = "Gå-tur og snak; med Bo, kl. 14 \\ øæå";
        let place = "Ved indgangen til parken, nord for søen ".repeat(3);
        let file = calendar(&Event {
            uid: "booking-7@snakomdet.example".to_owned(),
            stamp_ms: 1_764_000_000_000,
            start_ms: 1_764_594_000_000,
            end_ms: 1_764_597_600_000,
            summary,
            location: Some(&place),
            description: "Linje 1\nLinje 2",
            cancelled: false,
        });
        let fields = parse(&file);
        let get = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert_eq!(fields.first().map(|f| f.1.as_str()), Some("VCALENDAR"));
        assert_eq!(get("VERSION"), "2.0");
        assert_eq!(get("SUMMARY"), summary);
        assert_eq!(get("LOCATION"), place);
        assert_eq!(get("DESCRIPTION"), "Linje 1\nLinje 2");
        assert_eq!(get("DTSTART"), "20251201T130000Z");
        assert_eq!(get("DTEND"), "20251201T140000Z");
        assert_eq!(get("UID"), "booking-7@snakomdet.example");
        assert!(get("DTSTAMP").ends_with('Z'));
        assert_eq!(get("STATUS"), "CONFIRMED");
    }

    #[test]
    fn folding_never_splits_a_danish_letter() {
        let mut out = String::new();
        push_folded(&mut out, &format!("SUMMARY:{}", "æ".repeat(100)));
        for line in out.split("\r\n") {
            assert!(line.len() <= 75);
            assert!(std::str::from_utf8(line.as_bytes()).is_ok());
        }
        assert_eq!(
            out.replace("\r\n ", "").trim_end(),
            format!("SUMMARY:{}", "æ".repeat(100))
        );
    }
}
