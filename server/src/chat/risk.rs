//! Risk flags: configured words and phrases (Danish and English) that,
//! written by the person in a message or as their nickname, raise the chat's
//! priority and tell the counsellor which words matched.
//!
//! Transparent rules only: a plain word list, matched as whole words and
//! phrases after case folding (Æ Ø Å too, see [`app::service::fold_case`]).
//! No scoring, no model, and nothing leaves the service. The matched words
//! are stored on the conversation's own row (they are derived from content)
//! and are never logged.

use super::ChatService;
use super::hub::ConversationEvent;
use app::protocol::console::RiskWords;
use app::service::fold_case;

/// Most words or phrases in one language's list.
pub const MAX_WORDS: usize = 300;

/// Longest word or phrase, in characters.
pub const MAX_WORD_CHARS: usize = 60;

/// Why a risk word list was refused. Names the list and the entry, so the
/// coordinator (or the configuration file's author) knows what to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RiskError {
    /// An entry that is empty or holds no letter or digit.
    #[error("risk.{list}: entry {index} has no letters; remove it or write a word")]
    Empty {
        /// `da` or `en`.
        list: &'static str,
        /// 1-based position in the list.
        index: usize,
    },
    /// An entry longer than [`MAX_WORD_CHARS`].
    #[error("risk.{list}: entry {index} is longer than {MAX_WORD_CHARS} characters")]
    TooLong {
        /// `da` or `en`.
        list: &'static str,
        /// 1-based position in the list.
        index: usize,
    },
    /// More than [`MAX_WORDS`] entries.
    #[error("risk.{list}: more than {MAX_WORDS} entries")]
    TooMany {
        /// `da` or `en`.
        list: &'static str,
    },
}

/// Word lists checked and prepared for matching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskMatcher {
    /// The lists as configured (trimmed), for the settings page.
    words: RiskWords,
    /// (the word as configured, its normalised form padded with spaces).
    patterns: Vec<(String, String)>,
}

impl Default for RiskMatcher {
    fn default() -> Self {
        RiskMatcher::new(&RiskWords::default()).unwrap_or_else(|_| RiskMatcher {
            words: RiskWords::default(),
            patterns: Vec::new(),
        })
    }
}

/// Case-folds `text` and turns every run of non-letters into one space, with
/// a space at each end: then a whole word or phrase `w` occurs exactly where
/// `" w "` does.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in fold_case(text).chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

impl RiskMatcher {
    /// Checks the lists and prepares them. The same check serves the
    /// configuration file and the settings page.
    pub fn new(words: &RiskWords) -> Result<RiskMatcher, RiskError> {
        let mut checked = RiskWords {
            da: Vec::new(),
            en: Vec::new(),
        };
        let mut patterns = Vec::new();
        for (list, input, output) in [
            ("da", &words.da, &mut checked.da),
            ("en", &words.en, &mut checked.en),
        ] {
            if input.len() > MAX_WORDS {
                return Err(RiskError::TooMany { list });
            }
            for (index, word) in input.iter().enumerate() {
                let word = word.split_whitespace().collect::<Vec<_>>().join(" ");
                let index = index + 1;
                if word.chars().count() > MAX_WORD_CHARS {
                    return Err(RiskError::TooLong { list, index });
                }
                let pattern = normalise(&word);
                if pattern.trim().is_empty() {
                    return Err(RiskError::Empty { list, index });
                }
                if !patterns.iter().any(|(_, p)| *p == pattern) {
                    patterns.push((word.clone(), pattern));
                }
                output.push(word);
            }
        }
        Ok(RiskMatcher {
            words: checked,
            patterns,
        })
    }

    /// The lists as configured.
    pub fn words(&self) -> &RiskWords {
        &self.words
    }

    /// The configured words and phrases that occur in `text` as whole
    /// words, in list order ("vold" matches "VOLD!" but not "voldsom").
    pub fn matches(&self, text: &str) -> Vec<String> {
        let text = normalise(text);
        self.patterns
            .iter()
            .filter(|(_, pattern)| text.contains(pattern.as_str()))
            .map(|(word, _)| word.clone())
            .collect()
    }
}

/// Checks what the person wrote (a message or their nickname) and, on a
/// match, raises the conversation's priority, records the matched words,
/// tells the counsellor's console and re-sorts the queue. A storage failure
/// is logged (without the words) and leaves the chat as it was: the message
/// itself is already stored.
pub async fn flag(chat: &ChatService, conversation: i64, text: &str) {
    let matched = chat.risk.get().matches(text);
    if matched.is_empty() {
        return;
    }
    match chat.store.flag_risk(conversation, &matched).await {
        Ok(Some(flagged)) => {
            tracing::info!(conversation, "risk words raised a chat's priority");
            chat.hub.publish(
                conversation,
                ConversationEvent::Flagged {
                    priority: flagged.priority,
                    risk_words: flagged.risk_words,
                },
            );
            chat.hub.queue_changed();
        }
        Ok(None) => {}
        Err(error) => tracing::warn!(conversation, %error, "could not flag a chat"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(da: &[&str], en: &[&str]) -> RiskMatcher {
        RiskMatcher::new(&RiskWords {
            da: da.iter().map(|w| (*w).to_owned()).collect(),
            en: en.iter().map(|w| (*w).to_owned()).collect(),
        })
        .expect("valid lists")
    }

    #[test]
    fn a_risk_word_matches_as_a_whole_word_in_any_case() {
        let m = matcher(&["vold", "overdosis"], &["abuse"]);
        assert_eq!(m.matches("Der er VOLD derhjemme!"), vec!["vold"]);
        assert_eq!(m.matches("tog en Overdosis."), vec!["overdosis"]);
        assert_eq!(m.matches("it was abuse, really"), vec!["abuse"]);
    }

    #[test]
    fn a_risk_word_inside_another_word_does_not_match() {
        let m = matcher(&["vold", "dø"], &["rape"]);
        assert!(m.matches("en voldsom fest").is_empty());
        assert!(m.matches("jeg så rødt, døgnet rundt").is_empty());
        assert!(m.matches("grapes and drapes").is_empty());
    }

    #[test]
    fn danish_letters_fold_like_the_rest() {
        let m = matcher(&["slå mig ihjel", "dø"], &[]);
        assert_eq!(m.matches("JEG VIL SLÅ MIG IHJEL"), vec!["slå mig ihjel"]);
        assert_eq!(m.matches("jeg vil bare DØ."), vec!["dø"]);
    }

    #[test]
    fn phrases_match_across_spacing_and_punctuation() {
        let m = matcher(&["tage mit liv"], &["kill myself"]);
        assert_eq!(
            m.matches("har tænkt på at tage   mit liv"),
            vec!["tage mit liv"]
        );
        assert_eq!(m.matches("I want to kill myself..."), vec!["kill myself"]);
        assert!(m.matches("kill my selfie").is_empty());
    }

    #[test]
    fn every_matched_word_is_listed_once_in_list_order() {
        let m = matcher(&["vold", "overdosis"], &["overdose", "Vold"]);
        assert_eq!(
            m.matches("overdose ... overdosis og vold, vold"),
            vec!["vold", "overdosis", "overdose"]
        );
    }

    #[test]
    fn bad_lists_are_refused_naming_the_list_and_entry() {
        let empty = RiskMatcher::new(&RiskWords {
            da: vec!["vold".into(), "  ".into()],
            en: Vec::new(),
        });
        assert_eq!(
            empty,
            Err(RiskError::Empty {
                list: "da",
                index: 2
            })
        );
        let long = RiskMatcher::new(&RiskWords {
            da: Vec::new(),
            en: vec!["x".repeat(MAX_WORD_CHARS + 1)],
        });
        assert_eq!(
            long,
            Err(RiskError::TooLong {
                list: "en",
                index: 1
            })
        );
        let punctuation = RiskMatcher::new(&RiskWords {
            da: Vec::new(),
            en: vec!["!!".into()],
        });
        assert!(punctuation.is_err());
    }

    #[test]
    fn the_default_lists_are_valid_and_flag_common_words() {
        let m = RiskMatcher::default();
        assert!(!m.words().da.is_empty() && !m.words().en.is_empty());
        assert_eq!(m.matches("jeg tænker på selvmord"), vec!["selvmord"]);
        assert_eq!(m.matches("I took an overdose"), vec!["overdose"]);
        assert!(m.matches("Jeg ryger hash i weekenden").is_empty());
    }
}
