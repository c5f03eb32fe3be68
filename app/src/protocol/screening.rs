//! Screening of what counsellors write about an anonymous person: course
//! notes, handover notes and concerns. One pure module, so the console warns
//! live while the counsellor types and the server enforces the very same
//! rules when the note arrives.
//!
//! - A CPR-like number (`ddmmyy-xxxx`, `ddmmyy xxxx` or `ddmmyyxxxx` whose
//!   first six digits are a real day and month) is always refused: before a
//!   case is converted to treatment nothing may identify the person.
//! - E-mail addresses, Danish phone numbers (8 digits, optionally `+45` or
//!   `0045`, written together or in groups separated by spaces) and names
//!   from the service's configured list are warnings: the counsellor may
//!   save anyway, explicitly (a name may be a celebrity's or a drug's).
//!
//! Ordinary numbers ("15 år", "2 gange om ugen", "kl. 20", "2019") pass.

use serde::{Deserialize, Serialize};

/// Longest note, handover note or concern, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;

/// Something in a note that may identify the person: the counsellor must
/// confirm before it is saved.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoteWarning {
    /// Looks like an e-mail address.
    Email,
    /// Looks like a phone number.
    Phone,
    /// A name from the service's list.
    Name {
        /// The name as configured.
        name: String,
    },
}

/// What screening found in one text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Screening {
    /// A CPR-like number: the note is refused, whatever the counsellor says.
    pub cpr: bool,
    /// Possibly identifying: saved only when confirmed. No duplicates.
    pub warnings: Vec<NoteWarning>,
}

impl Screening {
    /// Nothing found at all.
    pub fn is_clean(&self) -> bool {
        !self.cpr && self.warnings.is_empty()
    }
}

/// Whether a note's length is acceptable: some non-blank text, at most
/// [`MAX_NOTE_CHARS`] characters.
pub fn valid_note(text: &str) -> bool {
    !text.trim().is_empty() && text.chars().count() <= MAX_NOTE_CHARS
}

/// Screens `text` against the rules above; `names` is the service's list of
/// names to warn about (compared case-insensitively with capitalised words).
pub fn screen(text: &str, names: &[String]) -> Screening {
    let mut screening = Screening::default();
    let add = |warning: NoteWarning, screening: &mut Screening| {
        if !screening.warnings.contains(&warning) {
            screening.warnings.push(warning);
        }
    };
    for run in number_runs(text) {
        if run.is_cpr() {
            screening.cpr = true;
        } else if run.is_phone() {
            add(NoteWarning::Phone, &mut screening);
        }
    }
    if text.split(char::is_whitespace).any(is_email) {
        add(NoteWarning::Email, &mut screening);
    }
    for word in text.split(|c: char| !c.is_alphanumeric() && c != '-') {
        let Some(first) = word.chars().next() else {
            continue;
        };
        if !first.is_uppercase() {
            continue;
        }
        let lower = word.to_lowercase();
        if let Some(name) = names
            .iter()
            .find(|n| !n.trim().is_empty() && n.trim().to_lowercase() == lower)
        {
            add(
                NoteWarning::Name {
                    name: name.trim().to_owned(),
                },
                &mut screening,
            );
        }
    }
    screening
}

/// A run of digit groups: digits separated by single spaces or hyphens,
/// perhaps after a `+`.
#[derive(Debug, Default)]
struct Run {
    plus: bool,
    groups: Vec<String>,
    /// The separators between the groups (`' '` or `'-'`).
    separators: Vec<char>,
}

impl Run {
    fn is_cpr(&self) -> bool {
        if self.plus {
            return false;
        }
        match self.groups.as_slice() {
            [all] if all.len() == 10 => valid_date(&all[..6]),
            [date, serial] if date.len() == 6 && serial.len() == 4 => valid_date(date),
            _ => false,
        }
    }

    fn is_phone(&self) -> bool {
        // Phones are grouped with spaces only: "24-12-2024" is a date.
        if self.separators.iter().any(|&s| s != ' ') {
            return false;
        }
        let mut groups: Vec<&str> = self.groups.iter().map(String::as_str).collect();
        let country = |g: &str| g == "45" || g == "0045";
        if self.plus || groups.first().is_some_and(|g| *g == "0045") {
            match groups.first().copied() {
                Some(first) if country(first) => {
                    groups.remove(0);
                }
                Some(first) if self.plus && first.starts_with("45") && first.len() > 2 => {
                    groups[0] = &first[2..];
                }
                _ => return false,
            }
        }
        let digits: usize = groups.iter().map(|g| g.len()).sum();
        digits == 8 && groups.iter().all(|g| g.len() >= 2)
    }
}

/// Whether `ddmmyy` is a real day of a month (29 February allowed: the
/// century is unknown).
fn valid_date(ddmmyy: &str) -> bool {
    let number = |range: std::ops::Range<usize>| ddmmyy.get(range)?.parse::<u32>().ok();
    let (Some(day), Some(month)) = (number(0..2), number(2..4)) else {
        return false;
    };
    const DAYS: [u32; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (1..=12).contains(&month) && day >= 1 && day <= DAYS[(month - 1) as usize]
}

/// The digit runs of a text. A run does not start or end inside a word
/// ("abc123" is no number) and its separators are single.
fn number_runs(text: &str) -> Vec<Run> {
    let chars: Vec<char> = text.chars().collect();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_plus = chars[i] == '+' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
        let starts_digit = chars[i].is_ascii_digit();
        let glued = i > 0 && chars[i - 1].is_alphanumeric();
        if !(starts_plus || starts_digit) || glued {
            // Skip the rest of this word or number.
            if starts_digit || chars[i].is_alphanumeric() {
                while i < chars.len() && (chars[i].is_alphanumeric()) {
                    i += 1;
                }
            } else {
                i += 1;
            }
            continue;
        }
        let mut run = Run {
            plus: starts_plus,
            ..Run::default()
        };
        if starts_plus {
            i += 1;
        }
        let mut group = String::new();
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_digit() {
                group.push(c);
                i += 1;
            } else if (c == ' ' || c == '-')
                && !group.is_empty()
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit())
            {
                run.groups.push(std::mem::take(&mut group));
                run.separators.push(c);
                i += 1;
            } else {
                break;
            }
        }
        let glued_after = chars.get(i).is_some_and(|c| c.is_alphabetic());
        if !group.is_empty() {
            run.groups.push(group);
        }
        if !glued_after {
            runs.push(run);
        }
    }
    runs
}

/// Whether a whitespace-separated word looks like an e-mail address.
fn is_email(word: &str) -> bool {
    let word = word.trim_matches(|c: char| "()<>[]\"',;:!?".contains(c));
    let word = word.trim_end_matches('.');
    let mut parts = word.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty())
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(char::is_alphabetic))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        vec!["Mads".into(), "Sofie".into()]
    }

    #[test]
    fn cpr_numbers_with_a_real_date_are_refused() {
        for text in [
            "cpr 010203-1234",
            "010203 1234",
            "0102031234",
            "født 311299-4321.",
            "290200-1111",
        ] {
            assert!(screen(text, &[]).cpr, "{text}");
        }
    }

    #[test]
    fn ten_digits_without_a_real_date_are_not_cpr() {
        for text in ["320101-1234", "011301-1234", "000101-1234", "310401-1234"] {
            assert!(!screen(text, &[]).cpr, "{text}");
        }
    }

    #[test]
    fn danish_phone_numbers_are_warned_about() {
        for text in [
            "ring 12345678",
            "12 34 56 78",
            "1234 5678",
            "+45 12 34 56 78",
            "+4512345678",
            "0045 12345678",
            "(+45 1234 5678)",
        ] {
            let found = screen(text, &[]);
            assert!(!found.cpr, "{text}");
            assert_eq!(found.warnings, vec![NoteWarning::Phone], "{text}");
        }
    }

    #[test]
    fn ordinary_numbers_pass() {
        for text in [
            "Han er 15 år",
            "ryger 2 gange om ugen",
            "kl. 20 i går, 3-4 joints",
            "siden 2019",
            "24-12-2024",
            "24.12.2024",
            "1234567",
            "123456789",
            "talk 2 of 5",
        ] {
            assert!(screen(text, &[]).is_clean(), "{text}");
        }
    }

    #[test]
    fn e_mail_addresses_are_warned_about() {
        assert_eq!(
            screen("skriv til ung@example.dk.", &[]).warnings,
            vec![NoteWarning::Email]
        );
        assert!(screen("@home and a@b", &[]).is_clean());
    }

    #[test]
    fn listed_names_are_warned_about_when_written_as_names() {
        assert_eq!(
            screen("Hans ven Mads ryger også", &names()).warnings,
            vec![NoteWarning::Name {
                name: "Mads".into()
            }]
        );
        assert!(screen("mads", &names()).is_clean(), "not written as a name");
        assert!(screen("Madsen", &names()).is_clean(), "a different word");
    }

    #[test]
    fn each_warning_is_listed_once() {
        let found = screen("Sofie 12345678, Sofie 87654321", &names());
        assert_eq!(
            found.warnings,
            vec![
                NoteWarning::Phone,
                NoteWarning::Name {
                    name: "Sofie".into()
                }
            ]
        );
    }

    #[test]
    fn notes_need_text_within_the_limit() {
        assert!(valid_note("bekymret for søvn"));
        assert!(!valid_note("  "));
        assert!(!valid_note(&"x".repeat(MAX_NOTE_CHARS + 1)));
        assert!(valid_note(&"æ".repeat(MAX_NOTE_CHARS)));
    }
}
