//! Resume codes and the anonymous course: a person leaves with a few words,
//! comes back on another device, and continues with the same counsellor.
//! The server keeps only a keyed hash, and guessing is limited.

use crate::helpers::{Database, TestApp, spawn_app};
use crate::live::*;
use crate::on_both_databases;
use app::protocol::chat::{ChatClientMsg, ChatServerMsg, ChatState};
use app::protocol::console::{ConsoleClientMsg, ConsoleServerMsg, Outcome, QueueEntry};
use app::protocol::{ErrorCode, PROTOCOL_VERSION, Role, Sender, close_code};

on_both_databases!(
    a_code_continues_the_course_in_a_fresh_browser_with_the_same_counsellor,
    a_returning_chat_is_everyones_when_the_last_counsellor_is_off_duty,
    a_blocked_course_cannot_be_continued,
    the_code_is_kept_only_as_a_keyed_hash_and_a_new_one_replaces_it,
    a_nickname_reaches_the_queue,
);

/// Asks for a code on the visitor's socket.
async fn request_code(visitor: &mut Visitor) -> String {
    send(&mut visitor.socket, &ChatClientMsg::RequestCode).await;
    expect(&mut visitor.socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::ResumeCode { code } => Some(code.clone()),
        _ => None,
    })
    .await
}

/// Opens a fresh socket (a new device) with a code; returns the socket and
/// the state in `joined`, or the close code.
async fn continue_with(app: &TestApp, code: &str) -> Result<(Socket, ChatState), Option<u16>> {
    let mut socket = connect(app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut socket,
        &ChatClientMsg::Continue {
            version: PROTOCOL_VERSION,
            code: code.to_owned(),
        },
    )
    .await;
    loop {
        match next::<ChatServerMsg>(&mut socket).await {
            Next::Frame(ChatServerMsg::Joined { state, .. }) => return Ok((socket, state)),
            Next::Frame(_) => continue,
            Next::Closed(frame) => return Err(frame.map(|f| u16::from(f.code))),
        }
    }
}

/// The next queue snapshot, whatever it holds.
async fn next_queue(console: &mut Socket) -> Vec<QueueEntry> {
    expect(console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Queue { waiting, .. } => Some(waiting.clone()),
        _ => None,
    })
    .await
}

/// The next queue snapshot for which `keep` holds.
async fn queue_where(
    console: &mut Socket,
    keep: impl Fn(&[QueueEntry]) -> bool,
) -> Vec<QueueEntry> {
    loop {
        let waiting = next_queue(console).await;
        if keep(&waiting) {
            return waiting;
        }
    }
}

async fn claim(console: &mut Socket, conversation: i64) {
    send(console, &ConsoleClientMsg::Claim { conversation }).await;
    expect(console, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Claimed { .. }).then_some(())
    })
    .await;
}

async fn close(console: &mut Socket, conversation: i64) {
    send(
        console,
        &ConsoleClientMsg::Close {
            conversation,
            outcome: Outcome::AdviceGiven,
        },
    )
    .await;
    expect(console, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Ended { .. }).then_some(())
    })
    .await;
}

/// A first talk with Mia that ends with a code; returns the code, Mia's
/// console and the conversation id.
async fn first_talk_with_a_code(app: &TestApp) -> (String, Socket, i64) {
    let mut visitor = start_chat(app).await;
    visitor_says(&mut visitor, "v1", "Jeg vil gerne snakke om hash").await;
    let mia = log_in_counsellor(app, "mia", "Mia").await;
    let mut console = open_console(app, &mia).await;
    let conversation = first_waiting(&mut console).await;
    claim(&mut console, conversation).await;
    close(&mut console, conversation).await;
    expect(&mut visitor.socket, |m: &ChatServerMsg| {
        matches!(
            m,
            ChatServerMsg::Ended {
                by: Sender::Counsellor
            }
        )
        .then_some(())
    })
    .await;
    // Offered after the counsellor closed: the socket is still there for it.
    let code = request_code(&mut visitor).await;
    (code, console, conversation)
}

async fn a_code_continues_the_course_in_a_fresh_browser_with_the_same_counsellor(app: TestApp) {
    let (code, mut mia, conversation) = first_talk_with_a_code(&app).await;
    assert_eq!(code.split(' ').count(), 4, "four words: {code}");
    let bo_cookie = log_in_counsellor(&app, "bo", "Bo").await;
    let mut bo = open_console(&app, &bo_cookie).await;

    // Another device, typed in capitals with dashes: the same course.
    let typed = code.to_uppercase().replace(' ', "-");
    let (mut socket, state) = continue_with(&app, &typed).await.expect("the code works");
    assert_eq!(state, ChatState::Waiting);
    let history = expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Message(message) => Some(message.clone()),
        _ => None,
    })
    .await;
    assert_eq!(
        (history.seq, history.text.as_str()),
        (1, "Jeg vil gerne snakke om hash"),
        "the earlier talk comes along"
    );

    // Mia sees her returning person, marked as such; Bo does not while Mia
    // is on duty, and cannot take it. (Queue frames come from a shared
    // snapshot a moment old: wait for the one with the second talk.)
    let waiting = queue_where(&mut mia, |w| w.iter().any(|e| e.talk == 2)).await;
    assert_eq!(waiting[0].conversation, conversation);
    assert_eq!(waiting[0].previous_counsellor.as_deref(), Some("Mia"));
    // A newcomer after it: Bo's snapshot with the newcomer is surely one
    // taken after the returning person was back in the queue.
    let _newcomer = start_chat(&app).await;
    let bo_sees = queue_where(&mut bo, |w| {
        w.iter().any(|e| e.conversation != conversation)
    })
    .await;
    assert!(
        bo_sees.iter().all(|e| e.conversation != conversation),
        "kept for Mia: {bo_sees:?}"
    );
    send(&mut bo, &ConsoleClientMsg::Claim { conversation }).await;
    let refused = expect(&mut bo, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Error { code, .. } => Some(*code),
        _ => None,
    })
    .await;
    assert_eq!(refused, ErrorCode::NotAllowed);

    claim(&mut mia, conversation).await;
    let name = expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::CounsellorJoined { first_name } => Some(first_name.clone()),
        _ => None,
    })
    .await;
    assert_eq!(name, "Mia");

    // The talk goes on, numbered after the first one.
    send(
        &mut socket,
        &ChatClientMsg::Send {
            client_id: "v2".into(),
            text: "Hej igen".into(),
        },
    )
    .await;
    let seq = expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Ack { seq, .. } => Some(*seq),
        _ => None,
    })
    .await;
    assert_eq!(seq, 2);

    // Statistics see a returning contact of the same course (the newcomer
    // is another course).
    let rows: Vec<(String, i64, Option<String>)> =
        sqlx::query_as("SELECT kind, returned, course FROM activity_events ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .expect("events");
    let course = rows[0].2.clone().expect("a course token");
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|r| r.2.as_deref() == Some(course.as_str()))
        .collect();
    let kinds: Vec<(&str, i64)> = rows.iter().map(|r| (r.0.as_str(), r.1)).collect();
    assert_eq!(
        kinds,
        [
            ("contact_started", 0),
            ("taken", 0),
            ("closed", 0),
            ("contact_started", 1),
            ("taken", 1)
        ]
    );
    assert_eq!(course.len(), 64, "a random token, nothing derived");
}

async fn a_returning_chat_is_everyones_when_the_last_counsellor_is_off_duty(app: TestApp) {
    let (code, mia, conversation) = first_talk_with_a_code(&app).await;
    drop(mia);
    let bo_cookie = log_in_counsellor(&app, "bo", "Bo").await;
    let mut bo = open_console(&app, &bo_cookie).await;
    let (mut socket, _) = continue_with(&app, &code).await.expect("the code works");
    let waiting = queue_where(&mut bo, |w| w.iter().any(|e| e.talk == 2)).await;
    assert_eq!(waiting[0].conversation, conversation);
    assert_eq!(waiting[0].previous_counsellor.as_deref(), Some("Mia"));
    claim(&mut bo, conversation).await;
    let name = expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::CounsellorJoined { first_name } => Some(first_name.clone()),
        _ => None,
    })
    .await;
    assert_eq!(name, "Bo");
}

async fn a_blocked_course_cannot_be_continued(app: TestApp) {
    let mut visitor = start_chat(&app).await;
    let code = request_code(&mut visitor).await;
    let cookie = log_in_counsellor(&app, "mia", "Mia").await;
    let mut console = open_console(&app, &cookie).await;
    let conversation = first_waiting(&mut console).await;
    claim(&mut console, conversation).await;
    send(&mut console, &ConsoleClientMsg::Block { conversation }).await;
    assert_eq!(
        close_code::<ChatServerMsg>(&mut visitor.socket).await,
        Some(close_code::BLOCKED)
    );
    assert_eq!(
        continue_with(&app, &code).await.err(),
        Some(Some(close_code::BLOCKED))
    );
}

async fn the_code_is_kept_only_as_a_keyed_hash_and_a_new_one_replaces_it(app: TestApp) {
    let mut visitor = start_chat(&app).await;
    let first = request_code(&mut visitor).await;
    let second = request_code(&mut visitor).await;
    assert_ne!(first, second);

    let (hash,): (Vec<u8>,) = sqlx::query_as("SELECT code_hash FROM conversations")
        .fetch_one(app.db.pool())
        .await
        .expect("one conversation");
    assert_eq!(hash.len(), 32, "an HMAC-SHA256");
    let unkeyed = ring::digest::digest(&ring::digest::SHA256, second.as_bytes());
    assert_ne!(hash, unkeyed.as_ref(), "keyed, not a plain hash");
    assert!(
        !String::from_utf8_lossy(&hash).contains(second.split(' ').next().unwrap_or("?")),
        "the words are not stored"
    );

    assert_eq!(
        continue_with(&app, &first).await.err(),
        Some(Some(close_code::UNKNOWN_CONVERSATION)),
        "the replaced code no longer works"
    );
    let (_, state) = continue_with(&app, &second)
        .await
        .expect("the new code works");
    assert_eq!(state, ChatState::Waiting);
    // The old tab's token was replaced: it can no longer reattach.
    let mut old_tab = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut old_tab,
        &ChatClientMsg::Resume {
            version: PROTOCOL_VERSION,
            token: visitor.token.clone(),
            last_seq: 0,
        },
    )
    .await;
    assert_eq!(
        close_code::<ChatServerMsg>(&mut old_tab).await,
        Some(close_code::UNKNOWN_CONVERSATION)
    );
}

async fn a_nickname_reaches_the_queue(app: TestApp) {
    let mut socket = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut socket,
        &ChatClientMsg::Start {
            version: PROTOCOL_VERSION,
            role: Role::YoungPerson,
            age_band: None,
            topic: None,
            nickname: Some("  Bo  ".into()),
        },
    )
    .await;
    expect(&mut socket, |m: &ChatServerMsg| {
        matches!(m, ChatServerMsg::Joined { .. }).then_some(())
    })
    .await;
    let cookie = log_in_counsellor(&app, "mia", "Mia").await;
    let mut console = open_console(&app, &cookie).await;
    let waiting = queue_where(&mut console, |w| !w.is_empty()).await;
    assert_eq!(waiting[0].nickname.as_deref(), Some("Bo"));
    assert_eq!(waiting[0].talk, 1);
    assert_eq!(waiting[0].previous_counsellor, None);
}

/// Wrong codes are answered plainly; after ten tries from one address the
/// next is refused unchecked.
#[tokio::test]
async fn guessing_codes_is_limited() {
    let app = spawn_app(Database::Sqlite).await;
    let mut visitor = start_chat(&app).await;
    let code = request_code(&mut visitor).await;
    for guess in ["sol hest kage", "not a code at all", "sol hest kage bro"] {
        let mut socket = connect(&app, "/ws/chat", None).await.expect("upgrade");
        send(
            &mut socket,
            &ChatClientMsg::Continue {
                version: PROTOCOL_VERSION,
                code: guess.to_owned(),
            },
        )
        .await;
        let error = expect(&mut socket, |m: &ChatServerMsg| match m {
            ChatServerMsg::Error { code, .. } => Some(*code),
            _ => None,
        })
        .await;
        assert_eq!(error, ErrorCode::NotFound, "{guess}");
        assert_eq!(
            close_code::<ChatServerMsg>(&mut socket).await,
            Some(close_code::UNKNOWN_CONVERSATION)
        );
    }
    for _ in 3..10 {
        assert!(continue_with(&app, "sol hest kage bro").await.is_err());
    }
    // The eleventh try is refused even with the right code.
    let mut socket = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut socket,
        &ChatClientMsg::Continue {
            version: PROTOCOL_VERSION,
            code,
        },
    )
    .await;
    let error = expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Error { code, .. } => Some(*code),
        _ => None,
    })
    .await;
    assert_eq!(error, ErrorCode::RateLimited);
    assert_eq!(
        close_code::<ChatServerMsg>(&mut socket).await,
        Some(close_code::TOO_FAST)
    );
}

/// A nickname longer than the limit is refused with a clear answer.
#[tokio::test]
async fn an_overlong_nickname_is_refused() {
    let app = spawn_app(Database::Sqlite).await;
    let mut socket = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut socket,
        &ChatClientMsg::Start {
            version: PROTOCOL_VERSION,
            role: Role::YoungPerson,
            age_band: None,
            topic: None,
            nickname: Some("x".repeat(41)),
        },
    )
    .await;
    let error = expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Error { code, .. } => Some(*code),
        _ => None,
    })
    .await;
    assert_eq!(error, ErrorCode::InvalidText);
    assert_eq!(
        close_code::<ChatServerMsg>(&mut socket).await,
        Some(close_code::BAD_HELLO)
    );
}

/// However long the queue, a console gets its head only: the frame stays
/// small enough for any console (and for the 32 KiB frame limit).
#[tokio::test]
async fn a_long_queue_is_sent_as_its_head() {
    use app::protocol::console::QUEUE_FRAME_ENTRIES;
    use server::chat::store::Opening;
    let app = spawn_app(Database::Sqlite).await;
    let store = app.chat_store();
    for i in 0..QUEUE_FRAME_ENTRIES + 10 {
        store
            .create(
                format!("token-{i}").as_bytes(),
                Opening {
                    role: Role::YoungPerson,
                    age_band: None,
                    topic: None,
                    nickname: None,
                    course_token: format!("course-{i}"),
                },
            )
            .await
            .expect("created");
    }
    let cookie = log_in_counsellor(&app, "mia", "Mia").await;
    let mut console = open_console(&app, &cookie).await;
    // (Chats made straight in the store announce nothing: the console's own
    // arrival refreshes the shared snapshot.)
    let (waiting, total) = expect(&mut console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Queue { waiting, total } if waiting.len() >= QUEUE_FRAME_ENTRIES => {
            Some((waiting.clone(), *total))
        }
        _ => None,
    })
    .await;
    assert_eq!(waiting.len(), QUEUE_FRAME_ENTRIES);
    assert_eq!(
        total as usize,
        QUEUE_FRAME_ENTRIES + 10,
        "the total counts past the head"
    );
    assert!(
        waiting
            .windows(2)
            .all(|w| w[0].waiting_since <= w[1].waiting_since),
        "oldest first"
    );
}
