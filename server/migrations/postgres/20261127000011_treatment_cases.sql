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
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    wrapped_key           BYTEA,
    state                 TEXT    NOT NULL DEFAULT 'pending'
                          CHECK (state IN ('pending', 'active', 'closed')),
    minor                 BIGINT NOT NULL CHECK (minor IN (0, 1)),
    age_group             TEXT    NOT NULL,
    source_conversation   BIGINT,
    created_by            BIGINT NOT NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    consent_how           TEXT    NOT NULL,
    consent_at            BIGINT NOT NULL,
    consent_recorded_by   BIGINT NOT NULL,
    parents_consent_how   TEXT,
    parents_consent_at    BIGINT,
    parents_consent_by    BIGINT,
    parents_sealed        BYTEA,
    case_worker_sealed    BYTEA,
    name_sealed           BYTEA,
    cpr_sealed            BYTEA,
    phone_sealed          BYTEA,
    email_sealed          BYTEA,
    address_sealed        BYTEA,
    activated_at          BIGINT,
    closed_at             BIGINT,
    delete_after          BIGINT,
    CHECK (state <> 'active' OR minor = 0
           OR (parents_consent_at IS NOT NULL AND case_worker_sealed IS NOT NULL))
);
CREATE INDEX treatment_cases_delete_after ON treatment_cases (delete_after);

CREATE TABLE case_counsellors (
    case_id       BIGINT NOT NULL REFERENCES treatment_cases (id) ON DELETE CASCADE,
    counsellor_id BIGINT NOT NULL,
    assigned_at   BIGINT NOT NULL,
    PRIMARY KEY (case_id, counsellor_id)
);
CREATE INDEX case_counsellors_counsellor ON case_counsellors (counsellor_id);

CREATE TABLE case_entries (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES treatment_cases (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL
                 CHECK (kind IN ('background', 'activities', 'change', 'session', 'history')),
    detail       TEXT    NOT NULL DEFAULT '',
    happened_at  BIGINT NOT NULL,
    author_id    BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    body_sealed  BYTEA
);
CREATE INDEX case_entries_case ON case_entries (case_id, id);
