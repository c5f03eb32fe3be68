-- Content at rest is ciphertext (issue #7): everything a person types and
-- everything counsellors write about them is sealed with the conversation's
-- own data key (AES-256-GCM, see server/src/crypto). The key is stored only
-- wrapped under the master key, in conversation_keys; deleting that row
-- makes the conversation's ciphertext unreadable everywhere, backups
-- included ("crypto-shredding"). Deliberately no foreign key: retention
-- deletes the key first, on its own, then the rows.
CREATE TABLE conversation_keys (
    conversation_id BIGINT PRIMARY KEY,
    wrapped         BYTEA   NOT NULL
);

-- Plaintext written before this migration is moved aside, here, into
-- legacy_* tables; the server seals it at its next start (it needs the
-- master key, which SQL does not have) and then drops those tables. See
-- crate::at_rest::seal_legacy.
CREATE TABLE legacy_messages AS
    SELECT conversation_id, seq, client_id, sender, body, created_at FROM messages;
CREATE TABLE legacy_course_notes AS
    SELECT id, conversation_id, author_id, body, created_at FROM course_notes;
CREATE TABLE legacy_concerns AS
    SELECT id, conversation_id, author_id, body, created_at FROM concerns;
CREATE TABLE legacy_conversation_texts AS
    SELECT id AS conversation_id, nickname, handover_note, risk_words FROM conversations
    WHERE nickname IS NOT NULL OR handover_note IS NOT NULL OR risk_words <> '[]';

DELETE FROM messages;
DELETE FROM course_notes;
DELETE FROM concerns;

ALTER TABLE messages DROP COLUMN body;
ALTER TABLE messages ADD COLUMN body BYTEA NOT NULL;
ALTER TABLE course_notes DROP COLUMN body;
ALTER TABLE course_notes ADD COLUMN body BYTEA NOT NULL;
ALTER TABLE concerns DROP COLUMN body;
ALTER TABLE concerns ADD COLUMN body BYTEA NOT NULL;

-- nickname, handover_note and the matched risk words become sealed BLOBs
-- (NULL when there are none).
ALTER TABLE conversations DROP COLUMN nickname;
ALTER TABLE conversations ADD COLUMN nickname BYTEA;
ALTER TABLE conversations DROP COLUMN handover_note;
ALTER TABLE conversations ADD COLUMN handover_note BYTEA;
ALTER TABLE conversations DROP COLUMN risk_words;
ALTER TABLE conversations ADD COLUMN risk_words BYTEA;
