//! The team's chat loads as one shared, coalesced snapshot.
//!
//! Every console shows each colleague's open chats, and every claim, close,
//! transfer or status change alters them. Each console reading the loads
//! itself cost (consoles x changes) queries: with 180 consoles claiming a
//! long queue, claiming crawled at 30 chats a second with both cores busy.
//! One task reads them once per change (at most every [`MIN_INTERVAL`]) and
//! publishes the result; consoles send the team from it.

use super::hub::Hub;
use super::store::ConversationStore;
use std::sync::Arc;
use std::time::Duration;

/// Least time between two readings: changes in between are coalesced.
pub const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// Keeps [`Hub::watch_loads`] fresh (a background task, stopped at
/// shutdown): a new reading after every team change, at most one per
/// [`MIN_INTERVAL`].
pub async fn keep_fresh(store: ConversationStore, hub: Hub) {
    let mut changes = hub.watch_team();
    loop {
        changes.borrow_and_update();
        match store.loads().await {
            Ok(loads) => hub.publish_loads(Arc::new(loads)),
            // Not fatal: the next change tries again.
            Err(error) => tracing::warn!(%error, "team loads unavailable"),
        }
        tokio::time::sleep(MIN_INTERVAL).await;
        if changes.changed().await.is_err() {
            return;
        }
    }
}
