-- Treatment cases: the one place identifying data lives, from the explicit,
-- consented conversion of an anonymous course on.
--  * treatment_cases: one row per young person in treatment. wrapped_key is
--    the case's own data key wrapped under the master key (owner context
--    crypto::context("case", [id])); deleting it makes every sealed column
--    of the case unreadable (crypto-shredding), so it is NULL only in the
--    moment between shredding and deleting the rows.
--    Every *_sealed column is AES-GCM under that key, bound to the case,
--    the field and the row. Nothing identifying is stored in plaintext.
--    An under-18 case cannot be active without the parents' consent and the
--    municipality's case worker reference (the CHECK below; the server
--    refuses first with a clear message).
--  * case_counsellors: who may open the case (besides coordinators).
--  * case_entries: the data sheet over time (background, activities,
--    change), the log of sessions, and anonymous history carried over with
--    the young person's consent; each body sealed under the case key.
CREATE TABLE treatment_cases (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    wrapped_key           BLOB,
    state                 TEXT    NOT NULL DEFAULT 'pending'
                          CHECK (state IN ('pending', 'active', 'closed')),
    minor                 INTEGER NOT NULL CHECK (minor IN (0, 1)),
    age_group             TEXT    NOT NULL,
    source_conversation   INTEGER,
    created_by            INTEGER NOT NULL,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    consent_how           TEXT    NOT NULL,
    consent_at            INTEGER NOT NULL,
    consent_recorded_by   INTEGER NOT NULL,
    parents_consent_how   TEXT,
    parents_consent_at    INTEGER,
    parents_consent_by    INTEGER,
    parents_sealed        BLOB,
    case_worker_sealed    BLOB,
    name_sealed           BLOB,
    cpr_sealed            BLOB,
    phone_sealed          BLOB,
    email_sealed          BLOB,
    address_sealed        BLOB,
    activated_at          INTEGER,
    closed_at             INTEGER,
    delete_after          INTEGER,
    CHECK (state <> 'active' OR minor = 0
           OR (parents_consent_at IS NOT NULL AND case_worker_sealed IS NOT NULL))
);
CREATE INDEX treatment_cases_delete_after ON treatment_cases (delete_after);

CREATE TABLE case_counsellors (
    case_id       INTEGER NOT NULL REFERENCES treatment_cases (id) ON DELETE CASCADE,
    counsellor_id INTEGER NOT NULL,
    assigned_at   INTEGER NOT NULL,
    PRIMARY KEY (case_id, counsellor_id)
);
CREATE INDEX case_counsellors_counsellor ON case_counsellors (counsellor_id);

CREATE TABLE case_entries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      INTEGER NOT NULL REFERENCES treatment_cases (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL
                 CHECK (kind IN ('background', 'activities', 'change', 'session', 'history')),
    detail       TEXT    NOT NULL DEFAULT '',
    happened_at  INTEGER NOT NULL,
    author_id    INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    body_sealed  BLOB
);
CREATE INDEX case_entries_case ON case_entries (case_id, id);
