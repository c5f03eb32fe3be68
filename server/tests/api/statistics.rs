//! The monthly activity statistics: exact figures from the non-identifying
//! events (across daylight saving, after the conversations are gone), the
//! CSV with small numbers suppressed, the coordinators-only routes, and the
//! events that booking, group courses and treatment cases now record.

use crate::booking::available_all_week;
use crate::helpers::TestApp;
use crate::live::log_in_counsellor;
use crate::on_both_databases;
use app::protocol::statistics::{Count, Report};
use app::protocol::{AgeBand, Role as Writer, Sender, Topic};
use serde_json::json;
use server::auth::counsellors::{self, FirstName, Login, NewCounsellor, Role};
use server::auth::password::{NewPassword, Password};
use server::booking::BookerRole;
use server::booking::groups;
use server::booking::store::{self, NewBooking};
use server::chat::store::Opening;
use sqlx::Row;

on_both_databases!(
    a_seeded_october_gives_exactly_the_expected_figures_across_daylight_saving,
    march_begins_and_ends_at_copenhagen_midnight,
    figures_come_from_events_and_survive_the_purge_of_conversations,
    the_csv_parses_back_to_the_same_figures_with_small_numbers_suppressed,
    only_coordinators_read_statistics_and_a_bad_period_changes_nothing,
    bookings_group_sessions_evaluations_and_cases_record_events_without_content,
);

const PASSWORD: &str = "en lang og hemmelig sætning";

/// Logs in a new coordinator; returns the session cookie.
async fn coordinator(app: &TestApp) -> String {
    counsellors::create(
        &app.db,
        NewCounsellor {
            login: Login::parse("mia").expect("valid login"),
            first_name: FirstName::parse("Mia").expect("valid name"),
            role: Role::Coordinator,
        },
        NewPassword::parse(Password::new(PASSWORD.to_owned())).expect("valid password"),
    )
    .await
    .expect("account created");
    let response = app
        .client
        .post(format!("{}/api/session", app.address))
        .header("origin", &app.address)
        .json(&json!({ "login": "mia", "password": PASSWORD }))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200, "Mia logs in");
    response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("name=value")
        .to_owned()
}

/// Unix ms of an RFC 3339 time.
fn utc(text: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(text)
        .expect("a valid time")
        .timestamp_millis()
}

/// One seeded event (times given in UTC and stored, like every event, to
/// the hour).
#[derive(Default, Clone)]
struct Seed {
    kind: &'static str,
    at: &'static str,
    channel: &'static str,
    role: Option<&'static str>,
    age_band: Option<&'static str>,
    topic: Option<&'static str>,
    wait_ms: Option<i64>,
    outcome: Option<&'static str>,
    course: Option<&'static str>,
    returned: bool,
    amount: Option<i64>,
}

async fn seed(app: &TestApp, events: &[Seed]) {
    for e in events {
        let at = utc(e.at);
        sqlx::query(
            "INSERT INTO activity_events (kind, at, channel, role, age_band, topic, wait_ms, \
             outcome, course, returned, amount) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(e.kind)
        .bind(at - at.rem_euclid(3_600_000))
        .bind(e.channel)
        .bind(e.role)
        .bind(e.age_band)
        .bind(e.topic)
        .bind(e.wait_ms)
        .bind(e.outcome)
        .bind(e.course)
        .bind(i64::from(e.returned))
        .bind(e.amount)
        .execute(app.db.pool())
        .await
        .expect("seeded");
    }
}

fn chat(at: &'static str, role: &'static str, course: &'static str) -> Seed {
    Seed {
        kind: "contact_started",
        at,
        channel: "chat",
        role: Some(role),
        course: Some(course),
        ..Seed::default()
    }
}

fn event(kind: &'static str, channel: &'static str, at: &'static str) -> Seed {
    Seed {
        kind,
        at,
        channel,
        ..Seed::default()
    }
}

/// A year of events around October 2026, when Copenhagen leaves summer
/// time (03:00 CEST becomes 02:00 CET on Sunday 25 October).
fn october() -> Vec<Seed> {
    let young = "young_person";
    let mut events = vec![
        // Course A: the first talk at 02:30 local on 1 October, the second
        // at 23:30 local on 31 October (22:30 UTC, winter time): both October.
        Seed {
            age_band: Some("15_17"),
            topic: Some("cannabis"),
            ..chat("2026-10-01T00:30:00Z", young, "A")
        },
        Seed {
            age_band: Some("15_17"),
            topic: Some("cannabis"),
            returned: true,
            ..chat("2026-10-31T22:30:00Z", young, "A")
        },
        // Course B: 00:30 local on 1 October is 22:30 UTC on 30 September.
        Seed {
            topic: Some("alcohol"),
            ..chat("2026-09-30T22:30:00Z", "parent_or_relative", "B")
        },
        // Course C: 23:30 local on 30 September: September.
        chat("2026-09-30T21:30:00Z", young, "C"),
        // Course D: 00:30 local on 1 November (23:30 UTC on 31 October).
        chat("2026-10-31T23:30:00Z", young, "D"),
        // Course E: a letter from a professional in the night the clocks go back.
        Seed {
            kind: "contact_started",
            at: "2026-10-25T00:30:00Z",
            channel: "letter",
            role: Some("professional"),
            course: Some("E"),
            ..Seed::default()
        },
        // Course F: two talks in August, the third in October.
        chat("2026-08-03T10:00:00Z", young, "F"),
        Seed {
            returned: true,
            ..chat("2026-08-10T10:00:00Z", young, "F")
        },
        Seed {
            age_band: Some("18_21"),
            topic: Some("other"),
            returned: true,
            ..chat("2026-10-05T10:00:00Z", young, "F")
        },
        // Course G: five talks from January to May, a sixth in October.
        Seed {
            age_band: Some("22_25"),
            returned: true,
            ..chat("2026-10-06T10:00:00Z", young, "G")
        },
    ];
    for at in [
        "2026-01-05T10:00:00Z",
        "2026-02-05T10:00:00Z",
        "2026-03-05T10:00:00Z",
        "2026-04-05T10:00:00Z",
        "2026-05-05T10:00:00Z",
    ] {
        events.push(chat(at, young, "G"));
    }
    // Three booked talks (no course token: one person each).
    for (at, role) in [
        ("2026-10-10T08:00:00Z", "professional"),
        ("2026-10-12T08:00:00Z", "parent_or_relative"),
        ("2026-10-15T08:00:00Z", "young_person"),
    ] {
        events.push(Seed {
            role: Some(role),
            outcome: Some("in_person"),
            ..event("booked", "booking", at)
        });
    }
    for _ in 0..3 {
        events.push(event("attended", "booking", "2026-10-20T08:00:00Z"));
    }
    events.push(event("no_show", "booking", "2026-10-21T08:00:00Z"));
    events.push(event("cancelled", "booking", "2026-10-22T08:00:00Z"));
    // The queue: five waits, two that gave up, three reply times.
    for wait in [10_000, 20_000, 30_000, 40_000, 600_000] {
        events.push(Seed {
            wait_ms: Some(wait),
            ..event("taken", "chat", "2026-10-07T12:00:00Z")
        });
    }
    events.push(event("left_waiting", "chat", "2026-10-08T12:00:00Z"));
    events.push(event("left_waiting", "chat", "2026-10-09T12:00:00Z"));
    // A wait in September does not count.
    events.push(Seed {
        wait_ms: Some(1),
        ..event("taken", "chat", "2026-09-07T12:00:00Z")
    });
    for reply in [5_000, 15_000, 25_000] {
        events.push(Seed {
            wait_ms: Some(reply),
            amount: Some(4),
            ..event("reply_time", "chat", "2026-10-07T13:00:00Z")
        });
    }
    events.push(Seed {
        wait_ms: Some(3_600_000),
        ..event("letter_answered", "letter", "2026-10-26T09:00:00Z")
    });
    // Treatment: X converted and activated in September, closed in
    // October; Y converted and activated in October; Z converted in
    // October and closed while pending.
    events.push(event("converted", "treatment", "2026-09-02T09:00:00Z"));
    events.push(event("activated", "treatment", "2026-09-03T09:00:00Z"));
    events.push(Seed {
        outcome: Some("active"),
        ..event("closed", "treatment", "2026-10-20T09:00:00Z")
    });
    events.push(event("converted", "treatment", "2026-10-02T09:00:00Z"));
    events.push(event("activated", "treatment", "2026-10-03T09:00:00Z"));
    events.push(event("converted", "treatment", "2026-10-04T09:00:00Z"));
    events.push(Seed {
        outcome: Some("pending"),
        ..event("closed", "treatment", "2026-10-05T09:00:00Z")
    });
    // Groups: a parent group met twice (8, then 7 enrolled), a young
    // people's group once (6).
    for (at, role, course, enrolled) in [
        ("2026-10-13T16:00:00Z", "parent_or_relative", "group:1", 8),
        ("2026-10-27T17:00:00Z", "parent_or_relative", "group:1", 7),
        ("2026-10-14T15:00:00Z", "young_person", "group:2", 6),
    ] {
        events.push(Seed {
            role: Some(role),
            course: Some(course),
            amount: Some(enrolled),
            ..event("group_session", "group", at)
        });
    }
    for (question, scores) in [
        ("helpful", [4, 5, 3]),
        ("understood", [5, 5, 5]),
        ("recommend", [4, 4, 5]),
    ] {
        for score in scores {
            events.push(Seed {
                role: Some("parent_or_relative"),
                outcome: Some(question),
                course: Some("group:1"),
                amount: Some(score),
                ..event("evaluation", "group", "2026-10-28T19:00:00Z")
            });
        }
    }
    events
}

async fn report(app: &TestApp, cookie: &str, period: &str) -> Report {
    let response = app
        .client
        .get(format!("{}/api/statistics?period={period}", app.address))
        .header("cookie", cookie)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200, "the coordinator reads {period}");
    response.json().await.expect("a report")
}

fn counts(list: &[Count]) -> Vec<(&str, u64)> {
    list.iter().map(|c| (c.key.as_str(), c.n)).collect()
}

fn n(list: &[Count], key: &str) -> u64 {
    list.iter()
        .find(|c| c.key == key)
        .map(|c| c.n)
        .expect("the key is listed")
}

async fn a_seeded_october_gives_exactly_the_expected_figures_across_daylight_saving(app: TestApp) {
    seed(&app, &october()).await;
    let cookie = coordinator(&app).await;

    let october = report(&app, &cookie, "2026-10").await;

    assert_eq!(
        (october.from.as_str(), october.to.as_str()),
        ("2026-10-01", "2026-10-31")
    );
    // A×2, B, F, G by chat; E by letter; three booked.
    assert_eq!(october.contacts, 9);
    assert_eq!(
        counts(&october.by_channel),
        vec![("chat", 5), ("letter", 1), ("booking", 3)]
    );
    assert_eq!(
        counts(&october.by_role),
        vec![
            ("young_person", 5),
            ("parent_or_relative", 2),
            ("professional", 2)
        ]
    );
    assert_eq!(n(&october.by_age_band, "15_17"), 2);
    assert_eq!(n(&october.by_age_band, "18_21"), 1);
    assert_eq!(n(&october.by_age_band, "22_25"), 1);
    assert_eq!(n(&october.by_age_band, "not_stated"), 5);
    assert_eq!(n(&october.by_topic, "cannabis"), 2);
    assert_eq!(n(&october.by_topic, "alcohol"), 1);
    assert_eq!(n(&october.by_topic, "other"), 1);
    assert_eq!(n(&october.by_topic, "not_stated"), 5);
    assert_eq!((october.new_contacts, october.returning_contacts), (6, 3));
    // Courses A, B, E, F, G and three people who booked.
    assert_eq!(october.unique_persons, 8);
    // B and E one talk, A two, F three (two in August), G six.
    assert_eq!(
        counts(&october.course_lengths),
        vec![("1", 2), ("2", 1), ("3", 1), ("4", 0), ("5+", 1)]
    );

    assert_eq!(october.conversions, 2);
    assert_eq!(october.activated, 1);
    assert_eq!(october.closed, 2);
    assert_eq!(october.active_cases, 1, "Y; X was closed");
    assert_eq!(october.cases_in_treatment, 2, "X and Y");

    assert_eq!(october.consultant_tasks, 2);
    assert_eq!(
        counts(&october.consultant_by_channel),
        vec![("chat", 0), ("letter", 1), ("booking", 1)]
    );

    assert_eq!((october.parent_groups, october.parent_participants), (1, 8));
    assert_eq!((october.youth_groups, october.youth_participants), (1, 6));
    assert_eq!(october.group_sessions, 3);
    assert_eq!(october.evaluations, 3);
    let mean = |key: &str| {
        october
            .evaluation_means
            .iter()
            .find(|m| m.key == key)
            .and_then(|m| m.mean)
            .expect("answered")
    };
    assert!((mean("helpful") - 4.0).abs() < 1e-9);
    assert!((mean("understood") - 5.0).abs() < 1e-9);
    assert!((mean("recommend") - 13.0 / 3.0).abs() < 1e-9);

    assert_eq!(october.queue_wait.n, 5);
    assert_eq!(october.queue_wait.median_ms, Some(30_000));
    assert_eq!(october.queue_wait.p90_ms, Some(600_000));
    assert_eq!(october.left_waiting, 2);
    assert_eq!(october.reply_time.n, 3);
    assert_eq!(october.reply_time.median_ms, Some(15_000));
    assert_eq!(october.reply_time.p90_ms, Some(25_000));
    assert_eq!(october.letter_wait.n, 1);
    assert_eq!(
        (
            october.booked,
            october.attended,
            october.no_show,
            october.cancelled
        ),
        (3, 3, 1, 1)
    );

    // Year to date against the minimums for three counsellors.
    let progress: Vec<(&str, u64, u64, u64)> = october
        .progress
        .iter()
        .map(|p| (p.key.as_str(), p.target, p.due, p.done))
        .collect();
    assert_eq!(
        progress,
        vec![
            ("treatment_cases", 24, 20, 2),
            // A, B, C, E, F, G and three bookings; D is November's.
            ("unique_persons", 75, 63, 9),
            ("parent_groups", 2, 2, 1),
            ("consultant_tasks", 36, 30, 2),
        ]
    );

    // The neighbours get what October did not take.
    let september = report(&app, &cookie, "2026-09").await;
    assert_eq!(september.contacts, 1, "C at 23:30 on 30 September");
    let november = report(&app, &cookie, "2026-11").await;
    assert_eq!(november.contacts, 1, "D at 00:30 on 1 November");
    let year = report(&app, &cookie, "2026").await;
    assert_eq!(year.contacts, 9 + 1 + 1 + 7, "every contact of 2026");
    assert_eq!(year.unique_persons, 10);
}

async fn march_begins_and_ends_at_copenhagen_midnight(app: TestApp) {
    seed(
        &app,
        &[
            // 00:30 on 1 March, winter time: March.
            chat("2026-02-28T23:30:00Z", "young_person", "M1"),
            // 03:30 summer time, just after the clocks went forward.
            chat("2026-03-29T01:30:00Z", "young_person", "M2"),
            // 23:30 on 31 March, summer time: March.
            chat("2026-03-31T21:30:00Z", "young_person", "M3"),
            // 00:30 on 1 April, summer time: April.
            chat("2026-03-31T22:30:00Z", "young_person", "M4"),
        ],
    )
    .await;
    let cookie = coordinator(&app).await;

    assert_eq!(report(&app, &cookie, "2026-03").await.unique_persons, 3);
    assert_eq!(report(&app, &cookie, "2026-02").await.contacts, 0);
    assert_eq!(report(&app, &cookie, "2026-04").await.contacts, 1);
}

async fn figures_come_from_events_and_survive_the_purge_of_conversations(app: TestApp) {
    let cookie = coordinator(&app).await;
    let counsellor: i64 = sqlx::query("SELECT id FROM counsellors WHERE login = 'mia'")
        .fetch_one(app.db.pool())
        .await
        .expect("Mia")
        .get("id");
    let store = app.chat_store();
    let conversation = store
        .create(
            b"statistics-token",
            Opening {
                role: Writer::YoungPerson,
                age_band: Some(AgeBand::From15To17),
                topic: Some(Topic::Cannabis),
                nickname: None,
                course_token: "course-token".to_owned(),
            },
        )
        .await
        .expect("created");
    store
        .claim(conversation.id, counsellor)
        .await
        .expect("claimed")
        .expect("it was waiting");
    for (id, from) in [
        ("m1", Sender::Visitor),
        ("m2", Sender::Counsellor),
        ("m3", Sender::Visitor),
        ("m4", Sender::Counsellor),
    ] {
        store
            .append(conversation.id, from, id, "hej")
            .await
            .expect("stored");
    }
    store
        .end(conversation.id, Sender::Counsellor, None, false)
        .await
        .expect("closed");
    store.delete(conversation.id).await.expect("purged");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM conversations")
        .fetch_one(app.db.pool())
        .await
        .expect("counted");
    assert_eq!(left, 0, "the conversation is gone");

    let month = server::statistics::Period::month_of(server::db::now_millis())
        .expect("now is in the calendar")
        .key();
    let figures = report(&app, &cookie, &month).await;

    assert_eq!(figures.contacts, 1);
    assert_eq!(figures.unique_persons, 1);
    assert_eq!(n(&figures.by_topic, "cannabis"), 1);
    assert_eq!(figures.queue_wait.n, 1);
    assert_eq!(figures.reply_time.n, 1, "one talk with two replies");
    let (replies, text): (i64, i64) = sqlx::query_as(
        "SELECT amount, (SELECT COUNT(*) FROM activity_events WHERE wait_ms IS NULL \
         AND kind = 'reply_time') FROM activity_events WHERE kind = 'reply_time'",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("the reply time event");
    assert_eq!(
        (replies, text),
        (2, 0),
        "a mean of two replies, always a number"
    );
}

/// Reads RFC 4180 text: quoted fields with doubled quotes, CRLF records.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "records end with CRLF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\n') => panic!("a bare LF ends a record"),
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record ends with CRLF"
    );
    records
}

async fn the_csv_parses_back_to_the_same_figures_with_small_numbers_suppressed(app: TestApp) {
    seed(&app, &october()).await;
    let cookie = coordinator(&app).await;
    let exact = report(&app, &cookie, "2026-10").await;

    let response = app
        .client
        .get(format!(
            "{}/api/statistics/csv?period=2026-10&lang=en",
            app.address
        ))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8; header=present"
    );
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"statistics-2026-10.csv\""
    );
    let text = response.text().await.expect("text");
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for spreadsheets");
    let records = parse_csv(text);
    assert_eq!(
        records[0],
        vec!["section", "figure", "key", "label", "value"]
    );
    assert!(
        records.iter().all(|r| r.len() == 5),
        "five fields on every line"
    );
    let value = |figure: &str, key: &str| -> String {
        records
            .iter()
            .find(|r| r[1] == figure && r[2] == key)
            .map(|r| r[4].clone())
            .unwrap_or_else(|| panic!("{figure}/{key} is in the CSV"))
    };
    let shown = |n: u64| {
        if n > 0 && n < 3 {
            "<3".to_owned()
        } else {
            n.to_string()
        }
    };

    // Every single count reads back as the figure, small ones as "<3".
    assert_eq!(value("period", ""), "2026-10");
    assert_eq!(value("contacts", ""), shown(exact.contacts));
    assert_eq!(value("contacts", ""), "9");
    assert_eq!(value("unique_persons", ""), "8");
    assert_eq!(value("conversions", ""), "<3");
    assert_eq!(value("active_cases", ""), "<3");
    assert_eq!(value("parent_participants", ""), "8");
    assert_eq!(value("left_waiting", ""), "<3");
    assert_eq!(value("booked", ""), "3");
    for (figure, n) in [
        ("closed", exact.closed),
        ("consultant_tasks", exact.consultant_tasks),
        ("group_sessions", exact.group_sessions),
        ("attended", exact.attended),
        ("no_show", exact.no_show),
        ("queue_taken", exact.queue_wait.n),
    ] {
        assert_eq!(value(figure, ""), shown(n), "{figure}");
    }
    // Derived figures: seconds, and "<3" when fewer than three measured.
    assert_eq!(value("queue_wait_median", ""), "30");
    assert_eq!(value("queue_wait_p90", ""), "600");
    assert_eq!(value("reply_median", ""), "15");
    assert_eq!(value("letter_wait_median", ""), "<3", "one letter answered");
    assert_eq!(value("evaluation_mean", "recommend"), "4.3");
    // Breakdowns: chat 5, letter 1, booked 3. The 1 alone would be
    // 9 − 5 − 3, so the 3 is hidden too.
    assert_eq!(value("by_channel", "chat"), "5");
    assert_eq!(value("by_channel", "letter"), "<3");
    assert_eq!(value("by_channel", "booking"), "..");
    // Two small cells protect each other.
    assert_eq!(value("by_role", "young_person"), "5");
    assert_eq!(value("by_role", "parent_or_relative"), "<3");
    assert_eq!(value("by_role", "professional"), "<3");
    assert_eq!(value("course_lengths", "4"), "0", "zero names nobody");
    // Every breakdown cell is its figure, "<3", or ".." hiding one ≥ 3.
    for (name, list) in [
        ("by_age_band", &exact.by_age_band),
        ("by_topic", &exact.by_topic),
        ("course_lengths", &exact.course_lengths),
    ] {
        for count in list.iter() {
            let figure = value(name, &count.key);
            assert!(
                figure == shown(count.n) || (figure == ".." && count.n >= 3),
                "{} reads {figure}",
                count.key
            );
        }
    }
    // A label with a comma is quoted and reads back whole.
    let labelled = records
        .iter()
        .find(|r| r[1] == "evaluation_mean" && r[2] == "helpful")
        .expect("listed");
    assert_eq!(labelled[3], "Evaluation, mean (1–5): The course helped me");
    assert!(text.contains("\"Evaluation, mean (1–5): The course helped me\""));
    // Progress: norms as they are, the count suppressed.
    let progress = records
        .iter()
        .filter(|r| r[0] == "progress" && r[2] == "parent_groups")
        .map(|r| (r[1].as_str(), r[4].as_str()))
        .collect::<Vec<_>>();
    assert_eq!(
        progress,
        vec![("target", "2"), ("due", "2"), ("done", "<3")]
    );

    // The printable report shows the same suppressed figures.
    let page = app
        .client
        .get(format!(
            "{}/api/statistics/report?period=2026-10",
            app.address
        ))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("answered");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("Aktivitetsstatistik oktober 2026"));
    assert!(html.contains("Kontakter efter kanal: Brev</th><td class=\"number\">&lt;3</td>"));
    assert!(!html.contains(">1</td>"), "no 1 anywhere");
}

async fn only_coordinators_read_statistics_and_a_bad_period_changes_nothing(app: TestApp) {
    let bo = log_in_counsellor(&app, "bo", "Bo").await;
    for path in [
        "/api/statistics?period=2026-10",
        "/api/statistics/csv?period=2026-10",
        "/api/statistics/report?period=2026-10",
    ] {
        let anonymous = app.get(path, &[]).await;
        assert_eq!(anonymous.status(), 401, "{path} needs a login");
        let counsellor = app.get(path, &[("cookie", &bo)]).await;
        assert_eq!(counsellor.status(), 403, "{path} is for coordinators");
        let body: serde_json::Value = counsellor.json().await.expect("json");
        assert_eq!(body["error"], "forbidden");
    }
    let mia = coordinator(&app).await;
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activity_events")
        .fetch_one(app.db.pool())
        .await
        .expect("counted");
    for bad in [
        "/api/statistics",
        "/api/statistics?period=2026-13",
        "/api/statistics?period=oktober",
        "/api/statistics?period=2026-10-01",
        "/api/statistics?period=1999",
        "/api/statistics/csv?period=2026-1",
        "/api/statistics/report?period=%00",
        "/api/statistics?period=2026-10&period=2026-11",
    ] {
        let response = app.get(bad, &[("cookie", &mia)]).await;
        assert_eq!(response.status(), 400, "{bad}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["error"], "bad_period", "{bad}");
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activity_events")
        .fetch_one(app.db.pool())
        .await
        .expect("counted");
    assert_eq!(before, after);
}

/// Every stored event as text, to look for what must never be in it.
async fn all_events(app: &TestApp) -> Vec<String> {
    sqlx::query(
        "SELECT kind, channel, COALESCE(role, ''), COALESCE(age_band, ''), \
         COALESCE(outcome, ''), COALESCE(course, ''), COALESCE(amount, -1) FROM activity_events \
         ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("events")
    .iter()
    .map(|row| {
        format!(
            "{}|{}|{}|{}|{}|{}|{}",
            row.get::<String, _>(0),
            row.get::<String, _>(1),
            row.get::<String, _>(2),
            row.get::<String, _>(3),
            row.get::<String, _>(4),
            row.get::<String, _>(5),
            row.get::<i64, _>(6)
        )
    })
    .collect()
}

async fn bookings_group_sessions_evaluations_and_cases_record_events_without_content(app: TestApp) {
    let cookie = log_in_counsellor(&app, "bo", "Bo").await;
    available_all_week(&app, &cookie).await;
    let now = server::db::now_millis();
    let times = store::free_times(&app.booking, "in_person", now)
        .await
        .expect("times");
    let booking = |start_ms, role| NewBooking {
        kind: "in_person".to_owned(),
        role,
        start_ms,
        alias: "Mor til T".to_owned(),
        message: Some("Min søn ryger hver dag".to_owned()),
        phone: None,
        place: None,
    };
    let (held, _) = store::book(&app.booking, &booking(times[0], BookerRole::Parent), now)
        .await
        .expect("booked");
    let (cancelled, _) = store::book(
        &app.booking,
        &booking(times[4], BookerRole::Professional),
        now,
    )
    .await
    .expect("booked");
    store::mark(&app.booking, held, true, now)
        .await
        .expect("marked");
    store::mark(&app.booking, held, false, now)
        .await
        .expect_err("marked once only");
    store::cancel_by_counsellor(&app.booking, cancelled, "Jeg er syg", now)
        .await
        .expect("cancelled");

    // A parent group whose first evening is over, with two enrolled.
    let course: i64 = sqlx::query(
        "INSERT INTO group_courses (name, audience, place, capacity, created_at) \
         VALUES ('Forældregruppe', 'parents', 'Huset', 10, $1) RETURNING id",
    )
    .bind(now)
    .fetch_one(app.db.pool())
    .await
    .expect("course")
    .get("id");
    sqlx::query("INSERT INTO group_sessions (course_id, starts_at, ends_at) VALUES ($1, $2, $3)")
        .bind(course)
        .bind(now - 5 * 3_600_000)
        .bind(now - 2 * 3_600_000)
        .execute(app.db.pool())
        .await
        .expect("session");
    let mut participants = Vec::new();
    for seat in [1_i64, 2] {
        let id: i64 = sqlx::query(
            "INSERT INTO group_participants (course_id, state, seat, code_hash, data_key, alias, \
             signed_up_at) VALUES ($1, 'enrolled', $2, $3, $4, $4, $5) RETURNING id",
        )
        .bind(course)
        .bind(seat)
        .bind(format!("hash-{seat}").into_bytes())
        .bind(Vec::<u8>::new())
        .bind(now)
        .fetch_one(app.db.pool())
        .await
        .expect("participant")
        .get("id");
        participants.push(id);
    }
    let counted = server::booking::groups::count_held_sessions(&app.booking, now)
        .await
        .expect("counted");
    let again = server::booking::groups::count_held_sessions(&app.booking, now)
        .await
        .expect("counted");
    assert_eq!(
        (counted, again),
        (1, 0),
        "each session held is counted once"
    );
    // One participant evaluates the course: the scores, never the comment.
    let the_course = groups::courses(&app.booking, None)
        .await
        .expect("courses")
        .into_iter()
        .find(|c| c.id == course)
        .expect("the course");
    let participation = groups::Participation {
        id: participants[0],
        course: the_course,
        state: "enrolled".to_owned(),
        waiting_place: None,
        alias: "Far".to_owned(),
        evaluated: false,
    };
    groups::evaluate(
        &app.booking,
        &participation,
        &groups::Evaluation {
            helpful: 4,
            understood: 5,
            recommend: 3,
            comment: Some("Rart at mødes".to_owned()),
        },
        now,
    )
    .await
    .expect("evaluated");

    // A pending adult case is activated, then closed.
    let case: i64 = sqlx::query(
        "INSERT INTO treatment_cases (minor, age_group, created_by, created_at, updated_at, \
         consent_how, consent_at, consent_recorded_by) VALUES (0, '18_plus', 1, $1, $1, 'in_chat', $1, 1) \
         RETURNING id",
    )
    .bind(now)
    .fetch_one(app.db.pool())
    .await
    .expect("case")
    .get("id");
    server::cases::activate(&app.db, case)
        .await
        .expect("active");
    server::cases::activate(&app.db, case)
        .await
        .expect("still active");
    server::cases::close(&app.db, case, 86_400_000)
        .await
        .expect("closed");

    let events = all_events(&app).await;
    let group = format!("group:{course}");
    assert_eq!(
        events,
        vec![
            "booked|booking|parent_or_relative||in_person||-1".to_owned(),
            "booked|booking|professional||in_person||-1".to_owned(),
            "attended|booking|parent_or_relative||in_person||-1".to_owned(),
            "cancelled|booking|professional||in_person||-1".to_owned(),
            format!("group_session|group|parent_or_relative|||{group}|2"),
            format!("evaluation|group|parent_or_relative||helpful|{group}|4"),
            format!("evaluation|group|parent_or_relative||understood|{group}|5"),
            format!("evaluation|group|parent_or_relative||recommend|{group}|3"),
            "activated|treatment|young_person|18_plus|||-1".to_owned(),
            "closed|treatment|young_person|18_plus|active||-1".to_owned(),
        ]
    );
    // The attended talk counts in the hour it began.
    let attended_at: i64 =
        sqlx::query_scalar("SELECT at FROM activity_events WHERE kind = 'attended'")
            .fetch_one(app.db.pool())
            .await
            .expect("the event");
    assert_eq!(attended_at, times[0] - times[0].rem_euclid(3_600_000));
    // Nothing anyone typed, and every time to the hour.
    let everything = events.join("\n");
    for typed in [
        "Mor til T",
        "ryger",
        "Jeg er syg",
        "Forældregruppe",
        "Huset",
        "Rart",
        "Far",
    ] {
        assert!(
            !everything.contains(typed),
            "{typed} is not in the statistics"
        );
    }
    let off_the_hour: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM activity_events WHERE at % 3600000 <> 0")
            .fetch_one(app.db.pool())
            .await
            .expect("counted");
    assert_eq!(off_the_hour, 0);
}
