-- Anonymous letters: written any time, answered later, read with a code.
--
-- Nothing here identifies a person: no e-mail, phone, IP, user agent or
-- device id. Everything typed (the letters, the counsellors' answers and
-- drafts, the risk words the writer's words matched) is sealed under the
-- thread's own data key (`data_key`, wrapped under the master key with
-- crypto::context('letter-thread', [id])). Retention deletes that key first,
-- then the rows. Times are Unix milliseconds.
--  * code_hash: HMAC of the letter code (the code itself is never stored).
--  * course_token: random; carried by the statistics events of this thread
--    and stored nowhere else, so once the thread is deleted they link to
--    nothing.
--  * state: 'waiting' (a letter from the writer awaits an answer) or
--    'answered' (the last word is the counsellor's).
--  * waiting_since / due_at: the writer's oldest unanswered letter and the
--    promised answer's deadline (the console's queue order).
--  * counsellor_id: who took the thread; later letters go to them again.
--  * draft, draft_by, draft_at: the answer being written, sealed, and who
--    writes it (colleagues see "being answered by …").
--  * review: 1 when the draft waits for a colleague's review before sending.
--  * risk: 1 when the writer's words matched a risk word (the words, sealed,
--    in risk_words).
--  * writer_seen_seq: the highest message the writer has seen with the code
--    (so the page can say an answer is waiting).
CREATE TABLE letter_threads (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code_hash        BYTEA   NOT NULL UNIQUE,
    role             TEXT    NOT NULL CHECK (role IN ('young_person', 'parent_or_relative', 'professional')),
    age_band         TEXT,
    topic            TEXT,
    course_token     TEXT    NOT NULL,
    data_key         BYTEA   NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('waiting', 'answered')),
    waiting_since    BIGINT,
    due_at           BIGINT,
    counsellor_id    BIGINT  REFERENCES counsellors (id),
    draft            BYTEA,
    draft_by         BIGINT  REFERENCES counsellors (id),
    draft_at         BIGINT,
    review           BIGINT  NOT NULL DEFAULT 0 CHECK (review IN (0, 1)),
    risk             BIGINT  NOT NULL DEFAULT 0 CHECK (risk IN (0, 1)),
    risk_words       BYTEA,
    next_seq         BIGINT  NOT NULL DEFAULT 1,
    writer_seen_seq  BIGINT  NOT NULL DEFAULT 0,
    created_at       BIGINT  NOT NULL,
    last_activity_at BIGINT  NOT NULL
);
CREATE INDEX letter_threads_queue ON letter_threads (state, due_at);
CREATE INDEX letter_threads_activity ON letter_threads (last_activity_at);

-- The letters of a thread, both ways, numbered per thread.
CREATE TABLE letter_messages (
    thread_id     BIGINT  NOT NULL REFERENCES letter_threads (id) ON DELETE CASCADE,
    seq           BIGINT  NOT NULL,
    sender        TEXT    NOT NULL CHECK (sender IN ('writer', 'counsellor')),
    counsellor_id BIGINT  REFERENCES counsellors (id),
    body          BYTEA   NOT NULL,
    created_at    BIGINT  NOT NULL,
    PRIMARY KEY (thread_id, seq)
);
