// The chat relay a Node.js team would write for the same job, as the
// benchmark peer of the front door: socket.io 4 relaying between the two
// sides of a conversation, each message stored in SQLite (better-sqlite3 12,
// WAL, synchronous=NORMAL like the front door) *before* it is acknowledged.
//
//   PORT=3951 DB=/tmp/peer.db node --expose-gc server.js
//
// Protocol (socket.io events, all with acknowledgements):
//   visitor:    "start"                      -> { conversation }
//   counsellor: "claim" { conversation }     -> { ok } (exactly one wins)
//   both:       "send" { conversation, clientId, text } -> { seq, duplicate }
//   server:     "message" { conversation, seq, clientId, from, text, at }
//               to the other sockets of the conversation's room.
// Retries with the same clientId are stored once (idempotent), like ours.
// What it leaves out, and the front door does: encryption at rest, rate
// limits, Origin checks, the queue and its snapshot, risk words, statistics.

"use strict";
const http = require("node:http");
const { Server } = require("socket.io");
const Database = require("better-sqlite3");

const port = Number(process.env.PORT || 3951);
const db = new Database(process.env.DB || "peer.db");
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec(`
  CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    state TEXT NOT NULL DEFAULT 'waiting',
    counsellor TEXT,
    next_seq INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS messages (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    seq INTEGER NOT NULL,
    client_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq),
    UNIQUE (conversation_id, client_id)
  );
`);

const create = db.prepare("INSERT INTO conversations (created_at) VALUES (?) RETURNING id");
const claim = db.prepare(
  "UPDATE conversations SET state = 'active', counsellor = ? WHERE id = ? AND state = 'waiting'",
);
const existing = db.prepare(
  "SELECT seq FROM messages WHERE conversation_id = ? AND client_id = ?",
);
const number = db.prepare(
  "UPDATE conversations SET next_seq = next_seq + 1 WHERE id = ? RETURNING next_seq - 1 AS seq",
);
const insert = db.prepare(
  "INSERT INTO messages (conversation_id, seq, client_id, sender, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
);
// One transaction per message: what better-sqlite3's docs and most Node
// code do (synchronous, so the event loop waits for each commit).
const store = db.transaction((conversation, clientId, sender, text, at) => {
  const stored = existing.get(conversation, clientId);
  if (stored) return { seq: stored.seq, duplicate: true };
  const row = number.get(conversation);
  if (!row) return null;
  insert.run(conversation, row.seq, clientId, sender, text, at);
  return { seq: row.seq, duplicate: false };
});

// GET /gc collects the heap (with `node --expose-gc`): the driver calls it
// before reading the server's memory, so garbage not yet collected does not
// count against the peer in the memory-per-socket figure.
const server = http.createServer((req, res) => {
  if (req.url === "/gc" && global.gc) {
    global.gc();
    res.end("collected\n");
  } else {
    res.statusCode = 404;
    res.end();
  }
});
const io = new Server(server, {
  transports: ["websocket"],
  perMessageDeflate: false,
  maxHttpBufferSize: 16 * 1024,
});

io.on("connection", (socket) => {
  const role = socket.handshake.query.role === "counsellor" ? "counsellor" : "visitor";
  const mine = new Set();
  socket.on("start", (ack) => {
    if (typeof ack !== "function" || role !== "visitor") return;
    const { id } = create.get(Date.now());
    mine.add(id);
    socket.join(`c${id}`);
    ack({ conversation: id });
  });
  socket.on("claim", (msg, ack) => {
    if (typeof ack !== "function" || role !== "counsellor") return;
    const id = Number(msg && msg.conversation);
    const won = claim.run(socket.id, id).changes === 1;
    if (won) {
      mine.add(id);
      socket.join(`c${id}`);
    }
    ack({ ok: won });
  });
  socket.on("send", (msg, ack) => {
    if (typeof ack !== "function" || !msg) return;
    const id = Number(msg.conversation);
    if (!mine.has(id) || typeof msg.clientId !== "string" || typeof msg.text !== "string") {
      return ack({ error: "not_allowed" });
    }
    const at = Date.now();
    let result;
    try {
      result = store(id, msg.clientId, role, msg.text, at);
    } catch (error) {
      return ack({ error: "unavailable" });
    }
    if (!result) return ack({ error: "not_found" });
    // Acknowledged only now: the message is committed.
    ack(result);
    if (!result.duplicate) {
      socket.to(`c${id}`).emit("message", {
        conversation: id,
        seq: result.seq,
        clientId: msg.clientId,
        from: role,
        text: msg.text,
        at,
      });
    }
  });
});

server.listen(port, "127.0.0.1", () => {
  console.log(`node peer on 127.0.0.1:${port}`);
});
process.on("SIGTERM", () => {
  io.close();
  db.close();
  process.exit(0);
});
