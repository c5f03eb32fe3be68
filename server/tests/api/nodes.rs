//! Several server nodes on one PostgreSQL database: a young person on one
//! node and a counsellor on another talk as if on one server; two
//! counsellors on two nodes claiming one chat get exactly one winner; a node
//! whose LISTEN connection drops catches up; and a node killed with SIGKILL
//! loses nothing: its clients resume on the other node from their last
//! sequence number. (SQLite is one node by nature: these run on PostgreSQL.)

use crate::helpers::{
    Database, ServerProcess, TestApp, free_port, postgres_url, spawn_with, test_settings,
};
use crate::live::{
    PASSWORD, Socket, Visitor, connect_to, expect, first_waiting, log_in_counsellor, next,
    open_console, send, start_chat, visitor_says,
};
use app::protocol::chat::{ChatClientMsg, ChatServerMsg};
use app::protocol::console::{ConsoleClientMsg, ConsoleServerMsg};
use app::protocol::{ErrorCode, PROTOCOL_VERSION, Sender};
use std::time::Duration;

/// Two nodes (in this process) on one fresh PostgreSQL schema.
async fn two_nodes() -> (TestApp, TestApp) {
    let (settings, schema) = test_settings(Database::Postgres).await;
    let first = spawn_with(settings.clone(), schema).await;
    // Same database and data folder (the same master key), its own port;
    // the first node owns the schema's clean-up.
    let second = spawn_with(settings, None).await;
    (first, second)
}

/// A console for `cookie` on `node` (the login may come from another node).
async fn console_on(node: &TestApp, cookie: &str) -> Socket {
    open_console(node, cookie).await
}

/// The console's next frame about a message in `conversation`.
async fn console_hears(console: &mut Socket, conversation: i64) -> (u64, String) {
    expect(console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Message {
            conversation: c,
            message,
        } if *c == conversation => Some((message.seq, message.text.clone())),
        _ => None,
    })
    .await
}

/// The visitor's next message frame.
async fn visitor_hears(socket: &mut Socket) -> (u64, String) {
    expect(socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Message(message) => Some((message.seq, message.text.clone())),
        _ => None,
    })
    .await
}

/// Claims the next waiting chat on `console`; returns its id.
async fn claim_next(console: &mut Socket) -> i64 {
    let id = first_waiting(console).await;
    send(console, &ConsoleClientMsg::Claim { conversation: id }).await;
    expect(console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Claimed { entry } if entry.conversation == id => Some(()),
        _ => None,
    })
    .await;
    id
}

#[tokio::test]
async fn a_young_person_on_one_node_and_a_counsellor_on_another_talk() {
    let (a, b) = two_nodes().await;
    // Logged in through node A, working on node B: the session is in the
    // database, not in a node's memory.
    let cookie = log_in_counsellor(&a, "anna", "Anna").await;
    let mut console = console_on(&b, &cookie).await;

    let mut visitor = start_chat(&a).await;
    let id = claim_next(&mut console).await;
    let joined = expect(&mut visitor.socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::CounsellorJoined { first_name } => Some(first_name.clone()),
        _ => None,
    })
    .await;
    assert_eq!(joined, "Anna", "the claim on node B reaches node A");

    assert_eq!(visitor_says(&mut visitor, "v1", "hej").await, 1);
    assert_eq!(
        console_hears(&mut console, id).await,
        (1, "hej".to_owned()),
        "node A's message reaches the console on node B"
    );

    send(&mut console, &ConsoleClientMsg::Typing { conversation: id }).await;
    expect(&mut visitor.socket, |m: &ChatServerMsg| {
        matches!(m, ChatServerMsg::Typing).then_some(())
    })
    .await;
    send(&mut visitor.socket, &ChatClientMsg::Typing).await;
    expect(&mut console, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Typing { conversation } if *conversation == id).then_some(())
    })
    .await;

    send(
        &mut console,
        &ConsoleClientMsg::Send {
            conversation: id,
            client_id: "c1".into(),
            text: "hej, jeg hedder Anna".into(),
        },
    )
    .await;
    assert_eq!(
        visitor_hears(&mut visitor.socket).await,
        (2, "hej, jeg hedder Anna".to_owned()),
        "node B's message reaches the young person on node A"
    );

    // Presence: node A knows Anna is on duty (at node B).
    let on_duty = wait_for(|| {
        a.chat
            .hub
            .members()
            .iter()
            .any(|(_, member)| member.first_name == "Anna")
    })
    .await;
    assert!(on_duty, "node A sees the counsellor on node B as on duty");

    send(
        &mut console,
        &ConsoleClientMsg::Close {
            conversation: id,
            outcome: app::protocol::console::Outcome::Other,
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

/// Polls a condition for a while (events between nodes take a moment).
async fn wait_for(mut condition: impl FnMut() -> bool) -> bool {
    for _ in 0..200 {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn two_counsellors_on_two_nodes_claiming_one_chat_get_one_winner() {
    let (a, b) = two_nodes().await;
    let anna = log_in_counsellor(&a, "anna", "Anna").await;
    let bo = log_in_counsellor(&b, "bo", "Bo").await;
    let mut on_a = console_on(&a, &anna).await;
    let mut on_b = console_on(&b, &bo).await;
    for round in 0..5 {
        let mut visitor = start_chat(&a).await;
        let id = first_waiting(&mut on_a).await;
        let seen_on_b = expect(&mut on_b, |m: &ConsoleServerMsg| match m {
            ConsoleServerMsg::Queue { waiting, .. } => {
                waiting.iter().any(|e| e.conversation == id).then_some(())
            }
            _ => None,
        });
        seen_on_b.await;
        // Both at once, on two nodes.
        let claim = ConsoleClientMsg::Claim { conversation: id };
        tokio::join!(send(&mut on_a, &claim), send(&mut on_b, &claim));
        let outcome = |socket: &'static str| {
            move |m: &ConsoleServerMsg| match m {
                ConsoleServerMsg::Claimed { entry } if entry.conversation == id => {
                    Some((socket, true))
                }
                ConsoleServerMsg::Error {
                    code: ErrorCode::AlreadyTaken,
                    conversation: Some(c),
                    ..
                } if *c == id => Some((socket, false)),
                _ => None,
            }
        };
        let (a_won, b_won) = tokio::join!(
            expect(&mut on_a, outcome("a")),
            expect(&mut on_b, outcome("b"))
        );
        assert!(
            a_won.1 ^ b_won.1,
            "round {round}: exactly one node's counsellor has the chat"
        );
        let winner = if a_won.1 { &mut on_a } else { &mut on_b };
        send(
            winner,
            &ConsoleClientMsg::Close {
                conversation: id,
                outcome: app::protocol::console::Outcome::Other,
            },
        )
        .await;
        expect(&mut visitor.socket, |m: &ChatServerMsg| {
            matches!(m, ChatServerMsg::Ended { .. }).then_some(())
        })
        .await;
    }
}

#[tokio::test]
async fn a_node_whose_listen_connection_drops_listens_again_and_catches_up() {
    let (a, b) = two_nodes().await;
    let cookie = log_in_counsellor(&a, "anna", "Anna").await;
    let mut console = console_on(&b, &cookie).await;
    let mut visitor = start_chat(&a).await;
    let id = claim_next(&mut console).await;
    assert_eq!(visitor_says(&mut visitor, "v1", "one").await, 1);
    assert_eq!(console_hears(&mut console, id).await.0, 1);

    // Cut node B's LISTEN connection, as a network blip or a restarted
    // connection pooler would, and talk at once: some of these are
    // announced while node B is not listening.
    let node_b = b.chat.node.clone().expect("PostgreSQL nodes are clustered");
    terminate(&node_b.listener_name()).await;
    for i in 2..=6 {
        assert_eq!(
            visitor_says(&mut visitor, &format!("v{i}"), "more").await,
            i
        );
    }
    let mut heard = Vec::new();
    while heard.len() < 5 {
        heard.push(console_hears(&mut console, id).await.0);
    }
    assert_eq!(
        heard,
        vec![2, 3, 4, 5, 6],
        "every message once, in order, after the reconnect"
    );
    // And it listens again: the next message arrives as usual.
    assert_eq!(visitor_says(&mut visitor, "v7", "again").await, 7);
    assert_eq!(console_hears(&mut console, id).await.0, 7);
}

/// Ends the PostgreSQL backend of the connection with this
/// `application_name` (the listener of one node), as a network cut would.
async fn terminate(application_name: &str) {
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(&postgres_url())
        .await
        .expect("PostgreSQL answers");
    let ended: Vec<(bool,)> = sqlx::query_as(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
    )
    .bind(application_name)
    .fetch_all(&mut admin)
    .await
    .expect("terminate the listener");
    assert_eq!(ended.len(), 1, "one listener connection per node");
}

/// Logs in through `address`; returns the session cookie.
async fn log_in_at(address: &str, login: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!("{address}/api/session"))
        .header("origin", address)
        .json(&serde_json::json!({ "login": login, "password": PASSWORD }))
        .send()
        .await
        .expect("login answered");
    assert_eq!(response.status(), 200, "login works");
    response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("name=value")
        .to_owned()
}

async fn console_at(address: &str, cookie: &str) -> Socket {
    let mut socket = connect_to(address, "/ws/console", Some(cookie))
        .await
        .expect("upgrade");
    send(
        &mut socket,
        &ConsoleClientMsg::Hello {
            version: PROTOCOL_VERSION,
        },
    )
    .await;
    expect(&mut socket, |m: &ConsoleServerMsg| {
        matches!(m, ConsoleServerMsg::Welcome { .. }).then_some(())
    })
    .await;
    socket
}

/// What a visitor's socket says until a `Pong`: its message seqs and
/// acknowledged client ids.
async fn visitor_drain(socket: &mut Socket, seen: &mut Vec<u64>, acked: &mut Vec<String>) {
    send(socket, &ChatClientMsg::Ping).await;
    loop {
        match next::<ChatServerMsg>(socket).await {
            crate::live::Next::Frame(ChatServerMsg::Message(m)) => seen.push(m.seq),
            crate::live::Next::Frame(ChatServerMsg::Ack { client_id, .. }) => acked.push(client_id),
            crate::live::Next::Frame(ChatServerMsg::Pong) => return,
            crate::live::Next::Frame(_) => {}
            crate::live::Next::Closed(frame) => panic!("closed: {frame:?}"),
        }
    }
}

/// The same for a console: message seqs of `id` and acknowledged ids.
async fn console_drain(socket: &mut Socket, id: i64, seen: &mut Vec<u64>, acked: &mut Vec<String>) {
    send(socket, &ConsoleClientMsg::Ping).await;
    loop {
        match next::<ConsoleServerMsg>(socket).await {
            crate::live::Next::Frame(ConsoleServerMsg::Message {
                conversation,
                message,
            }) if conversation == id => seen.push(message.seq),
            crate::live::Next::Frame(ConsoleServerMsg::Ack { client_id, .. }) => {
                acked.push(client_id)
            }
            crate::live::Next::Frame(ConsoleServerMsg::Pong) => return,
            crate::live::Next::Frame(_) => {}
            crate::live::Next::Closed(frame) => panic!("closed: {frame:?}"),
        }
    }
}

#[tokio::test]
async fn a_node_killed_mid_conversation_loses_nothing_its_clients_resume_on_the_other() {
    // The schema (and its clean-up) belong to an in-process node, which
    // also creates the counsellor; two real server processes serve.
    let (settings, schema) = test_settings(Database::Postgres).await;
    let url = settings.database_url();
    let data_dir = settings.data_dir.clone();
    let owner = spawn_with(settings, schema).await;
    log_in_counsellor(&owner, "anna", "Anna").await;
    let doomed = ServerProcess::start(&data_dir, free_port(), Some(&url)).await;
    let survivor = ServerProcess::start(&data_dir, free_port(), Some(&url)).await;

    // Both the young person and the counsellor are on the doomed node.
    let cookie = log_in_at(&doomed.address, "anna").await;
    let mut console = console_at(&doomed.address, &cookie).await;
    let Visitor { mut socket, token } = crate::live::start_chat_at(&doomed.address).await;
    let id = first_waiting(&mut console).await;
    send(&mut console, &ConsoleClientMsg::Claim { conversation: id }).await;
    let (mut visitor_seen, mut visitor_acked) = (Vec::new(), Vec::new());
    let (mut console_seen, mut console_acked) = (Vec::new(), Vec::new());
    for i in 1..=3 {
        send(
            &mut socket,
            &ChatClientMsg::Send {
                client_id: format!("v{i}"),
                text: format!("visitor {i}"),
            },
        )
        .await;
        send(
            &mut console,
            &ConsoleClientMsg::Send {
                conversation: id,
                client_id: format!("c{i}"),
                text: format!("counsellor {i}"),
            },
        )
        .await;
    }
    visitor_drain(&mut socket, &mut visitor_seen, &mut visitor_acked).await;
    console_drain(&mut console, id, &mut console_seen, &mut console_acked).await;
    // In flight when the node dies: stored or not, nobody knows.
    send(
        &mut socket,
        &ChatClientMsg::Send {
            client_id: "v4".into(),
            text: "visitor 4".into(),
        },
    )
    .await;
    send(
        &mut console,
        &ConsoleClientMsg::Send {
            conversation: id,
            client_id: "c4".into(),
            text: "counsellor 4".into(),
        },
    )
    .await;
    doomed.kill();
    // What arrived before the kill still counts.
    drain_after_kill_visitor(&mut socket, &mut visitor_seen, &mut visitor_acked).await;
    drain_after_kill_console(&mut console, id, &mut console_seen, &mut console_acked).await;

    // Both reconnect to the surviving node and resume from their last seq;
    // the browser resends what has no ack, with the same client id.
    let last_visitor = visitor_seen.iter().copied().max().unwrap_or(0);
    let mut socket = connect_to(&survivor.address, "/ws/chat", None)
        .await
        .expect("the other node takes the young person");
    send(
        &mut socket,
        &ChatClientMsg::Resume {
            version: PROTOCOL_VERSION,
            token,
            last_seq: last_visitor,
        },
    )
    .await;
    let mut console = console_at(&survivor.address, &cookie).await;
    let last_console = console_seen.iter().copied().max().unwrap_or(0);
    send(
        &mut console,
        &ConsoleClientMsg::Open {
            conversation: id,
            last_seq: last_console,
        },
    )
    .await;
    if !visitor_acked.iter().any(|a| a == "v4") {
        send(
            &mut socket,
            &ChatClientMsg::Send {
                client_id: "v4".into(),
                text: "visitor 4".into(),
            },
        )
        .await;
    }
    if !console_acked.iter().any(|a| a == "c4") {
        send(
            &mut console,
            &ConsoleClientMsg::Send {
                conversation: id,
                client_id: "c4".into(),
                text: "counsellor 4".into(),
            },
        )
        .await;
    }
    // And the talk goes on, across the surviving node only.
    send(
        &mut socket,
        &ChatClientMsg::Send {
            client_id: "v5".into(),
            text: "visitor 5".into(),
        },
    )
    .await;
    send(
        &mut console,
        &ConsoleClientMsg::Send {
            conversation: id,
            client_id: "c5".into(),
            text: "counsellor 5".into(),
        },
    )
    .await;
    // Ten messages in all: wait until both sides have every one.
    for _ in 0..40 {
        visitor_drain(&mut socket, &mut visitor_seen, &mut visitor_acked).await;
        console_drain(&mut console, id, &mut console_seen, &mut console_acked).await;
        if visitor_seen.len() >= 10 && console_seen.len() >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let all: Vec<u64> = (1..=10).collect();
    assert_eq!(
        visitor_seen, all,
        "the young person has every message exactly once, in order"
    );
    assert_eq!(
        console_seen, all,
        "the counsellor has every message exactly once, in order"
    );
    for id in ["v1", "v2", "v3", "v4", "v5"] {
        assert!(visitor_acked.iter().any(|a| a == id), "{id} acknowledged");
    }
    for id in ["c1", "c2", "c3", "c4", "c5"] {
        assert!(console_acked.iter().any(|a| a == id), "{id} acknowledged");
    }
    drop(survivor);
    drop(owner);
}

/// Reads what a visitor's socket still delivers after its node died, until
/// it closes.
async fn drain_after_kill_visitor(
    socket: &mut Socket,
    seen: &mut Vec<u64>,
    acked: &mut Vec<String>,
) {
    loop {
        match next::<ChatServerMsg>(socket).await {
            crate::live::Next::Frame(ChatServerMsg::Message(m)) => seen.push(m.seq),
            crate::live::Next::Frame(ChatServerMsg::Ack { client_id, .. }) => acked.push(client_id),
            crate::live::Next::Frame(_) => {}
            crate::live::Next::Closed(_) => return,
        }
    }
}

async fn drain_after_kill_console(
    socket: &mut Socket,
    id: i64,
    seen: &mut Vec<u64>,
    acked: &mut Vec<String>,
) {
    loop {
        match next::<ConsoleServerMsg>(socket).await {
            crate::live::Next::Frame(ConsoleServerMsg::Message {
                conversation,
                message,
            }) if conversation == id => seen.push(message.seq),
            crate::live::Next::Frame(ConsoleServerMsg::Ack { client_id, .. }) => {
                acked.push(client_id)
            }
            crate::live::Next::Frame(_) => {}
            crate::live::Next::Closed(_) => return,
        }
    }
}
