//! WebSocket clients for tests: a visitor and a counsellor console, speaking
//! the shared protocol through tokio-tungstenite.

use crate::helpers::TestApp;
use app::protocol::chat::{ChatClientMsg, ChatServerMsg};
use app::protocol::console::{ConsoleClientMsg, ConsoleServerMsg};
use app::protocol::{PROTOCOL_VERSION, Role};
use futures::{SinkExt, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use server::auth::counsellors::{self, FirstName, Login, NewCounsellor};
use server::auth::password::{NewPassword, Password};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Message, http};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// How long a test waits for a frame before failing.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// The password every test counsellor gets.
pub const PASSWORD: &str = "a long test password";

/// Opens a socket with this site's Origin (and optional cookie).
pub async fn connect(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    connect_to(&app.address, path, cookie).await
}

/// [`connect`] to a server at `address` (`http://host:port`).
pub async fn connect_to(
    address: &str,
    path: &str,
    cookie: Option<&str>,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let url = format!("{}{path}", address.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().expect("a valid URL");
    let origin = address.to_owned();
    request.headers_mut().insert(
        "origin",
        http::HeaderValue::from_str(&origin).expect("ascii"),
    );
    if let Some(cookie) = cookie {
        request.headers_mut().insert(
            "cookie",
            http::HeaderValue::from_str(cookie).expect("ascii"),
        );
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
}

/// Sends one protocol frame.
pub async fn send<T: Serialize>(socket: &mut Socket, msg: &T) {
    let text = serde_json::to_string(msg).expect("serialises");
    socket
        .send(Message::text(text))
        .await
        .expect("the frame is sent");
}

/// Sends raw text.
pub async fn send_raw(socket: &mut Socket, text: &str) {
    socket
        .send(Message::text(text.to_owned()))
        .await
        .expect("the frame is sent");
}

/// What arrived next: a protocol frame, or the close frame.
#[derive(Debug)]
pub enum Next<T> {
    Frame(T),
    Closed(Option<CloseFrame>),
}

/// The next frame (skipping pings), or the close.
pub async fn next<T: DeserializeOwned>(socket: &mut Socket) -> Next<T> {
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("a frame arrives in time");
        match message {
            Some(Ok(Message::Text(text))) => {
                return Next::Frame(
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
                );
            }
            Some(Ok(Message::Close(frame))) => return Next::Closed(frame),
            Some(Ok(_)) => continue,
            None | Some(Err(_)) => return Next::Closed(None),
        }
    }
}

/// The next frame for which `keep` returns `Some`, skipping others.
pub async fn expect<T: DeserializeOwned + std::fmt::Debug, R>(
    socket: &mut Socket,
    mut keep: impl FnMut(&T) -> Option<R>,
) -> R {
    loop {
        match next::<T>(socket).await {
            Next::Frame(frame) => {
                if let Some(result) = keep(&frame) {
                    return result;
                }
            }
            Next::Closed(frame) => panic!("closed while waiting: {frame:?}"),
        }
    }
}

/// The close code the server ends with (skipping frames before it).
pub async fn close_code<T: DeserializeOwned>(socket: &mut Socket) -> Option<u16> {
    loop {
        if let Next::Closed(frame) = next::<T>(socket).await {
            return frame.map(|f| u16::from(f.code));
        }
    }
}

/// A visitor with an open conversation.
pub struct Visitor {
    pub socket: Socket,
    pub token: String,
}

/// The first frame of a young person's new chat.
pub fn start_frame() -> ChatClientMsg {
    ChatClientMsg::Start {
        version: PROTOCOL_VERSION,
        role: Role::YoungPerson,
        age_band: None,
        topic: None,
        nickname: None,
    }
}

/// Starts a new chat as a young person; returns after `joined`.
pub async fn start_chat(app: &TestApp) -> Visitor {
    start_chat_at(&app.address).await
}

/// [`start_chat`] on a server at `address` (`http://host:port`).
pub async fn start_chat_at(address: &str) -> Visitor {
    let mut socket = connect_to(address, "/ws/chat", None)
        .await
        .expect("upgrade");
    send(&mut socket, &start_frame()).await;
    let token = expect(&mut socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Joined { token, .. } => Some(token.clone()),
        _ => None,
    })
    .await;
    Visitor { socket, token }
}

/// Sends a message and waits for its acknowledgement; returns its seq.
pub async fn visitor_says(visitor: &mut Visitor, client_id: &str, text: &str) -> u64 {
    send(
        &mut visitor.socket,
        &ChatClientMsg::Send {
            client_id: client_id.into(),
            text: text.into(),
        },
    )
    .await;
    let id = client_id.to_owned();
    expect(&mut visitor.socket, |m: &ChatServerMsg| match m {
        ChatServerMsg::Ack { client_id, seq } if *client_id == id => Some(*seq),
        _ => None,
    })
    .await
}

/// Creates a counsellor account and logs in; returns the session cookie.
pub async fn log_in_counsellor(app: &TestApp, login: &str, first_name: &str) -> String {
    counsellors::create(
        &app.db,
        NewCounsellor {
            login: Login::parse(login).expect("valid login"),
            first_name: FirstName::parse(first_name).expect("valid name"),
            role: counsellors::Role::Counsellor,
        },
        NewPassword::parse(Password::new(PASSWORD.to_owned())).expect("valid password"),
    )
    .await
    .expect("account created");
    let response = app
        .client
        .post(format!("{}/api/session", app.address))
        .header("origin", app.address.clone())
        .json(&serde_json::json!({ "login": login, "password": PASSWORD }))
        .send()
        .await
        .expect("login answered");
    assert_eq!(response.status(), 200, "login works");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    cookie.split(';').next().expect("name=value").to_owned()
}

/// Opens a console for a logged-in counsellor; returns after the queue.
pub async fn open_console(app: &TestApp, cookie: &str) -> Socket {
    let mut socket = connect(app, "/ws/console", Some(cookie))
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

/// The id of the oldest waiting conversation in the next queue snapshot
/// that has one.
pub async fn first_waiting(console: &mut Socket) -> i64 {
    expect(console, |m: &ConsoleServerMsg| match m {
        ConsoleServerMsg::Queue { waiting, .. } => waiting.first().map(|e| e.conversation),
        _ => None,
    })
    .await
}
