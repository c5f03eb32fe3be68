-- An anonymous course: a conversation that the person can reopen later with
-- a resume code, for the 1-5 talks of the anonymous offer.
--  * code_hash: HMAC-SHA256 (server key) of the normalised code; the code
--    itself is never stored. NULL until the person asks for a code.
--  * previous_counsellor_id: who talked with them last; a reopened talk is
--    offered to that counsellor first while they are on duty.
--  * queued_at: when the current talk entered the queue (waits count from here).
--  * talks: how many talks the course has had (statistics: course length).
--  * course_token: random; carried by the statistics events so unique persons
--    can be counted. Stored nowhere else, so once the course is deleted the
--    events link to nothing.
--  * nickname: optional, typed by the person: content, like messages.
ALTER TABLE conversations ADD COLUMN code_hash BLOB;
ALTER TABLE conversations ADD COLUMN previous_counsellor_id INTEGER;
ALTER TABLE conversations ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN talks INTEGER NOT NULL DEFAULT 1;
ALTER TABLE conversations ADD COLUMN course_token TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN nickname TEXT;
UPDATE conversations SET queued_at = created_at;
CREATE UNIQUE INDEX conversations_code_hash ON conversations (code_hash);
DROP INDEX conversations_queue;
CREATE INDEX conversations_queue ON conversations (state, priority DESC, queued_at);

ALTER TABLE activity_events ADD COLUMN course TEXT;
ALTER TABLE activity_events ADD COLUMN returned INTEGER NOT NULL DEFAULT 0;
