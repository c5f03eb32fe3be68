//! Several server nodes on one PostgreSQL database: what one node's hub
//! publishes reaches the sockets of every other node through PostgreSQL's
//! LISTEN/NOTIFY, the distributed piece a service already runs (no cluster
//! protocol of our own). SQLite is one node by nature and never starts this.
//!
//! - **Payloads carry ids, never content.** A message is announced as
//!   "conversation 12 has messages up to seq 7"; the receiving node's sockets
//!   read what they have not delivered from the database, so NOTIFY's
//!   8,000-byte limit never matters for messages, and no message text, note or
//!   risk word passes through the notification queue. Several signals share
//!   one NOTIFY (one line each) when they come together.
//! - **Typing and presence are relayed, never stored.** Each node announces
//!   the counsellors on duty at it (ids, first names, status, capacity) when
//!   that changes and every [`HEARTBEAT`]; a node not heard from for
//!   [`NODE_TIMEOUT`] (it died) drops off the team.
//! - **Nothing is lost when the LISTEN connection drops.** The listener
//!   reconnects, listens again and only *then* tells every socket of its node
//!   to re-read from the database ([`ConversationEvent::Resync`]), so an
//!   event is either in what is re-read or in a notification that follows.
//!   Sequence numbers make the re-read exact: no gap, no duplicate.
//! - Claims, transfers and returns are single conditional statements in the
//!   database (see [`super::store`]): of two nodes claiming one chat exactly
//!   one wins; counsellor sessions live in the database too, so a login
//!   works on every node.
//!
//! The channel is named after the database schema, so deployments (and test
//! runs) sharing one PostgreSQL server in different schemas stay apart.

use super::hub::{ConversationEvent, GivenChat, Hub, Member, Signal};
use super::store::ConversationStore;
use app::protocol::Sender;
use app::protocol::console::{CounsellorStatus, ReturnReason};
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How often a node re-announces who is on duty at it.
pub const HEARTBEAT: Duration = Duration::from_secs(5);

/// A node not heard from this long has died: its counsellors go off duty.
pub const NODE_TIMEOUT: Duration = Duration::from_secs(20);

/// NOTIFY refuses payloads of 8,000 bytes or more; signals are batched below.
const MAX_PAYLOAD: usize = 7_500;

/// Most signals in one NOTIFY.
const MAX_BATCH: usize = 256;

/// Why the cluster could not start.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// Connecting, listening or reading the schema failed.
    #[error("cannot set up LISTEN/NOTIFY: {0}")]
    Db(#[from] sqlx::Error),
    /// No randomness for the node id.
    #[error("no randomness for the node id")]
    Random,
}

/// This node in the cluster.
#[derive(Clone, Debug)]
pub struct Node {
    /// Random per process: tells this node's notifications from the others'.
    pub id: String,
    /// The NOTIFY channel of this deployment (its schema).
    pub channel: String,
}

impl Node {
    /// The `application_name` of this node's LISTEN connection (how an
    /// operator, or a test, finds it in `pg_stat_activity`).
    pub fn listener_name(&self) -> String {
        format!("front_door_listen_{}", self.id)
    }
}

/// Joins the cluster: listens on the deployment's channel (before returning,
/// so no socket opened afterwards can miss another node's event) and starts
/// the publisher and listener tasks.
pub async fn join(
    url: &str,
    hub: Hub,
    store: ConversationStore,
) -> Result<(Node, Vec<JoinHandle<()>>), ClusterError> {
    let publisher = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await?;
    let schema: String = sqlx::query_scalar("SELECT current_schema()::text")
        .fetch_one(&publisher)
        .await?;
    let channel: String = format!("front_door_{schema}").chars().take(63).collect();
    let mut id = super::token::new_token(&ring::rand::SystemRandom::new())
        .map_err(|_| ClusterError::Random)?;
    id.truncate(16);
    let node = Node { id, channel };
    let listen_url = with_application_name(url, &node.listener_name());
    let listener = listen(&listen_url, &node.channel).await?;
    let (sender, signals) = mpsc::channel(super::hub::OUTBOX_CAPACITY);
    hub.forward_to(sender);
    let tasks = vec![
        tokio::spawn(publish(publisher, node.clone(), hub.clone(), signals)),
        tokio::spawn(receive(listener, listen_url, node.clone(), hub, store)),
    ];
    tracing::info!(node = %node.id, channel = %node.channel, "joined the cluster");
    Ok((node, tasks))
}

/// `url` with an `application_name` parameter added.
fn with_application_name(url: &str, name: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}application_name={name}")
}

async fn listen(url: &str, channel: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(channel).await?;
    Ok(listener)
}

/// Sends this node's signals, several to a NOTIFY, and announces who is on
/// duty here every [`HEARTBEAT`].
async fn publish(pool: PgPool, node: Node, hub: Hub, mut signals: mpsc::Receiver<Signal>) {
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        let mut announce = false;
        tokio::select! {
            received = signals.recv_many(&mut batch, MAX_BATCH) => {
                if received == 0 {
                    return;
                }
            }
            _ = heartbeat.tick() => {
                announce = true;
                hub.expire_remote_teams(NODE_TIMEOUT);
            }
        }
        let mut lines: Vec<String> = Vec::with_capacity(batch.len() + 2);
        if hub.take_overflow() {
            lines.push("x".to_owned());
        }
        for signal in batch.drain(..) {
            match signal {
                Signal::Team => announce = true,
                other => lines.extend(encode(&other)),
            }
        }
        if announce {
            lines.push(presence(&hub.local_members()));
        }
        for payload in payloads(&node.id, &lines) {
            notify(&pool, &node.channel, &payload).await;
        }
    }
}

/// Sends one NOTIFY, retrying while the database is unreachable: the other
/// nodes' sockets would otherwise not hear of it until their next event.
async fn notify(pool: &PgPool, channel: &str, payload: &str) {
    let mut pause = Duration::from_millis(50);
    loop {
        match sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(pool)
            .await
        {
            Ok(_) => return,
            Err(error) => {
                tracing::warn!(%error, "cannot notify the other nodes; retrying");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(2));
            }
        }
    }
}

/// Packs lines into payloads under [`MAX_PAYLOAD`], each starting with the
/// sending node's id.
fn payloads(node: &str, lines: &[String]) -> Vec<String> {
    let mut payloads = Vec::new();
    let mut current = node.to_owned();
    for line in lines {
        if line.len() + node.len() + 1 >= MAX_PAYLOAD {
            tracing::warn!(bytes = line.len(), "a cluster signal is too large; dropped");
            continue;
        }
        if current.len() + 1 + line.len() >= MAX_PAYLOAD {
            payloads.push(std::mem::replace(&mut current, node.to_owned()));
        }
        current.push('\n');
        current.push_str(line);
    }
    if current.len() > node.len() {
        payloads.push(current);
    }
    payloads
}

fn sender_code(sender: Sender) -> char {
    match sender {
        Sender::Visitor => 'v',
        Sender::Counsellor => 'c',
    }
}

fn sender_from(code: &str) -> Option<Sender> {
    match code {
        "v" => Some(Sender::Visitor),
        "c" => Some(Sender::Counsellor),
        _ => None,
    }
}

fn wire<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => String::new(),
    }
}

fn unwire<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

/// One signal as a line: ids and numbers only (a counsellor's first name
/// where the person's socket shows it); never anything a person typed.
fn encode(signal: &Signal) -> Option<String> {
    Some(match signal {
        Signal::Conversation(id, event) => match event {
            ConversationEvent::Message(message) => format!("m {id} {}", message.seq),
            ConversationEvent::Typing(sender) => format!("t {id} {}", sender_code(*sender)),
            ConversationEvent::Read(up_to) => format!("r {id} {up_to}"),
            ConversationEvent::CounsellorJoined { first_name } => {
                format!("j {id} {}", first_name.replace('\n', " "))
            }
            ConversationEvent::Ended {
                by,
                deleted,
                blocked,
            } => format!(
                "e {id} {} {} {}",
                sender_code(*by),
                u8::from(*deleted),
                u8::from(*blocked)
            ),
            // Risk words are derived from content: the receiver reads them.
            ConversationEvent::Flagged { .. } => format!("f {id}"),
            ConversationEvent::Handed { to, reason } => format!(
                "h {id} {} {}",
                to.map_or_else(|| "-".to_owned(), |to| to.to_string()),
                wire(reason)
            ),
            // Local only: each node resyncs its own sockets.
            ConversationEvent::Stored(_) | ConversationEvent::Resync => return None,
        },
        Signal::Queue => "q".to_owned(),
        // Sent as a presence line by the publisher.
        Signal::Team => return None,
        // The note itself is stored sealed (see `transfer`); only whether
        // there is one travels.
        Signal::Given(given) => format!(
            "g {} {} {} {}",
            given.counsellor,
            given.conversation,
            u8::from(!given.note.is_empty()),
            given.from.replace('\n', " ")
        ),
        // The session is already deleted: its id opens nothing any more.
        Signal::SessionEnded(session) => format!("l {session}"),
    })
}

/// Who is on duty on this node, as one line.
fn presence(members: &[(i64, Member)]) -> String {
    let list: Vec<(i64, &str, String, u32)> = members
        .iter()
        .map(|(id, m)| (*id, m.first_name.as_str(), wire(&m.status), m.max_chats))
        .collect();
    format!(
        "p {}",
        serde_json::to_string(&list).unwrap_or_else(|_| "[]".to_owned())
    )
}

/// Listens for the other nodes' signals; reconnects (and resyncs this
/// node's sockets) when the connection drops.
async fn receive(
    mut listener: PgListener,
    url: String,
    node: Node,
    hub: Hub,
    store: ConversationStore,
) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => apply(notification.payload(), &node, &hub, &store),
            Ok(None) | Err(_) => {
                tracing::warn!(node = %node.id, "the LISTEN connection dropped; reconnecting");
                listener = reconnect(&url, &node.channel).await;
                // Listening again: whatever happened meanwhile is re-read.
                hub.resync_local();
                // Others may have timed this node out.
                hub.team_changed();
                tracing::info!(node = %node.id, "listening again; sockets resynced");
            }
        }
    }
}

async fn reconnect(url: &str, channel: &str) -> PgListener {
    let mut pause = Duration::from_millis(100);
    loop {
        match listen(url, channel).await {
            Ok(listener) => return listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen again yet");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// Applies another node's payload to this node's hub. Unknown or malformed
/// lines are skipped (a newer node may send more kinds).
fn apply(payload: &str, node: &Node, hub: &Hub, store: &ConversationStore) {
    let mut lines = payload.lines();
    let Some(from) = lines.next() else {
        return;
    };
    if from == node.id {
        return;
    }
    for line in lines {
        apply_line(line, from, hub, store);
    }
}

fn apply_line(line: &str, from: &str, hub: &Hub, store: &ConversationStore) {
    let (kind, rest) = line.split_once(' ').unwrap_or((line, ""));
    let mut words = rest.split(' ');
    let mut id = || words.next().and_then(|w| w.parse::<i64>().ok());
    match kind {
        "q" => hub.queue_changed_local(),
        "x" => hub.resync_local(),
        "p" => {
            let list: Vec<(i64, String, String, u32)> =
                serde_json::from_str(rest).unwrap_or_default();
            let members = list
                .into_iter()
                .map(|(id, first_name, status, max_chats)| {
                    let status = unwire(&status).unwrap_or(CounsellorStatus::Available);
                    (
                        id,
                        Member {
                            first_name,
                            status,
                            max_chats,
                        },
                    )
                })
                .collect();
            let new_node = !hub.knows_node(from);
            hub.set_remote_team(from, members);
            if new_node {
                // A node just started (or came back): tell it who is here
                // rather than leave it to the next heartbeat.
                hub.team_changed();
            }
        }
        "l" => {
            if let Ok(session) = rest.parse::<tower_sessions::session::Id>() {
                hub.session_ended_local(session);
            }
        }
        "g" => {
            let mut parts = rest.splitn(4, ' ');
            let counsellor = parts.next().and_then(|w| w.parse::<i64>().ok());
            let conversation = parts.next().and_then(|w| w.parse::<i64>().ok());
            let has_note = parts.next() == Some("1");
            let from_name = parts.next().unwrap_or_default().to_owned();
            let (Some(counsellor), Some(conversation)) = (counsellor, conversation) else {
                return;
            };
            if !hub.is_on_duty_here(counsellor) {
                return;
            }
            let (hub, store) = (hub.clone(), store.clone());
            tokio::spawn(async move {
                let note = if has_note {
                    match store.read_handover(conversation).await {
                        Ok(note) => note.map(|(note, _)| note).unwrap_or_default(),
                        Err(error) => {
                            tracing::warn!(%error, "cannot read a handover note");
                            String::new()
                        }
                    }
                } else {
                    String::new()
                };
                hub.give_local(GivenChat {
                    counsellor,
                    conversation,
                    note,
                    from: from_name,
                });
            });
        }
        _ => {
            let Some(conversation) = id() else {
                return;
            };
            // Nobody here follows it: nothing to do (the database has it).
            if !hub.is_followed_here(conversation) {
                return;
            }
            let event = match kind {
                "m" => match id() {
                    Some(seq) => ConversationEvent::Stored(u64::try_from(seq).unwrap_or_default()),
                    None => return,
                },
                "t" => match words.next().and_then(sender_from) {
                    Some(sender) => ConversationEvent::Typing(sender),
                    None => return,
                },
                "r" => match id() {
                    Some(up_to) => {
                        ConversationEvent::Read(u64::try_from(up_to).unwrap_or_default())
                    }
                    None => return,
                },
                "j" => ConversationEvent::CounsellorJoined {
                    first_name: rest
                        .split_once(' ')
                        .map(|(_, name)| name.to_owned())
                        .unwrap_or_default(),
                },
                "e" => {
                    let Some(by) = words.next().and_then(sender_from) else {
                        return;
                    };
                    ConversationEvent::Ended {
                        by,
                        deleted: words.next() == Some("1"),
                        blocked: words.next() == Some("1"),
                    }
                }
                "h" => {
                    let to = words.next().and_then(|w| w.parse::<i64>().ok());
                    let reason = words
                        .next()
                        .and_then(unwire::<ReturnReason>)
                        .unwrap_or(ReturnReason::Reassigned);
                    ConversationEvent::Handed { to, reason }
                }
                "f" => {
                    let (hub, store) = (hub.clone(), store.clone());
                    tokio::spawn(async move {
                        match store.get(conversation).await {
                            Ok(Some(flagged)) => hub.publish_local(
                                conversation,
                                ConversationEvent::Flagged {
                                    priority: flagged.priority,
                                    risk_words: flagged.risk_words,
                                },
                            ),
                            Ok(None) => {}
                            Err(error) => tracing::warn!(%error, "cannot read a flagged chat"),
                        }
                    });
                    return;
                }
                _ => return,
            };
            hub.publish_local(conversation, event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::protocol::ChatMessage;

    #[test]
    fn messages_travel_as_ids_and_sequence_numbers_only() {
        let message = ChatMessage {
            seq: 7,
            client_id: "c1".to_owned(),
            from: Sender::Visitor,
            text: "something private".to_owned(),
            at: 0,
        };
        let line = encode(&Signal::Conversation(
            12,
            ConversationEvent::Message(message),
        ));
        assert_eq!(line.as_deref(), Some("m 12 7"));
        let flagged = encode(&Signal::Conversation(
            12,
            ConversationEvent::Flagged {
                priority: 3,
                risk_words: vec!["private word".to_owned()],
            },
        ));
        assert_eq!(flagged.as_deref(), Some("f 12"));
    }

    #[test]
    fn payloads_stay_under_the_notify_limit() {
        let lines: Vec<String> = (0..2_000).map(|i| format!("m {i} {i}")).collect();
        let payloads = payloads("node", &lines);
        assert!(payloads.len() > 1);
        assert!(
            payloads
                .iter()
                .all(|p| p.len() < 8_000 && p.starts_with("node\n"))
        );
        let carried: usize = payloads.iter().map(|p| p.lines().count() - 1).sum();
        assert_eq!(carried, lines.len());
    }

    #[test]
    fn presence_lines_read_back() {
        let members = vec![(
            4,
            Member {
                first_name: "Anna".to_owned(),
                status: CounsellorStatus::Busy,
                max_chats: 3,
            },
        )];
        let line = presence(&members);
        let hub = Hub::new();
        let store_free = line.strip_prefix("p ").expect("a presence line");
        let list: Vec<(i64, String, String, u32)> = serde_json::from_str(store_free).expect("json");
        assert_eq!(list[0].0, 4);
        hub.set_remote_team(
            "other",
            vec![(
                4,
                Member {
                    first_name: list[0].1.clone(),
                    status: unwire(&list[0].2).expect("a status"),
                    max_chats: list[0].3,
                },
            )],
        );
        assert!(hub.is_on_duty(4));
        assert!(!hub.is_on_duty_here(4));
        assert_eq!(
            hub.member(4).map(|m| m.status),
            Some(CounsellorStatus::Busy)
        );
        hub.set_remote_team("other", Vec::new());
        assert!(!hub.is_on_duty(4));
    }
}
