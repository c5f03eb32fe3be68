//! The writer's letter pages: server-rendered HTML with plain forms posted
//! back here, in the booking pages' frame and look. They need no script (a
//! small counter script only adds a running count), keep the quick exit as
//! a plain link, and show every refusal as a sentence in the writer's
//! language with what they wrote kept in the form: nothing changed.
//!
//! The code never travels in a URL (it would land in the history and in
//! logs): it is typed into a form and posted, and the thread page carries
//! it on in its own forms' hidden fields.
//!
//! | request | page |
//! |---|---|
//! | `GET /brev` | the letter form |
//! | `POST /brev` `role, age_band, topic, text` | stores the letter, then shows its code and the promise |
//! | `GET /brev/svar` · `POST /brev/svar` `code` | the thread behind a code: letters, answer waiting, deletion date |
//! | `POST /brev/svar/skriv` `code, text` | a reply in the thread |
//! | `POST /brev/chat` `code` | the step into a live chat with the thread's counsellor |
//! | `GET /brev/tegn.js` | the optional character counter |

use super::store::{self, Author, NewLetter, ThreadView};
use super::{LetterError, Refusal, parse_text};
use crate::booking::pages::{clock, day_name};
use crate::routes::client::ClientAddress;
use crate::routes::html::{self, esc, lang};
use crate::state::AppState;
use app::i18n::Lang;
use app::i18n::letters::{LetterTexts, letter_texts};
use app::protocol::console::CounsellorStatus;
use app::protocol::{AgeBand, Role, Topic};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, State};
use axum::response::Response;
use axum::routing::{get, post};
use http::{HeaderMap, StatusCode};
use std::collections::HashMap;
use std::fmt::Write;

/// Largest letter form accepted: 10,000 characters of Danish letters or
/// emoji, form-encoded, take up to twelve bytes each.
pub const MAX_FORM_BYTES: usize = 160 * 1024;

/// The routes, with a body limit that fits a long letter.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/brev", get(write_form).post(write))
        .route("/brev/svar", get(code_page).post(read))
        .route("/brev/svar/skriv", post(reply))
        .route("/brev/chat", post(chat))
        .route("/brev/tegn.js", get(counter_script))
        .route("/brev/style.css", get(style))
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
}

type Fields = Form<HashMap<String, String>>;

fn field<'a>(fields: &'a HashMap<String, String>, name: &str) -> &'a str {
    fields.get(name).map_or("", String::as_str)
}

/// The letters' own few rules, apart from the youth pages' CSS.
const STYLE: &str = "\
.letter textarea{width:100%;font:inherit;padding:.6rem;border-radius:.6rem;min-height:12rem;box-sizing:border-box}\
.letter select{width:100%;font:inherit;padding:.6rem;border-radius:.6rem;min-height:44px}\
.letter .choices{border:0;padding:0;margin:1rem 0}\
.letter .choices legend{font-weight:600;margin-bottom:.25rem}\
.letter .roles{display:flex;flex-wrap:wrap;gap:.5rem}\
.letter .bubble .who{display:block;font-size:.85rem;margin-bottom:.25rem;font-weight:600}\
.letter .counter{font-variant-numeric:tabular-nums}\
.letter .answer-waiting{font-weight:600}";

async fn style() -> Response {
    html::asset("text/css; charset=utf-8", STYLE)
}

/// Counts characters as the writer types, into the element named by the
/// textarea's `data-counter`, with the template in `data-template`. A
/// static file, so the Content-Security-Policy's `'self'` allows it; the
/// form works the same without it (the server enforces the limit).
const COUNTER_SCRIPT: &str = "\
document.querySelectorAll('textarea[data-counter]').forEach(function(area){\
var out=document.getElementById(area.dataset.counter);if(!out)return;\
var max=area.maxLength,template=area.dataset.template;\
function show(){var n=area.value.replace(/\\r\\n/g,'\\n').length;\
out.textContent=template.replace('{n}',n.toLocaleString()).replace('{max}',max.toLocaleString());}\
area.addEventListener('input',show);show();});";

async fn counter_script() -> Response {
    html::asset("text/javascript; charset=utf-8", COUNTER_SCRIPT)
}

/// A whole page in the frame every visitor page has (quick exit first),
/// with the letters' own stylesheet and character counter.
fn page(state: &AppState, lang: Lang, status: StatusCode, body: &str) -> Response {
    html::visitor_page(
        state,
        lang,
        status,
        "<link rel=\"stylesheet\" href=\"/brev/style.css\"><script src=\"/brev/tegn.js\" defer></script>",
        "booking letter",
        body,
    )
}

fn fill(template: &str, key: &str, value: &str) -> String {
    template.replace(&format!("{{{key}}}"), value)
}

/// "tirsdag 1. december kl. 23:59" style: the day, and the time when it is
/// not the end of the day.
fn when(ms: i64, lang: Lang) -> String {
    format!("{} {}", day_name(ms, lang), clock(ms))
}

/// The number with thousands separators as the language writes them.
fn number(n: usize, lang: Lang) -> String {
    let digits = n.to_string();
    let separator = if lang == Lang::Da { '.' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

fn refusal_text(t: &LetterTexts, refusal: Refusal) -> &'static str {
    let index = match refusal {
        Refusal::Empty => 0,
        Refusal::TooLong => 1,
        Refusal::BadChoice => 2,
        Refusal::UnknownCode => 3,
        Refusal::TooManyAttempts => 4,
        Refusal::NothingToAnswer
        | Refusal::NotFound
        | Refusal::Taken
        | Refusal::ReviewRequired
        | Refusal::NoReview => 5,
    };
    t.refusals[index]
}

fn status_of(refusal: Refusal) -> StatusCode {
    match refusal {
        Refusal::UnknownCode | Refusal::NotFound => StatusCode::NOT_FOUND,
        Refusal::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        Refusal::TooLong => StatusCode::PAYLOAD_TOO_LARGE,
        Refusal::NothingToAnswer | Refusal::Taken => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// The sentence and status for a failure; faults are logged (without
/// content) and shown as "something went wrong".
fn explain(t: &LetterTexts, error: &LetterError) -> (StatusCode, &'static str) {
    match error {
        LetterError::Refused(refusal) => (status_of(*refusal), refusal_text(t, *refusal)),
        other => {
            tracing::error!(error = %other, "a letter page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, t.refusals[6])
        }
    }
}

fn error_box(text: &str) -> String {
    format!("<p class=\"error\" role=\"alert\">{}</p>", esc(text))
}

/// The letter's textarea with its counter, filled with `value`.
fn letter_area(state: &AppState, lang: Lang, id: &str, label: &str, value: &str) -> String {
    let t = letter_texts(lang);
    let max = state.letters.config.max_chars;
    format!(
        "<div class=\"field\"><label for=\"{id}\">{label}</label>\
<textarea id=\"{id}\" name=\"text\" rows=\"10\" required maxlength=\"{max}\" \
data-counter=\"{id}-count\" data-template=\"{template}\" aria-describedby=\"{id}-count {id}-hint\">{value}</textarea>\
<p class=\"hint counter\" id=\"{id}-count\">{limit}</p><p class=\"hint\" id=\"{id}-hint\">{hint}</p></div>",
        label = esc(label),
        template = esc(t.counter),
        value = esc(value),
        limit = esc(&fill(t.limit, "max", &number(max, lang))),
        hint = esc(t.letter_hint),
    )
}

/// The writing form, filled with what was posted.
fn letter_form(state: &AppState, lang: Lang, fields: &HashMap<String, String>) -> String {
    let t = letter_texts(lang);
    let texts = lang.texts();
    let promise = state.letters.config.promise();
    let mut body = format!(
        "<h1>{}</h1><p class=\"lead\">{}</p><p>{}</p>\
<form method=\"post\" action=\"/brev\"><fieldset class=\"choices\"><legend>{}</legend><div class=\"roles\">",
        esc(t.heading),
        esc(&fill(t.lead, "promise", promise.get(lang))),
        esc(t.privacy),
        esc(t.who_are_you),
    );
    let roles = [
        (Role::YoungPerson, texts.role_young_person),
        (Role::ParentOrRelative, texts.role_parent),
        (Role::Professional, texts.role_professional),
    ];
    let posted_role = field(fields, "role");
    for (role, label) in roles {
        let value = wire(&role);
        let _ = write!(
            body,
            "<label class=\"slot\"><input type=\"radio\" name=\"role\" value=\"{value}\" required{}> {}</label> ",
            if posted_role == value { " checked" } else { "" },
            esc(label)
        );
    }
    body.push_str("</div></fieldset>");
    let options = |name: &str, values: Vec<(String, &str)>| {
        let posted = field(fields, name);
        let mut out = format!("<option value=\"\">{}</option>", esc(t.not_said));
        for (value, label) in values {
            let _ = write!(
                out,
                "<option value=\"{value}\"{}>{}</option>",
                if posted == value { " selected" } else { "" },
                esc(label)
            );
        }
        out
    };
    let ages: Vec<(String, &str)> = AgeBand::ALL
        .iter()
        .filter(|band| **band != AgeBand::NotSaid)
        .enumerate()
        .map(|(i, band)| (wire(band), texts.age_bands[i]))
        .collect();
    let topics: Vec<(String, &str)> = Topic::ALL
        .iter()
        .enumerate()
        .map(|(i, topic)| (wire(topic), texts.topics[i]))
        .collect();
    let _ = write!(
        body,
        "<div class=\"field\"><label for=\"age_band\">{}</label><select id=\"age_band\" name=\"age_band\">{}</select></div>\
<div class=\"field\"><label for=\"topic\">{}</label><select id=\"topic\" name=\"topic\">{}</select></div>",
        esc(t.age),
        options("age_band", ages),
        esc(t.topic),
        options("topic", topics),
    );
    body.push_str(&letter_area(
        state,
        lang,
        "letter",
        t.letter,
        field(fields, "text"),
    ));
    let _ = write!(
        body,
        "<p><button class=\"button cta\" type=\"submit\">{}</button></p></form>\
<p><a href=\"/brev/svar\">{}</a></p>",
        esc(t.send),
        esc(t.have_code)
    );
    body
}

/// A vocabulary value's wire name (`young_person`, `15_17`, `cannabis`).
fn wire<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => String::new(),
    }
}

fn parse_choice<T: serde::de::DeserializeOwned>(text: &str) -> Result<Option<T>, Refusal> {
    if text.is_empty() {
        return Ok(None);
    }
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map(Some)
        .map_err(|_| Refusal::BadChoice)
}

fn parse_letter(state: &AppState, fields: &HashMap<String, String>) -> Result<NewLetter, Refusal> {
    let role: Role = parse_choice(field(fields, "role"))?.ok_or(Refusal::BadChoice)?;
    let age_band: Option<AgeBand> = parse_choice(field(fields, "age_band"))?;
    let topic: Option<Topic> = parse_choice(field(fields, "topic"))?;
    let text = parse_text(field(fields, "text"), state.letters.config.max_chars)?;
    Ok(NewLetter {
        role,
        // An age band is the young person's own; others' is not asked.
        age_band: age_band.filter(|_| role == Role::YoungPerson),
        topic,
        text,
    })
}

/// `GET /brev`.
async fn write_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang(&headers);
    let body = letter_form(&state, lang, &HashMap::new());
    page(&state, lang, StatusCode::OK, &body)
}

/// `POST /brev`: the letter is committed to the database before the page
/// with its code is rendered; when storing fails, no code is shown.
async fn write(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(fields): Fields,
) -> Response {
    let lang = lang(&headers);
    let t = letter_texts(lang);
    let now = crate::db::now_millis();
    let result = match parse_letter(&state, &fields) {
        Ok(letter) => {
            let risk = state.chat.risk.get();
            store::write(&state.letters, &letter, &risk, now).await
        }
        Err(refusal) => Err(refusal.into()),
    };
    match result {
        Ok((_, code)) => {
            let due = state.letters.deadline(now);
            let promise = state.letters.config.promise();
            let date = day_name(due, lang);
            let body = format!(
                "<h1>{}</h1><p class=\"ok\" role=\"status\">{}</p>\
<section class=\"code-card\" aria-labelledby=\"code-heading\"><h2 id=\"code-heading\">{}</h2>\
<p class=\"code\" data-testid=\"letter-code\">{}</p><p><strong>{}</strong></p></section>\
<p>{}</p><p><a class=\"button secondary\" href=\"/brev/svar\">{}</a></p>",
                esc(t.sent_heading),
                esc(&fill(
                    &fill(t.sent, "promise", promise.get(lang)),
                    "date",
                    &date
                )),
                esc(t.your_code),
                esc(&code),
                esc(t.code_warning),
                esc(&fill(t.come_back, "date", &date)),
                esc(t.read),
            );
            page(&state, lang, StatusCode::OK, &body)
        }
        Err(error) => {
            let (status, text) = explain(t, &error);
            let body = format!("{}{}", error_box(text), letter_form(&state, lang, &fields));
            page(&state, lang, status, &body)
        }
    }
}

/// The code as the list spells it (`sol hest kage bro`), for the page's
/// own forms, however it was typed.
fn canonical(typed: &str) -> String {
    crate::chat::code::normalise(typed).unwrap_or_else(|| typed.to_owned())
}

fn code_form(t: &LetterTexts) -> String {
    format!(
        "<form method=\"post\" action=\"/brev/svar\" class=\"field\">\
<label for=\"code\">{}</label><input id=\"code\" name=\"code\" required autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\" maxlength=\"100\">\
<p><button class=\"button cta\" type=\"submit\">{}</button></p></form>",
        esc(t.code),
        esc(t.look_up)
    )
}

/// `GET /brev/svar`.
async fn code_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang(&headers);
    let t = letter_texts(lang);
    let body = format!(
        "<h1>{}</h1>{}<p><a href=\"/brev\">{}</a></p>",
        esc(t.read),
        code_form(t),
        esc(t.heading)
    );
    page(&state, lang, StatusCode::OK, &body)
}

/// A code refused: the code form again with the reason.
fn code_refused(state: &AppState, lang: Lang, error: &LetterError) -> Response {
    let t = letter_texts(lang);
    let (status, text) = explain(t, error);
    let body = format!(
        "<h1>{}</h1>{}{}<p><a href=\"/brev\">{}</a></p>",
        esc(t.read),
        error_box(text),
        code_form(t),
        esc(t.heading)
    );
    page(state, lang, status, &body)
}

/// Whether the thread's counsellor can chat now: the chat takes new talks
/// and they are on duty and available.
fn counsellor_can_chat(state: &AppState, view: &ThreadView) -> Option<String> {
    let counsellor = view.thread.counsellor_id?;
    let hub = &state.chat.hub;
    let available = hub.is_on_duty(counsellor)
        && hub
            .member(counsellor)
            .is_some_and(|m| m.status == CounsellorStatus::Available);
    (available && state.chat.open_for_new_chats(crate::db::now_millis()))
        .then(|| view.thread.counsellor.clone())
        .flatten()
}

/// The thread page: status, letters, the chat offer, the reply form (with
/// `draft` and `notice` or `problem`), the deletion date.
fn thread_page(
    state: &AppState,
    lang: Lang,
    code: &str,
    view: &ThreadView,
    draft: &str,
    message: Option<(bool, &str)>,
) -> String {
    let t = letter_texts(lang);
    let hidden = format!(
        "<input type=\"hidden\" name=\"code\" value=\"{}\">",
        esc(code)
    );
    let mut body = format!("<h1>{}</h1>", esc(t.thread_heading));
    match message {
        Some((true, text)) => body.push_str(&error_box(text)),
        Some((false, text)) => {
            let _ = write!(body, "<p class=\"ok\" role=\"status\">{}</p>", esc(text));
        }
        None => {}
    }
    let status = if view.thread.answer_waiting(&view.letters) {
        format!(
            "<p class=\"notice answer-waiting\">{}</p>",
            esc(t.answer_waiting)
        )
    } else if let Some(due) = view.thread.due_at {
        format!(
            "<p class=\"notice\">{}</p>",
            esc(&fill(t.not_yet, "date", &day_name(due, lang)))
        )
    } else {
        format!("<p class=\"notice\">{}</p>", esc(t.answered))
    };
    body.push_str(&status);
    let _ = write!(
        body,
        "<ol class=\"messages\" aria-label=\"{}\">",
        esc(t.letters_label)
    );
    for letter in &view.letters {
        let at = when(letter.at, lang);
        let (class, who) = match letter.from {
            Author::Writer => ("bubble own", fill(t.you_wrote, "date", &at)),
            Author::Counsellor => (
                "bubble theirs",
                fill(
                    &fill(
                        t.they_wrote,
                        "name",
                        letter.counsellor.as_deref().unwrap_or(""),
                    ),
                    "date",
                    &at,
                ),
            ),
        };
        let _ = write!(
            body,
            "<li class=\"{class}\"><span class=\"who\">{}</span><span class=\"text\">{}</span></li>",
            esc(&who),
            esc(letter.text.as_deref().unwrap_or("…"))
        );
    }
    body.push_str("</ol>");
    if let Some(name) = counsellor_can_chat(state, view) {
        let _ = write!(
            body,
            "<form method=\"post\" action=\"/brev/chat\" class=\"notice\">{hidden}<p>{}</p>\
<p><button class=\"button\" type=\"submit\">{}</button></p></form>",
            esc(&fill(t.chat_offer, "name", &name)),
            esc(&fill(t.chat_now, "name", &name)),
        );
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/brev/svar/skriv\">{hidden}{}\
<p><button class=\"button cta\" type=\"submit\">{}</button></p></form>",
        letter_area(state, lang, "reply", t.reply, draft),
        esc(t.send_reply)
    );
    let retention = i64::try_from(state.chat.retention.as_millis()).unwrap_or(i64::MAX);
    let deleted = view.thread.last_activity_at.saturating_add(retention);
    let _ = write!(
        body,
        "<p class=\"retention\">{} <a href=\"/hvad-vi-gemmer\">{}</a></p><p><a href=\"/\">{}</a></p>",
        esc(&fill(t.deleted_after, "date", &day_name(deleted, lang))),
        esc(lang.texts().what_we_store_link),
        esc(t.back)
    );
    body
}

/// Shows the thread and marks its answers as seen by the writer.
async fn show_thread(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    code: &str,
    view: &ThreadView,
    draft: &str,
    message: Option<(bool, &str)>,
) -> Response {
    let body = thread_page(state, lang, code, view, draft, message);
    let last = view.letters.last().map_or(0, |l| l.seq);
    if let Err(error) = store::mark_seen(&state.letters, view.thread.id, last).await {
        tracing::warn!(%error, "cannot mark a letter thread as seen");
    }
    page(state, lang, status, &body)
}

/// `POST /brev/svar`.
async fn read(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(fields): Fields,
) -> Response {
    let lang = lang(&headers);
    let code = field(&fields, "code");
    match store::find(&state.letters, code, client).await {
        Ok((_, view)) => {
            let code = canonical(code);
            show_thread(&state, lang, StatusCode::OK, &code, &view, "", None).await
        }
        Err(error) => code_refused(&state, lang, &error),
    }
}

/// `POST /brev/svar/skriv`.
async fn reply(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(fields): Fields,
) -> Response {
    let lang = lang(&headers);
    let t = letter_texts(lang);
    let code = field(&fields, "code");
    let typed = field(&fields, "text");
    let (hash, view) = match store::find(&state.letters, code, client).await {
        Ok(found) => found,
        Err(error) => return code_refused(&state, lang, &error),
    };
    let code = &canonical(code);
    let now = crate::db::now_millis();
    let result = match parse_text(typed, state.letters.config.max_chars) {
        Ok(text) => {
            let risk = state.chat.risk.get();
            store::reply(&state.letters, &hash, &text, &risk, now).await
        }
        Err(refusal) => Err(refusal.into()),
    };
    match result {
        Ok(_) => match store::by_hash(&state.letters, &hash).await {
            Ok(Some(view)) => {
                let due = view.thread.due_at.unwrap_or(now);
                let notice = fill(t.replied, "date", &day_name(due, lang));
                show_thread(
                    &state,
                    lang,
                    StatusCode::OK,
                    code,
                    &view,
                    "",
                    Some((false, &notice)),
                )
                .await
            }
            Ok(None) => code_refused(&state, lang, &Refusal::UnknownCode.into()),
            Err(error) => code_refused(&state, lang, &error),
        },
        Err(error) => {
            let (status, text) = explain(t, &error);
            show_thread(&state, lang, status, code, &view, typed, Some((true, text))).await
        }
    }
}

/// `POST /brev/chat`: links the code to a chat course with the thread's
/// counsellor and says how to continue there.
async fn chat(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(fields): Fields,
) -> Response {
    let lang = lang(&headers);
    let t = letter_texts(lang);
    let code = field(&fields, "code");
    let (hash, view) = match store::find(&state.letters, code, client).await {
        Ok(found) => found,
        Err(error) => return code_refused(&state, lang, &error),
    };
    let code = &canonical(code);
    let Some(name) = counsellor_can_chat(&state, &view) else {
        let text = refusal_text(t, Refusal::NothingToAnswer);
        return show_thread(
            &state,
            lang,
            StatusCode::CONFLICT,
            code,
            &view,
            "",
            Some((true, text)),
        )
        .await;
    };
    if let Err(error) = store::link_chat(&state.letters, &hash, crate::db::now_millis()).await {
        let (status, text) = explain(t, &error);
        return show_thread(&state, lang, status, code, &view, "", Some((true, text))).await;
    }
    let body = format!(
        "<h1>{}</h1><p>{}</p><section class=\"code-card\" aria-labelledby=\"code-heading\">\
<h2 id=\"code-heading\">{}</h2><p class=\"code\">{}</p></section>\
<p><a class=\"button cta\" href=\"/chat\">{}</a></p>",
        esc(&fill(t.chat_heading, "name", &name)),
        esc(&fill(t.chat_ready, "name", &name)),
        esc(t.your_code),
        esc(code),
        esc(t.go_to_chat)
    );
    page(&state, lang, StatusCode::OK, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_each_language_does() {
        assert_eq!(number(10_000, Lang::Da), "10.000");
        assert_eq!(number(10_000, Lang::En), "10,000");
        assert_eq!(number(999, Lang::Da), "999");
        assert_eq!(number(1_234_567, Lang::En), "1,234,567");
    }

    #[test]
    fn the_counter_script_fills_the_template() {
        assert!(COUNTER_SCRIPT.contains("'{n}'") && COUNTER_SCRIPT.contains("'{max}'"));
        assert!(!COUNTER_SCRIPT.contains("innerHTML"), "text only");
    }
}
