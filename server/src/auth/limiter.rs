//! Slows down password guessing: at most [`MAX_FAILURES`] failed logins per
//! [`WINDOW`], counted per login name and per client address.
//!
//! Everything lives in this process's memory only: client addresses are
//! never logged or stored (DESIGN.md, "Privacy by construction"), and a
//! restart forgets them. Both tables are bounded, so a flood of made-up
//! names or addresses costs at most a few megabytes.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed per login name, and per client address, in one
/// [`WINDOW`].
pub const MAX_FAILURES: u32 = 10;

/// How long failures are remembered (a fixed window from the first one).
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Most keys kept per table; beyond it, expired keys are pruned and then the
/// oldest window is evicted.
const MAX_KEYS: usize = 10_000;

/// How often expired keys are swept from the tables.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// Where a login attempt comes from, coarsened for counting: an IPv4
/// address, or the /64 network of an IPv6 address (one household or phone
/// usually has a whole /64, so counting single v6 addresses would be moot).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientKey(u128);

impl ClientKey {
    /// The key of a client address.
    pub fn of(address: IpAddr) -> ClientKey {
        match address {
            IpAddr::V4(v4) => ClientKey(u128::from(u32::from(v4))),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey(u128::from(u32::from(v4))),
                None => ClientKey(u128::from(v6) & !((1u128 << 64) - 1)),
            },
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Window {
    started: Instant,
    failures: u32,
}

/// Counts events per key in fixed windows (from each key's first event),
/// in memory, bounded to [`MAX_KEYS`] keys. Shared by the login limiter and
/// the limit on new chats per client address.
#[derive(Debug)]
pub struct WindowCounter<K> {
    windows: HashMap<K, Window>,
    window: Duration,
    limit: u32,
}

impl<K: Eq + Hash + Clone> WindowCounter<K> {
    /// At most `limit` events per key per `window`.
    pub fn new(window: Duration, limit: u32) -> Self {
        WindowCounter {
            windows: HashMap::new(),
            window,
            limit,
        }
    }

    /// How long until `key` may try again, if it is blocked now.
    pub fn blocked_for(&self, key: &K, now: Instant) -> Option<Duration> {
        let window = self.windows.get(key)?;
        let elapsed = now.saturating_duration_since(window.started);
        (elapsed < self.window && window.failures >= self.limit).then(|| self.window - elapsed)
    }

    /// Counts one event for `key`, unless it is blocked (then: how long).
    pub fn try_add(&mut self, key: K, now: Instant) -> Result<(), Duration> {
        if let Some(wait) = self.blocked_for(&key, now) {
            return Err(wait);
        }
        self.add_failure(key, now);
        Ok(())
    }

    fn add_failure(&mut self, key: K, now: Instant) {
        if !self.windows.contains_key(&key) && self.windows.len() >= MAX_KEYS {
            self.prune(now);
            if self.windows.len() >= MAX_KEYS
                && let Some(oldest) = self
                    .windows
                    .iter()
                    .min_by_key(|(_, w)| w.started)
                    .map(|(k, _)| k.clone())
            {
                self.windows.remove(&oldest);
            }
        }
        let window = self.windows.entry(key).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now.saturating_duration_since(window.started) >= self.window {
            *window = Window {
                started: now,
                failures: 0,
            };
        }
        window.failures = window.failures.saturating_add(1);
    }

    fn remove_failure(&mut self, key: &K) {
        if let Some(window) = self.windows.get_mut(key) {
            window.failures = window.failures.saturating_sub(1);
        }
    }

    /// Forgets windows that have ended.
    pub fn prune(&mut self, now: Instant) {
        let window = self.window;
        self.windows
            .retain(|_, w| now.saturating_duration_since(w.started) < window);
    }
}

#[derive(Debug)]
struct Tables {
    logins: WindowCounter<String>,
    clients: WindowCounter<ClientKey>,
    last_pruned: Instant,
}

/// The failure counters of one server process. Cheap to share behind an
/// `Arc`; the lock is never held across an `.await`.
#[derive(Debug)]
pub struct LoginLimiter {
    tables: Mutex<Tables>,
}

/// A login attempt that passed the limiter. It counts as a failure from the
/// start (so many parallel guesses cannot slip through together) until
/// [`Attempt::succeeded`] takes it back.
#[derive(Debug)]
#[must_use = "an attempt is either left as a failure or marked as succeeded"]
pub struct Attempt {
    login: String,
    client: Option<ClientKey>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::new()
    }
}

impl LoginLimiter {
    /// Empty counters.
    pub fn new() -> LoginLimiter {
        LoginLimiter {
            tables: Mutex::new(Tables {
                logins: WindowCounter::new(WINDOW, MAX_FAILURES),
                clients: WindowCounter::new(WINDOW, MAX_FAILURES),
                last_pruned: Instant::now(),
            }),
        }
    }

    /// Records a login attempt for `login` (as typed; it is normalised here)
    /// from `client`, or says how long to wait when either has used up its
    /// failures. Without a known client address only the login is counted.
    pub fn attempt(&self, login: &str, client: Option<IpAddr>) -> Result<Attempt, Duration> {
        self.attempt_at(login, client, Instant::now())
    }

    fn attempt_at(
        &self,
        login: &str,
        client: Option<IpAddr>,
        now: Instant,
    ) -> Result<Attempt, Duration> {
        let login = normalise(login);
        let client = client.map(ClientKey::of);
        let mut tables = self.lock();
        if now.saturating_duration_since(tables.last_pruned) >= PRUNE_EVERY {
            tables.logins.prune(now);
            tables.clients.prune(now);
            tables.last_pruned = now;
        }
        let blocked = [
            tables.logins.blocked_for(&login, now),
            client.and_then(|c| tables.clients.blocked_for(&c, now)),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(wait) = blocked {
            return Err(wait);
        }
        tables.logins.add_failure(login.clone(), now);
        if let Some(client) = client {
            tables.clients.add_failure(client, now);
        }
        Ok(Attempt { login, client })
    }

    /// The attempt logged in: the login's failures are forgotten (its owner
    /// knows the password); the address keeps its earlier failures, so one
    /// valid account does not reset guessing at others.
    pub fn succeeded(&self, attempt: Attempt) {
        let mut tables = self.lock();
        tables.logins.windows.remove(&attempt.login);
        if let Some(client) = attempt.client {
            tables.clients.remove_failure(&client);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tables> {
        // A panic while holding this lock cannot leave the counters in a
        // state worse than "slightly off"; keep limiting.
        self.tables
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The key of a login name: as the store would normalise it, and bounded in
/// length so junk names cannot make the table large.
fn normalise(login: &str) -> String {
    login
        .trim()
        .chars()
        .take(crate::auth::counsellors::MAX_LOGIN_CHARS + 1)
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    const HOME: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    const CAFE: IpAddr = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7));

    fn fail(limiter: &LoginLimiter, login: &str, client: IpAddr, now: Instant, times: u32) {
        for _ in 0..times {
            let _failed = limiter
                .attempt_at(login, Some(client), now)
                .expect("not blocked yet");
        }
    }

    #[test]
    fn a_login_is_blocked_after_ten_failures_until_the_window_ends() {
        let limiter = LoginLimiter::new();
        let start = Instant::now();
        fail(&limiter, "anna", HOME, start, MAX_FAILURES);
        let later = start + Duration::from_secs(60);
        let wait = limiter
            .attempt_at("Anna ", Some(CAFE), later)
            .expect_err("blocked, from anywhere, however spelled");
        assert_eq!(wait, WINDOW - Duration::from_secs(60));
        assert!(limiter.attempt_at("bo", Some(CAFE), later).is_ok());
        assert!(
            limiter
                .attempt_at("anna", Some(CAFE), start + WINDOW)
                .is_ok()
        );
    }

    #[test]
    fn an_address_is_blocked_after_ten_failures_across_logins() {
        let limiter = LoginLimiter::new();
        let now = Instant::now();
        for i in 0..MAX_FAILURES {
            fail(&limiter, &format!("guess{i}"), HOME, now, 1);
        }
        assert!(limiter.attempt_at("anna", Some(HOME), now).is_err());
        assert!(limiter.attempt_at("anna", Some(CAFE), now).is_ok());
    }

    #[test]
    fn a_success_forgets_the_logins_failures_but_not_the_addresses() {
        let limiter = LoginLimiter::new();
        let now = Instant::now();
        fail(&limiter, "anna", HOME, now, MAX_FAILURES - 1);
        let attempt = limiter
            .attempt_at("anna", Some(HOME), now)
            .expect("allowed");
        limiter.succeeded(attempt);
        fail(&limiter, "anna", CAFE, now, MAX_FAILURES);
        // HOME: nine failures and one success.
        fail(&limiter, "bo", HOME, now, 1);
        assert!(limiter.attempt_at("carl", Some(HOME), now).is_err());
    }

    #[test]
    fn ipv6_clients_are_counted_per_64_network() {
        let a = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 0, 0, 0, 1));
        let b = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 9, 9, 9, 9));
        let c = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 3, 0, 0, 0, 1));
        assert_eq!(ClientKey::of(a), ClientKey::of(b));
        assert_ne!(ClientKey::of(a), ClientKey::of(c));
        let mapped = IpAddr::V6(Ipv4Addr::new(192, 0, 2, 1).to_ipv6_mapped());
        assert_eq!(ClientKey::of(mapped), ClientKey::of(HOME));
    }

    #[test]
    fn the_tables_stay_bounded() {
        let limiter = LoginLimiter::new();
        let now = Instant::now();
        for i in 0..(MAX_KEYS + 50) {
            let _failed = limiter.attempt_at(&format!("name{i}"), None, now);
        }
        assert_eq!(limiter.lock().logins.windows.len(), MAX_KEYS);
        let much_later = now + WINDOW + PRUNE_EVERY;
        let _failed = limiter.attempt_at("late", None, much_later);
        assert_eq!(limiter.lock().logins.windows.len(), 1);
    }
}
