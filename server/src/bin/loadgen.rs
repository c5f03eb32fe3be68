//! Load generator for the live chat: N anonymous conversations at once
//! against a *running* server, served by K counsellor consoles. Reports
//! relay latency, throughput, lost and duplicated messages and, with
//! `--server-pid`, the server's memory and CPU. A benchmark, not a test: it
//! never panics on what the server does; it counts it and reports it.
//!
//! End to end (`bench/chat-load.sh` does exactly this):
//!
//! ```text
//! cargo build --release -p server --bin server --bin counsellor --bin loadgen
//! export FRONT_DOOR_DATA_DIR=$(mktemp -d) FRONT_DOOR_ADDR=127.0.0.1:3950
//! target/release/server & SERVER_PID=$!
//! for i in 1 2 3 4; do
//!   echo 'loadtest password' | target/release/counsellor add --login loadtest$i --first-name Load$i
//! done
//! target/release/loadgen --url http://127.0.0.1:3950 --conversations 100 \
//!   --counsellors 4 --password 'loadtest password' --server-pid $SERVER_PID
//! kill $SERVER_PID
//! ```
//!
//! Flow: the consoles log in and connect; visitors open `/ws/chat` spread
//! over `--ramp-secs` and start a conversation; each console claims its
//! share of the queue (id mod K; left over after 5 s, the next console's) until all
//! are taken; then every visitor sends `--messages` messages on a fixed
//! open-loop schedule, and counsellors answer every fifth one.
//!
//! A message's text is `lg <ns since a shared start>` of its *scheduled*
//! send time and its client id is unique, so the receiving side computes
//! the latency, and a generator that falls behind shows up as latency
//! instead of silently sending less (coordinated omission).
//!
//! Limits: one process opens at most `ulimit -n` sockets (about 19,500 with
//! this machine's 20,000); this tool raises no limit and says so on EMFILE.
//! The server opens 20 chats per client address: against a loopback server
//! visitors connect from many `127.x.y.z` addresses (see [`source_for`]).

use app::protocol::chat::{ChatClientMsg, ChatServerMsg, ChatState};
use app::protocol::console::{ConsoleClientMsg, ConsoleServerMsg};
use app::protocol::{ErrorCode, PROTOCOL_VERSION, Role, Sender, decode, encode};
use futures::{SinkExt, StreamExt};
use server::chat::limit::NEW_CHATS_PER_ADDRESS;
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::net::TcpSocket;
use tokio::sync::watch;
use tokio::time::{Instant, sleep, sleep_until, timeout};
use tokio_tungstenite::tungstenite::{self, Message, client::IntoClientRequest};

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

const USAGE: &str = "\
usage: loadgen --url http://HOST:PORT --password PW [--conversations N (100)]
         [--counsellors K (N/50)] [--login-prefix P (loadtest)] [--messages M (20)]
         [--interval-ms MS (1000)] [--ramp-secs S (5)] [--server-pid PID]
         [--console-url http://HOST:PORT (--url): consoles on another node]
The counsellor accounts P1..PK must exist (`counsellor add`, password on stdin).";

/// How long after the last scheduled send messages may still arrive.
const DRAIN: Duration = Duration::from_secs(10);
/// Keep-alive: the server closes sockets silent for 75 s.
const KEEPALIVE: Duration = Duration::from_secs(25);
/// Counsellors answer every n-th visitor message: traffic goes both ways.
const REPLY_EVERY: u64 = 5;
/// A conversation still waiting this long after a console first saw it
/// passes to a backup console, then to the next one every `LEFT_OVER`:
/// one claimer at a time. (Letting every console try it at once made
/// thousands of claims race on a slow server, and each lost race cost
/// the server a transaction: claiming stalled at 9,000 conversations.)
const LEFT_OVER: Duration = Duration::from_secs(5);
/// Console frames are paced just under the server's per-console bucket
/// (burst 60, 10/s): we measure the relay, not rate-limit rejections.
const CONSOLE_BURST: f64 = 55.0;
const CONSOLE_RATE: f64 = 9.5;
/// USER_HZ, the unit of `/proc/*/stat` times: 100 on mainstream Linux.
const TICKS_PER_SEC: f64 = 100.0;

struct Args {
    url: String,
    /// Where the consoles connect (another node of the same deployment).
    console_url: String,
    password: String,
    login_prefix: String,
    conversations: usize,
    counsellors: usize,
    messages: u32,
    interval: Duration,
    ramp: Duration,
    server_pid: Option<u32>,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut url, mut password, mut k, mut server_pid) = (None, None, None, None);
    let mut console_url: Option<String> = None;
    let (mut n, mut messages, mut interval_ms, mut ramp) = (100, 20, 1000, 5);
    let mut login_prefix = "loadtest".to_owned();
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            return Err("help".to_owned());
        }
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let bad = |_| format!("{flag}: not a number: {value:?}");
        match flag.as_str() {
            "--url" => url = Some(value.trim_end_matches('/').to_owned()),
            "--console-url" => console_url = Some(value.trim_end_matches('/').to_owned()),
            "--password" => password = Some(value),
            "--login-prefix" => login_prefix = value,
            "--conversations" => n = value.parse().map_err(bad)?,
            "--counsellors" => k = Some(value.parse().map_err(bad)?),
            "--messages" => messages = value.parse().map_err(bad)?,
            "--interval-ms" => interval_ms = value.parse().map_err(bad)?,
            "--ramp-secs" => ramp = value.parse().map_err(bad)?,
            "--server-pid" => server_pid = Some(value.parse().map_err(bad)?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let url = url
        .filter(|u| u.starts_with("http://"))
        .ok_or("--url http://host:port is required (no TLS)")?;
    let console_url = console_url
        .filter(|u| u.starts_with("http://"))
        .unwrap_or_else(|| url.clone());
    Ok(Args {
        url,
        console_url,
        password: password.ok_or("--password is required")?,
        login_prefix,
        conversations: n.max(1),
        counsellors: k.unwrap_or(n / 50).max(1),
        messages,
        interval: Duration::from_millis(interval_ms.max(1)),
        ramp: Duration::from_secs(ramp),
        server_pid,
    })
}

/// Everything measured, behind one lock (a few thousand updates a second).
#[derive(Default)]
struct Stats {
    relay_ms: Vec<f64>,
    reply_ms: Vec<f64>,
    ack_ms: Vec<f64>,
    /// Generator lag: actual minus scheduled send time.
    lag_ms: Vec<f64>,
    /// Client ids sent and not yet seen by the other side.
    outstanding: HashSet<String>,
    sent: u64,
    replies_sent: u64,
    delivered: u64,
    duplicated: u64,
    rejected: u64,
    already_taken: u64,
    errors: HashMap<String, u64>,
    last_delivery: Option<Instant>,
}

#[derive(Default)]
struct Counters {
    joined: AtomicUsize,
    /// Sockets open right now (visitors and consoles).
    open: AtomicUsize,
    claimed: AtomicUsize,
    /// Visitors told they were taken (`joined` in state talking, or
    /// `counsellor_joined`): only these send.
    told: AtomicUsize,
    connect_failed: AtomicUsize,
    /// Replies a console owes but has not sent yet (frame budget).
    replies_due: AtomicUsize,
    out_of_sockets: AtomicBool,
}

struct Shared {
    epoch: Instant,
    stats: Mutex<Stats>,
    count: Counters,
}

impl Shared {
    fn stats(&self) -> MutexGuard<'_, Stats> {
        self.stats.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn error(&self, what: String) {
        *self.stats().errors.entry(what).or_default() += 1;
    }
    fn stamp(&self, at: Instant) -> String {
        format!("lg {}", at.duration_since(self.epoch).as_nanos())
    }
    /// Counts `m` as a duplicate if this socket has seen its `key` before;
    /// else, if the other side (`from`) sent it, as delivered, with its
    /// latency into `pick`. A socket's own messages come back too: skipped.
    fn arrived(
        &self,
        seen: &mut HashSet<(i64, u64)>,
        key: (i64, u64),
        m: &app::protocol::ChatMessage,
        from: Sender,
        pick: fn(&mut Stats) -> &mut Vec<f64>,
    ) {
        let mut st = self.stats();
        if !seen.insert(key) {
            st.duplicated += 1;
        } else if m.from == from && st.outstanding.remove(&m.client_id) {
            st.delivered += 1;
            st.last_delivery = Some(Instant::now());
            let nanos = m.text.strip_prefix("lg ").and_then(|t| t.parse().ok());
            if let Some(sent) = nanos.map(|ns| self.epoch + Duration::from_nanos(ns)) {
                pick(&mut st).push(ms_since(sent));
            }
        }
    }
    fn rejected(&self, client_id: Option<String>) {
        let mut st = self.stats();
        if let Some(id) = client_id {
            st.rejected += u64::from(st.outstanding.remove(&id));
        }
    }
}

fn ms_since(t: Instant) -> f64 {
    Instant::now().saturating_duration_since(t).as_secs_f64() * 1e3
}

/// Counts a socket as open while it lives.
struct OpenGuard(Arc<Shared>);

impl OpenGuard {
    fn new(shared: &Arc<Shared>) -> OpenGuard {
        shared.count.open.fetch_add(1, Relaxed);
        OpenGuard(shared.clone())
    }
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.count.open.fetch_sub(1, Relaxed);
    }
}

/// Opens a socket with this site's Origin (and a session cookie, if not
/// empty), from `source` if given. Nagle is off on our side, so any
/// batching delay measured is the server's.
async fn connect(
    shared: &Shared,
    base: &str,
    path: &str,
    cookie: &str,
    source: Option<Ipv4Addr>,
) -> Result<Socket, String> {
    let ws_url = format!("{}{path}", base.replacen("http://", "ws://", 1));
    let mut request = ws_url.into_client_request().map_err(|e| e.to_string())?;
    for (name, value) in [("origin", base), ("cookie", cookie)] {
        if !value.is_empty() {
            let value = value.parse().map_err(|_| format!("bad {name} header"))?;
            request.headers_mut().insert(name, value);
        }
    }
    // EMFILE, ENFILE: out of descriptors; EADDRNOTAVAIL: out of ports.
    let io = |e: std::io::Error| {
        if matches!(e.raw_os_error(), Some(23 | 24 | 99)) {
            shared.count.out_of_sockets.store(true, Relaxed);
        }
        format!("{path}: {e}")
    };
    let addr = server_addr(base).await.map_err(io)?;
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    };
    let socket = socket.map_err(io)?;
    if let Some(ip) = source {
        socket.bind((ip, 0).into()).map_err(io)?;
    }
    let stream = socket.connect(addr).await.map_err(io)?;
    stream.set_nodelay(true).map_err(io)?;
    let upgraded = tokio_tungstenite::client_async(request, stream).await;
    upgraded
        .map(|(socket, _)| socket)
        .map_err(|e| format!("{path}: {e}"))
}

async fn server_addr(base: &str) -> std::io::Result<SocketAddr> {
    let mut addrs = tokio::net::lookup_host(base.trim_start_matches("http://")).await?;
    addrs.next().ok_or(std::io::ErrorKind::NotFound.into())
}

/// The server allows [`NEW_CHATS_PER_ADDRESS`] new chats per client address
/// (per 10 min). Against a loopback server, visitors therefore connect from
/// many loopback addresses (all of 127/8 is local on Linux): this run's
/// `127.<r>.x.y`, a fresh `r` per run so reruns are not refused either.
fn source_for(i: usize, run: u8, loopback: bool) -> Option<Ipv4Addr> {
    let slot = i / NEW_CHATS_PER_ADDRESS as usize;
    loopback.then(|| Ipv4Addr::new(127, run, (slot / 250) as u8, (slot % 250 + 1) as u8))
}

async fn send<T: serde::Serialize>(socket: &mut Socket, msg: &T) -> Result<(), String> {
    let sent = socket.send(Message::text(encode(msg))).await;
    sent.map_err(|e| format!("send failed: {e}"))
}

/// One received item: a frame, nothing of interest, or the end (`Err`).
/// An undecodable frame is reported and skipped.
fn frame<T: serde::de::DeserializeOwned>(
    shared: &Shared,
    item: Option<Result<Message, tungstenite::Error>>,
) -> Result<Option<T>, String> {
    match item {
        Some(Ok(Message::Text(text))) => Ok(decode(&text)
            .map_err(|_| shared.error(format!("undecodable frame: {:.80}", text.as_str())))
            .ok()),
        Some(Ok(Message::Close(Some(f)))) => {
            Err(format!("closed: {} {}", u16::from(f.code), f.reason))
        }
        Some(Ok(Message::Close(None))) => Err("closed without a code".to_owned()),
        Some(Ok(_)) => Ok(None),
        Some(Err(e)) => Err(format!("socket error: {e}")),
        None => Err("connection dropped".to_owned()),
    }
}

/// Logs a counsellor in and opens the console; returns after the welcome.
async fn open_console(shared: &Shared, args: &Args, login: &str) -> Result<Socket, String> {
    let response = reqwest::Client::new()
        .post(format!("{}/api/session", args.console_url))
        .header("origin", &args.console_url)
        .json(&serde_json::json!({ "login": login, "password": args.password }))
        .send()
        .await
        .map_err(|e| format!("POST /api/session: {e}"))?;
    if response.status() != 200 {
        return Err(format!(
            "login as {login} refused (HTTP {}). Create the accounts {p}1..{p}{k} on the server's \
             database (same DATABASE_URL / FRONT_DOOR_DATA_DIR), e.g.\n  for i in $(seq 1 {k}); do \
             echo \"$PASSWORD\" | target/release/counsellor add --login {p}$i --first-name Load$i; done",
            response.status(),
            p = args.login_prefix,
            k = args.counsellors
        ));
    }
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok());
    let cookie = cookie
        .and_then(|c| c.split(';').next())
        .ok_or("no session cookie")?;
    let mut socket = connect(shared, &args.console_url, "/ws/console", cookie, None).await?;
    send(
        &mut socket,
        &ConsoleClientMsg::Hello {
            version: PROTOCOL_VERSION,
        },
    )
    .await?;
    let first = timeout(Duration::from_secs(10), socket.next()).await;
    match frame(shared, first.map_err(|_| "no welcome within 10 s")?)? {
        Some(ConsoleServerMsg::Welcome { .. }) => Ok(socket),
        _ => Err("the first frame was not a welcome".to_owned()),
    }
}

/// One console: claims its share of the queue, answers every fifth
/// visitor message, spending at most its frame budget.
async fn console(idx: usize, k: usize, mut socket: Socket, shared: Arc<Shared>) {
    let _open = OpenGuard::new(&shared);
    let (mut tokens, mut last_refill, mut last_sent) =
        (CONSOLE_BURST, Instant::now(), Instant::now());
    let (mut waiting, mut first_seen, mut tried) = (Vec::new(), HashMap::new(), HashMap::new());
    let (mut mine, mut seen, mut replies) =
        (HashMap::<i64, u64>::new(), HashSet::new(), VecDeque::new());
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    for reply_no in 0u64.. {
        tokio::select! {
            item = socket.next() => match frame(&shared, item) {
                Err(reason) => return shared.error(format!("console: {reason}")),
                Ok(Some(ConsoleServerMsg::Queue { waiting: w, .. })) => {
                    waiting = w.iter().map(|e| e.conversation).collect();
                    waiting.iter().for_each(|&id| { first_seen.entry(id).or_insert_with(Instant::now); });
                }
                Ok(Some(ConsoleServerMsg::Claimed { entry })) => if mine.insert(entry.conversation, 0).is_none() {
                    shared.count.claimed.fetch_add(1, Relaxed);
                },
                Ok(Some(ConsoleServerMsg::Message { conversation, message: m })) => {
                    shared.arrived(&mut seen, (conversation, m.seq), &m, Sender::Visitor, |s| &mut s.relay_ms);
                    let count = mine.entry(conversation).or_default();
                    *count += u64::from(m.from == Sender::Visitor);
                    if m.from == Sender::Visitor && *count % REPLY_EVERY == 0 {
                        replies.push_back((conversation, reply_no));
                        shared.count.replies_due.fetch_add(1, Relaxed);
                    }
                }
                Ok(Some(ConsoleServerMsg::Error { code: ErrorCode::AlreadyTaken, .. })) => shared.stats().already_taken += 1,
                Ok(Some(ConsoleServerMsg::Error { code, client_id, .. })) => {
                    shared.error(format!("console got error {code:?}"));
                    shared.rejected(client_id);
                }
                Ok(Some(ConsoleServerMsg::Ended { .. })) => shared.error("console: a conversation ended".into()),
                Ok(_) => {}
            },
            _ = tick.tick() => {}
        }
        // Spend the frame budget: replies first (they are timed), then claims.
        let now = Instant::now();
        tokens = (tokens + (now - last_refill).as_secs_f64() * CONSOLE_RATE).min(CONSOLE_BURST);
        last_refill = now;
        while tokens >= 1.0 {
            let claimable = |id: &&i64| {
                // The owner first; after each LEFT_OVER the next console.
                let passed = first_seen.get(*id).map_or(0, |t| {
                    ((now - *t).as_secs_f64() / LEFT_OVER.as_secs_f64()) as i64
                });
                let claimer = (id.rem_euclid(k as i64) + passed).rem_euclid(k as i64) as usize;
                let may_try = tried.get(*id).is_none_or(|t| now - *t > LEFT_OVER);
                !mine.contains_key(*id) && claimer == idx && may_try
            };
            let msg = if let Some((conversation, n)) = replies.pop_front() {
                shared.count.replies_due.fetch_sub(1, Relaxed);
                let client_id = format!("r{idx}-{n}");
                let mut st = shared.stats();
                st.outstanding.insert(client_id.clone());
                st.replies_sent += 1;
                let text = shared.stamp(now);
                ConsoleClientMsg::Send {
                    conversation,
                    client_id,
                    text,
                }
            } else if let Some(&conversation) = waiting.iter().find(claimable) {
                tried.insert(conversation, now);
                ConsoleClientMsg::Claim { conversation }
            } else if now - last_sent > KEEPALIVE {
                ConsoleClientMsg::Ping
            } else {
                break;
            };
            (tokens, last_sent) = (tokens - 1.0, now);
            if let Err(e) = send(&mut socket, &msg).await {
                return shared.error(format!("console: {e}"));
            }
        }
    }
}

/// One visitor: connects at its ramp slot, starts a chat, and once claimed
/// and `go` is set, sends on its fixed schedule (offset by its index so
/// the visitors do not send in lockstep).
async fn visitor(
    i: usize,
    args: Arc<Args>,
    shared: Arc<Shared>,
    start_at: Instant,
    source: Option<Ipv4Addr>,
    mut go: watch::Receiver<Option<Instant>>,
) {
    sleep_until(start_at).await;
    let mut socket = match connect(&shared, &args.url, "/ws/chat", "", source).await {
        Ok(socket) => socket,
        Err(e) => {
            shared.count.connect_failed.fetch_add(1, Relaxed);
            return shared.error(e);
        }
    };
    let _open = OpenGuard::new(&shared);
    let start = ChatClientMsg::Start {
        version: PROTOCOL_VERSION,
        role: Role::YoungPerson,
        age_band: None,
        topic: None,
        nickname: None,
    };
    let offset = args.interval.mul_f64(i as f64 / args.conversations as f64);
    let (mut claimed, mut next, mut go_open, mut last_sent) = (false, 0, true, Instant::now());
    let (mut seen, mut acks) = (HashSet::new(), HashMap::new());
    let mut pending = Some(start);
    loop {
        let due = match *go.borrow() {
            Some(go_at) if claimed && next < args.messages => {
                Some(go_at + offset + args.interval * next)
            }
            _ => None,
        };
        if let Some(msg) = pending.take() {
            if let Err(e) = send(&mut socket, &msg).await {
                return shared.error(format!("visitor: {e}"));
            }
            last_sent = Instant::now();
        }
        tokio::select! {
            item = socket.next() => match frame(&shared, item) {
                Err(reason) => return shared.error(format!("visitor: {reason}")),
                Ok(Some(ChatServerMsg::Joined { state, .. })) => {
                    shared.count.joined.fetch_add(1, Relaxed);
                    if matches!(state, ChatState::Talking { .. }) && !std::mem::replace(&mut claimed, true) {
                        shared.count.told.fetch_add(1, Relaxed);
                    }
                }
                Ok(Some(ChatServerMsg::CounsellorJoined { .. })) => if !std::mem::replace(&mut claimed, true) {
                    shared.count.told.fetch_add(1, Relaxed);
                },
                Ok(Some(ChatServerMsg::Message(m))) => shared.arrived(&mut seen, (0, m.seq), &m, Sender::Counsellor, |s| &mut s.reply_ms),
                Ok(Some(ChatServerMsg::Ack { client_id, .. })) => if let Some(at) = acks.remove(&client_id) {
                    shared.stats().ack_ms.push(ms_since(at));
                },
                Ok(Some(ChatServerMsg::Error { code, client_id })) => {
                    shared.error(format!("visitor got error {code:?}"));
                    shared.rejected(client_id);
                }
                Ok(Some(ChatServerMsg::Ended { .. } | ChatServerMsg::Deleted)) => return shared.error("visitor: conversation ended".into()),
                Ok(_) => {}
            },
            changed = go.changed(), if go_open => go_open = changed.is_ok(),
            () = sleep_until(due.unwrap_or(last_sent + KEEPALIVE).min(last_sent + KEEPALIVE)) => {
                pending = Some(match due.filter(|at| *at <= Instant::now()) {
                    Some(at) => {
                        let client_id = format!("v{i}-{next}");
                        next += 1;
                        acks.insert(client_id.clone(), at);
                        let mut st = shared.stats();
                        st.outstanding.insert(client_id.clone());
                        st.sent += 1;
                        st.lag_ms.push(ms_since(at));
                        ChatClientMsg::Send { client_id, text: shared.stamp(at) }
                    }
                    None => ChatClientMsg::Ping,
                });
            }
        }
    }
}

/// How long the server is left to settle before its memory is read.
const SETTLE: Duration = Duration::from_secs(2);

/// Waits until `target` conversations are claimed (or failed to connect).
/// A note if the run's deadline passed, or nothing moved for 15 s after
/// `ramp_end`.
async fn wait_claimed(
    count: &Counters,
    target: usize,
    ramp_end: Instant,
    deadline: Instant,
) -> Option<&'static str> {
    let (mut last, mut progress_at) = (usize::MAX, Instant::now());
    loop {
        let claimed = count.claimed.load(Relaxed);
        if claimed != last {
            (last, progress_at) = (claimed, Instant::now());
        }
        if claimed + count.connect_failed.load(Relaxed) >= target {
            return None;
        } else if Instant::now() >= deadline {
            return Some("DEADLINE HIT while claiming");
        } else if Instant::now() > ramp_end && progress_at.elapsed() > Duration::from_secs(15) {
            return Some("claiming stalled for 15 s; went on with what was claimed");
        }
        sleep(Duration::from_millis(100)).await;
    }
}

/// VmRSS (KiB) and utime+stime (ticks) of a process (`"self"` or a pid).
fn proc_sample(pid: &str) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    let rss = rss.trim().trim_end_matches("kB").trim().parse().ok()?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    Some((rss, ticks(11)? + ticks(12)?))
}

/// CPU seconds between two samples, and that as % of one core over `secs`.
fn cpu(before: Option<(u64, u64)>, after: Option<(u64, u64)>, secs: f64) -> String {
    match before.zip(after) {
        Some((b, a)) => {
            let cpu = a.1.saturating_sub(b.1) as f64 / TICKS_PER_SEC;
            format!(
                "{cpu:.2} s in {secs:.1} s = {:.0}% of one core",
                100.0 * cpu / secs
            )
        }
        None => "unknown (cannot read /proc/<pid>/stat)".to_owned(),
    }
}

fn summary(values: &mut [f64]) -> String {
    values.sort_by(f64::total_cmp);
    let p = |q: f64| {
        let rank = (q / 100.0 * values.len() as f64).ceil() as usize;
        values
            .get(rank.clamp(1, values.len().max(1)) - 1)
            .copied()
            .unwrap_or(f64::NAN)
    };
    let n = values.len();
    format!(
        "p50 {:.1} p90 {:.1} p99 {:.1} max {:.1} ms (n={n})",
        p(50.0),
        p(90.0),
        p(99.0),
        p(100.0)
    )
}

#[tokio::main]
async fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)) {
        Ok(args) => run(Arc::new(args)).await,
        Err(message) => {
            eprintln!("loadgen: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Arc<Args>) -> ExitCode {
    let (n, k) = (args.conversations, args.counsellors);
    println!(
        "loadgen: {n} conversations, {k} consoles, {} messages each every {:?}, ramp {:?}",
        args.messages, args.interval, args.ramp
    );
    let replies_per_console =
        n as f64 / k as f64 / args.interval.as_secs_f64() / REPLY_EVERY as f64;
    if replies_per_console > 0.9 * CONSOLE_RATE {
        println!(
            "warning: {replies_per_console:.1} replies/s per console is at the console limit (10 frames/s): add --counsellors"
        );
    }
    if args.interval < Duration::from_secs(1) {
        println!("warning: a visitor may send 1 message/s (burst 10): expect rate_limited errors");
    }
    let shared = Arc::new(Shared {
        epoch: Instant::now(),
        stats: Mutex::default(),
        count: Counters::default(),
    });
    let count = &shared.count;
    let server = args.server_pid.map(|p| p.to_string());
    let server_sample = || server.as_deref().and_then(proc_sample);
    let (server_start, self_start) = (server_sample(), proc_sample("self"));
    // Setup (ramp, claiming, two memory readings) plus the schedule, with
    // room for a slow server: the deadline only stops a stuck run.
    let deadline = shared.epoch
        + args.ramp
        + args.interval * args.messages
        + SETTLE * 2
        + Duration::from_secs(90);
    let mut tasks = Vec::new();
    for c in 0..k {
        match open_console(&shared, &args, &format!("{}{}", args.login_prefix, c + 1)).await {
            Ok(socket) => tasks.push(tokio::spawn(console(c, k, socket, shared.clone()))),
            Err(e) => {
                eprintln!("loadgen: console {}: {e}", c + 1);
                if count.out_of_sockets.load(Relaxed) {
                    eprintln!(
                        "loadgen: out of sockets: raise `ulimit -n` (one process tops out near 19,500 here)"
                    );
                }
                return ExitCode::FAILURE;
            }
        }
    }

    let loopback = server_addr(&args.url)
        .await
        .is_ok_and(|a| a.ip().is_loopback() && a.is_ipv4());
    if !loopback && n > NEW_CHATS_PER_ADDRESS as usize {
        println!(
            "warning: the server opens {NEW_CHATS_PER_ADDRESS} chats per client address: expect 4008 closes"
        );
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    let run = (now.map_or(0, |d| d.subsec_nanos()) % 254 + 1) as u8;
    let (go_tx, go_rx) = watch::channel(None);
    // Two halves: the first half connects and is claimed, the server's
    // memory is read, then the second half. The difference is what one
    // more idle conversation costs, without the fixed costs a fresh
    // server pays once (caches, pools, allocator arenas).
    let half = n / 2;
    let mut note = None;
    let mut mid = None;
    let ramp_start = Instant::now();
    for (part, range) in [(0, 0..half), (1, half..n)] {
        let part_start = Instant::now();
        for i in range.clone() {
            let slot = (i - range.start) as f64 / range.len().max(1) as f64;
            let at = part_start + args.ramp.mul_f64(slot / 2.0);
            let source = source_for(i, run, loopback);
            tasks.push(tokio::spawn(visitor(
                i,
                args.clone(),
                shared.clone(),
                at,
                source,
                go_rx.clone(),
            )));
        }
        note = wait_claimed(count, range.end, part_start + args.ramp / 2, deadline).await;
        if note.is_some() {
            break;
        }
        sleep(SETTLE).await;
        if part == 0 {
            mid = server_sample().map(|(rss, _)| (rss, count.open.load(Relaxed)));
        }
    }
    // Visitors hear of their counsellor a moment after the console does.
    let told_by = Instant::now() + Duration::from_secs(2);
    while count.told.load(Relaxed) < count.claimed.load(Relaxed) && Instant::now() < told_by {
        sleep(Duration::from_millis(20)).await;
    }
    let (claimed, told) = (count.claimed.load(Relaxed), count.told.load(Relaxed));
    let untold = claimed.saturating_sub(told);
    let setup_secs = ramp_start.elapsed().as_secs_f64();
    let (server_go, go_at) = (server_sample(), Instant::now() + Duration::from_millis(200));
    let idle_kib = match (mid, server_go) {
        (Some((rss_mid, open_mid)), Some((rss_all, _))) => {
            let more = count.open.load(Relaxed).saturating_sub(open_mid);
            (more > 0).then(|| (rss_all as f64 - rss_mid as f64) / more as f64)
        }
        _ => None,
    };
    println!(
        "setup: {} joined, {claimed} claimed ({told} visitors told), {} connect failures in {setup_secs:.1} s; {} claims found it taken",
        count.joined.load(Relaxed),
        count.connect_failed.load(Relaxed),
        shared.stats().already_taken
    );
    let _ = go_tx.send(Some(go_at));

    let sends_end = go_at + args.interval * args.messages;
    let expected = told as u64 * u64::from(args.messages);
    while Instant::now() < sends_end + DRAIN {
        let done = {
            let st = shared.stats();
            st.sent + st.rejected >= expected && st.outstanding.is_empty()
        };
        if done && Instant::now() >= sends_end && count.replies_due.load(Relaxed) == 0 {
            break;
        } else if Instant::now() >= deadline {
            note = Some("DEADLINE HIT while sending");
            break;
        }
        sleep(Duration::from_millis(50)).await;
    }
    let open = count.open.load(Relaxed);
    let (server_end, self_end) = (server_sample(), proc_sample("self"));
    let (wall, message_secs) = (
        shared.epoch.elapsed().as_secs_f64(),
        go_at.elapsed().as_secs_f64(),
    );
    tasks.iter().for_each(|t| t.abort());

    let mut st = shared.stats();
    let window = st
        .last_delivery
        .map_or(0.0, |t| t.saturating_duration_since(go_at).as_secs_f64());
    let (lost, duplicated) = (st.outstanding.len(), st.duplicated);
    println!("connections open at the end: {open} (visitors + {k} consoles)");
    println!(
        "messages sent: {} by visitors, {} replies by counsellors ({} replies never sent: console frame budget), {} rejected by the server",
        st.sent,
        st.replies_sent,
        count.replies_due.load(Relaxed),
        st.rejected
    );
    println!(
        "delivered: {} messages, {:.1} msg/s",
        st.delivered,
        st.delivered as f64 / window.max(1e-9)
    );
    println!(
        "relay latency visitor->counsellor: {}",
        summary(&mut st.relay_ms)
    );
    println!(
        "relay latency counsellor->visitor: {}",
        summary(&mut st.reply_ms)
    );
    println!("ack latency (visitor): {}", summary(&mut st.ack_ms));
    println!("generator send lag: {}", summary(&mut st.lag_ms));
    println!("lost: {lost}\nduplicated: {duplicated}");
    println!("loadgen CPU: {}", cpu(self_start, self_end, wall));
    if let (Some((before, _)), Some((after, _))) = (server_start, server_end) {
        let per_socket = (after as f64 - before as f64) / open.max(1) as f64;
        println!(
            "server RSS: {before} KiB before, {after} KiB after, {per_socket:.1} KiB per socket"
        );
        match idle_kib {
            Some(kib) => println!(
                "server RSS per idle conversation: {kib:.1} KiB (growth while the second half connected and was claimed, per socket)"
            ),
            None => println!("server RSS per idle conversation: not measured (setup incomplete)"),
        }
        println!(
            "server CPU, setup (connect + claim): {}",
            cpu(server_start, server_go, setup_secs)
        );
        println!(
            "server CPU, messaging + drain: {}",
            cpu(server_go, server_end, message_secs)
        );
    } else if server.is_some() {
        println!("server: cannot read /proc/<pid>/status and stat");
    }
    let mut errors: Vec<_> = st.errors.iter().collect();
    errors.sort_by(|a, b| b.1.cmp(a.1));
    for (what, times) in errors.iter().take(10) {
        println!("error x{times}: {what}");
    }
    if count.out_of_sockets.load(Relaxed) {
        println!(
            "note: out of sockets (EMFILE/ENFILE/EADDRNOTAVAIL): `ulimit -n` bounds one process (~19,500 here); this tool raises no limit"
        );
    }
    if untold > 0 {
        println!(
            "SERVER PROBLEM: {untold} conversations were claimed but their visitor was never told (no counsellor_joined); they sent nothing"
        );
    }
    note.iter().for_each(|note| println!("note: {note}"));
    let clean = lost == 0 && duplicated == 0 && untold == 0 && note.is_none() && errors.is_empty();
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
