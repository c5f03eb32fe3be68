//! The real server binary killed with SIGKILL mid-conversation and started
//! again on the same database: nothing acknowledged is lost, nothing is
//! duplicated, and the browser's retry of an unacknowledged message is
//! stored exactly once.

use crate::live::{Socket, connect_to, expect, send};
use app::protocol::PROTOCOL_VERSION;
use app::protocol::chat::{ChatClientMsg, ChatServerMsg};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct ServerProcess {
    child: Child,
}

impl ServerProcess {
    async fn start(data_dir: &Path, port: u16) -> ServerProcess {
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env("FRONT_DOOR_ADDR", format!("127.0.0.1:{port}"))
            .env("FRONT_DOOR_DATA_DIR", data_dir)
            .env("FRONT_DOOR_SITE_ROOT", data_dir.join("site"))
            .env_remove("DATABASE_URL")
            // Open around the clock, so the test passes at any hour.
            .env(
                "FRONT_DOOR_CONFIG",
                concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../end2end/front-door.e2e.toml"
                ),
            )
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server binary starts");
        // Owned from here on: killed and reaped by Drop on any failure.
        let server = ServerProcess { child };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(response) = client
                .get(format!("http://127.0.0.1:{port}/readyz"))
                .send()
                .await
                && response.status() == 200
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become ready");
    }

    fn kill(mut self) {
        // SIGKILL: no graceful shutdown, no flushing, like a power cut.
        self.child.kill().expect("kill");
        self.child.wait().expect("reaped");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

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
    let server = ServerProcess::start(&data_dir, port).await;

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

    let server = ServerProcess::start(&data_dir, port).await;
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
