//! The in-process relay: live events per conversation, and a signal that the
//! queue changed. Events are published only *after* what they describe is
//! stored, so a subscriber that misses one (a lagging receiver, a reconnect)
//! can always catch up from the database. Typing is relayed, never stored.
//!
//! With several server nodes on one PostgreSQL database, everything
//! published here is also handed to [`super::cluster`] (through
//! [`Hub::forward_to`]), which passes it to the other nodes with
//! LISTEN/NOTIFY; what other nodes publish comes back in through the
//! `*_local` methods, which do not forward again.

use super::queue::QueueSnapshot;
use app::protocol::console::{CounsellorStatus, ReturnReason};
use app::protocol::{ChatMessage, Sender};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{broadcast, mpsc, watch};

/// Events in one conversation, fanned out to both sides' sockets.
#[derive(Clone, Debug)]
pub enum ConversationEvent {
    /// A message was stored.
    Message(ChatMessage),
    /// Someone is typing.
    Typing(Sender),
    /// The counsellor has read up to this `seq`.
    Read(u64),
    /// A counsellor took the conversation.
    CounsellorJoined {
        /// First name, shown to the person.
        first_name: String,
    },
    /// The conversation ended (`deleted`: its messages are gone).
    Ended {
        /// Who ended it.
        by: Sender,
        /// Deleted at the person's request.
        deleted: bool,
        /// Blocked by the counsellor.
        blocked: bool,
    },
    /// The chat's priority or risk words changed (never shown to the person).
    Flagged {
        /// Its priority now.
        priority: i32,
        /// Every risk word matched so far.
        risk_words: Vec<String>,
    },
    /// The conversation changed hands (stored first): given to counsellor
    /// `to`, or back to the queue (`None`, with the reason). The person's
    /// socket ignores it; consoles that had the chat close it.
    Handed {
        /// The new holder, if any.
        to: Option<i64>,
        /// Why it went back to the queue (when `to` is `None`).
        reason: ReturnReason,
    },
    /// Messages up to this `seq` were stored on another node: read what
    /// this socket has not delivered yet from the database.
    Stored(u64),
    /// Events may have been missed (this node's LISTEN connection dropped):
    /// re-read the conversation and its messages from the database.
    Resync,
}

/// What this node tells the other nodes (see [`super::cluster`]).
#[derive(Clone, Debug)]
pub enum Signal {
    /// An event in one conversation.
    Conversation(i64, ConversationEvent),
    /// The queue changed.
    Queue,
    /// Who is on duty here, or a status, changed.
    Team,
    /// A chat was given to a counsellor.
    Given(GivenChat),
    /// A counsellor session ended (logout).
    SessionEnded(tower_sessions::session::Id),
}

/// How many signals may wait for the cluster publisher; beyond it the other
/// nodes are told to re-read everything instead (nothing is lost).
pub const OUTBOX_CAPACITY: usize = 65_536;

/// The counsellors on duty on another node, as it last announced them.
#[derive(Clone, Debug)]
struct RemoteTeam {
    seen: std::time::Instant,
    members: HashMap<i64, Member>,
}

/// Where this hub's signals go to the other nodes (PostgreSQL only).
#[derive(Debug, Default)]
struct Outbox {
    sender: OnceLock<mpsc::Sender<Signal>>,
    /// A signal did not fit: the publisher asks every node to resync.
    overflowed: AtomicBool,
}

/// A counsellor on duty as the team sees them. Kept in memory with the
/// on-duty tracking (this process only, like being on duty itself): a
/// restart sets everyone back to available when their console reconnects.
#[derive(Clone, Debug)]
pub struct Member {
    /// First name.
    pub first_name: String,
    /// Chosen status.
    pub status: CounsellorStatus,
    /// Most chats at once (from the account).
    pub max_chats: u32,
}

/// A chat given to one counsellor: their consoles take it over.
#[derive(Clone, Debug)]
pub struct GivenChat {
    /// The receiving counsellor.
    pub counsellor: i64,
    /// The conversation.
    pub conversation: i64,
    /// The handover note.
    pub note: String,
    /// Who gave it (first name).
    pub from: String,
}

/// Per-conversation event capacity; a slower receiver lags and resyncs
/// from the database. Tokio allocates every slot up front, so this is paid
/// by every open conversation, idle or not: 64 slots holding whole events
/// cost 7 KiB a conversation; 16 slots holding an `Arc` each cost 0.6 KiB.
/// Two people typing at human speed never fill 16 between two reads of a
/// live socket.
const CONVERSATION_CAPACITY: usize = 16;

/// One socket's subscription to a conversation's events (see
/// [`Hub::subscribe`]). The channel carries each event behind an `Arc` (a
/// pointer per preallocated slot, not a whole event); receiving hands out
/// the event itself, cloned only when another socket still holds it (as a
/// plain broadcast channel would clone it for every receiver anyway).
#[derive(Debug)]
pub struct Events(broadcast::Receiver<Arc<ConversationEvent>>);

impl Events {
    /// The next event; `Lagged` when this receiver fell behind the capacity.
    pub async fn recv(&mut self) -> Result<ConversationEvent, broadcast::error::RecvError> {
        self.0.recv().await.map(Arc::unwrap_or_clone)
    }

    /// The next event if one is ready.
    pub fn try_recv(&mut self) -> Result<ConversationEvent, broadcast::error::TryRecvError> {
        self.0.try_recv().map(Arc::unwrap_or_clone)
    }
}

/// Shared by every socket of this server process.
#[derive(Clone, Debug)]
pub struct Hub {
    conversations: Arc<Mutex<HashMap<i64, broadcast::Sender<Arc<ConversationEvent>>>>>,
    queue: Arc<watch::Sender<u64>>,
    /// The latest queue snapshot (see [`super::queue`]).
    snapshot: Arc<watch::Sender<Arc<QueueSnapshot>>>,
    /// Counsellors with a console open (id → open consoles): "on duty".
    on_duty: Arc<Mutex<HashMap<i64, usize>>>,
    /// Counsellor sessions just ended (logout): their consoles close.
    ended_sessions: Arc<broadcast::Sender<tower_sessions::session::Id>>,
    /// Name, status and capacity of each counsellor on duty.
    members: Arc<Mutex<HashMap<i64, Member>>>,
    /// Bumped whenever who is on duty, a status or a load changes.
    team: Arc<watch::Sender<u64>>,
    /// Open chats per counsellor, read once per team change (see
    /// [`super::team`]); consoles send the team from it.
    loads: Arc<watch::Sender<Arc<HashMap<i64, u32>>>>,
    /// Chats given to a counsellor (every console filters its own).
    given: Arc<broadcast::Sender<GivenChat>>,
    /// Counsellors on duty on other nodes, by node id.
    remote: Arc<Mutex<HashMap<String, RemoteTeam>>>,
    /// Signals for the other nodes, when there are any.
    outbox: Arc<Outbox>,
}

/// A counsellor's console being open; dropping it goes off duty.
#[derive(Debug)]
pub struct OnDuty {
    hub: Hub,
    counsellor: i64,
}

impl Drop for OnDuty {
    fn drop(&mut self) {
        {
            let mut on_duty = lock(&self.hub.on_duty);
            if let Some(count) = on_duty.get_mut(&self.counsellor) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    on_duty.remove(&self.counsellor);
                    lock(&self.hub.members).remove(&self.counsellor);
                }
            }
        }
        self.hub.team_changed();
        // Chats kept for this counsellor are now everyone's.
        self.hub.queue_changed();
    }
}

/// Locks a mutex whose data stays consistent even if a holder panicked
/// (every operation on it is a single insert, update or remove).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    /// An empty hub.
    pub fn new() -> Self {
        let (queue, _) = watch::channel(0);
        Hub {
            conversations: Arc::new(Mutex::new(HashMap::new())),
            queue: Arc::new(queue),
            snapshot: Arc::new(watch::channel(Arc::new(QueueSnapshot::default())).0),
            on_duty: Arc::new(Mutex::new(HashMap::new())),
            ended_sessions: Arc::new(broadcast::channel(64).0),
            members: Arc::new(Mutex::new(HashMap::new())),
            team: Arc::new(watch::channel(0).0),
            loads: Arc::new(watch::channel(Arc::new(HashMap::new())).0),
            given: Arc::new(broadcast::channel(64).0),
            remote: Arc::new(Mutex::new(HashMap::new())),
            outbox: Arc::new(Outbox::default()),
        }
    }

    /// From now on every event, queue and team change is also sent to
    /// `sender` (the cluster publisher). Set once, at startup.
    pub fn forward_to(&self, sender: mpsc::Sender<Signal>) {
        let _ = self.outbox.sender.set(sender);
    }

    /// Whether this hub tells other nodes what happens (several nodes).
    pub fn is_clustered(&self) -> bool {
        self.outbox.sender.get().is_some()
    }

    fn forward(&self, signal: Signal) {
        if let Some(sender) = self.outbox.sender.get()
            && sender.try_send(signal).is_err()
        {
            self.outbox.overflowed.store(true, Ordering::Relaxed);
        }
    }

    /// Whether signals were dropped since the last call (the publisher then
    /// asks every node to resync from the database).
    pub fn take_overflow(&self) -> bool {
        self.outbox.overflowed.swap(false, Ordering::Relaxed)
    }

    /// The counsellors on duty on this node (what it announces to others).
    pub fn local_members(&self) -> Vec<(i64, Member)> {
        let on_duty = lock(&self.on_duty);
        lock(&self.members)
            .iter()
            .filter(|(id, _)| on_duty.contains_key(id))
            .map(|(id, m)| (*id, m.clone()))
            .collect()
    }

    /// Whether another node has announced itself (and not timed out).
    pub fn knows_node(&self, node: &str) -> bool {
        lock(&self.remote).contains_key(node)
    }

    /// Records who is on duty on another node (its announcement).
    pub fn set_remote_team(&self, node: &str, members: Vec<(i64, Member)>) {
        let changed = {
            let mut remote = lock(&self.remote);
            let members: HashMap<i64, Member> = members.into_iter().collect();
            let before = remote.get(node).map(|team| team.members.len());
            let changed = before != Some(members.len())
                || remote.get(node).is_some_and(|team| {
                    team.members.iter().any(|(id, m)| {
                        members
                            .get(id)
                            .is_none_or(|n| n.status != m.status || n.max_chats != m.max_chats)
                    })
                });
            // Kept even when empty: the node is known (and alive).
            remote.insert(
                node.to_owned(),
                RemoteTeam {
                    seen: std::time::Instant::now(),
                    members,
                },
            );
            changed
        };
        if changed {
            self.team_changed_local();
            // Kept chats and "anyone available" depend on who is on duty.
            self.queue_changed_local();
        }
    }

    /// Forgets the nodes not heard from for `ttl` (a node that died).
    pub fn expire_remote_teams(&self, ttl: std::time::Duration) {
        let expired = {
            let mut remote = lock(&self.remote);
            let before = remote.len();
            remote.retain(|_, team| team.seen.elapsed() < ttl);
            before != remote.len()
        };
        if expired {
            self.team_changed_local();
            self.queue_changed_local();
        }
    }

    fn remote_member(&self, counsellor: i64) -> Option<Member> {
        lock(&self.remote)
            .values()
            .find_map(|team| team.members.get(&counsellor).cloned())
    }

    /// Tells every socket of this node to re-read from the database, and
    /// the queue and team to refresh: after events may have been missed.
    pub fn resync_local(&self) {
        let senders: Vec<_> = self.lock().values().cloned().collect();
        let resync = Arc::new(ConversationEvent::Resync);
        for sender in senders {
            let _ = sender.send(resync.clone());
        }
        self.queue_changed_local();
        self.team_changed_local();
    }

    /// Clocks a counsellor in ([`Hub::clock_in`]) with the name and capacity
    /// the team sees. A second console keeps the status already chosen.
    pub fn clock_in_member(&self, counsellor: i64, first_name: &str, max_chats: u32) -> OnDuty {
        lock(&self.members)
            .entry(counsellor)
            .and_modify(|m| m.max_chats = max_chats)
            .or_insert_with(|| Member {
                first_name: first_name.to_owned(),
                status: CounsellorStatus::Available,
                max_chats,
            });
        let on_duty = self.clock_in(counsellor);
        self.team_changed();
        on_duty
    }

    /// Sets how many chats an on-duty counsellor takes at once (a
    /// coordinator changed it); the team hears of it.
    pub fn set_max_chats(&self, counsellor: i64, max_chats: u32) {
        let changed = lock(&self.members)
            .get_mut(&counsellor)
            .is_some_and(|m| std::mem::replace(&mut m.max_chats, max_chats) != max_chats);
        if changed {
            self.team_changed();
        }
    }

    /// Sets an on-duty counsellor's status.
    pub fn set_status(&self, counsellor: i64, status: CounsellorStatus) {
        if let Some(member) = lock(&self.members).get_mut(&counsellor) {
            member.status = status;
        }
        self.team_changed();
    }

    /// An on-duty counsellor as the team sees them.
    pub fn member(&self, counsellor: i64) -> Option<Member> {
        let local = lock(&self.members).get(&counsellor).cloned();
        local.or_else(|| self.remote_member(counsellor))
    }

    /// Everyone on duty, by id.
    pub fn members(&self) -> Vec<(i64, Member)> {
        let mut members: Vec<(i64, Member)> = lock(&self.members)
            .iter()
            .map(|(id, m)| (*id, m.clone()))
            .collect();
        for team in lock(&self.remote).values() {
            for (id, member) in &team.members {
                if !members.iter().any(|(known, _)| known == id) {
                    members.push((*id, member.clone()));
                }
            }
        }
        members.sort_by(|a, b| a.1.first_name.cmp(&b.1.first_name).then(a.0.cmp(&b.0)));
        members
    }

    /// Whether someone on duty is available for new chats (what opens the
    /// chat to new visitors when the service asks for it).
    pub fn anyone_available(&self) -> bool {
        let here = {
            let on_duty = lock(&self.on_duty);
            lock(&self.members)
                .iter()
                .any(|(id, m)| m.status == CounsellorStatus::Available && on_duty.contains_key(id))
        };
        here || lock(&self.remote).values().any(|team| {
            team.members
                .values()
                .any(|m| m.status == CounsellorStatus::Available)
        })
    }

    /// Tells every console (on every node) the team changed (status, load,
    /// on duty).
    pub fn team_changed(&self) {
        self.team_changed_local();
        self.forward(Signal::Team);
    }

    /// [`Hub::team_changed`] on this node only (another node told us).
    pub fn team_changed_local(&self) {
        self.team
            .send_modify(|version| *version = version.wrapping_add(1));
    }

    /// Watches team changes (coalesced).
    pub fn watch_team(&self) -> watch::Receiver<u64> {
        self.team.subscribe()
    }

    /// Publishes the chats per counsellor to every console (and tells them
    /// the team changed).
    pub fn publish_loads(&self, loads: Arc<HashMap<i64, u32>>) {
        self.loads.send_replace(loads);
    }

    /// Watches the team: a new value after every change, with the chats
    /// per counsellor read once for all consoles.
    pub fn watch_loads(&self) -> watch::Receiver<Arc<HashMap<i64, u32>>> {
        self.loads.subscribe()
    }

    /// Tells the receiving counsellor's consoles about a chat given to them.
    pub fn give(&self, given: GivenChat) {
        self.forward(Signal::Given(given.clone()));
        self.give_local(given);
    }

    /// [`Hub::give`] on this node only (another node told us).
    pub fn give_local(&self, given: GivenChat) {
        let _ = self.given.send(given);
    }

    /// Receives the chats given to anyone from now on.
    pub fn watch_given(&self) -> broadcast::Receiver<GivenChat> {
        self.given.subscribe()
    }

    /// Tells the consoles of a counsellor session that it has ended (the
    /// counsellor logged out): they close at once.
    pub fn session_ended(&self, session: tower_sessions::session::Id) {
        self.forward(Signal::SessionEnded(session));
        self.session_ended_local(session);
    }

    /// [`Hub::session_ended`] on this node only (another node told us).
    pub fn session_ended_local(&self, session: tower_sessions::session::Id) {
        let _ = self.ended_sessions.send(session);
    }

    /// Receives the ids of counsellor sessions that end from now on.
    pub fn watch_ended_sessions(&self) -> broadcast::Receiver<tower_sessions::session::Id> {
        self.ended_sessions.subscribe()
    }

    /// Marks a counsellor on duty while the returned guard lives (one per
    /// open console). Other nodes learn of it from this node's team
    /// announcements (see [`super::cluster`]).
    pub fn clock_in(&self, counsellor: i64) -> OnDuty {
        *lock(&self.on_duty).entry(counsellor).or_insert(0) += 1;
        self.queue_changed();
        OnDuty {
            hub: self.clone(),
            counsellor,
        }
    }

    /// Whether the counsellor has a console open.
    pub fn is_on_duty(&self, counsellor: i64) -> bool {
        lock(&self.on_duty).contains_key(&counsellor) || self.remote_member(counsellor).is_some()
    }

    /// Whether the counsellor has a console open on this node.
    pub fn is_on_duty_here(&self, counsellor: i64) -> bool {
        lock(&self.on_duty).contains_key(&counsellor)
    }

    /// Whether some socket of this node follows the conversation.
    pub fn is_followed_here(&self, conversation: i64) -> bool {
        self.lock()
            .get(&conversation)
            .is_some_and(|sender| sender.receiver_count() > 0)
    }

    /// Receives the conversation's events from now on. Subscribe *before*
    /// reading the backlog from the database, so nothing falls between.
    pub fn subscribe(&self, conversation: i64) -> Events {
        let mut map = self.lock();
        Events(
            map.entry(conversation)
                .or_insert_with(|| broadcast::channel(CONVERSATION_CAPACITY).0)
                .subscribe(),
        )
    }

    /// Sends an event to the conversation's current subscribers (none is fine).
    pub fn publish(&self, conversation: i64, event: ConversationEvent) {
        if self.is_clustered() {
            self.forward(Signal::Conversation(conversation, event.clone()));
        }
        self.publish_local(conversation, event);
    }

    /// [`Hub::publish`] on this node only (another node told us).
    pub fn publish_local(&self, conversation: i64, event: ConversationEvent) {
        let mut map = self.lock();
        if let Some(sender) = map.get(&conversation) {
            if sender.receiver_count() == 0 {
                map.remove(&conversation);
            } else {
                let _ = sender.send(Arc::new(event));
            }
        }
    }

    /// Drops the channel of a conversation nobody listens to any more.
    pub fn forget_if_unused(&self, conversation: i64) {
        let mut map = self.lock();
        if map
            .get(&conversation)
            .is_some_and(|s| s.receiver_count() == 0)
        {
            map.remove(&conversation);
        }
    }

    /// Wakes everyone watching the queue (consoles; people waiting).
    pub fn queue_changed(&self) {
        self.queue_changed_local();
        self.forward(Signal::Queue);
    }

    /// [`Hub::queue_changed`] on this node only (another node told us).
    pub fn queue_changed_local(&self) {
        self.queue
            .send_modify(|version| *version = version.wrapping_add(1));
    }

    /// Publishes a fresh queue snapshot to every watcher.
    pub fn publish_queue(&self, snapshot: Arc<QueueSnapshot>) {
        self.snapshot.send_replace(snapshot);
    }

    /// Watches the queue snapshots (what consoles and waiting people read).
    pub fn queue_snapshot(&self) -> watch::Receiver<Arc<QueueSnapshot>> {
        self.snapshot.subscribe()
    }

    /// Watches the queue for changes (coalesced: many changes, one wake-up).
    pub fn watch_queue(&self) -> watch::Receiver<u64> {
        self.queue.subscribe()
    }

    /// How many conversations have live channels (for tests and metrics).
    pub fn live_conversations(&self) -> usize {
        self.lock().len()
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<i64, broadcast::Sender<Arc<ConversationEvent>>>> {
        // A panic while holding this lock cannot leave the map inconsistent
        // (every operation is a single insert/remove), so poisoning is ignored.
        self.conversations
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn subscribers_receive_what_is_published_after_they_subscribe() {
        let hub = Hub::new();
        let mut rx = hub.subscribe(1);
        hub.publish(1, ConversationEvent::Typing(Sender::Visitor));
        hub.publish(2, ConversationEvent::Typing(Sender::Visitor));
        assert!(matches!(
            rx.recv().await,
            Ok(ConversationEvent::Typing(Sender::Visitor))
        ));
        assert!(rx.try_recv().is_err(), "nothing from another conversation");
    }

    #[tokio::test]
    async fn every_socket_of_a_conversation_gets_the_event() {
        let hub = Hub::new();
        let (mut visitor, mut console) = (hub.subscribe(1), hub.subscribe(1));
        hub.publish(
            1,
            ConversationEvent::CounsellorJoined {
                first_name: "Mia".into(),
            },
        );
        for rx in [&mut visitor, &mut console] {
            assert!(matches!(
                rx.recv().await,
                Ok(ConversationEvent::CounsellorJoined { first_name }) if first_name == "Mia"
            ));
        }
    }

    #[tokio::test]
    async fn a_socket_that_falls_behind_is_told_so_and_goes_on() {
        let hub = Hub::new();
        let mut rx = hub.subscribe(1);
        for seq in 0..=CONVERSATION_CAPACITY as u64 {
            hub.publish(1, ConversationEvent::Read(seq));
        }
        // The oldest was overwritten: the socket learns it lagged (and
        // re-reads the conversation), then gets the rest in order.
        assert!(matches!(
            rx.recv().await,
            Err(broadcast::error::RecvError::Lagged(1))
        ));
        assert!(matches!(rx.recv().await, Ok(ConversationEvent::Read(1))));
    }

    #[test]
    fn unused_channels_are_forgotten() {
        let hub = Hub::new();
        let rx = hub.subscribe(1);
        assert_eq!(hub.live_conversations(), 1);
        drop(rx);
        hub.forget_if_unused(1);
        assert_eq!(hub.live_conversations(), 0);
    }

    #[test]
    fn counsellors_are_on_duty_while_a_console_is_open() {
        let hub = Hub::new();
        let first = hub.clock_in(7);
        let second = hub.clock_in(7);
        assert!(hub.is_on_duty(7));
        assert!(!hub.is_on_duty(8));
        drop(first);
        assert!(hub.is_on_duty(7), "another console is still open");
        drop(second);
        assert!(!hub.is_on_duty(7));
    }

    #[test]
    fn only_available_counsellors_on_duty_open_the_chat() {
        let hub = Hub::new();
        assert!(!hub.anyone_available());
        let duty = hub.clock_in_member(7, "Anna", 3);
        assert!(hub.anyone_available());
        hub.set_status(7, CounsellorStatus::Busy);
        assert!(!hub.anyone_available());
        hub.set_status(7, CounsellorStatus::Available);
        drop(duty);
        assert!(!hub.anyone_available(), "off duty");
        assert!(hub.member(7).is_none());
    }

    #[tokio::test]
    async fn queue_watchers_are_woken() {
        let hub = Hub::new();
        let mut watcher = hub.watch_queue();
        hub.queue_changed();
        hub.queue_changed();
        assert!(watcher.changed().await.is_ok());
        assert_eq!(*watcher.borrow_and_update(), 2);
    }
}
