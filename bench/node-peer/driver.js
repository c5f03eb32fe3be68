// Load driver for the Node peer (server.js), on the same open-loop schedule
// as the front door's loadgen (server/src/bin/loadgen.rs) and printing the
// same report lines, so bench/compare.sh reads both alike:
//
//   node driver.js --url http://127.0.0.1:3951 --conversations 1000 \
//     --counsellors 20 --messages 10 --interval-ms 1000 --server-pid PID
//
// K counsellor sockets, N visitor sockets connected over --ramp-secs; each
// visitor starts a conversation and counsellor (i mod K) claims it. Then
// visitor i sends --messages messages at go + i/N * interval + n * interval:
// the text carries the *scheduled* time, so a driver (or a server) that
// falls behind shows up as latency (no coordinated omission). Counsellors
// answer every fifth message at once. Latencies: relay = scheduled send to
// arrival at the other side; ack = scheduled send to the acknowledgement.
"use strict";
const fs = require("node:fs");
const { io } = require("socket.io-client");

const REPLY_EVERY = 5;
const DRAIN_MS = 10_000;

function parse(argv) {
  const a = { conversations: 100, messages: 20, intervalMs: 1000, rampSecs: 5 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const key = {
      "--url": "url",
      "--conversations": "conversations",
      "--counsellors": "counsellors",
      "--messages": "messages",
      "--interval-ms": "intervalMs",
      "--ramp-secs": "rampSecs",
      "--server-pid": "serverPid",
    }[flag];
    if (!key) throw new Error(`unknown argument ${flag}`);
    a[key] = key === "url" ? value : Number(value);
  }
  if (!a.url) throw new Error("--url is required");
  a.counsellors = a.counsellors || Math.max(1, Math.floor(a.conversations / 50));
  return a;
}

const args = parse(process.argv.slice(2));
const epoch = process.hrtime.bigint();
const nowNs = () => process.hrtime.bigint() - epoch;
const msSince = (ns) => Number(nowNs() - ns) / 1e6;
const stamp = (ns) => `lg ${ns}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const st = {
  relay: [], reply: [], ack: [], lag: [],
  outstanding: new Set(), sent: 0, replies: 0, delivered: 0, duplicated: 0,
  rejected: 0, errors: new Map(), lastDelivery: 0n, joined: 0, claimed: 0, failed: 0, open: 0,
};
const error = (what) => st.errors.set(what, (st.errors.get(what) || 0) + 1);

function arrived(seen, m, pick) {
  const key = `${m.conversation}:${m.seq}`;
  if (seen.has(key)) {
    st.duplicated += 1;
    return;
  }
  seen.add(key);
  if (!st.outstanding.delete(m.clientId)) return;
  st.delivered += 1;
  st.lastDelivery = nowNs();
  if (m.text.startsWith("lg ")) pick.push(msSince(BigInt(m.text.slice(3))));
}

function connect(role) {
  return new Promise((resolve) => {
    const socket = io(args.url, {
      transports: ["websocket"],
      query: { role },
      forceNew: true,
      reconnection: false,
      timeout: 20_000,
    });
    socket.once("connect", () => {
      st.open += 1;
      resolve(socket);
    });
    socket.once("connect_error", (e) => {
      st.failed += 1;
      error(`connect: ${e.message}`);
      resolve(null);
    });
    socket.on("disconnect", () => {
      st.open -= 1;
    });
  });
}

function proc(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { rss, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}
const cpu = (b, a, secs) =>
  b && a
    ? `${((a.ticks - b.ticks) / 100).toFixed(2)} s in ${secs.toFixed(1)} s = ${Math.round(
        (100 * (a.ticks - b.ticks)) / 100 / secs,
      )}% of one core`
    : "unknown";

function summary(values) {
  values.sort((x, y) => x - y);
  const p = (q) => values[Math.min(values.length, Math.max(1, Math.ceil((q / 100) * values.length))) - 1];
  if (!values.length) return "no samples";
  const f = (x) => x.toFixed(1);
  return `p50 ${f(p(50))} p90 ${f(p(90))} p99 ${f(p(99))} max ${f(values[values.length - 1])} ms (n=${values.length})`;
}

// Asks the peer to collect its heap (GET /gc) before its memory is read.
async function collect() {
  for (let i = 0; i < 2; i++) {
    await fetch(`${args.url}/gc`).catch(() => error("cannot reach /gc"));
  }
  await sleep(500);
}

async function main() {
  const { conversations: n, counsellors: k } = args;
  const serverStart = args.serverPid ? proc(args.serverPid) : null;
  const selfStart = proc("self");
  const consoles = [];
  for (let c = 0; c < k; c++) {
    const socket = await connect("counsellor");
    if (!socket) throw new Error("a counsellor cannot connect");
    const seen = new Set();
    const count = new Map();
    socket.on("message", (m) => {
      arrived(seen, m, st.relay);
      const got = (count.get(m.conversation) || 0) + 1;
      count.set(m.conversation, got);
      if (got % REPLY_EVERY === 0) {
        const clientId = `r${c}-${st.replies}`;
        st.outstanding.add(clientId);
        st.replies += 1;
        socket.emit("send", { conversation: m.conversation, clientId, text: stamp(nowNs()) }, (ack) => {
          if (ack.error) {
            error(`counsellor got error ${ack.error}`);
            st.rejected += Number(st.outstanding.delete(clientId));
          }
        });
      }
    });
    consoles.push(socket);
  }
  const visitors = new Array(n).fill(null);
  const rampStart = Date.now();
  // Two halves, as loadgen does: the server's memory is read after the
  // first half is connected and claimed and again after the second; the
  // difference per socket is what one more idle conversation costs.
  const half = Math.floor(n / 2);
  const SETTLE_MS = 2000;
  let mid = null;
  for (const [from, to] of [[0, half], [half, n]]) {
    const partStart = Date.now();
    const joins = [];
    for (let i = from; i < to; i++) {
      const at = partStart + (args.rampSecs * 1000 * (i - from)) / Math.max(1, to - from) / 2;
      joins.push(
        (async () => {
          await sleep(Math.max(0, at - Date.now()));
          const socket = await connect("visitor");
          if (!socket) return;
          const seen = new Set();
          socket.on("message", (m) => arrived(seen, m, st.reply));
          const { conversation } = await socket.emitWithAck("start");
          st.joined += 1;
          const { ok } = await consoles[i % k].emitWithAck("claim", { conversation });
          if (ok) {
            st.claimed += 1;
            visitors[i] = { socket, conversation };
          } else error("claim refused");
        })().catch((e) => error(`visitor: ${e.message}`)),
      );
    }
    await Promise.all(joins);
    await sleep(SETTLE_MS);
    if (from === 0 && args.serverPid) {
      await collect();
      mid = { rss: proc(args.serverPid)?.rss, open: st.open };
    }
  }
  if (args.serverPid) await collect();
  const setupSecs = (Date.now() - rampStart) / 1000;
  const serverGo = args.serverPid ? proc(args.serverPid) : null;
  const more = mid && serverGo ? st.open - mid.open : 0;
  const idleKib = more > 0 && mid.rss != null ? (serverGo.rss - mid.rss) / more : null;
  console.log(
    `setup: ${st.joined} joined, ${st.claimed} claimed (${st.claimed} visitors told), ${st.failed} connect failures in ${setupSecs.toFixed(1)} s; 0 claims found it taken`,
  );
  const goNs = nowNs() + 200_000_000n;
  const intervalNs = BigInt(args.intervalMs) * 1_000_000n;
  let pendingSends = 0;
  visitors.forEach((v, i) => {
    if (!v) return;
    const offset = (intervalNs * BigInt(i)) / BigInt(n);
    let next = 0;
    const fire = () => {
      const due = goNs + offset + intervalNs * BigInt(next);
      const wait = Number(due - nowNs()) / 1e6;
      if (wait > 0.5) return setTimeout(fire, wait);
      const clientId = `v${i}-${next}`;
      next += 1;
      st.outstanding.add(clientId);
      st.sent += 1;
      st.lag.push(msSince(due));
      pendingSends += 1;
      v.socket.emit("send", { conversation: v.conversation, clientId, text: stamp(due) }, (ack) => {
        pendingSends -= 1;
        if (ack.error) {
          error(`visitor got error ${ack.error}`);
          st.rejected += Number(st.outstanding.delete(clientId));
        } else st.ack.push(msSince(due));
      });
      if (next < args.messages) fire();
    };
    if (args.messages > 0) fire();
  });
  const sendsEnd = goNs + intervalNs * BigInt(args.messages);
  const expected = st.claimed * args.messages;
  while (nowNs() < sendsEnd + BigInt(DRAIN_MS) * 1_000_000n) {
    if (nowNs() >= sendsEnd && st.sent >= expected && st.outstanding.size === 0 && pendingSends === 0) break;
    await sleep(50);
  }
  const serverEnd = args.serverPid ? proc(args.serverPid) : null;
  const selfEnd = proc("self");
  const wall = Number(nowNs()) / 1e9;
  const messageSecs = Number(nowNs() - goNs) / 1e9;
  const window = Math.max(1e-9, Number(st.lastDelivery - goNs) / 1e9);
  console.log(`connections open at the end: ${st.open} (visitors + ${k} consoles)`);
  console.log(
    `messages sent: ${st.sent} by visitors, ${st.replies} replies by counsellors (0 replies never sent: console frame budget), ${st.rejected} rejected by the server`,
  );
  console.log(`delivered: ${st.delivered} messages, ${(st.delivered / window).toFixed(1)} msg/s`);
  console.log(`relay latency visitor->counsellor: ${summary(st.relay)}`);
  console.log(`relay latency counsellor->visitor: ${summary(st.reply)}`);
  console.log(`ack latency (visitor): ${summary(st.ack)}`);
  console.log(`generator send lag: ${summary(st.lag)}`);
  console.log(`lost: ${st.outstanding.size}\nduplicated: ${st.duplicated}`);
  console.log(`loadgen CPU: ${cpu(selfStart, selfEnd, wall)}`);
  if (serverStart && serverEnd) {
    const perSocket = (serverEnd.rss - serverStart.rss) / Math.max(1, st.open);
    console.log(
      `server RSS: ${serverStart.rss} KiB before, ${serverEnd.rss} KiB after, ${perSocket.toFixed(1)} KiB per socket`,
    );
    console.log(
      idleKib == null
        ? "server RSS per idle conversation: not measured (setup incomplete)"
        : `server RSS per idle conversation: ${idleKib.toFixed(1)} KiB (growth while the second half connected and was claimed, per socket)`,
    );
    console.log(`server CPU, setup (connect + claim): ${cpu(serverStart, serverGo, setupSecs)}`);
    console.log(`server CPU, messaging + drain: ${cpu(serverGo, serverEnd, messageSecs)}`);
  }
  for (const [what, times] of st.errors) console.log(`error x${times}: ${what}`);
  const clean = st.outstanding.size === 0 && st.duplicated === 0 && st.errors.size === 0;
  process.exit(clean ? 0 : 1);
}

main().catch((e) => {
  console.error(`driver: ${e.stack || e}`);
  process.exit(1);
});
