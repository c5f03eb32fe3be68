//! Content at rest: what a person types, and what counsellors write about
//! them, is stored only as ciphertext under the conversation's own key;
//! retention deletes that key first and then the rows; a ciphertext that is
//! tampered with or moved is reported and not shown; a master-key rotation
//! re-wraps every key while content stays readable.

use crate::helpers::{Database, TestApp, logs, postgres_url, spawn_with, test_settings};
use crate::live::*;
use crate::on_both_databases;
use crate::transfer::claim;
use app::protocol::chat::{ChatClientMsg, ChatServerMsg};
use app::protocol::console::{ConsoleClientMsg, ConsoleServerMsg};
use app::protocol::{PROTOCOL_VERSION, Role};
use server::at_rest::retention::purge_expired;
use server::at_rest::rotation::{KEY_TABLES, rewrap_all};
use server::chat::store::{ConversationStore, StoreError};
use server::crypto::{CryptoError, Vault};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

on_both_databases!(
    planted_identifiers_are_found_nowhere_in_plaintext,
    retention_deletes_the_key_first_and_then_every_row,
    delete_now_deletes_the_key_and_the_rows_at_once,
    the_deletion_date_follows_the_last_activity,
    a_moved_or_altered_ciphertext_is_reported_and_not_shown,
    a_rotation_rewraps_every_key_and_content_stays_readable,
);

/// The planted identifiers: a fake name, a CPR-like number, a phone number
/// and an e-mail address.
const CANARIES: [&str; 4] = [
    "Kim Kanariefugl",
    "010203-1234",
    "+45 20 30 40 50",
    "kanariefugl@example.dk",
];

/// What must not be found, lower-cased: each canary, and the parts that
/// would betray it on their own.
const NEEDLES: [&str; 5] = [
    "kanariefugl",
    "010203-1234",
    "0102031234",
    "20 30 40 50",
    "kanariefugl@example.dk",
];

/// Every canary in one sentence.
fn all_canaries() -> String {
    format!(
        "Jeg hedder {}, mit cpr er {}, ring på {} eller skriv til {}",
        CANARIES[0], CANARIES[1], CANARIES[2], CANARIES[3]
    )
}

type Path = for<'a> fn(&'a TestApp) -> Pin<Box<dyn Future<Output = ()> + 'a>>;

/// Every way content reaches the database, each sending the canaries.
const PATHS: &[(&str, Path)] = &[
    ("a young person's chat, code and return", |app| {
        Box::pin(a_young_person_chats_and_returns_with_a_code(app))
    }),
    ("a parent's chat", |app| Box::pin(a_parent_chats(app))),
    (
        "a counsellor's messages, notes, concern and handover",
        |app| Box::pin(a_counsellor_writes_about_the_course(app)),
    ),
    (
        "a parent's phone booking, group sign-up and evaluation",
        |app| Box::pin(a_parent_books_a_call_and_joins_a_group(app)),
    ),
    (
        "a young person's letter, a drafted answer and a reply",
        |app| Box::pin(a_young_person_writes_a_letter(app)),
    ),
];

async fn a_young_person_writes_a_letter(app: &TestApp) {
    let letter = all_canaries();
    let form = |path: &str, fields: Vec<(&str, &str)>| {
        app.client
            .post(format!("{}{path}", app.address))
            .header("accept-language", "da")
            .form(&fields)
            .send()
    };
    let sent = form("/brev", vec![("role", "young_person"), ("text", &letter)])
        .await
        .expect("answered");
    assert_eq!(sent.status(), 200, "the letter is stored");
    let html = sent.text().await.expect("html");
    let code = crate::booking::between(&html, "data-testid=\"letter-code\">", "</p>")
        .expect("a code")
        .to_owned();
    let cookie = log_in_counsellor(app, "canary-lea", "Lea").await;
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM letter_threads")
        .fetch_one(app.db.pool())
        .await
        .expect("a thread");
    for (method, action) in [
        (reqwest::Method::PUT, "draft"),
        (reqwest::Method::POST, "send"),
    ] {
        let answered = app
            .client
            .request(method, format!("{}/api/letters/{id}/{action}", app.address))
            .header("origin", &app.address)
            .header("cookie", &cookie)
            .json(&serde_json::json!({ "text": format!("Kære {}, ring ikke til {}", CANARIES[0], CANARIES[2]) }))
            .send()
            .await
            .expect("answered");
        assert_eq!(answered.status(), 200, "{action}");
    }
    let replied = form("/brev/svar/skriv", vec![("code", &code), ("text", &letter)])
        .await
        .expect("answered");
    assert_eq!(replied.status(), 200, "the reply is stored");
    let html = replied.text().await.expect("html");
    assert!(
        html.contains("Kanariefugl"),
        "the letters open for the writer"
    );
}

async fn a_parent_books_a_call_and_joins_a_group(app: &TestApp) {
    use server::booking::groups::{self, Audience, Evaluation, NewCourse, Session};
    let cookie = log_in_counsellor(app, "canary-bo", "Bo").await;
    crate::booking::available_all_week(app, &cookie).await;
    let html = app
        .get("/booking/times?type=phone", &[("accept-language", "da")])
        .await
        .text()
        .await
        .expect("html");
    let start = crate::booking::between(&html, "name=\"start\" value=\"", "\"")
        .expect("a free time")
        .to_owned();
    let message = all_canaries();
    let form = |path: &str, fields: Vec<(&str, &str)>| {
        app.client
            .post(format!("{}{path}", app.address))
            .header("accept-language", "da")
            .form(&fields)
            .send()
    };
    let booked = form(
        "/booking",
        vec![
            ("type", "phone"),
            ("start", &start),
            ("role", "parent"),
            ("alias", CANARIES[0]),
            ("phone", CANARIES[2]),
            ("message", &message),
        ],
    )
    .await
    .expect("answered");
    assert_eq!(booked.status(), 200, "booked");
    assert!(
        booked
            .text()
            .await
            .expect("html")
            .contains("Din tid er booket"),
        "the phone number and the rest were accepted"
    );

    let now = server::db::now_millis();
    let begins = now + 86_400_000;
    let course = groups::create(
        &app.booking,
        &NewCourse {
            name: "Forældregruppe".to_owned(),
            audience: Audience::Parents,
            place: "Ungecentret".to_owned(),
            capacity: 5,
            sessions: vec![Session {
                starts_at: begins,
                ends_at: begins + 3_600_000,
            }],
        },
        now,
    )
    .await
    .expect("a course");
    let course = course.to_string();
    let signed_up = form(
        "/groups/signup",
        vec![("course", &course), ("alias", CANARIES[0])],
    )
    .await
    .expect("answered");
    assert_eq!(signed_up.status(), 200, "signed up");
    let html = signed_up.text().await.expect("html");
    let code = crate::booking::between(&html, "<p class=\"code\">", "</p>").expect("a code");
    let participation = groups::by_hash(&app.booking, &app.booking.code_key.hash(code))
        .await
        .expect("read")
        .expect("found");
    groups::evaluate(
        &app.booking,
        &participation,
        &Evaluation {
            helpful: 4,
            understood: 4,
            recommend: 4,
            comment: Some(message.clone()),
        },
        begins + 3_600_001,
    )
    .await
    .expect("evaluated");
}

/// The newest conversation's id (the paths run one after another).
async fn newest_conversation(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT MAX(id) FROM conversations")
        .fetch_one(app.db.pool())
        .await
        .expect("a conversation")
}

async fn start(app: &TestApp, role: Role, nickname: &str) -> Visitor {
    let mut socket = connect(app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut socket,
        &ChatClientMsg::Start {
            version: PROTOCOL_VERSION,
            role,
            age_band: None,
            topic: None,
            nickname: Some(nickname.into()),
        },
    )
    .await;
    let token = expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Joined { token, .. } => Some(token.clone()),
        _ => None,
    })
    .await;
    Visitor { socket, token }
}

async fn a_young_person_chats_and_returns_with_a_code(app: &TestApp) {
    let mut visitor = start(app, Role::YoungPerson, CANARIES[0]).await;
    visitor_says(&mut visitor, "y1", &all_canaries()).await;
    for (i, canary) in CANARIES.iter().enumerate() {
        visitor_says(&mut visitor, &format!("y2-{i}"), canary).await;
    }
    send(&mut visitor.socket, &ChatClientMsg::RequestCode).await;
    let code = expect(&mut visitor.socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::ResumeCode { code } => Some(code.clone()),
        _ => None,
    })
    .await;
    drop(visitor);
    // Another device, with the code.
    let mut socket = connect(app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut socket,
        &ChatClientMsg::Continue {
            version: PROTOCOL_VERSION,
            code,
        },
    )
    .await;
    let token = expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Joined { token, .. } => Some(token.clone()),
        _ => None,
    })
    .await;
    let mut returned = Visitor { socket, token };
    visitor_says(&mut returned, "y3", &all_canaries()).await;
}

async fn a_parent_chats(app: &TestApp) {
    let mut parent = start(app, Role::ParentOrRelative, "Kanariefugls mor").await;
    visitor_says(
        &mut parent,
        "p1",
        &format!("Min søn {} ({}) siger ingenting", CANARIES[0], CANARIES[1]),
    )
    .await;
    visitor_says(&mut parent, "p2", &all_canaries()).await;
}

async fn a_counsellor_writes_about_the_course(app: &TestApp) {
    let mut visitor = start(app, Role::YoungPerson, "K").await;
    visitor_says(&mut visitor, "c1", "Hej").await;
    let conversation = newest_conversation(app).await;
    let cookie = log_in_counsellor(app, "anna", "Anna").await;
    let mut anna = open_console(app, &cookie).await;
    claim(&mut anna, conversation).await;
    crate::transfer::counsellor_says(
        &mut anna,
        conversation,
        "a1",
        &format!("Hej {}, jeg har noteret {}", CANARIES[0], CANARIES[3]),
    )
    .await;
    // Notes refuse a CPR number outright; the rest is saved when confirmed.
    let written = format!("{} på {} / {}", CANARIES[0], CANARIES[2], CANARIES[3]);
    send(
        &mut anna,
        &ConsoleClientMsg::AddNote {
            conversation,
            text: written.clone(),
            confirmed: true,
        },
    )
    .await;
    let notes = expect(&mut anna, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Notes { notes, .. } if !notes.is_empty() => Some(notes.clone()),
        _ => None,
    })
    .await;
    assert_eq!(
        notes[0].text, written,
        "the note opens again for the counsellor"
    );
    send(
        &mut anna,
        &ConsoleClientMsg::Concern {
            conversation,
            note: written.clone(),
            confirmed: true,
        },
    )
    .await;
    expect(&mut anna, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::ConcernRecorded { .. }).then_some(())
    })
    .await;
    // Back to the queue with a handover note, left there (so it stays
    // stored for the search).
    send(
        &mut anna,
        &ConsoleClientMsg::Transfer {
            conversation,
            to: None,
            note: written,
            confirmed: true,
        },
    )
    .await;
    expect(&mut anna, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::TransferredAway { .. }).then_some(())
    })
    .await;
}

/// Every file in the app's data folder (the SQLite file, its -wal and -shm).
fn data_files(app: &TestApp) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut folders = vec![app.data_dir.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)
            .expect("the data folder")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("a data file");
                files.push((path.display().to_string(), bytes));
            }
        }
    }
    files
}

/// The test schema's whole content: `pg_dump` when it is installed (and
/// works with this server), else every row of every table as text.
async fn postgres_dump(app: &TestApp) -> Vec<u8> {
    let schema = app.schema().expect("a PostgreSQL test has a schema");
    if let Ok(out) = std::process::Command::new("pg_dump")
        .args(["--data-only", "--schema", schema, &postgres_url()])
        .output()
        && out.status.success()
    {
        return out.stdout;
    }
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1",
    )
    .bind(schema)
    .fetch_all(app.db.pool())
    .await
    .expect("the tables");
    let mut dump = Vec::new();
    for (table,) in tables {
        let rows: Vec<(String,)> = sqlx::query_as(&format!("SELECT t::text FROM {table} t"))
            .fetch_all(app.db.pool())
            .await
            .expect("the rows");
        for (row,) in rows {
            dump.extend_from_slice(row.as_bytes());
            dump.push(b'\n');
        }
    }
    dump
}

/// Where in `haystack` (lower-cased) a needle is found.
fn plaintext_hits(haystack: &[u8]) -> Vec<&'static str> {
    let lower = haystack.to_ascii_lowercase();
    NEEDLES
        .iter()
        .filter(|needle| lower.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .copied()
        .collect()
}

async fn planted_identifiers_are_found_nowhere_in_plaintext(app: TestApp) {
    for (name, path) in PATHS {
        path(&app).await;
        // Still readable where it should be: the counsellor side opens it.
        let newest = newest_conversation(&app).await;
        let messages = app
            .chat_store()
            .messages_after(newest, 0, 100)
            .await
            .expect("the messages");
        assert!(!messages.is_empty(), "{name}: messages open");
    }
    let parent = newest_conversation(&app).await - 1;
    let parents = app.chat_store().get(parent).await.expect("lookup");
    assert_eq!(
        parents.and_then(|c| c.nickname).as_deref(),
        Some("Kanariefugls mor"),
        "the nickname opens"
    );

    // Every byte at rest: SQLite's file with its -wal and -shm, or
    // everything in the PostgreSQL schema.
    let mut searched = 0;
    let mut seen_counsellor = false;
    let sees_counsellor = |bytes: &[u8]| bytes.windows(4).any(|w| w == b"anna");
    match app.db.backend() {
        server::db::Backend::Sqlite => {
            for (file, bytes) in data_files(&app) {
                searched += bytes.len();
                seen_counsellor |= sees_counsellor(&bytes);
                assert_eq!(plaintext_hits(&bytes), Vec::<&str>::new(), "in {file}");
            }
        }
        server::db::Backend::Postgres => {
            let dump = postgres_dump(&app).await;
            searched += dump.len();
            seen_counsellor |= sees_counsellor(&dump);
            assert_eq!(plaintext_hits(&dump), Vec::<&str>::new(), "in the dump");
        }
    }
    assert!(searched > 10_000, "the database was really searched");
    assert!(
        seen_counsellor,
        "the search sees stored plaintext (the counsellor's login)"
    );
    assert_eq!(
        plaintext_hits(logs().as_bytes()),
        Vec::<&str>::new(),
        "in the logs"
    );
}

/// Conversation rows still holding anything of `conversation`, per table.
async fn rows_of(app: &TestApp, conversation: i64) -> Vec<(&'static str, i64)> {
    let mut left = Vec::new();
    for (table, column) in [
        ("conversations", "id"),
        ("conversation_keys", "conversation_id"),
        ("messages", "conversation_id"),
        ("course_notes", "conversation_id"),
        ("concerns", "conversation_id"),
    ] {
        let (n,): (i64,) =
            sqlx::query_as(&format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1"))
                .bind(conversation)
                .fetch_one(app.db.pool())
                .await
                .expect("count");
        if n > 0 {
            left.push((table, n));
        }
    }
    left
}

async fn retention_deletes_the_key_first_and_then_every_row(app: TestApp) {
    a_counsellor_writes_about_the_course(&app).await;
    let old = newest_conversation(&app).await;
    let body: Vec<u8> =
        sqlx::query_scalar("SELECT body FROM messages WHERE conversation_id = $1 AND seq = 1")
            .bind(old)
            .fetch_one(app.db.pool())
            .await
            .expect("a sealed message");
    let events_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activity_events")
        .fetch_one(app.db.pool())
        .await
        .expect("events");
    let now = server::db::now_millis();
    let day = 24 * 3600 * 1000;

    // 29 days on: nothing is due.
    assert_eq!(
        purge_expired(&app.chat, now + 29 * day)
            .await
            .expect("purge"),
        0
    );
    assert!(!rows_of(&app, old).await.is_empty());

    // 31 days on: the conversation, its key and all its rows are gone.
    assert_eq!(
        purge_expired(&app.chat, now + 31 * day)
            .await
            .expect("purge"),
        1
    );
    assert_eq!(rows_of(&app, old).await, vec![]);
    assert!(matches!(
        app.chat_store().data_key(old).await,
        Err(StoreError::NotFound)
    ));
    // Nothing the app holds opens the saved ciphertext any more: its key is
    // gone, and any other key fails.
    let (other, _) = app
        .chat
        .store
        .vault()
        .new_data_key(b"another owner")
        .expect("a key");
    assert_eq!(
        other.open(&server::chat::store::message_context(old, 1), &body),
        Err(CryptoError::Tampered)
    );
    // The statistics stay, without content.
    let events: Vec<(String,)> = sqlx::query_as(
        "SELECT kind || '|' || COALESCE(role, '') || '|' || COALESCE(outcome, '') FROM activity_events",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("events");
    assert_eq!(i64::try_from(events.len()).expect("small"), events_before);
    for (event,) in events {
        assert_eq!(plaintext_hits(event.as_bytes()), Vec::<&str>::new());
    }
}

async fn delete_now_deletes_the_key_and_the_rows_at_once(app: TestApp) {
    let mut visitor = start(&app, Role::YoungPerson, CANARIES[0]).await;
    visitor_says(&mut visitor, "d1", &all_canaries()).await;
    let conversation = newest_conversation(&app).await;
    assert_eq!(rows_of(&app, conversation).await.len(), 3);
    send(&mut visitor.socket, &ChatClientMsg::Delete).await;
    expect(&mut visitor.socket, |m: &ChatServerMsg| {
        matches!(m, ChatServerMsg::Deleted).then_some(())
    })
    .await;
    assert_eq!(rows_of(&app, conversation).await, vec![]);
}

/// The `deleted_after` a (re)joining visitor is told.
async fn deletion_date(app: &TestApp, token: &str, last_seq: u64) -> i64 {
    let mut socket = connect(app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut socket,
        &ChatClientMsg::Resume {
            version: PROTOCOL_VERSION,
            token: token.to_owned(),
            last_seq,
        },
    )
    .await;
    expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Joined { deleted_after, .. } => Some(*deleted_after),
        _ => None,
    })
    .await
}

async fn the_deletion_date_follows_the_last_activity(app: TestApp) {
    let mut visitor = start_chat(&app).await;
    let conversation = newest_conversation(&app).await;
    let retention = i64::try_from(app.chat.retention.as_millis()).expect("fits");
    let last_activity = || async {
        app.chat_store()
            .get(conversation)
            .await
            .expect("lookup")
            .expect("exists")
            .last_activity_at
    };
    let first = deletion_date(&app, &visitor.token, 0).await;
    assert_eq!(first, last_activity().await + retention);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    visitor_says(&mut visitor, "later", "Hej igen").await;
    let later = deletion_date(&app, &visitor.token, 1).await;
    assert_eq!(later, last_activity().await + retention);
    assert!(later > first, "a new message moves the date");
}

async fn a_moved_or_altered_ciphertext_is_reported_and_not_shown(app: TestApp) {
    let mut visitor = start_chat(&app).await;
    visitor_says(&mut visitor, "t1", "første besked").await;
    visitor_says(&mut visitor, "t2", "anden besked").await;
    let conversation = newest_conversation(&app).await;
    let store = app.chat_store();
    let texts = |messages: Vec<app::protocol::ChatMessage>| {
        messages
            .into_iter()
            .map(|m| (m.seq, m.text))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        texts(
            store
                .messages_after(conversation, 0, 10)
                .await
                .expect("read")
        ),
        vec![
            (1, "første besked".to_owned()),
            (2, "anden besked".to_owned())
        ]
    );

    // Message 1's ciphertext copied over message 2: its place no longer
    // matches, so message 2 is reported and left out.
    sqlx::query(
        "UPDATE messages SET body = (SELECT body FROM messages WHERE conversation_id = $1 AND seq = 1) \
         WHERE conversation_id = $1 AND seq = 2",
    )
    .bind(conversation)
    .execute(app.db.pool())
    .await
    .expect("tamper");
    assert_eq!(
        texts(
            store
                .messages_after(conversation, 0, 10)
                .await
                .expect("read")
        ),
        vec![(1, "første besked".to_owned())]
    );
    let report = format!("conversation={conversation} what=\"message\"");
    assert!(logs().contains(&report), "reported: {}", logs());
    assert!(
        !logs().contains("første besked"),
        "the report has no content"
    );

    // One flipped byte in message 1: left out too.
    let mut body: Vec<u8> =
        sqlx::query_scalar("SELECT body FROM messages WHERE conversation_id = $1 AND seq = 1")
            .bind(conversation)
            .fetch_one(app.db.pool())
            .await
            .expect("body");
    let last = body.len() - 1;
    body[last] ^= 0x01;
    sqlx::query("UPDATE messages SET body = $2 WHERE conversation_id = $1 AND seq = 1")
        .bind(conversation)
        .bind(body)
        .execute(app.db.pool())
        .await
        .expect("flip");
    assert_eq!(
        texts(
            store
                .messages_after(conversation, 0, 10)
                .await
                .expect("read")
        ),
        vec![]
    );

    // Another conversation's ciphertext does not open here either.
    let mut other = start_chat(&app).await;
    visitor_says(&mut other, "o1", "en andens besked").await;
    let other_id = newest_conversation(&app).await;
    sqlx::query(
        "UPDATE messages SET body = (SELECT body FROM messages WHERE conversation_id = $2 AND seq = 1) \
         WHERE conversation_id = $1 AND seq = 1",
    )
    .bind(conversation)
    .bind(other_id)
    .execute(app.db.pool())
    .await
    .expect("move");
    assert_eq!(
        texts(
            store
                .messages_after(conversation, 0, 10)
                .await
                .expect("read")
        ),
        vec![]
    );

    // A nickname moved from one conversation to another is not shown.
    let mut named = start(&app, Role::YoungPerson, "Sol").await;
    visitor_says(&mut named, "n1", "hej").await;
    let named_id = newest_conversation(&app).await;
    sqlx::query(
        "UPDATE conversations SET nickname = (SELECT nickname FROM conversations WHERE id = $2) \
         WHERE id = $1",
    )
    .bind(other_id)
    .bind(named_id)
    .execute(app.db.pool())
    .await
    .expect("move the nickname");
    let moved = store.get(other_id).await.expect("read").expect("exists");
    assert_eq!(moved.nickname, None);
}

async fn a_rotation_rewraps_every_key_and_content_stays_readable(app: TestApp) {
    for n in 0..5 {
        let mut visitor = start(&app, Role::YoungPerson, &format!("navn {n}")).await;
        visitor_says(&mut visitor, "r1", &format!("besked {n}")).await;
    }
    let first = newest_conversation(&app).await - 4;
    let old_key: [u8; 32] = std::fs::read_to_string(app.data_dir.join("master.key"))
        .ok()
        .and_then(|hex| server::key_file::parse_hex(hex.trim()))
        .expect("development mode made a master key in the data folder");
    let new_key = [42u8; 32];
    let rotating = Vault::new(&new_key, &[old_key]);

    let report = rewrap_all(&app.db, &rotating, KEY_TABLES, 2)
        .await
        .expect("rotation");
    assert_eq!(
        (report[0].rewrapped, report[0].current, report[0].failed),
        (5, 0, 0)
    );
    let again = rewrap_all(&app.db, &rotating, KEY_TABLES, 2)
        .await
        .expect("rotation again");
    assert_eq!(
        (again[0].rewrapped, again[0].current, again[0].failed),
        (0, 5, 0)
    );

    // The old master key can now go: the new one alone opens everything.
    let new_only = ConversationStore::new(app.db.clone(), Arc::new(Vault::new(&new_key, &[])));
    for n in 0..5 {
        let id = first + n;
        let conversation = new_only.get(id).await.expect("read").expect("exists");
        assert_eq!(conversation.nickname, Some(format!("navn {n}")));
        let messages = new_only.messages_after(id, 0, 10).await.expect("read");
        assert_eq!(messages[0].text, format!("besked {n}"));
    }
    let old_only = ConversationStore::new(app.db.clone(), Arc::new(Vault::new(&old_key, &[])));
    assert!(matches!(
        old_only.data_key(first).await,
        Err(StoreError::Crypto(CryptoError::UnknownMasterKey(_)))
    ));
}

/// Plaintext written before this version is sealed at the next start, and
/// the tables it was moved into are gone.
#[tokio::test]
async fn plaintext_from_before_encryption_at_rest_is_sealed_at_start() {
    for database in [Database::Sqlite, Database::Postgres] {
        let (mut settings, schema) = test_settings(database).await;
        settings.master_key = Some("03".repeat(32));
        let db = server::db::Db::connect(&settings.database_url(), 2)
            .await
            .expect("migrated");
        // As the migration leaves it: a conversation without a key, its
        // texts in the legacy tables.
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO conversations (token_hash, role, created_at, last_activity_at) \
             VALUES ($1, 'young_person', 1, 1) RETURNING id",
        )
        .bind(b"legacy-token".to_vec())
        .fetch_one(db.pool())
        .await
        .expect("a conversation");
        for sql in [
            "INSERT INTO legacy_messages VALUES ($1, 1, 'c1', 'visitor', 'gammel besked', 1)",
            "INSERT INTO legacy_course_notes VALUES (7, $1, 1, 'gammel note', 1)",
            "INSERT INTO legacy_concerns VALUES (8, $1, 1, 'gammel bekymring', 1)",
            "INSERT INTO legacy_conversation_texts VALUES ($1, 'Gammelt navn', NULL, '[\"ked af det\"]')",
        ] {
            sqlx::query(sql)
                .bind(id)
                .execute(db.pool())
                .await
                .expect("legacy plaintext");
        }
        let store = ConversationStore::new(db.clone(), Arc::new(Vault::new(&[3; 32], &[])));
        let sealed = server::at_rest::legacy::seal_legacy(&store)
            .await
            .expect("sealed");
        assert_eq!(sealed, 1, "{database:?}");

        let conversation = store.get(id).await.expect("read").expect("exists");
        assert_eq!(conversation.nickname.as_deref(), Some("Gammelt navn"));
        assert_eq!(conversation.risk_words, vec!["ked af det".to_owned()]);
        let messages = store.messages_after(id, 0, 10).await.expect("read");
        assert_eq!(messages[0].text, "gammel besked");
        let notes = server::console::notes::of(&store, id).await.expect("notes");
        assert_eq!(notes[0].text, "gammel note");
        let legacy_left: Result<(i64,), _> = sqlx::query_as("SELECT COUNT(*) FROM legacy_messages")
            .fetch_one(db.pool())
            .await;
        assert!(legacy_left.is_err(), "the legacy tables are dropped");
        // A second start finds nothing to do.
        assert_eq!(
            server::at_rest::legacy::seal_legacy(&store)
                .await
                .expect("again"),
            0
        );
        db.close().await;
        // The app starts on it too (and cleans up the schema when dropped).
        let app = spawn_with(settings, schema).await;
        assert!(app.chat_store().get(id).await.expect("read").is_some());
    }
}

/// "What we store" says what the running configuration does, in Danish and
/// English, as text without the WASM bundle; the front door links to it.
#[tokio::test]
async fn the_what_we_store_page_tells_the_configured_retention() {
    let (mut settings, schema) = test_settings(Database::Sqlite).await;
    settings.retention_days = 14;
    let app = spawn_with(settings, schema).await;

    let response = app.get("/hvad-vi-gemmer", &[]).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("body");
    assert!(html.contains(r#"<html lang="da">"#), "{html}");
    assert!(html.contains("Hvad gemmer vi?"));
    assert!(html.contains("slettes 14 dage efter"), "{html}");
    assert!(html.contains("Din IP-adresse"));
    assert!(html.contains("Hurtig exit"), "the quick exit is there");
    assert!(!html.contains(".wasm"), "no WASM on a page of text");
    assert!(html.contains(r#"href="/hvad-vi-gemmer?lang=en""#));

    let english = app
        .get("/hvad-vi-gemmer?lang=en", &[("accept-language", "da")])
        .await
        .text()
        .await
        .expect("body");
    assert!(english.contains(r#"<html lang="en">"#));
    assert!(english.contains("deleted 14 days after"), "{english}");
    assert!(english.contains("Your IP address"));
    // The browser's language chooses when the address does not.
    let by_browser = app
        .get("/hvad-vi-gemmer", &[("accept-language", "en")])
        .await
        .text()
        .await
        .expect("body");
    assert!(by_browser.contains("What do we store?"));

    let landing = app.get("/", &[]).await.text().await.expect("body");
    assert!(
        landing.contains(r#"href="/hvad-vi-gemmer""#),
        "linked from the front door"
    );
}
