//! The coordinator's view: every live chat, one watched read-only (each
//! watch in the audit log), and reassigning a chat.

use crate::helpers::TestApp;
use crate::live::*;
use crate::on_both_databases;
use crate::transfer::{chat_with_anna, id_of, next_error, stored_state};
use app::protocol::ErrorCode;
use app::protocol::console::{ConsoleClientMsg, ConsoleServerMsg};
use server::auth::counsellors::{self, FirstName, Login, NewCounsellor};
use server::auth::password::{NewPassword, Password};

on_both_databases!(
    a_coordinator_sees_every_live_chat_and_watches_one_read_only,
    a_counsellor_cannot_watch_or_reassign,
    a_coordinator_reassigns_a_chat_to_a_colleague,
    a_coordinator_sends_a_chat_back_to_the_queue,
);

/// Creates a coordinator account and logs in; returns the session cookie.
async fn log_in_coordinator(app: &TestApp) -> String {
    counsellors::create(
        &app.db,
        NewCounsellor {
            login: Login::parse("kim").expect("valid login"),
            first_name: FirstName::parse("Kim").expect("valid name"),
            role: counsellors::Role::Coordinator,
        },
        NewPassword::parse(Password::new(PASSWORD.to_owned())).expect("valid password"),
    )
    .await
    .expect("account created");
    let response = app
        .client
        .post(format!("{}/api/session", app.address))
        .header("origin", app.address.clone())
        .json(&serde_json::json!({ "login": "kim", "password": PASSWORD }))
        .send()
        .await
        .expect("login answered");
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"].to_str().expect("ascii");
    cookie.split(';').next().expect("name=value").to_owned()
}

async fn audited(app: &TestApp, action: &str) -> Vec<(String, String)> {
    sqlx::query_as("SELECT actor, subject FROM audit_log WHERE action = $1 ORDER BY id")
        .bind(action)
        .fetch_all(app.db.pool())
        .await
        .expect("audit rows")
}

async fn a_coordinator_sees_every_live_chat_and_watches_one_read_only(app: TestApp) {
    let (mut visitor, _anna, conversation) = chat_with_anna(&app).await;
    let kim = log_in_coordinator(&app).await;
    let mut kim = open_console(&app, &kim).await;

    send(&mut kim, &ConsoleClientMsg::ListChats).await;
    let listed = expect(&mut kim, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::AllChats { chats } => Some(chats.clone()),
        _ => None,
    })
    .await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].entry.conversation, conversation);
    assert_eq!(listed[0].counsellor.as_deref(), Some("Anna"));

    send(&mut kim, &ConsoleClientMsg::Watch { conversation }).await;
    let holder = expect(&mut kim, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Watching { counsellor, .. } => Some(counsellor.clone()),
        _ => None,
    })
    .await;
    assert_eq!(holder.as_deref(), Some("Anna"));
    let first = expect(&mut kim, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Message { message, .. } => Some(message.text.clone()),
        _ => None,
    })
    .await;
    assert_eq!(first, "Jeg ryger hver dag");
    assert_eq!(
        audited(&app, "chat_viewed").await,
        vec![("kim".to_owned(), format!("conversation:{conversation}"))]
    );

    // Live messages follow…
    visitor_says(&mut visitor, "v2", "Hvad gør jeg?").await;
    let live = expect(&mut kim, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Message { message, .. } if message.seq == 2 => Some(message.text.clone()),
        _ => None,
    })
    .await;
    assert_eq!(live, "Hvad gør jeg?");
    // …but the coordinator cannot write, add notes or close it.
    send(
        &mut kim,
        &ConsoleClientMsg::Send {
            conversation,
            client_id: "k1".into(),
            text: "Hej".into(),
        },
    )
    .await;
    assert_eq!(next_error(&mut kim).await, ErrorCode::NotFound);
    send(
        &mut kim,
        &ConsoleClientMsg::AddNote {
            conversation,
            text: "note".into(),
            confirmed: false,
        },
    )
    .await;
    assert_eq!(next_error(&mut kim).await, ErrorCode::NotFound);
    let anna_id = id_of(&app, "anna").await;
    assert_eq!(
        stored_state(&app, conversation).await,
        ("active".into(), Some(anna_id))
    );
    let (messages,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM messages WHERE conversation_id = $1")
            .bind(conversation)
            .fetch_one(app.db.pool())
            .await
            .expect("count");
    assert_eq!(messages, 2, "nothing written by the watcher");
}

async fn a_counsellor_cannot_watch_or_reassign(app: TestApp) {
    let (_visitor, _anna, conversation) = chat_with_anna(&app).await;
    let bo = log_in_counsellor(&app, "bo", "Bo").await;
    let mut bo = open_console(&app, &bo).await;
    let bo_id = id_of(&app, "bo").await;
    send(&mut bo, &ConsoleClientMsg::Watch { conversation }).await;
    assert_eq!(next_error(&mut bo).await, ErrorCode::NotAllowed);
    send(
        &mut bo,
        &ConsoleClientMsg::Reassign {
            conversation,
            to: Some(bo_id),
        },
    )
    .await;
    assert_eq!(next_error(&mut bo).await, ErrorCode::NotAllowed);
    send(&mut bo, &ConsoleClientMsg::ListChats).await;
    assert_eq!(next_error(&mut bo).await, ErrorCode::NotAllowed);
    assert!(audited(&app, "chat_viewed").await.is_empty());
}

async fn a_coordinator_reassigns_a_chat_to_a_colleague(app: TestApp) {
    let (_visitor, mut anna, conversation) = chat_with_anna(&app).await;
    let bo = log_in_counsellor(&app, "bo", "Bo").await;
    let mut bo = open_console(&app, &bo).await;
    let bo_id = id_of(&app, "bo").await;
    let kim = log_in_coordinator(&app).await;
    let mut kim = open_console(&app, &kim).await;

    send(
        &mut kim,
        &ConsoleClientMsg::Reassign {
            conversation,
            to: Some(bo_id),
        },
    )
    .await;
    let from = expect(&mut bo, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::TransferredToYou { entry, from, .. }
            if entry.conversation == conversation =>
        {
            Some(from.clone())
        }
        _ => None,
    })
    .await;
    assert_eq!(from, "Kim");
    expect(&mut anna, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::TransferredAway { conversation: c } if *c == conversation => Some(()),
        _ => None,
    })
    .await;
    assert_eq!(
        stored_state(&app, conversation).await,
        ("active".into(), Some(bo_id))
    );
    assert_eq!(audited(&app, "chat_reassigned").await.len(), 1);

    // Anna can no longer write in it.
    send(
        &mut anna,
        &ConsoleClientMsg::Send {
            conversation,
            client_id: "a9".into(),
            text: "Hej?".into(),
        },
    )
    .await;
    assert_eq!(next_error(&mut anna).await, ErrorCode::NotFound);
}

async fn a_coordinator_sends_a_chat_back_to_the_queue(app: TestApp) {
    let (_visitor, mut anna, conversation) = chat_with_anna(&app).await;
    let kim = log_in_coordinator(&app).await;
    let mut kim = open_console(&app, &kim).await;
    send(
        &mut kim,
        &ConsoleClientMsg::Reassign {
            conversation,
            to: None,
        },
    )
    .await;
    expect(&mut anna, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::ReturnedToQueue {
            conversation: c, ..
        } if *c == conversation => Some(()),
        _ => None,
    })
    .await;
    assert_eq!(
        stored_state(&app, conversation).await,
        ("waiting".into(), None)
    );
}
