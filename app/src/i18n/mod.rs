//! Every text a visitor sees goes through here: Danish by default, English
//! second. Texts are fields of [`Texts`], so a text missing in one language is
//! a compile error, not a blank on someone's phone.
//!
//! The language is chosen once per request on the server (a `lang` cookie set
//! by the switch, else the browser's `Accept-Language`), shared with the client
//! at hydration, and can be switched on the page without a reload.

pub mod booking;
mod da;
mod en;
mod lang;
pub mod letters;
pub mod what_we_store;

pub use lang::Lang;

use leptos::prelude::*;

/// All user-visible texts of the front door in one language.
///
/// Service-specific texts (the service's name, its welcome text, helplines)
/// are configuration and live in [`crate::service::ServiceInfo`] instead.
#[derive(Debug)]
pub struct Texts {
    /// The name of the language in itself, shown on the switch.
    pub language_name: &'static str,
    /// Accessible name of the language switch.
    pub language_nav: &'static str,
    /// The always-visible button that leaves the site at once.
    pub quick_exit: &'static str,
    /// Explains the quick exit to screen readers and on hover.
    pub quick_exit_hint: &'static str,
    /// Main heading on the landing page under the service name.
    pub landing_lead: &'static str,
    /// Who the service is for.
    pub landing_who: &'static str,
    /// The three promises: short items shown as a list.
    pub landing_promises: [&'static str; 3],
    /// Heading of the emergency box.
    pub emergency_heading: &'static str,
    /// The chat is not an emergency service.
    pub emergency_text: &'static str,
    /// Label for the emergency number 112.
    pub emergency_112: &'static str,
    /// Heading of the page shown for an unknown address.
    pub not_found_heading: &'static str,
    /// Text on the not-found page.
    pub not_found_text: &'static str,
    /// Link back to the front page.
    pub back_to_front_page: &'static str,
    /// Small link to the "what we store" page (landing and chat).
    pub what_we_store_link: &'static str,
    /// For parents and professionals: booking a talk or a parent group.
    pub book_lead: &'static str,
    /// The link to booking a first conversation.
    pub book_link: &'static str,
    /// The link to the parent groups.
    pub groups_link: &'static str,
    /// Before the letter link: write any time, an answer comes later.
    pub letter_lead: &'static str,
    /// The link to writing an anonymous letter.
    pub letter_link: &'static str,
    /// Accessible name of the main navigation landmark's skip link.
    pub skip_to_content: &'static str,
    /// The landing page's main action.
    pub chat_cta: &'static str,
    /// Heading of the chat page.
    pub chat_page_title: &'static str,
    /// Question: who is writing.
    pub who_are_you: &'static str,
    /// Role choice.
    pub role_young_person: &'static str,
    /// Role choice.
    pub role_parent: &'static str,
    /// Role choice.
    pub role_professional: &'static str,
    /// Optional name to be called by.
    pub nickname_label: &'static str,
    /// Under the nickname field.
    pub nickname_hint: &'static str,
    /// Opens the resume-code form on the start screen.
    pub have_code: &'static str,
    /// Label of the resume-code field.
    pub code_label: &'static str,
    /// Continues with a resume code.
    pub continue_chat: &'static str,
    /// A resume code that matches nothing.
    pub code_wrong: &'static str,
    /// Too many resume-code tries.
    pub code_too_many: &'static str,
    /// Too many new chats from this network just now (a school, say).
    pub start_too_many: &'static str,
    /// A resume code whose conversation was ended for good.
    pub code_ended: &'static str,
    /// Asks for a resume code.
    pub get_code: &'static str,
    /// Offered when the talk has ended.
    pub code_offer: &'static str,
    /// Above a shown resume code.
    pub code_heading: &'static str,
    /// Under a shown resume code.
    pub code_explain: &'static str,
    /// The chat is open (no closing time known).
    pub chat_open: &'static str,
    /// The chat is open; {time} is the closing time.
    pub chat_open_until: &'static str,
    /// The chat is closed now.
    pub chat_closed: &'static str,
    /// When it opens; {when} is e.g. \"i morgen kl. 14:00\".
    pub chat_opens: &'static str,
    /// No opening in sight.
    pub chat_opens_unknown: &'static str,
    /// Caption of the opening-hours table.
    pub hours_heading: &'static str,
    /// Optional age band question.
    pub age_label: &'static str,
    /// Optional topic question.
    pub topic_label: &'static str,
    /// Starts the chat.
    pub start_chat: &'static str,
    /// While the socket opens.
    pub connecting: &'static str,
    /// While the connection is lost.
    pub reconnecting: &'static str,
    /// Queue position; {n} is replaced.
    pub queue_position: &'static str,
    /// Estimated wait; {m} is replaced by minutes.
    pub queue_estimate: &'static str,
    /// No data for an estimate yet.
    pub queue_no_estimate: &'static str,
    /// What to do while waiting.
    pub queue_meanwhile: &'static str,
    /// A counsellor took the chat; {name} is replaced.
    pub counsellor_joined: &'static str,
    /// The counsellor is writing; {name} is replaced.
    pub typing: &'static str,
    /// Label of the person's own messages for screen readers.
    pub you: &'static str,
    /// Message not yet stored.
    pub status_sending: &'static str,
    /// Message stored by the service.
    pub status_sent: &'static str,
    /// Message read by the counsellor.
    pub status_read: &'static str,
    /// Accessible name of the message field.
    pub composer_label: &'static str,
    /// Send button.
    pub send: &'static str,
    /// Ends the chat.
    pub end_chat: &'static str,
    /// Ends and deletes the chat now.
    pub delete_chat: &'static str,
    /// The chat has ended.
    pub ended: &'static str,
    /// The chat is deleted.
    pub deleted: &'static str,
    /// When the conversation is deleted; {date} is replaced.
    pub deleted_after: &'static str,
    /// An old page after an update.
    pub reload_needed: &'static str,
    /// Accessible name of the message list.
    pub messages_label: &'static str,
    /// Start over after the end.
    pub new_chat: &'static str,
    /// Shown beside the chat after a risk word, calmly.
    pub serious_notice: &'static str,
    /// Tells that Escape three times leaves at once.
    pub quick_exit_keys: &'static str,
    /// Age bands, in `AgeBand::ALL` order.
    pub age_bands: [&'static str; 7],
    /// Topics, in `Topic::ALL` order.
    pub topics: [&'static str; 7],
}

/// The language of the page and its texts, provided as context by [`provide_i18n`].
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// The current language (reactive).
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// The texts in the current language (reactive: call inside a closure).
    pub fn t(&self) -> &'static Texts {
        self.lang.get().texts()
    }

    /// A reactive text: `{i18n.text(|t| t.send)}` in a view. Every text
    /// rendered this way has the same closure type, so the view code that
    /// renders and updates it is compiled once; a `move || i18n.t().send`
    /// at each place would be a type, and a copy of that code, of its own
    /// (about a kilobyte of WASM each).
    pub fn text(
        self,
        pick: fn(&Texts) -> &'static str,
    ) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || pick(self.t())
    }

    /// Switches the page's language; remembered on this device by a cookie
    /// that holds nothing but the language code.
    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
    }
}

/// Makes [`I18n`] available to every component below.
pub fn provide_i18n(initial: Lang) -> I18n {
    let i18n = I18n {
        lang: RwSignal::new(initial),
    };
    provide_context(i18n);
    i18n
}

/// The [`I18n`] provided by the app root.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_filled_in_in_both_languages() {
        for lang in Lang::ALL {
            let t = lang.texts();
            let all = [
                t.language_name,
                t.language_nav,
                t.quick_exit,
                t.quick_exit_hint,
                t.landing_lead,
                t.landing_who,
                t.emergency_heading,
                t.emergency_text,
                t.emergency_112,
                t.not_found_heading,
                t.not_found_text,
                t.back_to_front_page,
                t.skip_to_content,
                t.chat_cta,
                t.chat_page_title,
                t.who_are_you,
                t.role_young_person,
                t.role_parent,
                t.role_professional,
                t.age_label,
                t.topic_label,
                t.start_chat,
                t.connecting,
                t.reconnecting,
                t.queue_position,
                t.queue_estimate,
                t.queue_no_estimate,
                t.queue_meanwhile,
                t.counsellor_joined,
                t.typing,
                t.you,
                t.status_sending,
                t.status_sent,
                t.status_read,
                t.composer_label,
                t.send,
                t.end_chat,
                t.delete_chat,
                t.ended,
                t.deleted,
                t.deleted_after,
                t.reload_needed,
                t.messages_label,
                t.new_chat,
                t.serious_notice,
                t.quick_exit_keys,
            ];
            for text in all
                .iter()
                .chain(t.landing_promises.iter())
                .chain(t.age_bands.iter())
                .chain(t.topics.iter())
            {
                assert!(!text.trim().is_empty(), "{lang:?} has an empty text");
            }
        }
    }

    #[test]
    fn danish_and_english_texts_differ() {
        assert_ne!(Lang::Da.texts().quick_exit, Lang::En.texts().quick_exit);
        assert_ne!(Lang::Da.texts().landing_lead, Lang::En.texts().landing_lead);
    }
}
