//! The texts of the letter pages (`/brev`), Danish and English.
//!
//! A table of its own, like [`super::booking`]: the letter pages are
//! rendered on the server only (plain HTML forms), so their texts must not
//! travel in the youth pages' WASM bundle. Roles, age bands and topics come
//! from [`super::Texts`], the same words as in the chat.

use super::Lang;

/// Every text of the letter pages in one language. `{promise}`, `{date}`,
/// `{name}` and `{max}` are filled in by the server.
#[derive(Debug)]
pub struct LetterTexts {
    /// Heading of the writing page.
    pub heading: &'static str,
    /// Under it: any time, no name, when the answer comes.
    pub lead: &'static str,
    /// What is never asked for.
    pub privacy: &'static str,
    /// Legend of the role choice.
    pub who_are_you: &'static str,
    /// Label of the optional age band.
    pub age: &'static str,
    /// Label of the optional topic.
    pub topic: &'static str,
    /// The "no answer" choice of both.
    pub not_said: &'static str,
    /// Label of the letter.
    pub letter: &'static str,
    /// Under the letter: the limit, before the counter runs.
    pub limit: &'static str,
    /// What not to write.
    pub letter_hint: &'static str,
    /// The send button.
    pub send: &'static str,
    /// Link to reading an answer.
    pub have_code: &'static str,
    /// Heading after sending.
    pub sent_heading: &'static str,
    /// The letter is stored; the promise.
    pub sent: &'static str,
    /// Heading of the code card.
    pub your_code: &'static str,
    /// The plain warning: no code, no answer.
    pub code_warning: &'static str,
    /// When to come back (no notifications).
    pub come_back: &'static str,
    /// Link and heading: read the answer.
    pub read: &'static str,
    /// Label of the code field.
    pub code: &'static str,
    /// The look-up button.
    pub look_up: &'static str,
    /// Heading of the thread page.
    pub thread_heading: &'static str,
    /// An answer waits.
    pub answer_waiting: &'static str,
    /// No answer yet.
    pub not_yet: &'static str,
    /// Answered and read.
    pub answered: &'static str,
    /// Accessible name of the letters list.
    pub letters_label: &'static str,
    /// "You wrote, {date}".
    pub you_wrote: &'static str,
    /// "{name} answered, {date}".
    pub they_wrote: &'static str,
    /// Label of the reply.
    pub reply: &'static str,
    /// The reply button.
    pub send_reply: &'static str,
    /// After replying.
    pub replied: &'static str,
    /// When the thread will be deleted.
    pub deleted_after: &'static str,
    /// The chat is open and the counsellor is there.
    pub chat_offer: &'static str,
    /// The button to move into the chat.
    pub chat_now: &'static str,
    /// Heading of the chat step.
    pub chat_heading: &'static str,
    /// How to continue in the chat with the code.
    pub chat_ready: &'static str,
    /// The link to the chat.
    pub go_to_chat: &'static str,
    /// Refusals: empty, too long, choose who you are, unknown code, too
    /// many attempts, the chat is not possible now, something went wrong.
    pub refusals: [&'static str; 7],
    /// Link back to the start.
    pub back: &'static str,
    /// The counter as the script writes it: "{n} of {max} characters".
    pub counter: &'static str,
}

/// The texts in `lang`.
pub fn letter_texts(lang: Lang) -> &'static LetterTexts {
    match lang {
        Lang::Da => &DA,
        Lang::En => &EN,
    }
}

static DA: LetterTexts = LetterTexts {
    heading: "Skriv et brev",
    lead: "Skriv, når det passer dig – også om aftenen, om natten og i weekenden. Du skal ikke sige, hvem du er. Vi svarer {promise}.",
    privacy: "Vi spørger ikke om navn, e-mail eller telefonnummer, og vi sender ingen beskeder. Du læser svaret her med en kode.",
    who_are_you: "Hvem er du?",
    age: "Hvor gammel er du? (frivilligt, kun hvis du er ung)",
    topic: "Hvad handler det om? (frivilligt)",
    not_said: "Vil ikke sige det",
    letter: "Dit brev",
    limit: "Højst {max} tegn.",
    letter_hint: "Skriv ikke navne, adresser eller telefonnumre, hvis du vil være helt anonym.",
    send: "Send brevet",
    have_code: "Har du en kode? Læs dit svar",
    sent_heading: "Dit brev er sendt",
    sent: "Vi har gemt dit brev. Du får svar {promise} – senest {date}.",
    your_code: "Din kode",
    code_warning: "Skriv koden ned eller tag et billede af den. Uden koden kan svaret ikke findes igen – vi kan ikke sende det til dig, og vi kan ikke finde det for dig.",
    come_back: "Kom tilbage senest {date}, tryk på »Læs svar« og skriv koden. Koden virker på alle telefoner og computere.",
    read: "Læs svar",
    code: "Din kode (fire ord)",
    look_up: "Læs",
    thread_heading: "Dine breve",
    answer_waiting: "Der er et nyt svar til dig.",
    not_yet: "Vi har ikke svaret endnu. Du får svar senest {date}.",
    answered: "Du har fået svar. Skriv igen, hvis du vil.",
    letters_label: "Brevene",
    you_wrote: "Du skrev, {date}",
    they_wrote: "{name} svarede, {date}",
    reply: "Skriv tilbage",
    send_reply: "Send",
    replied: "Dit brev er sendt. Du får svar senest {date}.",
    deleted_after: "Brevene slettes {date}, hvis ingen skriver før. Hvert nyt brev flytter datoen.",
    chat_offer: "Chatten er åben, og {name} er her nu. Vil du hellere skrive med {name} direkte?",
    chat_now: "Chat med {name} nu",
    chat_heading: "Chat med {name}",
    chat_ready: "Din chat er klar. Gå til chatten, tryk på »Har du en kode fra sidst?« og skriv din kode. Så kommer du til {name}.",
    go_to_chat: "Gå til chatten",
    refusals: [
        "Brevet er tomt. Skriv noget, før du sender.",
        "Brevet er for langt. Gør det kortere, eller del det i to breve.",
        "Vælg, hvem du er.",
        "Den kode kender vi ikke. Tjek, at du har skrevet alle fire ord.",
        "For mange forsøg. Vent et kvarter, og prøv igen.",
        "Det kan ikke lade sig gøre lige nu. Skriv et brev i stedet.",
        "Noget gik galt. Prøv igen om lidt.",
    ],
    back: "Til forsiden",
    counter: "{n} af {max} tegn",
};

static EN: LetterTexts = LetterTexts {
    heading: "Write a letter",
    lead: "Write when it suits you – in the evening, at night and at weekends too. You don't have to say who you are. We answer {promise}.",
    privacy: "We don't ask for a name, e-mail or phone number, and we send no messages. You read the answer here with a code.",
    who_are_you: "Who are you?",
    age: "How old are you? (optional, only if you're a young person)",
    topic: "What is it about? (optional)",
    not_said: "I'd rather not say",
    letter: "Your letter",
    limit: "At most {max} characters.",
    letter_hint: "Leave out names, addresses and phone numbers if you want to stay fully anonymous.",
    send: "Send the letter",
    have_code: "Have a code? Read your answer",
    sent_heading: "Your letter is sent",
    sent: "We have saved your letter. You get an answer {promise} – by {date}.",
    your_code: "Your code",
    code_warning: "Write the code down or take a picture of it. Without the code the answer cannot be found again – we cannot send it to you, and we cannot find it for you.",
    come_back: "Come back by {date}, tap \"Read answer\" and type the code. The code works on any phone or computer.",
    read: "Read answer",
    code: "Your code (four words)",
    look_up: "Read",
    thread_heading: "Your letters",
    answer_waiting: "There is a new answer for you.",
    not_yet: "We haven't answered yet. You get an answer by {date}.",
    answered: "You have an answer. Write again if you like.",
    letters_label: "The letters",
    you_wrote: "You wrote, {date}",
    they_wrote: "{name} answered, {date}",
    reply: "Write back",
    send_reply: "Send",
    replied: "Your letter is sent. You get an answer by {date}.",
    deleted_after: "The letters are deleted on {date} unless someone writes before. Each new letter moves the date.",
    chat_offer: "The chat is open and {name} is here now. Would you rather write with {name} directly?",
    chat_now: "Chat with {name} now",
    chat_heading: "Chat with {name}",
    chat_ready: "Your chat is ready. Go to the chat, tap \"Have a code from last time?\" and type your code. Then you come to {name}.",
    go_to_chat: "Go to the chat",
    refusals: [
        "The letter is empty. Write something before you send it.",
        "The letter is too long. Make it shorter, or split it into two letters.",
        "Choose who you are.",
        "We don't know that code. Check that you typed all four words.",
        "Too many attempts. Wait a quarter of an hour and try again.",
        "That is not possible right now. Write a letter instead.",
        "Something went wrong. Try again in a moment.",
    ],
    back: "To the front page",
    counter: "{n} of {max} characters",
};
