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
/// here: all of it is sent to every browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInfo {
    /// The service's name as the municipality calls it (never "Misbrugscenter").
    pub name: String,
    /// One short welcoming line under the name.
    pub tagline: Localized,
    /// Where "quick exit" goes: a neutral site that reveals nothing.
    pub quick_exit_url: String,
    /// Helplines shown with the emergency number 112.
    pub helplines: Vec<Helpline>,
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
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpline_numbers_become_dialable_links() {
        let line = ServiceInfo::default().helplines.remove(0);
        assert_eq!(line.tel_href(), "tel:116111");
    }

    #[test]
    fn default_service_name_does_not_sound_like_an_institution() {
        let name = ServiceInfo::default().name.to_lowercase();
        for word in ["misbrug", "center", "behandling", "kommune"] {
            assert!(!name.contains(word), "{name}");
        }
    }
}
