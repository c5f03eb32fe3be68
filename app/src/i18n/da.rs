use super::Texts;

/// Danish: the default. Plain, short and warm; never case-work language.
pub(super) static TEXTS: Texts = Texts {
    language_name: "Dansk",
    language_nav: "Sprog",
    quick_exit: "Hurtig exit",
    quick_exit_hint: "Forlader siden med det samme og glemmer samtalen på denne enhed",
    landing_lead: "Skriv til os – du behøver ikke sige, hvem du er.",
    landing_who: "For unge op til 25, der tænker over hash, alkohol eller andre stoffer – og for forældre, pårørende og fagfolk, der er bekymrede for en ung.",
    landing_promises: [
        "Du er anonym: intet navn, ingen e-mail, intet telefonnummer",
        "Det er gratis, og der er ingen venteliste",
        "Du bestemmer selv, hvad du vil fortælle",
    ],
    emergency_heading: "Brug for hjælp lige nu?",
    emergency_text: "Chatten er ikke en akuttjeneste. Er nogen i fare, så ring 112.",
    emergency_112: "Alarm 112",
    not_found_heading: "Siden findes ikke",
    not_found_text: "Adressen er måske skrevet forkert, eller siden er flyttet.",
    back_to_front_page: "Til forsiden",
    skip_to_content: "Spring til indholdet",
};
