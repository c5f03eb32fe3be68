-- Booked first conversations, counsellors' availability, group courses.
--
-- Everything a visitor types (alias, message, phone number, evaluation
-- comment) and a counsellor's cancellation note to the visitor is sealed
-- under the row's own data key (`data_key`, wrapped under the master key
-- with crypto::context(<owner kind>, [id])). Purging a row deletes that key
-- first. Times are Unix milliseconds; local dates are 'YYYY-MM-DD'
-- (Copenhagen), minutes count from local midnight.

-- Weekly recurring hours a counsellor takes bookings (0 = Monday).
CREATE TABLE booking_hours (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    counsellor_id INTEGER NOT NULL REFERENCES counsellors (id),
    weekday       INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute  INTEGER NOT NULL,
    end_minute    INTEGER NOT NULL,
    CHECK (start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440)
);
CREATE INDEX booking_hours_counsellor ON booking_hours (counsellor_id);

-- One local date's exception: extra hours (available = 1) or an absence
-- (available = 0) that removes hours.
CREATE TABLE booking_exceptions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    counsellor_id INTEGER NOT NULL REFERENCES counsellors (id),
    day           TEXT    NOT NULL,
    start_minute  INTEGER NOT NULL,
    end_minute    INTEGER NOT NULL,
    available     INTEGER NOT NULL CHECK (available IN (0, 1)),
    CHECK (start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440)
);
CREATE INDEX booking_exceptions_counsellor ON booking_exceptions (counsellor_id, day);

-- A booked conversation.
--  * kind: the conversation type's key from configuration (in_person, phone, …).
--  * place: the meeting place's key (walk-and-talk), from configuration.
--  * state: booked → attended | no_show, or cancelled (by the booker or a counsellor).
--  * code_hash: HMAC of the manage code (the code itself is never stored).
--  * phone: sealed; set to NULL once the appointment is over.
CREATE TABLE bookings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('young_person', 'parent', 'professional')),
    counsellor_id INTEGER NOT NULL REFERENCES counsellors (id),
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    place         TEXT,
    state         TEXT    NOT NULL CHECK (state IN ('booked', 'cancelled', 'attended', 'no_show')),
    cancelled_by  TEXT    CHECK (cancelled_by IN ('booker', 'counsellor')),
    code_hash     BLOB    NOT NULL UNIQUE,
    data_key      BLOB    NOT NULL,
    alias         BLOB    NOT NULL,
    message       BLOB,
    phone         BLOB,
    cancel_note   BLOB,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX bookings_agenda ON bookings (starts_at);
CREATE INDEX bookings_counsellor ON bookings (counsellor_id, starts_at);

-- The time a live booking occupies, cut into cells of the slot grid. The
-- primary key is what makes double booking impossible, whatever races in
-- the application: one counsellor, one cell, one booking. A cancelled
-- booking gives its cells back.
CREATE TABLE booking_cells (
    counsellor_id INTEGER NOT NULL,
    cell_start    INTEGER NOT NULL,
    booking_id    INTEGER NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    PRIMARY KEY (counsellor_id, cell_start)
);
CREATE INDEX booking_cells_booking ON booking_cells (booking_id);

-- A group course (parent group, quit-cannabis course, …). Name and place
-- are written by coordinators: not visitors' content.
CREATE TABLE group_courses (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    audience   TEXT    NOT NULL CHECK (audience IN ('parents', 'young_people')),
    place      TEXT    NOT NULL,
    capacity   INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 100),
    created_at INTEGER NOT NULL
);

CREATE TABLE group_sessions (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id INTEGER NOT NULL REFERENCES group_courses (id) ON DELETE CASCADE,
    starts_at INTEGER NOT NULL,
    ends_at   INTEGER NOT NULL
);
CREATE INDEX group_sessions_course ON group_sessions (course_id, starts_at);

-- A sign-up. `seat` (1..capacity) is set while enrolled and NULL on the
-- waiting list; UNIQUE (course_id, seat) keeps a course from overfilling
-- under concurrent sign-ups.
CREATE TABLE group_participants (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id    INTEGER NOT NULL REFERENCES group_courses (id) ON DELETE CASCADE,
    state        TEXT    NOT NULL CHECK (state IN ('enrolled', 'waiting', 'cancelled')),
    seat         INTEGER,
    code_hash    BLOB    NOT NULL UNIQUE,
    data_key     BLOB    NOT NULL,
    alias        BLOB    NOT NULL,
    evaluated    INTEGER NOT NULL DEFAULT 0 CHECK (evaluated IN (0, 1)),
    signed_up_at INTEGER NOT NULL,
    UNIQUE (course_id, seat)
);
CREATE INDEX group_participants_course ON group_participants (course_id, state, signed_up_at);

-- Anonymous evaluations: linked to the course only, not to the participant.
CREATE TABLE group_evaluations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id  INTEGER NOT NULL REFERENCES group_courses (id) ON DELETE CASCADE,
    helpful    INTEGER NOT NULL CHECK (helpful BETWEEN 1 AND 5),
    understood INTEGER NOT NULL CHECK (understood BETWEEN 1 AND 5),
    recommend  INTEGER NOT NULL CHECK (recommend BETWEEN 1 AND 5),
    data_key   BLOB    NOT NULL,
    comment    BLOB,
    created_at INTEGER NOT NULL
);
CREATE INDEX group_evaluations_course ON group_evaluations (course_id);
