//! The anonymous chat: storage, the in-process relay, and the visitor's
//! socket. The counsellor's socket lives in [`crate::console`].

pub mod cluster;
pub mod code;
pub mod hub;
pub mod limit;
pub mod queue;
pub mod risk;
pub mod session;
pub mod socket;
pub mod store;
pub mod team;
pub mod token;

use hub::Hub;
use ring::rand::SystemRandom;
use std::time::Duration;
use store::ConversationStore;
use tokio::sync::watch;

/// How long a socket may stay silent (clients ping every 25 s).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(75);

/// How long a new socket has to send its first frame.
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything the chat sockets share.
#[derive(Clone, Debug)]
pub struct ChatService {
    /// Conversation storage.
    pub store: ConversationStore,
    /// Live relay.
    pub hub: Hub,
    /// Randomness for tokens.
    pub rng: SystemRandom,
    /// New conversations per client address (in memory only).
    pub new_chats: std::sync::Arc<limit::NewChats>,
    /// Keys the hashes of resume codes.
    pub code_key: std::sync::Arc<code::CodeKey>,
    /// Messages per conversation over all its sockets (in memory only).
    pub conversation_limits: std::sync::Arc<limit::ConversationLimits>,
    /// Resume-code guessing limits (in memory only).
    pub code_guesses: std::sync::Arc<limit::CodeGuesses>,
    /// When new talks may start (swapped when a coordinator changes them).
    pub hours: std::sync::Arc<crate::settings::Swap<crate::hours::OpeningHours>>,
    /// The risk word lists (swapped when a coordinator changes them).
    pub risk: std::sync::Arc<crate::settings::Swap<risk::RiskMatcher>>,
    /// Conversations are deleted this long after their last activity.
    pub retention: Duration,
    /// Becomes `true` when the server shuts down: sockets close with 1012
    /// so clients reconnect (to this node once it is back, or another).
    pub shutdown: watch::Receiver<bool>,
    /// How the service works with chats (transfers, auto-return, notes).
    pub work: std::sync::Arc<crate::console::ChatWork>,
    /// This node among several on one PostgreSQL database (`None` on
    /// SQLite, which is one node by nature).
    pub node: Option<cluster::Node>,
}

impl ChatService {
    /// Whether a new talk may start now: within opening hours and, when the
    /// service asks for it, while a counsellor on duty is available.
    pub fn open_for_new_chats(&self, now_ms: i64) -> bool {
        self.hours.get().is_open(now_ms)
            && (!self.work.needs_available_counsellor || self.hub.anyone_available())
    }
}
