//! Chats that nobody answers go back to the queue by themselves.
//!
//! One background task (per server process) checks, a few times per
//! configured period:
//! - a claimed chat with no counsellor message within
//!   [`super::ChatWork::unanswered_claim`] of being claimed (or given);
//! - a chat whose counsellor has had no console open for
//!   [`super::ChatWork::console_gone_grace`] (a reload or a short network
//!   loss is within the grace; a closed laptop is not).
//!
//! Such a chat returns to the queue at its original place (its waiting time
//! is kept), the consoles that had it get
//! [`app::protocol::console::ConsoleServerMsg::ReturnedToQueue`], and the
//! person sees nothing: their conversation stays open and the next
//! counsellor's first name appears when someone takes it.

use crate::chat::ChatService;
use crate::chat::hub::ConversationEvent;
use crate::db::now_millis;
use app::protocol::console::ReturnReason;
use std::collections::HashMap;
use std::time::Duration;
use tokio::time::Instant;

/// How often the task looks: a fraction of the shortest period, within
/// sensible bounds.
fn tick(chat: &ChatService) -> Duration {
    let shortest = chat.work.unanswered_claim.min(chat.work.console_gone_grace);
    (shortest / 5).clamp(Duration::from_millis(100), Duration::from_secs(10))
}

/// Runs until the task is aborted at shutdown.
pub async fn keep_returning(chat: ChatService) {
    let mut absent_since: HashMap<i64, Instant> = HashMap::new();
    let mut interval = tokio::time::interval(tick(&chat));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if let Err(error) = check(&chat, &mut absent_since).await {
            // Not fatal: the next tick tries again.
            tracing::warn!(%error, "cannot check unanswered chats");
        }
    }
}

/// One round of checks.
async fn check(
    chat: &ChatService,
    absent_since: &mut HashMap<i64, Instant>,
) -> Result<(), crate::chat::store::StoreError> {
    let limit = i64::try_from(chat.work.unanswered_claim.as_millis()).unwrap_or(i64::MAX);
    for (conversation, counsellor) in chat
        .store
        .unanswered_claims(now_millis().saturating_sub(limit))
        .await?
    {
        give_back(chat, conversation, counsellor, ReturnReason::Unanswered).await?;
    }
    let holders = chat.store.active_holders().await?;
    let now = Instant::now();
    absent_since.retain(|counsellor, _| !chat.hub.is_on_duty(*counsellor));
    for (conversation, counsellor) in holders {
        if chat.hub.is_on_duty(counsellor) {
            continue;
        }
        let since = *absent_since.entry(counsellor).or_insert(now);
        if now.duration_since(since) >= chat.work.console_gone_grace {
            give_back(chat, conversation, counsellor, ReturnReason::ConsoleGone).await?;
        }
    }
    Ok(())
}

/// Returns one chat to the queue and tells everyone who needs to know.
async fn give_back(
    chat: &ChatService,
    conversation: i64,
    counsellor: i64,
    reason: ReturnReason,
) -> Result<(), crate::chat::store::StoreError> {
    if chat
        .store
        .return_to_queue(conversation, counsellor, None)
        .await?
    {
        tracing::info!(conversation, ?reason, "chat returned to the queue");
        chat.hub
            .publish(conversation, ConversationEvent::Handed { to: None, reason });
        chat.hub.queue_changed();
        chat.hub.team_changed();
    }
    Ok(())
}
