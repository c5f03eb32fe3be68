//! Transferring chats: to a named colleague or back to the queue, without
//! the young person seeing any interruption; chats nobody answers go back by
//! themselves; the outcome of a talk the person ended can still be recorded.
//! Also the helpers the other chat-work tests share.

use crate::helpers::{Database, TestApp, spawn_with, test_settings};
use crate::live::*;
use crate::on_both_databases;
use app::protocol::ErrorCode;
use app::protocol::chat::{ChatClientMsg, ChatServerMsg};
use app::protocol::console::{ConsoleClientMsg, ConsoleServerMsg, Outcome, ReturnReason};
use server::auth::counsellors::{self, Login};
use server::config::Settings;

/// Runs each named `async fn(TestApp)` on both databases with settings
/// changed by `$configure`.
#[macro_export]
macro_rules! on_both_databases_with {
    ($configure:ident => $($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::transfer::spawn_configured(
                    $crate::helpers::Database::Sqlite, super::$configure).await).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::$name($crate::transfer::spawn_configured(
                    $crate::helpers::Database::Postgres, super::$configure).await).await;
            }
        }
    )*};
}

on_both_databases!(
    a_transfer_to_a_colleague_keeps_the_young_persons_chat_going,
    a_chat_sent_back_to_the_queue_keeps_its_place_and_its_note,
    only_the_counsellor_who_has_a_chat_can_transfer_it,
    a_transfer_past_the_colleagues_maximum_is_refused,
    an_outcome_can_be_recorded_after_the_person_left,
);

on_both_databases_with!(
    unanswered_quickly =>
    a_claimed_chat_without_a_reply_returns_to_the_queue_with_an_alert,
    a_chat_with_a_reply_stays_with_its_counsellor,
);

on_both_databases_with!(
    console_grace_short =>
    a_chat_whose_console_is_gone_returns_to_the_queue_after_the_grace,
);

/// Spawns the app with the test settings changed by `configure`.
pub async fn spawn_configured(database: Database, configure: fn(&mut Settings)) -> TestApp {
    let (mut settings, schema) = test_settings(database).await;
    configure(&mut settings);
    spawn_with(settings, schema).await
}

fn unanswered_quickly(settings: &mut Settings) {
    settings.unanswered_claim_secs = 2;
}

fn console_grace_short(settings: &mut Settings) {
    settings.console_gone_grace_secs = 1;
}

/// A logged-in counsellor's id.
pub async fn id_of(app: &TestApp, login: &str) -> i64 {
    counsellors::find_by_login(&app.db, &Login::parse(login).expect("login"))
        .await
        .expect("lookup")
        .expect("the account exists")
        .id
        .0
}

/// Claims a chat and waits for `claimed`.
pub async fn claim(console: &mut Socket, conversation: i64) {
    send(console, &ConsoleClientMsg::Claim { conversation }).await;
    expect(console, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Claimed { .. }).then_some(())
    })
    .await;
}

/// The next error frame's code.
pub async fn next_error(console: &mut Socket) -> ErrorCode {
    expect(console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Error { code, .. } => Some(*code),
        _ => None,
    })
    .await
}

/// A counsellor writes to the person and waits for the ack.
pub async fn counsellor_says(console: &mut Socket, conversation: i64, client_id: &str, text: &str) {
    send(
        console,
        &ConsoleClientMsg::Send {
            conversation,
            client_id: client_id.into(),
            text: text.into(),
        },
    )
    .await;
    let id = client_id.to_owned();
    expect(console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Ack { client_id, .. } if *client_id == id => Some(()),
        _ => None,
    })
    .await;
}

/// A young person's chat, taken by a counsellor (Anna): visitor, Anna's
/// console and the conversation id.
pub async fn chat_with_anna(app: &TestApp) -> (Visitor, Socket, i64) {
    let mut visitor = start_chat(app).await;
    visitor_says(&mut visitor, "v1", "Jeg ryger hver dag").await;
    let anna = log_in_counsellor(app, "anna", "Anna").await;
    let mut console = open_console(app, &anna).await;
    let conversation = first_waiting(&mut console).await;
    claim(&mut console, conversation).await;
    (visitor, console, conversation)
}

/// Where a conversation stands in the database: state and holder.
pub async fn stored_state(app: &TestApp, conversation: i64) -> (String, Option<i64>) {
    sqlx::query_as("SELECT state, counsellor_id FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(app.db.pool())
        .await
        .expect("the conversation")
}

/// The person's frames until their next message from a counsellor, which is
/// returned with every frame before it.
async fn visitor_until_counsellor_message(visitor: &mut Visitor) -> Vec<ChatServerMsg> {
    let mut seen = Vec::new();
    loop {
        match next::<ChatServerMsg>(&mut visitor.socket).await {
            Next::Frame(frame) => {
                let done = matches!(&frame, ChatServerMsg::Message(m)
                    if m.from == app::protocol::Sender::Counsellor);
                seen.push(frame);
                if done {
                    return seen;
                }
            }
            Next::Closed(frame) => panic!("the person's chat closed: {frame:?}; saw {seen:?}"),
        }
    }
}

async fn a_transfer_to_a_colleague_keeps_the_young_persons_chat_going(app: TestApp) {
    let (mut visitor, mut anna, conversation) = chat_with_anna(&app).await;
    counsellor_says(&mut anna, conversation, "c1", "Hej, jeg hedder Anna").await;
    let bo_cookie = log_in_counsellor(&app, "bo", "Bo").await;
    let mut bo = open_console(&app, &bo_cookie).await;
    let bo_id = id_of(&app, "bo").await;

    send(
        &mut anna,
        &ConsoleClientMsg::Transfer {
            conversation,
            to: Some(bo_id),
            note: "Vil gerne tale om at stoppe".into(),
            confirmed: false,
        },
    )
    .await;
    expect(&mut anna, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::TransferredAway { conversation: c } if *c == conversation => Some(()),
        _ => None,
    })
    .await;

    // Bo gets the chat, the note and the whole history.
    let (note, from) = expect(&mut bo, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::TransferredToYou { entry, note, from }
            if entry.conversation == conversation =>
        {
            Some((note.clone(), from.clone()))
        }
        _ => None,
    })
    .await;
    assert_eq!(
        (note.as_str(), from.as_str()),
        ("Vil gerne tale om at stoppe", "Anna")
    );
    let mut history = Vec::new();
    while history.len() < 2 {
        let message = expect(&mut bo, |m: &ConsoleServerMsg| match m {
            ConsoleServerMsg::Message {
                conversation: c,
                message,
            } if *c == conversation => Some(message.clone()),
            _ => None,
        })
        .await;
        history.push((message.seq, message.text));
    }
    assert_eq!(
        history,
        vec![
            (1, "Jeg ryger hver dag".to_owned()),
            (2, "Hej, jeg hedder Anna".to_owned())
        ]
    );
    assert_eq!(
        stored_state(&app, conversation).await,
        ("active".into(), Some(bo_id))
    );

    // The person sees only Bo's name appear, after Anna's message.
    let mut seen = Vec::new();
    loop {
        match next::<ChatServerMsg>(&mut visitor.socket).await {
            Next::Frame(ChatServerMsg::CounsellorJoined { first_name }) if first_name == "Bo" => {
                break;
            }
            Next::Frame(frame) => seen.push(frame),
            Next::Closed(frame) => panic!("the person's chat closed: {frame:?}"),
        }
    }
    assert!(
        seen.iter()
            .any(|m| matches!(m, ChatServerMsg::Message(m) if m.seq == 2)),
        "Anna's message came first: {seen:?}"
    );
    assert!(
        !seen
            .iter()
            .any(|m| matches!(m, ChatServerMsg::Ended { .. })),
        "the person saw no ending: {seen:?}"
    );

    // The person writes on, and Bo answers: nothing ended, no gap.
    visitor_says(&mut visitor, "v2", "Er du der stadig?").await;
    expect(&mut bo, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Message { message, .. } if message.seq == 3 => Some(()),
        _ => None,
    })
    .await;
    counsellor_says(&mut bo, conversation, "b1", "Ja, Bo her").await;
    let seen = visitor_until_counsellor_message(&mut visitor).await;
    assert!(
        !seen
            .iter()
            .any(|m| matches!(m, ChatServerMsg::Ended { .. })),
        "the person saw no ending: {seen:?}"
    );
    let seqs: Vec<u64> = seen
        .iter()
        .filter_map(|m| match m {
            ChatServerMsg::Message(m) => Some(m.seq),
            _ => None,
        })
        .collect();
    assert_eq!(seqs.last(), Some(&4), "numbered on without a gap: {seqs:?}");

    let audited: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'chat_reassigned'")
            .fetch_one(app.db.pool())
            .await
            .expect("audit");
    assert_eq!(audited.0, 1);
}

async fn a_chat_sent_back_to_the_queue_keeps_its_place_and_its_note(app: TestApp) {
    let (_visitor, mut anna, conversation) = chat_with_anna(&app).await;
    // Someone who came later waits behind it.
    let _later = start_chat(&app).await;
    send(
        &mut anna,
        &ConsoleClientMsg::Transfer {
            conversation,
            to: None,
            note: "Spurgte til forældregrupper".into(),
            confirmed: false,
        },
    )
    .await;
    expect(&mut anna, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::TransferredAway { .. }).then_some(())
    })
    .await;
    assert_eq!(
        stored_state(&app, conversation).await,
        ("waiting".into(), None)
    );

    let bo_cookie = log_in_counsellor(&app, "bo", "Bo").await;
    let mut bo = open_console(&app, &bo_cookie).await;
    let waiting = expect(&mut bo, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Queue { waiting, .. } if waiting.len() == 2 => Some(waiting.clone()),
        _ => None,
    })
    .await;
    assert_eq!(
        waiting[0].conversation, conversation,
        "first, by its original wait"
    );

    send(&mut bo, &ConsoleClientMsg::Claim { conversation }).await;
    let (note, from) = expect(&mut bo, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Handover { note, from, .. } => Some((note.clone(), from.clone())),
        _ => None,
    })
    .await;
    assert_eq!(
        (note.as_str(), from.as_str()),
        ("Spurgte til forældregrupper", "Anna")
    );
    // Still one talk for the statistics: Bo took over Anna's, he did not
    // start a new one.
    let taken: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM activity_events WHERE kind = 'taken'")
            .fetch_one(app.db.pool())
            .await
            .expect("count taken events");
    assert_eq!(taken, 1);
}

async fn only_the_counsellor_who_has_a_chat_can_transfer_it(app: TestApp) {
    let (_visitor, _anna, conversation) = chat_with_anna(&app).await;
    let bo_cookie = log_in_counsellor(&app, "bo", "Bo").await;
    let mut bo = open_console(&app, &bo_cookie).await;
    let bo_id = id_of(&app, "bo").await;
    let anna_id = id_of(&app, "anna").await;
    for to in [Some(bo_id), None] {
        send(
            &mut bo,
            &ConsoleClientMsg::Transfer {
                conversation,
                to,
                note: String::new(),
                confirmed: false,
            },
        )
        .await;
        assert_eq!(next_error(&mut bo).await, ErrorCode::NotAllowed);
    }
    assert_eq!(
        stored_state(&app, conversation).await,
        ("active".into(), Some(anna_id))
    );
}

async fn a_transfer_past_the_colleagues_maximum_is_refused(app: TestApp) {
    let (_visitor, mut anna, conversation) = chat_with_anna(&app).await;
    let bo_cookie = log_in_counsellor(&app, "bo", "Bo").await;
    let bo_id = id_of(&app, "bo").await;
    sqlx::query("UPDATE counsellors SET max_chats = 1 WHERE id = $1")
        .bind(bo_id)
        .execute(app.db.pool())
        .await
        .expect("update");
    let mut bo = open_console(&app, &bo_cookie).await;
    let mut other = start_chat(&app).await;
    visitor_says(&mut other, "o1", "hej").await;
    let theirs = first_waiting(&mut bo).await;
    claim(&mut bo, theirs).await;

    send(
        &mut anna,
        &ConsoleClientMsg::Transfer {
            conversation,
            to: Some(bo_id),
            note: String::new(),
            confirmed: false,
        },
    )
    .await;
    assert_eq!(next_error(&mut anna).await, ErrorCode::TooManyChats);
    let anna_id = id_of(&app, "anna").await;
    assert_eq!(
        stored_state(&app, conversation).await,
        ("active".into(), Some(anna_id))
    );
}

async fn a_claimed_chat_without_a_reply_returns_to_the_queue_with_an_alert(app: TestApp) {
    let (mut visitor, mut anna, conversation) = chat_with_anna(&app).await;
    let reason = expect(&mut anna, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::ReturnedToQueue {
            conversation: c,
            reason,
        } if *c == conversation => Some(*reason),
        _ => None,
    })
    .await;
    assert_eq!(reason, ReturnReason::Unanswered);
    assert_eq!(
        stored_state(&app, conversation).await,
        ("waiting".into(), None)
    );
    // Back at the front of the queue.
    let waiting = first_waiting(&mut anna).await;
    assert_eq!(waiting, conversation);

    // The person noticed nothing: their chat takes messages as before.
    visitor_says(&mut visitor, "v2", "Hallo?").await;
    send(&mut visitor.socket, &ChatClientMsg::Ping).await;
    let mut frames = Vec::new();
    loop {
        match next::<ChatServerMsg>(&mut visitor.socket).await {
            Next::Frame(ChatServerMsg::Pong) => break,
            Next::Frame(frame) => frames.push(frame),
            Next::Closed(frame) => panic!("closed: {frame:?}"),
        }
    }
    assert!(
        !frames
            .iter()
            .any(|m| matches!(m, ChatServerMsg::Ended { .. })),
        "{frames:?}"
    );
}

async fn a_chat_with_a_reply_stays_with_its_counsellor(app: TestApp) {
    let (_visitor, mut anna, conversation) = chat_with_anna(&app).await;
    counsellor_says(&mut anna, conversation, "c1", "Hej, jeg er her").await;
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    let anna_id = id_of(&app, "anna").await;
    assert_eq!(
        stored_state(&app, conversation).await,
        ("active".into(), Some(anna_id))
    );
}

async fn a_chat_whose_console_is_gone_returns_to_the_queue_after_the_grace(app: TestApp) {
    let (_visitor, mut anna, conversation) = chat_with_anna(&app).await;
    counsellor_says(&mut anna, conversation, "c1", "Hej").await;
    let anna_id = id_of(&app, "anna").await;
    drop(anna);
    // Within the grace it stays; after it, it is everyone's again.
    assert_eq!(
        stored_state(&app, conversation).await,
        ("active".into(), Some(anna_id))
    );
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if stored_state(&app, conversation).await == ("waiting".into(), None) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "still with Anna");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

async fn an_outcome_can_be_recorded_after_the_person_left(app: TestApp) {
    let (mut visitor, mut anna, conversation) = chat_with_anna(&app).await;
    send(&mut visitor.socket, &ChatClientMsg::End).await;
    expect(&mut anna, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Ended { .. }).then_some(())
    })
    .await;
    send(
        &mut anna,
        &ConsoleClientMsg::Close {
            conversation,
            outcome: Outcome::AdviceGiven,
        },
    )
    .await;
    expect(&mut anna, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Ended { .. }).then_some(())
    })
    .await;
    let (outcome,): (Option<String>,) =
        sqlx::query_as("SELECT outcome FROM conversations WHERE id = $1")
            .bind(conversation)
            .fetch_one(app.db.pool())
            .await
            .expect("row");
    assert_eq!(outcome.as_deref(), Some("advice_given"));
    let (events,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM activity_events WHERE kind = 'outcome' AND outcome = 'advice_given'",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("events");
    assert_eq!(events, 1, "statistics get it");

    // Once only: a second outcome is refused.
    send(
        &mut anna,
        &ConsoleClientMsg::Close {
            conversation,
            outcome: Outcome::BookedTalk,
        },
    )
    .await;
    assert_eq!(next_error(&mut anna).await, ErrorCode::NotFound);
}
