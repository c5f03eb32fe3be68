//! The visitor's booking and group pages: server-rendered HTML with plain
//! forms posted back here. They need no script (so they cost the youth
//! pages' WASM bundle nothing and work on any phone), keep the quick exit
//! as a plain link, and show every refusal as a sentence in the visitor's
//! language with the form as it was: nothing changed.
//!
//! | request | page |
//! |---|---|
//! | `GET /booking` | the conversation types |
//! | `GET /booking/times?type=KEY` | free times and the short form |
//! | `POST /booking` | books; shows the manage code and the calendar button |
//! | `GET /booking/manage` · `POST /booking/manage` `code` | the booking or group sign-up behind a code |
//! | `POST /booking/cancel` · `/booking/move` `code[, start]` | cancels or moves |
//! | `POST /booking/ics` `code` | the .ics file |
//! | `GET /groups` · `POST /groups/signup` `course, alias` | courses; sign up (or waiting list) |
//! | `POST /groups/cancel` · `/groups/evaluate` `code, …` | leave the course; evaluate it |

use super::groups::{self, Audience, Evaluation, Participation};
use super::store::{self, BookingView, NewBooking};
use super::{
    BookerRole, BookingError, BookingService, MAX_MESSAGE_CHARS, Refusal, parse_alias,
    parse_message, parse_phone,
};
use crate::routes::client::ClientAddress;
use crate::routes::html::{self, esc, lang};
use crate::state::AppState;
use app::i18n::Lang;
use app::i18n::booking::{BookingTexts, booking_texts};
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Datelike, Timelike};
use chrono_tz::Europe::Copenhagen;
use http::{HeaderMap, StatusCode, header};
use std::collections::HashMap;
use std::fmt::Write;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/booking", get(types).post(book))
        .route("/booking/times", get(times))
        .route("/booking/manage", get(manage_form).post(manage))
        .route("/booking/cancel", post(cancel))
        .route("/booking/move", post(move_booking))
        .route("/booking/ics", post(ics))
        .route("/booking/style.css", get(style))
        .route("/groups", get(group_list))
        .route("/groups/signup", post(sign_up))
        .route("/groups/cancel", post(leave))
        .route("/groups/evaluate", post(evaluate))
}

type Fields = Form<HashMap<String, String>>;

/// The small stylesheet of these pages, apart from the youth pages' CSS so
/// it adds nothing to their budget.
const STYLE: &str = "\
.booking h1{font-size:1.6rem;margin:.5rem 0}\
.types{list-style:none;padding:0;display:grid;gap:.75rem}\
.types a{display:block;padding:1rem;border-radius:1rem;background:var(--bubble-theirs,#efe6d8);color:inherit;text-decoration:none;min-height:44px}\
.types a strong{display:block;font-size:1.15rem}\
.day{border:0;padding:0;margin:1rem 0}\
.day legend{font-weight:600;margin-bottom:.25rem}\
.slots{display:flex;flex-wrap:wrap;gap:.5rem}\
.slot{display:inline-flex;align-items:center;gap:.35rem;min-height:44px;padding:0 .9rem;border-radius:999px;border:2px solid currentColor}\
.slot:has(input:checked){background:#1d5c4a;color:#fff}\
.booking textarea,.booking select{width:100%;font:inherit;padding:.6rem;border-radius:.6rem;min-height:44px}\
.booking .error{padding:.75rem 1rem;border-radius:.75rem;background:#fde2dc;color:#6b1a0c}\
.booking .ok{padding:.75rem 1rem;border-radius:.75rem;background:#dcf2e6;color:#0f3d2a}\
.course{padding:1rem;border-radius:1rem;background:var(--bubble-theirs,#efe6d8);margin:1rem 0}\
.scale{display:flex;gap:.5rem;flex-wrap:wrap}\
@media (prefers-color-scheme:dark){.types a,.course{background:#2b2a33}.booking .error{background:#5a1e14;color:#fff}.booking .ok{background:#15402c;color:#fff}}";

async fn style() -> Response {
    html::asset("text/css; charset=utf-8", STYLE)
}

/// A whole page: the frame every visitor page has (quick exit first).
fn page(state: &AppState, lang: Lang, status: StatusCode, body: &str) -> Response {
    html::visitor_page(state, lang, status, "", "booking", body)
}

fn refusal_text(t: &BookingTexts, refusal: Refusal) -> &'static str {
    let index = match refusal {
        Refusal::UnknownType => 0,
        Refusal::BadAlias => 1,
        Refusal::MessageTooLong => 2,
        Refusal::BadPhone => 3,
        Refusal::BadPlace => 4,
        Refusal::Past => 5,
        Refusal::Taken => 6,
        Refusal::UnknownCode => 7,
        Refusal::TooManyAttempts => 8,
        Refusal::Closed => 9,
        Refusal::Full => 10,
        Refusal::UnknownCourse => 11,
        Refusal::NoEvaluation => 12,
        Refusal::BadScore => 13,
    };
    t.refusals[index]
}

fn status_of(refusal: Refusal) -> StatusCode {
    match refusal {
        Refusal::Taken | Refusal::Closed | Refusal::Full => StatusCode::CONFLICT,
        Refusal::UnknownCode | Refusal::UnknownCourse => StatusCode::NOT_FOUND,
        Refusal::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// A refusal or a fault, as a page: `then` renders what follows the message.
fn failure(state: &AppState, lang: Lang, error: BookingError, then: &str) -> Response {
    let t = booking_texts(lang);
    let (status, text) = match error {
        BookingError::Refused(refusal) => (status_of(refusal), refusal_text(t, refusal)),
        other => {
            tracing::error!(error = %other, "a booking page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, t.refusals[14])
        }
    };
    let body = format!(
        "<h1>{}</h1><p class=\"error\" role=\"alert\">{}</p>{then}<p><a href=\"/booking\">{}</a></p>",
        esc(t.heading),
        esc(text),
        esc(t.back)
    );
    page(state, lang, status, &body)
}

/// "tirsdag 1. december" / "Tuesday 1 December", Copenhagen date.
pub(crate) fn day_name(ms: i64, lang: Lang) -> String {
    let Some(at) = DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&Copenhagen)) else {
        return String::new();
    };
    let danish = lang == Lang::Da;
    let weekday = crate::hours::weekday_name(at.weekday().num_days_from_monday() as usize, danish);
    let month = crate::hours::month_name(at.month0() as usize, danish);
    if danish {
        format!("{weekday} {}. {month}", at.day())
    } else {
        format!("{weekday} {} {month}", at.day())
    }
}

/// "14:00", Copenhagen time.
pub(crate) fn clock(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&Copenhagen))
        .map(|t| format!("{:02}:{:02}", t.hour(), t.minute()))
        .unwrap_or_default()
}

fn kind_name(service: &BookingService, key: &str, lang: Lang) -> String {
    service.config.kind(key).map_or_else(
        || key.to_owned(),
        |k| match lang {
            Lang::Da => k.name_da.clone(),
            Lang::En => k.name_en.clone(),
        },
    )
}

fn place_name(service: &BookingService, key: &str, lang: Lang) -> String {
    service.config.place(key).map_or_else(
        || key.to_owned(),
        |p| match lang {
            Lang::Da => p.name_da.clone(),
            Lang::En => p.name_en.clone(),
        },
    )
}

fn role_name(t: &BookingTexts, role: BookerRole) -> &'static str {
    match role {
        BookerRole::Parent => t.roles[0],
        BookerRole::YoungPerson => t.roles[1],
        BookerRole::Professional => t.roles[2],
    }
}

/// `GET /booking`.
async fn types(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang(&headers);
    let t = booking_texts(lang);
    let mut body = format!(
        "<h1>{}</h1><p class=\"lead\">{}</p><h2>{}</h2><ul class=\"types\">",
        esc(t.heading),
        esc(t.lead),
        esc(t.choose_type)
    );
    for kind in &state.booking.config.types {
        let roles: Vec<&str> = kind.roles.iter().map(|r| role_name(t, *r)).collect();
        let _ = write!(
            body,
            "<li><a href=\"/booking/times?type={}\"><strong>{}</strong>{} {} · {}</a></li>",
            esc(&kind.key),
            esc(&kind_name(&state.booking, &kind.key, lang)),
            kind.minutes,
            esc(t.minutes),
            esc(&roles.join(", "))
        );
    }
    let _ = write!(
        body,
        "</ul><p><a href=\"/booking/manage\">{}</a></p><p><a href=\"/groups\">{}</a></p>",
        esc(t.manage),
        esc(t.groups_link)
    );
    page(&state, lang, StatusCode::OK, &body)
}

/// The radio buttons of free times, grouped by day. `checked` preselects.
fn time_choices(starts: &[i64], lang: Lang, checked: Option<i64>) -> String {
    let mut out = String::new();
    let mut current_day = String::new();
    for (i, start) in starts.iter().enumerate() {
        let day = day_name(*start, lang);
        if day != current_day {
            if !current_day.is_empty() {
                out.push_str("</div></fieldset>");
            }
            let _ = write!(
                out,
                "<fieldset class=\"day\"><legend>{}</legend><div class=\"slots\">",
                esc(&day)
            );
            current_day = day;
        }
        let _ = write!(
            out,
            "<label class=\"slot\"><input type=\"radio\" name=\"start\" value=\"{start}\" required{}{}> {}</label>",
            if checked == Some(*start) {
                " checked"
            } else {
                ""
            },
            if i == 0 { " id=\"first-time\"" } else { "" },
            clock(*start)
        );
    }
    if !current_day.is_empty() {
        out.push_str("</div></fieldset>");
    }
    out
}

/// The booking form for one type, filled with what was posted.
async fn booking_form(
    state: &AppState,
    lang: Lang,
    kind_key: &str,
    fields: &HashMap<String, String>,
) -> Result<String, BookingError> {
    let t = booking_texts(lang);
    let service = &state.booking;
    let kind = service.config.kind(kind_key).ok_or(Refusal::UnknownType)?;
    let starts = store::free_times(service, kind_key, crate::db::now_millis()).await?;
    let value = |name: &str| esc(fields.get(name).map_or("", String::as_str));
    let mut body = format!(
        "<h1>{}</h1><p class=\"lead\">{} · {} {}</p>",
        esc(t.choose_time),
        esc(&kind_name(service, kind_key, lang)),
        kind.minutes,
        esc(t.minutes)
    );
    if starts.is_empty() {
        let _ = write!(
            body,
            "<p class=\"notice\">{}</p><p><a href=\"/booking\">{}</a></p>",
            esc(t.no_times),
            esc(t.back)
        );
        return Ok(body);
    }
    let checked = fields.get("start").and_then(|s| s.parse().ok());
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/booking\"><input type=\"hidden\" name=\"type\" value=\"{}\">{}",
        esc(kind_key),
        time_choices(&starts, lang, checked)
    );
    let _ = write!(
        body,
        "<fieldset class=\"choices\"><legend>{}</legend>",
        esc(t.who_are_you)
    );
    let posted_role = fields.get("role").map(String::as_str);
    for (i, role) in kind.roles.iter().enumerate() {
        let checked = posted_role == Some(role.as_str()) || (posted_role.is_none() && i == 0);
        let _ = write!(
            body,
            "<label class=\"slot\"><input type=\"radio\" name=\"role\" value=\"{}\"{}> {}</label> ",
            role.as_str(),
            if checked { " checked" } else { "" },
            esc(role_name(t, *role))
        );
    }
    body.push_str("</fieldset>");
    let _ = write!(
        body,
        "<div class=\"field\"><label for=\"alias\">{}</label>\
<input id=\"alias\" name=\"alias\" required maxlength=\"40\" autocomplete=\"off\" value=\"{}\" aria-describedby=\"alias-hint\">\
<p class=\"hint\" id=\"alias-hint\">{}</p></div>",
        esc(t.alias),
        value("alias"),
        esc(t.alias_hint)
    );
    if kind.phone {
        let _ = write!(
            body,
            "<div class=\"field\"><label for=\"phone\">{}</label>\
<input id=\"phone\" name=\"phone\" type=\"tel\" required maxlength=\"25\" autocomplete=\"off\" value=\"{}\" aria-describedby=\"phone-hint\">\
<p class=\"hint\" id=\"phone-hint\">{}</p></div>",
            esc(t.phone),
            value("phone"),
            esc(t.phone_hint)
        );
    }
    if kind.meeting_place {
        let _ = write!(
            body,
            "<div class=\"field\"><label for=\"place\">{}</label><select id=\"place\" name=\"place\">",
            esc(t.place)
        );
        for place in &service.config.places {
            let selected = fields.get("place") == Some(&place.key);
            let _ = write!(
                body,
                "<option value=\"{}\"{}>{}</option>",
                esc(&place.key),
                if selected { " selected" } else { "" },
                esc(&place_name(service, &place.key, lang))
            );
        }
        body.push_str("</select></div>");
    }
    let _ = write!(
        body,
        "<div class=\"field\"><label for=\"message\">{}</label>\
<textarea id=\"message\" name=\"message\" rows=\"3\" maxlength=\"{MAX_MESSAGE_CHARS}\" aria-describedby=\"message-hint\">{}</textarea>\
<p class=\"hint\" id=\"message-hint\">{}</p></div>\
<p><button class=\"button cta\" type=\"submit\">{}</button></p></form><p><a href=\"/booking\">{}</a></p>",
        esc(t.message),
        value("message"),
        esc(t.message_hint),
        esc(t.book),
        esc(t.back)
    );
    Ok(body)
}

#[derive(serde::Deserialize)]
struct TypeQuery {
    #[serde(rename = "type", default)]
    kind: String,
}

/// `GET /booking/times?type=KEY`.
async fn times(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<TypeQuery>,
) -> Response {
    let lang = lang(&headers);
    match booking_form(&state, lang, &query.kind, &HashMap::new()).await {
        Ok(body) => page(&state, lang, StatusCode::OK, &body),
        Err(error) => failure(&state, lang, error, ""),
    }
}

fn parse_booking(
    fields: &HashMap<String, String>,
    service: &BookingService,
) -> Result<NewBooking, Refusal> {
    let get = |name: &str| fields.get(name).map_or("", String::as_str);
    let kind = service
        .config
        .kind(get("type"))
        .ok_or(Refusal::UnknownType)?;
    let role = BookerRole::parse(get("role")).ok_or(Refusal::UnknownType)?;
    let start_ms = get("start").parse().map_err(|_| Refusal::Taken)?;
    let alias = parse_alias(get("alias"))?;
    let message = parse_message(get("message"), MAX_MESSAGE_CHARS)?;
    let phone = kind.phone.then(|| parse_phone(get("phone"))).transpose()?;
    let place = kind.meeting_place.then(|| get("place").to_owned());
    Ok(NewBooking {
        kind: kind.key.clone(),
        role,
        start_ms,
        alias,
        message,
        phone,
        place,
    })
}

/// `POST /booking`.
async fn book(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(fields): Fields,
) -> Response {
    let lang = lang(&headers);
    let t = booking_texts(lang);
    let now = crate::db::now_millis();
    let result = match parse_booking(&fields, &state.booking) {
        // Counted once the request is well-formed: a typo costs nothing.
        Ok(_) if !state.booking.new_bookings.allow(client) => Err(Refusal::TooManyAttempts.into()),
        Ok(request) => store::book(&state.booking, &request, now).await,
        Err(refusal) => Err(refusal.into()),
    };
    match result {
        Ok((_, code)) => {
            let hash = state.booking.code_key.hash(&code);
            let view = match store::by_hash(&state.booking, &hash).await {
                Ok(Some(view)) => view,
                Ok(None) => return failure(&state, lang, Refusal::UnknownCode.into(), ""),
                Err(error) => return failure(&state, lang, error, ""),
            };
            let body = format!(
                "<h1>{}</h1>{}<section class=\"code-card\" aria-labelledby=\"code-heading\">\
<h2 id=\"code-heading\">{}</h2><p class=\"code\">{}</p><p>{}</p></section>{}\
<p><a href=\"/booking/manage\">{}</a></p>",
                esc(t.booked),
                describe(&state.booking, &view, lang),
                esc(t.your_code),
                esc(&code),
                esc(t.code_hint),
                ics_form(t, &code),
                esc(t.manage)
            );
            page(&state, lang, StatusCode::OK, &body)
        }
        Err(error) => {
            let kind = fields.get("type").cloned().unwrap_or_default();
            let form = booking_form(&state, lang, &kind, &fields)
                .await
                .unwrap_or_default();
            failure(&state, lang, error, &form)
        }
    }
}

fn ics_form(t: &BookingTexts, code: &str) -> String {
    format!(
        "<form method=\"post\" action=\"/booking/ics\"><input type=\"hidden\" name=\"code\" value=\"{}\">\
<button class=\"button secondary\" type=\"submit\">{}</button></form>",
        esc(code),
        esc(t.add_to_calendar)
    )
}

/// What, when, where, with whom, and its state.
fn describe(service: &BookingService, view: &BookingView, lang: Lang) -> String {
    let t = booking_texts(lang);
    let state = match view.state.as_str() {
        "booked" => t.states[0],
        "cancelled" => t.states[1],
        "attended" => t.states[2],
        _ => t.states[3],
    };
    let mut out = format!(
        "<dl class=\"booking-details\"><dt>{}</dt><dd>{}, {} {}–{} {} {}</dd>",
        esc(t.your_talk),
        esc(&kind_name(service, &view.kind, lang)),
        esc(&day_name(view.starts_at, lang)),
        clock(view.starts_at),
        clock(view.ends_at),
        esc(t.with),
        esc(&view.counsellor)
    );
    if let Some(place) = &view.place {
        let _ = write!(
            out,
            "<dt>{}</dt><dd>{}</dd>",
            esc(t.place),
            esc(&place_name(service, place, lang))
        );
    }
    let video = service.config.kind(&view.kind).is_some_and(|k| k.video);
    if video && view.state == "booked" {
        match &view.video_link {
            // The link was checked when given (https, no quotes or spaces).
            Some(link) => {
                let _ = write!(
                    out,
                    "<dt>{}</dt><dd><a href=\"{}\" rel=\"noreferrer noopener\" target=\"_blank\">{}</a></dd>",
                    esc(t.video_link),
                    esc(link),
                    esc(link)
                );
            }
            None => {
                let _ = write!(
                    out,
                    "<dt>{}</dt><dd>{}</dd>",
                    esc(t.video_link),
                    esc(t.video_pending)
                );
            }
        }
    }
    let _ = write!(
        out,
        "<dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
        esc(t.alias),
        esc(&view.alias),
        esc(t.status),
        esc(state)
    );
    if view.cancelled_by.as_deref() == Some("counsellor") {
        let _ = write!(out, "<p class=\"notice\">{}</p>", esc(t.cancelled_by_us));
        if let Some(note) = &view.cancel_note {
            let _ = write!(out, "<blockquote>{}</blockquote>", esc(note));
        }
    }
    out
}

fn code_form(t: &BookingTexts) -> String {
    format!(
        "<form method=\"post\" action=\"/booking/manage\" class=\"field\">\
<label for=\"code\">{}</label><input id=\"code\" name=\"code\" required autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\">\
<p><button class=\"button cta\" type=\"submit\">{}</button></p></form>",
        esc(t.code),
        esc(t.look_up)
    )
}

/// `GET /booking/manage`.
async fn manage_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang(&headers);
    let t = booking_texts(lang);
    let body = format!("<h1>{}</h1>{}", esc(t.manage), code_form(t));
    page(&state, lang, StatusCode::OK, &body)
}

/// What a manage code opens.
enum Found {
    Booking(Box<BookingView>),
    Group(Box<Participation>),
}

/// Looks a typed code up among bookings and group sign-ups, counting a
/// miss as a wrong guess.
async fn find(
    service: &BookingService,
    typed: &str,
    client: Option<std::net::IpAddr>,
) -> Result<(Vec<u8>, Found), BookingError> {
    let hash = crate::chat::code::checked_hash(&service.code_key, &service.guesses, typed, client)
        .map_err(Refusal::from)?;
    if let Some(view) = store::by_hash(service, &hash).await? {
        return Ok((hash, Found::Booking(Box::new(view))));
    }
    if let Some(participation) = groups::by_hash(service, &hash).await? {
        return Ok((hash, Found::Group(Box::new(participation))));
    }
    service.guesses.wrong(client);
    Err(Refusal::UnknownCode.into())
}

/// The page behind a code, with `notice` (after an action) on top.
async fn found_page(
    state: &AppState,
    lang: Lang,
    code: &str,
    found: &Found,
    notice: Option<&str>,
) -> Response {
    let t = booking_texts(lang);
    let mut body = format!("<h1>{}</h1>", esc(t.manage));
    if let Some(notice) = notice {
        let _ = write!(body, "<p class=\"ok\" role=\"status\">{}</p>", esc(notice));
    }
    let hidden = format!(
        "<input type=\"hidden\" name=\"code\" value=\"{}\">",
        esc(code)
    );
    let now = crate::db::now_millis();
    match found {
        Found::Booking(view) => {
            body.push_str(&describe(&state.booking, view, lang));
            body.push_str(&ics_form(t, code));
            if view.state == "booked" && view.starts_at > now {
                let starts = store::free_times(&state.booking, &view.kind, now)
                    .await
                    .unwrap_or_default();
                if !starts.is_empty() {
                    let _ = write!(
                        body,
                        "<h2>{}</h2><form method=\"post\" action=\"/booking/move\">{hidden}{}\
<p><button class=\"button\" type=\"submit\">{}</button></p></form>",
                        esc(t.move_to),
                        time_choices(&starts, lang, None),
                        esc(t.move_to)
                    );
                }
                let _ = write!(
                    body,
                    "<form method=\"post\" action=\"/booking/cancel\">{hidden}\
<p><button class=\"button secondary\" type=\"submit\">{}</button></p></form>",
                    esc(t.cancel)
                );
            }
        }
        Found::Group(participation) => {
            body.push_str(&course_card(t, lang, &participation.course, None));
            let status = match participation.state.as_str() {
                "enrolled" => t.enrolled.to_owned(),
                "waiting" => format!("{} {}", t.waiting, participation.waiting_place.unwrap_or(1)),
                _ => t.group_cancelled.to_owned(),
            };
            let _ = write!(body, "<p class=\"notice\">{}</p>", esc(&status));
            let over = participation
                .course
                .sessions
                .last()
                .is_some_and(|s| s.ends_at <= now);
            if over && participation.state == "enrolled" && !participation.evaluated {
                let _ = write!(
                    body,
                    "<h2>{}</h2><form method=\"post\" action=\"/groups/evaluate\">{hidden}<p class=\"hint\">{}</p>",
                    esc(t.evaluate),
                    esc(t.scale)
                );
                for (i, question) in t.questions.iter().enumerate() {
                    let _ = write!(
                        body,
                        "<fieldset class=\"day\"><legend>{}</legend><div class=\"scale\">",
                        esc(question)
                    );
                    for score in 1..=5 {
                        let _ = write!(
                            body,
                            "<label class=\"slot\"><input type=\"radio\" name=\"q{i}\" value=\"{score}\" required> {score}</label>"
                        );
                    }
                    body.push_str("</div></fieldset>");
                }
                let _ = write!(
                    body,
                    "<div class=\"field\"><label for=\"comment\">{}</label>\
<textarea id=\"comment\" name=\"comment\" rows=\"3\" maxlength=\"{MAX_MESSAGE_CHARS}\"></textarea></div>\
<p><button class=\"button cta\" type=\"submit\">{}</button></p></form>",
                    esc(t.comment),
                    esc(t.send)
                );
            } else if !over && participation.state != "cancelled" {
                let _ = write!(
                    body,
                    "<form method=\"post\" action=\"/groups/cancel\">{hidden}\
<p><button class=\"button secondary\" type=\"submit\">{}</button></p></form>",
                    esc(t.cancel)
                );
            }
        }
    }
    let _ = write!(body, "<p><a href=\"/booking\">{}</a></p>", esc(t.back));
    page(state, lang, StatusCode::OK, &body)
}

fn field<'a>(fields: &'a HashMap<String, String>, name: &str) -> &'a str {
    fields.get(name).map_or("", String::as_str)
}

/// `POST /booking/manage`.
async fn manage(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(fields): Fields,
) -> Response {
    let lang = lang(&headers);
    let code = field(&fields, "code");
    match find(&state.booking, code, client).await {
        Ok((_, found)) => found_page(&state, lang, code, &found, None).await,
        Err(error) => failure(&state, lang, error, &code_form(booking_texts(lang))),
    }
}

/// Runs `action` on what the code opens, then shows it again.
async fn act(
    state: &AppState,
    headers: &HeaderMap,
    client: Option<std::net::IpAddr>,
    fields: &HashMap<String, String>,
    action: impl AsyncFnOnce(&[u8], &Found) -> Result<&'static str, BookingError>,
) -> Response {
    let lang = lang(headers);
    let code = field(fields, "code");
    let (hash, found) = match find(&state.booking, code, client).await {
        Ok(found) => found,
        Err(error) => return failure(state, lang, error, &code_form(booking_texts(lang))),
    };
    match action(&hash, &found).await {
        Ok(notice) => {
            let again = match &found {
                Found::Booking(_) => store::by_hash(&state.booking, &hash)
                    .await
                    .map(|v| v.map(|view| Found::Booking(Box::new(view)))),
                Found::Group(_) => groups::by_hash(&state.booking, &hash)
                    .await
                    .map(|p| p.map(|p| Found::Group(Box::new(p)))),
            };
            match again {
                Ok(Some(found)) => found_page(state, lang, code, &found, Some(notice)).await,
                Ok(None) => failure(state, lang, Refusal::UnknownCode.into(), ""),
                Err(error) => failure(state, lang, error, ""),
            }
        }
        Err(error) => {
            let t = booking_texts(lang);
            let text = match &error {
                BookingError::Refused(refusal) => refusal_text(t, *refusal),
                other => {
                    tracing::error!(error = %other, "a booking action failed");
                    t.refusals[14]
                }
            };
            let status = match &error {
                BookingError::Refused(refusal) => status_of(*refusal),
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            let mut response = found_page(state, lang, code, &found, None).await;
            // The same page, with the refusal on top.
            let refused = format!("<p class=\"error\" role=\"alert\">{}</p>", esc(text));
            if let Ok(bytes) = axum::body::to_bytes(
                std::mem::take(response.body_mut()),
                crate::startup::MAX_BODY_BYTES * 16,
            )
            .await
            {
                let html = String::from_utf8_lossy(&bytes).replacen(
                    "</h1>",
                    &format!("</h1>{refused}"),
                    1,
                );
                *response.body_mut() = axum::body::Body::from(html);
                response.headers_mut().remove(header::CONTENT_LENGTH);
            }
            *response.status_mut() = status;
            response
        }
    }
}

/// `POST /booking/cancel`.
async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(fields): Fields,
) -> Response {
    let t = booking_texts(lang(&headers));
    let service = state.booking.clone();
    act(
        &state,
        &headers,
        client,
        &fields,
        async |hash, found| match found {
            Found::Booking(_) => {
                store::cancel_by_booker(&service, hash, crate::db::now_millis()).await?;
                Ok(t.cancelled_done)
            }
            Found::Group(_) => Err(Refusal::Closed.into()),
        },
    )
    .await
}

/// `POST /booking/move`.
async fn move_booking(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(fields): Fields,
) -> Response {
    let t = booking_texts(lang(&headers));
    let service = state.booking.clone();
    let start: Option<i64> = field(&fields, "start").parse().ok();
    act(
        &state,
        &headers,
        client,
        &fields,
        async |hash, found| match (found, start) {
            (Found::Booking(_), Some(start)) => {
                store::move_by_booker(&service, hash, start, crate::db::now_millis()).await?;
                Ok(t.moved_done)
            }
            (Found::Booking(_), None) => Err(Refusal::Taken.into()),
            (Found::Group(_), _) => Err(Refusal::Closed.into()),
        },
    )
    .await
}

/// `POST /booking/ics`: the calendar file.
async fn ics(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(fields): Fields,
) -> Response {
    let lang = lang(&headers);
    let view = match find(&state.booking, field(&fields, "code"), client).await {
        Ok((_, Found::Booking(view))) => view,
        Ok((_, Found::Group(_))) => return failure(&state, lang, Refusal::UnknownCode.into(), ""),
        Err(error) => return failure(&state, lang, error, ""),
    };
    let service_name = state.service.get().name.clone();
    let summary = format!(
        "{} · {}",
        kind_name(&state.booking, &view.kind, lang),
        service_name
    );
    // A video call's link is where it happens: calendars make it a link.
    let place = view
        .place
        .as_deref()
        .map(|p| place_name(&state.booking, p, lang))
        .or_else(|| view.video_link.clone());
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("front-door")
        .split(':')
        .next()
        .unwrap_or("front-door")
        .to_owned();
    let description = format!(
        "{} {}. {}",
        booking_texts(lang).with,
        view.counsellor,
        booking_texts(lang).manage
    );
    let file = super::ics::calendar(&super::ics::Event {
        uid: format!("booking-{}@{host}", view.id),
        stamp_ms: crate::db::now_millis(),
        start_ms: view.starts_at,
        end_ms: view.ends_at,
        summary: &summary,
        location: place.as_deref(),
        description: &description,
        cancelled: view.state == "cancelled",
    });
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"booking.ics\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        file,
    )
        .into_response()
}

fn course_card(
    t: &BookingTexts,
    lang: Lang,
    course: &groups::Course,
    sign_up: Option<&str>,
) -> String {
    let audience = match course.audience {
        Audience::Parents => t.audiences[0],
        Audience::YoungPeople => t.audiences[1],
    };
    let mut out = format!(
        "<section class=\"course\" aria-labelledby=\"course-{id}\"><h2 id=\"course-{id}\">{}</h2><p>{} · {}</p><h3>{}</h3><ul>",
        esc(&course.name),
        esc(audience),
        esc(&course.place),
        esc(t.sessions),
        id = course.id
    );
    for session in &course.sessions {
        let _ = write!(
            out,
            "<li>{} {}–{}</li>",
            esc(&day_name(session.starts_at, lang)),
            clock(session.starts_at),
            clock(session.ends_at)
        );
    }
    out.push_str("</ul>");
    if let Some(alias_value) = sign_up {
        let left = (course.capacity - course.enrolled).max(0);
        if left > 0 {
            let _ = write!(out, "<p>{} {left}</p>", esc(t.seats_left));
        } else {
            let _ = write!(out, "<p class=\"notice\">{}</p>", esc(t.full_waiting));
        }
        let _ = write!(
            out,
            "<form method=\"post\" action=\"/groups/signup\"><input type=\"hidden\" name=\"course\" value=\"{id}\">\
<div class=\"field\"><label for=\"alias-{id}\">{}</label><input id=\"alias-{id}\" name=\"alias\" required maxlength=\"40\" autocomplete=\"off\" value=\"{}\"></div>\
<p><button class=\"button cta\" type=\"submit\">{}</button></p></form>",
            esc(t.alias),
            esc(alias_value),
            esc(t.sign_up),
            id = course.id
        );
    }
    out.push_str("</section>");
    out
}

async fn groups_body(state: &AppState, lang: Lang) -> Result<String, BookingError> {
    let t = booking_texts(lang);
    let courses = groups::courses(&state.booking, Some(crate::db::now_millis())).await?;
    let mut body = format!(
        "<h1>{}</h1><p class=\"lead\">{}</p>",
        esc(t.groups_heading),
        esc(t.groups_lead)
    );
    if courses.is_empty() {
        let _ = write!(body, "<p class=\"notice\">{}</p>", esc(t.no_groups));
    }
    for course in &courses {
        body.push_str(&course_card(t, lang, course, Some("")));
    }
    let _ = write!(
        body,
        "<p><a href=\"/booking/manage\">{}</a></p>",
        esc(t.manage)
    );
    Ok(body)
}

/// `GET /groups`.
async fn group_list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang(&headers);
    match groups_body(&state, lang).await {
        Ok(body) => page(&state, lang, StatusCode::OK, &body),
        Err(error) => failure(&state, lang, error, ""),
    }
}

/// `POST /groups/signup`.
async fn sign_up(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(fields): Fields,
) -> Response {
    let lang = lang(&headers);
    let t = booking_texts(lang);
    let result = async {
        let alias = parse_alias(field(&fields, "alias"))?;
        let course: i64 = field(&fields, "course")
            .parse()
            .map_err(|_| Refusal::UnknownCourse)?;
        if !state.booking.new_bookings.allow(client) {
            return Err(Refusal::TooManyAttempts.into());
        }
        groups::sign_up(&state.booking, course, &alias, crate::db::now_millis()).await
    }
    .await;
    match result {
        Ok((_, code)) => {
            let hash = state.booking.code_key.hash(&code);
            let participation = match groups::by_hash(&state.booking, &hash).await {
                Ok(Some(p)) => p,
                Ok(None) => return failure(&state, lang, Refusal::UnknownCode.into(), ""),
                Err(error) => return failure(&state, lang, error, ""),
            };
            let status = if participation.state == "enrolled" {
                t.enrolled.to_owned()
            } else {
                format!("{} {}", t.waiting, participation.waiting_place.unwrap_or(1))
            };
            let body = format!(
                "<h1>{}</h1><p class=\"ok\" role=\"status\">{}</p>{}<section class=\"code-card\" aria-labelledby=\"code-heading\">\
<h2 id=\"code-heading\">{}</h2><p class=\"code\">{}</p><p>{}</p></section><p><a href=\"/booking/manage\">{}</a></p>",
                esc(t.groups_heading),
                esc(&status),
                course_card(t, lang, &participation.course, None),
                esc(t.your_code),
                esc(&code),
                esc(t.code_hint),
                esc(t.manage)
            );
            page(&state, lang, StatusCode::OK, &body)
        }
        Err(error) => {
            let again = groups_body(&state, lang).await.unwrap_or_default();
            failure(&state, lang, error, &again)
        }
    }
}

/// `POST /groups/cancel`.
async fn leave(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(fields): Fields,
) -> Response {
    let t = booking_texts(lang(&headers));
    let service = state.booking.clone();
    act(
        &state,
        &headers,
        client,
        &fields,
        async |_, found| match found {
            Found::Group(participation) => {
                groups::cancel(&service, participation, crate::db::now_millis()).await?;
                Ok(t.group_cancelled)
            }
            Found::Booking(_) => Err(Refusal::Closed.into()),
        },
    )
    .await
}

/// `POST /groups/evaluate`.
async fn evaluate(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(fields): Fields,
) -> Response {
    let t = booking_texts(lang(&headers));
    let service = state.booking.clone();
    let score = |name: &str| field(&fields, name).parse::<u8>().unwrap_or(0);
    let scores = (score("q0"), score("q1"), score("q2"));
    let comment = parse_message(field(&fields, "comment"), MAX_MESSAGE_CHARS);
    act(
        &state,
        &headers,
        client,
        &fields,
        async |_, found| match found {
            Found::Group(participation) => {
                let evaluation = Evaluation {
                    helpful: scores.0,
                    understood: scores.1,
                    recommend: scores.2,
                    comment: comment?,
                };
                groups::evaluate(
                    &service,
                    participation,
                    &evaluation,
                    crate::db::now_millis(),
                )
                .await?;
                Ok(t.thanks)
            }
            Found::Booking(_) => Err(Refusal::NoEvaluation.into()),
        },
    )
    .await
}
