-- Counsellor login sessions (tower-sessions). Anonymous visitors never get
-- one: the session layer writes a row only when a counsellor logs in.
CREATE TABLE counsellor_sessions (
    id         TEXT   PRIMARY KEY NOT NULL,
    data       BYTEA  NOT NULL,
    expires_at BIGINT NOT NULL -- Unix milliseconds
);
CREATE INDEX counsellor_sessions_expires_at ON counsellor_sessions (expires_at);
