//! Canned replies in the composer: typing `/` at the start of an empty
//! reply opens a list of the team's and the counsellor's own replies,
//! filtered as they type (`/vel` finds `/velkommen`). Arrow keys move, Enter
//! or Tab inserts, Escape closes. Inserting replaces the `/command` with the
//! reply's text, for the counsellor to adapt before sending: nothing is sent
//! by the picker itself.
//!
//! The rules (what is a command, what matches, what a key does) are pure and
//! unit-tested on the host; the list's view is in the console bundle only.

use super::texts::Lang;
use crate::protocol::console::CannedReply;
use leptos::prelude::*;

/// Most replies the list shows at once.
pub const MAX_SHOWN: usize = 8;

/// The list's element id (the composer's `aria-controls`).
pub const LIST_ID: &str = "canned-list";

/// The shortcut being typed, when the draft is a canned-reply command: it
/// starts with `/` and has no space yet ("/vel" → "vel", "/" → "").
pub fn command(draft: &str) -> Option<&str> {
    let rest = draft.strip_prefix('/')?;
    (!rest.chars().any(char::is_whitespace)).then_some(rest)
}

/// The replies whose shortcut matches `query`: those starting with it
/// before those containing it, the console's language before the other,
/// then alphabetically; at most [`MAX_SHOWN`].
pub fn matching(replies: &[CannedReply], query: &str, lang: Lang) -> Vec<CannedReply> {
    let query = query.to_lowercase();
    let mut found: Vec<(u8, bool, &CannedReply)> = replies
        .iter()
        .filter_map(|reply| {
            let rank = if reply.shortcut.starts_with(&query) {
                0
            } else if reply.shortcut.contains(&query) {
                1
            } else {
                return None;
            };
            Some((rank, reply.lang != lang.code(), reply))
        })
        .collect();
    found.sort_by(|a, b| (a.0, a.1, &a.2.shortcut).cmp(&(b.0, b.1, &b.2.shortcut)));
    found
        .into_iter()
        .take(MAX_SHOWN)
        .map(|(_, _, reply)| reply.clone())
        .collect()
}

/// What a key press in the composer does while the list may be open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAction {
    /// Not the picker's key (or the list is closed): the composer handles it.
    Pass,
    /// Handled (the highlight moved, or the list closed).
    Handled,
    /// Replace the draft with this text.
    Insert(String),
}

/// The picker's state: the replies, which option is highlighted, and the
/// draft for which the counsellor closed the list with Escape.
#[derive(Clone, Copy, Debug)]
pub struct Picker {
    /// Shared and own replies (`GET /api/canned`), loaded once per page.
    pub replies: RwSignal<Vec<CannedReply>>,
    /// Index of the highlighted option.
    pub highlighted: RwSignal<usize>,
    /// Escape closes the list until the draft changes.
    dismissed: RwSignal<Option<String>>,
}

impl Default for Picker {
    fn default() -> Self {
        Picker::new()
    }
}

impl Picker {
    /// No replies yet, nothing highlighted.
    pub fn new() -> Self {
        Picker {
            replies: RwSignal::new(Vec::new()),
            highlighted: RwSignal::new(0),
            dismissed: RwSignal::new(None),
        }
    }

    /// The options shown for `draft` (empty: the list is closed).
    pub fn options(&self, draft: &str, lang: Lang) -> Vec<CannedReply> {
        let Some(query) = command(draft) else {
            return Vec::new();
        };
        if self.dismissed.with(|d| d.as_deref() == Some(draft)) {
            return Vec::new();
        }
        self.replies.with(|replies| matching(replies, query, lang))
    }

    /// The draft changed: the highlight starts at the top again.
    pub fn typed(&self) {
        self.highlighted.set(0);
    }

    /// Handles `key` (a `KeyboardEvent.key`) for `draft`.
    pub fn key(&self, key: &str, draft: &str, lang: Lang) -> KeyAction {
        let options = self.options(draft, lang);
        if options.is_empty() {
            return KeyAction::Pass;
        }
        let last = options.len() - 1;
        let current = self.highlighted.get_untracked().min(last);
        match key {
            "ArrowDown" => {
                self.highlighted
                    .set(if current == last { 0 } else { current + 1 });
                KeyAction::Handled
            }
            "ArrowUp" => {
                self.highlighted
                    .set(if current == 0 { last } else { current - 1 });
                KeyAction::Handled
            }
            "Enter" | "Tab" => {
                self.highlighted.set(0);
                KeyAction::Insert(options[current].text.clone())
            }
            "Escape" => {
                self.dismissed.set(Some(draft.to_owned()));
                KeyAction::Handled
            }
            _ => KeyAction::Pass,
        }
    }
}

/// The id of option `index` (for `aria-activedescendant`).
pub fn option_id(index: usize) -> String {
    format!("canned-{index}")
}

#[cfg(feature = "console")]
mod browser {
    use super::*;
    use crate::console::api;
    use crate::console::model::ConsoleModel;

    /// Loads the replies for the picker (once per page; again after the
    /// settings page changed them).
    pub fn load(picker: Picker) {
        leptos::task::spawn_local(async move {
            if let Ok((200, body)) = api::request("GET", "/api/canned", None).await
                && let Ok(replies) = serde_json::from_str::<Vec<CannedReply>>(&body)
            {
                picker.replies.set(replies);
            }
        });
    }

    /// The list under the composer: an ARIA listbox controlled by the
    /// composer (a combobox). Options can also be picked with the mouse.
    #[component]
    pub fn CannedList(draft: RwSignal<String>) -> impl IntoView {
        let model = expect_context::<ConsoleModel>();
        let picker = expect_context::<Picker>();
        let tools = move || model.lang.get().tools();
        let options = move || draft.with(|d| picker.options(d, model.lang.get()));
        view! {
            <ul
                id=LIST_ID
                class="canned"
                role="listbox"
                aria-label=move || tools().canned_label
                hidden=move || options().is_empty()
            >
                {move || {
                    options()
                        .into_iter()
                        .enumerate()
                        .map(|(index, reply)| {
                            let selected = move || picker.highlighted.get() == index;
                            let text = reply.text.clone();
                            let badge = if reply.shared {
                                tools().canned_shared
                            } else {
                                tools().canned_own
                            };
                            view! {
                                <li
                                    id=option_id(index)
                                    role="option"
                                    class=move || if selected() { "option selected" } else { "option" }
                                    aria-selected=move || selected().to_string()
                                    on:mousedown=move |ev| {
                                        // Keep the focus in the composer.
                                        ev.prevent_default();
                                        draft.set(text.clone());
                                    }
                                >
                                    <span class="shortcut">"/"{reply.shortcut.clone()}</span>
                                    " "
                                    <span class="tag" lang=reply.lang.clone()>{reply.lang.clone()}</span>
                                    " "
                                    <span class="muted">{badge}</span>
                                    <span class="canned-text">{reply.text.clone()}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        }
        .into_any()
    }
}

#[cfg(feature = "console")]
pub use browser::{CannedList, CannedListProps, load};

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(lang: &str, shortcut: &str, text: &str) -> CannedReply {
        CannedReply {
            id: 0,
            shared: true,
            lang: lang.into(),
            shortcut: shortcut.into(),
            text: text.into(),
        }
    }

    fn replies() -> Vec<CannedReply> {
        vec![
            reply("en", "welcome", "Hi, and thank you for writing."),
            reply("da", "velkommen", "Hej, og tak fordi du skriver."),
            reply("da", "tryg", "Er du i sikkerhed lige nu?"),
            reply("da", "hej-igen", "Hej igen!"),
            reply("en", "safe", "Are you safe right now?"),
        ]
    }

    fn shortcuts(found: &[CannedReply]) -> Vec<&str> {
        found.iter().map(|r| r.shortcut.as_str()).collect()
    }

    #[test]
    fn only_a_slash_at_the_start_without_spaces_is_a_command() {
        assert_eq!(command("/"), Some(""));
        assert_eq!(command("/vel"), Some("vel"));
        assert_eq!(command("/vel kommen"), None);
        assert_eq!(command("hej /vel"), None);
        assert_eq!(command(""), None);
    }

    #[test]
    fn the_list_filters_as_the_counsellor_types() {
        let all = replies();
        assert_eq!(
            shortcuts(&matching(&all, "", Lang::Da)),
            ["hej-igen", "tryg", "velkommen", "safe", "welcome"],
            "own language first"
        );
        assert_eq!(shortcuts(&matching(&all, "vel", Lang::Da)), ["velkommen"]);
        assert_eq!(
            shortcuts(&matching(&all, "e", Lang::En)),
            ["safe", "welcome", "hej-igen", "velkommen"],
            "English first in an English console"
        );
        let both = [reply("da", "atryg", "x"), reply("da", "tryg", "y")];
        assert_eq!(
            shortcuts(&matching(&both, "tryg", Lang::Da)),
            ["tryg", "atryg"],
            "starting with it before containing it"
        );
        assert_eq!(shortcuts(&matching(&all, "VEL", Lang::Da)), ["velkommen"]);
        assert!(matching(&all, "xyz", Lang::Da).is_empty());
    }

    #[test]
    fn arrows_move_enter_inserts_and_escape_closes() {
        Owner::new().with(|| {
            let picker = Picker::new();
            picker.replies.set(replies());
            assert_eq!(picker.key("Enter", "hej", Lang::Da), KeyAction::Pass);
            assert_eq!(picker.key("ArrowDown", "/", Lang::Da), KeyAction::Handled);
            assert_eq!(picker.key("ArrowDown", "/", Lang::Da), KeyAction::Handled);
            assert_eq!(
                picker.key("Enter", "/", Lang::Da),
                KeyAction::Insert("Hej, og tak fordi du skriver.".into()),
                "the third option"
            );
            assert_eq!(picker.key("ArrowUp", "/", Lang::Da), KeyAction::Handled);
            assert_eq!(
                picker.key("Tab", "/", Lang::Da),
                KeyAction::Insert("Hi, and thank you for writing.".into()),
                "up from the first wraps to the last"
            );
            picker.typed();
            assert_eq!(
                picker.key("Enter", "/tr", Lang::Da),
                KeyAction::Insert("Er du i sikkerhed lige nu?".into())
            );
            assert_eq!(picker.key("Escape", "/tr", Lang::Da), KeyAction::Handled);
            assert!(picker.options("/tr", Lang::Da).is_empty(), "closed");
            assert_eq!(picker.key("Enter", "/tr", Lang::Da), KeyAction::Pass);
            assert_eq!(picker.options("/try", Lang::Da).len(), 1, "typing reopens");
        });
    }
}
