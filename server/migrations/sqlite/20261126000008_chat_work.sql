-- Working with chats: transfers, course notes, concerns, and how many chats
-- a counsellor takes at once.
--  * counsellors.max_chats: a claim or transfer past it is refused.
--  * conversations.handover_note / handover_from: the note (content, never
--    shown to the person) of a chat given back to the queue, for whoever
--    takes it next; the first name of who wrote it.
--  * course_notes: non-identifying notes on the anonymous course, shown to
--    the counsellor when the person comes back. Deleted with the course.
--  * concerns: a counsellor's recorded concern (non-identifying). Deleted
--    with the course; statistics get a content-free 'concern' event.
ALTER TABLE counsellors ADD COLUMN max_chats INTEGER NOT NULL DEFAULT 3;
ALTER TABLE conversations ADD COLUMN handover_note TEXT;
ALTER TABLE conversations ADD COLUMN handover_from TEXT;

CREATE TABLE course_notes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_id       INTEGER NOT NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX course_notes_conversation ON course_notes (conversation_id, id);

CREATE TABLE concerns (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_id       INTEGER NOT NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX concerns_conversation ON concerns (conversation_id);
