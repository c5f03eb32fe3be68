//! The in-process relay: live events per conversation, and a signal that the
//! queue changed. Events are published only *after* what they describe is
//! stored, so a subscriber that misses one (a lagging receiver, a reconnect)
//! can always catch up from the database. Typing is relayed, never stored.

use super::queue::QueueSnapshot;
use app::protocol::console::{CounsellorStatus, ReturnReason};
use app::protocol::{ChatMessage, Sender};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, watch};

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

/// Per-conversation event capacity; a slower receiver lags and resyncs.
const CONVERSATION_CAPACITY: usize = 64;

/// Shared by every socket of this server process.
#[derive(Clone, Debug)]
pub struct Hub {
    conversations: Arc<Mutex<HashMap<i64, broadcast::Sender<ConversationEvent>>>>,
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
    /// Chats given to a counsellor (every console filters its own).
    given: Arc<broadcast::Sender<GivenChat>>,
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
            given: Arc::new(broadcast::channel(64).0),
        }
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

    /// Sets an on-duty counsellor's status.
    pub fn set_status(&self, counsellor: i64, status: CounsellorStatus) {
        if let Some(member) = lock(&self.members).get_mut(&counsellor) {
            member.status = status;
        }
        self.team_changed();
    }

    /// An on-duty counsellor as the team sees them.
    pub fn member(&self, counsellor: i64) -> Option<Member> {
        lock(&self.members).get(&counsellor).cloned()
    }

    /// Everyone on duty, by id.
    pub fn members(&self) -> Vec<(i64, Member)> {
        let mut members: Vec<(i64, Member)> = lock(&self.members)
            .iter()
            .map(|(id, m)| (*id, m.clone()))
            .collect();
        members.sort_by(|a, b| a.1.first_name.cmp(&b.1.first_name).then(a.0.cmp(&b.0)));
        members
    }

    /// Whether someone on duty is available for new chats (what opens the
    /// chat to new visitors when the service asks for it).
    pub fn anyone_available(&self) -> bool {
        let on_duty = lock(&self.on_duty);
        lock(&self.members)
            .iter()
            .any(|(id, m)| m.status == CounsellorStatus::Available && on_duty.contains_key(id))
    }

    /// Tells every console the team changed (status, load, on duty).
    pub fn team_changed(&self) {
        self.team
            .send_modify(|version| *version = version.wrapping_add(1));
    }

    /// Watches team changes (coalesced).
    pub fn watch_team(&self) -> watch::Receiver<u64> {
        self.team.subscribe()
    }

    /// Tells the receiving counsellor's consoles about a chat given to them.
    pub fn give(&self, given: GivenChat) {
        let _ = self.given.send(given);
    }

    /// Receives the chats given to anyone from now on.
    pub fn watch_given(&self) -> broadcast::Receiver<GivenChat> {
        self.given.subscribe()
    }

    /// Tells the consoles of a counsellor session that it has ended (the
    /// counsellor logged out): they close at once.
    pub fn session_ended(&self, session: tower_sessions::session::Id) {
        let _ = self.ended_sessions.send(session);
    }

    /// Receives the ids of counsellor sessions that end from now on.
    pub fn watch_ended_sessions(&self) -> broadcast::Receiver<tower_sessions::session::Id> {
        self.ended_sessions.subscribe()
    }

    /// Marks a counsellor on duty while the returned guard lives (one per
    /// open console). This process only: several nodes (a later issue)
    /// need it in the database.
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
        lock(&self.on_duty).contains_key(&counsellor)
    }

    /// Receives the conversation's events from now on. Subscribe *before*
    /// reading the backlog from the database, so nothing falls between.
    pub fn subscribe(&self, conversation: i64) -> broadcast::Receiver<ConversationEvent> {
        let mut map = self.lock();
        map.entry(conversation)
            .or_insert_with(|| broadcast::channel(CONVERSATION_CAPACITY).0)
            .subscribe()
    }

    /// Sends an event to the conversation's current subscribers (none is fine).
    pub fn publish(&self, conversation: i64, event: ConversationEvent) {
        let mut map = self.lock();
        if let Some(sender) = map.get(&conversation) {
            if sender.receiver_count() == 0 {
                map.remove(&conversation);
            } else {
                let _ = sender.send(event);
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
    ) -> std::sync::MutexGuard<'_, HashMap<i64, broadcast::Sender<ConversationEvent>>> {
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
