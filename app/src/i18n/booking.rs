//! The texts of the booking and group pages, Danish and English.
//!
//! A table of its own, apart from [`super::Texts`]: the booking pages are
//! rendered on the server only (plain HTML forms), and texts only the
//! server uses must not travel in the youth pages' WASM bundle.

use super::Lang;

/// Every text of the booking and group pages in one language.
#[derive(Debug)]
pub struct BookingTexts {
    /// Heading of the booking page.
    pub heading: &'static str,
    /// Under the heading: what booking is and what it is not.
    pub lead: &'static str,
    /// Asks which kind of talk.
    pub choose_type: &'static str,
    /// Minutes, after a number.
    pub minutes: &'static str,
    /// Heading of the times page.
    pub choose_time: &'static str,
    /// No free time in the coming weeks.
    pub no_times: &'static str,
    /// Legend of the role choice.
    pub who_are_you: &'static str,
    /// The three roles: parent, young person, professional.
    pub roles: [&'static str; 3],
    /// Label of the alias field.
    pub alias: &'static str,
    /// Why only an alias.
    pub alias_hint: &'static str,
    /// Label of the message field.
    pub message: &'static str,
    /// The message is optional.
    pub message_hint: &'static str,
    /// Label of the phone field.
    pub phone: &'static str,
    /// What happens to the number.
    pub phone_hint: &'static str,
    /// Label of the meeting-place choice.
    pub place: &'static str,
    /// The booking button.
    pub book: &'static str,
    /// Heading after booking.
    pub booked: &'static str,
    /// Heading of the manage code card.
    pub your_code: &'static str,
    /// Keep the code.
    pub code_hint: &'static str,
    /// The calendar download button.
    pub add_to_calendar: &'static str,
    /// Link and heading: see, move or cancel a booking.
    pub manage: &'static str,
    /// Label of the code field.
    pub code: &'static str,
    /// The look-up button.
    pub look_up: &'static str,
    /// Your talk: followed by type and time.
    pub your_talk: &'static str,
    /// "with" a counsellor's name.
    pub with: &'static str,
    /// State texts: booked, cancelled, attended, no-show.
    pub states: [&'static str; 4],
    /// Label of the state.
    pub status: &'static str,
    /// Label of the video-call link.
    pub video_link: &'static str,
    /// A video call whose link is not given yet.
    pub video_pending: &'static str,
    /// The counsellor cancelled: their message follows.
    pub cancelled_by_us: &'static str,
    /// Cancel button.
    pub cancel: &'static str,
    /// Move: legend and button.
    pub move_to: &'static str,
    /// After cancelling.
    pub cancelled_done: &'static str,
    /// After moving.
    pub moved_done: &'static str,
    /// Refusals: unknown type, bad alias, message too long, bad phone, bad
    /// place, past, taken, unknown code, too many attempts, closed, full,
    /// unknown course, no evaluation, bad score, something went wrong.
    pub refusals: [&'static str; 15],
    /// Link back to the booking page.
    pub back: &'static str,
    /// Heading of the groups page.
    pub groups_heading: &'static str,
    /// Under it.
    pub groups_lead: &'static str,
    /// No courses open.
    pub no_groups: &'static str,
    /// Seats left: followed by a number.
    pub seats_left: &'static str,
    /// The course is full: sign-ups go on the waiting list.
    pub full_waiting: &'static str,
    /// Sign-up button.
    pub sign_up: &'static str,
    /// Audience names: parents, young people.
    pub audiences: [&'static str; 2],
    /// Sessions list heading.
    pub sessions: &'static str,
    /// You have a seat.
    pub enrolled: &'static str,
    /// You are on the waiting list: followed by the place.
    pub waiting: &'static str,
    /// You cancelled the course.
    pub group_cancelled: &'static str,
    /// Evaluation heading.
    pub evaluate: &'static str,
    /// The three evaluation questions.
    pub questions: [&'static str; 3],
    /// 1 and 5 meanings.
    pub scale: &'static str,
    /// Comment label.
    pub comment: &'static str,
    /// Send evaluation.
    pub send: &'static str,
    /// Thanks for evaluating.
    pub thanks: &'static str,
    /// Link to groups.
    pub groups_link: &'static str,
}

/// The texts in `lang`.
pub fn booking_texts(lang: Lang) -> &'static BookingTexts {
    match lang {
        Lang::Da => &DA,
        Lang::En => &EN,
    }
}

static DA: BookingTexts = BookingTexts {
    heading: "Book en samtale",
    lead: "Vælg en tid, der passer dig. Du skal ikke sige, hvem du er – et kaldenavn er nok.",
    choose_type: "Hvordan vil du helst tale med os?",
    minutes: "min.",
    choose_time: "Vælg en tid",
    no_times: "Der er ingen ledige tider de næste uger. Prøv en anden slags samtale, eller skriv til os i chatten.",
    who_are_you: "Hvem er du?",
    roles: ["Forælder eller pårørende", "Ung", "Fagperson"],
    alias: "Kaldenavn",
    alias_hint: "Et navn vi kan kalde dig. Det behøver ikke være dit rigtige.",
    message: "Vil du fortælle lidt på forhånd?",
    message_hint: "Frivilligt. Skriv ikke navne eller adresser.",
    phone: "Telefonnummer vi skal ringe til",
    phone_hint: "Kun din rådgiver kan se det, og vi sletter det, når samtalen er slut.",
    place: "Hvor mødes vi?",
    book: "Book tiden",
    booked: "Din tid er booket",
    your_code: "Din kode",
    code_hint: "Gem koden. Med den kan du se, flytte eller aflyse tiden. Vi sender ingen mail eller sms.",
    add_to_calendar: "Læg i kalenderen (.ics)",
    manage: "Se, flyt eller aflys med din kode",
    code: "Din kode (fire ord)",
    look_up: "Find",
    your_talk: "Din samtale",
    with: "med",
    states: ["Booket", "Aflyst", "Holdt", "Ikke mødt"],
    status: "Status",
    video_link: "Link til videosamtalen",
    video_pending: "Din rådgiver lægger linket her inden samtalen. Kig igen med din kode dagen før.",
    cancelled_by_us: "Vi har desværre måttet aflyse. Besked fra din rådgiver:",
    cancel: "Aflys tiden",
    move_to: "Flyt til en anden tid",
    cancelled_done: "Tiden er aflyst.",
    moved_done: "Tiden er flyttet.",
    refusals: [
        "Den slags samtale kan ikke bookes her. Vælg en anden.",
        "Skriv et kaldenavn på højst 40 tegn.",
        "Beskeden er for lang. Skriv højst 1000 tegn.",
        "Skriv et telefonnummer med 8 til 15 cifre.",
        "Vælg et af mødestederne på listen.",
        "Den tid er gået eller er for tæt på. Vælg en senere tid.",
        "Den tid er lige blevet taget. Vælg en anden – intet er ændret.",
        "Vi kender ikke den kode. Tjek ordene og prøv igen.",
        "For mange forsøg. Vent et kvarter, og prøv igen.",
        "Tiden kan ikke længere ændres.",
        "Holdet er fuldt.",
        "Det hold kan man ikke tilmelde sig.",
        "Du kan evaluere, når forløbet er slut – og kun én gang.",
        "Vælg et tal fra 1 til 5 ved hvert spørgsmål.",
        "Noget gik galt hos os. Prøv igen om lidt.",
    ],
    back: "Tilbage",
    groups_heading: "Grupper og forløb",
    groups_lead: "Mød andre i samme situation. Du tilmelder dig med et kaldenavn og får en kode.",
    no_groups: "Der er ingen hold at tilmelde sig lige nu.",
    seats_left: "Ledige pladser:",
    full_waiting: "Holdet er fuldt – du kommer på ventelisten og rykker automatisk op, hvis der bliver plads.",
    sign_up: "Tilmeld",
    audiences: ["For forældre og pårørende", "For unge"],
    sessions: "Mødegange",
    enrolled: "Du har en plads på holdet.",
    waiting: "Du er på ventelisten. Din plads i køen:",
    group_cancelled: "Du er afmeldt.",
    evaluate: "Hvad syntes du om forløbet?",
    questions: [
        "Forløbet hjalp mig",
        "Jeg følte mig forstået",
        "Jeg vil anbefale det til andre",
    ],
    scale: "1 = slet ikke, 5 = i høj grad",
    comment: "Vil du skrive mere? (frivilligt)",
    send: "Send",
    thanks: "Tak! Din evaluering er anonym.",
    groups_link: "Se grupper og forløb",
};

static EN: BookingTexts = BookingTexts {
    heading: "Book a talk",
    lead: "Pick a time that suits you. You don't have to say who you are – a nickname is enough.",
    choose_type: "How would you like to talk with us?",
    minutes: "min",
    choose_time: "Pick a time",
    no_times: "There are no free times in the coming weeks. Try another kind of talk, or write to us in the chat.",
    who_are_you: "Who are you?",
    roles: ["Parent or relative", "Young person", "Professional"],
    alias: "Nickname",
    alias_hint: "A name we can call you. It doesn't have to be your real one.",
    message: "Would you like to tell us a little beforehand?",
    message_hint: "Optional. Please don't write names or addresses.",
    phone: "Phone number we should call",
    phone_hint: "Only your counsellor can see it, and we delete it when the talk is over.",
    place: "Where shall we meet?",
    book: "Book this time",
    booked: "Your time is booked",
    your_code: "Your code",
    code_hint: "Keep the code. With it you can see, move or cancel the time. We send no e-mail or text message.",
    add_to_calendar: "Add to calendar (.ics)",
    manage: "See, move or cancel with your code",
    code: "Your code (four words)",
    look_up: "Find",
    your_talk: "Your talk",
    with: "with",
    states: ["Booked", "Cancelled", "Held", "Missed"],
    status: "Status",
    video_link: "Link to the video call",
    video_pending: "Your counsellor puts the link here before the talk. Look again with your code the day before.",
    cancelled_by_us: "We're sorry, we had to cancel. A message from your counsellor:",
    cancel: "Cancel this time",
    move_to: "Move to another time",
    cancelled_done: "The time is cancelled.",
    moved_done: "The time is moved.",
    refusals: [
        "That kind of talk can't be booked here. Please pick another.",
        "Please write a nickname of at most 40 characters.",
        "The message is too long. Please write at most 1000 characters.",
        "Please write a phone number with 8 to 15 digits.",
        "Please pick one of the meeting places on the list.",
        "That time has passed or is too soon. Please pick a later time.",
        "That time was just taken. Please pick another – nothing has changed.",
        "We don't know that code. Check the words and try again.",
        "Too many attempts. Please wait a quarter of an hour and try again.",
        "This time can no longer be changed.",
        "The group is full.",
        "That group is not open for sign-up.",
        "You can give your evaluation once the course is over – and only once.",
        "Please pick a number from 1 to 5 for each question.",
        "Something went wrong on our side. Please try again in a moment.",
    ],
    back: "Back",
    groups_heading: "Groups and courses",
    groups_lead: "Meet others in the same situation. You sign up with a nickname and get a code.",
    no_groups: "There are no groups open for sign-up right now.",
    seats_left: "Seats left:",
    full_waiting: "The group is full – you go on the waiting list and move up by yourself when a seat frees up.",
    sign_up: "Sign up",
    audiences: ["For parents and relatives", "For young people"],
    sessions: "Meetings",
    enrolled: "You have a seat in the group.",
    waiting: "You are on the waiting list. Your place in line:",
    group_cancelled: "You have left the group.",
    evaluate: "What did you think of the course?",
    questions: [
        "The course helped me",
        "I felt understood",
        "I would recommend it to others",
    ],
    scale: "1 = not at all, 5 = very much",
    comment: "Would you like to write more? (optional)",
    send: "Send",
    thanks: "Thank you! Your evaluation is anonymous.",
    groups_link: "See groups and courses",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_refusal_and_role() {
        for lang in [Lang::Da, Lang::En] {
            let t = booking_texts(lang);
            assert!(t.refusals.iter().all(|r| !r.is_empty()));
            assert!(t.roles.iter().all(|r| !r.is_empty()));
        }
        assert_ne!(booking_texts(Lang::Da).book, booking_texts(Lang::En).book);
    }
}
