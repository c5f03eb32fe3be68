//! The team's chat loads as one shared, coalesced snapshot.
//!
//! Every console shows each colleague's open chats, and every claim, close,
//! transfer or status change alters them. Each console reading the loads
//! itself cost (consoles x changes) queries: with 180 consoles claiming a
//! long queue, claiming crawled at 30 chats a second with both cores busy.
//! One task reads them once per change (at most every
//! [`super::queue::MIN_INTERVAL`]) and publishes the result; consoles send
//! the team from it.

use super::hub::Hub;
use super::queue::on_every_change;
use super::store::ConversationStore;
use std::sync::Arc;

/// Keeps [`Hub::watch_loads`] fresh (a background task, stopped at
/// shutdown): a new reading after every team change, coalesced like the
/// queue snapshot.
pub async fn keep_fresh(store: ConversationStore, hub: Hub) {
    let changes = hub.watch_team();
    on_every_change(changes, || async {
        match store.loads().await {
            Ok(loads) => hub.publish_loads(Arc::new(loads)),
            // Not fatal: the next change tries again.
            Err(error) => tracing::warn!(%error, "team loads unavailable"),
        }
    })
    .await;
}
