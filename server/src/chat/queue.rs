//! The waiting queue as one shared, periodically refreshed snapshot.
//!
//! Every console shows the head of the queue and every waiting person sees
//! their place in it. Re-reading the queue per socket on every change costs
//! (waiting people + consoles) queries per new chat or claim: at thousands
//! of waiting chats that alone saturated both cores. Instead one task reads
//! the queue once per change (at most every [`MIN_INTERVAL`]) and publishes
//! the result; sockets only look things up in it.

use super::hub::Hub;
use super::store::{Conversation, ConversationStore, StoreError, estimate_wait_secs};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How many waiting chats the snapshot holds in full (consoles show the
/// first [`app::protocol::console::QUEUE_FRAME_ENTRIES`] they may take).
pub const HEAD: u32 = 200;

/// Least time between two snapshots: changes in between are coalesced.
pub const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// How many recent real waits the estimate is made from.
const RECENT_WAITS: u32 = 20;

/// The queue at one moment.
#[derive(Debug, Default)]
pub struct QueueSnapshot {
    /// The first [`HEAD`] waiting chats, in queue order.
    pub head: Vec<Conversation>,
    /// Place in the queue (1 = next) of every waiting chat, by id.
    positions: HashMap<i64, u32>,
    /// The honest wait estimate (seconds), if there are enough real waits.
    pub estimate_secs: Option<u32>,
}

impl QueueSnapshot {
    /// Reads the queue.
    pub async fn read(store: &ConversationStore) -> Result<QueueSnapshot, StoreError> {
        let head = store.waiting(HEAD).await?;
        let order = store.waiting_ids().await?;
        let positions = order.into_iter().zip(1u32..).collect::<HashMap<i64, u32>>();
        let estimate_secs = estimate_wait_secs(&store.recent_waits(RECENT_WAITS).await?);
        Ok(QueueSnapshot {
            head,
            positions,
            estimate_secs,
        })
    }

    /// How many chats were waiting.
    pub fn total(&self) -> u32 {
        u32::try_from(self.positions.len()).unwrap_or(u32::MAX)
    }

    /// A waiting chat's place (1 = next); `None` if it was not waiting when
    /// the snapshot was taken.
    pub fn position(&self, conversation: i64) -> Option<u32> {
        self.positions.get(&conversation).copied()
    }
}

/// Keeps [`Hub::queue_snapshot`] fresh (a background task, stopped at
/// shutdown): a new snapshot after every queue change, at most one per
/// [`MIN_INTERVAL`].
pub async fn keep_fresh(store: ConversationStore, hub: Hub) {
    let changes = hub.watch_queue();
    on_every_change(changes, || async {
        match QueueSnapshot::read(&store).await {
            Ok(snapshot) => hub.publish_queue(Arc::new(snapshot)),
            // Not fatal: the next change tries again.
            Err(error) => tracing::warn!(%error, "queue unavailable"),
        }
    })
    .await;
}

/// Runs `refresh` once now and again after every change, at most once per
/// [`MIN_INTERVAL`]: changes in between are coalesced into one run. Ends
/// when the sender of `changes` is gone. Shared by the queue snapshot and
/// the team's loads ([`super::team`]).
pub async fn on_every_change<F, Fut>(mut changes: watch::Receiver<u64>, mut refresh: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    loop {
        changes.borrow_and_update();
        refresh().await;
        tokio::time::sleep(MIN_INTERVAL).await;
        if changes.changed().await.is_err() {
            return;
        }
    }
}
