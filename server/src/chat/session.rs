//! One visitor's socket: the first frame opens or resumes a conversation,
//! then frames from the browser and events from the hub are handled in one
//! loop until either side leaves.

use super::code;
use super::hub::ConversationEvent;
use super::limit::TokenBucket;
use super::queue::QueueSnapshot;
use super::socket::{Exit, finish, first_text, read_failed, stopping};
use super::store::{Conversation, Opening, State, StoreError, estimate_wait_secs};
use super::token::{new_token, token_hash};
use super::{ChatService, IDLE_TIMEOUT};
use crate::auth::counsellors::{self, CounsellorId};
use app::protocol::chat::{ChatClientMsg, ChatServerMsg, ChatState};
use app::protocol::{
    ChatMessage, ErrorCode, PROTOCOL_VERSION, Sender, close_code, decode, encode, valid_client_id,
    valid_nickname, valid_text,
};
use axum::extract::ws::{Message, WebSocket};
use tokio::sync::broadcast::error::RecvError;

/// Least time between two queue-position updates to one waiting person.
const QUEUE_UPDATE_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// How many missed messages are sent per database read when catching up.
const CATCH_UP_BATCH: u32 = 200;

/// Runs one visitor socket to its end. Never panics on client input; every
/// failure ends only this socket.
pub async fn run(mut socket: WebSocket, chat: ChatService, client: Option<std::net::IpAddr>) {
    // Opening runs once and its future is large (database reads): boxed, it
    // is freed once done instead of sizing the task of every idle socket.
    let exit = match Box::pin(open(&mut socket, &chat, client)).await {
        Ok(mut connection) => connection.serve(&mut socket, &chat).await,
        Err(exit) => exit,
    };
    finish(&mut socket, exit).await;
}

/// A socket attached to a conversation.
struct Connection {
    conversation: Conversation,
    events: super::hub::Events,
    queue: tokio::sync::watch::Receiver<std::sync::Arc<QueueSnapshot>>,
    /// Highest `seq` this socket has delivered to the browser.
    delivered: u64,
    frames: TokenBucket,
    messages: TokenBucket,
    typing: TokenBucket,
    strikes: u32,
    /// Earliest time for the next queue position (see [`QUEUE_UPDATE_EVERY`]).
    next_position_update: tokio::time::Instant,
    /// The queue changed since the last position was sent.
    position_due: bool,
}

async fn send(socket: &mut WebSocket, msg: &ChatServerMsg) -> Result<(), Exit> {
    socket
        .send(Message::text(encode(msg)))
        .await
        .map_err(|_| Exit::Gone)
}

/// Reads the first frame and opens (Start) or reattaches (Resume).
async fn open(
    socket: &mut WebSocket,
    chat: &ChatService,
    client: Option<std::net::IpAddr>,
) -> Result<Connection, Exit> {
    let first = first_text(socket).await?;
    let hello: ChatClientMsg =
        decode(&first).map_err(|_| Exit::Close(close_code::BAD_HELLO, "invalid hello"))?;
    let (conversation, token, last_seq) = match hello {
        ChatClientMsg::Start {
            version,
            role,
            age_band,
            topic,
            nickname,
        } => {
            check_version(version)?;
            refuse_when_closed(socket, chat).await?;
            let nickname = nickname
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty());
            if nickname.as_deref().is_some_and(|n| !valid_nickname(n)) {
                return Err(refuse(
                    socket,
                    ErrorCode::InvalidText,
                    close_code::BAD_HELLO,
                    "nickname too long",
                )
                .await);
            }
            if !chat.new_chats.allow(client) {
                return Err(refuse(
                    socket,
                    ErrorCode::RateLimited,
                    close_code::TOO_FAST,
                    "too many new chats",
                )
                .await);
            }
            let token = new_token(&chat.rng).map_err(|_| Exit::Close(1011, "no randomness"))?;
            let course_token =
                new_token(&chat.rng).map_err(|_| Exit::Close(1011, "no randomness"))?;
            let opening = Opening {
                role,
                age_band,
                topic,
                nickname,
                course_token,
            };
            let conversation = chat
                .store
                .create(&token_hash(&token), opening)
                .await
                .map_err(|error| unavailable(&error))?;
            tracing::info!(conversation = conversation.id, "chat started");
            // Before the queue hears of it, so it shows up flagged.
            if let Some(nickname) = &conversation.nickname {
                super::risk::flag(chat, conversation.id, nickname).await;
            }
            (conversation, token, 0)
        }
        ChatClientMsg::Continue { version, code } => {
            check_version(version)?;
            let (conversation, token) = continue_with_code(socket, chat, client, &code).await?;
            (conversation, token, 0)
        }
        ChatClientMsg::Resume {
            version,
            token,
            last_seq,
        } => {
            check_version(version)?;
            let conversation = chat
                .store
                .find_by_token(&token_hash(&token))
                .await
                .map_err(|error| unavailable(&error))?;
            let Some(conversation) = conversation else {
                return Err(refuse(
                    socket,
                    ErrorCode::NotFound,
                    close_code::UNKNOWN_CONVERSATION,
                    "unknown conversation",
                )
                .await);
            };
            if conversation.blocked {
                return Err(Exit::Close(close_code::BLOCKED, "conversation ended"));
            }
            (conversation, token, last_seq)
        }
        _ => {
            return Err(Exit::Close(
                close_code::BAD_HELLO,
                "expected start or resume",
            ));
        }
    };

    // Subscribe first, then read the state and the backlog: a claim or a
    // message between the two is then either in what we read or in what we
    // receive, never lost in between.
    let events = chat.hub.subscribe(conversation.id);
    let queue = chat.hub.queue_snapshot();
    if last_seq == 0 && conversation.state == State::Waiting {
        // Only now may counsellors see it (and claim it).
        chat.hub.queue_changed();
    }
    let conversation = chat
        .store
        .get(conversation.id)
        .await
        .map_err(|error| unavailable(&error))?
        .ok_or(Exit::Close(close_code::UNKNOWN_CONVERSATION, "deleted"))?;
    let state = chat_state(chat, &conversation).await?;
    let deleted_after = conversation.last_activity_at
        + i64::try_from(chat.retention.as_millis()).unwrap_or(i64::MAX);
    send(
        socket,
        &ChatServerMsg::Joined {
            version: PROTOCOL_VERSION,
            token,
            state,
            deleted_after,
        },
    )
    .await?;
    let mut connection = Connection {
        conversation,
        events,
        queue,
        delivered: last_seq,
        frames: TokenBucket::new(30, 3.0),
        messages: TokenBucket::new(10, 1.0),
        typing: TokenBucket::new(2, 0.5),
        strikes: 0,
        next_position_update: tokio::time::Instant::now(),
        position_due: false,
    };
    connection.catch_up(socket, chat).await?;
    if connection.conversation.state == State::Waiting {
        connection.send_queue_position(socket, chat).await?;
    }
    Ok(connection)
}

/// Checks a resume code (rate-limited) and moves its course to this socket
/// with a fresh token: an ended talk is reopened in the queue.
async fn continue_with_code(
    socket: &mut WebSocket,
    chat: &ChatService,
    client: Option<std::net::IpAddr>,
    typed: &str,
) -> Result<(Conversation, String), Exit> {
    if !chat.code_guesses.attempt(client) {
        return Err(refuse(
            socket,
            ErrorCode::RateLimited,
            close_code::TOO_FAST,
            "too many codes",
        )
        .await);
    }
    let found = match code::normalise(typed) {
        Some(canonical) => chat
            .store
            .find_by_code(&chat.code_key.hash(&canonical))
            .await
            .map_err(|error| unavailable(&error))?,
        None => None,
    };
    let Some(course) = found else {
        chat.code_guesses.wrong(client);
        return Err(refuse(
            socket,
            ErrorCode::NotFound,
            close_code::UNKNOWN_CONVERSATION,
            "unknown code",
        )
        .await);
    };
    if course.blocked {
        return Err(Exit::Close(close_code::BLOCKED, "conversation ended"));
    }
    if course.state == State::Ended {
        // Reopening is a new talk: only while counsellors are on duty.
        refuse_when_closed(socket, chat).await?;
    }
    let token = new_token(&chat.rng).map_err(|_| Exit::Close(1011, "no randomness"))?;
    let continued = match chat
        .store
        .continue_course(&course, &token_hash(&token))
        .await
    {
        Ok(continued) => continued,
        Err(StoreError::Ended | StoreError::NotFound) => {
            return Err(Exit::Close(close_code::BLOCKED, "conversation ended"));
        }
        Err(error) => return Err(unavailable(&error)),
    };
    if course.state == State::Ended {
        tracing::info!(
            conversation = continued.id,
            talk = continued.talks,
            "chat continued with a resume code"
        );
    }
    Ok((continued, token))
}

/// Gives the course a new resume code; only its keyed hash is stored.
async fn issue_code(chat: &ChatService, conversation: i64) -> Result<Option<String>, Exit> {
    for _ in 0..3 {
        let code = code::new_code(&chat.rng).map_err(|_| Exit::Close(1011, "no randomness"))?;
        match chat
            .store
            .set_code(conversation, &chat.code_key.hash(&code))
            .await
        {
            Ok(true) => return Ok(Some(code)),
            Ok(false) => continue,
            Err(StoreError::NotFound | StoreError::Ended) => return Ok(None),
            Err(error) => return Err(unavailable(&error)),
        }
    }
    Ok(None)
}

/// New talks start only within opening hours (and, when the service asks
/// for it, while a counsellor on duty is available); the page says when it
/// opens. The person sees the same "closed" as outside hours.
async fn refuse_when_closed(socket: &mut WebSocket, chat: &ChatService) -> Result<(), Exit> {
    if chat.open_for_new_chats(crate::db::now_millis()) {
        return Ok(());
    }
    Err(refuse(
        socket,
        ErrorCode::Closed,
        close_code::CLOSED,
        "the chat is closed now",
    )
    .await)
}

/// Answers a first frame that cannot be served: an error frame saying why,
/// then the close (its code tells the browser what to do).
async fn refuse(socket: &mut WebSocket, code: ErrorCode, close: u16, reason: &'static str) -> Exit {
    let _ = send(
        socket,
        &ChatServerMsg::Error {
            code,
            client_id: None,
        },
    )
    .await;
    Exit::Close(close, reason)
}

fn check_version(version: u16) -> Result<(), Exit> {
    if version == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(Exit::Close(close_code::VERSION_MISMATCH, "reload the page"))
    }
}

fn unavailable(error: &StoreError) -> Exit {
    tracing::error!(%error, "chat storage failed");
    Exit::Close(close_code::SERVICE_RESTART, "try again shortly")
}

async fn chat_state(chat: &ChatService, conversation: &Conversation) -> Result<ChatState, Exit> {
    Ok(match conversation.state {
        State::Waiting => ChatState::Waiting,
        State::Ended => ChatState::Ended,
        State::Active => {
            let counsellor = match conversation.counsellor_id {
                Some(id) => counsellors::find_by_id(chat.store.db(), CounsellorId(id))
                    .await
                    .map_err(|error| unavailable(&StoreError::Db(error)))?
                    .map(|c| c.first_name.to_string())
                    .unwrap_or_default(),
                None => String::new(),
            };
            ChatState::Talking { counsellor }
        }
    })
}

impl Connection {
    async fn serve(&mut self, socket: &mut WebSocket, chat: &ChatService) -> Exit {
        let mut shutdown = chat.shutdown.clone();
        loop {
            let step = tokio::select! {
                frame = tokio::time::timeout(IDLE_TIMEOUT, socket.recv()) => match frame {
                    Err(_) => Err(Exit::Close(close_code::IDLE, "idle")),
                    Ok(None) => Err(Exit::Gone),
                    Ok(Some(Err(error))) => Err(read_failed(&error)),
                    // The handlers are boxed: their futures (database
                    // writes, catch-up reads) exist only while they run, so
                    // an idle socket's task stays small.
                    Ok(Some(Ok(message))) => Box::pin(self.on_frame(socket, chat, message)).await,
                },
                event = self.events.recv() => Box::pin(self.on_event(socket, chat, event)).await,
                // Queue changes are coalesced: at most one position update
                // per QUEUE_UPDATE_EVERY, whatever the churn (thousands of
                // waiting sockets would otherwise re-read the queue on
                // every new chat and every claim).
                changed = self.queue.changed(),
                    if self.conversation.state == State::Waiting && !self.position_due =>
                {
                    self.position_due = changed.is_ok();
                    Ok(())
                }
                () = tokio::time::sleep_until(self.next_position_update), if self.position_due => {
                    self.position_due = false;
                    self.next_position_update = tokio::time::Instant::now() + QUEUE_UPDATE_EVERY;
                    if self.conversation.state == State::Waiting {
                        Box::pin(self.send_snapshot_position(socket)).await
                    } else {
                        Ok(())
                    }
                }
                () = stopping(&mut shutdown) => {
                    Err(Exit::Close(close_code::SERVICE_RESTART, "server restarting"))
                }
            };
            if let Err(exit) = step {
                chat.hub.forget_if_unused(self.conversation.id);
                return exit;
            }
        }
    }

    /// Events may have been missed (the node's LISTEN connection dropped):
    /// sends the messages this socket lacks, then whatever changed about
    /// the conversation meanwhile (taken, ended, deleted).
    async fn resync(&mut self, socket: &mut WebSocket, chat: &ChatService) -> Result<(), Exit> {
        let Some(now) = chat
            .store
            .get(self.conversation.id)
            .await
            .map_err(|error| unavailable(&error))?
        else {
            return Err(Exit::Close(close_code::UNKNOWN_CONVERSATION, "deleted"));
        };
        self.catch_up(socket, chat).await?;
        let before = self.conversation.state;
        self.conversation.state = now.state;
        match now.state {
            State::Active if before == State::Waiting => {
                if let ChatState::Talking { counsellor } = chat_state(chat, &now).await? {
                    send(
                        socket,
                        &ChatServerMsg::CounsellorJoined {
                            first_name: counsellor,
                        },
                    )
                    .await?;
                }
            }
            State::Ended if before != State::Ended => {
                send(
                    socket,
                    &ChatServerMsg::Ended {
                        by: Sender::Counsellor,
                    },
                )
                .await?;
                if now.blocked {
                    return Err(Exit::Close(close_code::BLOCKED, "conversation ended"));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Sends every stored message after what this socket delivered.
    async fn catch_up(&mut self, socket: &mut WebSocket, chat: &ChatService) -> Result<(), Exit> {
        loop {
            let missed = chat
                .store
                .messages_after(self.conversation.id, self.delivered, CATCH_UP_BATCH)
                .await
                .map_err(|error| unavailable(&error))?;
            let done = missed.len() < CATCH_UP_BATCH as usize;
            for message in missed {
                self.delivered = message.seq;
                send(socket, &ChatServerMsg::Message(message)).await?;
            }
            if done {
                return Ok(());
            }
        }
    }

    /// The place from the latest shared queue snapshot (no database read).
    /// Nothing when the snapshot predates this chat's entry in the queue:
    /// the next one has it.
    async fn send_snapshot_position(&mut self, socket: &mut WebSocket) -> Result<(), Exit> {
        let snapshot = self.queue.borrow_and_update().clone();
        match snapshot.position(self.conversation.id) {
            Some(position) => {
                send(
                    socket,
                    &ChatServerMsg::Queue {
                        position,
                        estimate_secs: snapshot.estimate_secs,
                    },
                )
                .await
            }
            None => Ok(()),
        }
    }

    /// The place read from the database: once, when the socket opens (the
    /// shared snapshot may not have this chat yet).
    async fn send_queue_position(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
    ) -> Result<(), Exit> {
        let position = chat.store.queue_position(&self.conversation).await;
        let waits = chat.store.recent_waits(20).await;
        match (position, waits) {
            (Ok(position), Ok(waits)) => {
                send(
                    socket,
                    &ChatServerMsg::Queue {
                        position,
                        estimate_secs: estimate_wait_secs(&waits),
                    },
                )
                .await
            }
            (Err(error), _) | (_, Err(error)) => {
                // Not fatal: the next queue change tries again.
                tracing::warn!(%error, "queue position unavailable");
                Ok(())
            }
        }
    }

    async fn reject(
        &mut self,
        socket: &mut WebSocket,
        code: ErrorCode,
        client_id: Option<String>,
    ) -> Result<(), Exit> {
        send(socket, &ChatServerMsg::Error { code, client_id }).await
    }

    async fn on_frame(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        message: Message,
    ) -> Result<(), Exit> {
        let text = match message {
            Message::Text(text) => text,
            Message::Binary(_) => return self.reject(socket, ErrorCode::BinaryFrame, None).await,
            Message::Close(_) => return Err(Exit::Gone),
            // axum answers pings itself; pongs need nothing.
            Message::Ping(_) | Message::Pong(_) => return Ok(()),
        };
        if !self.frames.try_take() {
            self.strikes += 1;
            if self.strikes > 20 {
                return Err(Exit::Close(close_code::TOO_FAST, "too many frames"));
            }
            return self.reject(socket, ErrorCode::RateLimited, None).await;
        }
        let Ok(frame) = decode::<ChatClientMsg>(&text) else {
            return self.reject(socket, ErrorCode::InvalidFrame, None).await;
        };
        match frame {
            ChatClientMsg::Send { client_id, text } => {
                self.on_send(socket, chat, client_id, text).await
            }
            ChatClientMsg::Typing => {
                if self.typing.try_take() && self.conversation.state != State::Ended {
                    chat.hub.publish(
                        self.conversation.id,
                        ConversationEvent::Typing(Sender::Visitor),
                    );
                }
                Ok(())
            }
            ChatClientMsg::Ping => send(socket, &ChatServerMsg::Pong).await,
            ChatClientMsg::End => {
                let ended = chat
                    .store
                    .end(self.conversation.id, Sender::Visitor, None, false)
                    .await
                    .map_err(|error| unavailable(&error))?;
                if ended {
                    self.after_end(chat, false);
                }
                self.conversation.state = State::Ended;
                send(
                    socket,
                    &ChatServerMsg::Ended {
                        by: Sender::Visitor,
                    },
                )
                .await
            }
            ChatClientMsg::Delete => {
                let was_waiting = self.conversation.state == State::Waiting;
                chat.store
                    .end(self.conversation.id, Sender::Visitor, None, false)
                    .await
                    .map_err(|e| unavailable(&e))?;
                chat.store
                    .delete(self.conversation.id)
                    .await
                    .map_err(|error| unavailable(&error))?;
                chat.hub.publish(
                    self.conversation.id,
                    ConversationEvent::Ended {
                        by: Sender::Visitor,
                        deleted: true,
                        blocked: false,
                    },
                );
                if was_waiting {
                    chat.hub.queue_changed();
                }
                tracing::info!(
                    conversation = self.conversation.id,
                    "chat deleted at the person's request"
                );
                send(socket, &ChatServerMsg::Deleted).await?;
                Err(Exit::Close(1000, "deleted"))
            }
            ChatClientMsg::RequestCode => match issue_code(chat, self.conversation.id).await? {
                Some(code) => send(socket, &ChatServerMsg::ResumeCode { code }).await,
                None => self.reject(socket, ErrorCode::NotAllowed, None).await,
            },
            ChatClientMsg::Start { .. }
            | ChatClientMsg::Resume { .. }
            | ChatClientMsg::Continue { .. } => {
                self.reject(socket, ErrorCode::NotAllowed, None).await
            }
        }
    }

    fn after_end(&self, chat: &ChatService, deleted: bool) {
        chat.hub.publish(
            self.conversation.id,
            ConversationEvent::Ended {
                by: Sender::Visitor,
                deleted,
                blocked: false,
            },
        );
        if self.conversation.state == State::Waiting {
            chat.hub.queue_changed();
        }
    }

    async fn on_send(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        client_id: String,
        text: String,
    ) -> Result<(), Exit> {
        if !valid_client_id(&client_id) {
            return self.reject(socket, ErrorCode::InvalidClientId, None).await;
        }
        if !valid_text(&text) {
            return self
                .reject(socket, ErrorCode::InvalidText, Some(client_id))
                .await;
        }
        if !self.messages.try_take() || !chat.conversation_limits.allow(self.conversation.id) {
            return self
                .reject(socket, ErrorCode::RateLimited, Some(client_id))
                .await;
        }
        match chat
            .store
            .append(self.conversation.id, Sender::Visitor, &client_id, &text)
            .await
        {
            Ok(appended) => {
                // Acknowledge only now: the message is durably stored.
                send(
                    socket,
                    &ChatServerMsg::Ack {
                        client_id,
                        seq: appended.message.seq,
                    },
                )
                .await?;
                if !appended.duplicate {
                    self.conversation.last_activity_at = appended.message.at;
                    chat.hub.publish(
                        self.conversation.id,
                        ConversationEvent::Message(appended.message.clone()),
                    );
                    // This socket gets its own message now, right after the
                    // ack, not whenever the hub's echo comes round.
                    self.deliver(socket, chat, appended.message).await?;
                    super::risk::flag(chat, self.conversation.id, &text).await;
                }
                Ok(())
            }
            Err(StoreError::Ended) => {
                self.conversation.state = State::Ended;
                self.reject(socket, ErrorCode::NotAllowed, Some(client_id))
                    .await
            }
            Err(StoreError::NotFound) => {
                Err(Exit::Close(close_code::UNKNOWN_CONVERSATION, "deleted"))
            }
            Err(error @ (StoreError::Db(_) | StoreError::Crypto(_))) => {
                tracing::error!(%error, "could not store a message");
                // Nothing lost: the browser keeps it and retries.
                self.reject(socket, ErrorCode::Unavailable, Some(client_id))
                    .await
            }
        }
    }

    /// Sends a stored message unless this socket has it already; a gap
    /// (events racing the catch-up) is filled from storage.
    async fn deliver(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        message: ChatMessage,
    ) -> Result<(), Exit> {
        if message.seq == self.delivered + 1 {
            self.delivered = message.seq;
            send(socket, &ChatServerMsg::Message(message)).await
        } else if message.seq > self.delivered {
            self.catch_up(socket, chat).await
        } else {
            Ok(())
        }
    }

    async fn on_event(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        event: Result<ConversationEvent, RecvError>,
    ) -> Result<(), Exit> {
        match event {
            Ok(ConversationEvent::Message(message)) => self.deliver(socket, chat, message).await,
            Ok(ConversationEvent::Typing(Sender::Counsellor)) => {
                send(socket, &ChatServerMsg::Typing).await
            }
            Ok(ConversationEvent::Typing(Sender::Visitor) | ConversationEvent::Flagged { .. }) => {
                Ok(())
            }
            Ok(ConversationEvent::Read(up_to)) => {
                send(socket, &ChatServerMsg::Read { up_to }).await
            }
            Ok(ConversationEvent::CounsellorJoined { first_name }) => {
                self.conversation.state = State::Active;
                send(socket, &ChatServerMsg::CounsellorJoined { first_name }).await
            }
            Ok(ConversationEvent::Ended { by, blocked, .. }) => {
                self.conversation.state = State::Ended;
                send(socket, &ChatServerMsg::Ended { by }).await?;
                if blocked {
                    return Err(Exit::Close(close_code::BLOCKED, "conversation ended"));
                }
                Ok(())
            }
            // A transfer or a return to the queue: the person's talk goes on
            // without a gap (a new counsellor's name comes with
            // CounsellorJoined when someone has it).
            Ok(ConversationEvent::Handed { .. }) => Ok(()),
            // Stored through another node: read what this socket lacks.
            Ok(ConversationEvent::Stored(seq)) if seq > self.delivered => {
                self.catch_up(socket, chat).await
            }
            Ok(ConversationEvent::Stored(_)) => Ok(()),
            Ok(ConversationEvent::Resync) => self.resync(socket, chat).await,
            // Missed events may include the counsellor joining or the end,
            // not only messages: read the conversation again.
            Err(RecvError::Lagged(_)) => self.resync(socket, chat).await,
            Err(RecvError::Closed) => Err(Exit::Close(close_code::SERVICE_RESTART, "relay closed")),
        }
    }
}
