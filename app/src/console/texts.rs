//! Every text of the counsellor console, in Danish (default) and English.
//!
//! Kept here rather than in [`crate::i18n`]: that table is compiled into the
//! youth page's bundle, which has a size budget; the console has a bundle of
//! its own. Texts are struct fields, so a text missing in one language is a
//! compile error, not a blank on a counsellor's screen.

use crate::protocol::console::{Outcome, QueueEntry};
use crate::protocol::{AgeBand, Role, Topic};

/// A language the console speaks. Danish is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// Danish.
    #[default]
    Da,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 code, for `<html lang>` and the stored preference.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    /// Reads a stored code; anything else is Danish.
    pub fn from_code(code: &str) -> Lang {
        if code == "en" { Lang::En } else { Lang::Da }
    }

    /// The other language (the console offers a single switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::Da => Lang::En,
            Lang::En => Lang::Da,
        }
    }

    /// The texts in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Da => &DA,
            Lang::En => &EN,
        }
    }
}

/// All console texts in one language. `{name}`-style placeholders are
/// filled with [`fill`].
#[derive(Debug)]
pub struct Texts {
    /// The console's name in the header and title.
    pub console: &'static str,
    /// The switch's label: the *other* language, in itself.
    pub other_language: &'static str,
    /// Logs out.
    pub log_out: &'static str,
    /// Who is logged in: `{name}`.
    pub logged_in_as: &'static str,
    /// Checking the session at start.
    pub loading: &'static str,
    /// Connection state: opening the socket.
    pub link_connecting: &'static str,
    /// Connection state: live.
    pub link_online: &'static str,
    /// Connection state: lost, retrying with back-off.
    pub link_retrying: &'static str,
    /// The server speaks a newer protocol (after a deploy).
    pub link_reload: &'static str,
    /// Reloads the page.
    pub reload: &'static str,
    /// Heading of the login form.
    pub login_heading: &'static str,
    /// Under the heading.
    pub login_intro: &'static str,
    /// Login name field.
    pub login_name: &'static str,
    /// Password field.
    pub password: &'static str,
    /// Submits the login.
    pub log_in: &'static str,
    /// While the login is checked.
    pub logging_in: &'static str,
    /// Wrong name or password.
    pub login_failed: &'static str,
    /// Too many attempts: `{s}` seconds to wait.
    pub login_too_many: &'static str,
    /// Anything else went wrong.
    pub login_error: &'static str,
    /// The session ended (expired, or logged out elsewhere).
    pub session_ended: &'static str,
    /// Heading of the queue column.
    pub queue_heading: &'static str,
    /// Nobody waits.
    pub queue_empty: &'static str,
    /// Takes a waiting chat.
    pub claim: &'static str,
    /// While the claim is on its way.
    pub claiming: &'static str,
    /// How long someone has waited: `{time}`.
    pub waited: &'static str,
    /// Waiting time under a minute.
    pub under_a_minute: &'static str,
    /// Waiting time in minutes: `{m}`.
    pub minutes: &'static str,
    /// Waiting time in hours and minutes: `{h}`, `{m}`.
    pub hours_minutes: &'static str,
    /// Marks a chat raised in priority (risk words, or by hand).
    pub priority: &'static str,
    /// A returning person: `{n}` is the talk number.
    pub returning: &'static str,
    /// A returning person and their last counsellor: `{n}`, `{name}`.
    pub returning_with: &'static str,
    /// The claim lost: another counsellor took the chat.
    pub taken_by_other: &'static str,
    /// The claim was refused: kept for the counsellor of the last talk.
    pub kept_for_last: &'static str,
    /// The chat left the queue before the claim arrived.
    pub no_longer_waiting: &'static str,
    /// Who is writing, by [`Role`] (in [`Role`]'s order).
    pub roles: [&'static str; 3],
    /// Age bands, in [`AgeBand::ALL`]'s order.
    pub age_bands: [&'static str; 7],
    /// Topics, in [`Topic::ALL`]'s order.
    pub topics: [&'static str; 7],
    /// Heading of the open-chats list.
    pub chats_heading: &'static str,
    /// No open chats.
    pub no_chats: &'static str,
    /// The chime checkbox.
    pub sound: &'static str,
    /// The shortcut list's summary.
    pub shortcuts: &'static str,
    /// What Alt+↓/↑ does.
    pub shortcut_next: &'static str,
    /// What Alt+1…9 does.
    pub shortcut_nth: &'static str,
    /// What Alt+Q does.
    pub shortcut_queue: &'static str,
    /// What Enter and Shift+Enter do in the reply field.
    pub shortcut_send: &'static str,
    /// A chat whose details this page does not know (reopened after a
    /// reload): `{n}` is its number.
    pub conversation_n: &'static str,
    /// Unread messages in a tab: `{n}`.
    pub unread: &'static str,
    /// Marks an ended chat in the tabs.
    pub ended_badge: &'static str,
    /// The person is typing: `{name}`.
    pub typing: &'static str,
    /// The counsellor's own messages.
    pub you: &'static str,
    /// The messages list's accessible name.
    pub messages_label: &'static str,
    /// Own message: not yet stored.
    pub status_sending: &'static str,
    /// Own message: stored.
    pub status_sent: &'static str,
    /// Own message: refused or failed.
    pub status_failed: &'static str,
    /// Sends a failed message again.
    pub resend: &'static str,
    /// The composer's label: `{name}`.
    pub composer_label: &'static str,
    /// How the composer's keys work.
    pub composer_hint: &'static str,
    /// Sends.
    pub send: &'static str,
    /// Starts closing a chat.
    pub close_chat: &'static str,
    /// The outcome choice.
    pub outcome_label: &'static str,
    /// Outcomes, in [`OUTCOMES`]' order.
    pub outcomes: [&'static str; 6],
    /// Confirms closing.
    pub confirm_close: &'static str,
    /// Backs out of closing or blocking.
    pub cancel: &'static str,
    /// Starts blocking a chat.
    pub block: &'static str,
    /// What blocking does.
    pub block_explain: &'static str,
    /// Confirms blocking.
    pub confirm_block: &'static str,
    /// While a close or block is on its way.
    pub ending: &'static str,
    /// The person ended the chat.
    pub ended_by_person: &'static str,
    /// The person deleted the chat.
    pub ended_deleted: &'static str,
    /// The chat is no longer open (ended while this page was away).
    pub ended_gone: &'static str,
    /// Removes an ended chat from the tabs.
    pub dismiss: &'static str,
    /// Frames sent too fast.
    pub error_rate: &'static str,
    /// The server could not store something.
    pub error_unavailable: &'static str,
    /// Not possible in the chat's state.
    pub error_not_allowed: &'static str,
    /// Anything else.
    pub error_other: &'static str,
    /// Announced: one new chat in the queue: `{who}`.
    pub announce_new_chat: &'static str,
    /// Announced: several new chats: `{n}`.
    pub announce_new_chats: &'static str,
    /// Announced: a message in the chat on screen: `{name}`, `{text}`.
    pub announce_message: &'static str,
    /// Announced: a message in another chat: `{name}`.
    pub announce_message_elsewhere: &'static str,
    /// Announced: the claim succeeded: `{name}`.
    pub announce_claimed: &'static str,
    /// Announced: the person ended: `{name}`.
    pub announce_ended: &'static str,
    /// Announced: this console closed it: `{name}`.
    pub announce_closed: &'static str,
}

/// The outcomes, in the order the close form lists them.
pub const OUTCOMES: [Outcome; 6] = [
    Outcome::AdviceGiven,
    Outcome::BookedTalk,
    Outcome::ReferredElsewhere,
    Outcome::ConvertedToTreatment,
    Outcome::PersonLeft,
    Outcome::Other,
];

/// Danish, the default.
pub static DA: Texts = Texts {
    console: "Konsol",
    other_language: "English",
    log_out: "Log ud",
    logged_in_as: "Logget ind som {name}",
    loading: "Henter…",
    link_connecting: "Forbinder…",
    link_online: "Forbundet",
    link_retrying: "Forbindelsen er væk – prøver igen…",
    link_reload: "Konsollen er blevet opdateret. Genindlæs siden.",
    reload: "Genindlæs",
    login_heading: "Log ind",
    login_intro: "Konsollen er for rådgivere.",
    login_name: "Brugernavn",
    password: "Adgangskode",
    log_in: "Log ind",
    logging_in: "Logger ind…",
    login_failed: "Forkert brugernavn eller adgangskode.",
    login_too_many: "For mange forsøg. Prøv igen om {s} sekunder.",
    login_error: "Det lykkedes ikke at logge ind. Prøv igen om lidt.",
    session_ended: "Du er logget ud. Log ind igen for at fortsætte.",
    queue_heading: "Kø",
    queue_empty: "Ingen venter lige nu.",
    claim: "Tag samtalen",
    claiming: "Tager…",
    waited: "Venter {time}",
    under_a_minute: "under 1 min",
    minutes: "{m} min",
    hours_minutes: "{h} t {m} min",
    priority: "Prioritet",
    returning: "Kommer igen (samtale {n})",
    returning_with: "Kommer igen (samtale {n}), sidst med {name}",
    taken_by_other: "En anden rådgiver tog samtalen.",
    kept_for_last: "Samtalen holdes lige nu til rådgiveren fra sidste samtale.",
    no_longer_waiting: "Samtalen venter ikke længere.",
    roles: ["Ung", "Forælder eller pårørende", "Fagperson"],
    age_bands: [
        "under 13 år",
        "13–14 år",
        "15–17 år",
        "18–21 år",
        "22–25 år",
        "over 25 år",
        "alder ikke oplyst",
    ],
    topics: [
        "Hash",
        "Alkohol",
        "Festdrugs",
        "Andre stoffer eller medicin",
        "En de holder af",
        "Skole, arbejde eller hjem",
        "Andet",
    ],
    chats_heading: "Mine samtaler",
    no_chats: "Ingen åbne samtaler. Tag en fra køen.",
    sound: "Lyd ved nye beskeder og nye samtaler i køen",
    shortcuts: "Tastaturgenveje",
    shortcut_next: "næste / forrige samtale",
    shortcut_nth: "samtale nummer 1–9",
    shortcut_queue: "gå til køen",
    shortcut_send: "send (Shift+Enter giver ny linje)",
    conversation_n: "Samtale {n}",
    unread: "{n} ulæste",
    ended_badge: "slut",
    typing: "{name} skriver…",
    you: "Dig",
    messages_label: "Beskeder",
    status_sending: "Sender…",
    status_sent: "Sendt",
    status_failed: "Ikke sendt",
    resend: "Send igen",
    composer_label: "Svar til {name}",
    composer_hint: "Enter sender. Shift+Enter giver ny linje.",
    send: "Send",
    close_chat: "Afslut…",
    outcome_label: "Hvordan endte samtalen?",
    outcomes: [
        "Råd og vejledning givet",
        "Samtale booket",
        "Henvist til andet tilbud",
        "Overgår til behandling",
        "Personen gik",
        "Andet",
    ],
    confirm_close: "Afslut samtalen",
    cancel: "Fortryd",
    block: "Bloker…",
    block_explain: "Samtalen slutter med det samme, og personens kode kan ikke bruges igen. Kun ved misbrug.",
    confirm_block: "Afslut og bloker",
    ending: "Afslutter…",
    ended_by_person: "Personen har afsluttet samtalen.",
    ended_deleted: "Personen har slettet samtalen. Beskederne er væk.",
    ended_gone: "Samtalen er ikke længere åben.",
    dismiss: "Luk",
    error_rate: "Du sender for hurtigt. Vent et øjeblik.",
    error_unavailable: "Serveren kunne ikke gemme det. Prøv igen.",
    error_not_allowed: "Det kan ikke lade sig gøre i samtalen nu.",
    error_other: "Noget gik galt. Prøv igen.",
    announce_new_chat: "Ny i køen: {who}",
    announce_new_chats: "{n} nye i køen",
    announce_message: "{name}: {text}",
    announce_message_elsewhere: "Ny besked fra {name}",
    announce_claimed: "Du har samtalen med {name}.",
    announce_ended: "{name} har afsluttet samtalen.",
    announce_closed: "Samtalen med {name} er afsluttet.",
};

/// English.
pub static EN: Texts = Texts {
    console: "Console",
    other_language: "Dansk",
    log_out: "Log out",
    logged_in_as: "Logged in as {name}",
    loading: "Loading…",
    link_connecting: "Connecting…",
    link_online: "Connected",
    link_retrying: "Connection lost – retrying…",
    link_reload: "The console has been updated. Reload the page.",
    reload: "Reload",
    login_heading: "Log in",
    login_intro: "The console is for counsellors.",
    login_name: "User name",
    password: "Password",
    log_in: "Log in",
    logging_in: "Logging in…",
    login_failed: "Wrong user name or password.",
    login_too_many: "Too many attempts. Try again in {s} seconds.",
    login_error: "Could not log in. Try again shortly.",
    session_ended: "You are logged out. Log in again to continue.",
    queue_heading: "Queue",
    queue_empty: "Nobody is waiting right now.",
    claim: "Take chat",
    claiming: "Taking…",
    waited: "Waiting {time}",
    under_a_minute: "under 1 min",
    minutes: "{m} min",
    hours_minutes: "{h} h {m} min",
    priority: "Priority",
    returning: "Returning (talk {n})",
    returning_with: "Returning (talk {n}), last talked with {name}",
    taken_by_other: "Another counsellor took the chat.",
    kept_for_last: "This chat is kept for the counsellor of the last talk for now.",
    no_longer_waiting: "The chat is no longer waiting.",
    roles: ["Young person", "Parent or relative", "Professional"],
    age_bands: [
        "under 13",
        "13–14",
        "15–17",
        "18–21",
        "22–25",
        "over 25",
        "age not given",
    ],
    topics: [
        "Cannabis",
        "Alcohol",
        "Party drugs",
        "Other drugs or medicine",
        "Someone close",
        "School, work or home",
        "Other",
    ],
    chats_heading: "My chats",
    no_chats: "No open chats. Take one from the queue.",
    sound: "Sound for new messages and new chats in the queue",
    shortcuts: "Keyboard shortcuts",
    shortcut_next: "next / previous chat",
    shortcut_nth: "chat number 1–9",
    shortcut_queue: "go to the queue",
    shortcut_send: "send (Shift+Enter for a new line)",
    conversation_n: "Chat {n}",
    unread: "{n} unread",
    ended_badge: "ended",
    typing: "{name} is typing…",
    you: "You",
    messages_label: "Messages",
    status_sending: "Sending…",
    status_sent: "Sent",
    status_failed: "Not sent",
    resend: "Send again",
    composer_label: "Reply to {name}",
    composer_hint: "Enter sends. Shift+Enter adds a line.",
    send: "Send",
    close_chat: "Close…",
    outcome_label: "How did the chat end?",
    outcomes: [
        "Advice given",
        "Talk booked",
        "Referred elsewhere",
        "Converted to treatment",
        "The person left",
        "Other",
    ],
    confirm_close: "Close chat",
    cancel: "Cancel",
    block: "Block…",
    block_explain: "The chat ends at once and the person's code stops working. Only for abuse.",
    confirm_block: "Close and block",
    ending: "Closing…",
    ended_by_person: "The person ended the chat.",
    ended_deleted: "The person deleted the chat. The messages are gone.",
    ended_gone: "The chat is no longer open.",
    dismiss: "Close tab",
    error_rate: "You are sending too fast. Wait a moment.",
    error_unavailable: "The server could not store it. Try again.",
    error_not_allowed: "That is not possible in this chat now.",
    error_other: "Something went wrong. Try again.",
    announce_new_chat: "New in the queue: {who}",
    announce_new_chats: "{n} new in the queue",
    announce_message: "{name}: {text}",
    announce_message_elsewhere: "New message from {name}",
    announce_claimed: "You have the chat with {name}.",
    announce_ended: "{name} ended the chat.",
    announce_closed: "The chat with {name} is closed.",
};

/// The console's texts for working with chats (transfers, status, notes,
/// concerns, the coordinator's view): kept apart from [`Texts`] so features
/// add their texts without touching each other's.
#[derive(Debug)]
pub struct WorkTexts {
    /// Announced: a colleague gave this counsellor a chat: `{name}`, `{from}`.
    pub announce_transferred_to_you: &'static str,
    /// Announced: a chat was given to someone else: `{name}`.
    pub announce_transferred_away: &'static str,
    /// Announced: a chat went back to the queue: `{name}`.
    pub announce_returned: &'static str,
    /// The status selector's label.
    pub status_label: &'static str,
    /// Status: takes new chats.
    pub status_available: &'static str,
    /// Status: on duty, no new chats.
    pub status_busy: &'static str,
    /// Status: away from the console.
    pub status_away: &'static str,
    /// Opens the transfer dialog.
    pub transfer: &'static str,
    /// The transfer dialog's heading.
    pub transfer_heading: &'static str,
    /// Label of the list of colleagues.
    pub transfer_to: &'static str,
    /// The choice: back to the queue.
    pub transfer_to_queue: &'static str,
    /// A colleague in the list: `{name}`, `{status}`, `{chats}`, `{max}`.
    pub colleague: &'static str,
    /// No colleague can take it now.
    pub no_colleagues: &'static str,
    /// Label of the handover note.
    pub handover_note: &'static str,
    /// Sends the transfer.
    pub transfer_send: &'static str,
    /// Heading of a received handover note: `{from}`.
    pub handover_from: &'static str,
    /// Heading of the course notes.
    pub notes_heading: &'static str,
    /// No notes yet.
    pub no_notes: &'static str,
    /// Label of the note field.
    pub note_label: &'static str,
    /// Saves a note.
    pub note_save: &'static str,
    /// Saves despite the warnings.
    pub save_anyway: &'static str,
    /// Before the warnings.
    pub warnings_intro: &'static str,
    /// Warning: an e-mail address.
    pub warn_email: &'static str,
    /// Warning: a phone number.
    pub warn_phone: &'static str,
    /// Warning: a name: `{name}`.
    pub warn_name: &'static str,
    /// A CPR-like number is never saved.
    pub refuse_cpr: &'static str,
    /// Opens the concern dialog.
    pub concern: &'static str,
    /// The concern dialog's heading.
    pub concern_heading: &'static str,
    /// Label of the concern field.
    pub concern_label: &'static str,
    /// Records the concern.
    pub concern_record: &'static str,
    /// Heading of the emergency procedure.
    pub emergency_heading: &'static str,
    /// The default emergency procedure.
    pub emergency_default: &'static str,
    /// Heading of the duty to notify.
    pub duty_heading: &'static str,
    /// The default duty-to-notify guidance.
    pub duty_default: &'static str,
    /// Alert: no reply in time: `{name}`.
    pub alert_unanswered: &'static str,
    /// Alert: the console was gone: `{name}`.
    pub alert_console_gone: &'static str,
    /// Alert: sent back by hand: `{name}`.
    pub alert_reassigned: &'static str,
    /// Alert: given to a colleague: `{name}`.
    pub alert_transferred: &'static str,
    /// Opens the coordinator's overview.
    pub all_chats: &'static str,
    /// The overview's heading.
    pub all_chats_heading: &'static str,
    /// Reloads the overview.
    pub refresh: &'static str,
    /// No live chats.
    pub no_live_chats: &'static str,
    /// Who has a chat: `{name}`.
    pub held_by: &'static str,
    /// A chat waiting.
    pub in_queue: &'static str,
    /// Last activity: `{min}` minutes ago.
    pub last_activity: &'static str,
    /// Opens a chat read-only.
    pub watch: &'static str,
    /// Banner of a watched chat.
    pub watching: &'static str,
    /// Reassigns a chat.
    pub reassign: &'static str,
    /// Refused: at the maximum.
    pub error_too_many_chats: &'static str,
    /// Refused: the colleague cannot take it.
    pub error_colleague_unavailable: &'static str,
    /// Opens the outcome form of a chat the person ended.
    pub record_outcome: &'static str,
}

/// Danish.
pub static WORK_DA: WorkTexts = WorkTexts {
    announce_transferred_to_you: "{from} har givet dig samtalen med {name}.",
    announce_transferred_away: "Samtalen med {name} er givet videre.",
    announce_returned: "Samtalen med {name} er sendt tilbage i køen.",
    status_label: "Din status",
    status_available: "Ledig",
    status_busy: "Optaget",
    status_away: "Væk",
    transfer: "Giv videre",
    transfer_heading: "Giv samtalen videre",
    transfer_to: "Til",
    transfer_to_queue: "Tilbage i køen (beholder sin plads)",
    colleague: "{name} – {status}, {chats}/{max} samtaler",
    no_colleagues: "Ingen kollega kan tage samtalen lige nu.",
    handover_note: "Overleveringsnote (ses kun af kolleger)",
    transfer_send: "Giv videre",
    handover_from: "Note fra {from}",
    notes_heading: "Noter til forløbet",
    no_notes: "Ingen noter endnu.",
    note_label: "Ny note (intet der kan identificere personen)",
    note_save: "Gem note",
    save_anyway: "Gem alligevel",
    warnings_intro: "Det her ligner noget, der kan identificere personen:",
    warn_email: "en e-mailadresse",
    warn_phone: "et telefonnummer",
    warn_name: "navnet {name}",
    refuse_cpr: "Noten indeholder noget, der ligner et CPR-nummer. Den kan ikke gemmes.",
    concern: "Bekymring",
    concern_heading: "Registrér en bekymring",
    concern_label: "Hvad bekymrer dig? (intet der kan identificere personen)",
    concern_record: "Registrér",
    emergency_heading: "Sådan gør du",
    emergency_default: "Er der fare for liv: ring 112 nu. Giv straks din koordinator besked, og bliv i samtalen, hvis du kan. Skriv kun det nødvendige – intet der kan identificere personen.",
    duty_heading: "Underretningspligt (under 18)",
    duty_default: "Du har skærpet underretningspligt: har du grund til at tro, at et barn eller en ung under 18 har brug for særlig støtte, skal kommunen underrettes. Tal med din koordinator om underretningen i dag.",
    alert_unanswered: "{name} kom tilbage i køen, fordi der ikke blev svaret i tide.",
    alert_console_gone: "{name} kom tilbage i køen, mens din konsol var væk.",
    alert_reassigned: "{name} er sendt tilbage i køen.",
    alert_transferred: "{name} er givet videre til en kollega.",
    all_chats: "Alle samtaler",
    all_chats_heading: "Alle aktive samtaler",
    refresh: "Opdatér",
    no_live_chats: "Ingen aktive samtaler.",
    held_by: "Hos {name}",
    in_queue: "I køen",
    last_activity: "sidst aktiv for {min} min. siden",
    watch: "Følg (kun læse)",
    watching: "Du følger samtalen og kan ikke skrive i den. Det er logget.",
    reassign: "Flyt",
    error_too_many_chats: "Du har allerede det højeste antal samtaler.",
    error_colleague_unavailable: "Kollegaen kan ikke tage samtalen nu.",
    record_outcome: "Registrér udfald",
};

/// English.
pub static WORK_EN: WorkTexts = WorkTexts {
    announce_transferred_to_you: "{from} gave you the chat with {name}.",
    announce_transferred_away: "The chat with {name} was handed over.",
    announce_returned: "The chat with {name} went back to the queue.",
    status_label: "Your status",
    status_available: "Available",
    status_busy: "Busy",
    status_away: "Away",
    transfer: "Transfer",
    transfer_heading: "Transfer the chat",
    transfer_to: "To",
    transfer_to_queue: "Back to the queue (keeps its place)",
    colleague: "{name} – {status}, {chats}/{max} chats",
    no_colleagues: "No colleague can take the chat right now.",
    handover_note: "Handover note (colleagues only)",
    transfer_send: "Transfer",
    handover_from: "Note from {from}",
    notes_heading: "Course notes",
    no_notes: "No notes yet.",
    note_label: "New note (nothing that identifies the person)",
    note_save: "Save note",
    save_anyway: "Save anyway",
    warnings_intro: "This looks like it could identify the person:",
    warn_email: "an e-mail address",
    warn_phone: "a phone number",
    warn_name: "the name {name}",
    refuse_cpr: "The note contains what looks like a CPR number. It cannot be saved.",
    concern: "Concern",
    concern_heading: "Record a concern",
    concern_label: "What worries you? (nothing that identifies the person)",
    concern_record: "Record",
    emergency_heading: "What to do",
    emergency_default: "If a life is in danger: call 112 now. Tell your coordinator at once and stay in the chat if you can. Write only what is needed – nothing that identifies the person.",
    duty_heading: "Duty to notify (under 18)",
    duty_default: "You have a duty to notify: if you have reason to believe that a child or young person under 18 needs special support, the municipality must be notified. Talk to your coordinator about the notification today.",
    alert_unanswered: "{name} went back to the queue: there was no reply in time.",
    alert_console_gone: "{name} went back to the queue while your console was gone.",
    alert_reassigned: "{name} was sent back to the queue.",
    alert_transferred: "{name} was handed to a colleague.",
    all_chats: "All chats",
    all_chats_heading: "All active chats",
    refresh: "Refresh",
    no_live_chats: "No active chats.",
    held_by: "With {name}",
    in_queue: "In the queue",
    last_activity: "last active {min} min ago",
    watch: "Watch (read-only)",
    watching: "You are watching this chat and cannot write in it. This is logged.",
    reassign: "Reassign",
    error_too_many_chats: "You already have your maximum number of chats.",
    error_colleague_unavailable: "The colleague cannot take the chat now.",
    record_outcome: "Record the outcome",
};

impl Lang {
    /// The texts for working with chats in this language.
    pub fn work(self) -> &'static WorkTexts {
        match self {
            Lang::Da => &WORK_DA,
            Lang::En => &WORK_EN,
        }
    }
}

/// Replaces `{key}` in a template.
pub fn fill(template: &str, key: &str, value: &str) -> String {
    template.replace(&format!("{{{key}}}"), value)
}

impl Texts {
    /// Who is writing.
    pub fn role(&self, role: Role) -> &'static str {
        match role {
            Role::YoungPerson => self.roles[0],
            Role::ParentOrRelative => self.roles[1],
            Role::Professional => self.roles[2],
        }
    }

    /// An age band.
    pub fn age_band(&self, band: AgeBand) -> &'static str {
        let i = AgeBand::ALL.iter().position(|b| *b == band).unwrap_or(6);
        self.age_bands[i]
    }

    /// A topic.
    pub fn topic(&self, topic: Topic) -> &'static str {
        let i = Topic::ALL.iter().position(|t| *t == topic).unwrap_or(6);
        self.topics[i]
    }

    /// An outcome.
    pub fn outcome(&self, outcome: Outcome) -> &'static str {
        let i = OUTCOMES.iter().position(|o| *o == outcome).unwrap_or(5);
        self.outcomes[i]
    }

    /// How long someone has waited, e.g. "Venter 4 min". Rounded down to
    /// whole minutes: the queue refreshes every 30 seconds, so seconds would
    /// only be wrong.
    pub fn waited_for(&self, now_ms: i64, since_ms: i64) -> String {
        let minutes = now_ms.saturating_sub(since_ms).max(0) / 60_000;
        let time = if minutes < 1 {
            self.under_a_minute.to_owned()
        } else if minutes < 60 {
            fill(self.minutes, "m", &minutes.to_string())
        } else {
            let hours = fill(self.hours_minutes, "h", &(minutes / 60).to_string());
            fill(&hours, "m", &(minutes % 60).to_string())
        };
        fill(self.waited, "time", &time)
    }

    /// Who is writing and about what, e.g. "Ung · 15–17 år · Alkohol".
    /// Without a nickname the chat is already called by its role (see
    /// [`Texts::chat_name`]), so the role is not said twice.
    pub fn describe(&self, entry: &QueueEntry) -> String {
        let mut parts = Vec::new();
        if has_nickname(entry) {
            parts.push(self.role(entry.role));
        }
        if let Some(band) = entry.age_band {
            parts.push(self.age_band(band));
        }
        if let Some(topic) = entry.topic {
            parts.push(self.topic(topic));
        }
        parts.join(" · ")
    }

    /// Name and description in one line, e.g. "Bo, Ung · 15–17 år · Hash"
    /// (for announcements, where there are no separate lines).
    pub fn who(&self, entry: &QueueEntry) -> String {
        let name = self.chat_name(entry.conversation, Some(entry));
        match self.describe(entry) {
            what if what.is_empty() => name,
            what => format!("{name}, {what}"),
        }
    }

    /// The returning-person line, if the person came back with a code.
    pub fn course(&self, entry: &QueueEntry) -> Option<String> {
        if entry.talk <= 1 && entry.previous_counsellor.is_none() {
            return None;
        }
        let n = entry.talk.to_string();
        Some(match &entry.previous_counsellor {
            Some(name) => fill(&fill(self.returning_with, "n", &n), "name", name),
            None => fill(self.returning, "n", &n),
        })
    }

    /// What the console calls a chat: the person's nickname, else who is
    /// writing, else (details unknown after a reload) its number.
    pub fn chat_name(&self, id: i64, entry: Option<&QueueEntry>) -> String {
        match entry {
            Some(entry) if has_nickname(entry) => entry
                .nickname
                .as_deref()
                .unwrap_or_default()
                .trim()
                .to_owned(),
            Some(entry) => self.role(entry.role).to_owned(),
            None => fill(self.conversation_n, "n", &id.to_string()),
        }
    }
}

/// The person gave a name to be called by.
fn has_nickname(entry: &QueueEntry) -> bool {
    entry
        .nickname
        .as_deref()
        .is_some_and(|n| !n.trim().is_empty())
}

/// The texts of the console's tools: risk flags and priority, canned
/// replies, and the coordinator's settings pages. A struct of their own so
/// features can add texts without touching each other's lines.
#[derive(Debug)]
pub struct ToolTexts {
    /// Announced when a risk word flags one of this counsellor's chats: `{name}`.
    pub announce_risk: &'static str,
    /// Before the matched risk words: "Risikoord:".
    pub risk_words: &'static str,
    /// Priority names, from low (-1) to urgent (2).
    pub priorities: [&'static str; 4],
    /// Before the priority: "Prioritet:".
    pub priority_label: &'static str,
    /// Raises a chat's priority: `{name}`.
    pub raise: &'static str,
    /// Lowers a chat's priority: `{name}`.
    pub lower: &'static str,
    /// The canned reply list's label.
    pub canned_label: &'static str,
    /// Under the composer, how to use canned replies.
    pub canned_hint: &'static str,
    /// No reply matches what was typed.
    pub canned_none: &'static str,
    /// Marks a shared reply in the list.
    pub canned_shared: &'static str,
    /// Marks a personal reply in the list.
    pub canned_own: &'static str,
    /// Settings page heading.
    pub settings_heading: &'static str,
    /// Only coordinators change the service's settings.
    pub settings_coordinators_only: &'static str,
    /// The settings could not be loaded.
    pub settings_unavailable: &'static str,
    /// Section: the service.
    pub service_heading: &'static str,
    /// Field: the service's name.
    pub service_name: &'static str,
    /// Field: the tagline in Danish.
    pub tagline_da: &'static str,
    /// Field: the tagline in English.
    pub tagline_en: &'static str,
    /// Field: the quick-exit address.
    pub quick_exit: &'static str,
    /// Section: opening hours.
    pub hours_heading: &'static str,
    /// How to write opening hours.
    pub hours_hint: &'static str,
    /// Weekday names, Monday first.
    pub weekdays: [&'static str; 7],
    /// Field: closed dates.
    pub closed_dates: &'static str,
    /// How to write closed dates.
    pub closed_hint: &'static str,
    /// Section: risk words.
    pub risk_heading: &'static str,
    /// How risk words work.
    pub risk_hint: &'static str,
    /// Field: Danish risk words.
    pub risk_da: &'static str,
    /// Field: English risk words.
    pub risk_en: &'static str,
    /// Saves one section.
    pub save: &'static str,
    /// Saved.
    pub saved: &'static str,
    /// Refused, with the server's explanation: `{field}`, `{message}`.
    pub refused: &'static str,
    /// The change could not be saved (network, server).
    pub save_failed: &'static str,
    /// Section: canned replies.
    pub canned_heading: &'static str,
    /// Field: language of a reply.
    pub canned_lang: &'static str,
    /// Field: the shortcut.
    pub canned_shortcut: &'static str,
    /// Field: the text.
    pub canned_text: &'static str,
    /// Option: shared with the team (coordinators).
    pub canned_make_shared: &'static str,
    /// Adds a reply.
    pub canned_add: &'static str,
    /// Deletes a reply: `{shortcut}`.
    pub canned_delete: &'static str,
    /// Language names: Danish, English.
    pub languages: [&'static str; 2],
}

/// Danish tool texts.
pub static TOOLS_DA: ToolTexts = ToolTexts {
    announce_risk: "Risikoord i samtalen med {name}.",
    risk_words: "Risikoord:",
    priorities: ["Lav", "Normal", "Forhøjet", "Akut"],
    priority_label: "Prioritet:",
    raise: "Hæv prioritet for {name}",
    lower: "Sænk prioritet for {name}",
    canned_label: "Standardsvar",
    canned_hint: "Skriv / for standardsvar.",
    canned_none: "Intet standardsvar passer.",
    canned_shared: "fælles",
    canned_own: "dit eget",
    settings_heading: "Indstillinger",
    settings_coordinators_only: "Kun koordinatorer kan ændre tjenestens indstillinger. Dine egne standardsvar kan du ændre herunder.",
    settings_unavailable: "Indstillingerne kunne ikke hentes. Prøv igen.",
    service_heading: "Tjenesten",
    service_name: "Navn",
    tagline_da: "Undertitel (dansk)",
    tagline_en: "Undertitel (engelsk)",
    quick_exit: "Hurtig-exit-adresse (https://)",
    hours_heading: "Åbningstider",
    hours_hint: "Tider som 14:00-20:00, flere adskilt af komma. Tomt felt: lukket.",
    weekdays: [
        "Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag",
    ],
    closed_dates: "Lukkedage",
    closed_hint: "Én dato pr. linje, som 2026-12-24.",
    risk_heading: "Risikoord",
    risk_hint: "Ord og udtryk, der rykker en samtale op i køen, når personen skriver dem. Ét pr. linje; hele ord, store og små bogstaver er ligegyldige.",
    risk_da: "Danske ord",
    risk_en: "Engelske ord",
    save: "Gem",
    saved: "Gemt.",
    refused: "Ikke gemt: {field}: {message}",
    save_failed: "Kunne ikke gemme. Prøv igen.",
    canned_heading: "Standardsvar",
    canned_lang: "Sprog",
    canned_shortcut: "Genvej (fx velkommen)",
    canned_text: "Tekst",
    canned_make_shared: "Fælles for hele teamet",
    canned_add: "Tilføj standardsvar",
    canned_delete: "Slet /{shortcut}",
    languages: ["Dansk", "Engelsk"],
};

/// English tool texts.
pub static TOOLS_EN: ToolTexts = ToolTexts {
    announce_risk: "Risk words in the chat with {name}.",
    risk_words: "Risk words:",
    priorities: ["Low", "Normal", "Raised", "Urgent"],
    priority_label: "Priority:",
    raise: "Raise priority for {name}",
    lower: "Lower priority for {name}",
    canned_label: "Canned replies",
    canned_hint: "Type / for canned replies.",
    canned_none: "No canned reply matches.",
    canned_shared: "shared",
    canned_own: "yours",
    settings_heading: "Settings",
    settings_coordinators_only: "Only coordinators can change the service's settings. You can change your own canned replies below.",
    settings_unavailable: "The settings could not be loaded. Try again.",
    service_heading: "The service",
    service_name: "Name",
    tagline_da: "Tagline (Danish)",
    tagline_en: "Tagline (English)",
    quick_exit: "Quick exit address (https://)",
    hours_heading: "Opening hours",
    hours_hint: "Times like 14:00-20:00, several separated by commas. Empty: closed.",
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    closed_dates: "Closed dates",
    closed_hint: "One date per line, like 2026-12-24.",
    risk_heading: "Risk words",
    risk_hint: "Words and phrases that move a chat up the queue when the person writes them. One per line; whole words, case does not matter.",
    risk_da: "Danish words",
    risk_en: "English words",
    save: "Save",
    saved: "Saved.",
    refused: "Not saved: {field}: {message}",
    save_failed: "Could not save. Try again.",
    canned_heading: "Canned replies",
    canned_lang: "Language",
    canned_shortcut: "Shortcut (e.g. welcome)",
    canned_text: "Text",
    canned_make_shared: "Shared with the whole team",
    canned_add: "Add canned reply",
    canned_delete: "Delete /{shortcut}",
    languages: ["Danish", "English"],
};

impl Lang {
    /// The tool texts in this language.
    pub fn tools(self) -> &'static ToolTexts {
        match self {
            Lang::Da => &TOOLS_DA,
            Lang::En => &TOOLS_EN,
        }
    }
}

impl ToolTexts {
    /// A priority's name (out-of-range values take the nearest).
    pub fn priority(&self, priority: i32) -> &'static str {
        let i = usize::try_from(priority.clamp(-1, 2) + 1).unwrap_or(1);
        self.priorities[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> QueueEntry {
        QueueEntry {
            conversation: 12,
            role: Role::YoungPerson,
            age_band: Some(AgeBand::From15To17),
            topic: Some(Topic::Alcohol),
            waiting_since: 0,
            priority: 0,
            nickname: None,
            talk: 1,
            previous_counsellor: None,
            risk_words: Vec::new(),
        }
    }

    #[test]
    fn waiting_time_reads_in_whole_minutes() {
        let t = Lang::Da.texts();
        assert_eq!(t.waited_for(59_999, 0), "Venter under 1 min");
        assert_eq!(t.waited_for(4 * 60_000 + 59_000, 0), "Venter 4 min");
        assert_eq!(t.waited_for(65 * 60_000, 0), "Venter 1 t 5 min");
        assert_eq!(
            t.waited_for(0, 10_000),
            "Venter under 1 min",
            "a clock a little behind the server's never shows a negative wait"
        );
        assert_eq!(Lang::En.texts().waited_for(3 * 60_000, 0), "Waiting 3 min");
    }

    #[test]
    fn a_queue_entry_says_who_and_what_about() {
        let t = Lang::Da.texts();
        let named = QueueEntry {
            nickname: Some("Bo".into()),
            ..entry()
        };
        assert_eq!(t.describe(&named), "Ung · 15–17 år · Alkohol");
        assert_eq!(
            t.describe(&entry()),
            "15–17 år · Alkohol",
            "without a nickname the chat is called by its role already"
        );
        let parent = QueueEntry {
            role: Role::ParentOrRelative,
            age_band: None,
            topic: None,
            ..entry()
        };
        assert_eq!(t.describe(&parent), "");
        assert_eq!(t.who(&parent), "Forælder eller pårørende");
        assert_eq!(t.who(&named), "Bo, Ung · 15–17 år · Alkohol");
        assert_eq!(t.course(&entry()), None);
    }

    #[test]
    fn a_returning_person_names_the_last_counsellor() {
        let back = QueueEntry {
            talk: 2,
            previous_counsellor: Some("Mia".into()),
            ..entry()
        };
        assert_eq!(
            Lang::Da.texts().course(&back).as_deref(),
            Some("Kommer igen (samtale 2), sidst med Mia")
        );
        assert_eq!(
            Lang::En.texts().course(&back).as_deref(),
            Some("Returning (talk 2), last talked with Mia")
        );
    }

    #[test]
    fn a_chat_is_called_by_nickname_else_role_else_number() {
        let t = Lang::Da.texts();
        let named = QueueEntry {
            nickname: Some(" Bo ".into()),
            ..entry()
        };
        assert_eq!(t.chat_name(12, Some(&named)), "Bo");
        assert_eq!(t.chat_name(12, Some(&entry())), "Ung");
        assert_eq!(t.chat_name(12, None), "Samtale 12");
    }

    #[test]
    fn every_vocabulary_word_has_a_text_in_both_languages() {
        for lang in [Lang::Da, Lang::En] {
            let t = lang.texts();
            for band in AgeBand::ALL {
                assert!(!t.age_band(band).is_empty());
            }
            for topic in Topic::ALL {
                assert!(!t.topic(topic).is_empty());
            }
            let outcomes: std::collections::HashSet<_> =
                OUTCOMES.iter().map(|o| t.outcome(*o)).collect();
            assert_eq!(
                outcomes.len(),
                OUTCOMES.len(),
                "each outcome reads differently"
            );
        }
        assert_eq!(Lang::from_code("en"), Lang::En);
        assert_eq!(Lang::from_code("fr"), Lang::Da);
    }
}

/// The texts of the team page (coordinators), the security page (own
/// password and second factor) and the login form's extra steps, in one
/// language. Apart from [`Texts`] so these pages' words stay together.
#[derive(Debug)]
pub struct TeamTexts {
    /// Navigation: the chats (the workspace).
    pub nav_chats: &'static str,
    /// Navigation: the own security page.
    pub nav_security: &'static str,
    /// Navigation: the treatment cases.
    pub nav_cases: &'static str,
    /// The settings page's tab.
    pub nav_settings: &'static str,
    /// Navigation: the team page (coordinators).
    pub nav_team: &'static str,
    /// The navigation's accessible name.
    pub nav_label: &'static str,
    /// Heading of the team page.
    pub team_heading: &'static str,
    /// Heading of the list of accounts.
    pub accounts_heading: &'static str,
    /// Column: login name.
    pub col_login: &'static str,
    /// Column: first name.
    pub col_first_name: &'static str,
    /// Column: role.
    pub col_role: &'static str,
    /// Column: state.
    pub col_state: &'static str,
    /// Column: second factor.
    pub col_totp: &'static str,
    /// Column: created.
    pub col_created: &'static str,
    /// Column: how many chats at once.
    pub col_max_chats: &'static str,
    /// The chats-at-once choice of one account (`{name}`).
    pub max_chats_of: &'static str,
    /// Column: actions.
    pub col_actions: &'static str,
    /// Role: counsellor.
    pub role_counsellor: &'static str,
    /// Role: coordinator.
    pub role_coordinator: &'static str,
    /// State: active.
    pub active: &'static str,
    /// State: deactivated.
    pub inactive: &'static str,
    /// State: waiting for the owner to set a password.
    pub awaiting_password: &'static str,
    /// Second factor on.
    pub totp_on: &'static str,
    /// Second factor off.
    pub totp_off: &'static str,
    /// Deactivates an account.
    pub deactivate: &'static str,
    /// Reactivates an account.
    pub reactivate: &'static str,
    /// Makes an account a coordinator.
    pub make_coordinator: &'static str,
    /// Makes an account a counsellor.
    pub make_counsellor: &'static str,
    /// Issues a new one-time password code.
    pub reset_password: &'static str,
    /// Turns someone's second factor off (lost phone).
    pub turn_totp_off: &'static str,
    /// Marks the coordinator's own row.
    pub you: &'static str,
    /// Heading of the new-account form.
    pub create_heading: &'static str,
    /// Creates the account.
    pub create: &'static str,
    /// The one-time code's heading: `{login}`.
    pub code_for: &'static str,
    /// The warning that the code is shown only once.
    pub code_once: &'static str,
    /// When the code stops working: `{time}`.
    pub code_expires: &'static str,
    /// Copies the code.
    pub copy: &'static str,
    /// The code was copied.
    pub copied: &'static str,
    /// Hides the code for good.
    pub code_done: &'static str,
    /// Confirms deactivating: `{name}`.
    pub confirm_deactivate: &'static str,
    /// Confirms a password reset: `{name}`.
    pub confirm_reset: &'static str,
    /// Confirms an action.
    pub confirm: &'static str,
    /// Cancels an action.
    pub cancel: &'static str,
    /// Announced after a change.
    pub saved: &'static str,
    /// Heading of the audit log.
    pub audit_heading: &'static str,
    /// Under the heading.
    pub audit_intro: &'static str,
    /// Column: when.
    pub col_when: &'static str,
    /// Column: who.
    pub col_who: &'static str,
    /// Column: what.
    pub col_what: &'static str,
    /// Column: about.
    pub col_subject: &'static str,
    /// Column: detail.
    pub col_detail: &'static str,
    /// Loads older entries.
    pub older: &'static str,
    /// Shows the log (reading it is recorded).
    pub show_log: &'static str,
    /// Verifies the chain.
    pub verify: &'static str,
    /// The chain is intact: `{n}` entries.
    pub verify_ok: &'static str,
    /// The chain is broken at `{n}`.
    pub verify_broken: &'static str,
    /// Heading of the security page.
    pub security_heading: &'static str,
    /// Heading of the password change.
    pub password_heading: &'static str,
    /// Current password field.
    pub current_password: &'static str,
    /// New password field.
    pub new_password: &'static str,
    /// The password rules.
    pub password_rules: &'static str,
    /// Saves the new password.
    pub change_password: &'static str,
    /// The password was changed.
    pub password_changed: &'static str,
    /// Heading of the second factor section.
    pub totp_heading: &'static str,
    /// What the second factor is.
    pub totp_intro: &'static str,
    /// The second factor is on for you.
    pub totp_is_on: &'static str,
    /// Starts enrolment.
    pub totp_start: &'static str,
    /// Enrolment step: add this secret to the app.
    pub totp_add_secret: &'static str,
    /// Label of the secret.
    pub totp_secret: &'static str,
    /// Label of the link for apps that take one.
    pub totp_uri: &'static str,
    /// Code field.
    pub totp_code: &'static str,
    /// Turns the second factor on.
    pub totp_confirm: &'static str,
    /// Turns the own second factor off.
    pub totp_disable: &'static str,
    /// The second factor is now on.
    pub totp_enabled: &'static str,
    /// The second factor is now off.
    pub totp_disabled: &'static str,
    /// Login form: the code field's hint.
    pub totp_needed: &'static str,
    /// Login form: opens the set-password form.
    pub have_code: &'static str,
    /// Heading of the set-password form.
    pub set_password_heading: &'static str,
    /// Under the heading.
    pub set_password_intro: &'static str,
    /// One-time code field.
    pub one_time_code: &'static str,
    /// Saves the password.
    pub set_password: &'static str,
    /// The password is set: log in.
    pub password_set: &'static str,
    /// Back to the login form.
    pub back_to_login: &'static str,
    /// Too many attempts: `{m}` minutes to wait.
    pub too_many_minutes: &'static str,
    /// Errors by the server's code; see [`TeamTexts::error`].
    pub errors: TeamErrors,
}

/// Texts for the server's error codes.
#[derive(Debug)]
pub struct TeamErrors {
    /// `weak_password`.
    pub weak_password: &'static str,
    /// `invalid_code`.
    pub invalid_code: &'static str,
    /// `wrong_password`.
    pub wrong_password: &'static str,
    /// `invalid_totp`.
    pub invalid_totp: &'static str,
    /// `invalid_login`.
    pub invalid_login: &'static str,
    /// `invalid_first_name`.
    pub invalid_first_name: &'static str,
    /// `duplicate_login`.
    pub duplicate_login: &'static str,
    /// `last_coordinator`.
    pub last_coordinator: &'static str,
    /// `not_yourself`.
    pub not_yourself: &'static str,
    /// `forbidden`.
    pub forbidden: &'static str,
    /// `not_logged_in`.
    pub not_logged_in: &'static str,
    /// Anything else.
    pub other: &'static str,
}

/// The server's error codes the team and security pages can show.
pub const TEAM_ERROR_CODES: [&str; 11] = [
    "weak_password",
    "invalid_code",
    "wrong_password",
    "invalid_totp",
    "invalid_login",
    "invalid_first_name",
    "duplicate_login",
    "last_coordinator",
    "not_yourself",
    "forbidden",
    "not_logged_in",
];

impl TeamTexts {
    /// The text for a server error code (`too_many_attempts` is filled in
    /// by the caller, who knows the wait).
    pub fn error(&self, code: &str) -> &'static str {
        let e = &self.errors;
        match code {
            "weak_password" => e.weak_password,
            "invalid_code" => e.invalid_code,
            "wrong_password" => e.wrong_password,
            "invalid_totp" => e.invalid_totp,
            "invalid_login" => e.invalid_login,
            "invalid_first_name" => e.invalid_first_name,
            "duplicate_login" => e.duplicate_login,
            "last_coordinator" => e.last_coordinator,
            "not_yourself" => e.not_yourself,
            "forbidden" => e.forbidden,
            "not_logged_in" => e.not_logged_in,
            _ => e.other,
        }
    }

    /// "Try again in N minutes" for a wait in seconds (at least 1 minute).
    pub fn wait_minutes(&self, seconds: u64) -> String {
        fill(
            self.too_many_minutes,
            "m",
            &seconds.div_ceil(60).max(1).to_string(),
        )
    }

    /// An audit action's readable name; unknown actions show as stored.
    pub fn action<'a>(&self, lang: Lang, action: &'a str) -> &'a str {
        let da = matches!(lang, Lang::Da);
        match action {
            "login" => {
                if da {
                    "Logget ind"
                } else {
                    "Logged in"
                }
            }
            "login_failed" => {
                if da {
                    "Mislykket login"
                } else {
                    "Failed login"
                }
            }
            "logout" => {
                if da {
                    "Logget ud"
                } else {
                    "Logged out"
                }
            }
            "counsellor_created" => {
                if da {
                    "Bruger oprettet"
                } else {
                    "User created"
                }
            }
            "counsellor_deactivated" => {
                if da {
                    "Bruger deaktiveret"
                } else {
                    "User deactivated"
                }
            }
            "counsellor_reactivated" => {
                if da {
                    "Bruger genaktiveret"
                } else {
                    "User reactivated"
                }
            }
            "role_changed" => {
                if da {
                    "Rolle ændret"
                } else {
                    "Role changed"
                }
            }
            "max_chats_changed" => {
                if da {
                    "Chats ad gangen ændret"
                } else {
                    "Chats at once changed"
                }
            }
            "password_reset_issued" => {
                if da {
                    "Engangskode udstedt"
                } else {
                    "One-time code issued"
                }
            }
            "password_changed" => {
                if da {
                    "Adgangskode ændret"
                } else {
                    "Password changed"
                }
            }
            "totp_enabled" => {
                if da {
                    "Totrinsbekræftelse slået til"
                } else {
                    "Two-step verification on"
                }
            }
            "totp_disabled" => {
                if da {
                    "Totrinsbekræftelse slået fra"
                } else {
                    "Two-step verification off"
                }
            }
            "audit_viewed" => {
                if da {
                    "Log læst"
                } else {
                    "Log read"
                }
            }
            "case_created" => {
                if da {
                    "Sag oprettet (overgang)"
                } else {
                    "Case created (conversion)"
                }
            }
            "case_read" => {
                if da {
                    "Sag åbnet"
                } else {
                    "Case opened"
                }
            }
            "case_updated" => {
                if da {
                    "Sag ændret"
                } else {
                    "Case changed"
                }
            }
            "case_activated" => {
                if da {
                    "Sag aktiv"
                } else {
                    "Case active"
                }
            }
            "case_exported" => {
                if da {
                    "Sag eksporteret"
                } else {
                    "Case exported"
                }
            }
            "case_closed" => {
                if da {
                    "Sag afsluttet"
                } else {
                    "Case closed"
                }
            }
            "case_deleted" => {
                if da {
                    "Sag slettet"
                } else {
                    "Case deleted"
                }
            }
            "case_access_refused" => {
                if da {
                    "Adgang til sag afvist"
                } else {
                    "Case access refused"
                }
            }
            other => other,
        }
    }
}

impl Lang {
    /// The team and security texts in this language.
    pub fn team(self) -> &'static TeamTexts {
        match self {
            Lang::Da => &TEAM_DA,
            Lang::En => &TEAM_EN,
        }
    }
}

const TEAM_DA: TeamTexts = TeamTexts {
    nav_chats: "Samtaler",
    nav_security: "Sikkerhed",
    nav_cases: "Sager",
    nav_settings: "Indstillinger",
    nav_team: "Team",
    nav_label: "Sider",
    team_heading: "Team",
    accounts_heading: "Brugere",
    col_login: "Brugernavn",
    col_first_name: "Fornavn",
    col_role: "Rolle",
    col_state: "Status",
    col_totp: "Totrin",
    col_created: "Oprettet",
    col_max_chats: "Chats ad gangen",
    max_chats_of: "Chats ad gangen for {name}",
    col_actions: "Handlinger",
    role_counsellor: "Rådgiver",
    role_coordinator: "Koordinator",
    active: "Aktiv",
    inactive: "Deaktiveret",
    awaiting_password: "Venter på adgangskode",
    totp_on: "Til",
    totp_off: "Fra",
    deactivate: "Deaktivér",
    reactivate: "Genaktivér",
    make_coordinator: "Gør til koordinator",
    make_counsellor: "Gør til rådgiver",
    reset_password: "Ny engangskode",
    turn_totp_off: "Slå totrin fra",
    you: "dig",
    create_heading: "Opret bruger",
    create: "Opret",
    code_for: "Engangskode til {login}",
    code_once: "Koden vises kun denne ene gang. Giv den personligt eller pr. telefon til brugeren, som selv vælger sin adgangskode med den.",
    code_expires: "Koden virker én gang og udløber {time}.",
    copy: "Kopiér kode",
    copied: "Koden er kopieret.",
    code_done: "Jeg har givet koden videre",
    confirm_deactivate: "Deaktivér {name}? Alle {name}s sessioner slutter med det samme.",
    confirm_reset: "Giv {name} en ny engangskode? Den nuværende adgangskode holder op med at virke, og alle sessioner slutter.",
    confirm: "Ja, fortsæt",
    cancel: "Annullér",
    saved: "Gemt.",
    audit_heading: "Revisionslog",
    audit_intro: "Log ind, mislykkede forsøg og administrative handlinger. Det registreres, at du læser loggen.",
    col_when: "Tidspunkt",
    col_who: "Hvem",
    col_what: "Hvad",
    col_subject: "Vedrørende",
    col_detail: "Detalje",
    older: "Vis ældre",
    show_log: "Vis loggen",
    verify: "Kontrollér loggen",
    verify_ok: "Loggen er intakt: {n} poster kontrolleret.",
    verify_broken: "Loggen er brudt ved post {n}. Kontakt den dataansvarlige.",
    security_heading: "Sikkerhed",
    password_heading: "Skift adgangskode",
    current_password: "Nuværende adgangskode",
    new_password: "Ny adgangskode",
    password_rules: "Mindst 12 tegn og ikke dit brugernavn. En sætning er let at huske.",
    change_password: "Skift adgangskode",
    password_changed: "Adgangskoden er skiftet. Dine andre sessioner er logget ud.",
    totp_heading: "Totrinsbekræftelse",
    totp_intro: "Med totrinsbekræftelse skal du ud over adgangskoden indtaste en 6-cifret kode fra en app på din telefon.",
    totp_is_on: "Totrinsbekræftelse er slået til.",
    totp_start: "Slå totrinsbekræftelse til",
    totp_add_secret: "Tilføj denne nøgle i din autentificeringsapp, og indtast derefter koden, appen viser.",
    totp_secret: "Nøgle",
    totp_uri: "Link til apps, der kan åbne det",
    totp_code: "6-cifret kode",
    totp_confirm: "Bekræft og slå til",
    totp_disable: "Slå totrinsbekræftelse fra",
    totp_enabled: "Totrinsbekræftelse er slået til.",
    totp_disabled: "Totrinsbekræftelse er slået fra.",
    totp_needed: "Indtast den 6-cifrede kode fra din autentificeringsapp.",
    have_code: "Har du en engangskode? Vælg adgangskode",
    set_password_heading: "Vælg adgangskode",
    set_password_intro: "Brug engangskoden fra din koordinator.",
    one_time_code: "Engangskode",
    set_password: "Gem adgangskode",
    password_set: "Adgangskoden er gemt. Log ind med den.",
    back_to_login: "Tilbage til log ind",
    too_many_minutes: "For mange forsøg. Prøv igen om {m} min.",
    errors: TeamErrors {
        weak_password: "Adgangskoden skal have mindst 12 tegn og må ikke være dit brugernavn.",
        invalid_code: "Koden er forkert, brugt eller udløbet. Bed din koordinator om en ny.",
        wrong_password: "Den nuværende adgangskode er forkert.",
        invalid_totp: "Koden passer ikke. Tjek uret på telefonen, og prøv den næste kode.",
        invalid_login: "Brugernavnet må kun have a-z, tal, '.', '_', '-' og '@' (højst 64 tegn).",
        invalid_first_name: "Fornavnet skal have 1 til 40 tegn.",
        duplicate_login: "Der findes allerede en bruger med det brugernavn.",
        last_coordinator: "Den sidste aktive koordinator kan ikke fjernes.",
        not_yourself: "Du kan ikke deaktivere eller nedgradere dig selv. Bed en anden koordinator.",
        forbidden: "Kun koordinatorer kan det.",
        not_logged_in: "Du er ikke logget ind længere. Log ind igen.",
        other: "Det lykkedes ikke. Prøv igen om lidt.",
    },
};

const TEAM_EN: TeamTexts = TeamTexts {
    nav_chats: "Chats",
    nav_security: "Security",
    nav_cases: "Cases",
    nav_settings: "Settings",
    nav_team: "Team",
    nav_label: "Pages",
    team_heading: "Team",
    accounts_heading: "Users",
    col_login: "User name",
    col_first_name: "First name",
    col_role: "Role",
    col_state: "State",
    col_totp: "Two-step",
    col_created: "Created",
    col_max_chats: "Chats at once",
    max_chats_of: "Chats at once for {name}",
    col_actions: "Actions",
    role_counsellor: "Counsellor",
    role_coordinator: "Coordinator",
    active: "Active",
    inactive: "Deactivated",
    awaiting_password: "Awaiting password",
    totp_on: "On",
    totp_off: "Off",
    deactivate: "Deactivate",
    reactivate: "Reactivate",
    make_coordinator: "Make coordinator",
    make_counsellor: "Make counsellor",
    reset_password: "New one-time code",
    turn_totp_off: "Turn two-step off",
    you: "you",
    create_heading: "Create user",
    create: "Create",
    code_for: "One-time code for {login}",
    code_once: "This code is shown only this once. Hand it to the user in person or by phone; they choose their own password with it.",
    code_expires: "The code works once and expires {time}.",
    copy: "Copy code",
    copied: "The code is copied.",
    code_done: "I have handed the code over",
    confirm_deactivate: "Deactivate {name}? All of {name}'s sessions end at once.",
    confirm_reset: "Give {name} a new one-time code? The current password stops working and all sessions end.",
    confirm: "Yes, go ahead",
    cancel: "Cancel",
    saved: "Saved.",
    audit_heading: "Audit log",
    audit_intro: "Logins, failed attempts and administrative actions. Your reading of the log is recorded.",
    col_when: "When",
    col_who: "Who",
    col_what: "What",
    col_subject: "About",
    col_detail: "Detail",
    older: "Show older",
    show_log: "Show the log",
    verify: "Verify the log",
    verify_ok: "The log is intact: {n} entries checked.",
    verify_broken: "The log is broken at entry {n}. Contact the data controller.",
    security_heading: "Security",
    password_heading: "Change password",
    current_password: "Current password",
    new_password: "New password",
    password_rules: "At least 12 characters and not your user name. A sentence is easy to remember.",
    change_password: "Change password",
    password_changed: "Your password is changed. Your other sessions are logged out.",
    totp_heading: "Two-step verification",
    totp_intro: "With two-step verification you enter a 6-digit code from an app on your phone as well as your password.",
    totp_is_on: "Two-step verification is on.",
    totp_start: "Turn on two-step verification",
    totp_add_secret: "Add this key to your authenticator app, then enter the code the app shows.",
    totp_secret: "Key",
    totp_uri: "Link for apps that can open it",
    totp_code: "6-digit code",
    totp_confirm: "Confirm and turn on",
    totp_disable: "Turn off two-step verification",
    totp_enabled: "Two-step verification is on.",
    totp_disabled: "Two-step verification is off.",
    totp_needed: "Enter the 6-digit code from your authenticator app.",
    have_code: "Have a one-time code? Choose a password",
    set_password_heading: "Choose a password",
    set_password_intro: "Use the one-time code from your coordinator.",
    one_time_code: "One-time code",
    set_password: "Save password",
    password_set: "Your password is saved. Log in with it.",
    back_to_login: "Back to log in",
    too_many_minutes: "Too many attempts. Try again in {m} min.",
    errors: TeamErrors {
        weak_password: "The password needs at least 12 characters and must not be your user name.",
        invalid_code: "The code is wrong, used or expired. Ask your coordinator for a new one.",
        wrong_password: "The current password is wrong.",
        invalid_totp: "The code does not fit. Check the time on your phone and try the next code.",
        invalid_login: "The user name may only have a-z, digits, '.', '_', '-' and '@' (at most 64).",
        invalid_first_name: "The first name needs 1 to 40 characters.",
        duplicate_login: "A user with this user name already exists.",
        last_coordinator: "The last active coordinator cannot be removed.",
        not_yourself: "You cannot deactivate or demote yourself. Ask another coordinator.",
        forbidden: "Only coordinators can do this.",
        not_logged_in: "You are no longer logged in. Log in again.",
        other: "That did not work. Try again shortly.",
    },
};

/// The texts of the treatment-case pages: the conversion walk-through and
/// the case page, in one language.
#[derive(Debug)]
pub struct CaseTexts {
    /// Heading of the cases page.
    pub heading: &'static str,
    /// What the page is for.
    pub intro: &'static str,
    /// Heading of the list.
    pub list_heading: &'static str,
    /// No cases yet.
    pub none: &'static str,
    /// A case in the list: `{id}`.
    pub case_number: &'static str,
    /// Opens a case.
    pub open: &'static str,
    /// Starts the conversion (in a chat and on the cases page).
    pub convert: &'static str,
    /// Heading of the walk-through.
    pub convert_heading: &'static str,
    /// Why the walk-through asks what it asks.
    pub convert_intro: &'static str,
    /// The conversation number field.
    pub conversation: &'static str,
    /// Loads the course.
    pub load_course: &'static str,
    /// Step 1: the young person's consent.
    pub step_consent: &'static str,
    /// The tick that the young person consented.
    pub consent_given: &'static str,
    /// How a consent was given.
    pub consent_how: &'static str,
    /// The ways, in [`crate::protocol::case::ConsentHow::ALL`] order.
    pub hows: [&'static str; 4],
    /// Step: the age group.
    pub age_group: &'static str,
    /// When the course's band does not say it.
    pub age_unknown: &'static str,
    /// The groups, in [`crate::protocol::case::AgeGroup::ALL`] order.
    pub groups: [&'static str; 4],
    /// Step 2: identity.
    pub step_identity: &'static str,
    /// Why identity is asked only now.
    pub identity_note: &'static str,
    /// Name.
    pub name: &'static str,
    /// CPR number.
    pub cpr: &'static str,
    /// CPR format hint.
    pub cpr_hint: &'static str,
    /// Phone.
    pub phone: &'static str,
    /// E-mail.
    pub email: &'static str,
    /// Address.
    pub address: &'static str,
    /// Step 3: the parents and the case worker (under 18).
    pub step_parents: &'static str,
    /// The rule.
    pub parents_note: &'static str,
    /// The tick that the parents consented.
    pub parents_given: &'static str,
    /// Who gave the parents' consent.
    pub given_by: &'static str,
    /// The case worker reference.
    pub case_worker: &'static str,
    /// Step 4: history to carry over.
    pub step_history: &'static str,
    /// What happens to the rest.
    pub history_note: &'static str,
    /// Ticks every item.
    pub all: &'static str,
    /// Clears every tick.
    pub nothing: &'static str,
    /// Origin: the young person.
    pub from_young_person: &'static str,
    /// Origin: the counsellor.
    pub from_counsellor: &'static str,
    /// Origin: a course note.
    pub from_note: &'static str,
    /// Saves the case (pending).
    pub save_case: &'static str,
    /// The consent tick is missing.
    pub consent_missing: &'static str,
    /// States.
    pub state_pending: &'static str,
    /// Active.
    pub state_active: &'static str,
    /// Closed.
    pub state_closed: &'static str,
    /// Makes the case active.
    pub activate: &'static str,
    /// What is missing before activation (heading).
    pub missing: &'static str,
    /// Records the parents' consent / case worker on the case page.
    pub record: &'static str,
    /// Heading: identity.
    pub identity_heading: &'static str,
    /// Heading: consents.
    pub consents_heading: &'static str,
    /// The young person's consent: `{how}`, `{at}`, `{by}`.
    pub consent_line: &'static str,
    /// The parents' consent: `{how}`, `{at}`, `{by}`, `{who}`.
    pub parents_line: &'static str,
    /// Heading: assigned counsellors.
    pub counsellors_heading: &'static str,
    /// Heading: the data sheet.
    pub sheet_heading: &'static str,
    /// Entry kinds: background, activities, change.
    pub kinds: [&'static str; 3],
    /// Adds an entry.
    pub add_entry: &'static str,
    /// Heading: the session log.
    pub sessions_heading: &'static str,
    /// The session's date.
    pub session_date: &'static str,
    /// The session's kind.
    pub session_kind: &'static str,
    /// Session kinds, in [`crate::protocol::case::SESSION_KINDS`] order.
    pub session_kinds: [&'static str; 5],
    /// The short note.
    pub session_note: &'static str,
    /// Logs a session.
    pub add_session: &'static str,
    /// Heading: carried history.
    pub history_heading: &'static str,
    /// Nothing written yet.
    pub empty: &'static str,
    /// Downloads the JSON export.
    pub export_json: &'static str,
    /// Prints the case.
    pub print: &'static str,
    /// Closes the case.
    pub close: &'static str,
    /// Deletion date: `{at}`.
    pub delete_after: &'static str,
    /// Deletes the case (coordinators).
    pub delete: &'static str,
    /// Confirms the deletion.
    pub delete_confirm: &'static str,
    /// The case was deleted.
    pub deleted: &'static str,
    /// Back to the list.
    pub back: &'static str,
    /// Saved.
    pub saved: &'static str,
    /// Server error codes and their texts.
    pub errors: &'static [(&'static str, &'static str)],
    /// Any other error.
    pub other_error: &'static str,
}

impl CaseTexts {
    /// The text for a server error code.
    pub fn error(&self, code: &str) -> &'static str {
        self.errors
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(self.other_error, |(_, text)| text)
    }

    /// A consent way's name.
    pub fn how(&self, how: crate::protocol::case::ConsentHow) -> &'static str {
        let at = crate::protocol::case::ConsentHow::ALL
            .iter()
            .position(|h| *h == how)
            .unwrap_or(0);
        self.hows[at]
    }

    /// An age group's name.
    pub fn group(&self, group: crate::protocol::case::AgeGroup) -> &'static str {
        let at = crate::protocol::case::AgeGroup::ALL
            .iter()
            .position(|g| *g == group)
            .unwrap_or(0);
        self.groups[at]
    }

    /// A session kind's name (as stored when unknown).
    pub fn session<'a>(&self, kind: &'a str) -> &'a str {
        crate::protocol::case::SESSION_KINDS
            .iter()
            .position(|k| *k == kind)
            .map_or(kind, |at| self.session_kinds[at])
    }
}

impl Lang {
    /// The case texts in this language.
    pub fn cases(self) -> &'static CaseTexts {
        match self {
            Lang::Da => &CASES_DA,
            Lang::En => &CASES_EN,
        }
    }
}

const CASES_DA: CaseTexts = CaseTexts {
    heading: "Behandlingssager",
    intro: "Her er de unge, der er gået fra anonym rådgivning til behandling. Kun sagens rådgivere og koordinatorer kan åbne en sag, og hver gang logges.",
    list_heading: "Mine sager",
    none: "Ingen sager endnu.",
    case_number: "Sag {id}",
    open: "Åbn",
    convert: "Overgang til behandling",
    convert_heading: "Overgang fra anonymt forløb til behandling",
    convert_intro: "Først her registreres den unges identitet. Gå trinene igennem sammen med den unge.",
    conversation: "Samtale nr.",
    load_course: "Hent forløbet",
    step_consent: "1. Den unges samtykke",
    consent_given: "Den unge har givet samtykke til overgang til behandling",
    consent_how: "Hvordan",
    hows: ["I chatten", "Ved et møde", "I telefonen", "Skriftligt"],
    age_group: "Aldersgruppe",
    age_unknown: "Forløbet siger ikke alderen. Angiv aldersgruppen.",
    groups: ["Under 13", "13–14", "15–17", "18 eller derover"],
    step_identity: "2. Identitet",
    identity_note: "Navn, CPR-nummer og kontaktoplysninger krypteres med sagens egen nøgle.",
    name: "Fulde navn",
    cpr: "CPR-nummer",
    cpr_hint: "DDMMÅÅ-XXXX",
    phone: "Telefon",
    email: "E-mail",
    address: "Adresse",
    step_parents: "3. Forældre og sagsbehandler (under 18)",
    parents_note: "Sagen kan gemmes uden, men bliver først aktiv, når forældrenes samtykke og kommunens sagsbehandler er registreret.",
    parents_given: "Forældrene har givet samtykke",
    given_by: "Givet af (fx mor og far)",
    case_worker: "Kommunens sagsbehandler (navn eller journalnr.)",
    step_history: "4. Hvad må følge med fra det anonyme forløb?",
    history_note: "Kun det, den unge siger ja til, kopieres ind i sagen. Resten forbliver anonymt og slettes efter de almindelige regler.",
    all: "Alt",
    nothing: "Intet",
    from_young_person: "Den unge",
    from_counsellor: "Rådgiver",
    from_note: "Note",
    save_case: "Gem sagen",
    consent_missing: "Sæt flueben ved den unges samtykke først.",
    state_pending: "Afventer",
    state_active: "Aktiv",
    state_closed: "Afsluttet",
    activate: "Gør sagen aktiv",
    missing: "Før sagen kan blive aktiv:",
    record: "Registrér",
    identity_heading: "Identitet",
    consents_heading: "Samtykker",
    consent_line: "Den unge: {how}, {at}, registreret af {by}",
    parents_line: "Forældrene ({who}): {how}, {at}, registreret af {by}",
    counsellors_heading: "Rådgivere på sagen",
    sheet_heading: "Dataark",
    kinds: ["Baggrund", "Aktiviteter", "Forandring og effekt"],
    add_entry: "Tilføj",
    sessions_heading: "Samtaler",
    session_date: "Dato",
    session_kind: "Slags",
    session_kinds: [
        "Samtale",
        "Gåtur",
        "Telefon",
        "Familiesamtale",
        "Netværksmøde",
    ],
    session_note: "Kort note",
    add_session: "Registrér samtale",
    history_heading: "Fra det anonyme forløb",
    empty: "Intet endnu.",
    export_json: "Hent data (JSON)",
    print: "Udskriv",
    close: "Afslut sagen",
    delete_after: "Slettes {at}",
    delete: "Slet sagen nu",
    delete_confirm: "Ja, slet alt om sagen",
    deleted: "Sagen er slettet.",
    back: "Tilbage til sagerne",
    saved: "Gemt.",
    errors: &[
        ("invalid_name", "Skriv den unges fulde navn."),
        ("invalid_cpr", "Et CPR-nummer er 10 cifre: DDMMÅÅ-XXXX."),
        (
            "invalid_cpr_date",
            "De første seks cifre i CPR-nummeret skal være en rigtig dato (DDMMÅÅ).",
        ),
        ("invalid_phone", "Telefonnummeret skal have mindst 8 cifre."),
        ("invalid_email", "E-mailadressen ser ikke rigtig ud."),
        ("invalid_address", "Adressen er for lang."),
        (
            "invalid_case_worker",
            "Skriv sagsbehandlerens navn eller journalnummer.",
        ),
        ("invalid_given_by", "Feltet 'givet af' er for langt."),
        (
            "age_group_required",
            "Forløbet siger ikke alderen: angiv aldersgruppen.",
        ),
        (
            "not_your_conversation",
            "Du kan kun lave overgang fra et forløb, du har eller har haft.",
        ),
        (
            "unknown_history",
            "Noget af det valgte findes ikke i forløbet.",
        ),
        (
            "parents_consent_required",
            "Forældrenes samtykke mangler (under 18).",
        ),
        (
            "case_worker_required",
            "Kommunens sagsbehandler mangler (under 18).",
        ),
        ("case_closed", "Sagen er afsluttet."),
        ("case_not_closed", "Afslut sagen, før den slettes."),
        ("invalid_entry", "Skriv noget (højst 8000 tegn)."),
        ("invalid_date", "Datoen er ikke gyldig."),
        (
            "forbidden",
            "Kun sagens rådgivere og koordinatorer kan åbne sagen.",
        ),
        ("not_found", "Sagen findes ikke (længere)."),
        (
            "case_unreadable",
            "Sagens data kan ikke åbnes: de er ændret uden om systemet. Kontakt en koordinator.",
        ),
        (
            "bad_request",
            "Formularen blev ikke forstået. Tjek felterne.",
        ),
    ],
    other_error: "Det lykkedes ikke. Prøv igen.",
};

const CASES_EN: CaseTexts = CaseTexts {
    heading: "Treatment cases",
    intro: "Young people who moved from anonymous counselling to treatment. Only a case's counsellors and coordinators can open it, and every opening is logged.",
    list_heading: "My cases",
    none: "No cases yet.",
    case_number: "Case {id}",
    open: "Open",
    convert: "Convert to treatment",
    convert_heading: "From an anonymous course to treatment",
    convert_intro: "Only here is the young person's identity recorded. Go through the steps together with them.",
    conversation: "Conversation no.",
    load_course: "Load the course",
    step_consent: "1. The young person's consent",
    consent_given: "The young person consents to moving to treatment",
    consent_how: "How",
    hows: ["In the chat", "In person", "By phone", "In writing"],
    age_group: "Age group",
    age_unknown: "The course does not say the age. State the age group.",
    groups: ["Under 13", "13–14", "15–17", "18 or over"],
    step_identity: "2. Identity",
    identity_note: "Name, CPR number and contact details are encrypted with the case's own key.",
    name: "Full name",
    cpr: "CPR number",
    cpr_hint: "DDMMYY-XXXX",
    phone: "Phone",
    email: "E-mail",
    address: "Address",
    step_parents: "3. Parents and case worker (under 18)",
    parents_note: "The case can be saved without them, but becomes active only once the parents' consent and the municipality's case worker are recorded.",
    parents_given: "The parents have consented",
    given_by: "Given by (e.g. mother and father)",
    case_worker: "The municipality's case worker (name or reference)",
    step_history: "4. What may come along from the anonymous course?",
    history_note: "Only what the young person agrees to is copied into the case. The rest stays anonymous and is deleted by the normal rules.",
    all: "All",
    nothing: "None",
    from_young_person: "Young person",
    from_counsellor: "Counsellor",
    from_note: "Note",
    save_case: "Save the case",
    consent_missing: "Tick the young person's consent first.",
    state_pending: "Pending",
    state_active: "Active",
    state_closed: "Closed",
    activate: "Make the case active",
    missing: "Before the case can become active:",
    record: "Record",
    identity_heading: "Identity",
    consents_heading: "Consents",
    consent_line: "The young person: {how}, {at}, recorded by {by}",
    parents_line: "The parents ({who}): {how}, {at}, recorded by {by}",
    counsellors_heading: "Counsellors on the case",
    sheet_heading: "Data sheet",
    kinds: ["Background", "Activities", "Change and effect"],
    add_entry: "Add",
    sessions_heading: "Sessions",
    session_date: "Date",
    session_kind: "Kind",
    session_kinds: ["Talk", "Walk", "Phone", "Family talk", "Network meeting"],
    session_note: "Short note",
    add_session: "Log session",
    history_heading: "From the anonymous course",
    empty: "Nothing yet.",
    export_json: "Download data (JSON)",
    print: "Print",
    close: "Close the case",
    delete_after: "Deleted {at}",
    delete: "Delete the case now",
    delete_confirm: "Yes, delete everything about the case",
    deleted: "The case was deleted.",
    back: "Back to the cases",
    saved: "Saved.",
    errors: &[
        ("invalid_name", "Write the young person's full name."),
        ("invalid_cpr", "A CPR number is 10 digits: DDMMYY-XXXX."),
        (
            "invalid_cpr_date",
            "The first six digits of the CPR number must be a real date (DDMMYY).",
        ),
        ("invalid_phone", "The phone number needs at least 8 digits."),
        ("invalid_email", "The e-mail address does not look right."),
        ("invalid_address", "The address is too long."),
        (
            "invalid_case_worker",
            "Write the case worker's name or reference.",
        ),
        ("invalid_given_by", "'Given by' is too long."),
        (
            "age_group_required",
            "The course does not say the age: state the age group.",
        ),
        (
            "not_your_conversation",
            "You can convert only a course you have or had.",
        ),
        ("unknown_history", "Something chosen is not in the course."),
        (
            "parents_consent_required",
            "The parents' consent is missing (under 18).",
        ),
        (
            "case_worker_required",
            "The municipality's case worker is missing (under 18).",
        ),
        ("case_closed", "The case is closed."),
        ("case_not_closed", "Close the case before deleting it."),
        (
            "invalid_entry",
            "Write something (at most 8000 characters).",
        ),
        ("invalid_date", "The date is not valid."),
        (
            "forbidden",
            "Only the case's counsellors and coordinators can open it.",
        ),
        ("not_found", "The case does not exist (any more)."),
        (
            "case_unreadable",
            "The case's data cannot be opened: it was changed outside the system. Tell a coordinator.",
        ),
        (
            "bad_request",
            "The form was not understood. Check the fields.",
        ),
    ],
    other_error: "That did not work. Try again.",
};

#[cfg(test)]
mod team_tests {
    use super::*;

    #[test]
    fn every_team_error_has_its_own_text_in_both_languages() {
        for lang in [Lang::Da, Lang::En] {
            let t = lang.team();
            let texts: std::collections::HashSet<_> =
                TEAM_ERROR_CODES.iter().map(|c| t.error(c)).collect();
            assert_eq!(texts.len(), TEAM_ERROR_CODES.len(), "{lang:?}");
            assert!(!texts.contains(t.errors.other));
            assert_eq!(t.error("something_new"), t.errors.other);
        }
        assert_ne!(Lang::Da.team().errors.other, Lang::En.team().errors.other);
    }

    #[test]
    fn waits_read_in_whole_minutes_rounded_up() {
        let t = Lang::En.team();
        assert_eq!(
            t.wait_minutes(897),
            "Too many attempts. Try again in 15 min."
        );
        assert_eq!(t.wait_minutes(5), "Too many attempts. Try again in 1 min.");
        assert_eq!(
            Lang::Da.team().wait_minutes(61),
            "For mange forsøg. Prøv igen om 2 min."
        );
    }

    #[test]
    fn audit_actions_read_as_words() {
        assert_eq!(Lang::Da.team().action(Lang::Da, "login"), "Logget ind");
        assert_eq!(
            Lang::En.team().action(Lang::En, "role_changed"),
            "Role changed"
        );
        assert_eq!(
            Lang::En.team().action(Lang::En, "chat_viewed"),
            "chat_viewed"
        );
    }

    #[test]
    fn every_case_error_reads_in_both_languages() {
        let (da, en) = (Lang::Da.cases(), Lang::En.cases());
        assert_eq!(da.errors.len(), en.errors.len());
        for ((code_da, text_da), (code_en, text_en)) in da.errors.iter().zip(en.errors) {
            assert_eq!(code_da, code_en, "the same codes in the same order");
            assert_ne!(text_da, text_en, "{code_da} is translated");
        }
        assert_eq!(
            en.error("parents_consent_required"),
            "The parents' consent is missing (under 18)."
        );
        assert_eq!(en.error("something_new"), en.other_error);
        use crate::protocol::case::{AgeGroup, ConsentHow};
        assert_eq!(da.how(ConsentHow::ByPhone), "I telefonen");
        assert_eq!(en.group(AgeGroup::From15To17), "15–17");
        assert_eq!(da.session("walk"), "Gåtur");
        assert_eq!(da.session("unknown"), "unknown");
        assert_eq!(Lang::Da.team().action(Lang::Da, "case_read"), "Sag åbnet");
    }
}

/// The booking pages' texts (the agenda, own hours, group courses), in one
/// language: kept apart so the booking feature adds its words in one place.
#[derive(Debug)]
pub struct BookingTexts {
    /// Navigation: the agenda.
    pub nav_agenda: &'static str,
    /// Navigation: own hours.
    pub nav_hours: &'static str,
    /// Navigation: group courses (coordinators).
    pub nav_courses: &'static str,
    /// Heading of the agenda.
    pub agenda_heading: &'static str,
    /// The switch between own and the team's bookings.
    pub show_team: &'static str,
    /// Reload the agenda.
    pub refresh: &'static str,
    /// No bookings.
    pub empty: &'static str,
    /// Label: the type of talk.
    pub label_kind: &'static str,
    /// Label: the booker's role.
    pub label_role: &'static str,
    /// Label: the number to call.
    pub label_phone: &'static str,
    /// Label: the booker's message.
    pub label_message: &'static str,
    /// Label: the meeting place.
    pub label_place: &'static str,
    /// Label: the counsellor holding it.
    pub label_counsellor: &'static str,
    /// Label: the state.
    pub label_state: &'static str,
    /// The roles: parent, young person, professional.
    pub roles: [&'static str; 3],
    /// The states: booked, attended, no-show, cancelled.
    pub states: [&'static str; 4],
    /// Action: mark attended.
    pub attended: &'static str,
    /// Action: mark no-show.
    pub no_show: &'static str,
    /// Action: open the cancel form.
    pub cancel: &'static str,
    /// Action: open the reassign form.
    pub reassign: &'static str,
    /// Accessible name of a booking's actions: `{what}`.
    pub actions_for: &'static str,
    /// The note to the booker when cancelling.
    pub cancel_note: &'static str,
    /// Confirms the cancellation.
    pub confirm_cancel: &'static str,
    /// The colleague select's label.
    pub reassign_to: &'static str,
    /// Confirms the reassignment.
    pub confirm_reassign: &'static str,
    /// Leaves a form without doing anything.
    pub back: &'static str,
    /// Announced after the actions.
    pub done_attended: &'static str,
    /// Announced after a no-show.
    pub done_no_show: &'static str,
    /// Announced after cancelling.
    pub done_cancelled: &'static str,
    /// Announced after reassigning.
    pub done_reassigned: &'static str,
    /// Label of a video call's link in the agenda.
    pub label_video_link: &'static str,
    /// A video call without a link yet.
    pub video_link_missing: &'static str,
    /// Opens the link form.
    pub give_video_link: &'static str,
    /// The link field's label.
    pub video_link_field: &'static str,
    /// Under the link field: who sees it.
    pub video_link_hint: &'static str,
    /// Saves the link.
    pub save_video_link: &'static str,
    /// Announced after saving the link.
    pub done_video_link: &'static str,
    /// The link is not a plain https address.
    pub error_bad_link: &'static str,
    /// Only the holder gives the link.
    pub error_not_yours: &'static str,
    /// Heading of own hours.
    pub hours_heading: &'static str,
    /// What the hours page is for.
    pub hours_intro: &'static str,
    /// Heading: weekly hours.
    pub weekly_heading: &'static str,
    /// Adds a weekly row.
    pub add_weekly: &'static str,
    /// Heading: exceptions and absences.
    pub exceptions_heading: &'static str,
    /// Adds an exception row.
    pub add_exception: &'static str,
    /// Field labels: weekday, from, to, date, kind; `{n}` is the row.
    pub field_weekday: &'static str,
    /// From.
    pub field_from: &'static str,
    /// To.
    pub field_to: &'static str,
    /// Date.
    pub field_date: &'static str,
    /// Extra hours or absent.
    pub field_available: &'static str,
    /// An exception that adds hours.
    pub extra_hours: &'static str,
    /// An absence.
    pub absent: &'static str,
    /// Removes row `{n}`.
    pub remove_row: &'static str,
    /// Monday … Sunday.
    pub weekdays: [&'static str; 7],
    /// Saves the hours.
    pub save_hours: &'static str,
    /// Announced after saving.
    pub hours_saved: &'static str,
    /// A weekly row `{n}` is wrong.
    pub weekly_bad: &'static str,
    /// An exception row `{n}` is wrong.
    pub exception_bad: &'static str,
    /// No rows yet.
    pub no_rows: &'static str,
    /// Heading of the courses page.
    pub courses_heading: &'static str,
    /// No courses yet.
    pub no_courses: &'static str,
    /// Columns: name, audience, place, seats, sessions, evaluation.
    pub columns: [&'static str; 6],
    /// Parents, young people.
    pub audiences: [&'static str; 2],
    /// `{enrolled}` of `{capacity}`, `{waiting}` waiting.
    pub seats: &'static str,
    /// Shows a course's evaluation.
    pub show_results: &'static str,
    /// Heading of a course's results: `{name}`.
    pub results_heading: &'static str,
    /// `{n}` answers.
    pub answers: &'static str,
    /// The three scales.
    pub scales: [&'static str; 3],
    /// Heading of the comments.
    pub comments: &'static str,
    /// Nobody answered.
    pub no_answers: &'static str,
    /// Heading of the create form.
    pub create_heading: &'static str,
    /// Field: name.
    pub field_name: &'static str,
    /// Field: audience.
    pub field_audience: &'static str,
    /// Field: place.
    pub field_place: &'static str,
    /// Field: capacity.
    pub field_capacity: &'static str,
    /// Legend: how the sessions are given.
    pub sessions_legend: &'static str,
    /// The standard parent-group template.
    pub use_template: &'static str,
    /// Own sessions.
    pub own_sessions: &'static str,
    /// Field: the first evening.
    pub field_first_evening: &'static str,
    /// Field: start time.
    pub field_start: &'static str,
    /// Field: sessions, one a line.
    pub field_sessions: &'static str,
    /// Creates the course.
    pub create: &'static str,
    /// Announced after creating.
    pub created: &'static str,
    /// Session line `{n}` cannot be read.
    pub session_line_bad: &'static str,
    /// The colleague is busy then.
    pub error_taken: &'static str,
    /// The booking is already closed.
    pub error_closed: &'static str,
    /// A time range is wrong.
    pub error_bad_range: &'static str,
    /// Something in the form is not valid.
    pub error_bad_request: &'static str,
    /// It no longer exists.
    pub error_not_found: &'static str,
}

impl BookingTexts {
    /// A booking API error's text; other codes as on the team page.
    pub fn error(&self, lang: Lang, code: &str) -> &'static str {
        match code {
            "taken" => self.error_taken,
            "closed" => self.error_closed,
            "bad_range" => self.error_bad_range,
            "bad_request" | "bad_body" | "invalid_body" => self.error_bad_request,
            "not_found" => self.error_not_found,
            "bad_link" => self.error_bad_link,
            "not_yours" => self.error_not_yours,
            other => lang.team().error(other),
        }
    }

    /// A role's name; unknown roles as stored.
    pub fn role<'a>(&self, role: &'a str) -> &'a str {
        match role {
            "parent" => self.roles[0],
            "young_person" => self.roles[1],
            "professional" => self.roles[2],
            other => other,
        }
    }

    /// A state's name; unknown states as stored.
    pub fn state<'a>(&self, state: &'a str) -> &'a str {
        match state {
            "booked" => self.states[0],
            "attended" => self.states[1],
            "no_show" => self.states[2],
            "cancelled" => self.states[3],
            other => other,
        }
    }
}

impl Lang {
    /// The booking pages' texts in this language.
    pub fn booking(self) -> &'static BookingTexts {
        match self {
            Lang::Da => &BOOKING_DA,
            Lang::En => &BOOKING_EN,
        }
    }
}

const BOOKING_DA: BookingTexts = BookingTexts {
    nav_agenda: "Aftaler",
    nav_hours: "Mine tider",
    nav_courses: "Grupper",
    agenda_heading: "Aftaler",
    show_team: "Vis hele teamets aftaler",
    refresh: "Opdater",
    empty: "Ingen aftaler de kommende uger.",
    label_kind: "Samtale",
    label_role: "Hvem",
    label_phone: "Ring til",
    label_message: "Besked",
    label_place: "Mødested",
    label_counsellor: "Rådgiver",
    label_state: "Status",
    roles: ["Forælder eller pårørende", "Ung", "Fagperson"],
    states: ["Booket", "Mødt", "Udeblevet", "Aflyst"],
    attended: "Mødt",
    no_show: "Udeblevet",
    cancel: "Aflys",
    reassign: "Giv videre",
    actions_for: "Handlinger for {what}",
    cancel_note: "Besked til den, der har booket (ses med koden)",
    confirm_cancel: "Aflys aftalen",
    reassign_to: "Giv aftalen til",
    confirm_reassign: "Giv aftalen videre",
    back: "Fortryd",
    done_attended: "Aftalen er markeret som mødt.",
    done_no_show: "Aftalen er markeret som udeblevet.",
    done_cancelled: "Aftalen er aflyst.",
    done_reassigned: "Aftalen er givet videre.",
    label_video_link: "Videolink",
    video_link_missing: "Ikke givet endnu",
    give_video_link: "Giv videolink",
    video_link_field: "Link til videosamtalen (https://…)",
    video_link_hint: "Den, der har booket, ser linket, når de slår deres kode op. Linket slettes, når samtalen er forbi.",
    save_video_link: "Gem link",
    done_video_link: "Videolinket er gemt. Den, der har booket, ser det med sin kode.",
    error_bad_link: "Skriv en https://-adresse uden mellemrum, højst 300 tegn.",
    error_not_yours: "Kun den, der har aftalen, kan give linket.",
    hours_heading: "Mine tider",
    hours_intro: "De tider, forældre, unge og fagpersoner kan booke dig i (dansk tid).",
    weekly_heading: "Faste ugentlige tider",
    add_weekly: "Tilføj ugentlig tid",
    exceptions_heading: "Undtagelser og fravær",
    add_exception: "Tilføj undtagelse",
    field_weekday: "Ugedag, række {n}",
    field_from: "Fra, række {n}",
    field_to: "Til, række {n}",
    field_date: "Dato, række {n}",
    field_available: "Slags, række {n}",
    extra_hours: "Ekstra tid",
    absent: "Fravær",
    remove_row: "Fjern række {n}",
    weekdays: [
        "Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag",
    ],
    save_hours: "Gem tider",
    hours_saved: "Dine tider er gemt.",
    weekly_bad: "Ugentlig tid række {n}: skriv fra og til som TT:MM, med fra før til.",
    exception_bad: "Undtagelse række {n}: skriv datoen som ÅÅÅÅ-MM-DD og fra før til.",
    no_rows: "Ingen endnu.",
    courses_heading: "Gruppeforløb",
    no_courses: "Ingen forløb endnu.",
    columns: [
        "Navn",
        "Målgruppe",
        "Sted",
        "Pladser",
        "Gange",
        "Evaluering",
    ],
    audiences: ["Forældre", "Unge"],
    seats: "{enrolled} af {capacity}, {waiting} på venteliste",
    show_results: "Se evaluering",
    results_heading: "Evaluering: {name}",
    answers: "{n} svar",
    scales: [
        "Det hjalp",
        "Jeg følte mig forstået",
        "Jeg vil anbefale det",
    ],
    comments: "Kommentarer",
    no_answers: "Ingen har svaret endnu.",
    create_heading: "Opret forløb",
    field_name: "Navn",
    field_audience: "Målgruppe",
    field_place: "Sted",
    field_capacity: "Pladser",
    sessions_legend: "Gange",
    use_template: "Standard forældregruppe: 5 aftener á 3,5 time, 14 dage imellem, 5. gang ca. 3 måneder efter",
    own_sessions: "Egne gange",
    field_first_evening: "Første aften (ÅÅÅÅ-MM-DD)",
    field_start: "Starttid (TT:MM)",
    field_sessions: "Gange, én pr. linje: ÅÅÅÅ-MM-DD TT:MM-TT:MM",
    create: "Opret forløb",
    created: "Forløbet er oprettet.",
    session_line_bad: "Linje {n} i gangene kan ikke læses: skriv ÅÅÅÅ-MM-DD TT:MM-TT:MM.",
    error_taken: "Kollegaen er optaget på det tidspunkt. Vælg en anden.",
    error_closed: "Aftalen er allerede afsluttet eller aflyst.",
    error_bad_range: "Et tidsrum er forkert: fra skal være før til, og datoer skrives ÅÅÅÅ-MM-DD.",
    error_bad_request: "Noget i formularen er ikke gyldigt. Tjek felterne.",
    error_not_found: "Den findes ikke længere. Opdater siden.",
};

const BOOKING_EN: BookingTexts = BookingTexts {
    nav_agenda: "Bookings",
    nav_hours: "My hours",
    nav_courses: "Groups",
    agenda_heading: "Bookings",
    show_team: "Show the whole team's bookings",
    refresh: "Refresh",
    empty: "No bookings in the coming weeks.",
    label_kind: "Talk",
    label_role: "Who",
    label_phone: "Call",
    label_message: "Message",
    label_place: "Meeting place",
    label_counsellor: "Counsellor",
    label_state: "State",
    roles: ["Parent or relative", "Young person", "Professional"],
    states: ["Booked", "Attended", "No-show", "Cancelled"],
    attended: "Attended",
    no_show: "No-show",
    cancel: "Cancel",
    reassign: "Reassign",
    actions_for: "Actions for {what}",
    cancel_note: "Message to the booker (shown with their code)",
    confirm_cancel: "Cancel the booking",
    reassign_to: "Give the booking to",
    confirm_reassign: "Reassign the booking",
    back: "Back",
    done_attended: "The booking is marked attended.",
    done_no_show: "The booking is marked no-show.",
    done_cancelled: "The booking is cancelled.",
    done_reassigned: "The booking is reassigned.",
    label_video_link: "Video link",
    video_link_missing: "Not given yet",
    give_video_link: "Give video link",
    video_link_field: "Link to the video call (https://…)",
    video_link_hint: "The booker sees the link when they look up their code. It is deleted when the talk is over.",
    save_video_link: "Save link",
    done_video_link: "The video link is saved. The booker sees it with their code.",
    error_bad_link: "Give an https:// address without spaces, at most 300 characters.",
    error_not_yours: "Only the counsellor who holds the booking can give the link.",
    hours_heading: "My hours",
    hours_intro: "The times parents, young people and professionals can book you (Danish time).",
    weekly_heading: "Weekly hours",
    add_weekly: "Add weekly hours",
    exceptions_heading: "Exceptions and absences",
    add_exception: "Add an exception",
    field_weekday: "Weekday, row {n}",
    field_from: "From, row {n}",
    field_to: "To, row {n}",
    field_date: "Date, row {n}",
    field_available: "Kind, row {n}",
    extra_hours: "Extra hours",
    absent: "Absent",
    remove_row: "Remove row {n}",
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    save_hours: "Save hours",
    hours_saved: "Your hours are saved.",
    weekly_bad: "Weekly row {n}: write from and to as HH:MM, from before to.",
    exception_bad: "Exception row {n}: write the date as YYYY-MM-DD, from before to.",
    no_rows: "None yet.",
    courses_heading: "Group courses",
    no_courses: "No courses yet.",
    columns: [
        "Name",
        "Audience",
        "Place",
        "Seats",
        "Sessions",
        "Evaluation",
    ],
    audiences: ["Parents", "Young people"],
    seats: "{enrolled} of {capacity}, {waiting} waiting",
    show_results: "See evaluation",
    results_heading: "Evaluation: {name}",
    answers: "{n} answers",
    scales: ["It helped", "I felt understood", "I would recommend it"],
    comments: "Comments",
    no_answers: "Nobody has answered yet.",
    create_heading: "Create a course",
    field_name: "Name",
    field_audience: "Audience",
    field_place: "Place",
    field_capacity: "Seats",
    sessions_legend: "Sessions",
    use_template: "Standard parent group: 5 evenings of 3.5 hours, 14 days apart, the 5th about 3 months later",
    own_sessions: "Own sessions",
    field_first_evening: "First evening (YYYY-MM-DD)",
    field_start: "Start time (HH:MM)",
    field_sessions: "Sessions, one a line: YYYY-MM-DD HH:MM-HH:MM",
    create: "Create the course",
    created: "The course is created.",
    session_line_bad: "Line {n} of the sessions cannot be read: write YYYY-MM-DD HH:MM-HH:MM.",
    error_taken: "The colleague is busy then. Choose another.",
    error_closed: "The booking is already closed or cancelled.",
    error_bad_range: "A time range is wrong: from must be before to, and dates are written YYYY-MM-DD.",
    error_bad_request: "Something in the form is not valid. Check the fields.",
    error_not_found: "It no longer exists. Refresh the page.",
};

/// The texts of the letters page: the queue of letters waiting for an
/// answer, the thread, drafts, review.
#[derive(Debug)]
pub struct LetterTexts {
    /// Navigation: letters.
    pub nav_letters: &'static str,
    /// Heading of the page.
    pub heading: &'static str,
    /// Heading of the queue.
    pub queue_heading: &'static str,
    /// No letters wait.
    pub empty: &'static str,
    /// Heading of one's own answered threads.
    pub answered_heading: &'static str,
    /// Reload.
    pub refresh: &'static str,
    /// Time left: `{time}` ("2 d 4 t").
    pub time_left: &'static str,
    /// Past the deadline by `{time}`.
    pub overdue: &'static str,
    /// Days, hours, minutes units.
    pub units: [&'static str; 3],
    /// The deadline: `{date}`.
    pub due: &'static str,
    /// Nobody has it.
    pub unclaimed: &'static str,
    /// Taken by `{name}`.
    pub taken_by: &'static str,
    /// Being answered by `{name}` (a draft exists).
    pub being_answered_by: &'static str,
    /// Waiting for review (draft by `{name}`).
    pub in_review: &'static str,
    /// `{n}` letters in the thread.
    pub letters_count: &'static str,
    /// Opens a thread.
    pub open: &'static str,
    /// Takes a thread.
    pub claim: &'static str,
    /// Gives it back.
    pub release: &'static str,
    /// Back to the list.
    pub back: &'static str,
    /// The writer's letter header: `{date}`.
    pub writer_wrote: &'static str,
    /// An answer's header: `{name}`, `{date}`.
    pub counsellor_wrote: &'static str,
    /// A text that could not be opened.
    pub unreadable: &'static str,
    /// Label of the answer field.
    pub answer_label: &'static str,
    /// Saves the draft.
    pub save_draft: &'static str,
    /// Sends the answer.
    pub send: &'static str,
    /// Sends the answer to a colleague for review.
    pub send_for_review: &'static str,
    /// Approves and sends a colleague's draft.
    pub approve: &'static str,
    /// The draft is saved.
    pub saved: &'static str,
    /// The answer is sent.
    pub sent: &'static str,
    /// The answer waits for review.
    pub sent_for_review: &'static str,
    /// Approved and sent.
    pub approved: &'static str,
    /// Claimed.
    pub claimed: &'static str,
    /// Released.
    pub released: &'static str,
    /// The service reviews answers before they are sent.
    pub review_hint: &'static str,
    /// A colleague's draft, read-only.
    pub colleague_draft: &'static str,
    /// Label: role.
    pub label_role: &'static str,
    /// Label: age band.
    pub label_age: &'static str,
    /// Label: topic.
    pub label_topic: &'static str,
    /// Nothing given.
    pub not_given: &'static str,
    /// Characters used: `{n}` of `{max}`.
    pub counter: &'static str,
    /// Errors: empty, too long, taken, nothing to answer, no review, not
    /// found, other.
    pub errors: [&'static str; 7],
}

impl LetterTexts {
    /// The text for an error code from the letters API.
    pub fn error(&self, code: &str) -> &'static str {
        match code {
            "empty" => self.errors[0],
            "too_long" => self.errors[1],
            "taken" => self.errors[2],
            "nothing_to_answer" => self.errors[3],
            "no_review" => self.errors[4],
            "not_found" => self.errors[5],
            _ => self.errors[6],
        }
    }

    /// Time left until `due` at `now` (both Unix ms), coarse as a deadline
    /// needs: "Svar inden 2 d 4 t" or "Over fristen med 3 t".
    pub fn time_left(&self, now: i64, due: i64) -> String {
        let left = due - now;
        let minutes = left.abs() / 60_000;
        let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
        let time = if days > 0 {
            format!("{days} {} {hours} {}", self.units[0], self.units[1])
        } else if hours > 0 {
            format!("{hours} {} {mins} {}", self.units[1], self.units[2])
        } else {
            format!("{mins} {}", self.units[2])
        };
        fill(
            if left >= 0 {
                self.time_left
            } else {
                self.overdue
            },
            "time",
            &time,
        )
    }
}

impl Lang {
    /// The letters page's texts in this language.
    pub fn letters(self) -> &'static LetterTexts {
        match self {
            Lang::Da => &LETTERS_DA,
            Lang::En => &LETTERS_EN,
        }
    }
}

static LETTERS_DA: LetterTexts = LetterTexts {
    nav_letters: "Breve",
    heading: "Breve",
    queue_heading: "Venter på svar",
    empty: "Ingen breve venter på svar.",
    answered_heading: "Dine besvarede breve",
    refresh: "Opdatér",
    time_left: "Svar inden {time}",
    overdue: "Over fristen med {time}",
    units: ["d", "t", "min"],
    due: "Frist {date}",
    unclaimed: "Ingen har taget det",
    taken_by: "Taget af {name}",
    being_answered_by: "Bliver besvaret af {name}",
    in_review: "Venter på gennemsyn (skrevet af {name})",
    letters_count: "{n} breve i tråden",
    open: "Læs",
    claim: "Tag brevet",
    release: "Læg tilbage i køen",
    back: "Tilbage til brevene",
    writer_wrote: "Skrevet {date}",
    counsellor_wrote: "{name} svarede {date}",
    unreadable: "(kan ikke åbnes)",
    answer_label: "Dit svar",
    save_draft: "Gem kladde",
    send: "Send svaret",
    send_for_review: "Send til gennemsyn",
    approve: "Godkend og send",
    saved: "Kladden er gemt. Kollegerne kan se, at du svarer.",
    sent: "Svaret er sendt. Personen kan læse det med sin kode.",
    sent_for_review: "Svaret venter nu på, at en kollega læser det igennem.",
    approved: "Svaret er godkendt og sendt.",
    claimed: "Du har taget brevet.",
    released: "Brevet er lagt tilbage i køen.",
    review_hint: "Tjenesten læser svar igennem før de sendes: en kollega godkender dit svar.",
    colleague_draft: "Kladde",
    label_role: "Hvem",
    label_age: "Alder",
    label_topic: "Emne",
    not_given: "ikke oplyst",
    counter: "{n} af {max} tegn",
    errors: [
        "Svaret er tomt.",
        "Svaret er for langt.",
        "En kollega har taget brevet.",
        "Brevet er allerede besvaret.",
        "Du kan ikke godkende dit eget svar; en kollega skal.",
        "Brevet findes ikke længere. Opdatér siden.",
        "Det lykkedes ikke. Prøv igen.",
    ],
};

static LETTERS_EN: LetterTexts = LetterTexts {
    nav_letters: "Letters",
    heading: "Letters",
    queue_heading: "Waiting for an answer",
    empty: "No letters wait for an answer.",
    answered_heading: "Your answered letters",
    refresh: "Refresh",
    time_left: "Answer within {time}",
    overdue: "Past the deadline by {time}",
    units: ["d", "h", "min"],
    due: "Due {date}",
    unclaimed: "Nobody has taken it",
    taken_by: "Taken by {name}",
    being_answered_by: "Being answered by {name}",
    in_review: "Waiting for review (written by {name})",
    letters_count: "{n} letters in the thread",
    open: "Read",
    claim: "Take the letter",
    release: "Put back in the queue",
    back: "Back to the letters",
    writer_wrote: "Written {date}",
    counsellor_wrote: "{name} answered {date}",
    unreadable: "(cannot be opened)",
    answer_label: "Your answer",
    save_draft: "Save draft",
    send: "Send the answer",
    send_for_review: "Send for review",
    approve: "Approve and send",
    saved: "The draft is saved. Colleagues can see that you are answering.",
    sent: "The answer is sent. The person can read it with their code.",
    sent_for_review: "The answer now waits for a colleague to read it through.",
    approved: "The answer is approved and sent.",
    claimed: "You have taken the letter.",
    released: "The letter is back in the queue.",
    review_hint: "The service reviews answers before they are sent: a colleague approves yours.",
    colleague_draft: "Draft",
    label_role: "Who",
    label_age: "Age",
    label_topic: "Topic",
    not_given: "not given",
    counter: "{n} of {max} characters",
    errors: [
        "The answer is empty.",
        "The answer is too long.",
        "A colleague has taken the letter.",
        "The letter is already answered.",
        "You cannot approve your own answer; a colleague must.",
        "The letter no longer exists. Refresh the page.",
        "That did not work. Try again.",
    ],
};

#[cfg(test)]
mod letter_tests {
    use super::*;

    #[test]
    fn time_left_is_coarse_and_says_when_the_deadline_has_passed() {
        let t = Lang::Da.letters();
        let hour = 3_600_000;
        assert_eq!(t.time_left(0, 52 * hour + 60_000), "Svar inden 2 d 4 t");
        assert_eq!(
            t.time_left(0, 3 * hour + 5 * 60_000),
            "Svar inden 3 t 5 min"
        );
        assert_eq!(
            t.time_left(10 * hour, 7 * hour),
            "Over fristen med 3 t 0 min"
        );
        assert_eq!(
            Lang::En.letters().error("taken"),
            "A colleague has taken the letter."
        );
    }
}
