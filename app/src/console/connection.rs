//! The console's WebSocket to `/ws/console`: says hello, feeds every frame
//! to the [`ConsoleModel`], reopens this counsellor's chats after each
//! (re)connect, resends what was not acknowledged, pings every 25 seconds
//! (the server closes sockets silent for 75), and reconnects with back-off.
//!
//! One connection per page, kept in a thread-local: the browser has one
//! thread, and event handlers reach it from anywhere without props.

use super::api;
use super::model::{ConsoleModel, Ending, FollowUp, Link, Session};
use crate::protocol::console::{ConsoleClientMsg, ConsoleServerMsg, Outcome};
use crate::protocol::{PROTOCOL_VERSION, close_code, decode, encode};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// How long "is typing…" stays after the person's last keystroke frame.
const TYPING_SHOWN: Duration = Duration::from_secs(6);

/// The console tells the person at most this often that it is typing.
const TYPING_EVERY_MS: f64 = 3_000.0;

/// Keep-alive interval (the server's idle timeout is 75 s).
const PING_EVERY: Duration = Duration::from_secs(25);

/// After a frame was dropped for speed, wait this long before resending.
const RESEND_AFTER: Duration = Duration::from_millis(1_500);

struct Connection {
    model: ConsoleModel,
    socket: Option<WebSocket>,
    /// The current socket opened (a refused upgrade never does).
    opened: bool,
    /// The server's welcome arrived on the current socket.
    welcomed: bool,
    /// Failed attempts since the last welcome (for back-off).
    attempts: u32,
    /// No more reconnects: logged out, or a reload is needed.
    finished: bool,
    /// When this console last sent `typing` per chat (ms).
    typing_sent: HashMap<i64, f64>,
    /// Closures must live as long as the socket.
    handlers: Vec<Box<dyn std::any::Any>>,
    /// The keep-alive timer.
    keep_alive: Option<IntervalHandle>,
}

thread_local! {
    static CONNECTION: RefCell<Option<Rc<RefCell<Connection>>>> = const { RefCell::new(None) };
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

fn current() -> Option<Rc<RefCell<Connection>>> {
    CONNECTION.with(|slot| slot.borrow().clone())
}

/// Sends a frame if the socket is welcomed; `false` otherwise (the caller's
/// state is resent after the next welcome where that matters).
fn send(msg: &ConsoleClientMsg) -> bool {
    let Some(connection) = current() else {
        return false;
    };
    let c = connection.borrow();
    match (&c.socket, c.welcomed) {
        (Some(socket), true) => socket.send_with_str(&encode(msg)).is_ok(),
        _ => false,
    }
}

/// Starts the connection for a logged-in counsellor (replacing any earlier
/// one of this page).
pub fn start(model: ConsoleModel) {
    stop();
    let keep_alive = set_interval_with_handle(
        || {
            send(&ConsoleClientMsg::Ping);
        },
        PING_EVERY,
    )
    .ok();
    let connection = Rc::new(RefCell::new(Connection {
        model,
        socket: None,
        opened: false,
        welcomed: false,
        attempts: 0,
        finished: false,
        typing_sent: HashMap::new(),
        handlers: Vec::new(),
        keep_alive,
    }));
    CONNECTION.with(|slot| *slot.borrow_mut() = Some(Rc::clone(&connection)));
    model.link.set(Link::Connecting);
    open(&connection);
}

/// Closes the connection for good (logging out).
pub fn stop() {
    let Some(connection) = CONNECTION.with(|slot| slot.borrow_mut().take()) else {
        return;
    };
    let mut c = connection.borrow_mut();
    c.finished = true;
    if let Some(timer) = c.keep_alive.take() {
        timer.clear();
    }
    if let Some(socket) = c.socket.take() {
        // Late events of this socket must not touch the next session.
        socket.set_onopen(None);
        socket.set_onmessage(None);
        socket.set_onclose(None);
        let _ = socket.close();
    }
    // Stopping can happen inside one of these very handlers (a close that
    // means "logged out"): drop them after it has returned.
    let handlers = std::mem::take(&mut c.handlers);
    set_timeout(move || drop(handlers), Duration::ZERO);
}

fn open(connection: &Rc<RefCell<Connection>>) {
    if connection.borrow().finished {
        return;
    }
    let Some(url) = crate::browser::socket_url("/ws/console") else {
        return;
    };
    let Ok(socket) = WebSocket::new(&url) else {
        schedule_reconnect(connection);
        return;
    };
    let on_open = {
        let connection = Rc::clone(connection);
        Closure::<dyn FnMut()>::new(move || {
            let mut c = connection.borrow_mut();
            c.opened = true;
            if let Some(socket) = c.socket.as_ref() {
                let hello = ConsoleClientMsg::Hello {
                    version: PROTOCOL_VERSION,
                };
                let _ = socket.send_with_str(&encode(&hello));
            }
        })
    };
    let on_message = {
        let connection = Rc::clone(connection);
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            match decode::<ConsoleServerMsg>(&text) {
                Ok(msg) => on_frame(&connection, msg),
                // A frame this console does not understand is skipped: the
                // rest of the conversation still arrives.
                Err(_) => web_sys::console::warn_1(&"console: ignored a bad frame".into()),
            }
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
    c.opened = false;
    c.welcomed = false;
    c.handlers = vec![Box::new(on_open), Box::new(on_message), Box::new(on_close)];
}

fn on_frame(connection: &Rc<RefCell<Connection>>, msg: ConsoleServerMsg) {
    let model = connection.borrow().model;
    if matches!(msg, ConsoleServerMsg::Welcome { .. }) {
        let mut c = connection.borrow_mut();
        c.welcomed = true;
        c.attempts = 0;
    }
    // No borrow is held here: applying sets signals, and nothing it
    // triggers may find the connection locked.
    match model.apply(msg, now()) {
        FollowUp::Nothing => {}
        FollowUp::Reopen(mine) => {
            for conversation in mine {
                send(&ConsoleClientMsg::Open {
                    conversation,
                    last_seq: model.last_seq(conversation),
                });
                resend_pending(model, conversation);
            }
            resend_read_marks(model);
        }
        FollowUp::TypingShown {
            conversation,
            generation,
        } => set_timeout(
            move || model.typing_expired(conversation, generation),
            TYPING_SHOWN,
        ),
        FollowUp::Resend => set_timeout(
            move || {
                let ids: Vec<i64> = model
                    .chats
                    .with_untracked(|chats| chats.iter().map(|c| c.id).collect());
                for id in ids {
                    resend_pending(model, id);
                }
                resend_read_marks(model);
                for (conversation, ending) in model.endings() {
                    send(&match ending {
                        Ending::Close(outcome) => ConsoleClientMsg::Close {
                            conversation,
                            outcome,
                        },
                        Ending::Block => ConsoleClientMsg::Block { conversation },
                    });
                }
            },
            RESEND_AFTER,
        ),
    }
}

/// Sends a chat's unacknowledged messages again; the server stores each
/// client id once, so a message that did arrive is not duplicated.
fn resend_pending(model: ConsoleModel, conversation: i64) {
    for (client_id, text) in model.pending(conversation) {
        send(&ConsoleClientMsg::Send {
            conversation,
            client_id,
            text,
        });
    }
}

fn resend_read_marks(model: ConsoleModel) {
    for (conversation, up_to) in model.read_marks() {
        send(&ConsoleClientMsg::Read {
            conversation,
            up_to,
        });
    }
}

fn on_closed(connection: &Rc<RefCell<Connection>>, code: u16) {
    let (model, opened) = {
        let mut c = connection.borrow_mut();
        c.socket = None;
        c.welcomed = false;
        (c.model, c.opened)
    };
    match code {
        close_code::NOT_LOGGED_IN => logged_out(model),
        close_code::VERSION_MISMATCH => {
            connection.borrow_mut().finished = true;
            model.link.set(Link::ReloadNeeded);
        }
        _ if !opened => {
            // The upgrade was refused or the server is away. A refused
            // upgrade (401) looks like any network error here: ask the
            // login API which it was.
            model.link.set(Link::Retrying);
            let connection = Rc::clone(connection);
            leptos::task::spawn_local(async move {
                match api::current().await {
                    Ok(None) => logged_out(model),
                    _ => schedule_reconnect(&connection),
                }
            });
        }
        _ => {
            model.link.set(Link::Retrying);
            schedule_reconnect(connection);
        }
    }
}

/// The session is gone: stop, forget the chats, show the login form.
fn logged_out(model: ConsoleModel) {
    stop();
    model.clear(Session::LoggedOut { ended: true });
}

/// Back-off with jitter: 0.5 s, 1 s, 2 s … up to 30 s.
fn schedule_reconnect(connection: &Rc<RefCell<Connection>>) {
    let attempts = {
        let mut c = connection.borrow_mut();
        if c.finished {
            return;
        }
        c.attempts += 1;
        c.attempts
    };
    let base = (500.0 * 2f64.powi(attempts.min(7) as i32 - 1)).min(30_000.0);
    let delay = base / 2.0 + js_sys::Math::random() * base / 2.0;
    let connection = Rc::clone(connection);
    set_timeout(
        move || {
            if !connection.borrow().finished {
                connection.borrow().model.link.set(Link::Connecting);
                open(&connection);
            }
        },
        Duration::from_millis(delay as u64),
    );
}

/// Asks for a waiting chat.
pub fn claim(model: ConsoleModel, conversation: i64) {
    model.claim_sent(conversation);
    if !send(&ConsoleClientMsg::Claim { conversation }) {
        model.claiming.update(|c| {
            c.remove(&conversation);
        });
    }
}

/// Sends a message: shown at once, resent after a reconnect until stored.
pub fn send_text(model: ConsoleModel, conversation: i64, text: String) {
    let client_id = crate::browser::new_client_id('k');
    model.add_pending(conversation, &client_id, &text);
    send(&ConsoleClientMsg::Send {
        conversation,
        client_id,
        text,
    });
}

/// Sends a refused message again, with its own client id.
pub fn resend(model: ConsoleModel, conversation: i64, client_id: String) {
    if let Some(text) = model.retry(conversation, &client_id) {
        send(&ConsoleClientMsg::Send {
            conversation,
            client_id,
            text,
        });
    }
}

/// Tells the person the counsellor is typing, at most every 3 seconds.
pub fn typing(conversation: i64) {
    let Some(connection) = current() else { return };
    let now = js_sys::Date::now();
    let due = {
        let mut c = connection.borrow_mut();
        let last = c.typing_sent.get(&conversation).copied().unwrap_or(0.0);
        let due = now - last >= TYPING_EVERY_MS;
        if due {
            c.typing_sent.insert(conversation, now);
        }
        due
    };
    if due {
        send(&ConsoleClientMsg::Typing { conversation });
    }
}

/// Marks a chat on screen read up to its last message (the person sees
/// "Læst"). Sent again after a reconnect if the socket was down.
pub fn read(model: ConsoleModel, conversation: i64) {
    if let Some(up_to) = model.mark_read(conversation) {
        send(&ConsoleClientMsg::Read {
            conversation,
            up_to,
        });
    }
}

/// Ends a chat with an outcome. `false` when offline (nothing was sent;
/// the form stays for another try).
pub fn close(model: ConsoleModel, conversation: i64, outcome: Outcome) -> bool {
    let sent = send(&ConsoleClientMsg::Close {
        conversation,
        outcome,
    });
    if sent {
        model.ending_sent(conversation, Ending::Close(outcome));
    }
    sent
}

/// Ends an abusive chat at once and blocks its resume code. `false` when
/// offline (nothing was sent).
pub fn block(model: ConsoleModel, conversation: i64) -> bool {
    let sent = send(&ConsoleClientMsg::Block { conversation });
    if sent {
        model.ending_sent(conversation, Ending::Block);
    }
    sent
}

/// Sets a chat's priority by hand (a waiting chat or one of this
/// counsellor's); the queue or the chat's `priority` frame shows the result.
pub fn set_priority(conversation: i64, priority: i32) -> bool {
    send(&ConsoleClientMsg::SetPriority {
        conversation,
        priority,
    })
}

/// Sends a frame of the chat-work features (transfer, status, notes,
/// concerns, the coordinator's view). `false` when offline: nothing was
/// sent, and the dialog stays for another try.
pub fn send_work(msg: &ConsoleClientMsg) -> bool {
    send(msg)
}
