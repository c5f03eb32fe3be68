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
