//! The real server binary killed with SIGKILL mid-conversation and started
//! again on the same database: nothing acknowledged is lost, nothing is
//! duplicated, and the browser's retry of an unacknowledged message is
//! stored exactly once.

use crate::helpers::{ServerProcess, free_port};
use crate::live::{Socket, connect_to, expect, send};
use app::protocol::PROTOCOL_VERSION;
use app::protocol::chat::{ChatClientMsg, ChatServerMsg};

async fn ack(socket: &mut Socket, id: &str) -> u64 {
    let id = id.to_owned();
    expect(socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Ack { client_id, seq } if *client_id == id => Some(*seq),
        _ => None,
    })
    .await
}

#[tokio::test]
async fn a_conversation_survives_the_server_being_killed_and_restarted() {
    let data_dir = std::env::temp_dir().join(crate::helpers::unique_name("front-door-kill"));
    let port = free_port();
    let address = format!("http://127.0.0.1:{port}");
    let server = ServerProcess::start(&data_dir, port, None).await;

    let crate::live::Visitor { mut socket, token } = crate::live::start_chat_at(&address).await;
    for i in 1..=5 {
        let id = format!("m{i}");
        send(
            &mut socket,
            &ChatClientMsg::Send {
                client_id: id.clone(),
                text: format!("message {i}"),
            },
        )
        .await;
        assert_eq!(ack(&mut socket, &id).await, i);
    }
    // The sixth is in flight when the power goes: stored or not, unknown.
    send(
        &mut socket,
        &ChatClientMsg::Send {
            client_id: "m6".into(),
            text: "message 6".into(),
        },
    )
    .await;
    server.kill();

    let server = ServerProcess::start(&data_dir, port, None).await;
    let mut socket = connect_to(&address, "/ws/chat", None)
        .await
        .expect("upgrade after restart");
    send(
        &mut socket,
        &ChatClientMsg::Resume {
            version: PROTOCOL_VERSION,
            token,
            last_seq: 0,
        },
    )
    .await;
    let mut seen = Vec::new();
    // The browser resends what it has no ack for, with the same id.
    send(
        &mut socket,
        &ChatClientMsg::Send {
            client_id: "m6".into(),
            text: "message 6".into(),
        },
    )
    .await;
    let seq6 = loop {
        match crate::live::next::<ChatServerMsg>(&mut socket).await {
            crate::live::Next::Frame(ChatServerMsg::Message(message)) => {
                seen.push((message.seq, message.client_id))
            }
            crate::live::Next::Frame(ChatServerMsg::Ack { client_id, seq })
                if client_id == "m6" =>
            {
                break seq;
            }
            crate::live::Next::Frame(_) => {}
            crate::live::Next::Closed(frame) => panic!("closed: {frame:?}"),
        }
    };
    assert_eq!(
        seq6, 6,
        "the retry is stored once, right after the acknowledged five"
    );
    send(&mut socket, &ChatClientMsg::Ping).await;
    loop {
        match crate::live::next::<ChatServerMsg>(&mut socket).await {
            crate::live::Next::Frame(ChatServerMsg::Message(message)) => {
                seen.push((message.seq, message.client_id))
            }
            crate::live::Next::Frame(ChatServerMsg::Pong) => break,
            crate::live::Next::Frame(_) => {}
            crate::live::Next::Closed(frame) => panic!("closed: {frame:?}"),
        }
    }
    let expected: Vec<(u64, String)> = (1..=6).map(|i| (i, format!("m{i}"))).collect();
    assert_eq!(
        seen, expected,
        "every message exactly once, in order, without gaps"
    );
    drop(server);
    let _ = std::fs::remove_dir_all(data_dir);
}
