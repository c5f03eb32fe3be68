-- One audit log for the whole service: logins, administrative actions and,
-- from the conversion on, every access to identifying data. Append-only and
-- hash-chained: each row's hash covers its fields and the previous row's
-- hash, so removing, changing or reordering a row breaks the chain. The
-- UNIQUE prev_hash means two writers cannot fork the chain: the loser retries.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL, -- Unix milliseconds
    actor_id  INTEGER,          -- counsellor; NULL for the system or a failed login
    actor     TEXT    NOT NULL, -- login at the time, or 'system'
    action    TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    detail    TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL UNIQUE,
    hash      TEXT    NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
