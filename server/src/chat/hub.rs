//! The in-process relay: live events per conversation, and a signal that the
//! queue changed. Events are published only *after* what they describe is
//! stored, so a subscriber that misses one (a lagging receiver, a reconnect)
//! can always catch up from the database. Typing is relayed, never stored.

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
}

/// Per-conversation event capacity; a slower receiver lags and resyncs.
const CONVERSATION_CAPACITY: usize = 64;

/// Shared by every socket of this server process.
#[derive(Clone, Debug)]
pub struct Hub {
    conversations: Arc<Mutex<HashMap<i64, broadcast::Sender<ConversationEvent>>>>,
    queue: Arc<watch::Sender<u64>>,
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
        }
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
