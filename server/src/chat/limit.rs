//! Rate limiting, in memory only: token buckets per socket and per
//! conversation, and windows per client address for new chats and resume
//! codes. Nothing about a client is kept beyond this process.

use std::time::Instant;

/// Allows bursts of `capacity`, refilled at `per_second`.
#[derive(Debug)]
pub struct TokenBucket {
    capacity: f64,
    per_second: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(capacity: u32, per_second: f64) -> Self {
        TokenBucket {
            capacity: f64::from(capacity),
            per_second,
            tokens: f64::from(capacity),
            last: Instant::now(),
        }
    }

    /// Takes one token if there is one.
    pub fn try_take(&mut self) -> bool {
        self.try_take_at(Instant::now())
    }

    /// Whether the bucket would be full at `now` (nothing to remember).
    pub fn is_full_at(&self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens + elapsed * self.per_second >= self.capacity
    }

    /// [`TokenBucket::try_take`] at a given time (tests).
    pub fn try_take_at(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Wrong resume codes per client address in [`CODE_WINDOW`]. Only wrong
/// ones count: a writer reading and answering a letter thread posts the
/// right code again and again, and a school's or a phone company's shared
/// address carries many honest people at once.
pub const CODE_ATTEMPTS_PER_ADDRESS: u32 = 10;

/// Wrong codes from all addresses together in [`CODE_WINDOW`]: a guesser
/// with many addresses is stopped too (44 bits at this rate take longer
/// than the universe is old).
pub const WRONG_CODES_OVERALL: u32 = 500;

/// The window for code attempts.
pub const CODE_WINDOW: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Limits resume-code guessing. Addresses are held in memory only, coarsened
/// as for logins, and never logged or stored.
#[derive(Debug)]
pub struct CodeGuesses {
    per_address:
        std::sync::Mutex<crate::auth::limiter::WindowCounter<crate::auth::limiter::ClientKey>>,
    wrong: std::sync::Mutex<crate::auth::limiter::WindowCounter<()>>,
}

impl Default for CodeGuesses {
    fn default() -> Self {
        CodeGuesses::new(CODE_ATTEMPTS_PER_ADDRESS, WRONG_CODES_OVERALL)
    }
}

impl CodeGuesses {
    /// At most `per_address` wrong codes per address and `wrong_overall`
    /// wrong codes in all per [`CODE_WINDOW`].
    pub fn new(per_address: u32, wrong_overall: u32) -> Self {
        CodeGuesses {
            per_address: std::sync::Mutex::new(crate::auth::limiter::WindowCounter::new(
                CODE_WINDOW,
                per_address,
            )),
            wrong: std::sync::Mutex::new(crate::auth::limiter::WindowCounter::new(
                CODE_WINDOW,
                wrong_overall,
            )),
        }
    }

    /// Whether a code from `client` may be checked now: `false` once this
    /// address, or everyone together, typed too many wrong codes.
    pub fn attempt(&self, client: Option<std::net::IpAddr>) -> bool {
        let now = Instant::now();
        if self
            .wrong
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .blocked_for(&(), now)
            .is_some()
        {
            return false;
        }
        let Some(client) = client else { return true };
        self.per_address
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .blocked_for(&crate::auth::limiter::ClientKey::of(client), now)
            .is_none()
    }

    /// Counts a wrong code, against its address and the overall limit.
    pub fn wrong(&self, client: Option<std::net::IpAddr>) {
        let now = Instant::now();
        let _ = self
            .wrong
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .try_add((), now);
        if let Some(client) = client {
            let _ = self
                .per_address
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .try_add(crate::auth::limiter::ClientKey::of(client), now);
        }
    }
}

/// Messages one conversation may send in a burst, over all its sockets.
pub const CONVERSATION_BURST: u32 = 15;

/// Messages per second one conversation may send in the long run.
pub const CONVERSATION_RATE: f64 = 1.5;

/// Buckets kept before idle ones are swept.
const MAX_CONVERSATION_BUCKETS: usize = 20_000;

/// Limits messages per conversation across all its sockets: opening more
/// sockets with the same token must not multiply the per-socket limit.
#[derive(Debug, Default)]
pub struct ConversationLimits {
    buckets: std::sync::Mutex<std::collections::HashMap<i64, TokenBucket>>,
}

impl ConversationLimits {
    /// Counts a message of `conversation`; `false` when it sends too fast.
    pub fn allow(&self, conversation: i64) -> bool {
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= MAX_CONVERSATION_BUCKETS && !buckets.contains_key(&conversation) {
            // A bucket that has refilled completely says nothing: forget it.
            buckets.retain(|_, bucket| !bucket.is_full_at(now));
        }
        buckets
            .entry(conversation)
            .or_insert_with(|| TokenBucket::new(CONVERSATION_BURST, CONVERSATION_RATE))
            .try_take_at(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_is_allowed_then_refilled_over_time() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(3, 1.0);
        assert!(bucket.try_take_at(start));
        assert!(bucket.try_take_at(start));
        assert!(bucket.try_take_at(start));
        assert!(!bucket.try_take_at(start));
        assert!(bucket.try_take_at(start + Duration::from_millis(1100)));
        assert!(!bucket.try_take_at(start + Duration::from_millis(1200)));
        // Never more than the capacity, however long the pause.
        let later = start + Duration::from_secs(3600);
        assert!((0..3).all(|_| bucket.try_take_at(later)));
        assert!(!bucket.try_take_at(later));
    }

    #[test]
    fn a_conversation_is_limited_over_all_its_sockets() {
        let limits = ConversationLimits::default();
        assert!((0..CONVERSATION_BURST).all(|_| limits.allow(1)));
        assert!(!limits.allow(1), "the burst is spent");
        assert!(limits.allow(2), "another conversation has its own");
    }

    #[test]
    fn code_guessing_is_limited_per_address_and_overall() {
        let guesses = CodeGuesses::new(3, 5);
        let one: std::net::IpAddr = [10, 0, 0, 1].into();
        let other: std::net::IpAddr = [10, 0, 0, 2].into();
        // Right codes cost nothing: a writer may read and answer all day.
        assert!((0..20).all(|_| guesses.attempt(Some(one))));
        for _ in 0..3 {
            assert!(guesses.attempt(Some(one)));
            guesses.wrong(Some(one));
        }
        assert!(
            !guesses.attempt(Some(one)),
            "three wrong codes from one address"
        );
        assert!(
            guesses.attempt(Some(other)),
            "another address is not blocked"
        );
        for _ in 0..2 {
            guesses.wrong(None);
        }
        assert!(
            !guesses.attempt(Some([10, 0, 0, 3].into())),
            "many wrong codes in all stop everyone for a while"
        );
    }
}

/// New conversations allowed per client address per [`NEW_CHAT_WINDOW`]:
/// generous, because a school class or a youth club may share one address.
pub const NEW_CHATS_PER_ADDRESS: u32 = 20;

/// The window for [`NEW_CHATS_PER_ADDRESS`].
pub const NEW_CHAT_WINDOW: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Counts something one client address does within a window (new chats,
/// bookings, sign-ups), so a script cannot fill the queue or the calendar.
/// Addresses live in this process's memory only, coarsened as the login
/// limiter does, and are never logged or stored.
#[derive(Debug)]
pub struct PerAddress {
    counter: std::sync::Mutex<crate::auth::limiter::WindowCounter<crate::auth::limiter::ClientKey>>,
}

impl PerAddress {
    /// At most `max` per address within `window`.
    pub fn new(window: std::time::Duration, max: u32) -> Self {
        PerAddress {
            counter: std::sync::Mutex::new(crate::auth::limiter::WindowCounter::new(window, max)),
        }
    }

    /// Counts one from `client`; `false` when it has done too many. Without
    /// a known address (never the case over TCP) it allows.
    pub fn allow(&self, client: Option<std::net::IpAddr>) -> bool {
        let Some(client) = client else { return true };
        let mut counter = self
            .counter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        counter
            .try_add(crate::auth::limiter::ClientKey::of(client), Instant::now())
            .is_ok()
    }
}

/// Limits how many conversations one client address may open, so a script
/// cannot fill the queue.
#[derive(Debug)]
pub struct NewChats(PerAddress);

impl Default for NewChats {
    fn default() -> Self {
        NewChats::new(NEW_CHATS_PER_ADDRESS)
    }
}

impl NewChats {
    /// At most `per_address` new chats per address per [`NEW_CHAT_WINDOW`]
    /// (the `new_chats_per_address` setting).
    pub fn new(per_address: u32) -> Self {
        NewChats(PerAddress::new(NEW_CHAT_WINDOW, per_address))
    }

    /// Counts a new conversation from `client`; `false` when it has opened
    /// too many.
    pub fn allow(&self, client: Option<std::net::IpAddr>) -> bool {
        self.0.allow(client)
    }
}
