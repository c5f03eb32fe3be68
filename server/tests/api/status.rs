//! Counsellor status and capacity: a claim past the maximum is refused, the
//! team sees who is available, and (when the service asks for it) the chat
//! opens to new visitors only while someone on duty is available.

use crate::helpers::TestApp;
use crate::live::*;
use crate::on_both_databases;
use crate::on_both_databases_with;
use crate::team::post;
use crate::transfer::{claim, id_of, next_error};
use app::protocol::chat::ChatServerMsg;
use app::protocol::console::{ConsoleClientMsg, ConsoleServerMsg, CounsellorStatus};
use app::protocol::{ErrorCode, close_code};
use server::config::Settings;

on_both_databases!(
    a_claim_past_the_counsellors_maximum_is_refused,
    a_coordinator_sets_how_many_chats_a_counsellor_takes_at_once,
    the_team_sees_each_counsellors_status_and_load,
);

on_both_databases_with!(
    needs_someone_available =>
    the_chat_opens_for_new_visitors_only_while_someone_is_available,
);

fn needs_someone_available(settings: &mut Settings) {
    settings.chat_needs_available_counsellor = true;
}

async fn a_claim_past_the_counsellors_maximum_is_refused(app: TestApp) {
    let cookie = log_in_counsellor(&app, "anna", "Anna").await;
    sqlx::query("UPDATE counsellors SET max_chats = 1 WHERE login = 'anna'")
        .execute(app.db.pool())
        .await
        .expect("update");
    let mut console = open_console(&app, &cookie).await;
    let mut first = start_chat(&app).await;
    visitor_says(&mut first, "a", "hej").await;
    let taken = first_waiting(&mut console).await;
    claim(&mut console, taken).await;
    let mut second = start_chat(&app).await;
    visitor_says(&mut second, "b", "hej").await;
    let next = first_waiting(&mut console).await;
    assert_ne!(next, taken);
    send(
        &mut console,
        &ConsoleClientMsg::Claim { conversation: next },
    )
    .await;
    assert_eq!(next_error(&mut console).await, ErrorCode::TooManyChats);
    let (state,): (String,) = sqlx::query_as("SELECT state FROM conversations WHERE id = $1")
        .bind(next)
        .fetch_one(app.db.pool())
        .await
        .expect("row");
    assert_eq!(state, "waiting");
}

/// The coordinator lowers Anna's maximum while her console is open: the
/// team sees the new number at once, her next claim past it is refused,
/// and the change is in the audit log. Only coordinators may, and only to
/// a number from 1 to 10.
async fn a_coordinator_sets_how_many_chats_a_counsellor_takes_at_once(app: TestApp) {
    let anna_cookie = log_in_counsellor(&app, "anna", "Anna").await;
    let mut anna = open_console(&app, &anna_cookie).await;
    let mia_cookie = log_in_counsellor(&app, "mia", "Mia").await;
    let anna_id = id_of(&app, "anna").await;
    let path = format!("/api/admin/counsellors/{anna_id}/max-chats");

    // Anna cannot raise her own.
    let refused = post(
        &app,
        Some(&anna_cookie),
        &path,
        serde_json::json!({ "max_chats": 9 }),
    )
    .await;
    assert_eq!(refused.status(), 403);
    sqlx::query("UPDATE counsellors SET role = 'coordinator' WHERE login = 'mia'")
        .execute(app.db.pool())
        .await
        .expect("update");
    for wrong in [
        serde_json::json!({ "max_chats": 0 }),
        serde_json::json!({ "max_chats": 11 }),
        serde_json::json!({ "max_chats": "2" }),
        serde_json::json!({ "max_chats": 2.5 }),
    ] {
        let response = post(&app, Some(&mia_cookie), &path, wrong.clone()).await;
        assert_eq!(response.status(), 400, "{wrong}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["error"], "invalid_max_chats", "{wrong}");
    }
    let unknown = post(
        &app,
        Some(&mia_cookie),
        "/api/admin/counsellors/999999/max-chats",
        serde_json::json!({ "max_chats": 2 }),
    )
    .await;
    assert_eq!(unknown.status(), 404);

    let changed = post(
        &app,
        Some(&mia_cookie),
        &path,
        serde_json::json!({ "max_chats": 1 }),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let account: serde_json::Value = changed.json().await.expect("json");
    assert_eq!(account["max_chats"], 1);
    expect(&mut anna, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Team { counsellors } => counsellors
            .iter()
            .any(|c| c.id == anna_id && c.max_chats == 1)
            .then_some(()),
        _ => None,
    })
    .await;

    let mut first = start_chat(&app).await;
    visitor_says(&mut first, "a", "hej").await;
    let taken = first_waiting(&mut anna).await;
    claim(&mut anna, taken).await;
    let mut second = start_chat(&app).await;
    visitor_says(&mut second, "b", "hej").await;
    let next = first_waiting(&mut anna).await;
    send(&mut anna, &ConsoleClientMsg::Claim { conversation: next }).await;
    assert_eq!(next_error(&mut anna).await, ErrorCode::TooManyChats);

    let (detail,): (String,) = sqlx::query_as(
        "SELECT detail FROM audit_log WHERE action = 'max_chats_changed' AND subject = $1",
    )
    .bind(format!("counsellor:{anna_id}"))
    .fetch_one(app.db.pool())
    .await
    .expect("audited once");
    assert_eq!(detail, "1");
}

async fn the_team_sees_each_counsellors_status_and_load(app: TestApp) {
    let anna_cookie = log_in_counsellor(&app, "anna", "Anna").await;
    let mut anna = open_console(&app, &anna_cookie).await;
    let bo_cookie = log_in_counsellor(&app, "bo", "Bo").await;
    let mut bo = open_console(&app, &bo_cookie).await;
    let bo_id = id_of(&app, "bo").await;
    let mut visitor = start_chat(&app).await;
    visitor_says(&mut visitor, "v", "hej").await;
    let conversation = first_waiting(&mut bo).await;
    claim(&mut bo, conversation).await;
    send(
        &mut bo,
        &ConsoleClientMsg::SetStatus {
            status: CounsellorStatus::Busy,
        },
    )
    .await;
    let seen = expect(&mut anna, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Team { counsellors } => counsellors
            .iter()
            .find(|c| c.id == bo_id && c.status == CounsellorStatus::Busy && c.chats == 1)
            .cloned(),
        _ => None,
    })
    .await;
    assert_eq!((seen.first_name.as_str(), seen.max_chats), ("Bo", 3));
}

/// Starts a chat and returns whether it was let in (`true`) or refused as
/// closed (`false`).
async fn chat_is_open(app: &TestApp) -> bool {
    let mut socket = connect(app, "/ws/chat", None).await.expect("upgrade");
    send(&mut socket, &start_frame()).await;
    loop {
        match next::<ChatServerMsg>(&mut socket).await {
            Next::Frame(ChatServerMsg::Joined { .. }) => return true,
            Next::Frame(ChatServerMsg::Error { code, .. }) => {
                assert_eq!(code, ErrorCode::Closed);
            }
            Next::Frame(_) => {}
            Next::Closed(frame) => {
                assert_eq!(frame.map(|f| u16::from(f.code)), Some(close_code::CLOSED));
                return false;
            }
        }
    }
}

async fn the_chat_opens_for_new_visitors_only_while_someone_is_available(app: TestApp) {
    assert!(!chat_is_open(&app).await, "nobody on duty");
    let page = app.get("/", &[]).await.text().await.expect("body");
    assert!(
        page.contains("Chatten er lukket lige nu. Vi åbner igen om lidt."),
        "{page}"
    );
    assert!(
        !page.contains(r#"href="/chat""#),
        "no way into a closed chat"
    );
    let cookie = log_in_counsellor(&app, "anna", "Anna").await;
    let mut anna = open_console(&app, &cookie).await;
    // On duty once her console has the team.
    expect(&mut anna, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Team { .. }).then_some(())
    })
    .await;
    assert!(chat_is_open(&app).await, "Anna is available");
    let page = app.get("/", &[]).await.text().await.expect("body");
    assert!(page.contains(r#"href="/chat""#), "{page}");

    for (status, open) in [
        (CounsellorStatus::Busy, false),
        (CounsellorStatus::Away, false),
        (CounsellorStatus::Available, true),
    ] {
        send(&mut anna, &ConsoleClientMsg::SetStatus { status }).await;
        // The status is set when the team frame saying so arrives.
        expect(&mut anna, |m: &ConsoleServerMsg| match m {
            ConsoleServerMsg::Team { counsellors }
                if counsellors.iter().any(|c| c.status == status) =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
        assert_eq!(chat_is_open(&app).await, open, "{status:?}");
    }

    drop(anna);
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while chat_is_open(&app).await {
        assert!(tokio::time::Instant::now() < deadline, "still open");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
