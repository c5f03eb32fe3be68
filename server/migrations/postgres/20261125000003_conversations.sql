-- Anonymous conversations and their messages. Nothing here identifies a
-- person: no name, address, IP, user agent or device id. The token that
-- reattaches a browser is stored only as a SHA-256 hash.
CREATE TABLE conversations (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash       BYTEA   NOT NULL UNIQUE,
    role             TEXT    NOT NULL,
    age_band         TEXT,
    topic            TEXT,
    state            TEXT    NOT NULL DEFAULT 'waiting'
                     CHECK (state IN ('waiting', 'active', 'ended')),
    priority         BIGINT NOT NULL DEFAULT 0,
    counsellor_id    BIGINT,
    created_at       BIGINT NOT NULL,
    claimed_at       BIGINT,
    ended_at         BIGINT,
    ended_by         TEXT,
    outcome          TEXT,
    blocked          BIGINT NOT NULL DEFAULT 0,
    last_activity_at BIGINT NOT NULL,
    next_seq         BIGINT NOT NULL DEFAULT 1,
    read_up_to       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX conversations_queue ON conversations (state, priority DESC, created_at);

CREATE TABLE messages (
    conversation_id BIGINT  NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,
    client_id       TEXT    NOT NULL,
    sender          TEXT    NOT NULL CHECK (sender IN ('visitor', 'counsellor')),
    body            TEXT    NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, seq),
    UNIQUE (conversation_id, client_id)
);

-- Non-identifying activity events for the statistics: no content, no token,
-- no code. They survive the deletion of the conversations they describe.
CREATE TABLE activity_events (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind     TEXT    NOT NULL,
    at       BIGINT NOT NULL,
    channel  TEXT    NOT NULL,
    role     TEXT,
    age_band TEXT,
    topic    TEXT,
    wait_ms  BIGINT,
    outcome  TEXT
);
CREATE INDEX activity_events_kind_at ON activity_events (kind, at);
