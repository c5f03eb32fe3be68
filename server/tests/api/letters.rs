//! Anonymous letters (`/brev`, `/api/letters`): written any time, stored
//! before the code is shown, read and answered with the code on any
//! device, answered from the console's queue by deadline.

use crate::booking::between;
use crate::helpers::{Database, TestApp, spawn_with, test_settings};
use crate::live::*;
use crate::on_both_databases;
use app::protocol::PROTOCOL_VERSION;
use app::protocol::chat::{ChatClientMsg, ChatServerMsg};
use sqlx::Row;

on_both_databases!(
    a_letter_is_stored_before_its_code_is_shown,
    when_a_letter_cannot_be_stored_no_code_is_shown,
    the_code_opens_the_thread_on_any_device_and_a_wrong_code_opens_nothing,
    answer_and_reply_go_both_ways_in_one_thread,
    guessing_letter_codes_is_rate_limited,
    the_console_queue_is_ordered_by_deadline_and_flags_risk_words,
    a_draft_shows_colleagues_who_is_answering,
    an_empty_or_oversized_letter_is_refused_and_nothing_is_stored,
    the_thread_moves_into_a_live_chat_with_the_same_counsellor,
    retention_deletes_a_quiet_thread_key_first,
);

/// A form's fields as posted.
type Form<'a> = &'a [(&'a str, &'a str)];

/// A letter as the form posts it.
const LETTER: &str = "Jeg ryger hash hver aften og kan ikke sove uden.\nHvad gør jeg?";

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.address))
        .header("accept-language", "da")
        .form(form)
        .send()
        .await
        .expect("answered")
}

/// Writes a letter through the page; returns the code it shows.
async fn write_letter(app: &TestApp, text: &str) -> String {
    let sent = post_form(
        app,
        "/brev",
        &[
            ("role", "young_person"),
            ("age_band", "15_17"),
            ("topic", "cannabis"),
            ("text", text),
        ],
    )
    .await;
    assert_eq!(sent.status(), 200, "the letter is accepted");
    let html = sent.text().await.expect("html");
    assert!(html.contains("Dit brev er sendt"), "{html}");
    between(&html, "data-testid=\"letter-code\">", "</p>")
        .expect("the code is shown")
        .to_owned()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app.db.pool())
        .await
        .expect("count")
        .try_get::<i64, _>(0)
        .expect("a number")
}

/// A counsellor's JSON call to the letters API.
async fn api(
    app: &TestApp,
    cookie: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.address))
        .header("origin", &app.address)
        .header("cookie", cookie);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("answered");
    let status = response.status().as_u16();
    let json = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, json)
}

async fn queue(app: &TestApp, cookie: &str) -> Vec<serde_json::Value> {
    let (status, json) = api(app, cookie, reqwest::Method::GET, "/api/letters", None).await;
    assert_eq!(status, 200);
    json["queue"].as_array().cloned().unwrap_or_default()
}

async fn read_with(app: &TestApp, code: &str) -> (u16, String) {
    let response = post_form(app, "/brev/svar", &[("code", code)]).await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("html"))
}

async fn a_letter_is_stored_before_its_code_is_shown(app: TestApp) {
    let code = write_letter(&app, LETTER).await;
    assert_eq!(code.split(' ').count(), 4, "four words");

    // By the time the page with the code arrived, the letter was durable:
    // the code's keyed hash finds it, and only the hash is stored.
    let hash = app.letters.code_key.hash(&code);
    let view = server::letters::store::by_hash(&app.letters, &hash)
        .await
        .expect("read")
        .expect("the code finds its letter");
    assert_eq!(view.letters.len(), 1);
    assert_eq!(view.letters[0].text.as_deref(), Some(LETTER));
    assert_eq!(view.thread.state, "waiting");
    assert!(view.thread.due_at.expect("a deadline") > view.thread.created_at);
    let stored: Vec<u8> = sqlx::query("SELECT code_hash FROM letter_threads")
        .fetch_one(app.db.pool())
        .await
        .expect("one thread")
        .get("code_hash");
    assert_eq!(stored, hash);
    assert!(!stored.windows(code.len()).any(|w| w == code.as_bytes()));

    // One contact started on channel letter, with its random course token.
    let event = sqlx::query(
        "SELECT kind, channel, role, age_band, topic, course, returned, wait_ms, at \
         FROM activity_events",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("one event");
    assert_eq!(event.get::<String, _>("kind"), "contact_started");
    assert_eq!(event.get::<String, _>("channel"), "letter");
    assert_eq!(event.get::<String, _>("role"), "young_person");
    assert_eq!(event.get::<String, _>("age_band"), "15_17");
    assert_eq!(event.get::<String, _>("topic"), "cannabis");
    assert_eq!(event.get::<i64, _>("returned"), 0);
    assert_eq!(event.get::<Option<i64>, _>("wait_ms"), None);
    assert_eq!(event.get::<i64, _>("at") % 3_600_000, 0, "an hour bucket");
    let course: String = event.get("course");
    let token: String = sqlx::query("SELECT course_token FROM letter_threads")
        .fetch_one(app.db.pool())
        .await
        .expect("thread")
        .get("course_token");
    assert_eq!(course, token);
    assert!(course.len() >= 32, "random");
}

async fn when_a_letter_cannot_be_stored_no_code_is_shown(app: TestApp) {
    sqlx::query("DROP TABLE letter_messages")
        .execute(app.db.pool())
        .await
        .expect("the letters' table breaks");
    let sent = post_form(&app, "/brev", &[("role", "young_person"), ("text", LETTER)]).await;
    assert_eq!(sent.status(), 500);
    let html = sent.text().await.expect("html");
    assert!(
        !html.contains("letter-code"),
        "no code without a stored letter"
    );
    assert!(html.contains("Noget gik galt"), "said plainly");
    assert!(
        html.contains("Jeg ryger hash"),
        "the letter is kept in the form"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM letter_threads").await,
        0,
        "nothing half-stored"
    );
}

async fn the_code_opens_the_thread_on_any_device_and_a_wrong_code_opens_nothing(app: TestApp) {
    let code = write_letter(&app, LETTER).await;
    // Another device: a fresh client, typing in capitals with commas.
    let other = reqwest::Client::new();
    let typed = code.to_uppercase().replace(' ', ", ");
    let response = other
        .post(format!("{}/brev/svar", app.address))
        .header("accept-language", "en")
        .form(&[("code", typed.as_str())])
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(html.contains("Jeg ryger hash hver aften"), "the letter");
    assert!(
        html.contains("We haven&#39;t answered yet"),
        "no answer yet, in English"
    );
    assert!(html.contains("are deleted on"), "the deletion date");
    assert!(
        html.contains(&code),
        "the code stays in the page's own forms"
    );

    let (status, html) = read_with(&app, "sol hest kage bro").await;
    assert_eq!(status, 404);
    assert!(html.contains("Den kode kender vi ikke"));
    assert!(!html.contains("Jeg ryger hash"));
    let (status, _) = read_with(&app, "not a code").await;
    assert_eq!(status, 404);
}

async fn answer_and_reply_go_both_ways_in_one_thread(app: TestApp) {
    let code = write_letter(&app, LETTER).await;
    let mia = log_in_counsellor(&app, "mia", "Mia").await;
    let waiting = queue(&app, &mia).await;
    assert_eq!(waiting.len(), 1);
    let id = waiting[0]["id"].as_i64().expect("an id");
    assert!(waiting[0].get("text").is_none() && waiting[0]["letters"] == 1);

    let (status, _) = api(
        &app,
        &mia,
        reqwest::Method::POST,
        &format!("/api/letters/{id}/claim"),
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, sent) = api(
        &app,
        &mia,
        reqwest::Method::POST,
        &format!("/api/letters/{id}/send"),
        Some(serde_json::json!({ "text": "Hej. Godt du skriver. Hvornår startede det?" })),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(sent["sent"], "sent");
    assert!(
        queue(&app, &mia).await.is_empty(),
        "answered: out of the queue"
    );

    // The writer reads it with the code: an answer is waiting, signed Mia.
    let (status, html) = read_with(&app, &code).await;
    assert_eq!(status, 200);
    assert!(html.contains("Der er et nyt svar til dig."));
    assert!(html.contains("Mia svarede"));
    assert!(html.contains("Godt du skriver"));
    let (_, again) = read_with(&app, &code).await;
    assert!(!again.contains("Der er et nyt svar"), "seen now");
    assert!(again.contains("Du har fået svar"));

    // The writer replies: back in the queue, still Mia's, deadline anew.
    let replied = post_form(
        &app,
        "/brev/svar/skriv",
        &[("code", &code), ("text", "Det startede i 8. klasse.")],
    )
    .await;
    assert_eq!(replied.status(), 200);
    let html = replied.text().await.expect("html");
    assert!(html.contains("Dit brev er sendt. Du får svar senest"));
    assert!(html.contains("Det startede i 8. klasse."));
    let waiting = queue(&app, &mia).await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["counsellor"], "Mia", "the same counsellor");
    assert_eq!(waiting[0]["letters"], 3);
    let (_, thread) = api(
        &app,
        &mia,
        reqwest::Method::GET,
        &format!("/api/letters/{id}"),
        None,
    )
    .await;
    let texts: Vec<&str> = thread["letters"]
        .as_array()
        .expect("letters")
        .iter()
        .map(|l| l["text"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        texts,
        [
            LETTER,
            "Hej. Godt du skriver. Hvornår startede det?",
            "Det startede i 8. klasse."
        ]
    );

    // Statistics: one contact, one answer with the wait from the letter.
    let answered = sqlx::query(
        "SELECT wait_ms, channel, course FROM activity_events WHERE kind = 'letter_answered'",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("events");
    assert_eq!(answered.len(), 1);
    let wait: i64 = answered[0].get("wait_ms");
    assert!((0..60_000).contains(&wait), "{wait}");
    assert_eq!(answered[0].get::<String, _>("channel"), "letter");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM activity_events WHERE kind = 'contact_started'"
        )
        .await,
        1,
        "a reply is the same contact"
    );
    // A second send has nothing to answer twice.
    let (status, _) = api(
        &app,
        &mia,
        reqwest::Method::POST,
        &format!("/api/letters/{id}/send"),
        Some(serde_json::json!({ "text": "Tak for svaret." })),
    )
    .await;
    assert_eq!(status, 200, "the reply is answered");
    let (status, json) = api(
        &app,
        &mia,
        reqwest::Method::POST,
        &format!("/api/letters/{id}/send"),
        Some(serde_json::json!({ "text": "Igen?" })),
    )
    .await;
    assert_eq!(
        (status, json["error"].as_str()),
        (409, Some("nothing_to_answer"))
    );
}

async fn guessing_letter_codes_is_rate_limited(app: TestApp) {
    let code = write_letter(&app, LETTER).await;
    // The right code costs nothing: a writer reads and answers as often as
    // the thread needs (and a school's shared address carries many).
    for _ in 0..server::chat::limit::CODE_ATTEMPTS_PER_ADDRESS + 5 {
        let (status, _) = read_with(&app, &code).await;
        assert_eq!(status, 200);
    }
    for _ in 0..server::chat::limit::CODE_ATTEMPTS_PER_ADDRESS {
        let (status, _) = read_with(&app, "sol hest kage bro").await;
        assert_eq!(status, 404);
    }
    let (status, html) = read_with(&app, &code).await;
    assert_eq!(status, 429, "even the right code waits now");
    assert!(html.contains("For mange forsøg"));
    assert!(!html.contains("Jeg ryger hash"));
    let reply = post_form(
        &app,
        "/brev/svar/skriv",
        &[("code", &code), ("text", "Hej")],
    )
    .await;
    assert_eq!(reply.status(), 429, "replying needs the code too");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM letter_messages").await, 1);
}

async fn the_console_queue_is_ordered_by_deadline_and_flags_risk_words(app: TestApp) {
    write_letter(&app, "Min kæreste drikker hver weekend.").await;
    write_letter(&app, "Jeg tog en overdosis i weekenden og er bange.").await;
    write_letter(&app, "Hvordan stopper jeg med at ryge?").await;
    // Written at different times: the third is due first, then the first.
    let now = server::db::now_millis();
    for (id, hours) in [(1, 30), (2, 50), (3, 10)] {
        sqlx::query("UPDATE letter_threads SET due_at = $1 WHERE id = $2")
            .bind(now + hours * 3_600_000)
            .bind(id)
            .execute(app.db.pool())
            .await
            .expect("deadline");
    }
    let mia = log_in_counsellor(&app, "mia", "Mia").await;
    let waiting = queue(&app, &mia).await;
    let ids: Vec<i64> = waiting
        .iter()
        .map(|t| t["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, [3, 1, 2], "nearest deadline first");
    let flagged: Vec<bool> = waiting.iter().map(|t| t["risk"] == true).collect();
    assert_eq!(flagged, [false, false, true]);
    assert_eq!(waiting[2]["risk_words"], serde_json::json!(["overdosis"]));
    assert_eq!(waiting[0]["risk_words"], serde_json::json!([]));
    assert!(
        waiting
            .iter()
            .all(|t| t.get("letters").is_some() && t.get("text").is_none()),
        "the queue shows no letter text"
    );
    // Risk words in a reply flag the thread too.
    let code = write_letter(&app, "Bare et spørgsmål.").await;
    post_form(
        &app,
        "/brev/svar/skriv",
        &[
            ("code", &code),
            ("text", "Nogle gange vil jeg ikke leve mere."),
        ],
    )
    .await;
    let waiting = queue(&app, &mia).await;
    let last = waiting.iter().find(|t| t["id"] == 4).expect("the fourth");
    assert_eq!(last["risk_words"], serde_json::json!(["ikke leve mere"]));
}

async fn a_draft_shows_colleagues_who_is_answering(app: TestApp) {
    write_letter(&app, LETTER).await;
    let mia = log_in_counsellor(&app, "mia", "Mia").await;
    let bo = log_in_counsellor(&app, "bo", "Bo").await;
    let (status, _) = api(
        &app,
        &mia,
        reqwest::Method::PUT,
        "/api/letters/1/draft",
        Some(serde_json::json!({ "text": "Kære dig, tak for dit brev." })),
    )
    .await;
    assert_eq!(status, 200, "saved");
    let seen_by_bo = queue(&app, &bo).await;
    assert_eq!(seen_by_bo[0]["drafting"], "Mia", "being answered by Mia");
    assert_eq!(seen_by_bo[0]["counsellor"], "Mia");
    let (_, thread) = api(&app, &bo, reqwest::Method::GET, "/api/letters/1", None).await;
    assert_eq!(thread["draft"], "Kære dig, tak for dit brev.");
    // The draft is sealed at rest.
    let sealed: Vec<u8> = sqlx::query("SELECT draft FROM letter_threads")
        .fetch_one(app.db.pool())
        .await
        .expect("row")
        .get("draft");
    assert!(!sealed.windows(7).any(|w| w == b"tak for"));
    // Bo cannot take it or answer over Mia's head.
    for (method, path) in [
        (reqwest::Method::POST, "/api/letters/1/claim"),
        (reqwest::Method::POST, "/api/letters/1/send"),
        (reqwest::Method::PUT, "/api/letters/1/draft"),
    ] {
        let (status, json) = api(
            &app,
            &bo,
            method,
            path,
            Some(serde_json::json!({ "text": "Hej" })),
        )
        .await;
        assert_eq!(
            (status, json["error"].as_str()),
            (409, Some("taken")),
            "{path}"
        );
    }
    // Once Mia puts it back, Bo may.
    let (status, _) = api(
        &app,
        &mia,
        reqwest::Method::POST,
        "/api/letters/1/release",
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = api(
        &app,
        &bo,
        reqwest::Method::POST,
        "/api/letters/1/claim",
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        queue(&app, &mia).await[0]["drafting"].is_null(),
        "the draft went with it"
    );
}

async fn an_empty_or_oversized_letter_is_refused_and_nothing_is_stored(app: TestApp) {
    let max = app.letters.config.max_chars;
    let too_long = "æ".repeat(max + 1);
    let cases: [(Form, u16, &str); 4] = [
        (
            &[("role", "young_person"), ("text", "   \r\n ")],
            400,
            "Brevet er tomt",
        ),
        (
            &[("role", "young_person"), ("text", &too_long)],
            413,
            "Brevet er for langt",
        ),
        (&[("text", LETTER)], 400, "Vælg, hvem du er"),
        (
            &[("role", "someone"), ("text", LETTER)],
            400,
            "Vælg, hvem du er",
        ),
    ];
    for (form, status, message) in cases {
        let response = post_form(&app, "/brev", form).await;
        assert_eq!(response.status(), status, "{message}");
        let html = response.text().await.expect("html");
        assert!(html.contains(message), "{message}");
        assert!(!html.contains("letter-code"));
    }
    // Exactly the limit is fine (a long letter needs a large enough body).
    write_letter(&app, &"æ".repeat(max)).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM letter_threads").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM activity_events").await, 1);

    // Replies and answers are held to the same rules.
    let code = write_letter(&app, LETTER).await;
    let before = count(&app, "SELECT COUNT(*) FROM letter_messages").await;
    let reply = post_form(
        &app,
        "/brev/svar/skriv",
        &[("code", &code), ("text", &too_long)],
    )
    .await;
    assert_eq!(reply.status(), 413);
    let html = reply.text().await.expect("html");
    assert!(
        html.contains("Brevet er for langt") && html.contains("æææ"),
        "kept"
    );
    let reply = post_form(&app, "/brev/svar/skriv", &[("code", &code), ("text", "")]).await;
    assert_eq!(reply.status(), 400);
    let mia = log_in_counsellor(&app, "mia", "Mia").await;
    for (text, error) in [("  ", "empty"), (too_long.as_str(), "too_long")] {
        let (status, json) = api(
            &app,
            &mia,
            reqwest::Method::POST,
            "/api/letters/2/send",
            Some(serde_json::json!({ "text": text })),
        )
        .await;
        assert_eq!((status, json["error"].as_str()), (400, Some(error)));
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM letter_messages").await,
        before
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM letter_threads WHERE counsellor_id IS NOT NULL"
        )
        .await,
        0,
        "a refused answer takes nothing"
    );
}

async fn the_thread_moves_into_a_live_chat_with_the_same_counsellor(app: TestApp) {
    let code = write_letter(&app, LETTER).await;
    let mia = log_in_counsellor(&app, "mia", "Mia").await;
    let (_, html) = read_with(&app, &code).await;
    assert!(!html.contains("Chat med"), "nobody has the letter yet");
    api(
        &app,
        &mia,
        reqwest::Method::POST,
        "/api/letters/1/send",
        Some(serde_json::json!({ "text": "Skriv gerne igen." })),
    )
    .await;
    let (_, html) = read_with(&app, &code).await;
    assert!(!html.contains("Chat med Mia nu"), "Mia is not on duty");

    let _console = open_console(&app, &mia).await;
    let (_, html) = read_with(&app, &code).await;
    assert!(
        html.contains("Chat med Mia nu"),
        "Mia is on duty and available"
    );
    let moved = post_form(&app, "/brev/chat", &[("code", &code)]).await;
    assert_eq!(moved.status(), 200);
    assert!(
        moved
            .text()
            .await
            .expect("html")
            .contains("Din chat er klar")
    );

    // The same code continues in the chat, kept for Mia.
    let mut socket = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut socket,
        &ChatClientMsg::Continue {
            version: PROTOCOL_VERSION,
            code: code.clone(),
        },
    )
    .await;
    expect(&mut socket, |m: &ChatServerMsg| {
        matches!(m, ChatServerMsg::Joined { .. }).then_some(())
    })
    .await;
    let chat =
        sqlx::query("SELECT state, previous_counsellor_id, role, course_token FROM conversations")
            .fetch_one(app.db.pool())
            .await
            .expect("one chat");
    assert_eq!(chat.get::<String, _>("state"), "waiting");
    let mia_id: i64 = sqlx::query("SELECT id FROM counsellors WHERE login = 'mia'")
        .fetch_one(app.db.pool())
        .await
        .expect("mia")
        .get("id");
    assert_eq!(
        chat.get::<Option<i64>, _>("previous_counsellor_id"),
        Some(mia_id)
    );
    assert_eq!(chat.get::<String, _>("role"), "young_person");
    let token: String = sqlx::query("SELECT course_token FROM letter_threads")
        .fetch_one(app.db.pool())
        .await
        .expect("thread")
        .get("course_token");
    assert_eq!(chat.get::<String, _>("course_token"), token, "one person");
    // Asking twice links nothing new.
    post_form(&app, "/brev/chat", &[("code", &code)]).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM conversations").await, 1);
    drop(socket);
}

async fn retention_deletes_a_quiet_thread_key_first(app: TestApp) {
    let code = write_letter(&app, LETTER).await;
    let now = server::db::now_millis();
    let purged = server::at_rest::retention::purge_letters(&app.chat, now)
        .await
        .expect("purge");
    assert_eq!(purged, 0, "a fresh thread stays");
    let later = now + app.chat.retention.as_millis() as i64 + 1;
    let purged = server::at_rest::retention::purge_letters(&app.chat, later)
        .await
        .expect("purge");
    assert_eq!(purged, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM letter_threads").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM letter_messages").await, 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM activity_events").await,
        1,
        "the statistics stay"
    );
    let (status, _) = read_with(&app, &code).await;
    assert_eq!(status, 404, "the code finds nothing any more");
}

/// Where the service reviews answers, a colleague sends them; one's own
/// draft cannot be approved by oneself.
#[tokio::test]
async fn a_reviewed_answer_is_sent_by_a_colleague_sqlite() {
    a_reviewed_answer_is_sent_by_a_colleague(Database::Sqlite).await;
}

#[tokio::test]
async fn a_reviewed_answer_is_sent_by_a_colleague_postgres() {
    a_reviewed_answer_is_sent_by_a_colleague(Database::Postgres).await;
}

async fn a_reviewed_answer_is_sent_by_a_colleague(database: Database) {
    let (mut settings, schema) = test_settings(database).await;
    settings.letters.review_before_send = true;
    let app = spawn_with(settings, schema).await;
    let code = write_letter(&app, LETTER).await;
    let mia = log_in_counsellor(&app, "mia", "Mia").await;
    let bo = log_in_counsellor(&app, "bo", "Bo").await;
    let (status, sent) = api(
        &app,
        &mia,
        reqwest::Method::POST,
        "/api/letters/1/send",
        Some(serde_json::json!({ "text": "Hej, tak for dit brev." })),
    )
    .await;
    assert_eq!((status, sent["sent"].as_str()), (200, Some("for_review")));
    let (_, html) = read_with(&app, &code).await;
    assert!(!html.contains("tak for dit brev"), "not sent before review");
    assert_eq!(queue(&app, &bo).await[0]["review"], true);

    let (status, json) = api(
        &app,
        &mia,
        reqwest::Method::POST,
        "/api/letters/1/approve",
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(
        (status, json["error"].as_str()),
        (409, Some("no_review")),
        "not one's own"
    );
    let (status, _) = api(
        &app,
        &bo,
        reqwest::Method::POST,
        "/api/letters/1/approve",
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, html) = read_with(&app, &code).await;
    assert!(html.contains("Mia svarede") && html.contains("tak for dit brev"));
}

/// Where the chat is closed, its page offers a letter instead.
#[tokio::test]
async fn the_closed_chat_offers_a_letter() {
    let (mut settings, schema) = test_settings(Database::Sqlite).await;
    settings.opening_hours = server::hours::OpeningHoursConfig {
        mon: Vec::new(),
        tue: Vec::new(),
        wed: Vec::new(),
        thu: Vec::new(),
        fri: Vec::new(),
        sat: Vec::new(),
        sun: Vec::new(),
        closed: Vec::new(),
    };
    let app = spawn_with(settings, schema).await;
    for path in ["/chat", "/"] {
        let html = app
            .get(path, &[("accept-language", "da")])
            .await
            .text()
            .await
            .expect("html");
        assert!(html.contains("Chatten er lukket"), "{path}");
        assert!(html.contains("href=\"/brev\""), "{path} offers a letter");
    }
    let form = app.get("/brev", &[("accept-language", "da")]).await;
    assert_eq!(form.status(), 200);
    let html = form.text().await.expect("html");
    assert!(html.contains("inden for 3 hverdage"), "the promise");
    assert!(html.contains("maxlength=\"10000\""), "the limit");
    assert!(html.contains("src=\"/brev/tegn.js\""), "the counter");
}
