//! Course notes and concerns: screened for anything identifying (a CPR-like
//! number is always refused; e-mail addresses, phone numbers and listed
//! names need a "save anyway"), kept with the anonymous course, shown again
//! when the person returns with a resume code, and deleted with it.

use crate::helpers::TestApp;
use crate::live::*;
use crate::on_both_databases;
use crate::transfer::{chat_with_anna, claim, next_error};
use app::protocol::chat::{ChatClientMsg, ChatServerMsg};
use app::protocol::console::{ConsoleClientMsg, ConsoleServerMsg, CourseNote, Outcome};
use app::protocol::screening::NoteWarning;
use app::protocol::{AgeBand, ErrorCode, PROTOCOL_VERSION, Role};

on_both_databases!(
    a_cpr_number_in_a_note_is_refused,
    an_identifying_looking_note_is_saved_only_when_confirmed,
    notes_come_back_when_the_person_returns_with_a_resume_code,
    notes_are_deleted_with_their_conversation,
    a_concern_about_an_under_18_is_recorded_with_the_duty_to_notify,
    a_concern_with_a_cpr_number_is_refused,
);

async fn add_note(console: &mut Socket, conversation: i64, text: &str, confirmed: bool) {
    send(
        console,
        &ConsoleClientMsg::AddNote {
            conversation,
            text: text.into(),
            confirmed,
        },
    )
    .await;
}

async fn next_notes(console: &mut Socket) -> Vec<CourseNote> {
    expect(console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Notes { notes, .. } => Some(notes.clone()),
        _ => None,
    })
    .await
}

async fn stored_notes(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM course_notes")
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    n
}

async fn a_cpr_number_in_a_note_is_refused(app: TestApp) {
    let (_visitor, mut anna, conversation) = chat_with_anna(&app).await;
    for (text, confirmed) in [("cpr 120598-1234", false), ("1205981234", true)] {
        add_note(&mut anna, conversation, text, confirmed).await;
        assert_eq!(
            next_error(&mut anna).await,
            ErrorCode::IdentifyingNote,
            "{text}"
        );
    }
    assert_eq!(stored_notes(&app).await, 0);
}

async fn an_identifying_looking_note_is_saved_only_when_confirmed(app: TestApp) {
    let (_visitor, mut anna, conversation) = chat_with_anna(&app).await;
    let text = "Vennen Mads har nummer 12 34 56 78 og mail mads@example.dk";
    add_note(&mut anna, conversation, text, false).await;
    let warnings = expect(&mut anna, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::NoteWarnings { warnings, .. } => Some(warnings.clone()),
        _ => None,
    })
    .await;
    assert_eq!(
        warnings,
        vec![
            NoteWarning::Phone,
            NoteWarning::Email,
            NoteWarning::Name {
                name: "Mads".into()
            }
        ]
    );
    assert_eq!(stored_notes(&app).await, 0, "nothing saved yet");

    add_note(&mut anna, conversation, text, true).await;
    let mut notes = next_notes(&mut anna).await;
    while notes.is_empty() {
        notes = next_notes(&mut anna).await;
    }
    assert_eq!(notes.len(), 1);
    assert_eq!(
        (notes[0].text.as_str(), notes[0].author.as_str()),
        (text, "Anna")
    );

    // An ordinary note needs no confirmation.
    add_note(
        &mut anna,
        conversation,
        "Ryger 2 gange om ugen, er 15 år",
        false,
    )
    .await;
    assert_eq!(next_notes(&mut anna).await.len(), 2);
}

async fn notes_come_back_when_the_person_returns_with_a_resume_code(app: TestApp) {
    let (mut visitor, mut anna, conversation) = chat_with_anna(&app).await;
    add_note(
        &mut anna,
        conversation,
        "Vil prøve at holde pause i en uge",
        false,
    )
    .await;
    while next_notes(&mut anna).await.is_empty() {}
    send(
        &mut anna,
        &ConsoleClientMsg::Close {
            conversation,
            outcome: Outcome::AdviceGiven,
        },
    )
    .await;
    expect(&mut visitor.socket, |m: &ChatServerMsg| {
        matches!(m, ChatServerMsg::Ended { .. }).then_some(())
    })
    .await;
    send(&mut visitor.socket, &ChatClientMsg::RequestCode).await;
    let code = expect(&mut visitor.socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::ResumeCode { code } => Some(code.clone()),
        _ => None,
    })
    .await;

    // A week later, on another device.
    let mut socket = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut socket,
        &ChatClientMsg::Continue {
            version: PROTOCOL_VERSION,
            code,
        },
    )
    .await;
    expect(&mut socket, |m: &ChatServerMsg| {
        matches!(m, ChatServerMsg::Joined { .. }).then_some(())
    })
    .await;
    let back = expect(&mut anna, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Queue { waiting, .. } => waiting
            .iter()
            .find(|e| e.conversation == conversation && e.talk == 2)
            .map(|e| e.conversation),
        _ => None,
    })
    .await;
    claim(&mut anna, back).await;
    let notes = next_notes(&mut anna).await;
    assert_eq!(
        notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(),
        vec!["Vil prøve at holde pause i en uge"]
    );
}

async fn notes_are_deleted_with_their_conversation(app: TestApp) {
    let (mut visitor, mut anna, conversation) = chat_with_anna(&app).await;
    add_note(&mut anna, conversation, "Taler om skolen", false).await;
    // The claim sent the (empty) notes first.
    while next_notes(&mut anna).await.is_empty() {}
    assert_eq!(stored_notes(&app).await, 1);
    send(&mut visitor.socket, &ChatClientMsg::Delete).await;
    expect(&mut visitor.socket, |m: &ChatServerMsg| {
        matches!(m, ChatServerMsg::Deleted).then_some(())
    })
    .await;
    assert_eq!(stored_notes(&app).await, 0);
}

async fn a_concern_about_an_under_18_is_recorded_with_the_duty_to_notify(app: TestApp) {
    let mut socket = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut socket,
        &ChatClientMsg::Start {
            version: PROTOCOL_VERSION,
            role: Role::YoungPerson,
            age_band: Some(AgeBand::From15To17),
            topic: None,
            nickname: None,
        },
    )
    .await;
    expect(&mut socket, |m: &ChatServerMsg| {
        matches!(m, ChatServerMsg::Joined { .. }).then_some(())
    })
    .await;
    let cookie = log_in_counsellor(&app, "anna", "Anna").await;
    let mut anna = open_console(&app, &cookie).await;
    let conversation = first_waiting(&mut anna).await;
    claim(&mut anna, conversation).await;
    send(
        &mut anna,
        &ConsoleClientMsg::Concern {
            conversation,
            note: "Fortæller om vold derhjemme".into(),
            confirmed: false,
        },
    )
    .await;
    let under_18 = expect(&mut anna, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::ConcernRecorded { under_18, .. } => Some(*under_18),
        _ => None,
    })
    .await;
    assert!(under_18, "the duty to notify applies");
    let (concerns,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM concerns")
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(concerns, 1);
    let (events,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM activity_events WHERE kind = 'concern'")
            .fetch_one(app.db.pool())
            .await
            .expect("count");
    assert_eq!(events, 1, "counted for the statistics, without content");
}

async fn a_concern_with_a_cpr_number_is_refused(app: TestApp) {
    let (_visitor, mut anna, conversation) = chat_with_anna(&app).await;
    send(
        &mut anna,
        &ConsoleClientMsg::Concern {
            conversation,
            note: "Hendes cpr er 010203-1234".into(),
            confirmed: true,
        },
    )
    .await;
    assert_eq!(next_error(&mut anna).await, ErrorCode::IdentifyingNote);
    let (concerns,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM concerns")
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(concerns, 0);
}
