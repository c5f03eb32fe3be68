//! Booking a first conversation and signing up for group courses with
//! nothing but an alias and a manage code (`/booking`, `/groups`,
//! `/api/booking/…`, `/api/groups`).

use crate::helpers::TestApp;
use crate::live::log_in_counsellor;
use crate::on_both_databases;
use server::booking::groups::{self, Audience, Evaluation, NewCourse, Session};
use server::booking::store::{self, NewBooking};
use server::booking::{BookerRole, BookingError, Refusal};
use sqlx::Row;

on_both_databases!(
    a_parent_books_a_walk_and_talk_and_cancels_it_with_the_manage_code,
    many_parents_racing_for_one_time_get_it_once,
    the_phone_number_is_deleted_once_the_talk_is_over,
    a_past_time_a_taken_time_a_wrong_code_and_a_long_message_change_nothing,
    moving_a_talk_gives_the_old_time_back,
    a_counsellor_cancels_with_a_note_the_booker_reads_with_the_code,
    a_reassigned_talk_shows_the_phone_number_only_to_the_new_counsellor,
    the_counsellor_gives_a_video_link_the_booker_reads_with_the_code,
    a_script_cannot_fill_the_calendar_from_one_address,
    a_full_course_puts_the_next_on_the_waiting_list_who_moves_up_on_a_cancellation,
    concurrent_sign_ups_never_overfill_a_course,
    participants_evaluate_a_course_anonymously_once_it_is_over,
    the_console_gets_copenhagen_times_names_and_colleagues_and_courses_in_local_time,
);

/// Publishes round-the-clock hours for the logged-in counsellor.
pub async fn available_all_week(app: &TestApp, cookie: &str) {
    let weekly: Vec<_> = (0..7)
        .map(|day| serde_json::json!({ "weekday": day, "from": "00:00", "to": "24:00" }))
        .collect();
    let response = app
        .client
        .put(format!("{}/api/booking/availability", app.address))
        .header("origin", &app.address)
        .header("cookie", cookie)
        .json(&serde_json::json!({ "weekly": weekly, "exceptions": [] }))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
}

async fn counsellor_id(app: &TestApp, login: &str) -> i64 {
    sqlx::query("SELECT id FROM counsellors WHERE login = $1")
        .bind(login)
        .fetch_one(app.db.pool())
        .await
        .expect("the counsellor exists")
        .get("id")
}

/// The text between `before` and `after` in `text`.
pub fn between<'a>(text: &'a str, before: &str, after: &str) -> Option<&'a str> {
    let start = text.find(before)? + before.len();
    let end = text[start..].find(after)? + start;
    Some(&text[start..end])
}

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.address))
        .header("accept-language", "da")
        .form(form)
        .send()
        .await
        .expect("answered")
}

async fn agenda(app: &TestApp, cookie: &str, team: bool) -> Vec<serde_json::Value> {
    app.client
        .get(format!(
            "{}/api/booking/agenda?team={}",
            app.address,
            u8::from(team)
        ))
        .header("cookie", cookie)
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json")
}

fn request(kind: &str, start_ms: i64) -> NewBooking {
    NewBooking {
        kind: kind.to_owned(),
        role: BookerRole::Parent,
        start_ms,
        alias: "Mor til T".to_owned(),
        message: Some("Min søn ryger hver dag".to_owned()),
        phone: (kind == "phone").then(|| "+45 12 34 56 78".to_owned()),
        place: (kind == "walk").then(|| "park".to_owned()),
    }
}

async fn first_free(app: &TestApp, kind: &str) -> i64 {
    let now = server::db::now_millis();
    *store::free_times(&app.booking, kind, now)
        .await
        .expect("times")
        .first()
        .expect("a free time")
}

async fn a_parent_books_a_walk_and_talk_and_cancels_it_with_the_manage_code(app: TestApp) {
    let cookie = log_in_counsellor(&app, "bo", "Bo").await;
    available_all_week(&app, &cookie).await;

    let times = app
        .get("/booking/times?type=walk", &[("accept-language", "da")])
        .await;
    assert_eq!(times.status(), 200);
    let html = times.text().await.expect("html");
    assert!(
        html.contains("Ved indgangen til parken"),
        "the meeting places"
    );
    let start = between(&html, "name=\"start\" value=\"", "\"").expect("a free time");

    let booked = post_form(
        &app,
        "/booking",
        &[
            ("type", "walk"),
            ("start", start),
            ("role", "parent"),
            ("alias", "Mor til T"),
            ("place", "library"),
            ("message", "Vi skændes om hash"),
        ],
    )
    .await;
    assert_eq!(booked.status(), 200);
    let html = booked.text().await.expect("html");
    assert!(html.contains("Din tid er booket"));
    let code = between(&html, "<p class=\"code\">", "</p>")
        .expect("the manage code is shown")
        .to_owned();
    assert_eq!(code.split(' ').count(), 4);

    // Alias and message are sealed at rest.
    let row = sqlx::query("SELECT alias, message FROM bookings")
        .fetch_one(app.db.pool())
        .await
        .expect("one booking");
    let alias: Vec<u8> = row.get("alias");
    assert!(!alias.windows(3).any(|w| w == b"Mor"));

    // The calendar file reads back.
    let ics = post_form(&app, "/booking/ics", &[("code", &code)]).await;
    assert_eq!(ics.status(), 200);
    assert!(
        ics.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/calendar")
    );
    let file = ics.text().await.expect("text");
    assert!(file.starts_with("BEGIN:VCALENDAR\r\n") && file.ends_with("END:VCALENDAR\r\n"));
    assert!(file.split("\r\n").all(|line| line.len() <= 75));
    let expected = chrono::DateTime::from_timestamp_millis(start.parse().expect("ms"))
        .expect("time")
        .format("DTSTART:%Y%m%dT%H%M%SZ")
        .to_string();
    assert!(file.contains(&expected), "{file}");
    assert!(file.contains("LOCATION:Foran biblioteket"));

    // The counsellor sees it, with the alias and the message.
    let entries = agenda(&app, &cookie, false).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["alias"], "Mor til T");
    assert_eq!(entries[0]["message"], "Vi skændes om hash");
    assert_eq!(entries[0]["state"], "booked");

    // The code shows it; a typo-tolerant code too.
    let manage = post_form(&app, "/booking/manage", &[("code", &code.to_uppercase())]).await;
    assert_eq!(manage.status(), 200);
    assert!(manage.text().await.expect("html").contains("Mor til T"));

    let cancelled = post_form(&app, "/booking/cancel", &[("code", &code)]).await;
    assert_eq!(cancelled.status(), 200);
    assert!(
        cancelled
            .text()
            .await
            .expect("html")
            .contains("Tiden er aflyst.")
    );
    let entries = agenda(&app, &cookie, false).await;
    assert_eq!(entries[0]["state"], "cancelled");
    let cells: i64 = sqlx::query("SELECT COUNT(*) AS n FROM booking_cells")
        .fetch_one(app.db.pool())
        .await
        .expect("count")
        .get("n");
    assert_eq!(cells, 0, "the time is free again");

    let again = post_form(&app, "/booking/cancel", &[("code", &code)]).await;
    assert_eq!(again.status(), 409);
    assert!(
        again
            .text()
            .await
            .expect("html")
            .contains("kan ikke længere ændres")
    );
}

async fn many_parents_racing_for_one_time_get_it_once(app: TestApp) {
    let cookie = log_in_counsellor(&app, "bo", "Bo").await;
    available_all_week(&app, &cookie).await;
    let start = first_free(&app, "in_person").await;
    let now = server::db::now_millis();

    let racers = (0..16).map(|_| {
        let service = app.booking.clone();
        tokio::spawn(async move { store::book(&service, &request("in_person", start), now).await })
    });
    let results = futures::future::join_all(racers).await;
    let won = results.iter().filter(|r| matches!(r, Ok(Ok(_)))).count();
    let taken = results
        .iter()
        .filter(|r| matches!(r, Ok(Err(BookingError::Refused(Refusal::Taken)))))
        .count();
    assert_eq!((won, taken), (1, 15), "{results:?}");
    let live: i64 = sqlx::query("SELECT COUNT(*) AS n FROM bookings")
        .fetch_one(app.db.pool())
        .await
        .expect("count")
        .get("n");
    assert_eq!(live, 1, "the losers left nothing behind");

    // An overlapping talk of another length is refused too.
    let overlapping = store::book(&app.booking, &request("phone", start + 30 * 60_000), now).await;
    assert!(matches!(
        overlapping,
        Err(BookingError::Refused(Refusal::Taken))
    ));
}

async fn the_phone_number_is_deleted_once_the_talk_is_over(app: TestApp) {
    let cookie = log_in_counsellor(&app, "bo", "Bo").await;
    available_all_week(&app, &cookie).await;
    let start = first_free(&app, "phone").await;
    let now = server::db::now_millis();
    let (id, code) = store::book(&app.booking, &request("phone", start), now)
        .await
        .expect("booked");
    let entries = agenda(&app, &cookie, false).await;
    assert_eq!(entries[0]["phone"], "+45 12 34 56 78");

    let end = start + 30 * 60_000;
    store::purge(&app.booking, end - 1).await.expect("purge");
    let phone_kept: Option<Vec<u8>> = sqlx::query("SELECT phone FROM bookings WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("row")
        .get("phone");
    assert!(phone_kept.is_some(), "kept until the talk is over");

    store::purge(&app.booking, end).await.expect("purge");
    let phone_gone: Option<Vec<u8>> = sqlx::query("SELECT phone FROM bookings WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("row")
        .get("phone");
    assert!(phone_gone.is_none(), "deleted when the talk is over");
    let entries = agenda(&app, &cookie, false).await;
    assert!(entries[0]["phone"].is_null());

    // After retention the whole booking, and so its code, is gone.
    store::purge(&app.booking, end + 31 * 86_400_000)
        .await
        .expect("purge");
    let left: i64 = sqlx::query("SELECT COUNT(*) AS n FROM bookings")
        .fetch_one(app.db.pool())
        .await
        .expect("count")
        .get("n");
    assert_eq!(left, 0);
    let manage = post_form(&app, "/booking/manage", &[("code", &code)]).await;
    assert_eq!(manage.status(), 404);
    assert!(
        manage
            .text()
            .await
            .expect("html")
            .contains("Vi kender ikke den kode")
    );
}

async fn a_past_time_a_taken_time_a_wrong_code_and_a_long_message_change_nothing(app: TestApp) {
    let cookie = log_in_counsellor(&app, "bo", "Bo").await;
    available_all_week(&app, &cookie).await;
    let now = server::db::now_millis();
    let past = store::book(&app.booking, &request("in_person", now - 3_600_000), now).await;
    assert!(matches!(past, Err(BookingError::Refused(Refusal::Past))));

    let start = first_free(&app, "in_person").await;
    let long = "x".repeat(1001);
    let refused = post_form(
        &app,
        "/booking",
        &[
            ("type", "in_person"),
            ("start", &start.to_string()),
            ("role", "parent"),
            ("alias", "Far"),
            ("message", &long),
        ],
    )
    .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.expect("html");
    assert!(html.contains("Beskeden er for lang"));
    assert!(
        html.contains("value=\"Far\""),
        "the form keeps what was typed"
    );

    store::book(&app.booking, &request("in_person", start), now)
        .await
        .expect("booked");
    let taken = app
        .client
        .post(format!("{}/booking", app.address))
        .header("accept-language", "en")
        .form(&[
            ("type", "in_person"),
            ("start", &start.to_string()),
            ("role", "parent"),
            ("alias", "Dad"),
        ])
        .send()
        .await
        .expect("answered");
    assert_eq!(taken.status(), 409);
    assert!(
        taken
            .text()
            .await
            .expect("html")
            .contains("That time was just taken")
    );

    let wrong = post_form(&app, "/booking/manage", &[("code", "not a real code")]).await;
    assert_eq!(wrong.status(), 404);
    let bookings: i64 = sqlx::query("SELECT COUNT(*) AS n FROM bookings")
        .fetch_one(app.db.pool())
        .await
        .expect("count")
        .get("n");
    assert_eq!(bookings, 1);
}

async fn moving_a_talk_gives_the_old_time_back(app: TestApp) {
    let cookie = log_in_counsellor(&app, "bo", "Bo").await;
    available_all_week(&app, &cookie).await;
    let now = server::db::now_millis();
    let times = store::free_times(&app.booking, "in_person", now)
        .await
        .expect("times");
    let (first, later) = (times[0], times[10]);
    let (_, code) = store::book(&app.booking, &request("in_person", first), now)
        .await
        .expect("booked");
    let moved = post_form(
        &app,
        "/booking/move",
        &[("code", &code), ("start", &later.to_string())],
    )
    .await;
    assert_eq!(moved.status(), 200);
    assert!(
        moved
            .text()
            .await
            .expect("html")
            .contains("Tiden er flyttet.")
    );
    let free = store::free_times(&app.booking, "in_person", now)
        .await
        .expect("times");
    assert!(free.contains(&first) && !free.contains(&later));
    // Moving by half an hour overlaps its own old time: allowed.
    let hash = app.booking.code_key.hash(&code);
    store::move_by_booker(&app.booking, &hash, later + 30 * 60_000, now)
        .await
        .expect("moved by half an hour");
}

async fn a_counsellor_cancels_with_a_note_the_booker_reads_with_the_code(app: TestApp) {
    let cookie = log_in_counsellor(&app, "bo", "Bo").await;
    available_all_week(&app, &cookie).await;
    let start = first_free(&app, "video").await;
    let (id, code) = store::book(
        &app.booking,
        &request("video", start),
        server::db::now_millis(),
    )
    .await
    .expect("booked");
    let cancel = app
        .client
        .post(format!("{}/api/booking/{id}/cancel", app.address))
        .header("origin", &app.address)
        .header("cookie", &cookie)
        .json(&serde_json::json!({ "note": "Jeg er syg – book gerne en ny tid." }))
        .send()
        .await
        .expect("answered");
    assert_eq!(cancel.status(), 200);
    let manage = post_form(&app, "/booking/manage", &[("code", &code)]).await;
    let html = manage.text().await.expect("html");
    assert!(html.contains("Jeg er syg – book gerne en ny tid."));
    assert!(html.contains("Aflyst"));
    let mark = app
        .client
        .post(format!("{}/api/booking/{id}/attended", app.address))
        .header("origin", &app.address)
        .header("cookie", &cookie)
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("answered");
    assert_eq!(mark.status(), 409, "a cancelled talk cannot be held");
}

async fn a_reassigned_talk_shows_the_phone_number_only_to_the_new_counsellor(app: TestApp) {
    let bo = log_in_counsellor(&app, "bo", "Bo").await;
    available_all_week(&app, &bo).await;
    let start = first_free(&app, "phone").await;
    let (id, _) = store::book(
        &app.booking,
        &request("phone", start),
        server::db::now_millis(),
    )
    .await
    .expect("booked");
    let mia = log_in_counsellor(&app, "mia", "Mia").await;
    let team = agenda(&app, &mia, true).await;
    assert_eq!(team.len(), 1);
    assert!(team[0]["phone"].is_null(), "not Mia's talk");
    let mia_id = counsellor_id(&app, "mia").await;
    let reassign = app
        .client
        .post(format!("{}/api/booking/{id}/reassign", app.address))
        .header("origin", &app.address)
        .header("cookie", &bo)
        .json(&serde_json::json!({ "counsellor_id": mia_id }))
        .send()
        .await
        .expect("answered");
    assert_eq!(reassign.status(), 200);
    let mine = agenda(&app, &mia, false).await;
    assert_eq!(mine[0]["phone"], "+45 12 34 56 78");
    assert_eq!(mine[0]["counsellor"], "Mia");
    assert!(agenda(&app, &bo, false).await.is_empty());
}

async fn give_link(app: &TestApp, cookie: &str, id: i64, link: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/api/booking/{id}/video", app.address))
        .header("origin", &app.address)
        .header("cookie", cookie)
        .json(&serde_json::json!({ "link": link }))
        .send()
        .await
        .expect("answered")
}

async fn error_code(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.expect("json");
    body["error"].as_str().unwrap_or_default().to_owned()
}

async fn sealed_link(app: &TestApp, id: i64) -> Option<Vec<u8>> {
    sqlx::query("SELECT video_link FROM bookings WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("row")
        .get("video_link")
}

async fn the_counsellor_gives_a_video_link_the_booker_reads_with_the_code(app: TestApp) {
    let bo = log_in_counsellor(&app, "bo", "Bo").await;
    available_all_week(&app, &bo).await;
    let start = first_free(&app, "video").await;
    let now = server::db::now_millis();
    let (id, code) = store::book(&app.booking, &request("video", start), now)
        .await
        .expect("booked");
    let manage = post_form(&app, "/booking/manage", &[("code", &code)]).await;
    let html = manage.text().await.expect("html");
    assert!(
        html.contains("Din rådgiver lægger linket her"),
        "the booker is told the link comes later"
    );
    let entries = agenda(&app, &bo, false).await;
    assert_eq!(entries[0]["video"], true);
    assert!(entries[0]["video_link"].is_null());

    // Only the holder gives it, only a plain https link, and a refusal
    // changes nothing.
    let mia = log_in_counsellor(&app, "mia", "Mia").await;
    let link = "https://video.example.dk/rum/7?k=abc";
    let colleague = give_link(&app, &mia, id, link).await;
    assert_eq!(colleague.status(), 403);
    assert_eq!(error_code(colleague).await, "not_yours");
    for bad in [
        "javascript:alert(1)",
        "http://video.example.dk/rum",
        "https://video.example.dk/a b",
    ] {
        let refused = give_link(&app, &bo, id, bad).await;
        assert_eq!(refused.status(), 400, "{bad}");
        assert_eq!(error_code(refused).await, "bad_link");
    }
    assert!(sealed_link(&app, id).await.is_none(), "nothing was stored");
    let unknown = give_link(&app, &bo, id + 1000, link).await;
    assert_eq!(unknown.status(), 404);

    assert_eq!(give_link(&app, &bo, id, link).await.status(), 200);
    let sealed = sealed_link(&app, id).await.expect("stored");
    assert!(
        !sealed.windows(16).any(|w| w == &link.as_bytes()[..16]),
        "the link is sealed, never in clear"
    );
    let html = post_form(&app, "/booking/manage", &[("code", &code)])
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("href=\"https://video.example.dk/rum/7?k=abc\""));
    assert_eq!(agenda(&app, &bo, false).await[0]["video_link"], link);
    assert!(
        agenda(&app, &mia, true).await[0]["video_link"] == link,
        "the team sees it too, to stand in"
    );
    let ics = post_form(&app, "/booking/ics", &[("code", &code)])
        .await
        .text()
        .await
        .expect("ics");
    assert!(
        ics.contains("LOCATION:https://video.example.dk/rum/7?k=abc"),
        "{ics}"
    );

    // Other talks have no link.
    let walk = first_free(&app, "walk").await;
    let (walk_id, _) = store::book(&app.booking, &request("walk", walk), now)
        .await
        .expect("booked");
    let not_video = give_link(&app, &bo, walk_id, link).await;
    assert_eq!(not_video.status(), 400);
    assert_eq!(error_code(not_video).await, "not_video");

    // The link goes with the talk: deleted when it is over.
    store::purge(&app.booking, start + 60 * 60_000)
        .await
        .expect("purge");
    assert!(
        sealed_link(&app, id).await.is_none(),
        "deleted after the talk"
    );

    // A cancelled talk takes no link.
    let cancelled = post_form(&app, "/booking/cancel", &[("code", &code)]).await;
    assert_eq!(cancelled.status(), 200);
    let closed = give_link(&app, &bo, id, link).await;
    assert_eq!(closed.status(), 409);
    assert_eq!(error_code(closed).await, "closed");
}

async fn a_script_cannot_fill_the_calendar_from_one_address(app: TestApp) {
    let cookie = log_in_counsellor(&app, "bo", "Bo").await;
    available_all_week(&app, &cookie).await;
    let now = server::db::now_millis();
    let times = store::free_times(&app.booking, "phone", now)
        .await
        .expect("times");
    // A typo is not counted: only well-formed requests are.
    let typo = post_form(&app, "/booking", &[("type", "phone"), ("role", "parent")]).await;
    assert!(typo.status().is_client_error());
    let book = |start: i64| {
        let start = start.to_string();
        let app = &app;
        async move {
            post_form(
                app,
                "/booking",
                &[
                    ("type", "phone"),
                    ("start", &start),
                    ("role", "parent"),
                    ("alias", "Script"),
                    ("phone", "12345678"),
                ],
            )
            .await
        }
    };
    for start in &times[..6] {
        assert_eq!(book(*start).await.status(), 200);
    }
    let refused = book(times[6]).await;
    assert_eq!(refused.status(), 429);
    assert!(
        refused
            .text()
            .await
            .expect("html")
            .contains("For mange forsøg")
    );
    let booked: i64 = sqlx::query("SELECT COUNT(*) AS n FROM bookings")
        .fetch_one(app.db.pool())
        .await
        .expect("count")
        .get("n");
    assert_eq!(booked, 6, "the seventh changed nothing");
}

fn course_ahead(capacity: u16) -> NewCourse {
    let start = server::db::now_millis() + 7 * 86_400_000;
    NewCourse {
        name: "Forældregruppe".to_owned(),
        audience: Audience::Parents,
        place: "Ungecentret".to_owned(),
        capacity,
        sessions: vec![Session {
            starts_at: start,
            ends_at: start + 210 * 60_000,
        }],
    }
}

async fn state_of(app: &TestApp, id: i64) -> String {
    sqlx::query("SELECT state FROM group_participants WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("row")
        .get("state")
}

async fn a_full_course_puts_the_next_on_the_waiting_list_who_moves_up_on_a_cancellation(
    app: TestApp,
) {
    let now = server::db::now_millis();
    let course = groups::create(&app.booking, &course_ahead(2), now)
        .await
        .expect("created");
    let (first, first_code) = groups::sign_up(&app.booking, course, "A", now)
        .await
        .expect("signed up");
    groups::sign_up(&app.booking, course, "B", now)
        .await
        .expect("signed up");
    let page = post_form(
        &app,
        "/groups/signup",
        &[("course", &course.to_string()), ("alias", "C")],
    )
    .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Du er på ventelisten. Din plads i køen: 1"),
        "{html}"
    );
    let code = between(&html, "<p class=\"code\">", "</p>").expect("a code");
    let waiting = groups::by_hash(&app.booking, &app.booking.code_key.hash(code))
        .await
        .expect("read")
        .expect("found");
    assert_eq!(waiting.state, "waiting");

    let left = post_form(&app, "/groups/cancel", &[("code", &first_code)]).await;
    assert_eq!(left.status(), 200);
    assert_eq!(state_of(&app, first).await, "cancelled");
    assert_eq!(state_of(&app, waiting.id).await, "enrolled", "moved up");
}

async fn concurrent_sign_ups_never_overfill_a_course(app: TestApp) {
    let now = server::db::now_millis();
    let course = groups::create(&app.booking, &course_ahead(3), now)
        .await
        .expect("created");
    let signers = (0..10).map(|i| {
        let service = app.booking.clone();
        tokio::spawn(async move { groups::sign_up(&service, course, &format!("P{i}"), now).await })
    });
    for result in futures::future::join_all(signers).await {
        result.expect("no panic").expect("signed up or waiting");
    }
    let courses = groups::courses(&app.booking, None).await.expect("courses");
    assert_eq!((courses[0].enrolled, courses[0].waiting), (3, 7));
}

async fn participants_evaluate_a_course_anonymously_once_it_is_over(app: TestApp) {
    let now = server::db::now_millis();
    let new = course_ahead(5);
    let over = new.sessions[0].ends_at + 1;
    let course = groups::create(&app.booking, &new, now)
        .await
        .expect("created");
    let (_, code) = groups::sign_up(&app.booking, course, "A", now)
        .await
        .expect("signed up");
    let hash = app.booking.code_key.hash(&code);
    let participation = groups::by_hash(&app.booking, &hash)
        .await
        .expect("read")
        .expect("found");
    let evaluation = Evaluation {
        helpful: 5,
        understood: 4,
        recommend: 5,
        comment: Some("Godt at møde andre forældre".to_owned()),
    };
    let early = groups::evaluate(&app.booking, &participation, &evaluation, now).await;
    assert!(matches!(
        early,
        Err(BookingError::Refused(Refusal::NoEvaluation))
    ));
    let bad = Evaluation {
        helpful: 6,
        ..evaluation.clone()
    };
    let refused = groups::evaluate(&app.booking, &participation, &bad, over).await;
    assert!(matches!(
        refused,
        Err(BookingError::Refused(Refusal::BadScore))
    ));
    groups::evaluate(&app.booking, &participation, &evaluation, over)
        .await
        .expect("evaluated");
    let participation = groups::by_hash(&app.booking, &hash)
        .await
        .expect("read")
        .expect("found");
    let twice = groups::evaluate(&app.booking, &participation, &evaluation, over).await;
    assert!(matches!(
        twice,
        Err(BookingError::Refused(Refusal::NoEvaluation))
    ));

    let results = groups::results(&app.booking, course)
        .await
        .expect("results");
    assert_eq!(results.answers, 1);
    assert_eq!(results.helpful, 5.0);
    assert_eq!(
        results.comments,
        vec!["Godt at møde andre forældre".to_owned()]
    );
    let sealed: Option<Vec<u8>> = sqlx::query("SELECT comment FROM group_evaluations")
        .fetch_one(app.db.pool())
        .await
        .expect("row")
        .get("comment");
    assert!(!sealed.expect("a comment").windows(4).any(|w| w == b"Godt"));
}

/// What the console needs without a time-zone database: Copenhagen
/// wall-clock texts and names on agenda entries, the colleagues to hand a
/// booking to, and courses created from local session times.
async fn the_console_gets_copenhagen_times_names_and_colleagues_and_courses_in_local_time(
    app: TestApp,
) {
    let bo = log_in_counsellor(&app, "bo", "Bo").await;
    available_all_week(&app, &bo).await;
    let start = first_free(&app, "walk").await;
    store::book(
        &app.booking,
        &request("walk", start),
        server::db::now_millis(),
    )
    .await
    .expect("booked");
    let mine = agenda(&app, &bo, false).await;
    let local = server::hours::local_parts(start).expect("a date");
    assert_eq!(
        mine[0]["day"],
        format!("{:04}-{:02}-{:02}", local.year, local.month, local.day)
    );
    assert_eq!(
        mine[0]["from"],
        format!("{:02}:{:02}", local.hour, local.minute)
    );
    assert!(mine[0]["to"].as_str().is_some_and(|t| t.len() == 5));
    assert!(mine[0]["kind_da"].as_str().is_some_and(|k| !k.is_empty()));
    assert!(
        mine[0]["place_en"].as_str().is_some(),
        "the park has a name"
    );

    let mia = crate::settings::log_in_as(
        &app,
        "mia",
        "Mia",
        server::auth::counsellors::Role::Coordinator,
    )
    .await;
    let colleagues: Vec<serde_json::Value> = app
        .client
        .get(format!("{}/api/booking/colleagues", app.address))
        .header("cookie", &bo)
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json");
    let names: Vec<_> = colleagues.iter().map(|c| c["first_name"].clone()).collect();
    assert_eq!(names, [serde_json::json!("Bo"), serde_json::json!("Mia")]);

    let create = |body: serde_json::Value| {
        app.client
            .post(format!("{}/api/groups", app.address))
            .header("origin", &app.address)
            .header("cookie", &mia)
            .json(&body)
            .send()
    };
    let created = create(serde_json::json!({
        "name": "Ungegruppe", "audience": "young_people", "place": "Ungecentret",
        "capacity": 8,
        "local_sessions": [{ "day": "2030-03-31", "from": "16:00", "to": "18:00" }],
    }))
    .await
    .expect("answered");
    assert_eq!(created.status(), 201);
    let bad = create(serde_json::json!({
        "name": "Ungegruppe", "audience": "young_people", "place": "Ungecentret",
        "capacity": 8,
        "local_sessions": [{ "day": "2030-02-31", "from": "16:00", "to": "18:00" }],
    }))
    .await
    .expect("answered");
    assert_eq!(bad.status(), 400);
    let courses: Vec<serde_json::Value> = app
        .client
        .get(format!("{}/api/groups", app.address))
        .header("cookie", &mia)
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json");
    assert_eq!(courses.len(), 1);
    assert_eq!(
        courses[0]["local_sessions"][0],
        serde_json::json!({ "day": "2030-03-31", "from": "16:00", "to": "18:00" })
    );
    // The day summer time starts: 16:00 in Copenhagen is 14:00 UTC.
    assert_eq!(
        courses[0]["sessions"][0]["starts_at"],
        1_901_196_000_000_i64
    );
}
