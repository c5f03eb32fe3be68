//! The service's own identity: each municipality names its service and writes
//! its own welcome text and helplines. These come from the server's
//! configuration and are shared with the client at hydration.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// A text the service writes itself, in every language the front door speaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    /// Danish text.
    pub da: String,
    /// English text.
    pub en: String,
}

impl Localized {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Da => &self.da,
            Lang::En => &self.en,
        }
    }
}

/// A round-the-clock (or nearly) helpline shown beside the emergency number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Helpline {
    /// Name of the line, e.g. "Børnetelefonen".
    pub name: Localized,
    /// The number to call, as it should be dialled (`tel:` link).
    pub number: String,
    /// When it answers, e.g. "hele døgnet".
    pub hours: Localized,
}

/// What visitors see of the service's configuration. Nothing secret belongs
/// here: all of it is sent to every browser. Missing keys in a
/// configuration file take the defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
// Defaults fill a configuration file's gaps on the server; the browser always
// gets every field, and leaving the defaults (texts, risk words) out of its
// decoder keeps them out of the WASM.
#[cfg_attr(any(feature = "ssr", not(feature = "hydrate")), serde(default))]
pub struct ServiceInfo {
    /// The service's name as the municipality calls it (never "Misbrugscenter").
    pub name: String,
    /// One short welcoming line under the name.
    pub tagline: Localized,
    /// Where "quick exit" goes: a neutral site that reveals nothing.
    pub quick_exit_url: String,
    /// Helplines shown with the emergency number 112.
    pub helplines: Vec<Helpline>,
    /// Words that, in a visitor's own message, calmly bring the emergency
    /// numbers up beside the chat (lower case; Danish and English). Matched
    /// in the browser: nothing about it is sent or stored.
    pub risk_words: Vec<String>,
}

impl Default for ServiceInfo {
    fn default() -> Self {
        ServiceInfo {
            name: "Snak Om Det".to_owned(),
            tagline: Localized {
                da: "Rådgivning for unge og deres voksne. Anonymt og gratis.".to_owned(),
                en: "Counselling for young people and their grown-ups. Anonymous and free."
                    .to_owned(),
            },
            quick_exit_url: "https://www.dr.dk/vejret".to_owned(),
            helplines: vec![Helpline {
                name: Localized {
                    da: "Børnetelefonen".to_owned(),
                    en: "Children's helpline".to_owned(),
                },
                number: "116 111".to_owned(),
                hours: Localized {
                    da: "hele døgnet".to_owned(),
                    en: "day and night".to_owned(),
                },
            }],
            risk_words: [
                "selvmord",
                "tage mit eget liv",
                "slå mig selv ihjel",
                "ikke leve mere",
                "dø",
                "skade mig selv",
                "cutter",
                "overdosis",
                "vold",
                "slår mig",
                "overgreb",
                "voldtag",
                "suicide",
                "kill myself",
                "end my life",
                "hurt myself",
                "overdose",
                "violence",
                "beats me",
                "abused",
                "rape",
            ]
            .map(str::to_owned)
            .to_vec(),
        }
    }
}

/// Whether the chat is open, worked out by the server (in Copenhagen time,
/// from the configured opening hours) for this page load, and the weekly
/// hours to show when it is not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatHours {
    /// Counsellors take chats now.
    pub open_now: bool,
    /// When open: closing time today ("20:00").
    pub closes_at: Option<String>,
    /// When closed: the next opening in words ("i morgen kl. 14:00").
    pub next_opening: Option<Localized>,
    /// The week: day(s) and times, e.g. ("Mandag–torsdag", "14:00–20:00").
    pub weekly: Vec<(Localized, Localized)>,
}

/// What the service keeps and for how long, from the running
/// configuration: the "what we store" page says exactly this. Server-side
/// only (the page is not hydrated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoragePolicy {
    /// Conversations are deleted this many days after their last activity.
    pub retention_days: u32,
}

impl Default for StoragePolicy {
    /// The configuration's own default.
    fn default() -> Self {
        StoragePolicy { retention_days: 30 }
    }
}

impl ServiceInfo {
    /// Nothing configured: what a page would show before hydration data, on
    /// the client (where the defaults are not compiled in).
    pub fn empty() -> Self {
        let blank = || Localized {
            da: String::new(),
            en: String::new(),
        };
        ServiceInfo {
            name: String::new(),
            tagline: blank(),
            quick_exit_url: String::new(),
            helplines: Vec::new(),
            risk_words: Vec::new(),
        }
    }

    /// Whether `text` mentions one of the risk words: a word (or phrase)
    /// starting at a word boundary, case-insensitively ("overdosis" matches
    /// "Overdosis!", "dø" matches "dø" and "døde" but not "rødt").
    pub fn mentions_risk(&self, text: &str) -> bool {
        let text = fold_case(text);
        self.risk_words
            .iter()
            .filter(|w| !w.trim().is_empty())
            .any(|word| {
                let word = fold_case(word.trim());
                text.match_indices(word.as_str()).any(|(at, _)| {
                    text[..at]
                        .chars()
                        .next_back()
                        .is_none_or(|c| !c.is_alphanumeric())
                })
            })
    }
}

impl Helpline {
    /// The number as a `tel:` URL (spaces removed).
    pub fn tel_href(&self) -> String {
        let digits: String = self
            .number
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        format!("tel:{digits}")
    }
}

/// Lower case for Danish and English text: ASCII and the Latin-1 letters
/// (Æ Ø Å É …). Enough for the risk words, and without `str::to_lowercase`'s
/// Unicode tables, which would add kilobytes to the phone's download. The
/// server's risk flags fold the same way, so both sides agree on a match.
pub fn fold_case(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            'À'..='Þ' if c != '×' => char::from_u32(u32::from(c) + 32).unwrap_or(c),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpline_numbers_become_dialable_links() {
        let line = ServiceInfo::default().helplines.remove(0);
        assert_eq!(line.tel_href(), "tel:116111");
    }

    #[test]
    fn risk_words_match_at_word_starts_only() {
        let info = ServiceInfo::default();
        assert!(info.mentions_risk("Jeg tænker på selvmord"));
        assert!(info.mentions_risk("OVERDOSIS!"));
        assert!(info.mentions_risk("jeg vil bare dø"));
        assert!(
            info.mentions_risk("JEG VIL BARE DØ"),
            "Danish capitals fold too"
        );
        assert!(info.mentions_risk("I want to kill myself"));
        assert!(!info.mentions_risk("Jeg så en rødt lys"));
        assert!(!info.mentions_risk("Jeg ryger hash i weekenden"));
        assert!(
            !ServiceInfo {
                risk_words: vec![" ".into()],
                ..ServiceInfo::default()
            }
            .mentions_risk("hej")
        );
    }

    #[test]
    fn default_service_name_does_not_sound_like_an_institution() {
        let name = ServiceInfo::default().name.to_lowercase();
        for word in ["misbrug", "center", "behandling", "kommune"] {
            assert!(!name.contains(word), "{name}");
        }
    }
}
