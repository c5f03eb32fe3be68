//! Risk flags and priority: a configured risk word in what the person writes
//! moves their chat up the queue and shows the counsellor which words
//! matched; a counsellor can raise or lower a chat's priority by hand. The
//! queue is sorted by priority, then oldest first, and updates live.

use crate::helpers::TestApp;
use crate::live::*;
use crate::on_both_databases;
use app::protocol::chat::{ChatClientMsg, ChatServerMsg};
use app::protocol::console::{
    ConsoleClientMsg, ConsoleServerMsg, MAX_PRIORITY, MIN_PRIORITY, QueueEntry, RISK_PRIORITY,
};
use app::protocol::{ErrorCode, PROTOCOL_VERSION, Role};

on_both_databases!(
    a_risk_word_moves_a_chat_above_older_normal_ones,
    only_whole_risk_words_flag_a_chat_whatever_their_case,
    a_risk_word_in_the_nickname_flags_the_chat_from_the_start,
    a_counsellor_raises_and_lowers_a_chat_by_hand,
    a_risk_word_during_the_chat_reaches_the_counsellors_open_chat,
);

/// The next queue frame with exactly `count` waiting chats.
async fn queue_of(console: &mut Socket, count: usize) -> Vec<QueueEntry> {
    expect(console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Queue { waiting, .. } if waiting.len() == count => Some(waiting.clone()),
        _ => None,
    })
    .await
}

/// The next queue frame whose order of conversations is `order`.
async fn queue_in_order(console: &mut Socket, order: &[i64]) -> Vec<QueueEntry> {
    expect(console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Queue { waiting, .. }
            if waiting.iter().map(|e| e.conversation).collect::<Vec<_>>() == order =>
        {
            Some(waiting.clone())
        }
        _ => None,
    })
    .await
}

async fn a_risk_word_moves_a_chat_above_older_normal_ones(app: TestApp) {
    let mut older = start_chat(&app).await;
    visitor_says(&mut older, "c1", "Hej, jeg har et spørgsmål om hash").await;
    let mut newer = start_chat(&app).await;
    visitor_says(&mut newer, "c1", "Jeg tog en OVERDOSIS i går").await;
    // A second message: its ack comes after the first one's flag is stored.
    visitor_says(&mut newer, "c2", "hjælp").await;

    let cookie = log_in_counsellor(&app, "anna", "Anna").await;
    let mut console = open_console(&app, &cookie).await;
    let waiting = queue_of(&mut console, 2).await;
    assert_eq!(waiting[0].risk_words, vec!["overdosis"]);
    assert_eq!(waiting[0].priority, RISK_PRIORITY);
    assert_eq!(waiting[1].risk_words, Vec::<String>::new());
    assert_eq!(waiting[1].priority, 0);
    assert!(
        waiting[0].waiting_since >= waiting[1].waiting_since,
        "the flagged chat is the newer one, yet first"
    );
}

async fn only_whole_risk_words_flag_a_chat_whatever_their_case(app: TestApp) {
    let mut visitor = start_chat(&app).await;
    visitor_says(&mut visitor, "c1", "Det var en voldsom fest, jeg så rødt").await;
    visitor_says(&mut visitor, "c2", "ok").await;
    let waiting = app.chat_store().waiting(10).await.expect("queue");
    assert_eq!(waiting[0].priority, 0, "no false hit inside another word");
    assert!(waiting[0].risk_words.is_empty());

    visitor_says(&mut visitor, "c3", "HAN SIGER HAN VIL SLÅ MIG IHJEL").await;
    visitor_says(&mut visitor, "c4", "og der er vold").await;
    visitor_says(&mut visitor, "c5", "ok").await;
    let waiting = app.chat_store().waiting(10).await.expect("queue");
    assert_eq!(waiting[0].priority, RISK_PRIORITY);
    assert_eq!(waiting[0].risk_words, vec!["slå mig ihjel", "vold"]);
}

async fn a_risk_word_in_the_nickname_flags_the_chat_from_the_start(app: TestApp) {
    let mut socket = connect(&app, "/ws/chat", None).await.expect("upgrade");
    send(
        &mut socket,
        &ChatClientMsg::Start {
            version: PROTOCOL_VERSION,
            role: Role::YoungPerson,
            age_band: None,
            topic: None,
            nickname: Some("Suicide Squad".into()),
        },
    )
    .await;
    expect(&mut socket, |m: &ChatServerMsg| {
        matches!(m, ChatServerMsg::Joined { .. }).then_some(())
    })
    .await;
    let waiting = app.chat_store().waiting(10).await.expect("queue");
    assert_eq!(waiting[0].risk_words, vec!["suicide"]);
    assert_eq!(waiting[0].priority, RISK_PRIORITY);
}

async fn a_counsellor_raises_and_lowers_a_chat_by_hand(app: TestApp) {
    let mut older = start_chat(&app).await;
    visitor_says(&mut older, "c1", "hej").await;
    let mut newer = start_chat(&app).await;
    visitor_says(&mut newer, "c1", "hej").await;
    let cookie = log_in_counsellor(&app, "anna", "Anna").await;
    let mut console = open_console(&app, &cookie).await;
    let other = log_in_counsellor(&app, "bo", "Bo").await;
    let mut watching = open_console(&app, &other).await;
    let waiting = queue_of(&mut console, 2).await;
    let (a, b) = (waiting[0].conversation, waiting[1].conversation);

    let raise = ConsoleClientMsg::SetPriority {
        conversation: b,
        priority: MAX_PRIORITY,
    };
    send(&mut console, &raise).await;
    let raised = queue_in_order(&mut console, &[b, a]).await;
    assert_eq!(raised[0].priority, MAX_PRIORITY);
    queue_in_order(&mut watching, &[b, a]).await;

    let lower = ConsoleClientMsg::SetPriority {
        conversation: b,
        priority: MIN_PRIORITY,
    };
    send(&mut console, &lower).await;
    queue_in_order(&mut watching, &[a, b]).await;

    let out_of_range = ConsoleClientMsg::SetPriority {
        conversation: a,
        priority: MAX_PRIORITY + 1,
    };
    send(&mut console, &out_of_range).await;
    let refused = expect(&mut console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Error {
            code, conversation, ..
        } => Some((*code, *conversation)),
        _ => None,
    })
    .await;
    assert_eq!(refused, (ErrorCode::InvalidFrame, Some(a)));
    let stored = app
        .chat_store()
        .get(a)
        .await
        .expect("readable")
        .expect("there");
    assert_eq!(stored.priority, 0, "nothing changed");

    // Someone else's chat is not this counsellor's to reorder.
    send(&mut watching, &ConsoleClientMsg::Claim { conversation: a }).await;
    expect(&mut watching, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Claimed { .. }).then_some(())
    })
    .await;
    send(
        &mut console,
        &ConsoleClientMsg::SetPriority {
            conversation: a,
            priority: MAX_PRIORITY,
        },
    )
    .await;
    let refused = expect(&mut console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Error { code, .. } => Some(*code),
        _ => None,
    })
    .await;
    assert_eq!(refused, ErrorCode::NotFound);
}

async fn a_risk_word_during_the_chat_reaches_the_counsellors_open_chat(app: TestApp) {
    let mut visitor = start_chat(&app).await;
    visitor_says(&mut visitor, "c1", "hej").await;
    let cookie = log_in_counsellor(&app, "anna", "Anna").await;
    let mut console = open_console(&app, &cookie).await;
    let conversation = first_waiting(&mut console).await;
    send(&mut console, &ConsoleClientMsg::Claim { conversation }).await;
    expect(&mut console, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Claimed { .. }).then_some(())
    })
    .await;
    visitor_says(&mut visitor, "c2", "I think I took an overdose").await;
    let flagged = expect(&mut console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Priority {
            conversation: id,
            priority,
            risk_words,
        } if *id == conversation => Some((*priority, risk_words.clone())),
        _ => None,
    })
    .await;
    assert_eq!(flagged, (RISK_PRIORITY, vec!["overdose".to_owned()]));

    // The counsellor judges it urgent; the open chat hears it too.
    send(
        &mut console,
        &ConsoleClientMsg::SetPriority {
            conversation,
            priority: MAX_PRIORITY,
        },
    )
    .await;
    let set = expect(&mut console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Priority { priority, .. } => Some(*priority),
        _ => None,
    })
    .await;
    assert_eq!(set, MAX_PRIORITY);

    // The counsellor reloads the page: the reopened chat still shows why
    // it is urgent.
    drop(console);
    let mut console = open_console(&app, &cookie).await;
    send(
        &mut console,
        &ConsoleClientMsg::Open {
            conversation,
            last_seq: 0,
        },
    )
    .await;
    let reopened = expect(&mut console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Reopened { entry } if entry.conversation == conversation => {
            Some(entry.clone())
        }
        _ => None,
    })
    .await;
    assert_eq!(reopened.priority, MAX_PRIORITY);
    assert_eq!(reopened.risk_words, vec!["overdose".to_owned()]);
}
