-- Anonymous conversations and their messages. Nothing here identifies a
-- person: no name, address, IP, user agent or device id. The token that
-- reattaches a browser is stored only as a SHA-256 hash.
CREATE TABLE conversations (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash       BLOB    NOT NULL UNIQUE,
    role             TEXT    NOT NULL,
    age_band         TEXT,
    topic            TEXT,
    state            TEXT    NOT NULL DEFAULT 'waiting'
                     CHECK (state IN ('waiting', 'active', 'ended')),
    priority         INTEGER NOT NULL DEFAULT 0,
    counsellor_id    INTEGER,
    created_at       INTEGER NOT NULL,
    claimed_at       INTEGER,
    ended_at         INTEGER,
    ended_by         TEXT,
    outcome          TEXT,
    blocked          INTEGER NOT NULL DEFAULT 0,
    last_activity_at INTEGER NOT NULL,
    next_seq         INTEGER NOT NULL DEFAULT 1,
    read_up_to       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX conversations_queue ON conversations (state, priority DESC, created_at);

CREATE TABLE messages (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    client_id       TEXT    NOT NULL,
    sender          TEXT    NOT NULL CHECK (sender IN ('visitor', 'counsellor')),
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq),
    UNIQUE (conversation_id, client_id)
);

-- Non-identifying activity events for the statistics: no content, no token,
-- no code. They survive the deletion of the conversations they describe.
CREATE TABLE activity_events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT    NOT NULL,
    at       INTEGER NOT NULL,
    channel  TEXT    NOT NULL,
    role     TEXT,
    age_band TEXT,
    topic    TEXT,
    wait_ms  INTEGER,
    outcome  TEXT
);
CREATE INDEX activity_events_kind_at ON activity_events (kind, at);
