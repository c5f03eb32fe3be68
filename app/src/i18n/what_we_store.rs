//! The texts of the "what we store" page, Danish and English.
//!
//! A table of their own, outside [`super::Texts`]: the page is rendered on
//! the server only (no WASM), so these texts never weigh on the youth
//! bundle. The numbers in them come from the running configuration.

use super::Lang;

/// Every text of the "what we store" page in one language.
#[derive(Debug)]
pub struct WhatWeStoreTexts {
    /// Heading and tab title.
    pub title: &'static str,
    /// Under the heading.
    pub lead: &'static str,
    /// Heading: what is kept.
    pub kept_heading: &'static str,
    /// What is kept, one item each.
    pub kept: [&'static str; 4],
    /// Heading: how it is deleted.
    pub deleted_heading: &'static str,
    /// When a conversation is deleted, from the configured days.
    pub deleted_after: fn(u32) -> String,
    /// The rest of how deletion works.
    pub deleted: [&'static str; 2],
    /// Heading: what is never kept.
    pub never_heading: &'static str,
    /// What is never kept, one item each.
    pub never: [&'static str; 6],
    /// Heading: what the person's own device keeps.
    pub device_heading: &'static str,
    /// What the person's own device keeps.
    pub device: &'static str,
    /// Back to the chat.
    pub to_chat: &'static str,
}

/// The table for `lang`.
pub fn what_we_store_texts(lang: Lang) -> &'static WhatWeStoreTexts {
    match lang {
        Lang::Da => &DA,
        Lang::En => &EN,
    }
}

fn days_da(days: u32) -> String {
    match days {
        1 => "Din samtale slettes 1 dag efter, at der sidst skete noget i den.".to_owned(),
        n => format!("Din samtale slettes {n} dage efter, at der sidst skete noget i den."),
    }
}

fn days_en(days: u32) -> String {
    match days {
        1 => "Your conversation is deleted 1 day after the last thing that happened in it."
            .to_owned(),
        n => format!(
            "Your conversation is deleted {n} days after the last thing that happened in it."
        ),
    }
}

static DA: WhatWeStoreTexts = WhatWeStoreTexts {
    title: "Hvad gemmer vi?",
    lead: "Her kan du se, hvad vi gemmer, når du skriver til os – og hvad vi aldrig gemmer. Siden viser, hvordan vi er sat op lige nu.",
    kept_heading: "Det gemmer vi",
    kept: [
        "Det, du skriver: dine beskeder, dine breve og dit kaldenavn – og de noter, rådgiveren skriver om samtalen. Det er låst med en nøgle, der kun hører til din samtale.",
        "Hvornår der sidst skete noget i samtalen, så vi ved, hvornår den skal slettes.",
        "Får du en kode, gemmer vi kun et fingeraftryk af den – aldrig selve koden.",
        "Tal til vores statistik: fx at en samtale startede, hvor længe man ventede, og hvordan den sluttede. Uden det, du skrev, og uden noget, der peger på dig.",
    ],
    deleted_heading: "Sådan sletter vi",
    deleted_after: days_da,
    deleted: [
        "Vil du have den slettet med det samme, så tryk på »Slet samtalen nu« i chatten.",
        "Vi sletter først nøglen til din samtale. Uden nøglen kan ingen læse den igen – heller ikke i en sikkerhedskopi.",
    ],
    never_heading: "Det gemmer vi aldrig",
    never: [
        "Din IP-adresse",
        "Hvilken telefon, computer eller browser du bruger",
        "Dit navn, dit CPR-nummer, din e-mail eller dit telefonnummer – vi spørger ikke om dem",
        "Selve din kode",
        "Det, du skriver, i vores logfiler",
        "Sporings- eller reklamecookies (vi husker kun dit sprogvalg, hvis du skifter sprog)",
    ],
    device_heading: "På din telefon eller computer",
    device: "Din browser husker kun et tilfældigt nummer for samtalen, og kun så længe fanen er åben. »Hurtig exit« glemmer det med det samme.",
    to_chat: "Til chatten",
};

static EN: WhatWeStoreTexts = WhatWeStoreTexts {
    title: "What do we store?",
    lead: "Here you can see what we store when you write to us – and what we never store. This page shows how we are set up right now.",
    kept_heading: "What we store",
    kept: [
        "What you write: your messages, your letters and your nickname – and the notes the counsellor writes about the conversation. It is locked with a key that belongs to your conversation only.",
        "When something last happened in the conversation, so we know when to delete it.",
        "If you get a code, we only keep a fingerprint of it – never the code itself.",
        "Numbers for our statistics: for example that a conversation started, how long the wait was and how it ended. Without what you wrote, and without anything that points to you.",
    ],
    deleted_heading: "How we delete",
    deleted_after: days_en,
    deleted: [
        "If you want it deleted at once, tap \u{201c}Delete the conversation now\u{201d} in the chat.",
        "We delete the key to your conversation first. Without the key nobody can read it again – not even in a backup.",
    ],
    never_heading: "What we never store",
    never: [
        "Your IP address",
        "Which phone, computer or browser you use",
        "Your name, CPR number, e-mail or phone number – we do not ask for them",
        "Your code itself",
        "What you write, in our log files",
        "Tracking or advertising cookies (we only remember your language if you switch it)",
    ],
    device_heading: "On your phone or computer",
    device: "Your browser only remembers a random number for the conversation, and only while the tab is open. \u{201c}Quick exit\u{201d} forgets it at once.",
    to_chat: "To the chat",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deletion_sentence_says_the_configured_days() {
        assert!((what_we_store_texts(Lang::Da).deleted_after)(30).contains("30 dage"));
        assert!((what_we_store_texts(Lang::Da).deleted_after)(1).contains("1 dag "));
        assert!((what_we_store_texts(Lang::En).deleted_after)(7).contains("7 days"));
        assert!((what_we_store_texts(Lang::En).deleted_after)(1).contains("1 day "));
    }
}
