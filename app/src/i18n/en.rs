use super::Texts;

/// English: for young people and parents who read English more easily.
pub(super) static TEXTS: Texts = Texts {
    language_name: "English",
    language_nav: "Language",
    quick_exit: "Quick exit",
    quick_exit_hint: "Leaves this site at once and forgets the conversation on this device",
    landing_lead: "Write to us – you don't have to say who you are.",
    landing_who: "For young people up to 25 who think about cannabis, alcohol or other drugs – and for parents, relatives and professionals worried about a young person.",
    landing_promises: [
        "You stay anonymous: no name, no e-mail, no phone number",
        "It is free and there is no waiting list",
        "You decide what you want to tell",
    ],
    emergency_heading: "Need help right now?",
    emergency_text: "The chat is not an emergency service. If someone is in danger, call 112.",
    emergency_112: "Emergency 112",
    not_found_heading: "Page not found",
    not_found_text: "The address may be mistyped, or the page has moved.",
    back_to_front_page: "To the front page",
    skip_to_content: "Skip to content",
};
