//! Opening hours: outside them the front door says the chat is closed and
//! when it opens (Copenhagen time), and no new talk can start; within them
//! the page says until when it is open.

use crate::helpers::{Database, spawn_with, test_settings};
use crate::live::*;
use app::protocol::chat::ChatServerMsg;
use app::protocol::{ErrorCode, close_code};
use server::db::now_millis;
use server::hours::local_parts;

/// A Copenhagen date `days` from now as `YYYY-MM-DD`.
fn local_date(days: i64) -> String {
    let t = local_parts(now_millis() + days * 24 * 3_600_000).expect("a representable time");
    format!("{:04}-{:02}-{:02}", t.year, t.month, t.day)
}

#[tokio::test]
async fn outside_opening_hours_the_page_says_when_and_no_chat_starts() {
    let (mut settings, schema) = test_settings(Database::Sqlite).await;
    // Open every day, all day, except today and tomorrow.
    settings.opening_hours.closed = vec![local_date(0), local_date(1)];
    let app = spawn_with(settings, schema).await;

    let html = app.get("/", &[]).await.text().await.expect("body");
    assert!(html.contains("Chatten er lukket lige nu."), "{html}");
    assert!(
        html.contains("kl. 00:00"),
        "the next opening is named: {html}"
    );
    assert!(html.contains("Chattens åbningstider"), "the week is shown");
    assert!(html.contains("tel:112"), "emergency numbers stay");
    assert!(
        !html.contains(r#"href="/chat""#),
        "no way into a closed chat"
    );
    let english = app
        .get("/chat", &[("accept-language", "en")])
        .await
        .text()
        .await
        .expect("body");
    assert!(
        english.contains("The chat is closed right now."),
        "{english}"
    );
    assert!(english.contains("at 00:00"), "{english}");

    let mut socket = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(&mut socket, &start_frame()).await;
    let error = expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Error { code, .. } => Some(*code),
        _ => None,
    })
    .await;
    assert_eq!(error, ErrorCode::Closed);
    assert_eq!(
        close_code::<ChatServerMsg>(&mut socket).await,
        Some(close_code::CLOSED)
    );
}

#[tokio::test]
async fn within_opening_hours_the_page_says_until_when() {
    let app = crate::helpers::spawn_app(Database::Sqlite).await;
    let html = app.get("/", &[]).await.text().await.expect("body");
    assert!(html.contains("Chatten er åben nu"), "{html}");
    assert!(html.contains(r#"href="/chat""#));
}

#[tokio::test]
async fn bad_opening_hours_stop_the_server_with_a_clear_message() {
    let dir = std::env::temp_dir().join(format!("hours-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("front-door.toml");
    std::fs::write(&file, "[opening_hours]\nmon = [\"14:00-13:00\"]\n").expect("written");
    let path = file.display().to_string();
    let error = server::config::Settings::from_source(|name| {
        (name == "FRONT_DOOR_CONFIG").then(|| path.clone())
    })
    .expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("opening_hours"), "{message}");
    assert!(message.contains("14:00-13:00"), "{message}");
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}
