//! One counsellor's socket. It watches the queue, and every conversation the
//! counsellor has open, through the hub; everything it sends is stored
//! before it is acknowledged or relayed.

use crate::auth::counsellors::{self, Counsellor};
use crate::chat::hub::ConversationEvent;
use crate::chat::limit::TokenBucket;
use crate::chat::socket::{Exit, finish, first_text, read_failed, stopping};
use crate::chat::store::{Conversation, State, StoreError};
use crate::chat::{ChatService, IDLE_TIMEOUT};
use crate::db::now_millis;
use app::protocol::console::{
    ConsoleClientMsg, ConsoleServerMsg, MAX_PRIORITY, MIN_PRIORITY, Outcome, QUEUE_FRAME_ENTRIES,
};
use app::protocol::{
    ChatMessage, ErrorCode, PROTOCOL_VERSION, Sender, close_code, decode, encode, valid_client_id,
    valid_text,
};
use axum::extract::ws::{Message, WebSocket};
use std::collections::HashMap;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How many missed messages are read per database query when catching up.
const CATCH_UP_BATCH: u32 = 500;

/// How long a returning person's chat is kept for the counsellor of their
/// last talk (while that counsellor is on duty) before anyone may take it.
pub const KEPT_FOR_LAST_COUNSELLOR: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// How often the queue is re-sent without a change (a kept chat becomes
/// everyone's when its time is up).
const QUEUE_REFRESH: std::time::Duration = std::time::Duration::from_secs(30);

/// Whether a waiting chat is kept for another counsellor: the person came
/// back with a resume code, the counsellor of their last talk is on duty,
/// and has not had [`KEPT_FOR_LAST_COUNSELLOR`] yet.
fn kept_for_another(chat: &ChatService, conversation: &Conversation, me: i64, now: i64) -> bool {
    let kept_ms = i64::try_from(KEPT_FOR_LAST_COUNSELLOR.as_millis()).unwrap_or(i64::MAX);
    conversation
        .previous_counsellor_id
        .is_some_and(|previous| previous != me && chat.hub.is_on_duty(previous))
        && now.saturating_sub(conversation.queued_at) < kept_ms
}

/// What a conversation's forwarding task tells the socket loop.
enum Forwarded {
    Event(ConversationEvent),
    /// The subscriber lagged: re-read from storage.
    Resync,
}

/// A conversation this console has open.
struct Open {
    delivered: u64,
    forwarder: JoinHandle<()>,
}

struct Console {
    session: tower_sessions::session::Id,
    counsellor: Counsellor,
    open: HashMap<i64, Open>,
    forwarded_tx: mpsc::Sender<(i64, Forwarded)>,
    frames: TokenBucket,
}

async fn send(socket: &mut WebSocket, msg: &ConsoleServerMsg) -> Result<(), Exit> {
    socket
        .send(Message::text(encode(msg)))
        .await
        .map_err(|_| Exit::Gone)
}

fn unavailable(error: &StoreError) -> Exit {
    tracing::error!(%error, "console storage failed");
    Exit::Close(close_code::SERVICE_RESTART, "try again shortly")
}

fn error(
    code: ErrorCode,
    conversation: Option<i64>,
    client_id: Option<String>,
) -> ConsoleServerMsg {
    ConsoleServerMsg::Error {
        code,
        conversation,
        client_id,
    }
}

/// Runs a logged-in counsellor's socket to its end. The socket belongs to
/// one login (`session`): it closes with
/// [`close_code::NOT_LOGGED_IN`] at once when the counsellor logs out, and
/// within [`QUEUE_REFRESH`] when the session expires or the account is
/// deactivated.
pub async fn run(
    mut socket: WebSocket,
    chat: ChatService,
    counsellor: Counsellor,
    session: tower_sessions::session::Id,
) {
    let (forwarded_tx, mut forwarded_rx) = mpsc::channel(256);
    let mut console = Console {
        session,
        counsellor,
        open: HashMap::new(),
        forwarded_tx,
        frames: TokenBucket::new(60, 10.0),
    };
    let exit = match console.hello(&mut socket, &chat).await {
        Ok(()) => {
            let _on_duty = chat.hub.clock_in(console.counsellor.id.0);
            console.serve(&mut socket, &chat, &mut forwarded_rx).await
        }
        Err(exit) => exit,
    };
    for (id, open) in console.open.drain() {
        open.forwarder.abort();
        chat.hub.forget_if_unused(id);
    }
    finish(&mut socket, exit).await;
}

impl Console {
    async fn hello(&mut self, socket: &mut WebSocket, chat: &ChatService) -> Result<(), Exit> {
        let first = first_text(socket).await?;
        match decode::<ConsoleClientMsg>(&first) {
            Ok(ConsoleClientMsg::Hello { version }) if version == PROTOCOL_VERSION => {}
            Ok(ConsoleClientMsg::Hello { .. }) => {
                return Err(Exit::Close(close_code::VERSION_MISMATCH, "reload the page"));
            }
            _ => return Err(Exit::Close(close_code::BAD_HELLO, "expected hello")),
        }
        let mine = chat
            .store
            .active_for(self.counsellor.id.0)
            .await
            .map_err(|error| unavailable(&error))?
            .iter()
            .map(|c| c.id)
            .collect();
        send(
            socket,
            &ConsoleServerMsg::Welcome {
                version: PROTOCOL_VERSION,
                first_name: self.counsellor.first_name.to_string(),
                mine,
            },
        )
        .await?;
        self.send_queue(socket, chat).await
    }

    async fn serve(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        forwarded: &mut mpsc::Receiver<(i64, Forwarded)>,
    ) -> Exit {
        let mut queue = chat.hub.queue_snapshot();
        let mut ended_sessions = chat.hub.watch_ended_sessions();
        let mut shutdown = chat.shutdown.clone();
        let mut refresh = tokio::time::interval(QUEUE_REFRESH);
        refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        refresh.reset();
        loop {
            let step = tokio::select! {
                frame = tokio::time::timeout(IDLE_TIMEOUT, socket.recv()) => match frame {
                    Err(_) => Err(Exit::Close(close_code::IDLE, "idle")),
                    Ok(None) => Err(Exit::Gone),
                    Ok(Some(Err(error))) => Err(read_failed(&error)),
                    Ok(Some(Ok(message))) => self.on_frame(socket, chat, message).await,
                },
                Some((conversation, item)) = forwarded.recv() => self.on_forwarded(socket, chat, conversation, item).await,
                changed = queue.changed() => match changed {
                    Ok(()) => self.send_queue(socket, chat).await,
                    Err(_) => Ok(()),
                },
                _ = refresh.tick() => match self.still_logged_in(chat).await {
                    true => self.send_queue(socket, chat).await,
                    false => Err(Exit::Close(close_code::NOT_LOGGED_IN, "logged out")),
                },
                ended = ended_sessions.recv() => match ended {
                    Ok(id) if id == self.session => {
                        Err(Exit::Close(close_code::NOT_LOGGED_IN, "logged out"))
                    }
                    // Missed some: check the session itself.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_))
                        if !self.still_logged_in(chat).await =>
                    {
                        Err(Exit::Close(close_code::NOT_LOGGED_IN, "logged out"))
                    }
                    _ => Ok(()),
                },
                () = stopping(&mut shutdown) => {
                    Err(Exit::Close(close_code::SERVICE_RESTART, "server restarting"))
                }
            };
            if let Err(exit) = step {
                return exit;
            }
        }
    }

    /// Whether this socket's login still stands: the session exists and has
    /// not expired, and the account is active. A storage failure counts as
    /// logged in (the next check decides), so an outage does not throw
    /// every counsellor out.
    async fn still_logged_in(&self, chat: &ChatService) -> bool {
        use tower_sessions::SessionStore;
        let sessions = crate::auth::DbSessionStore::new(chat.store.db().clone());
        let session = match sessions.load(&self.session).await {
            Ok(record) => record.is_some(),
            Err(error) => {
                tracing::warn!(%error, "cannot check a console's session");
                return true;
            }
        };
        let active = match counsellors::find_by_id(chat.store.db(), self.counsellor.id).await {
            Ok(account) => account.is_some_and(|a| a.active),
            Err(error) => {
                tracing::warn!(%error, "cannot check a console's account");
                return true;
            }
        };
        session && active
    }

    async fn send_queue(&mut self, socket: &mut WebSocket, chat: &ChatService) -> Result<(), Exit> {
        // The shared snapshot's head holds more than a frame: some may be
        // kept for others.
        let snapshot = chat.hub.queue_snapshot().borrow().clone();
        let (me, now) = (self.counsellor.id.0, now_millis());
        let waiting = snapshot
            .head
            .iter()
            .filter(|c| !kept_for_another(chat, c, me, now))
            .take(QUEUE_FRAME_ENTRIES)
            .map(|c| c.queue_entry())
            .collect();
        let total = snapshot.total();
        send(socket, &ConsoleServerMsg::Queue { waiting, total }).await
    }

    /// Starts relaying a conversation's events to this socket, then sends
    /// what was stored after `last_seq`.
    async fn attach(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
        last_seq: u64,
    ) -> Result<(), Exit> {
        if !self.open.contains_key(&id) {
            let mut events = chat.hub.subscribe(id);
            let tx = self.forwarded_tx.clone();
            let forwarder = tokio::spawn(async move {
                loop {
                    let item = match events.recv().await {
                        Ok(event) => Forwarded::Event(event),
                        Err(RecvError::Lagged(_)) => Forwarded::Resync,
                        Err(RecvError::Closed) => return,
                    };
                    if tx.send((id, item)).await.is_err() {
                        return;
                    }
                }
            });
            self.open.insert(
                id,
                Open {
                    delivered: last_seq,
                    forwarder,
                },
            );
        }
        self.catch_up(socket, chat, id).await
    }

    fn detach(&mut self, chat: &ChatService, id: i64) {
        if let Some(open) = self.open.remove(&id) {
            open.forwarder.abort();
            chat.hub.forget_if_unused(id);
        }
    }

    async fn catch_up(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
    ) -> Result<(), Exit> {
        loop {
            let Some(delivered) = self.open.get(&id).map(|o| o.delivered) else {
                return Ok(());
            };
            let missed = chat
                .store
                .messages_after(id, delivered, CATCH_UP_BATCH)
                .await
                .map_err(|error| unavailable(&error))?;
            let done = missed.len() < CATCH_UP_BATCH as usize;
            for message in missed {
                self.push(socket, id, message).await?;
            }
            if done {
                return Ok(());
            }
        }
    }

    async fn on_frame(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        message: Message,
    ) -> Result<(), Exit> {
        let text = match message {
            Message::Text(text) => text,
            Message::Binary(_) => {
                return send(socket, &error(ErrorCode::BinaryFrame, None, None)).await;
            }
            Message::Close(_) => return Err(Exit::Gone),
            Message::Ping(_) | Message::Pong(_) => return Ok(()),
        };
        if !self.frames.try_take() {
            return send(socket, &error(ErrorCode::RateLimited, None, None)).await;
        }
        let Ok(frame) = decode::<ConsoleClientMsg>(&text) else {
            return send(socket, &error(ErrorCode::InvalidFrame, None, None)).await;
        };
        match frame {
            ConsoleClientMsg::Hello { .. } => {
                send(socket, &error(ErrorCode::NotAllowed, None, None)).await
            }
            ConsoleClientMsg::Ping => send(socket, &ConsoleServerMsg::Pong).await,
            ConsoleClientMsg::Claim { conversation } => {
                self.claim(socket, chat, conversation).await
            }
            ConsoleClientMsg::Open {
                conversation,
                last_seq,
            } => {
                match chat
                    .store
                    .get(conversation)
                    .await
                    .map_err(|e| unavailable(&e))?
                {
                    Some(c)
                        if c.counsellor_id == Some(self.counsellor.id.0)
                            && c.state == State::Active =>
                    {
                        self.attach(socket, chat, conversation, last_seq).await
                    }
                    _ => {
                        send(
                            socket,
                            &error(ErrorCode::NotFound, Some(conversation), None),
                        )
                        .await
                    }
                }
            }
            ConsoleClientMsg::Send {
                conversation,
                client_id,
                text,
            } => {
                self.on_send(socket, chat, conversation, client_id, text)
                    .await
            }
            ConsoleClientMsg::Typing { conversation } => {
                if self.open.contains_key(&conversation) {
                    chat.hub
                        .publish(conversation, ConversationEvent::Typing(Sender::Counsellor));
                }
                Ok(())
            }
            ConsoleClientMsg::Read {
                conversation,
                up_to,
            } => {
                if !self.open.contains_key(&conversation) {
                    return send(
                        socket,
                        &error(ErrorCode::NotFound, Some(conversation), None),
                    )
                    .await;
                }
                chat.store
                    .mark_read(conversation, up_to)
                    .await
                    .map_err(|e| unavailable(&e))?;
                chat.hub
                    .publish(conversation, ConversationEvent::Read(up_to));
                Ok(())
            }
            ConsoleClientMsg::Close {
                conversation,
                outcome,
            } => {
                self.end(socket, chat, conversation, Some(outcome), false)
                    .await
            }
            ConsoleClientMsg::Block { conversation } => {
                self.end(socket, chat, conversation, Some(Outcome::Other), true)
                    .await
            }
            ConsoleClientMsg::SetPriority {
                conversation,
                priority,
            } => {
                self.set_priority(socket, chat, conversation, priority)
                    .await
            }
        }
    }

    /// A priority set by hand: on a waiting chat (every console's queue
    /// re-sorts) or on one of this counsellor's own (their console hears it
    /// through the conversation's events, like a risk flag).
    async fn set_priority(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
        priority: i32,
    ) -> Result<(), Exit> {
        if !(MIN_PRIORITY..=MAX_PRIORITY).contains(&priority) {
            return send(socket, &error(ErrorCode::InvalidFrame, Some(id), None)).await;
        }
        let changed = chat
            .store
            .set_priority(id, priority, self.counsellor.id.0)
            .await
            .map_err(|e| unavailable(&e))?;
        let Some(changed) = changed else {
            return send(socket, &error(ErrorCode::NotFound, Some(id), None)).await;
        };
        tracing::info!(conversation = id, counsellor = %self.counsellor.id, priority, "priority set");
        chat.hub.publish(
            id,
            ConversationEvent::Flagged {
                priority: changed.priority,
                risk_words: changed.risk_words,
            },
        );
        chat.hub.queue_changed();
        Ok(())
    }

    async fn claim(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
    ) -> Result<(), Exit> {
        let waiting = chat.store.get(id).await.map_err(|e| unavailable(&e))?;
        if waiting.is_some_and(|c| kept_for_another(chat, &c, self.counsellor.id.0, now_millis())) {
            return send(socket, &error(ErrorCode::NotAllowed, Some(id), None)).await;
        }
        let claimed = chat
            .store
            .claim(id, self.counsellor.id.0)
            .await
            .map_err(|e| unavailable(&e))?;
        let Some(claimed) = claimed else {
            return send(socket, &error(ErrorCode::AlreadyTaken, Some(id), None)).await;
        };
        tracing::info!(conversation = id, counsellor = %self.counsellor.id, "chat taken");
        chat.hub.publish(
            id,
            ConversationEvent::CounsellorJoined {
                first_name: self.counsellor.first_name.to_string(),
            },
        );
        chat.hub.queue_changed();
        send(
            socket,
            &ConsoleServerMsg::Claimed {
                entry: claimed.queue_entry(),
            },
        )
        .await?;
        self.attach(socket, chat, id, 0).await
    }

    async fn end(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
        outcome: Option<Outcome>,
        block: bool,
    ) -> Result<(), Exit> {
        if !self.open.contains_key(&id) {
            return send(socket, &error(ErrorCode::NotFound, Some(id), None)).await;
        }
        let ended = chat
            .store
            .end(id, Sender::Counsellor, outcome, block)
            .await
            .map_err(|e| unavailable(&e))?;
        if ended {
            chat.hub.publish(
                id,
                ConversationEvent::Ended {
                    by: Sender::Counsellor,
                    deleted: false,
                    blocked: block,
                },
            );
        }
        self.detach(chat, id);
        send(
            socket,
            &ConsoleServerMsg::Ended {
                conversation: id,
                deleted: false,
            },
        )
        .await
    }

    async fn on_send(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
        client_id: String,
        text: String,
    ) -> Result<(), Exit> {
        if !self.open.contains_key(&id) {
            return send(
                socket,
                &error(ErrorCode::NotFound, Some(id), Some(client_id)),
            )
            .await;
        }
        if !valid_client_id(&client_id) {
            return send(socket, &error(ErrorCode::InvalidClientId, Some(id), None)).await;
        }
        if !valid_text(&text) {
            return send(
                socket,
                &error(ErrorCode::InvalidText, Some(id), Some(client_id)),
            )
            .await;
        }
        match chat
            .store
            .append(id, Sender::Counsellor, &client_id, &text)
            .await
        {
            Ok(appended) => {
                send(
                    socket,
                    &ConsoleServerMsg::Ack {
                        conversation: id,
                        client_id,
                        seq: appended.message.seq,
                    },
                )
                .await?;
                if !appended.duplicate {
                    chat.hub
                        .publish(id, ConversationEvent::Message(appended.message.clone()));
                    // The console gets its own message right after the ack.
                    self.deliver(socket, chat, id, appended.message).await?;
                }
                Ok(())
            }
            Err(StoreError::Ended | StoreError::NotFound) => {
                send(
                    socket,
                    &error(ErrorCode::NotAllowed, Some(id), Some(client_id)),
                )
                .await
            }
            Err(e @ StoreError::Db(_)) => {
                tracing::error!(error = %e, "could not store a message");
                send(
                    socket,
                    &error(ErrorCode::Unavailable, Some(id), Some(client_id)),
                )
                .await
            }
        }
    }

    /// Sends one message of an open conversation and records it as delivered.
    async fn push(
        &mut self,
        socket: &mut WebSocket,
        id: i64,
        message: ChatMessage,
    ) -> Result<(), Exit> {
        if let Some(open) = self.open.get_mut(&id) {
            open.delivered = message.seq;
        }
        send(
            socket,
            &ConsoleServerMsg::Message {
                conversation: id,
                message,
            },
        )
        .await
    }

    /// Sends a stored message of an open conversation unless this console
    /// has it already; a gap is filled from storage.
    async fn deliver(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
        message: ChatMessage,
    ) -> Result<(), Exit> {
        let Some(delivered) = self.open.get(&id).map(|o| o.delivered) else {
            return Ok(());
        };
        if message.seq == delivered + 1 {
            self.push(socket, id, message).await
        } else if message.seq > delivered {
            self.catch_up(socket, chat, id).await
        } else {
            Ok(())
        }
    }

    async fn on_forwarded(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
        item: Forwarded,
    ) -> Result<(), Exit> {
        if !self.open.contains_key(&id) {
            return Ok(());
        }
        match item {
            Forwarded::Resync => self.catch_up(socket, chat, id).await,
            Forwarded::Event(ConversationEvent::Message(message)) => {
                self.deliver(socket, chat, id, message).await
            }
            Forwarded::Event(ConversationEvent::Typing(Sender::Visitor)) => {
                send(socket, &ConsoleServerMsg::Typing { conversation: id }).await
            }
            Forwarded::Event(ConversationEvent::Ended {
                by: Sender::Visitor,
                deleted,
                ..
            }) => {
                self.detach(chat, id);
                send(
                    socket,
                    &ConsoleServerMsg::Ended {
                        conversation: id,
                        deleted,
                    },
                )
                .await
            }
            Forwarded::Event(ConversationEvent::Flagged {
                priority,
                risk_words,
            }) => {
                let conversation = id;
                let msg = ConsoleServerMsg::Priority {
                    conversation,
                    priority,
                    risk_words,
                };
                send(socket, &msg).await
            }
            Forwarded::Event(_) => Ok(()),
        }
    }
}
