//! The live chat, end to end over real sockets: a visitor and a counsellor
//! talk; nothing is lost or duplicated across retries and reconnects; bad
//! input is answered, never crashes anything.

use crate::helpers::TestApp;
use crate::live::*;
use crate::on_both_databases;
use app::protocol::chat::{ChatClientMsg, ChatServerMsg, ChatState};
use app::protocol::console::{ConsoleClientMsg, ConsoleServerMsg, Outcome};
use app::protocol::{
    ErrorCode, MAX_FRAME_BYTES, MAX_MESSAGE_CHARS, PROTOCOL_VERSION, Role, Sender, close_code,
};

on_both_databases!(
    a_young_person_and_a_counsellor_talk_both_ways,
    a_retried_message_is_stored_once,
    a_reconnecting_visitor_receives_exactly_what_it_missed,
    two_counsellors_claiming_at_once_get_one_chat,
    deleting_now_removes_the_conversation_and_tells_the_counsellor,
    statistics_events_record_the_talk_without_content,
);

async fn a_young_person_and_a_counsellor_talk_both_ways(app: TestApp) {
    let mut visitor = start_chat(&app).await;
    let position = expect(&mut visitor.socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Queue {
            position,
            estimate_secs,
        } => {
            assert_eq!(*estimate_secs, None, "no estimate without real waits");
            Some(*position)
        }
        _ => None,
    })
    .await;
    assert_eq!(position, 1);
    assert_eq!(
        visitor_says(&mut visitor, "v1", "Hej, jeg ryger meget hash").await,
        1
    );

    let cookie = log_in_counsellor(&app, "anna", "Anna").await;
    let mut console = open_console(&app, &cookie).await;
    let conversation = first_waiting(&mut console).await;
    send(&mut console, &ConsoleClientMsg::Claim { conversation }).await;
    expect(&mut console, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Claimed { .. }).then_some(())
    })
    .await;
    let first = expect(&mut console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Message { message, .. } => Some(message.clone()),
        _ => None,
    })
    .await;
    assert_eq!(
        (first.seq, first.from, first.text.as_str()),
        (1, Sender::Visitor, "Hej, jeg ryger meget hash")
    );

    let name = expect(&mut visitor.socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::CounsellorJoined { first_name } => Some(first_name.clone()),
        _ => None,
    })
    .await;
    assert_eq!(name, "Anna");

    send(
        &mut console,
        &ConsoleClientMsg::Send {
            conversation,
            client_id: "c1".into(),
            text: "Hej, godt du skriver".into(),
        },
    )
    .await;
    let seq = expect(&mut console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Ack { client_id, seq, .. } if client_id == "c1" => Some(*seq),
        _ => None,
    })
    .await;
    assert_eq!(seq, 2);
    let reply = expect(&mut visitor.socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Message(message) => Some(message.clone()),
        _ => None,
    })
    .await;
    assert_eq!(
        (reply.seq, reply.from, reply.text.as_str()),
        (2, Sender::Counsellor, "Hej, godt du skriver")
    );

    // Typing is relayed both ways, and the counsellor's read reaches the visitor.
    send(&mut visitor.socket, &ChatClientMsg::Typing).await;
    expect(&mut console, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Typing { .. }).then_some(())
    })
    .await;
    send(
        &mut console,
        &ConsoleClientMsg::Read {
            conversation,
            up_to: 1,
        },
    )
    .await;
    let up_to = expect(&mut visitor.socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Read { up_to } => Some(*up_to),
        _ => None,
    })
    .await;
    assert_eq!(up_to, 1);

    send(
        &mut console,
        &ConsoleClientMsg::Close {
            conversation,
            outcome: Outcome::AdviceGiven,
        },
    )
    .await;
    let by = expect(&mut visitor.socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Ended { by } => Some(*by),
        _ => None,
    })
    .await;
    assert_eq!(by, Sender::Counsellor);
}

async fn a_retried_message_is_stored_once(app: TestApp) {
    let mut visitor = start_chat(&app).await;
    let first = visitor_says(&mut visitor, "same-id", "hello").await;
    let again = visitor_says(&mut visitor, "same-id", "hello").await;
    assert_eq!(first, again);
    // The retry also works from a new socket (a reload).
    let mut reloaded = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut reloaded,
        &ChatClientMsg::Resume {
            version: PROTOCOL_VERSION,
            token: visitor.token.clone(),
            last_seq: 1,
        },
    )
    .await;
    let mut reloaded = Visitor {
        socket: reloaded,
        token: visitor.token.clone(),
    };
    assert_eq!(visitor_says(&mut reloaded, "same-id", "hello").await, first);
    assert_eq!(
        visitor_says(&mut reloaded, "next-id", "second").await,
        first + 1
    );

    let conversation = app
        .chat_store()
        .find_by_token(&server::chat::token::token_hash(&visitor.token))
        .await;
    let id = conversation.expect("query").expect("exists").id;
    let stored = app
        .chat_store()
        .messages_after(id, 0, 100)
        .await
        .expect("messages");
    assert_eq!(stored.len(), 2, "{stored:?}");
}

async fn a_reconnecting_visitor_receives_exactly_what_it_missed(app: TestApp) {
    let mut visitor = start_chat(&app).await;
    visitor_says(&mut visitor, "v1", "first").await;
    let cookie = log_in_counsellor(&app, "bo", "Bo").await;
    let mut console = open_console(&app, &cookie).await;
    let conversation = first_waiting(&mut console).await;
    send(&mut console, &ConsoleClientMsg::Claim { conversation }).await;

    // The visitor's network drops.
    drop(visitor.socket);
    for i in 1..=3 {
        let client_id = format!("c{i}");
        send(
            &mut console,
            &ConsoleClientMsg::Send {
                conversation,
                client_id: client_id.clone(),
                text: format!("reply {i}"),
            },
        )
        .await;
        expect(&mut console, |m: &ConsoleServerMsg| match m {
            ConsoleServerMsg::Ack { client_id: id, .. } if *id == client_id => Some(()),
            _ => None,
        })
        .await;
    }

    let mut socket = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut socket,
        &ChatClientMsg::Resume {
            version: PROTOCOL_VERSION,
            token: visitor.token.clone(),
            last_seq: 1,
        },
    )
    .await;
    let state = expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Joined { state, .. } => Some(state.clone()),
        _ => None,
    })
    .await;
    assert_eq!(
        state,
        ChatState::Talking {
            counsellor: "Bo".into()
        }
    );
    let mut seqs = Vec::new();
    for _ in 0..3 {
        let seq = expect(&mut socket, |m: &ChatServerMsg| match m {
            ChatServerMsg::Message(message) => Some(message.seq),
            _ => None,
        })
        .await;
        seqs.push(seq);
    }
    assert_eq!(seqs, [2, 3, 4]);
    // Nothing more: a ping is answered before any further message.
    send(&mut socket, &ChatClientMsg::Ping).await;
    let next = expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Message(message) => Some(format!("message {}", message.seq)),
        ChatServerMsg::Pong => Some("pong".to_owned()),
        _ => None,
    })
    .await;
    assert_eq!(next, "pong", "no duplicate after the catch-up");
}

async fn two_counsellors_claiming_at_once_get_one_chat(app: TestApp) {
    let _visitor = start_chat(&app).await;
    let anna = log_in_counsellor(&app, "anna", "Anna").await;
    let bo = log_in_counsellor(&app, "bo", "Bo").await;
    let mut first = open_console(&app, &anna).await;
    let mut second = open_console(&app, &bo).await;
    let conversation = first_waiting(&mut first).await;
    assert_eq!(first_waiting(&mut second).await, conversation);

    let claim = ConsoleClientMsg::Claim { conversation };
    tokio::join!(send(&mut first, &claim), send(&mut second, &claim));
    let outcome = |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Claimed { .. } => Some(true),
        ConsoleServerMsg::Error {
            code: ErrorCode::AlreadyTaken,
            ..
        } => Some(false),
        _ => None,
    };
    let (a, b) = tokio::join!(expect(&mut first, outcome), expect(&mut second, outcome));
    assert!(a ^ b, "exactly one claim wins (got {a} and {b})");
}

async fn deleting_now_removes_the_conversation_and_tells_the_counsellor(app: TestApp) {
    let mut visitor = start_chat(&app).await;
    visitor_says(&mut visitor, "v1", "please forget this").await;
    let cookie = log_in_counsellor(&app, "anna", "Anna").await;
    let mut console = open_console(&app, &cookie).await;
    let conversation = first_waiting(&mut console).await;
    send(&mut console, &ConsoleClientMsg::Claim { conversation }).await;
    expect(&mut visitor.socket, |m: &ChatServerMsg| {
        matches!(m, ChatServerMsg::CounsellorJoined { .. }).then_some(())
    })
    .await;

    send(&mut visitor.socket, &ChatClientMsg::Delete).await;
    expect(&mut visitor.socket, |m: &ChatServerMsg| {
        matches!(m, ChatServerMsg::Deleted).then_some(())
    })
    .await;
    let deleted = expect(&mut console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Ended { deleted, .. } => Some(*deleted),
        _ => None,
    })
    .await;
    assert!(deleted);
    assert!(
        app.chat_store()
            .get(conversation)
            .await
            .expect("query")
            .is_none()
    );
    assert!(
        app.chat_store()
            .messages_after(conversation, 0, 10)
            .await
            .expect("query")
            .is_empty()
    );

    // The token no longer reattaches anything.
    let mut socket = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut socket,
        &ChatClientMsg::Resume {
            version: PROTOCOL_VERSION,
            token: visitor.token,
            last_seq: 0,
        },
    )
    .await;
    assert_eq!(
        close_code::<ChatServerMsg>(&mut socket).await,
        Some(close_code::UNKNOWN_CONVERSATION)
    );
}

async fn statistics_events_record_the_talk_without_content(app: TestApp) {
    let mut visitor = start_chat(&app).await;
    visitor_says(&mut visitor, "v1", "Mit navn er Hemmelig Hansen").await;
    let cookie = log_in_counsellor(&app, "anna", "Anna").await;
    let mut console = open_console(&app, &cookie).await;
    let conversation = first_waiting(&mut console).await;
    send(&mut console, &ConsoleClientMsg::Claim { conversation }).await;
    expect(&mut console, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Claimed { .. }).then_some(())
    })
    .await;
    send(
        &mut console,
        &ConsoleClientMsg::Close {
            conversation,
            outcome: Outcome::BookedTalk,
        },
    )
    .await;
    expect(&mut console, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Ended { .. }).then_some(())
    })
    .await;

    type EventRow = (String, String, Option<i64>, Option<String>, i64);
    let rows: Vec<EventRow> =
        sqlx::query_as("SELECT kind, role, wait_ms, outcome, at FROM activity_events ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .expect("events");
    let kinds: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(kinds, ["contact_started", "taken", "closed"]);
    assert!(rows.iter().all(|r| r.1 == "young_person"));
    assert!(rows[1].2.is_some(), "the wait is recorded when taken");
    assert_eq!(rows[2].3.as_deref(), Some("booked_talk"));
    assert!(
        rows.iter().all(|r| r.4 % 3_600_000 == 0),
        "times are rounded to the hour"
    );
}

/// Origin is checked at the upgrade: another site's page cannot open a chat.
#[tokio::test]
async fn a_cross_origin_upgrade_is_refused() {
    let app = crate::helpers::spawn_app(crate::helpers::Database::Sqlite).await;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    for origin in [Some("https://evil.example"), None] {
        let mut request = format!("{}/ws/chat", app.address.replacen("http", "ws", 1))
            .into_client_request()
            .expect("url");
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", origin.parse().expect("header"));
        }
        match tokio_tungstenite::connect_async(request).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 403)
            }
            other => panic!("expected 403, got {other:?}"),
        }
    }
}

/// The console socket needs a logged-in counsellor.
#[tokio::test]
async fn the_console_refuses_a_visitor_without_login() {
    let app = crate::helpers::spawn_app(crate::helpers::Database::Sqlite).await;
    match connect(&app, "/ws/console", None).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401)
        }
        other => panic!("expected 401, got {other:?}"),
    }
}

/// Every kind of bad frame gets an error frame and the socket stays usable;
/// the worst ones get a documented close code. Other users never notice.
#[tokio::test]
async fn bad_frames_get_clear_answers_and_touch_nobody_else() {
    let app = crate::helpers::spawn_app(crate::helpers::Database::Sqlite).await;
    let mut bystander = start_chat(&app).await;
    let mut visitor = start_chat(&app).await;

    let error = |m: &ChatServerMsg| match m {
        ChatServerMsg::Error { code, .. } => Some(*code),
        _ => None,
    };
    send_raw(&mut visitor.socket, "this is not json").await;
    assert_eq!(
        expect(&mut visitor.socket, error).await,
        ErrorCode::InvalidFrame
    );
    send_raw(&mut visitor.socket, r#"{"type":"launch"}"#).await;
    assert_eq!(
        expect(&mut visitor.socket, error).await,
        ErrorCode::InvalidFrame
    );
    send_raw(
        &mut visitor.socket,
        r#"{"type":"send","client_id":"x","text":""}"#,
    )
    .await;
    assert_eq!(
        expect(&mut visitor.socket, error).await,
        ErrorCode::InvalidText
    );
    let long = "a".repeat(MAX_MESSAGE_CHARS + 1);
    send(
        &mut visitor.socket,
        &ChatClientMsg::Send {
            client_id: "long".into(),
            text: long,
        },
    )
    .await;
    assert_eq!(
        expect(&mut visitor.socket, error).await,
        ErrorCode::InvalidText
    );
    send(
        &mut visitor.socket,
        &ChatClientMsg::Send {
            client_id: "bad id".into(),
            text: "x".into(),
        },
    )
    .await;
    assert_eq!(
        expect(&mut visitor.socket, error).await,
        ErrorCode::InvalidClientId
    );
    use futures::SinkExt;
    visitor
        .socket
        .send(tokio_tungstenite::tungstenite::Message::binary(vec![
            1u8, 2, 3,
        ]))
        .await
        .expect("sent");
    assert_eq!(
        expect(&mut visitor.socket, error).await,
        ErrorCode::BinaryFrame
    );
    send(
        &mut visitor.socket,
        &ChatClientMsg::Start {
            version: 1,
            role: Role::Professional,
            age_band: None,
            topic: None,
            nickname: None,
        },
    )
    .await;
    assert_eq!(
        expect(&mut visitor.socket, error).await,
        ErrorCode::NotAllowed
    );

    // Still usable.
    assert_eq!(visitor_says(&mut visitor, "ok", "still here").await, 1);

    // A flood is slowed down with errors, not served.
    for i in 0..40 {
        send(
            &mut visitor.socket,
            &ChatClientMsg::Send {
                client_id: format!("f{i}"),
                text: "flood".into(),
            },
        )
        .await;
    }
    let mut limited = 0;
    for _ in 0..40 {
        match next::<ChatServerMsg>(&mut visitor.socket).await {
            Next::Frame(ChatServerMsg::Error {
                code: ErrorCode::RateLimited,
                ..
            }) => limited += 1,
            Next::Frame(_) => {}
            Next::Closed(frame) => panic!("closed: {frame:?}"),
        }
    }
    assert!(
        limited >= 20,
        "only {limited} of 40 flood frames were limited"
    );

    // An oversized frame closes the socket with 1009.
    send_raw(&mut visitor.socket, &"x".repeat(MAX_FRAME_BYTES + 10)).await;
    assert_eq!(
        close_code::<ChatServerMsg>(&mut visitor.socket).await,
        Some(close_code::TOO_BIG)
    );

    // The bystander noticed nothing.
    assert_eq!(visitor_says(&mut bystander, "b1", "hello?").await, 1);
}

/// The first frame must be a valid hello of this protocol version.
#[tokio::test]
async fn a_bad_hello_or_an_old_client_is_closed_with_its_code() {
    let app = crate::helpers::spawn_app(crate::helpers::Database::Sqlite).await;
    let cases: [(&str, u16); 4] = [
        ("nonsense", close_code::BAD_HELLO),
        (r#"{"type":"ping"}"#, close_code::BAD_HELLO),
        (
            r#"{"type":"start","version":999,"role":"young_person"}"#,
            close_code::VERSION_MISMATCH,
        ),
        (
            r#"{"type":"resume","version":1,"token":"no-such-token","last_seq":0}"#,
            close_code::UNKNOWN_CONVERSATION,
        ),
    ];
    for (hello, code) in cases {
        let mut socket = connect(&app, "/ws/chat", None).await.expect("upgrade");
        send_raw(&mut socket, hello).await;
        assert_eq!(
            close_code::<ChatServerMsg>(&mut socket).await,
            Some(code),
            "{hello}"
        );
    }
}

/// A further new chat from this address is closed as too fast.
async fn a_new_chat_is_refused_as_too_fast(app: &TestApp) {
    let mut socket = connect(app, "/ws/chat", None).await.expect("upgrade");
    send(&mut socket, &start_frame()).await;
    assert_eq!(
        close_code::<ChatServerMsg>(&mut socket).await,
        Some(close_code::TOO_FAST)
    );
}

/// One address cannot fill the queue: after the limit, new chats are
/// refused with a clear close code (resuming still works).
#[tokio::test]
async fn one_address_cannot_open_endless_chats() {
    let app = crate::helpers::spawn_app(crate::helpers::Database::Sqlite).await;
    let first = start_chat(&app).await;
    for _ in 1..server::chat::limit::NEW_CHATS_PER_ADDRESS {
        start_chat(&app).await;
    }
    a_new_chat_is_refused_as_too_fast(&app).await;

    let mut again = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut again,
        &ChatClientMsg::Resume {
            version: PROTOCOL_VERSION,
            token: first.token,
            last_seq: 0,
        },
    )
    .await;
    expect(&mut again, |m: &ChatServerMsg| {
        matches!(m, ChatServerMsg::Joined { .. }).then_some(())
    })
    .await;
}

/// The limit is the service's setting: a service whose visitors share a
/// guest network raises it, and the new number is what counts.
#[tokio::test]
async fn the_new_chat_limit_per_address_is_a_setting() {
    let (mut settings, schema) =
        crate::helpers::test_settings(crate::helpers::Database::Sqlite).await;
    settings.new_chats_per_address = 3;
    let app = crate::helpers::spawn_with(settings, schema).await;
    for _ in 0..3 {
        start_chat(&app).await;
    }
    a_new_chat_is_refused_as_too_fast(&app).await;
}

/// More sockets with the same token do not multiply the rate limit: the
/// conversation as a whole may send a burst of 15.
#[tokio::test]
async fn a_conversation_is_rate_limited_over_all_its_sockets() {
    let app = crate::helpers::spawn_app(crate::helpers::Database::Sqlite).await;
    let mut first = start_chat(&app).await;
    let mut second = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut second,
        &ChatClientMsg::Resume {
            version: PROTOCOL_VERSION,
            token: first.token.clone(),
            last_seq: 0,
        },
    )
    .await;
    expect(&mut second, |m: &ChatServerMsg| {
        matches!(m, ChatServerMsg::Joined { .. }).then_some(())
    })
    .await;
    let mut acked = 0;
    for (socket, prefix) in [(&mut first.socket, "a"), (&mut second, "b")] {
        for i in 0..10 {
            send(
                socket,
                &ChatClientMsg::Send {
                    client_id: format!("{prefix}{i}"),
                    text: "hej".into(),
                },
            )
            .await;
        }
        for _ in 0..10 {
            acked += expect(socket, |m: &ChatServerMsg| match m {
                ChatServerMsg::Ack { .. } => Some(1),
                ChatServerMsg::Error {
                    code: ErrorCode::RateLimited,
                    ..
                } => Some(0),
                _ => None,
            })
            .await;
        }
    }
    assert!(
        (15..=17).contains(&acked),
        "20 sent over two sockets, {acked} stored"
    );
}
