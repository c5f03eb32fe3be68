//! One counsellor's socket. It watches the queue, and every conversation the
//! counsellor has open, through the hub; everything it sends is stored
//! before it is acknowledged or relayed.
//!
//! Working with chats:
//! - **Transfer** (and a coordinator's **reassign**) moves a chat in one
//!   database statement that only succeeds for the current holder and a
//!   target below their maximum. The person's socket sees only the new
//!   counsellor's first name (the `CounsellorJoined` frame it already
//!   knows); the conversation goes on with no gap and no "ended". The
//!   receiving consoles get `TransferredToYou` with the handover note, then
//!   the full history. Back to the queue, the chat keeps its original place
//!   and the note is shown (once) to whoever claims it.
//! - **Status** (available / busy / away) lives in memory with the on-duty
//!   tracking in the hub (this process only, like on-duty itself).
//! - **Course notes** and **concerns** are screened by
//!   [`app::protocol::screening`]: a CPR-like number is refused, anything
//!   else that looks identifying needs `confirmed`.
//! - **Coordinators** list live chats, watch one read-only (audited) and
//!   reassign.

use crate::audit::{self, Action, Actor};
use crate::auth::counsellors::{self, Counsellor};
use crate::chat::hub::{ConversationEvent, GivenChat};
use crate::chat::limit::TokenBucket;
use crate::chat::socket::{Exit, finish, first_text, read_failed, stopping};
use crate::chat::store::{Conversation, State, StoreError};
use crate::chat::{ChatService, IDLE_TIMEOUT};
use crate::db::now_millis;
use app::protocol::console::{
    ActiveChat, Colleague, ConsoleClientMsg, ConsoleServerMsg, CounsellorStatus, MAX_PRIORITY,
    MIN_PRIORITY, Outcome, QUEUE_FRAME_ENTRIES, ReturnReason,
};
use app::protocol::screening::{self, MAX_NOTE_CHARS};
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
    /// A coordinator follows it read-only: nothing may be sent.
    watch_only: bool,
}

struct Console {
    session: tower_sessions::session::Id,
    counsellor: Counsellor,
    open: HashMap<i64, Open>,
    forwarded_tx: mpsc::Sender<(i64, Forwarded)>,
    frames: TokenBucket,
    /// Coordinators may watch and reassign.
    coordinator: bool,
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
        open: HashMap::new(),
        forwarded_tx,
        frames: TokenBucket::new(60, 10.0),
        // The account as read at the upgrade.
        coordinator: counsellor.role == counsellors::Role::Coordinator,
        counsellor,
    };
    let exit = match console.hello(&mut socket, &chat).await {
        // On duty from before the welcome: once the console says it is
        // connected, colleagues can hand it chats.
        Ok(_on_duty) => console.serve(&mut socket, &chat, &mut forwarded_rx).await,
        Err(exit) => exit,
    };
    for (id, open) in console.open.drain() {
        open.forwarder.abort();
        chat.hub.forget_if_unused(id);
    }
    finish(&mut socket, exit).await;
}

/// What screening says about a note: `Err` with the frame to answer when it
/// cannot be stored (too long, CPR-like, or warnings not yet confirmed).
fn screen_note(
    chat: &ChatService,
    id: i64,
    text: &str,
    confirmed: bool,
    may_be_empty: bool,
) -> Result<(), Box<ConsoleServerMsg>> {
    if text.chars().count() > MAX_NOTE_CHARS || (!may_be_empty && text.trim().is_empty()) {
        return Err(Box::new(error(ErrorCode::InvalidText, Some(id), None)));
    }
    let found = screening::screen(text, &chat.work.names);
    if found.cpr {
        return Err(Box::new(error(ErrorCode::IdentifyingNote, Some(id), None)));
    }
    if !found.warnings.is_empty() && !confirmed {
        return Err(Box::new(ConsoleServerMsg::NoteWarnings {
            conversation: id,
            warnings: found.warnings,
        }));
    }
    Ok(())
}

impl Console {
    fn actor(&self) -> Actor {
        Actor::Counsellor(self.counsellor.id.0, self.counsellor.login.to_string())
    }

    /// Whether this console has the chat as its counsellor (not watching).
    fn holds(&self, id: i64) -> bool {
        self.open.get(&id).is_some_and(|o| !o.watch_only)
    }

    /// Checks the hello, clocks the counsellor in and welcomes them; the
    /// returned guard keeps them on duty.
    async fn hello(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
    ) -> Result<crate::chat::hub::OnDuty, Exit> {
        let first = first_text(socket).await?;
        match decode::<ConsoleClientMsg>(&first) {
            Ok(ConsoleClientMsg::Hello { version }) if version == PROTOCOL_VERSION => {}
            Ok(ConsoleClientMsg::Hello { .. }) => {
                return Err(Exit::Close(close_code::VERSION_MISMATCH, "reload the page"));
            }
            _ => return Err(Exit::Close(close_code::BAD_HELLO, "expected hello")),
        }
        let me = self.counsellor.id.0;
        let max_chats = crate::console::notes::max_chats(chat.store.db(), me)
            .await
            .unwrap_or(3);
        let on_duty = chat
            .hub
            .clock_in_member(me, self.counsellor.first_name.as_ref(), max_chats);
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
        self.send_queue(socket, chat).await?;
        send(
            socket,
            &ConsoleServerMsg::Rules {
                names: chat.work.names.clone(),
                emergency_procedure: chat.work.emergency_procedure.clone(),
                duty_to_notify: chat.work.duty_to_notify.clone(),
                coordinator: self.coordinator,
                me: self.counsellor.id.0,
            },
        )
        .await?;
        Ok(on_duty)
    }

    /// The counsellors on duty with their status and load.
    /// The team from the shared loads (read once per change for every
    /// console, see [`crate::chat::team`]) and who is on duty now.
    async fn send_team(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        loads: &std::collections::HashMap<i64, u32>,
    ) -> Result<(), Exit> {
        let counsellors = chat
            .hub
            .members()
            .into_iter()
            .map(|(id, member)| Colleague {
                id,
                first_name: member.first_name,
                status: member.status,
                chats: loads.get(&id).copied().unwrap_or(0),
                max_chats: member.max_chats,
            })
            .collect();
        send(socket, &ConsoleServerMsg::Team { counsellors }).await
    }

    /// Sends a course's notes.
    async fn send_notes(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
    ) -> Result<(), Exit> {
        let notes = crate::console::notes::of(&chat.store, id)
            .await
            .map_err(|e| unavailable(&e))?;
        send(
            socket,
            &ConsoleServerMsg::Notes {
                conversation: id,
                notes,
            },
        )
        .await
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
        let mut team = chat.hub.watch_loads();
        let mut given = chat.hub.watch_given();
        let loads = team.borrow_and_update().clone();
        if let Err(exit) = self.send_team(socket, chat, &loads).await {
            return exit;
        }
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
                changed = team.changed() => match changed {
                    Ok(()) => {
                        let loads = team.borrow_and_update().clone();
                        self.send_team(socket, chat, &loads).await
                    }
                    Err(_) => Ok(()),
                },
                received = given.recv() => match received {
                    Ok(given) => self.on_given(socket, chat, given).await,
                    // Missed some: the Welcome of a reload lists them.
                    Err(_) => Ok(()),
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
        watch_only: bool,
    ) -> Result<(), Exit> {
        if let Some(open) = self.open.get_mut(&id) {
            // A watched chat given to this coordinator becomes theirs.
            open.watch_only &= watch_only;
        } else {
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
                    watch_only,
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
            let missed = match chat
                .store
                .messages_after(id, delivered, CATCH_UP_BATCH)
                .await
            {
                Ok(missed) => missed,
                // Deleted between the event that brought us here and this
                // read (the person deleted it the moment it was taken): the
                // chat ends here as deleted; the socket itself is fine.
                Err(StoreError::NotFound) => {
                    self.detach(chat, id);
                    return send(
                        socket,
                        &ConsoleServerMsg::Ended {
                            conversation: id,
                            deleted: true,
                        },
                    )
                    .await;
                }
                Err(error) => return Err(unavailable(&error)),
            };
            let done = missed.len() < CATCH_UP_BATCH as usize;
            for message in missed {
                self.push(socket, id, message).await?;
            }
            if done {
                return Ok(());
            }
        }
    }

    /// Events may have been missed (the node's LISTEN connection dropped):
    /// sends the messages this console lacks, then closes the chat here if
    /// it ended or changed hands meanwhile.
    async fn resync(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
    ) -> Result<(), Exit> {
        let Some(watch_only) = self.open.get(&id).map(|o| o.watch_only) else {
            return Ok(());
        };
        let now = chat.store.get(id).await.map_err(|e| unavailable(&e))?;
        if now.is_some() {
            self.catch_up(socket, chat, id).await?;
        }
        let me = self.counsellor.id.0;
        let frame = match now {
            None => Some(ConsoleServerMsg::Ended {
                conversation: id,
                deleted: true,
            }),
            Some(c) if c.state == State::Ended => Some(ConsoleServerMsg::Ended {
                conversation: id,
                deleted: false,
            }),
            Some(_) if watch_only => None,
            Some(c) if c.state == State::Waiting => Some(ConsoleServerMsg::ReturnedToQueue {
                conversation: id,
                reason: ReturnReason::Reassigned,
            }),
            Some(c) if c.counsellor_id != Some(me) => {
                Some(ConsoleServerMsg::TransferredAway { conversation: id })
            }
            Some(_) => None,
        };
        match frame {
            Some(frame) => {
                self.detach(chat, id);
                send(socket, &frame).await
            }
            None => Ok(()),
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
                        send(
                            socket,
                            &ConsoleServerMsg::Reopened {
                                entry: c.queue_entry(),
                            },
                        )
                        .await?;
                        self.attach(socket, chat, conversation, last_seq, false)
                            .await?;
                        self.send_notes(socket, chat, conversation).await
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
                if self.holds(conversation) {
                    chat.hub
                        .publish(conversation, ConversationEvent::Typing(Sender::Counsellor));
                }
                Ok(())
            }
            ConsoleClientMsg::Read {
                conversation,
                up_to,
            } => {
                if !self.holds(conversation) {
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
            ConsoleClientMsg::Transfer {
                conversation,
                to,
                note,
                confirmed,
            } => {
                self.transfer(socket, chat, conversation, to, &note, confirmed, false)
                    .await
            }
            ConsoleClientMsg::SetStatus { status } => {
                chat.hub.set_status(self.counsellor.id.0, status);
                tracing::info!(counsellor = %self.counsellor.id, ?status, "status set");
                Ok(())
            }
            ConsoleClientMsg::AddNote {
                conversation,
                text,
                confirmed,
            } => {
                self.add_note(socket, chat, conversation, &text, confirmed)
                    .await
            }
            ConsoleClientMsg::Concern {
                conversation,
                note,
                confirmed,
            } => {
                self.concern(socket, chat, conversation, &note, confirmed)
                    .await
            }
            ConsoleClientMsg::ListChats => self.list_chats(socket, chat).await,
            ConsoleClientMsg::Watch { conversation } => {
                self.watch(socket, chat, conversation).await
            }
            ConsoleClientMsg::Reassign { conversation, to } => {
                self.transfer(socket, chat, conversation, to, "", true, true)
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

    /// Gives a chat to a colleague or back to the queue (see the module
    /// docs). `by_coordinator`: a coordinator reassigns someone's chat.
    #[allow(clippy::too_many_arguments)]
    async fn transfer(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
        to: Option<i64>,
        note: &str,
        confirmed: bool,
        by_coordinator: bool,
    ) -> Result<(), Exit> {
        let me = self.counsellor.id.0;
        let from = if by_coordinator {
            if !self.coordinator {
                return send(socket, &error(ErrorCode::NotAllowed, Some(id), None)).await;
            }
            match chat.store.get(id).await.map_err(|e| unavailable(&e))? {
                Some(c) if c.state == State::Active => c.counsellor_id.unwrap_or_default(),
                _ => return send(socket, &error(ErrorCode::NotFound, Some(id), None)).await,
            }
        } else {
            if !self.holds(id) {
                return send(socket, &error(ErrorCode::NotAllowed, Some(id), None)).await;
            }
            me
        };
        let note = note.trim();
        if let Err(refused) = screen_note(chat, id, note, confirmed, true) {
            return send(socket, &refused).await;
        }
        let from_name = self.counsellor.first_name.to_string();
        match to {
            Some(target) => {
                let member = chat.hub.member(target);
                let Some(member) =
                    member.filter(|m| target != from && m.status != CounsellorStatus::Away)
                else {
                    return send(
                        socket,
                        &error(ErrorCode::ColleagueUnavailable, Some(id), None),
                    )
                    .await;
                };
                let moved = chat
                    .store
                    .transfer(id, from, target)
                    .await
                    .map_err(|e| unavailable(&e))?;
                if moved.is_none() {
                    let still_from = chat
                        .store
                        .get(id)
                        .await
                        .map_err(|e| unavailable(&e))?
                        .is_some_and(|c| c.state == State::Active && c.counsellor_id == Some(from));
                    let code = if still_from {
                        ErrorCode::TooManyChats
                    } else {
                        ErrorCode::NotAllowed
                    };
                    return send(socket, &error(code, Some(id), None)).await;
                }
                self.audit_transfer(chat, id, from, to).await;
                // The receiving console may be on another node: it reads the
                // note from the database (notifications carry no content).
                if chat.hub.is_clustered()
                    && !note.is_empty()
                    && let Err(e) = chat.store.set_handover(id, note, &from_name).await
                {
                    tracing::error!(error = %e, "could not store a handover note");
                }
                // The person sees the new name, nothing else.
                chat.hub.publish(
                    id,
                    ConversationEvent::CounsellorJoined {
                        first_name: member.first_name.clone(),
                    },
                );
                chat.hub.publish(
                    id,
                    ConversationEvent::Handed {
                        to: Some(target),
                        reason: ReturnReason::Reassigned,
                    },
                );
                chat.hub.give(GivenChat {
                    counsellor: target,
                    conversation: id,
                    note: note.to_owned(),
                    from: from_name,
                });
            }
            None => {
                let handover = (!note.is_empty()).then_some((note, from_name.as_str()));
                let returned = chat
                    .store
                    .return_to_queue(id, from, handover)
                    .await
                    .map_err(|e| unavailable(&e))?;
                if !returned {
                    return send(socket, &error(ErrorCode::NotAllowed, Some(id), None)).await;
                }
                self.audit_transfer(chat, id, from, to).await;
                chat.hub.publish(
                    id,
                    ConversationEvent::Handed {
                        to: None,
                        reason: ReturnReason::Reassigned,
                    },
                );
                chat.hub.queue_changed();
            }
        }
        chat.hub.team_changed();
        tracing::info!(conversation = id, by_coordinator, "chat transferred");
        if self.holds(id) || from == me {
            self.detach(chat, id);
            send(
                socket,
                &ConsoleServerMsg::TransferredAway { conversation: id },
            )
            .await?;
        }
        if by_coordinator {
            self.list_chats(socket, chat).await?;
        }
        Ok(())
    }

    /// Records a transfer or reassignment once the database has moved the
    /// chat and before anyone is told, so the log never lags the handover.
    async fn audit_transfer(&self, chat: &ChatService, id: i64, from: i64, to: Option<i64>) {
        let target = to.map_or_else(|| "queue".to_owned(), |t| format!("counsellor:{t}"));
        if let Err(e) = audit::record(
            chat.store.db(),
            &self.actor(),
            Action::ChatReassigned,
            &format!("conversation:{id}"),
            &format!("from:counsellor:{from} to:{target}"),
        )
        .await
        {
            tracing::error!(error = %e, "could not audit a transfer");
        }
    }

    /// A chat given to this counsellor: open it with its full history.
    async fn on_given(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        given: GivenChat,
    ) -> Result<(), Exit> {
        if given.counsellor != self.counsellor.id.0 {
            return Ok(());
        }
        let conversation = chat
            .store
            .get(given.conversation)
            .await
            .map_err(|e| unavailable(&e))?;
        let Some(conversation) = conversation
            .filter(|c| c.state == State::Active && c.counsellor_id == Some(self.counsellor.id.0))
        else {
            return Ok(());
        };
        send(
            socket,
            &ConsoleServerMsg::TransferredToYou {
                entry: conversation.queue_entry(),
                note: given.note,
                from: given.from,
            },
        )
        .await?;
        let id = conversation.id;
        if let Some(open) = self.open.get_mut(&id) {
            // Watched until now: the whole history again, as its counsellor.
            open.delivered = 0;
        }
        self.attach(socket, chat, id, 0, false).await?;
        self.send_notes(socket, chat, id).await
    }

    /// Adds a course note to a chat this counsellor has.
    async fn add_note(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
        text: &str,
        confirmed: bool,
    ) -> Result<(), Exit> {
        if !self.holds(id) {
            return send(socket, &error(ErrorCode::NotFound, Some(id), None)).await;
        }
        let text = text.trim();
        if let Err(refused) = screen_note(chat, id, text, confirmed, false) {
            return send(socket, &refused).await;
        }
        crate::console::notes::add(&chat.store, id, self.counsellor.id.0, text)
            .await
            .map_err(|e| unavailable(&e))?;
        self.send_notes(socket, chat, id).await
    }

    /// Records a concern about a chat this counsellor has.
    async fn concern(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
        note: &str,
        confirmed: bool,
    ) -> Result<(), Exit> {
        if !self.holds(id) {
            return send(socket, &error(ErrorCode::NotFound, Some(id), None)).await;
        }
        let note = note.trim();
        if let Err(refused) = screen_note(chat, id, note, confirmed, false) {
            return send(socket, &refused).await;
        }
        let Some(conversation) = chat.store.get(id).await.map_err(|e| unavailable(&e))? else {
            return send(socket, &error(ErrorCode::NotFound, Some(id), None)).await;
        };
        chat.store
            .record_concern(&conversation, self.counsellor.id.0, note)
            .await
            .map_err(|e| unavailable(&e))?;
        tracing::info!(conversation = id, "concern recorded");
        send(
            socket,
            &ConsoleServerMsg::ConcernRecorded {
                conversation: id,
                under_18: conversation.age_band.and_then(|b| b.is_minor()) == Some(true),
            },
        )
        .await
    }

    /// Coordinators: every live chat.
    async fn list_chats(&mut self, socket: &mut WebSocket, chat: &ChatService) -> Result<(), Exit> {
        if !self.coordinator {
            return send(socket, &error(ErrorCode::NotAllowed, None, None)).await;
        }
        let chats = chat
            .store
            .live()
            .await
            .map_err(|e| unavailable(&e))?
            .into_iter()
            .map(|(c, holder)| ActiveChat {
                entry: c.queue_entry(),
                counsellor: holder,
                counsellor_id: c.counsellor_id,
                last_activity: c.last_activity_at,
            })
            .collect();
        send(socket, &ConsoleServerMsg::AllChats { chats }).await
    }

    /// Coordinators: follow a live chat read-only; recorded in the audit log
    /// before anything is shown.
    async fn watch(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
    ) -> Result<(), Exit> {
        if !self.coordinator || self.holds(id) {
            return send(socket, &error(ErrorCode::NotAllowed, Some(id), None)).await;
        }
        let found = chat.store.get(id).await.map_err(|e| unavailable(&e))?;
        let Some(conversation) = found.filter(|c| c.state != State::Ended) else {
            return send(socket, &error(ErrorCode::NotFound, Some(id), None)).await;
        };
        if let Err(e) = audit::record(
            chat.store.db(),
            &self.actor(),
            Action::ChatViewed,
            &format!("conversation:{id}"),
            "read-only",
        )
        .await
        {
            // No watching without its record.
            tracing::error!(error = %e, "could not audit a watch");
            return send(socket, &error(ErrorCode::Unavailable, Some(id), None)).await;
        }
        let counsellor = match conversation.counsellor_id {
            Some(holder) => {
                counsellors::find_by_id(chat.store.db(), counsellors::CounsellorId(holder))
                    .await
                    .map_err(|e| unavailable(&StoreError::Db(e)))?
                    .map(|c| c.first_name.to_string())
            }
            None => None,
        };
        send(
            socket,
            &ConsoleServerMsg::Watching {
                entry: conversation.queue_entry(),
                counsellor,
            },
        )
        .await?;
        self.attach(socket, chat, id, 0, true).await
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
        // The account's maximum as stored: a coordinator may have changed
        // it since this console clocked in, on any node.
        let max_chats = crate::console::notes::max_chats(chat.store.db(), self.counsellor.id.0)
            .await
            .map_err(|e| unavailable(&StoreError::from(e)))?;
        let load = chat
            .store
            .load_of(self.counsellor.id.0)
            .await
            .map_err(|e| unavailable(&e))?;
        if load >= max_chats {
            return send(socket, &error(ErrorCode::TooManyChats, Some(id), None)).await;
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
        chat.hub.team_changed();
        send(
            socket,
            &ConsoleServerMsg::Claimed {
                entry: claimed.queue_entry(),
            },
        )
        .await?;
        self.attach(socket, chat, id, 0, false).await?;
        if let Some((note, from)) = chat
            .store
            .take_handover(id)
            .await
            .map_err(|e| unavailable(&e))?
        {
            send(
                socket,
                &ConsoleServerMsg::Handover {
                    conversation: id,
                    note,
                    from,
                },
            )
            .await?;
        }
        self.send_notes(socket, chat, id).await
    }

    async fn end(
        &mut self,
        socket: &mut WebSocket,
        chat: &ChatService,
        id: i64,
        outcome: Option<Outcome>,
        block: bool,
    ) -> Result<(), Exit> {
        if !self.holds(id) {
            // The person left first: the outcome may still be recorded.
            if let (Some(outcome), false) = (outcome, block)
                && chat
                    .store
                    .record_outcome(id, self.counsellor.id.0, outcome)
                    .await
                    .map_err(|e| unavailable(&e))?
            {
                return send(
                    socket,
                    &ConsoleServerMsg::Ended {
                        conversation: id,
                        deleted: false,
                    },
                )
                .await;
            }
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
        chat.hub.team_changed();
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
        if !self.holds(id) {
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
            Err(e @ (StoreError::Db(_) | StoreError::Crypto(_))) => {
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
        let Some(watch_only) = self.open.get(&id).map(|o| o.watch_only) else {
            return Ok(());
        };
        match item {
            Forwarded::Resync => self.catch_up(socket, chat, id).await,
            // Stored through another node: read what this console lacks.
            Forwarded::Event(ConversationEvent::Stored(seq)) => {
                if self.open.get(&id).is_some_and(|o| seq > o.delivered) {
                    self.catch_up(socket, chat, id).await
                } else {
                    Ok(())
                }
            }
            Forwarded::Event(ConversationEvent::Resync) => self.resync(socket, chat, id).await,
            Forwarded::Event(ConversationEvent::Message(message)) => {
                self.deliver(socket, chat, id, message).await
            }
            Forwarded::Event(ConversationEvent::Typing(Sender::Visitor)) => {
                send(socket, &ConsoleServerMsg::Typing { conversation: id }).await
            }
            Forwarded::Event(ConversationEvent::Ended { by, deleted, .. })
                if by == Sender::Visitor || watch_only =>
            {
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
            Forwarded::Event(ConversationEvent::Handed { to, reason }) => {
                if watch_only || to == Some(self.counsellor.id.0) {
                    return Ok(());
                }
                self.detach(chat, id);
                let frame = match to {
                    Some(_) => ConsoleServerMsg::TransferredAway { conversation: id },
                    None => ConsoleServerMsg::ReturnedToQueue {
                        conversation: id,
                        reason,
                    },
                };
                send(socket, &frame).await
            }
            Forwarded::Event(_) => Ok(()),
        }
    }
}
