//! The statistics' texts, Danish and English: the coordinators' dashboard
//! in the console, and (on the server) the CSV's labels and the printable
//! report. One table for all three, so a figure is called the same
//! everywhere.

use super::texts::Lang;

/// The dashboard's and the report's fixed texts.
pub struct StatsTexts {
    /// The navigation entry.
    pub nav: &'static str,
    /// The page heading.
    pub heading: &'static str,
    /// "Show a month" / "a whole year".
    pub period_legend: &'static str,
    /// One month.
    pub kind_month: &'static str,
    /// A whole year.
    pub kind_year: &'static str,
    /// The month field.
    pub month_field: &'static str,
    /// The year field.
    pub year_field: &'static str,
    /// Step back one period.
    pub previous: &'static str,
    /// Step forward one period.
    pub next: &'static str,
    /// The CSV link.
    pub csv: &'static str,
    /// The printable report link.
    pub printable: &'static str,
    /// While loading.
    pub loading: &'static str,
    /// A period that cannot be read.
    pub bad_period: &'static str,
    /// Anything else failed.
    pub failed: &'static str,
    /// Column: what is counted.
    pub column_what: &'static str,
    /// Column: how many.
    pub column_count: &'static str,
    /// Column: the yearly minimum.
    pub column_target: &'static str,
    /// Column: done so far this year.
    pub column_done: &'static str,
    /// Column: due by the end of the period.
    pub column_due: &'static str,
    /// The progress chart's heading; `{n}` counsellors.
    pub progress_heading: &'static str,
    /// Under the dashboard: exact numbers here, suppressed in exports.
    pub exact_note: &'static str,
    /// Under the report: what `<3` and `..` mean.
    pub suppression_note: &'static str,
    /// The report's title; `{period}`.
    pub report_title: &'static str,
    /// "From {from} to {to}".
    pub span: &'static str,
    /// No value (nothing measured).
    pub none: &'static str,
    /// Seconds, after a number.
    pub seconds: &'static str,
    /// Minutes, after a number.
    pub minutes: &'static str,
    /// Hours, after a number.
    pub hours: &'static str,
    /// The months, January first.
    pub months: [&'static str; 12],
}

impl Lang {
    /// The statistics' texts in this language.
    pub fn stats(self) -> &'static StatsTexts {
        match self {
            Lang::Da => &STATS_DA,
            Lang::En => &STATS_EN,
        }
    }
}

const STATS_DA: StatsTexts = StatsTexts {
    nav: "Statistik",
    heading: "Aktivitetsstatistik",
    period_legend: "Periode",
    kind_month: "En måned",
    kind_year: "Et helt år",
    month_field: "Måned",
    year_field: "År",
    previous: "Forrige periode",
    next: "Næste periode",
    csv: "Hent CSV",
    printable: "Udskriftsvenlig rapport",
    loading: "Henter tallene …",
    bad_period: "Perioden kan ikke læses. Vælg en måned eller et år.",
    failed: "Tallene kunne ikke hentes. Prøv igen.",
    column_what: "Hvad",
    column_count: "Antal",
    column_target: "Årligt minimum",
    column_done: "Indtil nu i år",
    column_due: "Forventet til nu",
    progress_heading: "Årets minimumskrav for {n} rådgivere",
    exact_note: "Her ses de præcise tal. I CSV-filen og rapporten vises tal under 3 som «<3», så ingen kan genkendes.",
    suppression_note: "Tal fra 1 til 2 vises som «<3», og gennemsnit, medianer og 90 %-fraktiler af færre end 3 målinger ligeså; «..» skjuler et tal, der ellers kunne regnes ud af totalen. Så kan ingen enkeltperson genkendes.",
    report_title: "Aktivitetsstatistik {period}",
    span: "{from} til {to}",
    none: "–",
    seconds: "sek.",
    minutes: "min.",
    hours: "timer",
    months: [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ],
};

const STATS_EN: StatsTexts = StatsTexts {
    nav: "Statistics",
    heading: "Activity statistics",
    period_legend: "Period",
    kind_month: "One month",
    kind_year: "A whole year",
    month_field: "Month",
    year_field: "Year",
    previous: "Previous period",
    next: "Next period",
    csv: "Download CSV",
    printable: "Printable report",
    loading: "Fetching the figures …",
    bad_period: "The period cannot be read. Choose a month or a year.",
    failed: "The figures could not be fetched. Try again.",
    column_what: "What",
    column_count: "Count",
    column_target: "Yearly minimum",
    column_done: "So far this year",
    column_due: "Due by now",
    progress_heading: "This year's minimums for {n} counsellors",
    exact_note: "These are the exact figures. The CSV file and the report show numbers below 3 as \"<3\", so nobody can be recognised.",
    suppression_note: "Numbers from 1 to 2 are shown as \"<3\", and so are means, medians and 90th percentiles of fewer than 3 measurements; \"..\" hides a number that could otherwise be worked out from the total. So no individual can be picked out.",
    report_title: "Activity statistics {period}",
    span: "{from} to {to}",
    none: "–",
    seconds: "s",
    minutes: "min",
    hours: "hours",
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
};

/// Sections, figures and vocabulary keys: (key, Danish, English).
const WORDS: &[(&str, &str, &str)] = &[
    // Sections.
    ("section_period", "Periode", "Period"),
    (
        "section_contacts",
        "Anonym rådgivning",
        "Anonymous counselling",
    ),
    ("section_treatment", "Behandling", "Treatment"),
    ("section_consultant", "Konsulentopgaver", "Consultant tasks"),
    ("section_groups", "Grupper", "Groups"),
    ("section_quality", "Kvalitet", "Service quality"),
    (
        "section_progress",
        "Årets minimumskrav",
        "The yearly minimums",
    ),
    // Figures.
    ("period", "Periode", "Period"),
    ("from", "Første dag", "First day"),
    ("to", "Sidste dag", "Last day"),
    ("counsellors", "Rådgivere", "Counsellors"),
    ("contacts", "Kontakter i alt", "Contacts in all"),
    ("by_channel", "Kontakter efter kanal", "Contacts by channel"),
    ("by_role", "Kontakter efter hvem", "Contacts by who"),
    (
        "by_age_band",
        "Kontakter efter alder",
        "Contacts by age band",
    ),
    ("by_topic", "Kontakter efter emne", "Contacts by topic"),
    (
        "new_returning",
        "Nye og tilbagevendende",
        "New and returning",
    ),
    ("new_contacts", "Nye kontakter", "New contacts"),
    (
        "returning_contacts",
        "Tilbagevendende (med kode)",
        "Returning (with a code)",
    ),
    (
        "unique_persons",
        "Unikke anonyme personer",
        "Unique anonymous persons",
    ),
    (
        "course_lengths",
        "Anonyme forløb efter antal samtaler",
        "Anonymous courses by talks",
    ),
    (
        "conversions",
        "Omlagt til behandling",
        "Converted to treatment",
    ),
    ("activated", "Behandlinger startet", "Treatments started"),
    ("closed", "Sager afsluttet", "Cases closed"),
    (
        "active_cases",
        "Aktive behandlinger ved periodens slutning",
        "Active treatments at the end of the period",
    ),
    (
        "cases_in_treatment",
        "Behandlingssager i perioden",
        "Treatment cases in the period",
    ),
    ("treatment_cases", "Behandlingssager", "Treatment cases"),
    (
        "consultant_tasks",
        "Konsulentopgaver for fagpersoner",
        "Consultant tasks for professionals",
    ),
    (
        "consultant_by_channel",
        "Konsulentopgaver efter kanal",
        "Consultant tasks by channel",
    ),
    ("parent_groups", "Forældregrupper", "Parent groups"),
    (
        "parent_participants",
        "Deltagere i forældregrupper",
        "Parent group participants",
    ),
    ("youth_groups", "Grupper for unge", "Young people's groups"),
    (
        "youth_participants",
        "Deltagere i grupper for unge",
        "Young people's group participants",
    ),
    ("group_sessions", "Gruppemøder holdt", "Group sessions held"),
    ("evaluations", "Evalueringer", "Evaluations"),
    (
        "evaluation_mean",
        "Evaluering, gennemsnit (1–5)",
        "Evaluation, mean (1–5)",
    ),
    (
        "queue_taken",
        "Chats taget fra køen",
        "Chats taken from the queue",
    ),
    (
        "queue_wait_median",
        "Ventetid i køen, median",
        "Queue wait, median",
    ),
    (
        "queue_wait_p90",
        "Ventetid i køen, 90 %-fraktil",
        "Queue wait, 90th percentile",
    ),
    (
        "left_waiting",
        "Chats afsluttet mens de ventede",
        "Chats that ended while waiting",
    ),
    (
        "reply_talks",
        "Chatsamtaler med målt svartid",
        "Chat talks with a measured reply time",
    ),
    (
        "reply_median",
        "Rådgivers svartid, median",
        "Counsellor reply time, median",
    ),
    (
        "reply_p90",
        "Rådgivers svartid, 90 %-fraktil",
        "Counsellor reply time, 90th percentile",
    ),
    ("letters_answered", "Breve besvaret", "Letters answered"),
    (
        "letter_wait_median",
        "Svartid på breve, median",
        "Letter answer time, median",
    ),
    (
        "letter_wait_p90",
        "Svartid på breve, 90 %-fraktil",
        "Letter answer time, 90th percentile",
    ),
    ("booked", "Samtaler booket", "Talks booked"),
    ("attended", "Bookede samtaler holdt", "Booked talks held"),
    ("no_show", "Udeblivelser", "No-shows"),
    ("cancelled", "Aflyste samtaler", "Cancelled talks"),
    ("target", "Årligt minimum", "Yearly minimum"),
    ("due", "Forventet til nu", "Due by now"),
    ("done", "Indtil nu i år", "So far this year"),
    // Channels.
    ("chat", "Chat", "Chat"),
    ("letter", "Brev", "Letter"),
    ("booking", "Booket samtale", "Booked talk"),
    // Roles.
    ("young_person", "Ung", "Young person"),
    (
        "parent_or_relative",
        "Forælder eller pårørende",
        "Parent or relative",
    ),
    ("professional", "Fagperson", "Professional"),
    // Age bands.
    ("under_13", "Under 13", "Under 13"),
    ("13_14", "13–14", "13–14"),
    ("15_17", "15–17", "15–17"),
    ("18_21", "18–21", "18–21"),
    ("22_25", "22–25", "22–25"),
    ("over_25", "Over 25", "Over 25"),
    ("not_said", "Ville ikke sige", "Chose not to say"),
    ("not_stated", "Ikke oplyst", "Not given"),
    // Topics.
    ("cannabis", "Hash", "Cannabis"),
    ("alcohol", "Alkohol", "Alcohol"),
    ("party_drugs", "Festdrugs", "Party drugs"),
    (
        "other_drugs",
        "Andre stoffer/medicin",
        "Other drugs/medicine",
    ),
    ("someone_close", "En jeg holder af", "Someone close"),
    ("school_work_home", "Skole/job/hjem", "School/work/home"),
    ("other", "Andet", "Other"),
    // Evaluation questions.
    ("helpful", "Forløbet hjalp mig", "The course helped me"),
    ("understood", "Jeg følte mig forstået", "I felt understood"),
    ("recommend", "Jeg vil anbefale det", "I would recommend it"),
    // Course lengths ("5+" and the digits read the same).
    ("new", "Nye", "New"),
    ("returning", "Tilbagevendende", "Returning"),
];

/// The name of a section, figure or vocabulary key in `lang`; the key
/// itself when the table has none (a course length such as `5+`).
pub fn word(lang: Lang, key: &str) -> String {
    match WORDS.iter().find(|(k, _, _)| *k == key) {
        Some((_, da, en)) => match lang {
            Lang::Da => (*da).to_owned(),
            Lang::En => (*en).to_owned(),
        },
        None => key.to_owned(),
    }
}

/// The period as a person says it: "oktober 2026" / "October 2026", or
/// the year.
pub fn period_name(lang: Lang, period: &str) -> String {
    match period.split_once('-') {
        Some((year, month)) => {
            let index = month.parse::<usize>().unwrap_or(0);
            match index
                .checked_sub(1)
                .and_then(|i| lang.stats().months.get(i))
            {
                Some(name) => format!("{name} {year}"),
                None => period.to_owned(),
            }
        }
        None => period.to_owned(),
    }
}

/// A duration as a person reads it: seconds under two minutes, minutes
/// under two hours, hours beyond.
pub fn duration(lang: Lang, ms: i64) -> String {
    let t = lang.stats();
    let seconds = ms.max(0) / 1000;
    if seconds < 120 {
        format!("{seconds} {}", t.seconds)
    } else if seconds < 2 * 3600 {
        format!("{} {}", (seconds + 30) / 60, t.minutes)
    } else {
        let tenths = (seconds * 10 + 1800) / 3600;
        let sep = if lang == Lang::Da { "," } else { "." };
        format!("{}{sep}{} {}", tenths / 10, tenths % 10, t.hours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::statistics::{AGE_BANDS, CHANNELS, QUESTIONS, ROLES, TOPICS};

    #[test]
    fn every_key_of_every_breakdown_has_a_name_in_both_languages() {
        for key in CHANNELS
            .iter()
            .chain(&ROLES)
            .chain(&AGE_BANDS)
            .chain(&TOPICS)
            .chain(&QUESTIONS)
        {
            for lang in [Lang::Da, Lang::En] {
                assert_ne!(word(lang, key), *key, "{key} has a name");
            }
        }
        let keys: Vec<&str> = WORDS.iter().map(|(k, _, _)| *k).collect();
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(keys.len(), unique.len(), "no key twice");
    }

    #[test]
    fn periods_and_durations_read_naturally() {
        assert_eq!(period_name(Lang::Da, "2026-10"), "oktober 2026");
        assert_eq!(period_name(Lang::En, "2026-03"), "March 2026");
        assert_eq!(period_name(Lang::En, "2026"), "2026");
        assert_eq!(duration(Lang::Da, 45_000), "45 sek.");
        assert_eq!(duration(Lang::En, 600_000), "10 min");
        assert_eq!(duration(Lang::Da, 5_400_000 * 2), "3,0 timer");
    }
}
