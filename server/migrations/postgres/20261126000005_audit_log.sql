-- One audit log for the whole service: logins, administrative actions and,
-- from the conversion on, every access to identifying data. Append-only and
-- hash-chained: each row's hash covers its fields and the previous row's
-- hash, so removing, changing or reordering a row breaks the chain. The
-- UNIQUE prev_hash means two writers cannot fork the chain: the loser retries.
CREATE TABLE audit_log (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        BIGINT NOT NULL, -- Unix milliseconds
    actor_id  BIGINT,          -- counsellor; NULL for the system or a failed login
    actor     TEXT   NOT NULL, -- login at the time, or 'system'
    action    TEXT   NOT NULL,
    subject   TEXT   NOT NULL,
    detail    TEXT   NOT NULL,
    prev_hash TEXT   NOT NULL UNIQUE,
    hash      TEXT   NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
