//! The browser's WebSocket to `/ws/chat`. Only the WASM build does anything
//! here; the server build has the same functions as no-ops (they are only
//! called from event handlers and effects, which never run on the server).

#[cfg(feature = "hydrate")]
mod imp {
    use super::super::model::{ChatModel, CodeProblem, Phase};
    use crate::protocol::chat::{ChatClientMsg, ChatServerMsg};
    use crate::protocol::{AgeBand, PROTOCOL_VERSION, Role, Topic, close_code, decode, encode};
    use leptos::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;
    use web_sys::{CloseEvent, MessageEvent, WebSocket};

    /// sessionStorage keys: a shared phone forgets both when the tab closes.
    const TOKEN_KEY: &str = "front-door.token";
    const OUTBOX_KEY: &str = "front-door.outbox";

    /// A message kept on the device until the service has stored it.
    #[derive(Clone)]
    struct Pending {
        client_id: String,
        text: String,
    }

    /// How to open the conversation when the socket opens.
    #[derive(Clone)]
    enum Opening {
        Start {
            role: Role,
            age_band: Option<AgeBand>,
            topic: Option<Topic>,
            nickname: Option<String>,
        },
        /// With a resume code (until the first join gives a token).
        Continue {
            code: String,
        },
        Resume,
    }

    struct Connection {
        model: ChatModel,
        socket: Option<WebSocket>,
        opening: Opening,
        joined: bool,
        /// Joined at least once (a token exists from then on).
        ever_joined: bool,
        attempts: u32,
        /// No more reconnects (ended, deleted, blocked, version mismatch).
        finished: bool,
        /// Closures must live as long as the socket.
        _handlers: Vec<Box<dyn std::any::Any>>,
    }

    thread_local! {
        static CONNECTION: RefCell<Option<Rc<RefCell<Connection>>>> = const { RefCell::new(None) };
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok()?
    }

    fn token() -> Option<String> {
        storage()?.get_item(TOKEN_KEY).ok()?
    }

    fn outbox() -> Vec<Pending> {
        storage()
            .and_then(|s| s.get_item(OUTBOX_KEY).ok().flatten())
            .map(|stored| super::decode_outbox(&stored))
            .unwrap_or_default()
            .into_iter()
            .map(|(client_id, text)| Pending { client_id, text })
            .collect()
    }

    fn save_outbox(outbox: &[Pending]) {
        if let Some(storage) = storage() {
            let pairs: Vec<(&str, &str)> = outbox
                .iter()
                .map(|p| (p.client_id.as_str(), p.text.as_str()))
                .collect();
            let _ = storage.set_item(OUTBOX_KEY, &super::encode_outbox(&pairs));
        }
    }

    fn forget() {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(TOKEN_KEY);
            let _ = storage.remove_item(OUTBOX_KEY);
        }
    }

    fn send_frame(socket: &WebSocket, msg: &ChatClientMsg) {
        let _ = socket.send_with_str(&encode(msg));
    }

    fn open(connection: &Rc<RefCell<Connection>>) {
        let Some(url) = crate::browser::socket_url("/ws/chat") else {
            return;
        };
        let Ok(socket) = WebSocket::new(&url) else {
            schedule_reconnect(connection);
            return;
        };
        let on_open = {
            let connection = Rc::clone(connection);
            Closure::<dyn FnMut()>::new(move || {
                let c = connection.borrow();
                let Some(socket) = c.socket.as_ref() else {
                    return;
                };
                let hello = match (&c.opening, token()) {
                    (_, Some(token)) => ChatClientMsg::Resume {
                        version: PROTOCOL_VERSION,
                        token,
                        last_seq: c.model.last_seq(),
                    },
                    (
                        Opening::Start {
                            role,
                            age_band,
                            topic,
                            nickname,
                        },
                        None,
                    ) => ChatClientMsg::Start {
                        version: PROTOCOL_VERSION,
                        role: *role,
                        age_band: *age_band,
                        topic: *topic,
                        nickname: nickname.clone(),
                    },
                    (Opening::Continue { code }, None) => ChatClientMsg::Continue {
                        version: PROTOCOL_VERSION,
                        code: code.clone(),
                    },
                    (Opening::Resume, None) => return,
                };
                send_frame(socket, &hello);
            })
        };
        let on_message = {
            let connection = Rc::clone(connection);
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                let Ok(msg) = decode::<ChatServerMsg>(&text) else {
                    return;
                };
                on_frame(&connection, msg);
            })
        };
        let on_close = {
            let connection = Rc::clone(connection);
            Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
                on_closed(&connection, event.code());
            })
        };
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let mut c = connection.borrow_mut();
        c.socket = Some(socket);
        c.joined = false;
        c._handlers = vec![Box::new(on_open), Box::new(on_message), Box::new(on_close)];
    }

    fn on_frame(connection: &Rc<RefCell<Connection>>, msg: ChatServerMsg) {
        let model = connection.borrow().model;
        if let ChatServerMsg::Joined { token, .. } = &msg {
            if let Some(storage) = storage() {
                let _ = storage.set_item(TOKEN_KEY, token);
            }
            let mut c = connection.borrow_mut();
            c.joined = true;
            c.ever_joined = true;
            c.attempts = 0;
            // Send what waited on the device, once per connection; the
            // service stores each client id only once.
            if let Some(socket) = c.socket.as_ref() {
                for pending in outbox() {
                    send_frame(
                        socket,
                        &ChatClientMsg::Send {
                            client_id: pending.client_id,
                            text: pending.text,
                        },
                    );
                }
            }
        }
        let ended = matches!(msg, ChatServerMsg::Ended { .. });
        let deleted = matches!(msg, ChatServerMsg::Deleted);
        if let Some(stored) = model.apply(msg) {
            let mut pending = outbox();
            pending.retain(|p| p.client_id != stored);
            save_outbox(&pending);
        }
        if ended {
            // No reconnecting to an ended talk, but the socket stays open
            // (and the token stays in this tab) so the person can still ask
            // for a resume code, also after a reload.
            connection.borrow_mut().finished = true;
        }
        if deleted {
            let mut c = connection.borrow_mut();
            c.finished = true;
            forget();
            if let Some(socket) = c.socket.take() {
                let _ = socket.close();
            }
        }
    }

    fn on_closed(connection: &Rc<RefCell<Connection>>, code: u16) {
        let model = connection.borrow().model;
        model.online.set(false);
        let (continuing, starting) = {
            let c = connection.borrow();
            (
                !c.ever_joined && matches!(c.opening, Opening::Continue { .. }),
                !c.ever_joined && matches!(c.opening, Opening::Start { .. }),
            )
        };
        if starting && code == close_code::TOO_FAST {
            // Too many new chats from this address: say so on the start
            // screen. Trying again at once would only count again.
            connection.borrow_mut().finished = true;
            model.start_refused.set(true);
            model.phase.set(Phase::Choose);
            return;
        }
        if continuing
            && matches!(
                code,
                close_code::UNKNOWN_CONVERSATION | close_code::TOO_FAST | close_code::BLOCKED
            )
        {
            // The code did not open anything: back to the start screen.
            connection.borrow_mut().finished = true;
            model.code_problem.set(Some(match code {
                close_code::TOO_FAST => CodeProblem::TooMany,
                close_code::BLOCKED => CodeProblem::Ended,
                _ => CodeProblem::Wrong,
            }));
            model.phase.set(Phase::Choose);
            return;
        }
        match code {
            close_code::CLOSED => {
                connection.borrow_mut().finished = true;
                model.closed.set(true);
                model.phase.set(Phase::Choose);
            }
            close_code::VERSION_MISMATCH => {
                connection.borrow_mut().finished = true;
                model.phase.set(Phase::ReloadNeeded);
            }
            close_code::UNKNOWN_CONVERSATION | close_code::BLOCKED => {
                connection.borrow_mut().finished = true;
                forget();
                if model.phase.get_untracked() != Phase::Deleted {
                    model.phase.set(Phase::Ended);
                }
            }
            _ => {}
        }
        if !connection.borrow().finished {
            schedule_reconnect(connection);
        }
    }

    /// Back-off with jitter: 0.5 s, 1 s, 2 s … up to 30 s.
    fn schedule_reconnect(connection: &Rc<RefCell<Connection>>) {
        let attempts = {
            let mut c = connection.borrow_mut();
            c.socket = None;
            c.attempts += 1;
            c.attempts
        };
        let base = (500.0 * 2f64.powi(attempts.min(6) as i32 - 1)).min(30_000.0);
        let delay = base / 2.0 + js_sys::Math::random() * base / 2.0;
        let connection = Rc::clone(connection);
        set_timeout(
            move || open(&connection),
            Duration::from_millis(delay as u64),
        );
    }

    fn begin(model: ChatModel, opening: Opening) {
        let connection = Rc::new(RefCell::new(Connection {
            model,
            socket: None,
            opening,
            joined: false,
            ever_joined: false,
            attempts: 0,
            finished: false,
            _handlers: Vec::new(),
        }));
        model.phase.set(Phase::Connecting);
        open(&connection);
        // Keep-alive: the server closes sockets silent for 75 s.
        let keep_alive = Rc::clone(&connection);
        let _ = set_interval_with_handle(
            move || {
                let c = keep_alive.borrow();
                if let (Some(socket), true) = (c.socket.as_ref(), c.joined) {
                    send_frame(socket, &ChatClientMsg::Ping);
                }
            },
            Duration::from_secs(25),
        );
        CONNECTION.with(|slot| *slot.borrow_mut() = Some(connection));
    }

    /// Opens a new conversation.
    pub fn start(
        model: ChatModel,
        role: Role,
        age_band: Option<AgeBand>,
        topic: Option<Topic>,
        nickname: Option<String>,
    ) {
        stop();
        model.start_refused.set(false);
        begin(
            model,
            Opening::Start {
                role,
                age_band,
                topic,
                nickname,
            },
        );
    }

    /// Continues an anonymous course with its resume code.
    pub fn continue_with_code(model: ChatModel, code: String) {
        stop();
        model.code_problem.set(None);
        begin(model, Opening::Continue { code });
    }

    /// Asks for a resume code (shown when it arrives).
    pub fn request_code() {
        with_joined(|socket| send_frame(socket, &ChatClientMsg::RequestCode));
    }

    /// Leaves an ended talk for a new chat: this tab forgets it.
    pub fn new_chat(model: ChatModel) {
        stop();
        forget();
        model.messages.set(Vec::new());
        model.counsellor.set(None);
        model.queue.set(None);
        model.code.set(None);
        model.read_up_to.set(0);
        model.phase.set(Phase::Choose);
    }

    /// Closes an earlier connection of this page for good.
    fn stop() {
        CONNECTION.with(|slot| {
            if let Some(connection) = slot.borrow_mut().take() {
                let mut c = connection.borrow_mut();
                c.finished = true;
                if let Some(socket) = c.socket.take() {
                    // Its late events must not touch the page's new state.
                    socket.set_onopen(None);
                    socket.set_onmessage(None);
                    socket.set_onclose(None);
                    let _ = socket.close();
                }
            }
        });
    }

    /// Reattaches to the conversation of this tab, if there is one; shows
    /// what was still waiting to be sent.
    pub fn resume_if_any(model: ChatModel) {
        if token().is_none() {
            return;
        }
        for pending in outbox() {
            model.add_pending(&pending.client_id, &pending.text);
        }
        begin(model, Opening::Resume);
    }

    fn with_joined(f: impl FnOnce(&WebSocket)) {
        CONNECTION.with(|slot| {
            if let Some(connection) = slot.borrow().as_ref() {
                let c = connection.borrow();
                if let (Some(socket), true) = (c.socket.as_ref(), c.joined) {
                    f(socket);
                }
            }
        });
    }

    /// Sends a message: shown at once, kept on the device until stored.
    pub fn send_text(model: ChatModel, text: String) {
        let client_id = crate::browser::new_client_id('m');
        let mut pending = outbox();
        pending.push(Pending {
            client_id: client_id.clone(),
            text: text.clone(),
        });
        save_outbox(&pending);
        model.add_pending(&client_id, &text);
        with_joined(|socket| send_frame(socket, &ChatClientMsg::Send { client_id, text }));
    }

    /// Tells the counsellor the person is typing.
    pub fn typing() {
        with_joined(|socket| send_frame(socket, &ChatClientMsg::Typing));
    }

    /// Ends the conversation.
    pub fn end() {
        with_joined(|socket| send_frame(socket, &ChatClientMsg::End));
    }

    /// Ends and deletes the conversation now.
    pub fn delete_now() {
        with_joined(|socket| send_frame(socket, &ChatClientMsg::Delete));
    }
}

/// The outbox as stored in sessionStorage: for each message its client id
/// (printable ASCII, no spaces), the text's length in bytes, and the text:
/// `id len text` back to back. Plain string handling instead of JSON keeps
/// serde's generic code out of the WASM.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn encode_outbox(messages: &[(&str, &str)]) -> String {
    messages
        .iter()
        .map(|(id, text)| format!("{id} {} {text}", text.len()))
        .collect()
}

/// Reads [`encode_outbox`]'s format; stops at anything malformed.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn decode_outbox(mut stored: &str) -> Vec<(String, String)> {
    let mut messages = Vec::new();
    while !stored.is_empty() {
        let Some((id, rest)) = stored.split_once(' ') else {
            break;
        };
        let Some((len, rest)) = rest.split_once(' ') else {
            break;
        };
        let Some(text) = len.parse::<usize>().ok().and_then(|len| rest.get(..len)) else {
            break;
        };
        messages.push((id.to_owned(), text.to_owned()));
        stored = &rest[text.len()..];
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outbox_round_trips_any_text() {
        let messages = [
            ("m1-1", "hej"),
            ("m1-2", "to linjer\nmed mellemrum og 7 tal"),
            ("m1-3", "æøå 🙂 "),
        ];
        let decoded = decode_outbox(&encode_outbox(&messages));
        let expected: Vec<(String, String)> = messages
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        assert_eq!(decoded, expected);
        assert!(decode_outbox("").is_empty());
        assert_eq!(
            decode_outbox("m1 999 short").len(),
            0,
            "a cut-off record is dropped"
        );
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    use super::super::model::ChatModel;
    use crate::protocol::{AgeBand, Role, Topic};

    /// Server build: sockets are opened by the browser.
    pub fn start(
        _model: ChatModel,
        _role: Role,
        _age_band: Option<AgeBand>,
        _topic: Option<Topic>,
        _nickname: Option<String>,
    ) {
    }
    /// Server build: sockets are opened by the browser.
    pub fn continue_with_code(_model: ChatModel, _code: String) {}
    /// Server build: no socket.
    pub fn request_code() {}
    /// Server build: no socket.
    pub fn new_chat(_model: ChatModel) {}
    /// Server build: nothing to resume.
    pub fn resume_if_any(_model: ChatModel) {}
    /// Server build: no socket.
    pub fn send_text(_model: ChatModel, _text: String) {}
    /// Server build: no socket.
    pub fn typing() {}
    /// Server build: no socket.
    pub fn end() {}
    /// Server build: no socket.
    pub fn delete_now() {}
}

pub use imp::{
    continue_with_code, delete_now, end, new_chat, request_code, resume_if_any, send_text, start,
    typing,
};
